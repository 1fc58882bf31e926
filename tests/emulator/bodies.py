"""Request bodies and the request timeout the emulator tests share."""

from __future__ import annotations

from typing import Any

#: Seconds a test request may take against the local server.
TIMEOUT = 5
#: A `POST /indexes` body for a small serverless index named `idx`.
INDEX: dict[str, Any] = {
    "name": "idx",
    "dimension": 8,
    "metric": "cosine",
    "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}},
}


def from_collection(name: str, collection: str) -> dict[str, Any]:
    """A `POST /indexes` body for a serverless index `name` made from `collection`."""
    serverless = {"cloud": "aws", "region": "us-east-1", "source_collection": collection}
    return {"name": name, "spec": {"serverless": serverless}}
