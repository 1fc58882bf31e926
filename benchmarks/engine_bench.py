"""N separate ``RestoredIndex`` resources vs one ``CloneEnvironment`` of N, under the real engine.

``python -m benchmarks.engine_bench`` (after ``python3 dev.py engine``; the engine comes from
``--engine DIR``, else ``PULUMI_PINECONE_RESTORE_ENGINE``, else a ``pulumi`` on PATH with the
launcher beside it). Results go to ``benchmarks/results/engine.json`` and ``engine.md``.
:func:`run_engine_bench` is the same measurement for ``benchmarks/__main__.py`` to call.

Each scenario is a fresh stack whose ``pulumi up`` is timed (wall clock, the whole CLI run:
engine start, plugin start, the restores), against the emulator with restores that take a fixed
time and everything else immediate. The restore POSTs' times in the emulator's request log show
how many restores ran at once: separate resources start in waves when the plugin serves only a
few calls at a time, while a set starts all of them together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from pulumi_pinecone_restore import CloneEnvironment, RestoredIndex
from pulumi_pinecone_restore.emulator import (
    Emulator,
    EmulatorServer,
    Timing,
    Timings,
)

ROOT = Path(__file__).resolve().parent.parent
ENGINE_ENV = "PULUMI_PINECONE_RESTORE_ENGINE"  # what `python3 dev.py bench` sets

API_KEY = "bench-key"
RESULTS = ROOT / "benchmarks" / "results"
RESTORE_POST = "POST /backups/{backup_id}/create-index"


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
    emulator.reset_requests()
    return backups


def _waves(emulator: Emulator, restore_seconds: float) -> list[int]:
    """How many restores started together, wave by wave (from the request log's times)."""
    starts = sorted(
        datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()
        for entry in emulator.request_log()
        if entry["route"] == RESTORE_POST
    )
    waves: list[int] = []
    last = None
    for start in starts:
        if last is None or start - last > restore_seconds / 2:
            waves.append(0)
        waves[-1] += 1
        last = start
    return waves


def _separate(backups: list[str]) -> Callable[[], None]:
    """A program with one RestoredIndex per backup."""

    def program() -> None:
        for i, backup_id in enumerate(backups):
            RestoredIndex(f"r{i}", backup_id=backup_id, name=f"sep-{i}")

    return program


def _as_set(backups: list[str]) -> Callable[[], None]:
    """A program with one CloneEnvironment of every backup."""

    def program() -> None:
        CloneEnvironment(
            "clones", backups={f"src-{i}": b for i, b in enumerate(backups)}, name_prefix="set-"
        )

    return program


def find_engine() -> tuple[Path | None, str]:
    """The engine's ``bin`` directory (``dev.py`` passes it), or ``None`` and why not."""
    configured = os.environ.get(ENGINE_ENV)
    if configured and configured != "skip" and (Path(configured) / "pulumi").exists():
        return Path(configured), ""
    return None, (
        f"no Pulumi engine: set {ENGINE_ENV} to the directory `python3 dev.py engine` prints "
        "(`python3 dev.py bench` does)"
    )


def _stack(engine: Path, workdir: Path, program: Callable[[], None], url: str) -> auto.Stack:
    """A fresh stack running ``program`` inline on a file backend under ``workdir``."""
    backend = workdir / "backend"
    backend.mkdir(parents=True, exist_ok=True)
    (workdir / "project").mkdir(exist_ok=True)
    env = {
        "PULUMI_BACKEND_URL": f"file://{backend}",
        "PULUMI_CONFIG_PASSPHRASE": "bench",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
        "PATH": f"{engine}{os.pathsep}{os.environ.get('PATH', '')}",
        # Our launcher beside the CLI runs `python -m pulumi.dynamic` with this interpreter.
        "PULUMI_PYTHON_CMD": sys.executable,
    }
    stack = auto.create_stack(
        "bench",
        project_name="bench",
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(workdir / "project"),
            env_vars=env,
            pulumi_home=str(workdir / "home"),
            pulumi_command=auto.PulumiCommand(root=str(engine.parent)),
        ),
    )
    stack.set_config("pinecone:controllerHost", auto.ConfigValue(url))
    stack.set_config("pinecone:apiKey", auto.ConfigValue(API_KEY, secret=True))
    return stack


