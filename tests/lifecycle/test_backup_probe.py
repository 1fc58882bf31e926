"""The one probe that waits for a backup this run started (an IndexBackup, a final backup)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import BackupFailedError
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle, Run
from pulumi_pinecone_restore.lifecycle.final_backup import (
    BACKUP_NOT_FOUND_GRACE,
    backup_ready_probe,
)
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.models import BackupModel
from pulumi_pinecone_restore.polling import Observation


def _pending_backup(emulator: Emulator) -> str:
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=10_000)))
    emulator.seed_index(name="source", dimension=8)
    return str(emulator.seed_backup(source_index_name="source", ready=False)["backup_id"])


def _run(runtime: Runtime, now: list[float]) -> Run:
    clocked = attrs.evolve(runtime, clock=lambda: now[0])
    return Lifecycle(RESTORED_INDEX, clocked)._run()


def _probe(run: Run, backup_id: str) -> Callable[[], Observation[BackupModel]]:
    return backup_ready_probe(
        run, backup_id, deleted="it was deleted", ended=lambda status: f"it ended {status}"
    )


def test_a_404_before_the_first_sighting_is_lag_and_after_it_a_deletion(
    runtime: Runtime, emulator: Emulator
) -> None:
    """Unseen, 404 waits (within the grace); once seen, 404 is final even within the grace."""
    backup_id = _pending_backup(emulator)
    emulator.add_fault(FaultRule(method="GET", path=f"/backups/{backup_id}", status=404, times=1))
    now = [0.0]
    probe = _probe(_run(runtime, now), backup_id)
    lag = probe()
    seen = probe()
    emulator.delete_backup(backup_id)
    with pytest.raises(BackupFailedError, match=r"^it was deleted$"):
        probe()
    assert (lag.value, lag.status) == (None, f"backup {backup_id} not listed yet")
    assert (seen.value, seen.status) == (None, f"backup {backup_id} Pending")


def test_a_404_that_outlasts_the_grace_is_a_deletion(runtime: Runtime, emulator: Emulator) -> None:
    """Never seen and still 404 after the grace: the backup is reported deleted."""
    backup_id = _pending_backup(emulator)
    emulator.add_fault(FaultRule(method="GET", path=f"/backups/{backup_id}", status=404))
    now = [0.0]
    probe = _probe(_run(runtime, now), backup_id)
    assert probe().value is None
    now[0] = BACKUP_NOT_FOUND_GRACE
    with pytest.raises(BackupFailedError, match=r"^it was deleted$"):
        probe()


def test_a_failed_backup_ends_the_wait_and_a_ready_one_is_returned(
    runtime: Runtime, emulator: Emulator
) -> None:
    """A status that never becomes Ready raises the ``ended`` text; Ready returns the backup."""
    emulator.set_behaviour(attrs.evolve(emulator.behaviour, backup_initial_status="Failed"))
    failed = _pending_backup(emulator)
    with pytest.raises(BackupFailedError, match=r"^it ended Failed$"):
        _probe(_run(runtime, [0.0]), failed)()
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=1)))
    ready = str(emulator.seed_backup(source_index_name="source")["backup_id"])
    found = _probe(_run(runtime, [0.0]), ready)()
    assert (found.value and found.value.backup_id, found.value and found.value.status) == (
        ready,
        "Ready",
    )
