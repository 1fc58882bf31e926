"""Programs whose inputs are outputs of other resources: preview under mocks sees them unknown."""

from __future__ import annotations

import pulumi
import pytest
from harness.mocks import ProviderRoutingMocks

from pulumi_pinecone_restore import CloneEnvironment, IndexBackup, RestoredIndex
from pulumi_pinecone_restore.emulator import Emulator


@pytest.fixture(name="source")
def _source(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=8, tags={"env": "prod"})
    return "prod-search"


def backup_then_restore(source: str, trigger: str = "1") -> None:
    """An IndexBackup whose id and tags feed a RestoredIndex and a CloneEnvironment."""
    backup = IndexBackup("nightly", source_index_name=source, name="nightly", trigger=trigger)
    RestoredIndex(
        "clone",
        backup_id=backup.backup_id,
        tags=backup.tags.apply(lambda t: {**t, "copy": "yes"}),
        deletion_protection=backup.status.apply(lambda _s: "disabled"),
    )
    env = CloneEnvironment(
        "staging", backups={source: backup.backup_id}, name_prefix="stg-", tags={"env": "staging"}
    )
    pulumi.export("hosts", env.hosts)


def test_preview_of_a_fresh_stack_accepts_unknown_inputs(
    engine: ProviderRoutingMocks, source: str
) -> None:
    """The first preview plans every create although backup id and tags are not known yet."""
    result = engine.preview(lambda: backup_then_restore(source))
    assert sorted(result.steps.values()) == ["create", "create", "create"]


def test_up_then_preview_of_a_new_backup_plans_replacements(
    engine: ProviderRoutingMocks, source: str
) -> None:
    """After up, a new trigger makes the restore's backup id unknown: a replacement is planned."""
    engine.up(lambda: backup_then_restore(source))
    assert set(engine.preview(lambda: backup_then_restore(source)).steps.values()) == {"same"}
    planned = engine.preview(lambda: backup_then_restore(source, trigger="2")).steps
    assert sorted(planned.values()) == ["replace", "replace", "update"]
