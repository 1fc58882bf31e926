"""Speed and API-call budgets against the local emulator, side by side with the official SDK.

Run with ``python3 dev.py bench`` (``--help`` for the knobs; ``--quick`` for a smoke run).
Results go to ``benchmarks/results/latest.json`` and ``latest.md``; the README quotes the
Markdown. Each scenario runs ``--repeats`` times (default 3) and reports min and median.

1. Lag and calls per restore: one ``RestoredIndex`` create through the provider API, and
   SDK 7.3's ``create_index_from_backup`` in its own environment (``sdk_env.py`` finds it),
   on the same emulator, for restores of 1-32 s of real time and of 1 h on the emulator's
   manual clock (both clients' sleeps move it). Per progress curve the emulator can report.
2. Sets: ``RestoredIndexSet`` (what ``CloneEnvironment`` makes) of 8, 16 and 50 against one
   restore of the same length, with urllib3's "pool is full" warnings counted; and whether a
   set's ``create_timeout`` bounds the whole set (17 members of 2 s each, a budget of 3 s that
   fits them and of 1.5 s that does not). The emulator serves these from its own process, as
   the real service never runs inside the provider (see ``emulated.RemoteEmulator``).
3. Engine: ``benchmarks/pulumi_cli_bench.py``'s ``run(repeats=...)`` (8 ``RestoredIndex`` vs a set
   of 8 under ``pulumi up``) when it is importable; a note otherwise.
4. Simulated: the poll schedule against the SDK's loop in virtual time, 30 s to 1 h.
5. Deadlines: a ``RestoredIndex`` with ``create_timeout=2`` whose restore-job reads hang (the
   emulator's ``hang`` fault), and a set of 3 whose third member is refused at once while the
   others' restores take 40 s: how soon each gives up.
6. Forecast: restores of 30 s to 1 h on the live-like default (no progress until Completed)
   with 10 % scatter, with 3 earlier restores in the project and with none, each beside SDK
   7.3 on the emulator's manual clock.

``--only`` reruns some sections and keeps the others from the previous ``latest.json``.
``--forecast-only`` runs 4 and 6 alone and writes ``forecast.json`` and ``forecast.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import emulated, simulated
from benchmarks.sdk_env import find_sdk_python

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("simulated", "lag", "long", "sets", "deadlines", "pulumi_cli", "forecast")


def _floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _log(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--restore-times",
        type=_floats,
        default=[1, 2, 4, 8, 16, 32],
        help="real-time restore lengths, comma-separated seconds",
    )
    parser.add_argument(
        "--long-hours",
        type=float,
        default=1.0,
        help="the manual-clock restore, in hours (0 to skip)",
    )
    parser.add_argument(
        "--curves",
        type=lambda s: s.split(","),
        default=["live"],
        help="emulator progress settings to run the package with (live: none until done)",
    )
    parser.add_argument(
        "--forecast-times",
        type=_floats,
        default=emulated.FORECAST_TIMES,
        help="restore lengths of the forecast benchmark, comma-separated seconds",
    )
    parser.add_argument("--forecast-repeats", type=int, default=5)
    parser.add_argument(
        "--forecast-only",
        action="store_true",
        help="only the simulated and forecast sections (to forecast.json / forecast.md)",
    )
    parser.add_argument("--set-seconds", type=float, default=2.0)
    parser.add_argument("--set-sizes", type=_ints, default=[8, 16, 50])
    parser.add_argument("--no-sdk", action="store_true", help="skip the official SDK's side")
    parser.add_argument("--no-pulumi-cli", action="store_true")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 repeat, restores of 1 and 4 s, a set of 8: a smoke run",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--only",
        type=lambda s: [part for part in s.split(",") if part],
        default=list(SECTIONS),
        help=f"sections to run, comma-separated ({', '.join(SECTIONS)}); the others are kept "
        "from the previous latest.json",
    )
    return parser


def _previous(output: Path) -> dict[str, Any]:
    path = output / "latest.json"
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _measure(args: argparse.Namespace, only: set[str], sdk_python: str | None) -> dict[str, Any]:
    """Run the chosen sections; their part of the report."""
    report: dict[str, Any] = {}
    if "simulated" in only:
        report["simulated"] = simulated.table()
    if "forecast" in only:
        report["forecast"] = _forecast(args, sdk_python)
    if "lag" in only:
        _log("lag and calls, real time")
        report["lag"] = emulated.lag_table(
            args.restore_times, args.repeats, sdk_python, args.curves, _log
        )
    if "long" in only and args.long_hours > 0:
        _log(f"lag and calls, {args.long_hours} h on the manual clock")
        report["long"] = emulated.long_restore(
            args.long_hours, args.repeats, sdk_python, args.curves, _log
        )
    if "sets" in only:
        _log("sets")
        report["sets"] = emulated.sets(args.set_seconds, args.set_sizes, args.repeats, _log)
        report["set_budget"] = [emulated.set_budget(2.0, 17, budget) for budget in (3.0, 1.5)]
    if "deadlines" in only:
        _log("deadlines")
        report["deadlines"] = {"hang": emulated.hang(), "fail_fast": emulated.fail_fast()}
    if "pulumi_cli" in only:
        report["pulumi_cli"] = (
            {"skipped": "--no-pulumi-cli"}
            if args.no_pulumi_cli
            else dict(emulated.pulumi_cli(args.repeats, _log))
        )
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the results."""
    args = _parser().parse_args(argv)
    if args.quick:
        args.repeats, args.restore_times, args.set_sizes = 1, [1.0, 4.0], [8]
    notes: list[str] = []
    sdk_python: str | None = None
    if not args.no_sdk:
        found = find_sdk_python()
        sdk_python = found.python
        notes.append(f"SDK 7.3 run by {found.python} (found via {found.how}).")
    only = set(args.only)
    unknown = only - set(SECTIONS)
    if unknown:
        _parser().error(f"--only: unknown section(s) {sorted(unknown)}; known: {SECTIONS}")
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "repeats": args.repeats,
        "notes": notes,
    }
    if args.forecast_only:
        report["simulated"] = simulated.table()
        report["forecast"] = _forecast(args, sdk_python)
        return _write(args.output, "forecast", report, forecast_markdown(report))
    report.update(_measure(args, only, sdk_python))
    previous = _previous(args.output)
    kept = _keep_previous(report, previous)
    if kept:
        notes.append(f"Kept from the run of {kept[1]}: {', '.join(kept[0])}.")
        if "lag" in kept[0]:  # how the SDK side of the kept lag table was run
            notes.extend(n for n in previous.get("notes", []) if n.startswith("SDK"))
    return _write(args.output, "latest", report, markdown(report))


