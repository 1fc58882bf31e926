"""Property-based checks of every operation against the official OpenAPI file (schemathesis).

Each operation gets a few generated requests against the served emulator;
every answer must be a non-5xx with the declared content type and a body matching its schema
(errata: `SPEC_ERRATA` in openapi_spec.py). The examples are few and derandomised to keep it fast
and repeatable.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from emulator.openapi_spec import SPEC_MISSING, SPEC_PATH, load_spec
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from pulumi_pinecone_restore.emulator import EmulatorServer

API_KEY = "test-key"
if not SPEC_PATH.is_file():
    pytest.skip(SPEC_MISSING, allow_module_level=True)
schema = schemathesis.openapi.from_dict(load_spec())
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_operation_conforms(case: schemathesis.Case[Any], server: EmulatorServer) -> None:
    """Generated requests to one operation never get a 5xx or an off-spec answer."""
    case.call_and_validate(
        base_url=server.url, headers={"Api-Key": API_KEY}, checks=CHECKS, timeout=5
    )
