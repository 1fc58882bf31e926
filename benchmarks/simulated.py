"""The restore poll schedule against the SDK's, on simulated restores in virtual time.

No emulator and no waiting: a restore lasts what the emulator's duration model says
(``seconds + per_million_records * records / 1e6``, times a factor drawn within ``1 +-
scatter``), each API call takes ``latency`` seconds, and the job starts in the middle of the
POST. The package side is :func:`wait_for` with the :class:`RestoreSchedule` the lifecycle
builds: a forecast from earlier restores (of the same backup, or of backups of other sizes)
and an overhead of the history read plus the describes before and after the wait. The SDK side
is SDK 7.3's loop (POST, describe, then ``time.sleep(5)``, until ready). Calls: every API call
of each side (the package's include reading the backup, the history and the index after).
"""

from __future__ import annotations

import random
import statistics
from typing import Any

from pulumi_pinecone_restore.forecast import Finished, Size, forecast_duration
from pulumi_pinecone_restore.lifecycle.restore import EXTRA_CALLS
from pulumi_pinecone_restore.polling import Deadline, RestoreSchedule, wait_for

SDK_INTERVAL = 5.0
FIXED = 10.0  # the duration model: seconds...
PER_MILLION = 100.0  # ...plus this per million records
SCATTER = 0.1
TARGETS = [30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 1200.0, 1800.0, 2700.0, 3600.0]
HISTORY_SIZES = {"same backup": (1.0, 1.0, 1.0), "other sizes": (0.5, 1.0, 2.0)}


def records_for(seconds: float) -> int:
    """Records of a backup whose restore lasts ``seconds`` before scatter."""
    return round((seconds - FIXED) / PER_MILLION * 1e6)


def duration(records: int, rng: random.Random) -> float:
    """One restore's length under the model, with its scatter."""
    return (FIXED + PER_MILLION * records / 1e6) * rng.uniform(1 - SCATTER, 1 + SCATTER)


def package(seconds: float, schedule: RestoreSchedule, latency: float) -> tuple[float, int]:
    """(lag, calls) of the package's wait for a restore of ``seconds``."""
    now = [0.0]
    started = -latency / 2

    def sleep(delay: float) -> None:
        now[0] += delay

    def probe() -> bool | None:
        sleep(latency / 2)
        done = now[0] - started >= seconds
        sleep(latency / 2)
        return True if done else None

    waited = wait_for(
        probe,
        deadline=Deadline(10 * seconds + 600, clock=lambda: now[0]),
        what="restore",
        schedule=schedule,
        sleep=sleep,
    )
    # POST + polls + the overhead (backup describe, history read, index describe).
    return now[0] - (started + seconds), 1 + waited.polls + schedule.overhead


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


def _schedule(target: int, sizes: tuple[float, ...], rng: random.Random) -> RestoreSchedule:
    history = [
        Finished(duration(round(target * s), rng), Size(record_count=round(target * s)))
        for s in sizes
    ]
    forecast = forecast_duration(Size(record_count=target), history)
    # One restore-job listing; one backup listing too when earlier restores were of others.
    reads = 1 + (1 if any(s != 1.0 for s in sizes) else 0)
    return RestoreSchedule(forecast=forecast, overhead=reads + EXTRA_CALLS)


def table(
    targets: list[float] = TARGETS, repeats: int = 40, latency: float = 0.02, seed: int = 1
) -> list[dict[str, Any]]:
    """Per restore length: mean lag and calls of the SDK and of the package per history."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    rows = []
    for base in targets:
        records = records_for(base)
        row: dict[str, Any] = {"restore_seconds": base}
        runs: dict[str, list[tuple[float, int, int]]] = {}
        for _ in range(repeats):
            seconds = duration(records, rng)
            sdk_lag, sdk_calls = sdk(seconds, latency)
            runs.setdefault("sdk", []).append((sdk_lag, sdk_calls, 0))
            for name, sizes in {**HISTORY_SIZES, "no history": ()}.items():
                lag, calls = package(seconds, _schedule(records, sizes, rng), latency)
                runs.setdefault(name, []).append((lag, calls, calls - sdk_calls))
        for name, results in runs.items():
            row[name] = {
                "mean_lag": statistics.fmean(r[0] for r in results),
                "max_lag": max(r[0] for r in results),
                "mean_calls": statistics.fmean(r[1] for r in results),
                "max_extra_calls": max(r[2] for r in results),
            }
        rows.append(row)
    return rows


def overall(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The mean over all restore lengths of each side's mean lag and calls."""
    sides = [k for k in rows[0] if k != "restore_seconds"]
    return {
        side: {
            "mean_lag": statistics.fmean(r[side]["mean_lag"] for r in rows),
            "mean_calls": statistics.fmean(r[side]["mean_calls"] for r in rows),
            "max_extra_calls": max(r[side]["max_extra_calls"] for r in rows),
        }
        for side in sides
    }
