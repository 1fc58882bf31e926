"""N ``RestoredIndex`` vs one ``CloneEnvironment`` of N under the real Pulumi CLI, both doors.

The dynamic door runs inline Python programs; the plugin door runs N separate ``RestoredIndex``
through the provider plugin (a YAML program in its folder).

``python -m benchmarks.pulumi_cli_bench`` (after ``python3 dev.py pulumi-cli``; the CLI comes
from ``--pulumi-cli DIR``, else ``PULUMI_PINECONE_RESTORE_PULUMI_CLI``, else a ``pulumi`` on PATH
with the launcher beside it). Results go to ``benchmarks/results/pulumi_cli.json`` and
``pulumi_cli.md``.
:func:`run_pulumi_cli_bench` is the same measurement for ``benchmarks/__main__.py`` to call.

Each scenario is a fresh stack whose ``pulumi up`` is timed (wall clock, the whole CLI run:
engine start, plugin start, the restores), against the emulator with restores that take a fixed
time and everything else immediate. The restore POSTs' times in the emulator's request log show
how many restores ran at once: separate resources start in waves when the plugin serves only a
few calls at a time, while a set starts all of them together. The plugin rows run ``pulumi up``
in a folder whose ``Pulumi.yaml`` declares the resources (the YAML language host beside the
CLI, ``pulumi-resource-pinecone-restore`` from this interpreter's scripts): the plugin serves
every call at once, so N separate resources start in one wave.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
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
PULUMI_CLI_ENV = "PULUMI_PINECONE_RESTORE_PULUMI_CLI"  # what `python3 dev.py bench` sets

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


def _yaml_program(backups: list[str], prefix: str) -> str:
    """A YAML program with one plugin RestoredIndex per backup."""
    lines = ["name: bench", "runtime: yaml", "resources:"]
    for i, backup_id in enumerate(backups):
        lines += [
            f"  r{i}:",
            "    type: pinecone-restore:index:RestoredIndex",
            "    properties:",
            f"      backupId: {backup_id}",
            f"      name: {prefix}-{i}",
        ]
    return "\n".join(lines) + "\n"


def _cli(pulumi_cli: Path, folder: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - the engine's CLI with fixed arguments
        [str(pulumi_cli / "pulumi"), *args], cwd=folder, env=env, check=True, capture_output=True
    )


def _measure_plugin(  # noqa: PLR0917 - private, called twice just below
    pulumi_cli: Path,
    server: EmulatorServer,
    workdir: Path,
    label: str,
    backups: list[str],
    restore_seconds: float,
) -> dict[str, Any]:
    folder = workdir / label / "project"
    folder.mkdir(parents=True)
    # Index names allow a-z0-9- only.
    prefix = label.replace("_", "-")
    (folder / "Pulumi.yaml").write_text(_yaml_program(backups, prefix), encoding="utf-8")
    (workdir / label / "backend").mkdir()
    env = {
        "HOME": os.environ.get("HOME", str(workdir)),
        "PATH": os.pathsep.join(
            [str(pulumi_cli), str(Path(sys.executable).parent), "/usr/bin:/bin"]
        ),
        "PULUMI_HOME": str(workdir / label / "home"),
        "PULUMI_BACKEND_URL": f"file://{workdir / label / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "bench",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    _cli(pulumi_cli, folder, env, "stack", "init", "bench")
    _cli(pulumi_cli, folder, env, "config", "set", "pinecone-restore:controllerHost", server.url)
    _cli(pulumi_cli, folder, env, "config", "set", "--secret", "pinecone-restore:apiKey", API_KEY)
    started = time.perf_counter()
    _cli(pulumi_cli, folder, env, "up", "--yes", "--skip-preview")
    seconds = time.perf_counter() - started
    calls = sum(server.emulator.request_counts().values())
    waves = _waves(server.emulator, restore_seconds)
    _cli(pulumi_cli, folder, env, "destroy", "--yes", "--skip-preview")
    return {"seconds": seconds, "api_calls": calls, "restores_per_wave": waves}


def find_pulumi_cli() -> tuple[Path | None, str]:
    """The Pulumi CLI's ``bin`` directory (``dev.py`` passes it), or ``None`` and why not."""
    configured = os.environ.get(PULUMI_CLI_ENV)
    if configured and configured != "skip" and (Path(configured) / "pulumi").exists():
        return Path(configured), ""
    return None, (
        f"no Pulumi CLI: set {PULUMI_CLI_ENV} to the directory `python3 dev.py pulumi-cli` prints "
        "(`python3 dev.py bench` does)"
    )


def _stack(pulumi_cli: Path, workdir: Path, program: Callable[[], None], url: str) -> auto.Stack:
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
        "PATH": f"{pulumi_cli}{os.pathsep}{os.environ.get('PATH', '')}",
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
            pulumi_command=auto.PulumiCommand(root=str(pulumi_cli.parent)),
        ),
    )
    stack.set_config("pinecone:controllerHost", auto.ConfigValue(url))
    stack.set_config("pinecone:apiKey", auto.ConfigValue(API_KEY, secret=True))
    return stack


