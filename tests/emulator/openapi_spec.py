"""The vendored official OpenAPI file (API 2025-04) and its known errata, in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: The official file, vendored in the repository (see spec/README.md for where it comes from).
SPEC_PATH = Path(__file__).parent / "spec" / "pinecone-db-control-2025-04.oas.yaml"
SPEC_MISSING = f"the OpenAPI file {SPEC_PATH.name} is not in tests/emulator/spec/"

#: Where the official 2025-04 file disagrees with the live service (or with itself), and what
#: the emulator and its contract tests follow instead. `apply_errata` applies each one.
SPEC_ERRATA = {
    "pagination-nullable": 'Listings end with `"pagination": null` in the file\'s own examples '
    "and live, but PaginationResponse lacks `nullable: true`.",
    "configure-200": "PATCH /indexes/{name} answers 200 live (the Go SDK, tested live, accepts "
    "only 200); the file declares 202 with the same IndexModel.",
    "data-plane-links": "Responses carry OpenAPI `links` to data-plane operations (upsert, "
    "query, ...) that this control-plane file does not define.",
    "undeclared-statuses": "Refusals the service must send but the file does not declare for "
    "the operation: 400 for a bad `limit`/`paginationToken` on the listings, 404 for a backup or "
    "collection of a missing index, 412 for a restore from a non-Ready backup. So the checks "
    "hold every 4xx/5xx body to ErrorResponse, not every status to the declared list "
    "(schemathesis' status_code_conformance is left out for this reason).",
}


def apply_errata(spec: dict[str, Any]) -> dict[str, Any]:
    """Return `spec` changed (in place) per `SPEC_ERRATA`."""
    spec["components"]["schemas"]["PaginationResponse"]["nullable"] = True
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                response.pop("links", None)
    configure = spec["paths"]["/indexes/{index_name}"]["patch"]["responses"]
    configure.setdefault("200", configure["202"])
    return spec


class _TextTimestampLoader(yaml.SafeLoader):
    """A YAML loader that keeps timestamps (in the file's examples) as text, as JSON has them."""


_TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec() -> dict[str, Any]:
    """Read the vendored file with `SPEC_ERRATA` applied.

    Raises:
        FileNotFoundError: The file is absent (callers skip with `SPEC_MISSING`).
    """
    text = SPEC_PATH.read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.load(text, Loader=_TextTimestampLoader)  # noqa: S506 - SafeLoader
    return apply_errata(spec)
