"""Measurements against a live emulator: detection lag and calls per restore, sets, budgets.

Everything here drives the package's public provider API in this process (``check`` then
``create``, as the engine would) and the official SDK in its own process, both against one
emulator served on loopback. Lag is the moment the create returned minus the moment the
restore job was due (its ``created_at`` plus the restore time, on the emulator's clock); calls
are the API requests the emulator counted during the create.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_pinecone_restore.emulator import (
    Emulator,
    EmulatorServer,
    ManualClock,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.errors import PineconeRestoreError
from pulumi_pinecone_restore.providers.base import ProviderBase
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider

API_KEY = "bench-key"
SDK_SCRIPT = Path(__file__).resolve().parent / "sdk_restore.py"
LONG_BUDGET = 4 * 3600  # create_timeout for every benchmark restore: never the limit
SDK_INTERVAL = 5.0  # SDK 7.3 sleeps 5 s between describes


@attrs.frozen
class Run:
    """One restore: lag (s), API calls, wall seconds of the create."""

    lag: float
    calls: int
    seconds: float


def timings(restore_seconds: float) -> Timings:
    """Everything immediate but the restore, which takes ``restore_seconds`` of clock time."""
    return Timings(
        index_ready=Timing(), index_terminate=Timing(), backup_ready=Timing(),
        restore=Timing(seconds=restore_seconds), collection_ready=Timing(),
    )


def _epoch(rfc3339: str) -> float:
    return dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def due_at(emulator: Emulator, index_name: str, restore_seconds: float) -> float:
    """When the restore into ``index_name`` was due: its job's ``created_at`` + the restore time."""
    jobs = [job for job in emulator.dump()["restore_jobs"]
            if job["target_index_name"] == index_name]
    if not jobs:
        raise RuntimeError(f"the emulator has no restore job into {index_name!r}")
    return _epoch(jobs[-1]["created_at"]) + restore_seconds


def seed(emulator: Emulator, count: int) -> list[str]:
    """Forget everything, then make ``count`` source indexes with a Ready backup each."""
    emulator.reset()
    backups = []
    for i in range(count):
        emulator.seed_index(name=f"src-{i}", dimension=8)
        backups.append(str(emulator.seed_backup(source_index_name=f"src-{i}")["backup_id"]))
    return backups


