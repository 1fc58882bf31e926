"""The ``pinecone-restore`` provider plugin, started as the engine does, driven over gRPC."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from harness.plugin import DynamicPluginProcess
from support import API_KEY

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer

TYPE = "pinecone-restore:index:RestoredIndex"
URN = f"urn:pulumi:staging::search::{TYPE}::search-staging"
PLUGIN = [sys.executable, "-u", "-m", "pulumi_pinecone_restore.plugin"]


@pytest.fixture(name="plugin")
def _plugin(server: EmulatorServer) -> Iterator[DynamicPluginProcess]:
    with DynamicPluginProcess(command=PLUGIN) as plugin:
        plugin.configure({"apiKey": API_KEY, "controllerHost": server.url}, secret_keys={"apiKey"})
        yield plugin


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    return str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])


def test_restored_index_lifecycle_over_grpc(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """Check, create, read and delete a RestoredIndex with camelCase properties."""
    checked = plugin.check(URN, {}, {"backupId": backup_id, "tags": {"team": "search"}})
    assert checked.failures == []
    assert checked.inputs["name"].startswith("search-staging-")
    created = plugin.create(URN, checked.inputs)
    assert created.id == checked.inputs["name"]
    assert created.properties["backupId"] == backup_id
    assert created.properties["ready"] is True
    assert created.properties["dimension"] == 16
    read = plugin.read(created.id, URN, created.properties, checked.inputs)
    assert read.id == created.id
    plugin.delete(created.id, URN, created.properties)
    assert plugin.read(created.id, URN, created.properties, checked.inputs).id == ""
