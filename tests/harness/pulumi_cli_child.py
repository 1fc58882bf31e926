"""Run ``pulumi up`` on an existing test stack in a process of its own, so a test can kill it.

``python -m harness.pulumi_cli_child SPEC`` (with ``tests`` on ``PYTHONPATH``), where SPEC is
the JSON of :func:`spec`. Each line of the CLI's output is printed as it comes, flushed, so the
parent can read along and kill this process group at the moment it chooses.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from harness.pulumi_cli import PulumiStack, Workspace


def spec(stack: PulumiStack, program_file: Path, program_name: str) -> str:
    """The argument that makes this module run ``up`` on ``stack`` with that program."""
    workspace = stack.workspace
    return json.dumps(
        {
            "stack": stack.stack.name,
            "project": stack.stack.workspace.project_settings().name,
            "program": [str(program_file), program_name],
            "workspace": {
                "pulumi_cli": str(workspace.pulumi_cli),
                "work_dir": str(workspace.work_dir),
                "pulumi_home": str(workspace.pulumi_home),
                "backend": str(workspace.backend),
                "env": workspace.env,
            },
        }
    )


def main(argv: list[str]) -> int:
    """Open the stack the spec names and run ``pulumi up``; returns 0 when it succeeded."""
    loaded: dict[str, Any] = json.loads(argv[0])
    raw = loaded["workspace"]
    workspace = Workspace(
        pulumi_cli=Path(raw["pulumi_cli"]),
        work_dir=Path(raw["work_dir"]),
        pulumi_home=Path(raw["pulumi_home"]),
        backend=Path(raw["backend"]),
        env=raw["env"],
    )
    program_file, program_name = loaded["program"]
    program = runpy.run_path(program_file, run_name="pulumi_cli_child_program")[program_name]
    stack = auto.select_stack(
        loaded["stack"],
        project_name=loaded["project"],
        program=program,
        opts=workspace.options(),
    )
    stack.up(on_output=lambda line: print(line, flush=True))  # noqa: T201 - the parent reads it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