def configured(cls: type[ProviderBase], url: str, clock: ManualClock | None) -> ProviderBase:
    """A provider of ``cls`` pointed at the emulator, quiet, on the emulator's clock if manual."""
    provider = cls()
    provider.configure(ConfigureRequest(Config(
        {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": url}, "bench")))
    runtime = attrs.evolve(provider.runtime, progress=lambda _line: None)
    if clock is not None:  # sleeping moves the emulator's clock; nothing really waits
        def advance(seconds: float) -> None:
            clock.advance(max(seconds, 0.0))

        runtime = attrs.evolve(runtime, clock=clock.now, sleep=advance)
    provider.runtime = runtime
    return provider


def set_progress(url: str, curve: str) -> bool:
    """Ask the emulator to report ``percent_complete`` along ``curve``; False if it cannot."""
    request = urllib.request.Request(  # noqa: S310 - the emulator's own http URL
        f"{url}/_emulator/behaviour", data=json.dumps({"progress": curve}).encode(),
        method="PATCH", headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            return True
    except urllib.error.HTTPError:
        return False


def package_restore(
    emulator: Emulator, url: str, restore_seconds: float, clock: ManualClock | None = None
) -> Run:
    """One ``RestoredIndex`` create through the provider API."""
    backup = seed(emulator, 1)[0]
    provider = configured(RestoredIndexProvider, url, clock)
    name = "restored"
    checked = provider.check({}, {"backup_id": backup, "name": name,
                                  "create_timeout": LONG_BUDGET})
    emulator.reset_requests()
    started = time.perf_counter()
    provider.create(checked.inputs)
    seconds = time.perf_counter() - started
    returned_at = emulator.clock.now()
    calls = sum(emulator.request_counts().values())
    return Run(returned_at - due_at(emulator, name, restore_seconds), calls, seconds)


def sdk_restore(
    emulator: Emulator, url: str, python: str, restore_seconds: float, *, manual: bool = False
) -> Run:
    """One ``create_index_from_backup`` by the official SDK, in its own interpreter."""
    backup = seed(emulator, 1)[0]
    name = "restored"
    emulator.reset_requests()
    command = [python, str(SDK_SCRIPT), "--url", url, "--api-key", API_KEY,
               "--backup-id", backup, "--name", name, *(["--manual-clock"] if manual else [])]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    calls = sum(emulator.request_counts().values())
    lag = float(answer["returned_at"]) - due_at(emulator, name, restore_seconds)
    return Run(lag, calls, float(answer["seconds"]))


@contextmanager
def serving(emulator: Emulator) -> Iterator[str]:
    """Serve ``emulator`` on a free loopback port; yields its URL."""
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server:
        yield server.url


def stats(values: list[float]) -> dict[str, float]:
    """Min and median."""
    return {"min": min(values), "median": statistics.median(values)}


def summary(runs: list[Run]) -> dict[str, Any]:
    """Min and median of lag, calls and wall time over repeated runs, and the runs themselves."""
    return {
        "lag": stats([r.lag for r in runs]),
        "calls": stats([float(r.calls) for r in runs]),
        "seconds": stats([r.seconds for r in runs]),
        "runs": [attrs.asdict(r) for r in runs],
    }


def lag_table(
    restore_times: list[float], repeats: int, sdk_python: str | None, curves: list[str],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Lag and calls for each restore time: the package per progress curve, and the SDK."""
    rows: list[dict[str, Any]] = []
    emulator = Emulator(api_key=API_KEY)
    with serving(emulator) as url:
        supported = set_progress(url, "linear")
        for seconds in restore_times:
            emulator.set_timings(timings(seconds))
            row: dict[str, Any] = {"restore_seconds": seconds, "clock": "wall", "package": {}}
            for curve in curves if supported else ["emulator default"]:
                if supported:
                    set_progress(url, curve)
                runs = [package_restore(emulator, url, seconds) for _ in range(repeats)]
                row["package"][curve] = summary(runs)
                log(f"package  {seconds:>6}s {curve:>16}: lag {row['package'][curve]['lag']}")
            if sdk_python:
                runs = [sdk_restore(emulator, url, sdk_python, seconds) for _ in range(repeats)]
                row["sdk"] = summary(runs)
                log(f"SDK 7.3  {seconds:>6}s: lag {row['sdk']['lag']}")
            rows.append(row)
    return {"progress_supported": supported, "rows": rows}


def long_restore(
    hours: float, repeats: int, sdk_python: str | None, curves: list[str],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """A restore of ``hours`` on the emulator's manual clock: both clients' sleeps move it.

    Calls take no clock time here, so a restore of exactly one hour ends on the SDK's 5-second
    grid and it would notice at once; the repeats spread the length over one SDK interval
    (3600 s, 3601.67 s, 3603.33 s for 3 repeats), as restores of the real service fall.
    """
    lengths = [hours * 3600 + i * SDK_INTERVAL / repeats for i in range(repeats)]
    clock = ManualClock()
    emulator = Emulator(api_key=API_KEY, clock=clock)
    row: dict[str, Any] = {"restore_seconds": hours * 3600, "clock": "manual",
                           "lengths": lengths, "package": {}}
    with serving(emulator) as url:
        supported = set_progress(url, "linear")
        for curve in curves if supported else ["emulator default"]:
            if supported:
                set_progress(url, curve)
            runs = []
            for seconds in lengths:
                emulator.set_timings(timings(seconds))
                runs.append(package_restore(emulator, url, seconds, clock))
            row["package"][curve] = summary(runs)
            log(f"package  {hours:g} h {curve:>16}: lag {row['package'][curve]['lag']}")
        if sdk_python:
            runs = []
            for seconds in lengths:
                emulator.set_timings(timings(seconds))
                runs.append(sdk_restore(emulator, url, sdk_python, seconds, manual=True))
            row["sdk"] = summary(runs)
            log(f"SDK 7.3  {hours:g} h: lag {row['sdk']['lag']}")
    return {"progress_supported": supported, "rows": [row]}


class _PoolFullCounter(logging.Handler):
    """Counts urllib3's "Connection pool is full" warnings (a pool smaller than the threads)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Connection pool is full" in record.getMessage():
            self.count += 1


@contextmanager
def counting_pool_warnings() -> Iterator[_PoolFullCounter]:
    """Count pool-full warnings from urllib3 while the block runs."""
    counter = _PoolFullCounter()
    logger = logging.getLogger("urllib3.connectionpool")
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)


def set_restore(
    emulator: Emulator, url: str, size: int, budget: float = LONG_BUDGET
) -> dict[str, Any]:
    """One ``RestoredIndexSet`` create of ``size`` members (what ``CloneEnvironment`` makes)."""
    backups = seed(emulator, size)
    provider = configured(RestoredIndexSetProvider, url, None)
    members = {f"m{i}": {"backup_id": b, "name": f"set-{i}"} for i, b in enumerate(backups)}
    checked = provider.check({}, {"members": members, "create_timeout": budget})
    emulator.reset_requests()
    error: str | None = None
    with counting_pool_warnings() as pool_full:
        started = time.perf_counter()
        try:
            provider.create(checked.inputs)
        except PineconeRestoreError as exc:
            error = type(exc).__name__
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "calls": sum(emulator.request_counts().values()),
            "pool_full_warnings": pool_full.count, "error": error}


def sets(
    restore_seconds: float, sizes: list[int], repeats: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Sets of each size against one restore of the same length, ``repeats`` times each."""
    emulator = Emulator(api_key=API_KEY, timings=timings(restore_seconds))
    results: dict[str, Any] = {"restore_seconds": restore_seconds}
    with serving(emulator) as url:
        set_progress(url, "linear")
        single = [package_restore(emulator, url, restore_seconds) for _ in range(repeats)]
        results["single"] = summary(single)
        log(f"one restore: {results['single']['seconds']}")
        for size in sizes:
            runs = [set_restore(emulator, url, size) for _ in range(repeats)]
            results[str(size)] = {
                "seconds": stats([r["seconds"] for r in runs]),
                "calls": stats([float(r["calls"]) for r in runs]),
                "pool_full_warnings": max(r["pool_full_warnings"] for r in runs),
                "errors": [r["error"] for r in runs if r["error"]],
                "runs": runs,
            }
            log(f"set of {size}: {results[str(size)]['seconds']}")
    return results


def set_budget(restore_seconds: float, size: int, budget: float) -> dict[str, Any]:
    """A set whose restores each fit ``budget`` but not all at once: does the budget hold?"""
    emulator = Emulator(api_key=API_KEY, timings=timings(restore_seconds))
    with serving(emulator) as url:
        run = set_restore(emulator, url, size, budget)
    return {"restore_seconds": restore_seconds, "members": size, "create_timeout": budget, **run}


def engine(repeats: int, log: Callable[[str], None]) -> Mapping[str, Any]:
    """``benchmarks/engine_bench.py`` (N ``RestoredIndex`` vs a set of N under ``pulumi up``).

    Calls its ``run_engine_bench(engine_dir)`` ``repeats`` times with the engine its
    ``find_engine()`` finds, and reports min and median wall time per scenario; a note when
    the module, its functions or the engine are missing.
    """
    try:
        engine_bench = importlib.import_module("benchmarks.engine_bench")
    except ImportError as exc:
        return {"skipped": f"benchmarks/engine_bench.py is not importable here ({exc})"}
    run = getattr(engine_bench, "run_engine_bench", None)
    find = getattr(engine_bench, "find_engine", None)
    if not callable(run) or not callable(find):
        return {"skipped": "benchmarks/engine_bench.py has no run_engine_bench/find_engine"}
    where, reason = find()
    if where is None:
        return {"skipped": str(reason)}
    log(f"engine: benchmarks/engine_bench.py with {where}, {repeats}x")
    reports = [run(where) for _ in range(repeats)]
    scenarios = reports[0]["results"]
    return {
        "engine": reports[0].get("engine"),
        "restore_seconds": reports[0].get("restore_seconds"),
        "indexes": reports[0].get("indexes"),
        "seconds": {name: stats([r["results"][name]["seconds"] for r in reports])
                    for name in scenarios},
        "reports": reports,
    }
