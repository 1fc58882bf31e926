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
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from pulumi.dynamic import Config, ConfigureRequest

from benchmarks import simulated
from pulumi_pinecone_restore.emulator import (
    Emulator,
    EmulatorServer,
    ManualClock,
    RestoreTiming,
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
        index_ready=Timing(),
        index_terminate=Timing(),
        backup_ready=Timing(),
        restore=Timing(seconds=restore_seconds),
        collection_ready=Timing(),
    )


def _epoch(rfc3339: str) -> float:
    return dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def due_at(emulator: Emulator | RemoteEmulator, index_name: str, restore_seconds: float) -> float:
    """When the restore into ``index_name`` was due: its job's ``created_at`` + the restore time."""
    jobs = [
        job for job in emulator.dump()["restore_jobs"] if job["target_index_name"] == index_name
    ]
    if not jobs:
        raise RuntimeError(f"the emulator has no restore job into {index_name!r}")
    return _epoch(jobs[-1]["created_at"]) + restore_seconds


def seed(emulator: Emulator | RemoteEmulator, count: int) -> list[str]:
    """Forget everything, then make ``count`` source indexes with a Ready backup each."""
    emulator.reset()
    if isinstance(emulator, RemoteEmulator):
        return emulator.seed_many(count)
    backups = []
    for i in range(count):
        emulator.seed_index(name=f"src-{i}", dimension=8)
        backups.append(str(emulator.seed_backup(source_index_name=f"src-{i}")["backup_id"]))
    return backups


def configured(cls: type[ProviderBase], url: str, clock: ManualClock | None) -> ProviderBase:
    """A provider of ``cls`` pointed at the emulator, quiet, on the emulator's clock if manual."""
    provider = cls()
    provider.configure(
        ConfigureRequest(
            Config({"pinecone:apiKey": API_KEY, "pinecone:controllerHost": url}, "bench")
        )
    )
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
        f"{url}/_emulator/behaviour",
        data=json.dumps({"progress": curve}).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            return True
    except urllib.error.HTTPError:
        return False


