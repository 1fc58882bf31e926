"""Shared fixtures: an emulator on a manual clock, a served emulator, and OpenAPI validation.

Every API response the served emulator sends during a test (to `requests` or to the official
SDK) is validated against the 2025-04 OpenAPI file by a response hook; a test fails at
teardown if any body did not match its schema.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from emulator.openapi_spec import SPEC_MISSING, SPEC_PATH, apply_errata, load_spec
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from werkzeug.exceptions import HTTPException

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, ManualClock
from pulumi_pinecone_restore.emulator.urls import API_URLS

API_KEY = "test-key"

#: Emulator endpoint name -> OpenAPI operationId (they differ only for restore).
OPERATION_IDS = {
    "list_project_backups": "list_project_backups",
    "create_index_from_backup": "create_index_from_backup_operation",
}
#: Status the emulator sends -> status whose schema applies (see SPEC_ERRATA "configure-200").
STATUS_ALIASES = {("configure_index", 200): "202"}


class OpenApiContract:
    """Validates response bodies against the OpenAPI file's schemas."""

    def __init__(self, spec: dict[str, Any]) -> None:
        """Index the operations of `spec` (with `SPEC_ERRATA` applied) by operationId."""
        spec = apply_errata(spec)
        self.spec = spec
        self.operations: dict[str, dict[str, Any]] = {}
        for item in spec["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    self.operations[operation["operationId"]] = operation

    def resolve(self, node: Any) -> Any:
        """Inline every `$ref` (the 2025-04 schemas have no cycles)."""
        if isinstance(node, dict):
            if "$ref" in node:
                target: Any = self.spec
                for part in node["$ref"].removeprefix("#/").split("/"):
                    target = target[part]
                return self.resolve(target)
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        return node

    def schema_for(self, endpoint: str, status: int) -> dict[str, Any] | None:
        """Return the response schema for an endpoint and status (None: no body declared)."""
        schema: dict[str, Any]
        if status >= 400:
            schema = self.resolve(self.spec["components"]["schemas"]["ErrorResponse"])
            return schema
        operation = self.operations[OPERATION_IDS.get(endpoint, endpoint)]
        key = STATUS_ALIASES.get((endpoint, status), str(status))
        response = operation["responses"][key]
        content = response.get("content")
        if content is None:
            return None
        schema = self.resolve(content["application/json"]["schema"])
        return schema

    def validate(self, method: str, path: str, status: int, body: bytes) -> None:
        """Validate one response; raise on any mismatch.

        Raises:
            AssertionError: A body was sent where none is declared, or vice versa.
            jsonschema.ValidationError: The body does not match the schema.
        """
        try:
            endpoint, _ = API_URLS.bind("emulator").match(path, method=method)
        except HTTPException:
            endpoint = "unrouted"
            assert status >= 400, f"{method} {path} is not an API route but answered {status}"
        schema = self.schema_for(str(endpoint), status)
        if schema is None:
            assert body == b"", f"{method} {path} -> {status} must have no body, got {body!r}"
            return
        OAS30Validator(schema, format_checker=oas30_format_checker).validate(json.loads(body))


@pytest.fixture(name="optional_contract", scope="session")
def fixture_optional_contract() -> OpenApiContract | None:
    """The 2025-04 OpenAPI contract, or None when the vendored file is absent."""
    if not SPEC_PATH.is_file():
        return None
    return OpenApiContract(load_spec())


@pytest.fixture(name="contract")
def fixture_contract(optional_contract: OpenApiContract | None) -> OpenApiContract:
    """The 2025-04 OpenAPI contract; tests that need it skip when the file is absent."""
    if optional_contract is None:
        pytest.skip(SPEC_MISSING)
    return optional_contract


@pytest.fixture(name="clock")
def fixture_clock() -> ManualClock:
    """A manual clock starting at a fixed time."""
    return ManualClock(start=1_750_000_000.0)


@pytest.fixture(name="emulator")
def fixture_emulator(clock: ManualClock) -> Emulator:
    """An emulator with immediate timings on the manual clock."""
    return Emulator(api_key=API_KEY, clock=clock, project_id="abc1234")


@pytest.fixture(name="served_responses")
def fixture_served_responses() -> list[tuple[str, str, int]]:
    """Every (method, path, status) the served emulator answered during the test."""
    return []


@pytest.fixture(name="server")
def fixture_server(
    emulator: Emulator,
    optional_contract: OpenApiContract | None,
    served_responses: list[tuple[str, str, int]],
) -> Iterator[EmulatorServer]:
    """The emulator served on a free port; every response is checked against the OpenAPI file.

    Without the vendored OpenAPI file the server still runs and only the contract check is
    left out (tests that check the contract itself skip through the `contract` fixture).
    """
    failures: list[str] = []
    lock = threading.Lock()

    def check(method: str, path: str, status: int, body: bytes) -> None:
        with lock:
            served_responses.append((method, path, status))
        if optional_contract is None:
            return
        try:
            optional_contract.validate(method, path, status, body)
        except Exception as exc:  # noqa: BLE001 - report every kind of mismatch at teardown
            with lock:
                failures.append(f"{method} {path} -> {status}: {exc}\nbody: {body[:500]!r}")

    with EmulatorServer(emulator, response_hook=check) as server:
        yield server
    assert not failures, "responses that break the OpenAPI contract:\n" + "\n".join(failures)


@pytest.fixture(name="http")
def fixture_http(server: EmulatorServer) -> Iterator[requests.Session]:
    """A requests session that sends the right Api-Key; use `base_url` for the server URL."""
    with requests.Session() as session:
        session.headers["Api-Key"] = API_KEY
        yield session


@pytest.fixture(name="base_url")
def fixture_base_url(server: EmulatorServer) -> str:
    """The served emulator's base URL."""
    return server.url
