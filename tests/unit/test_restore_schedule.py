"""RestoreSchedule on simulated restores in virtual time, against SDK 7.3's loop.

A restore is a duration; each call takes ``LATENCY`` seconds; the SDK describes at once after
its POST, then sleeps 5 s between describes. The package's wait is :func:`wait_for` with a
:class:`RestoreSchedule`; calls counted are the polls plus the schedule's ``overhead``.
"""

from __future__ import annotations

import itertools

import pytest

from pulumi_pinecone_restore.forecast import DurationForecast
from pulumi_pinecone_restore.polling import (
    Deadline,
    Observation,
    RestoreSchedule,
    Sample,
    wait_for,
    wait_observing,
)

LATENCY = 0.02
SDK_INTERVAL = 5.0


def package(seconds: float, schedule: RestoreSchedule) -> tuple[float, int]:
    """(lag, calls) of the package's wait for a restore of ``seconds`` (calls: polls + overhead)."""
    now = [0.0]

    def sleep(delay: float) -> None:
        now[0] += delay

    def probe() -> bool | None:
        sleep(LATENCY / 2)
        done = now[0] >= seconds
        sleep(LATENCY / 2)
        return True if done else None

    waited = wait_for(
        probe,
        deadline=Deadline(10 * seconds + 600, clock=lambda: now[0]),
        what="r",
        schedule=schedule,
        sleep=sleep,
    )
    return now[0] - seconds, waited.polls + schedule.overhead


def sdk(seconds: float) -> tuple[float, int]:
    """(lag, describes) of SDK 7.3's wait."""
    now, describes = 0.0, 0
    while True:
        describes += 1
        done = now + LATENCY / 2 >= seconds
        now += LATENCY
        if done:
            return now - seconds, describes
        now += SDK_INTERVAL


def window(expected: float, spread: float = 0.12) -> DurationForecast:
    """A forecast of ``expected`` seconds, +- ``spread``."""
    return DurationForecast(expected, expected * (1 - spread), expected * (1 + spread), 3)


@pytest.mark.parametrize("seconds", [3.0, 12.0, 31.0, 64.0, 600.0, 3601.0])
def test_without_forecast_lag_is_the_sdks(seconds: float) -> None:
    """No forecast: the polls fall on the SDK's grid, so the lag is within a call of its lag."""
    lag, _ = package(seconds, RestoreSchedule(overhead=0))
    assert lag <= sdk(seconds)[0] + LATENCY


@pytest.mark.parametrize("seconds", [16.0, 31.0, 64.0, 600.0, 3601.0])
@pytest.mark.parametrize("overhead", [0, 1, 3])
def test_without_forecast_calls_are_within_one_of_the_sdks(seconds: float, overhead: int) -> None:
    """No forecast: from 16 s on, polls and overhead together are the SDK's describes + 1."""
    _, calls = package(seconds, RestoreSchedule(overhead=overhead))
    assert calls <= sdk(seconds)[1] + 1


@pytest.mark.parametrize("seconds", [1.0, 2.0, 4.0])
def test_a_short_restore_is_noticed_when_the_sdk_would(seconds: float) -> None:
    """No forecast, 3 calls of overhead: a restore under 5 s is noticed at 5 s, as by the SDK."""
    lag, _ = package(seconds, RestoreSchedule(overhead=3))
    assert lag <= sdk(seconds)[0] + LATENCY


def test_a_window_before_the_budget_opens_is_polled_inside() -> None:
    """A 2 s forecast with 3 calls of overhead: the first poll is in the window, not at 15 s."""
    plan = RestoreSchedule(forecast=window(2.0), overhead=3).plan()
    assert plan.first_delay() <= 2.0 * 1.12