def package_restore(
    emulator: Emulator | RemoteEmulator,
    url: str,
    restore_seconds: float,
    clock: ManualClock | None = None,
) -> Run:
    """One ``RestoredIndex`` create through the provider API."""
    backup = seed(emulator, 1)[0]
    provider = configured(RestoredIndexProvider, url, clock)
    name = "restored"
    checked = provider.check({}, {"backup_id": backup, "name": name, "create_timeout": LONG_BUDGET})
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
    command = [
        python,
        str(SDK_SCRIPT),
        "--url",
        url,
        "--api-key",
        API_KEY,
        "--backup-id",
        backup,
        "--name",
        name,
        *(["--manual-clock"] if manual else []),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    calls = sum(emulator.request_counts().values())
    lag = float(answer["returned_at"]) - due_at(emulator, name, restore_seconds)
    return Run(lag, calls, float(answer["seconds"]))


@attrs.define
class _RemoteClock:
    emulator: RemoteEmulator

    def now(self) -> float:
        return float(self.emulator.admin("GET", "clock")["epoch_seconds"])


@attrs.define
class RemoteEmulator:
    """The parts of :class:`Emulator` the benchmarks use, for one served by another process.

    Sets run their members' threads in this process; an emulator served from here would share
    the interpreter lock with them (50 client and 50 server threads), and the service a
    provider talks to never runs inside the provider. Its admin API (``/_emulator/``) stands in
    for the in-process calls.
    """

    url: str

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """One admin API call; the parsed JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the emulator's own http URL
            f"{self.url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            raw = answer.read()
        return json.loads(raw) if raw else {}

    @property
    def clock(self) -> _RemoteClock:
        """The emulator's clock, read over the admin API."""
        return _RemoteClock(self)

    def reset(self) -> None:
        """Forget everything."""
        self.admin("POST", "reset", {})

    def seed_many(self, count: int) -> list[str]:
        """``count`` source indexes with a Ready backup each, in one admin call."""
        answer = self.admin(
            "POST",
            "seed",
            {
                "indexes": [{"name": f"src-{i}", "dimension": 8} for i in range(count)],
                "backups": [{"source_index_name": f"src-{i}"} for i in range(count)],
            },
        )
        return [str(b["backup_id"]) for b in answer["backups"]]

    def set_timings(self, value: Timings) -> None:
        """Replace the timings."""
        self.admin("PUT", "timings", value.to_json())

    def dump(self) -> dict[str, Any]:
        """The whole state."""
        return dict(self.admin("GET", "state"))

    def request_counts(self) -> dict[str, int]:
        """API requests by route since the last reset."""
        return dict(self.admin("GET", "requests"))

    def reset_requests(self) -> None:
        """Zero the request counts."""
        self.admin("POST", "requests/reset", {})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving_elsewhere(restore_seconds: float) -> Iterator[RemoteEmulator]:
    """An emulator in its own process (``pinecone-restore-emulator``), restores of this length."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "pulumi_pinecone_restore.emulator",
        "--port",
        str(port),
        "--api-key",
        API_KEY,
        "--restore-seconds",
        str(restore_seconds),
    ]
    process = subprocess.Popen(  # noqa: S603  # our own interpreter, fixed arguments
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    remote = RemoteEmulator(f"http://127.0.0.1:{port}")
    try:
        for _ in range(300):
            try:
                remote.admin("GET", "health")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the emulator on port {port} did not start")
        remote.set_timings(timings(restore_seconds))
        yield remote
    finally:
        process.terminate()
        process.wait(timeout=30)


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
    restore_times: list[float],
    repeats: int,
    sdk_python: str | None,
    curves: list[str],
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
    hours: float,
    repeats: int,
    sdk_python: str | None,
    curves: list[str],
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
    row: dict[str, Any] = {
        "restore_seconds": hours * 3600,
        "clock": "manual",
        "lengths": lengths,
        "package": {},
    }
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
    emulator: Emulator | RemoteEmulator, url: str, size: int, budget: float = LONG_BUDGET
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
    return {
        "seconds": seconds,
        "calls": sum(emulator.request_counts().values()),
        "pool_full_warnings": pool_full.count,
        "error": error,
    }


def sets(
    restore_seconds: float, sizes: list[int], repeats: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Sets of each size against one restore of the same length, ``repeats`` times each.

    The emulator runs in its own process (see :class:`RemoteEmulator`).
    """
    results: dict[str, Any] = {"restore_seconds": restore_seconds, "emulator": "own process"}
    with serving_elsewhere(restore_seconds) as emulator:
        url = emulator.url
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
    """A set with the set-level ``create_timeout=budget``: does it end within the budget?"""
    with serving_elsewhere(restore_seconds) as emulator:
        set_progress(emulator.url, "linear")
        run = set_restore(emulator, emulator.url, size, budget)
    return {"restore_seconds": restore_seconds, "members": size, "create_timeout": budget, **run}


def hang(budget: float = 2.0, restore_seconds: float = 30.0) -> dict[str, Any]:
    """A ``RestoredIndex`` with ``create_timeout=budget`` whose restore-job reads hang.

    The emulator's ``hang`` fault holds ``GET /restore-jobs/{id}`` unanswered (as a server that
    hangs for a minute would): how long until the create gives up, and with what.
    """
    with serving_elsewhere(restore_seconds) as emulator:
        backup = seed(emulator, 1)[0]
        emulator.admin("POST", "faults", {"method": "GET", "path": "/restore-jobs/*", "hang": True})
        provider = configured(RestoredIndexProvider, emulator.url, None)
        checked = provider.check(
            {}, {"backup_id": backup, "name": "held", "create_timeout": budget}
        )
        error: str | None = None
        started = time.perf_counter()
        try:
            provider.create(checked.inputs)
        except PineconeRestoreError as exc:
            error = f"{type(exc).__name__} ({getattr(exc, 'code', '')})"
        seconds = time.perf_counter() - started
        emulator.admin("DELETE", "faults")
        indexes = [i["name"] for i in emulator.dump()["indexes"]]
    return {
        "create_timeout": budget,
        "held": "GET /restore-jobs/{id}",
        "seconds": seconds,
        "error": error,
        "left_for_next_run": "held" in indexes,
    }


def fail_fast(restore_seconds: float = 40.0, size: int = 3) -> dict[str, Any]:
    """A set whose last member's restore is refused at once, the others taking ``restore_seconds``.

    Measures how soon the set gives up (it used to wait for the others) and what it reports.
    """
    with serving_elsewhere(restore_seconds) as emulator:
        backups = seed(emulator, size)
        emulator.admin(
            "POST",
            "faults",
            {"method": "POST", "path": f"/backups/{backups[-1]}/create-index", "status": 403},
        )
        provider = configured(RestoredIndexSetProvider, emulator.url, None)
        members = {f"m{i}": {"backup_id": b, "name": f"set-{i}"} for i, b in enumerate(backups)}
        checked = provider.check({}, {"members": members})
        error: str | None = None
        outcomes: dict[str, str] = {}
        started = time.perf_counter()
        try:
            provider.create(checked.inputs)
        except PineconeRestoreError as exc:
            error = type(exc).__name__
            outcomes = dict(getattr(exc, "outcomes", {}))
        seconds = time.perf_counter() - started
        left = sorted(i["name"] for i in emulator.dump()["indexes"] if i["name"].startswith("set-"))
    return {
        "members": size,
        "restore_seconds": restore_seconds,
        "seconds": seconds,
        "error": error,
        "outcomes": outcomes,
        "indexes_left": left,
    }


def pulumi_cli(repeats: int, log: Callable[[str], None]) -> Mapping[str, Any]:
    """``benchmarks/pulumi_cli_bench.py`` (N ``RestoredIndex`` vs a set of N under ``pulumi up``).

    Calls its ``run_pulumi_cli_bench(bin_dir)`` ``repeats`` times with the Pulumi CLI its
    ``find_pulumi_cli()`` finds, and reports min and median wall time per scenario; a note when
    the module, its functions or the Pulumi CLI are missing.
    """
    try:
        pulumi_cli_bench = importlib.import_module("benchmarks.pulumi_cli_bench")
    except ImportError as exc:
        return {"skipped": f"benchmarks/pulumi_cli_bench.py is not importable here ({exc})"}
    run = getattr(pulumi_cli_bench, "run_pulumi_cli_bench", None)
    find = getattr(pulumi_cli_bench, "find_pulumi_cli", None)
    if not callable(run) or not callable(find):
        return {
            "skipped": "benchmarks/pulumi_cli_bench.py has no run_pulumi_cli_bench/find_pulumi_cli"
        }
    where, reason = find()
    if where is None:
        return {"skipped": str(reason)}
    log(f"pulumi_cli: benchmarks/pulumi_cli_bench.py with {where}, {repeats}x")
    reports = [run(where) for _ in range(repeats)]
    scenarios = reports[0]["results"]
    return {
        "pulumi_cli": reports[0].get("pulumi_cli"),
        "restore_seconds": reports[0].get("restore_seconds"),
        "indexes": reports[0].get("indexes"),
        "seconds": {
            name: stats([r["results"][name]["seconds"] for r in reports]) for name in scenarios
        },
        "reports": reports,
    }


#: Restores of the forecast benchmark: the emulator's duration model and its scatter.
FORECAST_TIMES = [30.0, 60.0, 300.0, 900.0, 3600.0]
HISTORY = 3  # earlier restores of the same backup in the project


def _finished_at(emulator: Emulator, name: str) -> float:
    """When the newest restore job into ``name`` completed (its ``completed_at``)."""
    jobs = [j for j in emulator.dump()["restore_jobs"] if j["target_index_name"] == name]
    if not jobs or "completed_at" not in jobs[-1]:
        raise RuntimeError(f"the restore into {name!r} has not completed")
    return _epoch(jobs[-1]["completed_at"])


def _model(seed: int) -> Timings:
    restore = RestoreTiming(
        seconds=simulated.FIXED,
        per_million_records=simulated.PER_MILLION,
        scatter=simulated.SCATTER,
        seed=seed,
    )
    return attrs.evolve(timings(0.0), restore=restore)


def _same_draw(emulator: Emulator, seed: int) -> None:
    """Restart the scatter draws at ``seed``, so the next restore gets its first draw."""
    emulator.set_timings(_model(seed + 1))
    emulator.set_timings(_model(seed))


def _history(emulator: Emulator, clock: ManualClock, backup: str, seconds: float) -> None:
    """``HISTORY`` finished restores of ``backup`` in the project."""
    for i in range(HISTORY):
        answer = emulator.create_index_from_backup(backup, {"name": f"earlier-{i}"})
        clock.advance(2 * seconds)
        emulator.describe_restore_job(str(answer["restore_job_id"]))
    emulator.list_restore_jobs()  # they are old news by now: past the listing lag of new jobs


def _package_once(emulator: Emulator, url: str, clock: ManualClock, backup: str) -> Run:
    provider = configured(RestoredIndexProvider, url, clock)
    name = "restored"
    checked = provider.check({}, {"backup_id": backup, "name": name, "create_timeout": LONG_BUDGET})
    emulator.reset_requests()
    started = time.perf_counter()
    provider.create(checked.inputs)
    seconds = time.perf_counter() - started
    calls = sum(emulator.request_counts().values())
    return Run(clock.now() - _finished_at(emulator, name), calls, seconds)


def _sdk_once(emulator: Emulator, url: str, python: str, backup: str) -> Run:
    name = "sdk-restored"
    emulator.reset_requests()
    command = [
        python,
        str(SDK_SCRIPT),
        *("--url", url, "--api-key", API_KEY, "--backup-id", backup, "--name", name),
        "--manual-clock",
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    calls = sum(emulator.request_counts().values())
    lag = float(answer["returned_at"]) - _finished_at(emulator, name)
    return Run(lag, calls, float(answer["seconds"]))


def forecast_runs(
    times: list[float], repeats: int, sdk_python: str | None, log: Callable[[str], None]
) -> dict[str, Any]:
    """Restores on the live-like default, with and without history, each beside SDK 7.3.

    Everything runs on the emulator's manual clock (both clients' sleeps move it), and the
    SDK's restore gets the same scatter draw as the package's.

    Each restore of a backup of ``records_for(seconds)`` records lasts ``seconds`` times a
    factor within 1 +- 10 %; with history, ``HISTORY`` earlier restores of the same backup
    finished first. Lag: the create returned minus the job's ``completed_at``. Calls: every
    API request of the create (the package's include describing the backup, reading the
    history and describing the index after the job completed).
    """
    rows: list[dict[str, Any]] = []
    for seconds in times:
        row: dict[str, Any] = {"restore_seconds": seconds}
        for history in (True, False):
            pairs: list[tuple[Run, Run | None]] = []
            for i in range(repeats):
                clock = ManualClock()
                emulator = Emulator(api_key=API_KEY, clock=clock)
                with serving(emulator) as url:
                    emulator.seed_index(name="src", record_count=simulated.records_for(seconds))
                    backup = str(emulator.seed_backup(source_index_name="src")["backup_id"])
                    emulator.set_timings(_model(10_000 + i))
                    if history:
                        _history(emulator, clock, backup, seconds)
                    seed = 1 + 97 * i
                    _same_draw(emulator, seed)
                    ours = _package_once(emulator, url, clock, backup)
                    _same_draw(emulator, seed)
                    theirs = _sdk_once(emulator, url, sdk_python, backup) if sdk_python else None
                pairs.append((ours, theirs))
            key = "history" if history else "no_history"
            row[key] = {
                "package": summary([p[0] for p in pairs]),
                "mean_lag": statistics.fmean(p[0].lag for p in pairs),
                "mean_calls": statistics.fmean(p[0].calls for p in pairs),
            }
            sdk_runs = [p[1] for p in pairs if p[1] is not None]
            if sdk_runs:
                row[key]["sdk"] = summary(sdk_runs)
                row[key]["sdk_mean_lag"] = statistics.fmean(r.lag for r in sdk_runs)
                row[key]["sdk_mean_calls"] = statistics.fmean(r.calls for r in sdk_runs)
                row[key]["max_extra_calls"] = max(
                    p[0].calls - p[1].calls for p in pairs if p[1] is not None
                )
            log(f"forecast {seconds:>6}s {key:>10}: {row[key].get('mean_lag'):.2f}s")
        rows.append(row)
    return {"rows": rows, "history": HISTORY, "scatter": simulated.SCATTER}
