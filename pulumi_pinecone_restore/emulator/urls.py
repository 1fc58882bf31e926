"""URL routing for the emulator: the Pinecone API 2025-04 routes and the `/_emulator/` admin API.

Endpoint names are the handler names in `responses`; request counters use each rule's
template in OpenAPI notation (`GET /indexes/{index_name}`).
"""

from __future__ import annotations

import re

from werkzeug.routing import Map, Rule

ADMIN_PREFIX = "/_emulator"


def _rules(rules: list[tuple[str, str, str]]) -> Map:
    # merge_slashes=False: the API has no redirects; an unexpected path is simply a 404.
    return Map(
        [Rule(path, methods=[method], endpoint=endpoint) for method, path, endpoint in rules],
        merge_slashes=False,
    )


API_URLS = _rules(
    [
        ("GET", "/indexes", "list_indexes"),
        ("POST", "/indexes", "create_index"),
        ("POST", "/indexes/create-for-model", "create_index_for_model"),
        ("GET", "/indexes/<index_name>", "describe_index"),
        ("PATCH", "/indexes/<index_name>", "configure_index"),
        ("DELETE", "/indexes/<index_name>", "delete_index"),
        ("GET", "/indexes/<index_name>/backups", "list_index_backups"),
        ("POST", "/indexes/<index_name>/backups", "create_backup"),
        ("GET", "/backups", "list_project_backups"),
        ("GET", "/backups/<backup_id>", "describe_backup"),
        ("DELETE", "/backups/<backup_id>", "delete_backup"),
        ("POST", "/backups/<backup_id>/create-index", "create_index_from_backup"),
        ("GET", "/restore-jobs", "list_restore_jobs"),
        ("GET", "/restore-jobs/<job_id>", "describe_restore_job"),
        ("GET", "/collections", "list_collections"),
        ("POST", "/collections", "create_collection"),
        ("GET", "/collections/<collection_name>", "describe_collection"),
        ("DELETE", "/collections/<collection_name>", "delete_collection"),
    ]
)

ADMIN_URLS = _rules(
    [
        ("GET", f"{ADMIN_PREFIX}/health", "health"),
        ("POST", f"{ADMIN_PREFIX}/reset", "reset"),
        ("POST", f"{ADMIN_PREFIX}/seed", "seed"),
        ("GET", f"{ADMIN_PREFIX}/faults", "list_faults"),
        ("POST", f"{ADMIN_PREFIX}/faults", "add_fault"),
        ("DELETE", f"{ADMIN_PREFIX}/faults", "clear_faults"),
        ("GET", f"{ADMIN_PREFIX}/timings", "get_timings"),
        ("PUT", f"{ADMIN_PREFIX}/timings", "set_timings"),
        ("PATCH", f"{ADMIN_PREFIX}/timings", "set_timings"),
        ("GET", f"{ADMIN_PREFIX}/clock", "get_clock"),
        ("POST", f"{ADMIN_PREFIX}/clock/advance", "advance_clock"),
        ("GET", f"{ADMIN_PREFIX}/behaviour", "get_behaviour"),
        ("PUT", f"{ADMIN_PREFIX}/behaviour", "set_behaviour"),
        ("PATCH", f"{ADMIN_PREFIX}/behaviour", "set_behaviour"),
        ("POST", f"{ADMIN_PREFIX}/backups/<backup_id>/fail-restores", "fail_restores"),
        ("POST", f"{ADMIN_PREFIX}/restore-jobs/<job_id>/cancel", "cancel_restore"),
        ("GET", f"{ADMIN_PREFIX}/connections", "connections"),
        ("POST", f"{ADMIN_PREFIX}/connections/close-idle", "close_idle_connections"),
        ("GET", f"{ADMIN_PREFIX}/state", "state"),
        ("GET", f"{ADMIN_PREFIX}/requests", "request_counts"),
        ("DELETE", f"{ADMIN_PREFIX}/requests", "reset_requests"),
        ("POST", f"{ADMIN_PREFIX}/requests/reset", "reset_requests"),
        ("GET", f"{ADMIN_PREFIX}/requests/log", "request_log"),
    ]
)

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def route_template(rule_path: str) -> str:
    """Turn a werkzeug rule path into OpenAPI notation: `/indexes/<index_name>` -> `{index_name}`.

    Args:
        rule_path: The rule's path string.

    Returns:
        The templated path.
    """
    return _CONVERTER.sub(r"{\1}", rule_path)