def _measure(  # noqa: PLR0917 - private, called three times just above
    pulumi_cli: Path,
    server: EmulatorServer,
    workdir: Path,
    label: str,
    program: Callable[[], None],
    restore_seconds: float,
) -> dict[str, Any]:
    stack = _stack(pulumi_cli, workdir / label, program, server.url)
    started = time.perf_counter()
    stack.up()
    seconds = time.perf_counter() - started
    calls = sum(server.emulator.request_counts().values())
    waves = _waves(server.emulator, restore_seconds)
    stack.destroy()
    return {"seconds": seconds, "api_calls": calls, "restores_per_wave": waves}


def run_pulumi_cli_bench(
    pulumi_cli: Path, restore_seconds: float = 3.0, indexes: int = 8, repeats: int = 1
) -> dict[str, Any]:
    """Time ``pulumi up`` of 1 restore, N separate restores and one set of N (both doors).

    Args:
        pulumi_cli: The ``bin`` directory of the Pulumi CLI and the dynamic-provider launcher.
        restore_seconds: How long each restore takes in the emulator.
        indexes: N.
        repeats: Runs per scenario; the fastest is reported (all are kept).

    Returns:
        The report: per scenario the wall time, API calls and restores started per wave.
    """
    emulator = Emulator(api_key=API_KEY, timings=_timings(restore_seconds))
    results: dict[str, Any] = {}
    with (
        EmulatorServer(emulator, host="127.0.0.1", port=0) as server,
        tempfile.TemporaryDirectory(prefix="pulumi-cli-bench-") as tmp,
    ):
        workdir = Path(tmp)
        scenarios: list[tuple[str, int, Callable[[str, list[str]], dict[str, Any]]]] = [
            (
                "single",
                1,
                lambda label, b: _measure(
                    pulumi_cli, server, workdir, label, _separate(b), restore_seconds
                ),
            ),
            (
                "separate",
                indexes,
                lambda label, b: _measure(
                    pulumi_cli, server, workdir, label, _separate(b), restore_seconds
                ),
            ),
            (
                "set",
                indexes,
                lambda label, b: _measure(
                    pulumi_cli, server, workdir, label, _as_set(b), restore_seconds
                ),
            ),
        ]
        if (pulumi_cli / "pulumi-language-yaml").exists():
            scenarios += [
                (
                    "plugin_single",
                    1,
                    lambda label, b: _measure_plugin(
                        pulumi_cli, server, workdir, label, b, restore_seconds
                    ),
                ),
                (
                    "plugin_separate",
                    indexes,
                    lambda label, b: _measure_plugin(
                        pulumi_cli, server, workdir, label, b, restore_seconds
                    ),
                ),
            ]
        for name, count, measure in scenarios:
            # The machine is shared: each scenario runs `repeats` times and keeps its fastest.
            runs = [measure(f"{name}-{n}", _seed(emulator, count)) for n in range(repeats)]
            best = min(runs, key=lambda run: float(run["seconds"]))
            results[name] = {**best, "all_seconds": [run["seconds"] for run in runs]}
    single = results["single"]["seconds"]
    plugin = {}
    if "plugin_single" in results:
        plugin_single = results["plugin_single"]["seconds"]
        plugin["plugin_separate_vs_single"] = results["plugin_separate"]["seconds"] / plugin_single
    return {
        **plugin,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "pulumi_cli": str(pulumi_cli / "pulumi"),
        "restore_seconds": restore_seconds,
        "indexes": indexes,
        "repeats": repeats,
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
            f"`pulumi up` under the real Pulumi CLI; restore time in the emulator "
            f"{report['restore_seconds']:.1f} s; the fastest of {report.get('repeats', 1)} run(s) "
            f"per scenario; {report['machine']}; {report['date']}."
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
    if "plugin_single" in results:
        # The plugin's rows are measured against the plugin's own single restore (a YAML
        # program and the plugin start differently from an inline Python program).
        plugin_single = results["plugin_single"]["seconds"]
        for label, row in (
            ("1 `RestoredIndex` (plugin, YAML)", results["plugin_single"]),
            (f"{n} `RestoredIndex` resources (plugin, YAML)", results["plugin_separate"]),
        ):
            waves = " + ".join(str(w) for w in row["restores_per_wave"])
            lines.append(
                f"| {label} | {row['seconds']:.2f} s | {row['seconds'] / plugin_single:.2f}x "
                f"| {row['api_calls']} | {waves} |"
            )
        lines += [
            "",
            "Rows marked *plugin* are relative to the plugin's own single restore.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``benchmarks/results/pulumi_cli.{json,md}``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pulumi_cli_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pulumi-cli", type=Path, help="the Pulumi CLI's bin directory")
    parser.add_argument("--restore-seconds", type=float, default=3.0)
    parser.add_argument("--indexes", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    pulumi_cli = args.pulumi_cli
    if pulumi_cli is None:
        pulumi_cli, reason = find_pulumi_cli()
        if pulumi_cli is None:
            print(f"pulumi_cli_bench: {reason}", file=sys.stderr)
            return 1
    report = run_pulumi_cli_bench(pulumi_cli, args.restore_seconds, args.indexes, args.repeats)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pulumi_cli.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = markdown(report)
    (RESULTS / "pulumi_cli.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
