"""Restore jobs as the live service shows them: listed late, hidden when their index is gone."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import RestoreFailedError
from pulumi_pinecone_restore.lifecycle.engine import LISTING_LAG_DELAYS, Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults


def start_twice(runtime: Runtime, backup_id: str, name: str) -> tuple[Any, Any]:
    """Start a restore of ``name``, then start it again as a rerun would (which adopts it)."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = {"backup_id": backup_id, "name": name}
    return life.start(inputs), life.start(inputs)


@pytest.mark.emulator_behaviour(restore_listing_lag=Timing(reads=3))
def test_adoption_lists_again_until_the_new_job_shows(
    runtime: Runtime, backup_id: str, sleeps: list[float]
) -> None:
    """A job missing from three listings is still found: the adopted start knows its id."""
    first, second = start_twice(runtime, backup_id, "lagging")
    assert second.handle.job_id == first.handle.job_id
    assert sleeps == list(LISTING_LAG_DELAYS[:3])


@pytest.mark.emulator_behaviour(restore_listing_lag=Timing(reads=1000))
def test_job_lookup_gives_up_after_bounded_waits(
    runtime: Runtime, backup_id: str, sleeps: list[float]
) -> None:
    """A job that never shows is looked for a bounded number of times, then the index alone."""
    _, adopted = start_twice(runtime, backup_id, "unlisted")
    assert (adopted.adopted, adopted.handle.job_id) == (True, None)
    assert sleeps == list(LISTING_LAG_DELAYS)


def test_a_job_that_always_answers_404_is_decided_by_its_index(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A job answering 404 throughout while its index becomes Ready: the restore is done."""
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=404))
    progress: list[str] = []
    life = Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=progress.append))
    created = life.create({"backup_id": backup_id, "name": "jobless"})
    assert created.outputs["state"] == "Ready"
    assert any("answered 404" in line and "so that decides" in line for line in progress)


@pytest.mark.emulator_behaviour(job_404_first=3)
def test_transient_job_404s_are_asked_again(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Three 404s for our own job, then the job: its outputs come from the job."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=6)))
    created = Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "flaky"})
    assert (created.outputs["state"], created.outputs["restore_job_status"]) == (
        "Ready",
        "Completed",
    )


@pytest.mark.emulator_behaviour(job_404_rate=1.0)
def test_a_job_404_with_its_index_gone_fails_the_restore(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A 404 for the job and no index: the restore ended without one (checked, not assumed)."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=100)))
    emulator.add_fault(FaultRule(method="GET", path="/indexes/gone", status=404))
    with pytest.raises(RestoreFailedError):
        Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "gone"})
