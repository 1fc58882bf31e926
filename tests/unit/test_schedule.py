"""ProgressSchedule's decisions one poll at a time; the progress hooks of the waits."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.polling import (
    Deadline,
    Observation,
    PollSchedule,
    ProgressSchedule,
    Sample,
    wait_for,
    wait_observing,
)


class FakeClock:
    """A clock that moves only when slept on, recording when each probe ran."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0
        self.probes: list[float] = []

    def time(self) -> float:
        """Current fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance time instead of sleeping."""
        self.now += seconds


def poll_times(percents: list[float | None], schedule: ProgressSchedule) -> list[float]:
    """When the probes ran while the job reported ``percents`` in turn, then finished."""
    clock = FakeClock()
    answers = iter(percents)
    seen: list[float | None] = [None]

    def probe() -> str | None:
        clock.probes.append(clock.now)
        try:
            seen[0] = next(answers)
        except StopIteration:
            return "done"
        return None

    wait_for(
        probe,
        deadline=Deadline(7200, clock=clock.time),
        what="job",
        schedule=schedule,
        sleep=clock.sleep,
        progress=lambda: seen[0],
    )
    return clock.probes


def test_first_poll_waits_one_second() -> None:
    """The first poll comes 1 s after the wait begins, where a 1-second restore is done."""
    assert poll_times([], ProgressSchedule()) == [1.0]


def test_without_progress_polls_on_the_sdks_five_second_grid() -> None:
    """A job that reports nothing is polled at 1 s, then at 5, 10, 15 and 20 s."""
    times = poll_times([None] * 4, ProgressSchedule())
    assert times == pytest.approx([1.0, 5.0, 10.0, 15.0, 20.0])


def test_without_progress_drifts_like_the_sdk_when_calls_take_time() -> None:
    """With calls of 0.1 s the polls start when the SDK's describes would: 5.1, 10.2 s..."""
    plan = ProgressSchedule().plan()
    assert plan.first_delay() == 1.0
    assert plan.next_delay(Sample(at=1.05, spread=0.05, percent=None), now=1.1) == (
        pytest.approx(4.0)
    )
    assert plan.next_delay(Sample(at=5.15, spread=0.05, percent=None), now=5.2) == (
        pytest.approx(5.0)
    )


def test_steady_progress_sends_the_next_poll_to_the_forecast_finish() -> None:
    """12.5 % after 1 s forecasts an 8-second restore: the next poll is at 8 s, not at 5."""
    times = poll_times([12.5], ProgressSchedule())
    assert times[1] == pytest.approx(8.0, abs=0.1)


def test_forecast_is_sharp_for_a_steady_pace() -> None:
    """Readings of a steady pace bound the finish within a fraction of a percent."""
    plan = ProgressSchedule().plan()
    plan.first_delay()
    for second in (1.0, 10.0, 30.0):
        plan.next_delay(Sample(at=second, spread=0.0, percent=second / 0.6), now=second)
    forecast = plan.forecast()
    assert forecast is not None
    assert forecast.earliest <= 60.0 <= forecast.latest
    assert forecast.latest - forecast.earliest < 0.3


def stalled_sleeps(percent: float, polls: int) -> list[float]:
    """The sleeps a plan chooses while every poll reads ``percent``, starting at 1 s."""
    plan = ProgressSchedule().plan()
    now, sleeps = plan.first_delay(), []
    for _ in range(polls):
        sleeps.append(plan.next_delay(Sample(at=now, spread=0.0, percent=percent), now=now))
        now += sleeps[-1]
    return sleeps


def test_a_stall_is_polled_no_faster_than_the_sdk() -> None:
    """Once the pace stops, polls come at most every 5 s after the free ones are spent."""
    sleeps = stalled_sleeps(40.0, 40)
    assert all(sleep >= ProgressSchedule().interval for sleep in sleeps[2:])


def test_a_stall_backs_off_with_time() -> None:
    """A stall that lasts past 500 s is polled every 1 % of the time waited."""
    sleeps = stalled_sleeps(40.0, 200)
    assert sleeps[-1] > ProgressSchedule().interval
    assert sleeps[-1] == pytest.approx(0.01 * (1.0 + sum(sleeps[:-1])))


def test_pending_at_a_hundred_percent_is_not_hammered() -> None:
    """A job stuck at 100 % but not Completed gets a few ever slower looks, then the SDK's pace."""
    schedule = ProgressSchedule()
    sleeps = stalled_sleeps(100.0, 12)
    quick = sleeps[: schedule.free_polls - 1]
    assert quick == sorted(quick)
    assert all(sleep >= schedule.min_gap for sleep in quick)
    assert all(sleep >= schedule.interval for sleep in sleeps[schedule.free_polls :])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0, 150.0, True, "50"])