@pytest.mark.parametrize("seconds", [30.0, 60.0, 300.0, 3600.0])
@pytest.mark.parametrize("scale", [0.9, 0.97, 1.0, 1.04, 1.1])
def test_forecast_calls_never_exceed_the_sdks(seconds: float, scale: float) -> None:
    """With a forecast, wherever in the window the restore ends, calls stay within the SDK's."""
    _, calls = package(seconds * scale, RestoreSchedule(forecast=window(seconds), overhead=3))
    assert calls <= sdk(seconds * scale)[1]


@pytest.mark.parametrize("seconds", [60.0, 300.0, 3600.0])
def test_forecast_lag_inside_the_window_is_short(seconds: float) -> None:
    """A restore that ends in its window is noticed within 2 s (the SDK: up to 5 s)."""
    lags = [
        package(seconds * scale, RestoreSchedule(forecast=window(seconds), overhead=3))[0]
        for scale in (0.9, 0.95, 0.99, 1.0, 1.02, 1.07, 1.1)
    ]
    assert max(lags) <= 2.0


def test_forecast_that_was_wrong_falls_back_to_the_sdks_pace() -> None:
    """A restore that ends long after its window is noticed within the SDK's interval."""
    lag, calls = package(200.0, RestoreSchedule(forecast=window(60.0), overhead=3))
    assert lag <= SDK_INTERVAL + LATENCY
    assert calls <= sdk(200.0)[1]


def test_no_poll_before_the_window_of_a_short_restore() -> None:
    """A 30 s forecast (26.4-33.6 s): the first poll goes inside the window."""
    plan = RestoreSchedule(forecast=window(30.0), overhead=3).plan()
    assert 26.4 < plan.first_delay() <= 33.6


def test_polls_before_a_long_window_close_in_on_it() -> None:
    """A 1 h forecast: a few polls come before the window, each nearer to it than the last."""
    forecast = window(3600.0)
    plan = RestoreSchedule(forecast=forecast, overhead=3).plan()
    times = [plan.first_delay()]
    while times[-1] < forecast.low:
        times.append(times[-1] + plan.next_delay(Sample(at=times[-1], spread=0.0), times[-1]))
    gaps = [b - a for a, b in itertools.pairwise(times)][:-1]
    assert 0 < len(gaps) < 0.15 * 3600 / SDK_INTERVAL
    assert gaps[:10] == sorted(gaps[:10], reverse=True)
    assert min(gaps) < 1.0


def test_adopted_job_window_counts_from_its_start() -> None:
    """A job that had run 20 s of a 30 s forecast: the first poll is within 14 s."""
    plan = RestoreSchedule(forecast=window(30.0), overhead=0, started=20.0).plan()
    assert plan.first_delay() <= 14.0


def test_first_delay_respects_the_deadline() -> None:
    """A budget shorter than the first delay still gets one poll, at the deadline."""
    now = [0.0]

    def sleep(delay: float) -> None:
        now[0] += delay

    result = wait_for(
        lambda: "done",
        deadline=Deadline(0.5, clock=lambda: now[0]),
        what="x",
        schedule=RestoreSchedule(overhead=1),
        sleep=sleep,
    )
    assert (result.polls, now[0]) == (1, 0.5)


def test_wait_observing_returns_the_observed_value() -> None:
    """wait_observing polls until an observation carries a value."""
    looks = iter([Observation[str](status="Pending"), Observation("done")])
    result = wait_observing(
        lambda: next(looks),
        deadline=Deadline(60, clock=lambda: 0.0),
        what="job",
        sleep=lambda _s: None,
    )
    assert (result.value, result.polls) == ("done", 2)


def test_an_epoch_clock_does_not_poll_a_rung_twice() -> None:
    """On a clock counting from 1.7e9 s (coarse floats), every sleep is at least min_gap."""
    schedule = RestoreSchedule(forecast=window(300.0), overhead=3)
    plan = schedule.plan()
    start = 1.7e9
    now = start + plan.first_delay()
    sleeps = []
    for _ in range(20):
        sleep = plan.next_delay(Sample(at=now - start, spread=0.0), now - start)
        sleeps.append(sleep)
        now += sleep
    assert min(sleeps) >= schedule.min_gap
