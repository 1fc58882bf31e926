"""The progress-aware restore schedule on simulated restores, against the official SDK's loop.

Each test runs :func:`wait_for` with a :class:`ProgressSchedule` on a virtual clock against a
simulated restore job (a duration and a ``percent_complete`` curve shaped like the emulator's
presets), and the SDK 7.3 wait (describe at once, then sleep 5 s after each describe) on the
same timeline. Lag is the moment the wait returns minus the moment the job finished; calls
count the POST and every poll. Everything is virtual time, so the bounds are exact.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable

import attrs
import pytest

from pulumi_pinecone_restore.polling import Deadline, ProgressSchedule, wait_for

RESTORE_SECONDS = (1, 2, 4, 8, 16, 32, 60, 300, 3600)
LATENCIES = (0.0, 0.02)  # seconds per API call: an ideal network, and a loopback emulator's
SDK_INTERVAL = 5.0
SHORT = 16.0  # below this the goal allows the SDK's calls + 4
EXTRA_SHORT = 4

Curve = Callable[[float], "float | None"]


def emulator_curve(*points: tuple[float, float]) -> Curve:
    """Percent at a fraction of the duration, piecewise linear, as the emulator reports it."""

    def percent(fraction: float) -> float:
        fraction = min(max(fraction, 0.0), 1.0)
        value = points[-1][1]
        for (f0, p0), (f1, p1) in itertools.pairwise(points):
            if f0 <= fraction <= f1:
                value = p1 if f1 == f0 else p0 + (p1 - p0) * (fraction - f0) / (f1 - f0)
                break
        return round(min(value, 99.9), 1)

    return percent


LINEAR = emulator_curve((0.0, 0.0), (1.0, 100.0))
STALL = emulator_curve((0.0, 0.0), (0.2, 40.0), (0.8, 40.0), (1.0, 100.0))
UNEVEN = emulator_curve((0.0, 0.0), (0.1, 50.0), (0.9, 60.0), (1.0, 100.0))
SILENT = emulator_curve((0.0, 0.0), (1.0, 0.0))
JUMP = emulator_curve((0.0, 0.0), (0.5, 10.0), (0.5, 90.0), (1.0, 100.0))
LATE = emulator_curve((0.0, 0.0), (0.3, 0.0), (1.0, 100.0))


def no_progress(_fraction: float) -> float | None:
    """A job that reports no ``percent_complete`` at all."""
    return None


@attrs.frozen
class Outcome:
    """How a wait went: seconds from the finish to the return, and API calls (POST included)."""

    lag: float
    calls: int


@attrs.define
class VirtualClock:
    """Time that moves only when slept on or when a simulated call takes time."""

    now: float = 0.0

    def time(self) -> float:
        """The current virtual time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance instead of sleeping."""
        self.now += seconds


def run_package(
    seconds: float,
    curve: Curve,
    latency: float = 0.0,
    schedule: ProgressSchedule | None = None,
    head_start: float = 0.0,
) -> Outcome:
    """Wait for a restore of ``seconds`` with the progress schedule; the POST just returned.

    The job began in the middle of the POST, and ``head_start`` seconds earlier still (the
    time between the POST's answer and the wait, or a slow POST).
    """
    clock = VirtualClock()
    started = -latency / 2 - head_start
    seen: list[float | None] = [None]
    polls = 0

    def probe() -> bool | None:
        nonlocal polls
        polls += 1
        clock.sleep(latency / 2)
        elapsed = clock.now - started
        clock.sleep(latency / 2)
        if elapsed >= seconds:
            return True
        seen[0] = curve(elapsed / seconds)
        return None

    wait_for(
        probe,
        deadline=Deadline(10 * seconds + 600, clock=clock.time),
        what="restore",
        schedule=schedule or ProgressSchedule(),
        sleep=clock.sleep,
        progress=lambda: seen[0],
    )
    return Outcome(clock.now - (started + seconds), 1 + polls)


def run_sdk(seconds: float, latency: float = 0.0) -> Outcome:
    """SDK 7.3's ``create_index_from_backup`` wait: describe, then ``time.sleep(5)``, repeat."""
    now, started, describes = 0.0, -latency / 2, 0
    while True:
        describes += 1
        done = now + latency / 2 - started >= seconds
        now += latency
        if done:
            return Outcome(now - (started + seconds), 1 + describes)
        now += SDK_INTERVAL


def lag_goal(seconds: float) -> float:
    """The goal for a restore that reports progress: max(0.25 s, 1 % of the restore time)."""
    return max(0.25, 0.01 * seconds)


def call_allowance(seconds: float, latency: float) -> int:
    """The SDK's calls for this restore, + 4 below 16 s."""
    return run_sdk(seconds, latency).calls + (EXTRA_SHORT if seconds < SHORT else 0)


ALL_CURVES = pytest.mark.parametrize(
    "curve",
    [LINEAR, STALL, UNEVEN, SILENT, JUMP, LATE, no_progress],
    ids=["linear", "stall", "uneven", "silent", "jump", "late", "none"],
)


@pytest.mark.parametrize("latency", LATENCIES)
@pytest.mark.parametrize("seconds", RESTORE_SECONDS)
def test_steady_progress_is_noticed_within_the_goal(seconds: int, latency: float) -> None:
    """With linear progress every restore from 1 s to 1 h is noticed within max(0.25 s, 1 %)."""
    assert run_package(seconds, LINEAR, latency).lag <= lag_goal(seconds)


@pytest.mark.parametrize("seconds", RESTORE_SECONDS)
def test_a_job_that_started_before_the_wait_still_meets_the_goal(seconds: int) -> None:
    """A job 50 ms older than the wait (its first forecast runs early) is still noticed in time."""
    outcome = run_package(seconds, LINEAR, 0.02, head_start=0.05)
    assert outcome.lag <= lag_goal(seconds)
    assert outcome.calls <= call_allowance(seconds, 0.02)


@pytest.mark.parametrize("latency", LATENCIES)
@pytest.mark.parametrize("seconds", RESTORE_SECONDS)
@ALL_CURVES
def test_calls_never_exceed_the_sdks(seconds: int, latency: float, curve: Curve) -> None:
    """Whatever the progress does, a restore costs no more calls than the SDK's (+4 below 16 s)."""
    assert run_package(seconds, curve, latency).calls <= call_allowance(seconds, latency)


def test_calls_never_exceed_the_sdks_on_a_dense_grid() -> None:
    """The call bound holds for every restore time on a quarter-second grid up to 2 minutes."""
    over = [
        (seconds, curve_name)
        for seconds in (1 + 0.25 * i for i in range(477))
        for curve_name, curve in (
            ("linear", LINEAR),
            ("stall", STALL),
            ("uneven", UNEVEN),
            ("jump", JUMP),
            ("none", no_progress),
        )
        if run_package(seconds, curve, 0.02).calls > call_allowance(seconds, 0.02)
    ]
    assert over == []


@pytest.mark.parametrize("latency", LATENCIES)
@pytest.mark.parametrize("seconds", [*RESTORE_SECONDS, 3.3, 7.5, 12.2, 19.9, 20.0, 47.0])
@pytest.mark.parametrize("curve", [SILENT, no_progress], ids=["zero", "none"])
def test_without_progress_never_later_than_the_sdk(
    seconds: float, latency: float, curve: Curve
) -> None:
    """Without progress the wait returns no later than the SDK's, at no more calls."""
    ours, sdk = run_package(seconds, curve, latency), run_sdk(seconds, latency)
    assert ours.lag <= sdk.lag + 1e-9
    assert ours.calls <= sdk.calls


@pytest.mark.parametrize("latency", LATENCIES)
@pytest.mark.parametrize("seconds", [300, 600, 1800, 3600])
@pytest.mark.parametrize("curve", [STALL, UNEVEN], ids=["stall", "uneven"])
def test_changing_pace_meets_the_goal_from_five_minutes(
    curve: Curve, seconds: int, latency: float
) -> None:
    """A stall or an uneven pace in a restore of 5 minutes or more is noticed within the goal."""
    assert run_package(seconds, curve, latency).lag <= lag_goal(seconds)


@pytest.mark.parametrize("latency", LATENCIES)
@pytest.mark.parametrize("curve", [STALL, UNEVEN], ids=["stall", "uneven"])
def test_changing_pace_beats_the_sdk_at_the_median(curve: Curve, latency: float) -> None:
    """Over 1 s to 1 h, a stall or an uneven pace is noticed sooner than by the SDK, at the median.

    Below a few minutes a pace that changes without warning cannot be caught within 0.25 s
    at the SDK's call rate (one poll per 5 s leaves 2.5 s on average), so the goal there is
    the SDK's lag, not the progress goal.
    """
    ours = statistics.median(run_package(s, curve, latency).lag for s in RESTORE_SECONDS)
    assert ours < statistics.median(run_sdk(s, latency).lag for s in RESTORE_SECONDS)


@pytest.mark.parametrize("seconds", RESTORE_SECONDS)
@pytest.mark.parametrize(
    "curve", [STALL, UNEVEN, JUMP, LATE], ids=["stall", "uneven", "jump", "late"]
)
def test_misleading_progress_costs_at_most_a_bounded_lag(seconds: int, curve: Curve) -> None:
    """A pace that changes is noticed within 5 s (or 10 % of the time) of the SDK's lag."""
    one_call = 0.02
    allowed = run_sdk(seconds, one_call).lag + max(SDK_INTERVAL, 0.1 * seconds) + one_call
    assert run_package(seconds, curve, one_call).lag <= allowed


def test_a_long_stall_is_not_hammered() -> None:
    """An hour stuck at 40 % costs fewer polls than the SDK spends in that hour."""
    seconds = 7200.0
    stuck = emulator_curve((0.0, 0.0), (0.01, 40.0), (0.51, 40.0), (1.0, 100.0))
    outcome = run_package(seconds, stuck, 0.02)
    assert outcome.calls < run_sdk(seconds, 0.02).calls / 2


def test_a_count_that_starts_over_is_followed() -> None:
    """A job whose percentage drops back (a retried phase) is still noticed within the goal."""
    seconds = 300.0
    retried = emulator_curve((0.0, 0.0), (0.3, 60.0), (0.3, 0.0), (1.0, 100.0))
    outcome = run_package(seconds, retried, 0.02)
    assert outcome.lag <= max(SDK_INTERVAL, 0.1 * seconds)
    assert outcome.calls <= call_allowance(seconds, 0.02)


def test_an_hour_with_progress_costs_a_fraction_of_the_sdks_calls() -> None:
    """A steady one-hour restore costs under a tenth of the SDK's 722 calls."""
    outcome = run_package(3600, LINEAR, 0.02)
    assert outcome.calls < run_sdk(3600, 0.02).calls / 10


def test_schedule_is_deterministic() -> None:
    """The same timeline gives the same polls: the tests above measure, they do not sample."""
    first = [run_package(s, UNEVEN, 0.02) for s in RESTORE_SECONDS]
    assert first == [run_package(s, UNEVEN, 0.02) for s in RESTORE_SECONDS]
    assert all(math.isfinite(o.lag) for o in first)
