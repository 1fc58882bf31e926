"""Speed and API-call budgets, measured through the real dynamic-provider plugin.

Run with ``python3 dev.py bench`` (``--restore-seconds``, ``--indexes`` to change the set-up).
Results go to ``benchmarks/results/latest.json`` and ``benchmarks/results/latest.md``; the
README quotes the Markdown table.

What is measured, each against the local emulator with restores that take a fixed time:

1. One ``RestoredIndex`` create through the plugin: wall time and API calls.
2. N indexes as N separate ``RestoredIndex`` creates sent at once, as the engine would: the
   plugin serves 4 calls at a time, so they finish in waves.
3. N indexes as one ``RestoredIndexSet`` (what ``CloneEnvironment`` uses): one call that follows
   every restore concurrently. Target: within 1.3x of one restore.
4. The poll schedule's cost for a long restore (simulated clock, no waiting): describes per hour.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the gRPC plugin driver lives with the test harness

from harness.plugin import DynamicPluginProcess, provider_props  # noqa: E402

from pulumi_pinecone_restore.emulator import (  # noqa: E402
    Emulator,
    EmulatorServer,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.errors import WaitTimeoutError  # noqa: E402
from pulumi_pinecone_restore.polling import Deadline, PollSchedule, wait_for  # noqa: E402
from pulumi_pinecone_restore.providers.restored_index import (  # noqa: E402
    RestoredIndexProvider,
)
from pulumi_pinecone_restore.providers.restored_index_set import (  # noqa: E402
    RestoredIndexSetProvider,
)

API_KEY = "bench-key"
RESULTS = ROOT / "benchmarks" / "results"
URN = "urn:pulumi:bench::bench::pulumi-python:dynamic/pinecone:{kind}::{name}"


def _timings(restore_seconds: float) -> Timings:
    return Timings(
        index_ready=Timing(),
        index_terminate=Timing(),
        backup_ready=Timing(),
        restore=Timing(seconds=restore_seconds),
        collection_ready=Timing(),
    )


def _seed(emulator: Emulator, count: int) -> list[str]:
    emulator.reset()
    backups = []
    for i in range(count):
        emulator.seed_index(name=f"src-{i}", dimension=8)
        backups.append(str(emulator.seed_backup(source_index_name=f"src-{i}")["backup_id"]))
    return backups


def _restore_one(plugin: DynamicPluginProcess, backup_id: str, name: str) -> float:
    urn = URN.format(kind="RestoredIndex", name=name)
    checked = plugin.check(urn, {}, provider_props(
        RestoredIndexProvider(), {"backup_id": backup_id, "name": name}))
    started = time.perf_counter()
    plugin.create(urn, checked.inputs)
    return time.perf_counter() - started


def bench_single(plugin: DynamicPluginProcess, emulator: Emulator) -> dict[str, Any]:
    """One restore through the plugin: time and calls by endpoint."""
    backup = _seed(emulator, 1)[0]
    emulator.reset_requests()
    seconds = _restore_one(plugin, backup, "single")
    counts = emulator.request_counts()
    return {"seconds": seconds, "api_calls": sum(counts.values()), "calls_by_endpoint": counts}


def bench_separate(plugin: DynamicPluginProcess, emulator: Emulator, n: int) -> dict[str, Any]:
    """N RestoredIndex creates sent at once; the plugin's 4 workers serve them in waves."""
    backups = _seed(emulator, n)
    emulator.reset_requests()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(lambda i: _restore_one(plugin, backups[i], f"sep-{i}"), range(n)))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "api_calls": sum(emulator.request_counts().values())}


def bench_set(plugin: DynamicPluginProcess, emulator: Emulator, n: int) -> dict[str, Any]:
    """One RestoredIndexSet with N members: a single plugin call."""
    backups = _seed(emulator, n)
    members = {f"m{i}": {"backup_id": b, "name": f"set-{i}"} for i, b in enumerate(backups)}
    urn = URN.format(kind="RestoredIndexSet", name="clones")
    checked = plugin.check(urn, {}, provider_props(RestoredIndexSetProvider(),
                                                   {"members": members}))
    emulator.reset_requests()
    started = time.perf_counter()
    plugin.create(urn, checked.inputs)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "api_calls": sum(emulator.request_counts().values())}


def bench_long_restore_polls(hours: float = 1.0) -> dict[str, Any]:
    """Describes the default schedule spends on a restore that takes ``hours`` (fake clock)."""
    now = [0.0]
    polls = 0

    def probe() -> None:
        nonlocal polls
        polls += 1

    with contextlib.suppress(WaitTimeoutError):  # the probe never finishes: count to the end
        wait_for(probe, deadline=Deadline(hours * 3600, clock=lambda: now[0]), what="x",
                 schedule=PollSchedule(), sleep=lambda s: now.__setitem__(0, now[0] + s))
    first_second = sum(1 for _ in _delays_within(1.0))
    return {"hours": hours, "describes": polls, "polls_in_first_second": first_second}


def _delays_within(limit: float) -> list[float]:
    elapsed, out = 0.0, list[float]()
    for delay in PollSchedule().delays():
        if elapsed > limit:
            return out
        out.append(delay)
        elapsed += delay
    return out


def _markdown(report: dict[str, Any]) -> str:
    r = report["results"]
    single, separate, one_set = r["single"], r["separate"], r["set"]
    n = report["indexes"]
    ratio_separate = separate["seconds"] / single["seconds"]
    ratio_set = one_set["seconds"] / single["seconds"]
    long = r["long"]
    lines = [
        (f"Restore time in the emulator: {report['restore_seconds']} s; machine: "
         f"{report['machine']}; {report['date']}."),
        "",
        "| scenario | wall time | vs one restore | API calls |",
        "|---|---:|---:|---:|",
        f"| 1 `RestoredIndex` | {single['seconds']:.2f} s | 1.00x | {single['api_calls']} |",
        (f"| {n} `RestoredIndex` resources (plugin serves 4 at a time) | "
         f"{separate['seconds']:.2f} s | {ratio_separate:.2f}x | {separate['api_calls']} |"),
        (f"| 1 `RestoredIndexSet` / `CloneEnvironment` of {n} | {one_set['seconds']:.2f} s | "
         f"**{ratio_set:.2f}x** (target <= 1.3x) | {one_set['api_calls']} |"),
        "",
        (f"Polling a restore that takes {long['hours']:.0f} h costs {long['describes']} "
         f"describes; {long['polls_in_first_second']} polls fall in its first second, so a "
         "short restore is noticed within about 0.1-0.5 s."),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--restore-seconds", type=float, default=3.0)
    parser.add_argument("--indexes", type=int, default=8)
    args = parser.parse_args(argv)

    emulator = Emulator(api_key=API_KEY, timings=_timings(args.restore_seconds))
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server, \
            DynamicPluginProcess() as plugin:
        plugin.configure({"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
                         secret_keys={"pinecone:apiKey"})
        results = {
            "single": bench_single(plugin, emulator),
            "separate": bench_separate(plugin, emulator, args.indexes),
            "set": bench_set(plugin, emulator, args.indexes),
            "long": bench_long_restore_polls(),
        }
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "restore_seconds": args.restore_seconds,
        "indexes": args.indexes,
        "results": results,
        "set_vs_single": results["set"]["seconds"] / results["single"]["seconds"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = _markdown(report)
    (RESULTS / "latest.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
