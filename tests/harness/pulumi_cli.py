"""The real Pulumi engine behind a small test API: inline programs on a local file backend.

``python3 dev.py engine`` builds (or finds) the Pulumi CLI and puts its ``bin`` directory in
``PULUMI_PINECONE_RESTORE_PULUMI_CLI``; ``python3 dev.py test`` passes it to pytest. The CLI serves
dynamic providers through the ``pulumi-resource-pulumi-python`` launcher beside it, which runs
``python -m pulumi.dynamic`` with this interpreter (``PULUMI_PYTHON_CMD``).

Programs run as Automation API *inline* programs: the Python language host that a
``Pulumi.yaml`` stack program needs is not served by the Go module proxy, and an inline program
needs only the CLI (this process serves the program to the engine). Every run keeps the engine's
events and the CLI's output, so a test can read the step order, the diagnostics, and check that
a secret never appears.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
from pulumi import automation as auto

PULUMI_CLI_ENV = "PULUMI_PINECONE_RESTORE_PULUMI_CLI"
OLD_ENV = "PULUMI_PINECONE_RESTORE_ENGINE"  # its name before 0.3, still honoured
PASSPHRASE = "pulumi-cli-tests"
_T = TypeVar("_T")


def find_pulumi_cli() -> tuple[Path | None, str]:
    """The Pulumi CLI's ``bin`` directory, or ``None`` and the reason there is none."""
    configured = os.environ.get(PULUMI_CLI_ENV) or os.environ.get(OLD_ENV)
    if configured == "skip":
        return None, f"{PULUMI_CLI_ENV}=skip: the real-Pulumi tests were turned off"
    if configured:
        bin_dir = Path(configured)
        if (bin_dir / "pulumi").exists():
            return bin_dir, ""
        return None, f"{PULUMI_CLI_ENV}={configured} holds no `pulumi`"
    found = shutil.which("pulumi")
    if found and (Path(found).parent / "pulumi-resource-pulumi-python").exists():
        return Path(found).parent, ""
    return None, (
        f"no Pulumi CLI: {PULUMI_CLI_ENV} is unset and no `pulumi` on PATH; `python3 dev.py test` "
        "builds one when Go is on PATH (or run `python3 dev.py pulumi-cli` and set "
        f"{PULUMI_CLI_ENV} to the directory it prints)"
    )


def to_text(value: Any) -> str:
    """Everything in ``value`` (an event, a deployment, ...) as one string, to search."""
    return json.dumps(value, default=lambda o: getattr(o, "__dict__", str(o)), sort_keys=True)


@attrs.define
class Run:
    """What one engine operation left behind: its events and the CLI's output."""

    events: list[auto.EngineEvent] = attrs.field(factory=list)
    output: list[str] = attrs.field(factory=list)

    def steps(self) -> list[tuple[str, str]]:
        """``(op, resource name)`` of each step the engine started, in event order."""
        steps = []
        for event in self.events:
            pre = event.resource_pre_event
            if pre is not None:
                steps.append((str(pre.metadata.op.value), pre.metadata.urn.rsplit("::", 1)[-1]))
        return steps

    def ops_of(self, name: str) -> list[str]:
        """The ops of the steps on resource ``name``, in order."""
        return [op for op, resource in self.steps() if resource == name]

    def diagnostics(self) -> list[auto.DiagnosticEvent]:
        """The diagnostic events (messages the engine shows under *Diagnostics*)."""
        return [e.diagnostic_event for e in self.events if e.diagnostic_event is not None]


@attrs.frozen
class Workspace:
    """Where a test stack lives, enough to open it again from another process."""

    pulumi_cli: Path
    work_dir: Path
    pulumi_home: Path
    backend: Path
    env: dict[str, str]

    def options(self) -> auto.LocalWorkspaceOptions:
        """The Automation API options of this workspace."""
        return auto.LocalWorkspaceOptions(
            work_dir=str(self.work_dir),
            env_vars=self.env,
            pulumi_home=str(self.pulumi_home),
            pulumi_command=auto.PulumiCommand(root=str(self.pulumi_cli.parent)),
        )


