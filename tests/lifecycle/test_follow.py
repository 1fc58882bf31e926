"""Following a started object: progress to the schedule, no redundant reads, clear vanishings."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import VanishedError
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.polling import Observation, PollSchedule


@attrs.frozen
class RecordingSchedule(PollSchedule):
    """A progress-aware schedule that remembers every observation it was shown."""

    seen: list[Observation[Any]] = attrs.field(factory=list)

    def next_delay(self, default: float, observation: Observation[Any], elapsed: float) -> float:
        """Record the observation; keep the default delay."""
        del elapsed
        self.seen.append(observation)
        return default


def test_restore_progress_reaches_the_schedule(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Each look at the restore job hands its percent_complete to a progress-aware schedule."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=4)))
    schedule = RecordingSchedule()
    Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress_schedule=schedule)).create(
        {"backup_id": backup_id, "name": "watched"}
    )
    job_looks = [o for o in schedule.seen if o.status.startswith("restore job")]
    assert job_looks
    assert all(o.percent is not None for o in job_looks)


def test_a_completed_job_is_not_read_again(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Once a poll saw the job Completed, the job is not described again."""
    Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "lean"})
    routes = [entry["route"] for entry in emulator.request_log()]
    last_job = max(i for i, r in enumerate(routes) if r == "GET /restore-jobs/{job_id}")
    assert routes[last_job + 1 :] == ["GET /indexes/{index_name}"] * len(routes[last_job + 1 :])
    statuses = [
        e["status"] for e in emulator.request_log() if e["route"] == "GET /restore-jobs/{job_id}"
    ]
    assert statuses.count(200) == len(statuses)


def test_index_deleted_during_create_says_what_happened(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """An index deleted out of band while the restore runs fails with what to do, not a 404."""
    emulator.add_fault(FaultRule(method="GET", path="/indexes/vanishing", status=404))
    with pytest.raises(VanishedError) as info:
        Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "vanishing"})
    assert info.value.code == "VANISHED"
    assert "deleted by someone else" in str(info.value)
    assert "pulumi up" in str(info.value)
