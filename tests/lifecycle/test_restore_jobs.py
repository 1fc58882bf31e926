"""Restore jobs as the live service shows them: listed late, hidden when their index is gone."""

from __future__ import annotations

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.lifecycle.engine import LISTING_LAG_DELAYS, Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import JOB_NOT_FOUND_GRACE, RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime


@pytest.mark.emulator_behaviour(restore_listing_lag=Timing(reads=3))
def test_adoption_lists_again_until_the_new_job_shows(
    runtime: Runtime, backup_id: str, sleeps: list[float]
) -> None:
    """A job missing from three listings is still found: the adopted start knows its id."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    inp = life.typed({"backup_id": backup_id, "name": "lagging"})
    first, second = life.start(inp), life.start(inp)
    assert second.handle.job_id == first.handle.job_id
    assert sleeps == list(LISTING_LAG_DELAYS[:3])


@pytest.mark.emulator_behaviour(restore_listing_lag=Timing(reads=1000))
def test_job_lookup_gives_up_after_bounded_waits(
    runtime: Runtime, backup_id: str, sleeps: list[float]
) -> None:
    """A job that never shows is looked for a bounded number of times, then the index alone."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    inp = life.typed({"backup_id": backup_id, "name": "unlisted"})
    life.start(inp)
    adopted = life.start(inp)
    assert (adopted.adopted, adopted.handle.job_id) == (True, None)
    assert sleeps == list(LISTING_LAG_DELAYS)


def test_a_job_404_with_its_index_present_falls_back_to_the_index(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A job answering 404 past the grace while its index exists: the index is followed."""
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=404))
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    progress: list[str] = []
    life = Lifecycle(
        RESTORED_INDEX,
        attrs.evolve(runtime, clock=lambda: now[0], sleep=sleep, progress=progress.append),
    )
    created = life.create({"backup_id": backup_id, "name": "jobless"})
    assert created.outputs["state"] == "Ready"
    assert now[0] >= JOB_NOT_FOUND_GRACE
    assert any("following index 'jobless' instead" in line for line in progress)
