"""Live-service behaviour over HTTP: keep-alive, stale connections, auth order, versions, admin."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from emulator.bodies import INDEX, TIMEOUT

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule, Timing, Timings


def _connections(base_url: str) -> dict[str, int]:
    body: dict[str, int] = requests.get(f"{base_url}/_emulator/connections", timeout=TIMEOUT).json()
    return body


def test_session_reuses_one_connection(http: requests.Session, base_url: str) -> None:
    """Responses keep the connection alive, so a session sends many requests over one."""
    before = _connections(base_url)["opened_total"]
    answers = [http.get(f"{base_url}/indexes", timeout=TIMEOUT) for _ in range(3)]
    assert all("close" not in a.headers.get("Connection", "") for a in answers)
    assert _connections(base_url)["opened_total"] == before + 2  # the session's and this call's


def test_error_answers_keep_the_connection_too(http: requests.Session, base_url: str) -> None:
    """A 404 with a body does not close the connection either."""
    before = _connections(base_url)["opened_total"]
    http.get(f"{base_url}/indexes/missing", timeout=TIMEOUT)
    http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    assert _connections(base_url)["opened_total"] == before + 2  # the session's and this call's


def test_closing_idle_connections_makes_the_pool_reconnect(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """After the server closes the idle pooled connection, the next POST goes over a new one."""
    http.get(f"{base_url}/indexes", timeout=TIMEOUT)
    closed = requests.post(f"{base_url}/_emulator/connections/close-idle", timeout=TIMEOUT)
    assert closed.json()["closed"] >= 1
    opened = _connections(base_url)["opened_total"]
    assert http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 201
    assert _connections(base_url)["opened_total"] == opened + 2  # the admin call's and ours
    assert emulator.describe_index("idx")["name"] == "idx"


def test_post_on_a_stale_pooled_connection_is_lost_unprocessed(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """The reused-connection drop fault loses a POST without acting on it; a retry works."""
    http.get(f"{base_url}/indexes", timeout=TIMEOUT)
    emulator.add_fault(FaultRule(method="POST", drop=True, reused_connection=True, times=1))
    with pytest.raises(requests.ConnectionError):
        http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    assert emulator.list_indexes()["indexes"] == []
    assert http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 201


def test_reused_connection_fault_spares_a_fresh_connection(
    base_url: str, emulator: Emulator
) -> None:
    """The stale-connection fault does not fire on a request that opened its connection."""
    emulator.add_fault(FaultRule(method="POST", drop=True, reused_connection=True, times=1))
    with requests.Session() as fresh:
        fresh.headers["Api-Key"] = "test-key"
        assert fresh.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 201


def test_unknown_path_without_key_is_401(base_url: str) -> None:
    """Authentication comes before routing: an unknown path without a key is 401."""
    response = requests.get(f"{base_url}/no/such/route", timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")


def test_create_for_model_without_key_is_401(base_url: str) -> None:
    """The create-for-model route exists, so without a key it is 401 (not 405)."""
    response = requests.post(f"{base_url}/indexes/create-for-model", json={}, timeout=TIMEOUT)
    assert response.status_code == 401


def test_405_names_the_allowed_methods(http: requests.Session, base_url: str) -> None:
    """A wrong method is 405 with an Allow header listing the right ones."""
    response = http.put(f"{base_url}/indexes", timeout=TIMEOUT)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_missing_api_version_is_served_as_2025_04(base_url: str) -> None:
    """Without X-Pinecone-API-Version the request is served (as 2025-04)."""
    response = requests.get(f"{base_url}/indexes", headers={"Api-Key": "test-key"}, timeout=TIMEOUT)
    assert response.status_code == 200


def test_other_api_version_is_400(base_url: str) -> None:
    """Another API version is refused with 400 rather than answered in 2025-04 shapes."""
    headers = {"Api-Key": "test-key", "X-Pinecone-API-Version": "2025-10"}
    response = requests.get(f"{base_url}/indexes", headers=headers, timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_ARGUMENT")


@pytest.mark.parametrize("limit", [-5, 0, 1000, "x", True])
def test_crafted_token_with_odd_limit_is_400(
    http: requests.Session, base_url: str, limit: object
) -> None:
    """A token that decodes but carries a bad page size is 400, never 500."""
    raw = json.dumps({"kind": "restore-jobs", "after": 0, "limit": limit}).encode()
    token = base64.urlsafe_b64encode(raw).decode()
    response = http.get(
        f"{base_url}/restore-jobs", params={"paginationToken": token}, timeout=TIMEOUT
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_ARGUMENT")


def test_collection_of_a_serverless_index_is_400(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """Like the live service, collections are refused for serverless indexes."""
    emulator.seed_index(name="src")
    response = http.post(
        f"{base_url}/collections", json={"name": "c", "source": "src"}, timeout=TIMEOUT
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_ARGUMENT")


def test_create_backup_answer_has_nine_digit_timestamp(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """Create backup sends 9 fractional digits, describe 6 of the same instant."""
    emulator.seed_index(name="src")
    created = http.post(f"{base_url}/indexes/src/backups", json={}, timeout=TIMEOUT).json()
    described = http.get(f"{base_url}/backups/{created['backup_id']}", timeout=TIMEOUT).json()
    assert len(created["created_at"].split(".")[1]) == len("123456789Z")
    assert len(described["created_at"].split(".")[1]) == len("123456Z")
    assert created["created_at"].startswith(described["created_at"][:-1])
    assert created["status"] == "Pending"


def test_admin_behaviour_patch_and_legacy(base_url: str, emulator: Emulator) -> None:
    """PATCH /_emulator/behaviour changes one knob; {"legacy": true} restores the old ways."""
    url = f"{base_url}/_emulator/behaviour"
    patched = requests.patch(url, json={"progress": "stall"}, timeout=TIMEOUT).json()
    assert patched["progress"]["points"][1] == [0.2, 40.0]
    assert patched["newest_first"] is True
    legacy = requests.put(url, json={"legacy": True}, timeout=TIMEOUT).json()
    assert legacy["restore_listing_lag"] == {"seconds": 0.0, "reads": 0}
    assert emulator.behaviour.hide_jobs_of_deleted_indexes is False


def test_admin_behaviour_rejects_unknown_keys(base_url: str) -> None:
    """A typo in a knob name is 400, not silently ignored."""
    response = requests.patch(
        f"{base_url}/_emulator/behaviour", json={"newest_frist": True}, timeout=TIMEOUT
    )
    assert response.status_code == 400


def test_admin_cancel_restore(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """POST /_emulator/restore-jobs/{id}/cancel ends a running job Cancelled."""
    emulator.set_timings(Timings(restore=Timing(seconds=60)))
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    job_id = emulator.create_index_from_backup(backup_id, {"name": "copy"})["restore_job_id"]
    cancelled = requests.post(
        f"{base_url}/_emulator/restore-jobs/{job_id}/cancel", json={}, timeout=TIMEOUT
    )
    assert cancelled.json()["status"] == "Cancelled"
    job = http.get(f"{base_url}/restore-jobs/{job_id}", timeout=TIMEOUT).json()
    assert job["status"] == "Cancelled"
    again = requests.post(f"{base_url}/_emulator/restore-jobs/{job_id}/cancel", timeout=TIMEOUT)
    assert again.status_code == 412


def test_stop_closes_kept_alive_connections(emulator: Emulator) -> None:
    """Stopping the server ends its idle keep-alive connections instead of hanging."""
    server = EmulatorServer(emulator).start()
    with requests.Session() as session:
        session.get(f"{server.url}/_emulator/health", timeout=TIMEOUT)
        assert server.connections.to_json()["open"] == 1
        server.stop()
        assert server.connections.to_json()["open"] == 0