def _forecast(args: argparse.Namespace, sdk_python: str | None) -> dict[str, Any]:
    _log("forecast: restores without progress, with and without history")
    return emulated.forecast_runs(args.forecast_times, args.forecast_repeats, sdk_python, _log)


def _write(where: Path, stem: str, report: dict[str, Any], text: str) -> int:
    where.mkdir(parents=True, exist_ok=True)
    (where / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (where / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _keep_previous(
    report: dict[str, Any], previous: dict[str, Any]
) -> tuple[list[str], str] | None:
    """Fill the sections not run from the previous report; which, and that run's date."""
    keys = {
        "simulated": ("simulated",),
        "forecast": ("forecast",),
        "lag": ("lag",),
        "long": ("long",),
        "sets": ("sets", "set_budget"),
        "deadlines": ("deadlines",),
        "pulumi_cli": ("pulumi_cli",),
    }
    kept = []
    for section, names in keys.items():
        if names[0] in report or not all(n in previous for n in names):
            continue
        report.update({n: previous[n] for n in names})
        kept.append(section)
    return (kept, str(previous.get("date"))) if kept else None


def _s(value: float) -> str:
    return f"{value + 0.0 if abs(value) >= 0.005 else 0.0:.2f} s"  # no "-0.00 s"


def _pair(stat: dict[str, float], fmt: Any = _s) -> str:
    return f"{fmt(stat['min'])} / {fmt(stat['median'])}"


def _calls(stat: dict[str, float]) -> str:
    return f"{stat['min']:.0f} / {stat['median']:.0f}"


def _lag_rows(report: dict[str, Any]) -> list[str]:
    rows = [*report["lag"]["rows"], *report.get("long", {}).get("rows", [])]
    curves = list(rows[0]["package"]) if rows else []
    header = (
        "| restore takes | "
        + " | ".join(f"package, progress {c}: lag | calls" for c in curves)
        + " | SDK 7.3: lag | calls |"
    )
    lines = [header, "|---" * (3 + 2 * len(curves)) + "|"]
    for row in rows:
        seconds = row["restore_seconds"]
        manual = row["clock"] == "manual"
        took = f"{seconds / 3600:g} h (manual clock)" if manual else f"{seconds:g} s"
        cells = [took]
        for c in curves:
            cells += [_pair(row["package"][c]["lag"]), _calls(row["package"][c]["calls"])]
        sdk = row.get("sdk")
        cells += [_pair(sdk["lag"]), _calls(sdk["calls"])] if sdk else ["not run", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _set_rows(report: dict[str, Any]) -> list[str]:
    sets = report["sets"]
    single = sets["single"]["seconds"]["median"]
    lines = [
        (
            "| scenario | wall time min / median | vs one restore (median) | calls (median) "
            "| pool-full warnings | errors |"
        ),
        "|---|---:|---:|---:|---:|---|",
        (
            f"| one `RestoredIndex` | {_pair(sets['single']['seconds'])} | 1.00x | "
            f"{sets['single']['calls']['median']:.0f} | | |"
        ),
    ]
    for key, value in sets.items():
        if key in {"single", "restore_seconds", "emulator"}:
            continue
        ratio = value["seconds"]["median"] / single
        lines.append(
            f"| `RestoredIndexSet` of {key} | {_pair(value['seconds'])} | **{ratio:.2f}x** "
            f"(goal <= 1.2x at 50) | {value['calls']['median']:.0f} | "
            f"{value['pool_full_warnings']} | {', '.join(value['errors']) or 'none'} |"
        )
    return lines


def _budget_line(budget: dict[str, Any]) -> str:
    head = (
        f"- A set of {budget['members']} with `create_timeout={budget['create_timeout']:g}`"
        f" and {budget['restore_seconds']:g} s restores: "
    )
    seconds = budget["seconds"]
    if budget["error"]:
        return head + f"failed with {budget['error']} after {_s(seconds)}."
    within = "within" if seconds <= budget["create_timeout"] else "OUTSIDE"
    return head + f"succeeded after {_s(seconds)} ({within} the set's budget)."


def _pulumi_cli_rows(pulumi_cli: dict[str, Any]) -> list[str]:
    if "skipped" in pulumi_cli:
        return [f"Skipped: {pulumi_cli['skipped']}"]
    seconds = pulumi_cli["seconds"]
    single = seconds["single"]["median"]
    lines = [
        (
            f"`pulumi up` with {pulumi_cli['pulumi_cli']}, "
            f"{pulumi_cli['restore_seconds']:g} s restores, "
            f"N = {pulumi_cli['indexes']}."
        ),
        "",
        "| scenario | wall time min / median | vs one restore (median) |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {_pair(stat)} | {stat['median'] / single:.2f}x |"
        for name, stat in seconds.items()
    ]
    return lines


def _simulated_rows(report: dict[str, Any]) -> list[str]:
    rows = report.get("simulated") or []
    if not rows or "same backup" not in rows[0]:
        return ["Not measured in this run (an older report kept another table)."]
    sides = ["sdk", "same backup", "other sizes", "no history"]
    names = {
        "sdk": "SDK 7.3",
        "same backup": "package, 3 earlier restores of this backup",
        "other sizes": "package, 3 earlier restores of 0.5x, 1x, 2x the size",
        "no history": "package, no history",
    }
    lines = [
        "| restore takes | " + " | ".join(names[side] for side in sides) + " |",
        "|---" * (1 + len(sides)) + "|",
    ]
    rows = report["simulated"]
    for row in rows:
        cells = [f"{row['restore_seconds']:g} s"]
        cells += [
            f"{_s(row[side]['mean_lag'])}, {row[side]['mean_calls']:.1f} calls" for side in sides
        ]
        lines.append("| " + " | ".join(cells) + " |")
    means = simulated.overall(rows)
    cells = ["**mean**"] + [
        f"**{_s(means[side]['mean_lag'])}**, {means[side]['mean_calls']:.1f} calls "
        f"(most over the SDK: {means[side]['max_extra_calls']:+d})"
        for side in sides
    ]
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def _deadline_lines(report: dict[str, Any]) -> list[str]:
    deadlines = report.get("deadlines")
    if not deadlines:
        return ["Not measured."]
    hang, fast = deadlines["hang"], deadlines["fail_fast"]
    left = "left for the next run to adopt" if hang["left_for_next_run"] else "not left"
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(fast["outcomes"].items())) or "none"
    return [
        (
            f"- A `RestoredIndex` with `create_timeout={hang['create_timeout']:g}` whose "
            f"`{hang['held']}` hangs: gave up after {_s(hang['seconds'])} with "
            f"{hang['error'] or 'no error'}; its restore {left}."
        ),
        (
            f"- A set of {fast['members']} whose last member is refused at once while the "
            f"others' restores take {fast['restore_seconds']:g} s: gave up after "
            f"{_s(fast['seconds'])} with {fast['error'] or 'no error'} (members: {outcomes}; "
            f"indexes left: {', '.join(fast['indexes_left']) or 'none'})."
        ),
    ]


def _forecast_rows(report: dict[str, Any]) -> list[str]:
    if not report.get("forecast"):
        return ["Not measured in this run."]
    lines = [
        (
            "| restore takes | package, 3 earlier restores: lag / calls | SDK 7.3: lag / calls "
            "| package, no history: lag / calls | SDK 7.3: lag / calls | most calls over the SDK "
            "(history, none) |"
        ),
        "|---|---:|---:|---:|---:|---|",
    ]
    rows = report["forecast"]["rows"]
    for row in rows:
        cells = [f"{row['restore_seconds']:g} s"]
        for key in ("history", "no_history"):
            part = row[key]
            cells.append(f"{_s(part['mean_lag'])} / {part['mean_calls']:.1f}")
            sdk = part.get("sdk_mean_lag")
            cells.append(
                f"{_s(sdk)} / {part['sdk_mean_calls']:.1f}" if sdk is not None else "not run"
            )
        extra = [row[k].get("max_extra_calls") for k in ("history", "no_history")]
        cells.append(", ".join("-" if e is None else f"{e:+d}" for e in extra))
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**mean**"]
    for key in ("history", "no_history"):
        cells.append(
            f"**{_s(statistics.fmean(r[key]['mean_lag'] for r in rows))}** / "
            f"{statistics.fmean(r[key]['mean_calls'] for r in rows):.1f}"
        )
        sdk = [r[key]["sdk_mean_lag"] for r in rows if "sdk_mean_lag" in r[key]]
        calls = [r[key]["sdk_mean_calls"] for r in rows if "sdk_mean_calls" in r[key]]
        cells.append(
            f"**{_s(statistics.fmean(sdk))}** / {statistics.fmean(calls):.1f}" if sdk else ""
        )
    cells.append("")
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def forecast_markdown(report: dict[str, Any]) -> str:
    """The forecast and simulated sections as Markdown (``--forecast-only``)."""
    forecast = report["forecast"]
    lines = [
        f"Run {report['date']} on {report['machine']}.",
        *(f"{note}" for note in report["notes"]),
        "",
        "## Restores without progress (the live-like default), beside SDK 7.3",
        "",
        (
            "The emulator's default: a running job is `Pending` with no `percent_complete` until "
            "`Completed`. Each restore lasts its length times a factor within 1 +- "
            f"{forecast['scatter']:.0%} (seeded; the SDK's restore gets the same draw), on the "
            "emulator's manual clock (both clients' sleeps move it, calls take no clock time). "
            f"History: {forecast['history']} earlier restores of the same backup. Lag: the create "
            "returned minus the job's `completed_at`. Calls: every API request (the package's "
            "include describing the backup, reading the history and describing the index after "
            "the job). Mean of the repeats per length."
        ),
        "",
        *_forecast_rows(report),
        "",
        "## Simulated (virtual time, 20 ms calls, 60 restores per length)",
        "",
        (
            "The same duration model; the package's schedule as the lifecycle builds it; "
            "mean lag and calls per restore length, and over all lengths."
        ),
        "",
        *_simulated_rows(report),
    ]
    return "\n".join(lines) + "\n"


def markdown(report: dict[str, Any]) -> str:
    """The results as the Markdown the README quotes."""
    budgets = report["set_budget"]
    pulumi_cli = report["pulumi_cli"]
    progress = report["lag"]["progress_supported"]
    lines = [
        (
            f"Run {report['date']} on {report['machine']}; each scenario {report['repeats']}x, "
            "min / median."
        ),
        *(f"{note}" for note in report["notes"]),
        "",
        "## Noticing a finished restore",
        "",
        (
            "Lag: the create returned minus the moment the restore was due (its job's `created_at`"
            " plus the restore time, on the emulator's clock). Calls: every API request of the "
            "create (this package's include reading the backup before and the index after)."
        ),
        (
            "The emulator ran with each `progress` setting named (`live`, its default: none "
            "until `Completed`; the others are opt-in curves the live service never shows)."
            if progress
            else "This emulator cannot change its `progress` (no `/_emulator/behaviour`): the "
            "package ran on the emulator's default."
        ),
        "",
        *_lag_rows(report),
        "",
        f"## Sets ({report['sets']['restore_seconds']:g} s restores)",
        "",
        (
            "The emulator runs in its own process here: a provider's member threads never share an "
            "interpreter with the service they call."
        ),
        "",
        *_set_rows(report),
        "",
        *(_budget_line(budget) for budget in budgets),
        "",
        "## Deadlines",
        "",
        *_deadline_lines(report),
        "",
        "## Engine",
        "",
        *_pulumi_cli_rows(pulumi_cli),
        "",
        "## Restores without progress: the forecast",
        "",
        *_forecast_rows(report),
        "",
        "## Simulated: the poll schedule against the SDK's loop (virtual time, 20 ms calls)",
        "",
        *_simulated_rows(report),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