def _measure(  # noqa: PLR0917 - private, called three times just above
    engine: Path,
    server: EmulatorServer,
    workdir: Path,
    label: str,
    program: Callable[[], None],
    restore_seconds: float,
) -> dict[str, Any]:
    stack = _stack(engine, workdir / label, program, server.url)
    started = time.perf_counter()
    stack.up()
    seconds = time.perf_counter() - started
    calls = sum(server.emulator.request_counts().values())
    waves = _waves(server.emulator, restore_seconds)
    stack.destroy()
    return {"seconds": seconds, "api_calls": calls, "restores_per_wave": waves}


def run_engine_bench(
    engine: Path, restore_seconds: float = 3.0, indexes: int = 8
) -> dict[str, Any]:
    """Time ``pulumi up`` of 1 restore, N separate restores and one set of N.

    Args:
        engine: The ``bin`` directory of the Pulumi CLI and the dynamic-provider launcher.
        restore_seconds: How long each restore takes in the emulator.
        indexes: N.

    Returns:
        The report: per scenario the wall time, API calls and restores started per wave.
    """
    emulator = Emulator(api_key=API_KEY, timings=_timings(restore_seconds))
    results: dict[str, Any] = {}
    with (
        EmulatorServer(emulator, host="127.0.0.1", port=0) as server,
        tempfile.TemporaryDirectory(prefix="engine-bench-") as tmp,
    ):
        workdir = Path(tmp)

        backups = _seed(emulator, 1)
        results["single"] = _measure(
            engine, server, workdir, "single", _separate(backups), restore_seconds
        )
        backups = _seed(emulator, indexes)
        results["separate"] = _measure(
            engine, server, workdir, "separate", _separate(backups), restore_seconds
        )
        backups = _seed(emulator, indexes)
        results["set"] = _measure(engine, server, workdir, "set", _as_set(backups), restore_seconds)
    single = results["single"]["seconds"]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "engine": str(engine / "pulumi"),
        "restore_seconds": restore_seconds,
        "indexes": indexes,
        "results": results,
        "separate_vs_single": results["separate"]["seconds"] / single,
        "set_vs_single": results["set"]["seconds"] / single,
    }


def markdown(report: dict[str, Any]) -> str:
    """The report as the Markdown table the docs quote."""
    n, results = report["indexes"], report["results"]
    single = results["single"]["seconds"]
    rows = [
        ("1 `RestoredIndex`", results["single"]),
        (f"{n} `RestoredIndex` resources", results["separate"]),
        (f"1 `CloneEnvironment` of {n}", results["set"]),
    ]
    lines = [
        (
            f"`pulumi up` under the real engine; restore time in the emulator "
            f"{report['restore_seconds']:.1f} s; {report['machine']}; {report['date']}."
        ),
        "",
        (
            "| scenario | `pulumi up` wall time | vs one restore | API calls "
            "| restores started per wave |"
        ),
        "|---|---:|---:|---:|---|",
    ]
    for label, row in rows:
        waves = " + ".join(str(w) for w in row["restores_per_wave"])
        lines.append(
            f"| {label} | {row['seconds']:.2f} s | {row['seconds'] / single:.2f}x "
            f"| {row['api_calls']} | {waves} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``benchmarks/results/engine.{json,md}``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.engine_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engine", type=Path, help="the engine's bin directory")
    parser.add_argument("--restore-seconds", type=float, default=3.0)
    parser.add_argument("--indexes", type=int, default=8)
    args = parser.parse_args(argv)
    engine = args.engine
    if engine is None:
        engine, reason = find_engine()
        if engine is None:
            print(f"engine_bench: {reason}", file=sys.stderr)
            return 1
    report = run_engine_bench(engine, args.restore_seconds, args.indexes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "engine.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = markdown(report)
    (RESULTS / "engine.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
