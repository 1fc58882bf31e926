"""Which files one ``RestoredIndex`` create runs through: the reading path of a create.

``python -m benchmarks.create_chain`` starts the emulator in a thread with a Ready backup, runs
one create through the dynamic provider's ``create`` (the door a Python program uses) with a
profiler on, and records every call entered in the package. It reports:

- the package files entered, in three groups: the *story* (the door, the lifecycle engine and
  the resource's declarations: what a reader reads top to bottom), the *services* it calls by
  name for one answer each (``runtime.py``: deadline and client; ``inputs.py``: the typed
  inputs; the restore history and forecast), and the *plumbing* under all of it (the HTTP
  client, wire models, errors, polling, settings, validation, connection);
- how often the story moves from one of its files to another (a jump a reader follows);
- the story itself: its files in order, consecutive calls in one file counted once.

Results go to ``benchmarks/results/create_chain.json`` and ``create_chain.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pulumi_pinecone_restore
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.settings import RetryPolicy

RESULTS = Path(__file__).parent / "results"
# Called by name for one answer each; a reader of the create need not open them.
SERVICES = frozenset(
    {
        "lifecycle/runtime.py",
        "lifecycle/inputs.py",
        "lifecycle/history.py",
        "forecast.py",
    }  # history.py: before 0.3
)
PACKAGE = Path(pulumi_pinecone_restore.__file__).parent
API_KEY = "create-chain-key"
# What a create stands on without being its story: the HTTP and wire layer, and the waiting.
PLUMBING = frozenset(
    {
        "client.py",
        "models.py",
        "errors.py",
        "polling.py",
        "settings.py",
        "validation.py",
        "connection.py",
    }
)


def _relative(filename: str) -> str | None:
    path = Path(filename)
    try:
        return str(path.relative_to(PACKAGE))
    except ValueError:
        return None


@contextmanager
def _calls(into: list[tuple[str, str]]) -> Iterator[None]:
    """Record ``(file, function)`` of every call entered in the package (emulator excluded)."""

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call":
            return
        where = _relative(frame.f_code.co_filename)
        if where is not None and not where.startswith("emulator/"):
            into.append((where, frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)


def measure() -> dict[str, Any]:
    """Run one create under the profiler; returns the files, jumps and path."""
    emulator = Emulator(api_key=API_KEY)
    emulator.seed_index(name="prod-search", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    calls: list[tuple[str, str]] = []
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server:
        provider = RestoredIndexProvider()
        provider.runtime = Runtime(
            config={"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
            sleep=lambda _s: None,
            retry=RetryPolicy(attempts=3, backoff_factor=0.0),
            progress=lambda _m: None,
        )
        checked = provider.check({}, {"backup_id": backup_id, "owner_seed": "org/proj/dev/idx"})
        with _calls(calls):
            provider.create(dict(checked.inputs))
    files = sorted({f for f, _ in calls})
    path: list[str] = []
    functions: dict[str, list[str]] = {}
    for where, name in calls:
        if where.split("/")[-1] in PLUMBING or where in SERVICES:
            continue
        if not path or path[-1] != where:
            path.append(where)
        seen = functions.setdefault(where, [])
        if name not in seen:
            seen.append(name)
    own = sorted(functions)
    services = sorted(SERVICES & set(files))
    return {
        "files": files,
        "own_files": own,
        "service_files": services,
        "plumbing_files": sorted(set(files) - set(own) - set(services)),
        "jumps": len(path) - 1,
        "path": path,
        "functions": functions,
    }


def _row(what: str, files: list[str], *, bold: bool = False) -> str:
    count = f"**{len(files)}**" if bold else str(len(files))
    return f"- {what}: {count} ({', '.join(files)})"


def markdown(report: dict[str, Any]) -> str:
    """The report as a page."""
    lines = [
        "# One RestoredIndex create, file by file",
        "",
        "`python -m benchmarks.create_chain`: one create through the dynamic provider against",
        "the emulator, every call into the package recorded.",
        "",
        f"- package files entered: {len(report['files'])}",
        _row("the story (read top to bottom)", report["own_files"], bold=True),
        _row("services it calls by name", report["service_files"]),
        _row("plumbing under it", report["plumbing_files"]),
        f"- jumps between the story's files: **{report['jumps']}**",
        "",
        "The story (consecutive calls in one file once):",
        "",
        " → ".join(report["path"]),
        "",
        "| file | functions entered, in order |",
        "|---|---|",
    ]
    lines += [f"| {f} | {', '.join(names)} |" for f, names in report["functions"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure and write ``benchmarks/results/create_chain.{json,md}`` (or ``--out``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.create_chain")
    parser.add_argument("--out", type=Path, default=RESULTS / "create_chain")
    args = parser.parse_args(argv)
    report = measure()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    sys.stdout.write(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
