"""The restore poll schedule against the SDK's, on simulated restores in virtual time.

No emulator and no waiting: a restore is a duration and a ``percent_complete`` curve shaped
like the emulator's presets (piecewise linear, one decimal, 99.9 at most while running), each
API call takes ``latency`` seconds, and the job starts in the middle of the POST. The package
side is :func:`wait_for` with :class:`ProgressSchedule` (the wait alone: POST + polls); the
SDK side is SDK 7.3's loop (describe, then ``time.sleep(5)``, until ready).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from typing import Any

from pulumi_pinecone_restore.polling import Deadline, ProgressSchedule, wait_for

Curve = Callable[[float], "float | None"]
SDK_INTERVAL = 5.0


def curve(*points: tuple[float, float]) -> Curve:
    """Percent at a fraction of the duration, as the emulator reports it."""

    def percent(fraction: float) -> float:
        fraction = min(max(fraction, 0.0), 1.0)
        value = points[-1][1]
        for (f0, p0), (f1, p1) in itertools.pairwise(points):
            if f0 <= fraction <= f1:
                value = p1 if f1 == f0 else p0 + (p1 - p0) * (fraction - f0) / (f1 - f0)
                break
        return round(min(value, 99.9), 1)

    return percent


CURVES: dict[str, Curve] = {
    "linear": curve((0.0, 0.0), (1.0, 100.0)),
    "stall": curve((0.0, 0.0), (0.2, 40.0), (0.8, 40.0), (1.0, 100.0)),
    "uneven": curve((0.0, 0.0), (0.1, 50.0), (0.9, 60.0), (1.0, 100.0)),
    "none": lambda _fraction: None,
}


def package(seconds: float, progress: Curve, latency: float) -> tuple[float, int]:
    """(lag, calls) of the package's wait for a restore of ``seconds``."""
    now = [0.0]
    started = -latency / 2
    seen: list[float | None] = [None]
    polls = 0

    def sleep(delay: float) -> None:
        now[0] += delay

    def probe() -> bool | None:
        nonlocal polls
        polls += 1
        sleep(latency / 2)
        elapsed = now[0] - started
        sleep(latency / 2)
        if elapsed >= seconds:
            return True
        seen[0] = progress(elapsed / seconds)
        return None

    wait_for(
        probe,
        deadline=Deadline(10 * seconds + 600, clock=lambda: now[0]),
        what="restore",
        schedule=ProgressSchedule(),
        sleep=sleep,
        progress=lambda: seen[0],
    )
    return now[0] - (started + seconds), 1 + polls


def sdk(seconds: float, latency: float) -> tuple[float, int]:
    """(lag, calls) of SDK 7.3's ``create_index_from_backup`` wait."""
    now, started, describes = 0.0, -latency / 2, 0
    while True:
        describes += 1
        done = now + latency / 2 - started >= seconds
        now += latency
        if done:
            return now - (started + seconds), 1 + describes
        now += SDK_INTERVAL


def table(restore_times: list[float], latency: float = 0.02) -> list[dict[str, Any]]:
    """One row per restore time: the goal, the SDK, and the package per progress curve."""
    rows = []
    for seconds in restore_times:
        sdk_lag, sdk_calls = sdk(seconds, latency)
        row: dict[str, Any] = {
            "restore_seconds": seconds,
            "lag_goal": max(0.25, 0.01 * seconds),
            "call_allowance": sdk_calls + (4 if seconds < 16 else 0),
            "sdk": {"lag": sdk_lag, "calls": sdk_calls},
        }
        for name, progress in CURVES.items():
            lag, calls = package(seconds, progress, latency)
            row[name] = {"lag": lag, "calls": calls}
        rows.append(row)
    return rows


def ranges(latency: float = 0.02, steps: int = 200) -> list[dict[str, Any]]:
    """Mean and median lag, and mean calls, over evenly spread restore times in three ranges."""
    out = []
    for low, high in ((1.0, 16.0), (16.0, 100.0), (100.0, 3600.0)):
        lengths = [low + (high - low) * i / steps for i in range(steps + 1)]
        row: dict[str, Any] = {"from": low, "to": high}
        for name in ("sdk", *CURVES):
            results = [
                sdk(s, latency) if name == "sdk" else package(s, CURVES[name], latency)
                for s in lengths
            ]
            row[name] = {
                "mean_lag": statistics.mean(r[0] for r in results),
                "median_lag": statistics.median(r[0] for r in results),
                "mean_calls": statistics.mean(r[1] for r in results),
            }
        out.append(row)
    return out
