"""Fixtures of the command-line tests: the environment the CLI reads, and a backup to restore."""

from __future__ import annotations

import pytest
from support import API_KEY

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer


@pytest.fixture(name="env")
def _env(server: EmulatorServer) -> dict[str, str]:
    return {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=16)
    return str(emulator.seed_backup(source_index_name="prod-search", name="nightly")["backup_id"])