@attrs.define
class PulumiStack:
    """An Automation API stack on a file backend, with every run's events and output kept."""

    stack: auto.Stack
    workspace: Workspace
    runs: list[Run] = attrs.field(factory=list)

    @property
    def backend(self) -> Path:
        """The file backend's directory."""
        return self.workspace.backend

    def _observed(self, command: Callable[..., _T], **kwargs: Any) -> tuple[_T, Run]:
        # Every command's events and output land in a new Run, kept in ``runs``.
        run = Run()
        self.runs.append(run)
        result = command(on_event=run.events.append, on_output=run.output.append, **kwargs)
        return result, run

    def preview(self, **kwargs: Any) -> tuple[auto.PreviewResult, Run]:
        """``pulumi preview``."""
        return self._observed(self.stack.preview, **kwargs)

    def up(self, **kwargs: Any) -> tuple[auto.UpResult, Run]:
        """``pulumi up --yes --skip-preview``."""
        return self._observed(self.stack.up, **kwargs)

    def refresh(self, **kwargs: Any) -> tuple[auto.RefreshResult, Run]:
        """``pulumi refresh --yes``."""
        return self._observed(self.stack.refresh, **kwargs)

    def destroy(self, **kwargs: Any) -> tuple[auto.DestroyResult, Run]:
        """``pulumi destroy --yes``."""
        return self._observed(self.stack.destroy, **kwargs)

    def deployment(self) -> dict[str, Any]:
        """``pulumi stack export``: the deployment (``resources``, ``pending_operations``...)."""
        deployment = self.stack.export_stack().deployment
        assert isinstance(deployment, dict)
        return deployment

    def exported(self) -> str:
        """``pulumi stack export`` as the CLI prints it (secrets as ciphertext, unlike the API)."""
        workspace = self.workspace
        done = subprocess.run(  # noqa: S603 - the engine under test, fixed arguments
            [str(workspace.pulumi_cli / "pulumi"), "stack", "export", "--stack", self.stack.name],
            cwd=workspace.work_dir,
            env={**os.environ, **workspace.env, "PULUMI_HOME": str(workspace.pulumi_home)},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def resources(self, type_suffix: str = "") -> list[dict[str, Any]]:
        """The exported resources whose type ends with ``type_suffix``."""
        found = self.deployment().get("resources") or []
        return [r for r in found if str(r.get("type", "")).endswith(type_suffix)]

    def everything_said(self) -> str:
        """Every event and CLI line of every run, and the exported state, as one string."""
        parts = [to_text(self.deployment())]
        for run in self.runs:
            parts.extend(to_text(event) for event in run.events)
            parts.extend(run.output)
        return "\n".join(parts)

    def backend_files(self) -> str:
        """The text of every file the file backend wrote (state, history, backups)."""
        return "\n".join(
            path.read_text(errors="replace") for path in self.backend.rglob("*") if path.is_file()
        )


def change_counts(summary: Mapping[Any, int]) -> dict[str, int]:
    """A change summary (``OpType`` or string keys) as ``{"create": 2, ...}`` without zeros."""
    return {str(getattr(op, "value", op)): count for op, count in summary.items() if count}


def new_stack(
    pulumi_cli: Path,
    workdir: Path,
    project: str,
    program: Callable[[], None],
    config: Mapping[str, Any],
    *,
    secrets: Iterable[str] = ("pinecone:apiKey",),
    stack_name: str = "dev",
) -> PulumiStack:
    """A new stack of ``project`` running ``program`` inline, with ``config`` set.

    Args:
        pulumi_cli: The ``bin`` directory of the CLI and the launcher.
        workdir: A directory of the test's own (the backend and PULUMI_HOME go there).
        project: The project name (the namespace of ``pulumi.Config()``).
        program: The inline program.
        config: Stack config, full keys (``pinecone:apiKey``, ``<project>:<key>``); dicts and
            lists are set as JSON.
        secrets: Keys of ``config`` set as secrets.
        stack_name: The stack name.

    Returns:
        The stack, config set.
    """
    backend = workdir / "backend"
    backend.mkdir(parents=True, exist_ok=True)
    (workdir / "project").mkdir(exist_ok=True)
    workspace = Workspace(
        pulumi_cli=pulumi_cli,
        work_dir=workdir / "project",
        pulumi_home=workdir / "home",
        backend=backend,
        env={
            "PULUMI_BACKEND_URL": f"file://{backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            # Everything the engine needs is beside it; never reach out for a plugin.
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            "PATH": f"{pulumi_cli}{os.pathsep}{os.environ.get('PATH', '')}",
            # The launcher runs `-m pulumi.dynamic` with this interpreter (it has the package).
            "PULUMI_PYTHON_CMD": sys.executable,
            # Pulumi's own launcher (beside an installed CLI) reads the virtualenv instead.
            **({"PULUMI_RUNTIME_VIRTUALENV": sys.prefix} if sys.prefix != sys.base_prefix else {}),
        },
    )
    stack = auto.create_stack(
        stack_name,
        project_name=project,
        program=program,
        opts=workspace.options(),
    )
    secret_keys = set(secrets)
    stack.set_all_config(
        {
            key: auto.ConfigValue(
                json.dumps(value) if isinstance(value, (dict, list, bool)) else str(value),
                secret=key in secret_keys,
            )
            for key, value in config.items()
        }
    )
    return PulumiStack(stack, workspace)


#: The ``make_stack`` fixture: ``make_stack(project, program, config=None)``.
MakeStack = Callable[..., PulumiStack]
