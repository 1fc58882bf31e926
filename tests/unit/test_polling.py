"""The one poll loop: backoff schedule, deadline, no real sleeping."""

from __future__ import annotations

import itertools

import pytest
from support import FakeClock

from pulumi_pinecone_restore.errors import (
    CancelledError,
    ReadTimeoutError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.polling import (
    Cancellation,
    Deadline,
    PollSchedule,
    bounded,
    current_deadline,
    pause,
    wait_for,
)


def test_schedule_starts_fast_and_caps() -> None:
    """Delays start at 0.1 s, grow by 1.5x and never exceed 10 s."""
    delays = list(itertools.islice(PollSchedule().delays(), 20))
    assert delays[0] == pytest.approx(0.1)
    assert delays[1] == pytest.approx(0.15)
    assert max(delays) == 10.0


def test_wait_returns_first_result_and_counts_polls() -> None:
    """The probe's first non-None value is returned with the poll count."""
    clock = FakeClock()
    answers = iter([None, None, "done"])
    result = wait_for(
        lambda: next(answers), deadline=Deadline(60, clock=clock), what="x", sleep=clock.sleep
    )
    assert (result.value, result.polls) == ("done", 3)
    assert clock.now == pytest.approx(0.25)


def test_wait_times_out_with_what_it_waited_for() -> None:
    """When the budget runs out the error names the thing and the budget."""
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError, match="restore job j"):
        wait_for(
            lambda: None,
            deadline=Deadline(30, clock=clock),
            what="restore job j",
            sleep=clock.sleep,
        )
    assert clock.now == pytest.approx(30)


def test_long_waits_cost_few_polls() -> None:
    """An hour of waiting costs well under 400 polls with the default schedule."""
    clock = FakeClock()
    calls = 0

    def probe() -> None:
        nonlocal calls
        calls += 1

    with pytest.raises(WaitTimeoutError):
        wait_for(probe, deadline=Deadline(3600, clock=clock), what="x", sleep=clock.sleep)
    assert calls < 400


def test_a_cancelled_wait_stops_before_probing() -> None:
    """A wait on a cancelled deadline raises CANCELLED and never calls the probe."""
    clock = FakeClock()
    cancel = Cancellation()
    cancel.cancel("member c failed")
    probes: list[int] = []
    with pytest.raises(CancelledError) as caught:
        wait_for(
            lambda: probes.append(1),
            deadline=Deadline(60, clock=clock, cancel=cancel),
            what="x",
            sleep=clock.sleep,
        )
    assert (caught.value.code, probes) == ("CANCELLED", [])


def test_a_cancellation_wakes_a_sleep_within_one_slice() -> None:
    """A 60 s cancellable sleep on an injected sleep ends one slice after the cancel."""
    clock = FakeClock()
    cancel = Cancellation()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now >= 1.0:
            cancel.cancel("stop")

    cancel.sleep(60, sleep)
    assert clock.now == pytest.approx(1.0)


def test_the_first_cancel_keeps_its_reason() -> None:
    """Only the first cancel counts: its reason is the one reported."""
    cancel = Cancellation()
    assert (cancel.cancel("a failed"), cancel.cancel("b failed"), cancel.reason) == (
        True,
        False,
        "a failed",
    )


def test_a_cancel_reaches_the_children_made_before_and_after_it() -> None:
    """A run's cancel (the plugin's) stops each set's own cancellation, with its reason."""
    run = Cancellation(keep_started=True)
    before, unrelated = run.child(), Cancellation()
    assert not before.keep_started  # a set's members are deleted, not kept
    before.cancel("member a failed")  # a child's own cancel does not reach the parent
    sibling = run.child()
    assert (run.cancelled, sibling.cancelled) == (False, False)
    run.cancel("Ctrl-C")
    after = run.child()
    assert (sibling.reason, after.reason, before.reason) == ("Ctrl-C", "Ctrl-C", "member a failed")
    assert not unrelated.cancelled


def test_a_request_cut_short_by_the_budget_ends_the_wait_as_a_timeout() -> None:
    """A probe whose request the budget cut short ends the wait with WaitTimeoutError."""
    clock = FakeClock()

    def probe() -> None:
        raise ReadTimeoutError("GET /x got no answer", out_of_budget=True)

    with pytest.raises(WaitTimeoutError):
        wait_for(probe, deadline=Deadline(60, clock=clock), what="x", sleep=clock.sleep)


def test_a_transport_error_with_time_left_is_raised_as_it_is() -> None:
    """A probe's transport error that the budget did not cause propagates unchanged."""
    clock = FakeClock()

    def probe() -> None:
        raise TransportError("GET /x got no answer")

    with pytest.raises(TransportError) as caught:
        wait_for(probe, deadline=Deadline(60, clock=clock), what="x", sleep=clock.sleep)
    assert type(caught.value) is TransportError


def test_a_probe_runs_under_its_waits_deadline() -> None:
    """Inside a probe, current_deadline() is the wait's, and outside it there is none."""
    clock = FakeClock()
    deadline = Deadline(60, clock=clock)
    seen = wait_for(current_deadline, deadline=deadline, what="x", sleep=clock.sleep).value
    assert (seen is deadline, current_deadline()) == (True, None)


def test_pause_is_cut_to_the_bound_deadline() -> None:
    """A 30 s pause with 5 s left of the bound deadline sleeps 5 s."""
    clock = FakeClock()
    deadline = Deadline(10, clock=clock)
    clock.now = 5.0
    with bounded(deadline):
        pause(30, clock.sleep)
    assert clock.sleeps == [5.0]


def test_a_deadline_without_its_cancel_keeps_its_time() -> None:
    """The copy a reconciling lookup runs under ends when the original does, uncancelled."""
    clock = FakeClock()
    cancel = Cancellation()
    deadline = Deadline(10, clock=clock, cancel=cancel)
    clock.now = 4.0
    cancel.cancel("stop")
    copy = deadline.without_cancel()
    assert (copy.remaining, copy.cancelled, deadline.cancelled) == (6.0, False, True)
