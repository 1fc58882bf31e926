"""Fixtures of the engine tests: a seeded backup and a sleep that records what it was asked."""

from __future__ import annotations

import pytest
from support import engine_runtime

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle.runtime import Runtime

BACKUP_TAGS = {"team": "search"}


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=8, tags=BACKUP_TAGS)
    return str(emulator.seed_backup(source_index_name="prod-search", name="nightly")["backup_id"])


@pytest.fixture(name="sleeps")
def _sleeps() -> list[float]:
    return []


@pytest.fixture(name="runtime")
def _runtime(server: EmulatorServer, sleeps: list[float]) -> Runtime:
    return engine_runtime(server, sleep=sleeps.append)
