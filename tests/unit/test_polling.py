"""The one poll loop: backoff schedule, deadline, no real sleeping."""

from __future__ import annotations

import itertools

import pytest

from pulumi_pinecone_restore.errors import WaitTimeoutError
from pulumi_pinecone_restore.polling import Deadline, PollSchedule, wait_for


class FakeClock:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        """Current fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance time instead of sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds


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
        lambda: next(answers), deadline=Deadline(60, clock=clock.time), what="x", sleep=clock.sleep
    )
    assert (result.value, result.polls) == ("done", 3)
    assert clock.now == pytest.approx(0.25)


def test_wait_times_out_with_what_it_waited_for() -> None:
    """When the budget runs out the error names the thing and the budget."""
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError, match="restore job j"):
        wait_for(
            lambda: None,
            deadline=Deadline(30, clock=clock.time),
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
        wait_for(probe, deadline=Deadline(3600, clock=clock.time), what="x", sleep=clock.sleep)
    assert calls < 400
