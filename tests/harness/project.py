"""A Pulumi project folder run with the real CLI, as a user runs it (``pulumi up`` in the folder).

The folder is copied into the test's directory; every command runs there with a local file
backend, a private ``PULUMI_HOME``, and PATH holding the engine's ``bin`` directory (the CLI and
the YAML language host) and this interpreter's scripts directory (where ``pip install`` put
``pulumi-resource-pinecone-restore``). Each command writes the engine's event log, so a test reads
the steps and the diagnostics (with the URN of the resource they are attached to) from it.

Exception tree::

    CommandFailedError  a pulumi command exited non-zero when it was expected to succeed
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

PASSPHRASE = "project-tests"
COMMAND_TIMEOUT = 300.0


class CommandFailedError(Exception):
    """Raised when a ``pulumi`` command that had to succeed failed; carries its output."""


@attrs.frozen
class Diagnostic:
    """One diagnostic event: the line the CLI shows, and the resource row it belongs to."""

    severity: str
    message: str
    urn: str


@attrs.frozen
class CommandRun:
    """One ``pulumi`` command: exit status, output, and its engine events."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    events: tuple[dict[str, Any], ...]

    def steps(self) -> list[tuple[str, str]]:
        """``(op, resource name)`` of each step started, in order (the stack itself left out)."""
        found = []
        if self.args[0] == "preview":
            # `pulumi preview` writes no event log; its --json output lists the steps.
            return [
                (step["op"], step["urn"].rsplit("::", 1)[-1])
                for step in json.loads(self.stdout or "{}").get("steps", [])
                if "::pulumi:pulumi:Stack::" not in step["urn"]
            ]
        for event in self.events:
            pre = event.get("resourcePreEvent")
            if pre is None:
                continue
            metadata = pre["metadata"]
            if metadata["type"] != "pulumi:pulumi:Stack":
                found.append((metadata["op"], metadata["urn"].rsplit("::", 1)[-1]))
        return found

    def ops_of(self, name: str) -> list[str]:
        """The ops of the steps on resource ``name``."""
        return [op for op, resource in self.steps() if resource == name]

    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic event (of a preview: its --json diagnostics)."""
        if self.args[0] == "preview":
            return [
                Diagnostic(d.get("severity", ""), d.get("message", ""), d.get("urn", ""))
                for d in json.loads(self.stdout or "{}").get("diagnostics", [])
            ]
        return [
            Diagnostic(d.get("severity", ""), d.get("message", ""), d.get("urn", ""))
            for d in (e.get("diagnosticEvent") for e in self.events)
            if d is not None
        ]

    @property
    def text(self) -> str:
        """Everything the command said (stdout, stderr and events)."""
        return "\n".join([self.stdout, self.stderr, *map(json.dumps, self.events)])


def plugin_dir() -> Path:
    """The directory of ``pulumi-resource-pinecone-restore`` (this interpreter's scripts)."""
    return Path(sys.executable).parent


@attrs.define
class ProjectFolder:
    """A copy of a project folder and the environment its ``pulumi`` commands run in.

    Args:
        engine: The engine's ``bin`` directory (``pulumi``, ``pulumi-language-yaml``).
        source: The project folder to copy (e.g. ``examples/yaml-restore-index``).
        workdir: The test's directory (folder copy, backend and PULUMI_HOME go there).
        env: Extra environment variables for every command.
    """

    engine: Path
    folder: Path
    env: dict[str, str]
    runs: list[CommandRun] = attrs.field(factory=list)

    @classmethod
    def copy(
        cls, engine: Path, source: Path, workdir: Path, env: Mapping[str, str] | None = None
    ) -> ProjectFolder:
        """Copy ``source`` into ``workdir`` and prepare its environment."""
        folder = workdir / source.name
        shutil.copytree(source, folder)
        (workdir / "backend").mkdir(exist_ok=True)
        (workdir / "home").mkdir(exist_ok=True)
        base = {k: os.environ[k] for k in ("HOME", "LANG", "TMPDIR") if k in os.environ}
        scale = os.environ.get("PINECONE_RESTORE_POLL_SCALE")
        full = {
            **base,
            "PATH": os.pathsep.join([str(engine), str(plugin_dir()), "/usr/bin", "/bin"]),
            "PULUMI_HOME": str(workdir / "home"),
            "PULUMI_BACKEND_URL": f"file://{workdir / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DEBUG_COMMANDS": "true",  # enables --event-log (as the Automation API does)
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            **({"PINECONE_RESTORE_POLL_SCALE": scale} if scale else {}),
            **(env or {}),
        }
        return cls(engine=engine, folder=folder, env=full)

    def pulumi(self, *args: str, check: bool = True, stdin: str | None = None) -> CommandRun:
        """Run ``pulumi <args>`` in the folder, with an event log.

        Raises:
            CommandFailedError: ``check`` and the command failed.
        """
        log = self.folder.parent / f"events-{len(self.runs)}.jsonl"
        wants_log = args[0] in {"up", "refresh", "destroy", "import"}
        full = [str(self.engine / "pulumi"), *args]
        if wants_log:
            full += ["--event-log", str(log)]
        elif args[0] == "preview":
            full += ["--json", "--show-sames"]
        done = subprocess.run(  # noqa: S603 - the engine's CLI with this test's arguments
            full,
            cwd=self.folder,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT,
        )
        events: list[dict[str, Any]] = []
        if wants_log and log.exists():
            events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        run = CommandRun(tuple(args), done.returncode, done.stdout, done.stderr, tuple(events))
        self.runs.append(run)
        if check and done.returncode != 0:
            raise CommandFailedError(
                f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return run

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``pulumi <args>`` in the folder without waiting (its stdout is a pipe)."""
        return subprocess.Popen(  # noqa: S603 - the engine's CLI with this test's arguments
            [str(self.engine / "pulumi"), *args],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def config(self, key: str, value: str, *, secret: bool = False) -> None:
        """``pulumi config set [--secret] key value``."""
        self.pulumi("config", "set", *(["--secret"] if secret else []), key, value)

    def preview(self, *extra: str, check: bool = True) -> CommandRun:
        """``pulumi preview``."""
        return self.pulumi("preview", *extra, check=check)

    def up(self, *extra: str, check: bool = True) -> CommandRun:
        """``pulumi up --yes --skip-preview``."""
        return self.pulumi("up", "--yes", "--skip-preview", *extra, check=check)

    def refresh(self) -> CommandRun:
        """``pulumi refresh --yes --skip-preview``."""
        return self.pulumi("refresh", "--yes", "--skip-preview")

    def destroy(self, *extra: str, check: bool = True) -> CommandRun:
        """``pulumi destroy --yes --skip-preview``."""
        return self.pulumi("destroy", "--yes", "--skip-preview", *extra, check=check)

    def outputs(self) -> dict[str, Any]:
        """``pulumi stack output --json --show-secrets``."""
        run = self.pulumi("stack", "output", "--json", "--show-secrets")
        loaded = json.loads(run.stdout or "{}")
        assert isinstance(loaded, dict)
        return loaded

    def resources(self, type_: str = "") -> list[dict[str, Any]]:
        """The resources of ``pulumi stack export`` whose type is ``type_`` (all when empty)."""
        exported = json.loads(self.pulumi("stack", "export").stdout)
        found = exported["deployment"].get("resources") or []
        return [r for r in found if not type_ or r["type"] == type_]

    def write(self, name: str, text: str) -> None:
        """Replace a file of the folder (a user editing the program)."""
        (self.folder / name).write_text(text, encoding="utf-8")

    def everything_said(self, extra: Sequence[str] = ()) -> str:
        """Every command's output and events, and the backend's files, as one string."""
        backend = self.folder.parent / "backend"
        files = [p.read_text(errors="replace") for p in backend.rglob("*") if p.is_file()]
        return "\n".join([*(run.text for run in self.runs), *files, *extra])