def test_nonsense_percentages_count_as_no_progress(bad: object) -> None:
    """NaN, infinities, values outside 0..100 and non-numbers leave the SDK's grid in force."""
    times = poll_times([bad, bad], ProgressSchedule())  # type: ignore[list-item]
    assert times == pytest.approx([1.0, 5.0, 10.0])


def test_free_polls_then_the_sdks_slots() -> None:
    """After the free polls, the k-th unfinished poll waits for the SDK's k-th describe."""
    schedule = ProgressSchedule()
    plan = schedule.plan()
    plan.first_delay()
    now = 1.0
    for k in range(1, 8):
        # A reading that forecasts a finish a moment away, every time: a misleading pace.
        delay = plan.next_delay(Sample(at=now, spread=0.0, percent=99.9), now=now)
        now += delay
        if k >= schedule.free_polls:
            assert now >= k * schedule.interval - 1e-9


def test_wait_for_reports_each_unfinished_poll_to_the_hook() -> None:
    """The progress hook is read once per poll that found the job unfinished."""
    clock = FakeClock()
    reads: list[int] = []
    answers = iter([None, None, "done"])

    def progress() -> float:
        reads.append(1)
        return 50.0

    result = wait_for(
        lambda: next(answers),
        deadline=Deadline(60, clock=clock.time),
        what="x",
        schedule=ProgressSchedule(),
        sleep=clock.sleep,
        progress=progress,
    )
    assert (result.value, result.polls, len(reads)) == ("done", 3, 2)


def test_backoff_schedule_ignores_progress() -> None:
    """The default schedule keeps its 0.1 s, x1.5 delays whatever the hook reports."""
    clock = FakeClock()
    answers = iter([None, None, "done"])
    wait_for(
        lambda: next(answers),
        deadline=Deadline(60, clock=clock.time),
        what="x",
        schedule=PollSchedule(),
        sleep=clock.sleep,
        progress=lambda: 99.0,
    )
    assert clock.now == pytest.approx(0.25)


def test_first_delay_respects_the_deadline() -> None:
    """A budget shorter than the first delay still gets one poll, at the deadline."""
    clock = FakeClock()
    result = wait_for(
        lambda: "done",
        deadline=Deadline(0.5, clock=clock.time),
        what="x",
        schedule=ProgressSchedule(),
        sleep=clock.sleep,
    )
    assert (result.polls, clock.now) == (1, 0.5)


def test_wait_observing_hands_percent_to_the_progress_schedule() -> None:
    """An observation's percent steers a ProgressSchedule: 12.5 % after 1 s polls at 8 s."""
    clock = FakeClock()
    looks = iter([Observation[str](status="Pending", percent=12.5), Observation("done")])

    def probe() -> Observation[str]:
        clock.probes.append(clock.now)
        return next(looks)

    result = wait_observing(
        probe,
        deadline=Deadline(60, clock=clock.time),
        what="job",
        schedule=ProgressSchedule(),
        sleep=clock.sleep,
    )
    assert result.value == "done"
    assert clock.probes == pytest.approx([1.0, 8.0], abs=0.1)


@attrs.frozen
class RecordingSchedule(PollSchedule):
    """A progress-aware backoff schedule that remembers what it was shown."""

    seen: list[Observation[Any]] = attrs.field(factory=list)

    def next_delay(self, default: float, observation: Observation[Any], elapsed: float) -> float:
        """Record the observation; keep the default delay."""
        del elapsed
        self.seen.append(observation)
        return default


def test_wait_observing_shows_each_observation_to_a_progress_aware_schedule() -> None:
    """A schedule with the older next_delay hook sees every unfinished observation."""
    clock = FakeClock()
    looks = iter(
        [Observation[str](percent=10.0), Observation[str](percent=20.0), Observation("done")]
    )
    schedule = RecordingSchedule()
    wait_observing(
        lambda: next(looks),
        deadline=Deadline(60, clock=clock.time),
        what="job",
        schedule=schedule,
        sleep=clock.sleep,
    )
    assert [o.percent for o in schedule.seen] == [10.0, 20.0]
    assert clock.now == pytest.approx(0.25)


def test_wait_observing_backs_off_by_default() -> None:
    """Without a schedule the observing wait keeps the 0.1 s, x1.5 backoff."""
    clock = FakeClock()
    looks = iter([Observation[str](percent=50.0), Observation[str](), Observation("done")])
    result = wait_observing(
        lambda: next(looks), deadline=Deadline(60, clock=clock.time), what="job", sleep=clock.sleep
    )
    assert (result.value, result.polls) == ("done", 3)
    assert clock.now == pytest.approx(0.25)
