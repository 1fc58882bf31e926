"""Restore jobs as the live service shows them: hiding, listing lag, cancel, progress, timing."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from pulumi_pinecone_restore.emulator import (
    Behaviour,
    Emulator,
    FailedPreconditionError,
    ManualClock,
    NotFoundError,
    Progress,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.models import parse_timestamp


def _at(text: object) -> dt.datetime:
    moment = parse_timestamp(str(text))
    assert moment is not None, text
    return moment


def _elapsed(job: dict[str, object]) -> float:
    return (_at(job["completed_at"]) - _at(job["created_at"])).total_seconds()


def _listed(emu: Emulator) -> list[str]:
    return [job["restore_job_id"] for job in emu.list_restore_jobs()["data"]]


def _restore(emu: Emulator, name: str = "copy") -> str:
    if "src" not in {i["name"] for i in emu.list_indexes()["indexes"]}:
        emu.seed_index(name="src")
        emu.seed_backup(source_index_name="src", backup_id="b-1")
    return str(emu.create_index_from_backup("b-1", {"name": name})["restore_job_id"])


@pytest.fixture(name="slow")
def fixture_slow(clock: ManualClock) -> Emulator:
    """An emulator whose restores take 100 clock seconds."""
    return Emulator(clock=clock, timings=Timings(restore=Timing(seconds=100)))


def test_new_job_misses_its_first_listing_by_default(emulator: Emulator) -> None:
    """The default lag leaves a new job out of one listing; describe works at once."""
    job_id = _restore(emulator)
    assert _listed(emulator) == []
    assert emulator.describe_restore_job(job_id)["restore_job_id"] == job_id
    assert _listed(emulator) == [job_id]


def test_listing_lag_counts_seconds_and_listings(clock: ManualClock) -> None:
    """A lag of 5 s and 2 listings hides the job until both have passed."""
    lag = attrs.evolve(Behaviour(), restore_listing_lag=Timing(seconds=5, reads=2))
    emu = Emulator(clock=clock, behaviour=lag)
    job_id = _restore(emu)
    assert (_listed(emu), _listed(emu)) == ([], [])
    assert _listed(emu) == []  # two listings done, but only 0 s passed
    clock.advance(5)
    assert _listed(emu) == [job_id]


def test_no_lag_lists_a_new_job_at_once(clock: ManualClock) -> None:
    """`restore_listing_lag=Timing()` lists the job in the first listing."""
    emu = Emulator(clock=clock, behaviour=attrs.evolve(Behaviour(), restore_listing_lag=Timing()))
    job_id = _restore(emu)
    assert _listed(emu) == [job_id]


def test_job_of_a_deleted_index_is_hidden_and_404(emulator: Emulator) -> None:
    """Once its target index is deleted, the job is neither listed nor described."""
    job_id = _restore(emulator)
    emulator.list_restore_jobs()
    emulator.describe_index("copy")  # the restore completes
    emulator.delete_index("copy")
    assert _listed(emulator) == []
    with pytest.raises(NotFoundError):
        emulator.describe_restore_job(job_id)


def test_keeping_jobs_of_deleted_indexes_is_a_setting(clock: ManualClock) -> None:
    """With `hide_jobs_of_deleted_indexes=False` the job stays, Completed."""
    keep = attrs.evolve(Behaviour(), hide_jobs_of_deleted_indexes=False)
    emu = Emulator(clock=clock, behaviour=keep)
    job_id = _restore(emu)
    emu.describe_index("copy")
    emu.delete_index("copy")
    assert emu.describe_restore_job(job_id)["status"] == "Completed"


def test_target_deleted_mid_restore_fails_the_job(slow: Emulator, clock: ManualClock) -> None:
    """Deleting the index under a running restore ends its job Failed at that instant."""
    slow.set_behaviour(
        attrs.evolve(Behaviour(), hide_jobs_of_deleted_indexes=False, progress=Progress.linear())
    )
    job_id = _restore(slow)
    clock.advance(30)
    slow.delete_index("copy")
    clock.advance(200)
    job = slow.describe_restore_job(job_id)
    assert (job["status"], job["percent_complete"]) == ("Failed", 30.0)
    assert _elapsed(job) == 30


def test_target_deleted_mid_restore_hides_the_job_by_default(slow: Emulator) -> None:
    """By default that job then disappears like any job of a deleted index."""
    job_id = _restore(slow)
    slow.delete_index("copy")
    with pytest.raises(NotFoundError):
        slow.describe_restore_job(job_id)


def test_cancel_ends_the_job_and_fails_its_index(slow: Emulator, clock: ManualClock) -> None:
    """An admin cancel ends the job Cancelled at its progress; its index InitializationFailed."""
    slow.set_behaviour(attrs.evolve(Behaviour(), progress=Progress.linear()))
    job_id = _restore(slow)
    clock.advance(25)
    cancelled = slow.cancel_restore(job_id)
    assert (cancelled["status"], cancelled["percent_complete"]) == ("Cancelled", 25.0)
    clock.advance(500)
    assert slow.describe_restore_job(job_id)["status"] == "Cancelled"
    assert slow.describe_index("copy")["status"] == {
        "ready": False,
        "state": "InitializationFailed",
    }


def test_cancel_can_delete_the_index(slow: Emulator) -> None:
    """`delete_index=True` deletes the index (Terminating, then gone), which hides the job."""
    job_id = _restore(slow)
    slow.cancel_restore(job_id, delete_index=True)
    with pytest.raises(NotFoundError):
        slow.describe_index("copy")  # index_terminate is immediate here
    with pytest.raises(NotFoundError):
        slow.describe_restore_job(job_id)


def test_cancel_of_an_ended_job_is_refused(emulator: Emulator) -> None:
    """Only a running job can be cancelled (412 otherwise)."""
    job_id = _restore(emulator)
    emulator.describe_restore_job(job_id)
    with pytest.raises(FailedPreconditionError):
        emulator.cancel_restore(job_id)


def test_running_job_reports_no_progress_by_default(slow: Emulator, clock: ManualClock) -> None:
    """As live, a running job shows neither percent_complete nor completed_at."""
    job_id = _restore(slow)
    clock.advance(60)
    job = slow.describe_restore_job(job_id)
    assert (job["status"], "percent_complete" in job, "completed_at" in job) == (
        "Pending",
        False,
        False,
    )


def test_completed_job_reports_100_and_completed_at_by_default(
    slow: Emulator, clock: ManualClock
) -> None:
    """As live, a Completed job shows percent_complete 100 and completed_at."""
    job_id = _restore(slow)
    clock.advance(100)
    job = slow.describe_restore_job(job_id)
    assert (job["status"], job["percent_complete"], _elapsed(job)) == ("Completed", 100.0, 100)


def test_failed_job_reports_no_progress_by_default(slow: Emulator, clock: ManualClock) -> None:
    """As live, a Failed job shows neither percent_complete nor completed_at."""
    slow.set_behaviour(attrs.evolve(Behaviour(), hide_jobs_of_deleted_indexes=False))
    job_id = _restore(slow)
    clock.advance(30)
    slow.delete_index("copy")
    job = slow.describe_restore_job(job_id)
    assert (job["status"], "percent_complete" in job, "completed_at" in job) == (
        "Failed",
        False,
        False,
    )


def test_linear_progress_rises_with_time(slow: Emulator, clock: ManualClock) -> None:
    """The opt-in linear curve follows elapsed time over the restore's duration."""
    slow.set_behaviour(attrs.evolve(Behaviour(), progress=Progress.linear()))
    job_id = _restore(slow)
    seen = []
    for _ in range(3):
        clock.advance(25)
        seen.append(slow.describe_restore_job(job_id)["percent_complete"])
    assert seen == [25.0, 50.0, 75.0]


