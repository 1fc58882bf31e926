"""Integrated-embedding indexes (`POST /indexes/create-for-model`) and their backups/restores."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import (
    Emulator,
    EmulatorServer,
    InvalidArgumentError,
    UnprocessableError,
)
from pulumi_pinecone_restore.settings import ClientSettings

TIMEOUT = 5
API_KEY = "test-key"
BODY: dict[str, Any] = {
    "name": "docs",
    "cloud": "aws",
    "region": "us-east-1",
    "embed": {"model": "llama-text-embed-v2", "field_map": {"text": "chunk"}, "dimension": 768},
}


def test_create_for_model_answers_201_with_embed(http: requests.Session, base_url: str) -> None:
    """The index carries the model's embed config, vector type, dimension and metric."""
    response = http.post(f"{base_url}/indexes/create-for-model", json=BODY, timeout=TIMEOUT)
    assert response.status_code == 201
    index = response.json()
    assert (index["dimension"], index["metric"], index["vector_type"]) == (768, "cosine", "dense")
    assert index["embed"]["model"] == "llama-text-embed-v2"
    assert index["embed"]["field_map"] == {"text": "chunk"}


def test_sparse_model_makes_a_sparse_index(emulator: Emulator) -> None:
    """A sparse model gives a sparse dotproduct index without a dimension."""
    body = {**BODY, "embed": {"model": "pinecone-sparse-english-v0", "field_map": {"text": "t"}}}
    index = emulator.create_index_for_model(body)
    assert (index["vector_type"], index["metric"], "dimension" in index) == (
        "sparse",
        "dotproduct",
        False,
    )


@pytest.mark.parametrize(
    ("embed", "error"),
    [
        ({"model": "no-such-model", "field_map": {"text": "t"}}, InvalidArgumentError),
        (
            {"model": "multilingual-e5-large", "field_map": {"text": "t"}, "dimension": 7},
            InvalidArgumentError,
        ),
        ({"model": "multilingual-e5-large"}, UnprocessableError),
        ({"field_map": {"text": "t"}}, UnprocessableError),
    ],
)
def test_bad_embed_is_refused(emulator: Emulator, embed: dict[str, Any], error: type) -> None:
    """Unknown models and unsupported dimensions are 400; missing required fields 422."""
    with pytest.raises(error):
        emulator.create_index_for_model({**BODY, "embed": embed})


def test_embed_field_map_can_be_configured_but_not_the_model(emulator: Emulator) -> None:
    """PATCH may change field_map; changing the model is 400."""
    emulator.create_index_for_model(BODY)
    patched = emulator.configure_index("docs", {"embed": {"field_map": {"text": "body"}}})
    assert patched["embed"]["field_map"] == {"text": "body"}
    with pytest.raises(InvalidArgumentError):
        emulator.configure_index("docs", {"embed": {"model": "multilingual-e5-large"}})


def test_embed_on_a_plain_index_is_refused(emulator: Emulator) -> None:
    """An index not made for a model cannot be given an embed config."""
    emulator.seed_index(name="plain")
    with pytest.raises(InvalidArgumentError):
        emulator.configure_index("plain", {"embed": {"field_map": {"text": "t"}}})


def test_restore_recreates_the_embed_config(
    server: EmulatorServer, http: requests.Session, emulator: Emulator
) -> None:
    """A backup of an integrated index restored through the client keeps the embed config."""
    http.post(f"{server.url}/indexes/create-for-model", json=BODY, timeout=TIMEOUT)
    emulator.describe_index("docs")  # Ready
    client = ControlPlaneClient(
        ClientSettings.resolve(api_key=API_KEY, controller_host=server.url, environ={})
    )
    backup = client.create_backup("docs", name="nightly")
    client.describe_backup(backup.backup_id)  # Ready
    client.create_index_from_backup(backup.backup_id, name="docs-copy")
    restored = http.get(f"{server.url}/indexes/docs-copy", timeout=TIMEOUT).json()
    assert restored["embed"] == emulator.describe_index("docs")["embed"]
    assert restored["dimension"] == 768
