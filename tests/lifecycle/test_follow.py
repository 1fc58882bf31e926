"""Following a started object: honest progress lines, no redundant reads, clear vanishings."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import VanishedError
from pulumi_pinecone_restore.forecast import RestoreHistory
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle, Run
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.polling import Observation, PollSchedule


def test_restore_progress_lines_give_no_percent_the_api_did_not(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """While the job is Pending (no percent, as live), lines give the status and the budget."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=4)))
    lines: list[str] = []
    Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=lines.append)).create(
        {"backup_id": backup_id, "name": "watched"}
    )
    pending = [line for line in lines if ": Pending" in line]
    assert pending
    assert all("budget" in line and "%" not in line for line in pending)


def test_restore_progress_lines_give_the_forecast(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """With earlier restores in the project, lines say how long the restore should take."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=4)))
    life = Lifecycle(RESTORED_INDEX, runtime)
    life.create({"backup_id": backup_id, "name": "earlier"})
    lines: list[str] = []
    fresh = attrs.evolve(runtime, progress=lines.append, history=RestoreHistory())
    Lifecycle(RESTORED_INDEX, fresh).create({"backup_id": backup_id, "name": "later"})
    assert any("expected about" in line and "(1 earlier restore)" in line for line in lines)


def test_a_completed_job_is_not_read_again(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Once a poll saw the job Completed, the job is not described again."""
    Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "lean"})
    routes = [entry["route"] for entry in emulator.request_log()]
    last_job = max(i for i, r in enumerate(routes) if r == "GET /restore-jobs/{job_id}")
    after = routes[last_job + 1 :]
    # The index is described until ready, then one PATCH takes the create's pending tag off.
    assert after == ["GET /indexes/{index_name}"] * (len(after) - 1) + [
        "PATCH /indexes/{index_name}"
    ]
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


def test_the_observer_sees_each_look_with_its_forecast(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Runtime.observer gets every observation; with history, a restore's carry the forecast."""
    Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "earlier"})
    seen: list[Observation[Any]] = []
    watching = attrs.evolve(
        runtime, history=RestoreHistory(), observer=lambda _label, o, _deadline: seen.append(o)
    )
    Lifecycle(RESTORED_INDEX, watching).create({"backup_id": backup_id, "name": "watched"})
    forecasts = [o.forecast for o in seen if o.forecast is not None]
    assert forecasts
    assert forecasts[0].history == 1


def test_a_long_sleep_between_polls_still_gives_lines(runtime: Runtime) -> None:
    """A 150 s sleep between two looks is split, with a line a minute saying the wait goes on."""
    now = [0.0]
    lines: list[str] = []
    quiet = attrs.evolve(
        runtime,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
        progress=lines.append,
    )
    looks = iter([Observation[str](status="Pending"), Observation("done")])
    run = Run(quiet.client(), quiet)
    deadline = quiet.deadline(600)
    done = run.follow(lambda: next(looks), deadline, "x", "X", schedule=PollSchedule(first=150))
    assert done == "done"
    assert sum("last checked" in line for line in lines) == 2