def test_progress_follows_reads_when_timed_by_reads(clock: ManualClock) -> None:
    """With a reads timing the fraction is reads so far over reads needed."""
    emu = Emulator(
        clock=clock,
        timings=Timings(restore=Timing(reads=4)),
        behaviour=Behaviour(progress=Progress.linear()),
    )
    job_id = _restore(emu)
    seen = [emu.describe_restore_job(job_id)["percent_complete"] for _ in range(5)]
    assert seen == [0.0, 25.0, 50.0, 75.0, 100.0]


def test_stalled_progress_holds_then_finishes(slow: Emulator, clock: ManualClock) -> None:
    """The stall curve stays at its level across the middle of the restore."""
    stall = Progress.stall(at=40, start=0.2, end=0.8)
    slow.set_behaviour(attrs.evolve(Behaviour(), progress=stall))
    job_id = _restore(slow)
    seen = []
    for step in (10, 20, 30, 30, 10):
        clock.advance(step)
        seen.append(slow.describe_restore_job(job_id)["percent_complete"])
    assert seen == [20.0, 40.0, 40.0, 70.0, 100.0]


def test_silent_progress_reports_zero_until_done(slow: Emulator, clock: ManualClock) -> None:
    """The silent curve reports 0 while running, as some SDK docs describe."""
    slow.set_behaviour(attrs.evolve(Behaviour(), progress=Progress.silent()))
    job_id = _restore(slow)
    clock.advance(99)
    assert slow.describe_restore_job(job_id)["percent_complete"] == 0.0


def test_completed_at_is_the_instant_it_finished(slow: Emulator, clock: ManualClock) -> None:
    """A 100 s restore first read 300 s later still reports completion at 100 s."""
    job_id = _restore(slow)
    clock.advance(300)
    job = slow.describe_restore_job(job_id)
    assert job["status"] == "Completed"
    assert _elapsed(job) == 100


def test_completed_at_of_a_reads_timing_is_the_last_needed_read(clock: ManualClock) -> None:
    """With reads=2 the job finishes when its second read happened, not at the next call."""
    emu = Emulator(clock=clock, timings=Timings(restore=Timing(reads=2)))
    job_id = _restore(emu)
    emu.describe_restore_job(job_id)
    clock.advance(7)
    emu.describe_restore_job(job_id)  # the second read: the restore is done from here on
    clock.advance(50)
    job = emu.describe_restore_job(job_id)
    assert _elapsed(job) == 7
