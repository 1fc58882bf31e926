#!/usr/bin/env python3
"""Bootstrap a virtual environment and run the project's jobs.

Needs only Python 3.10+ and git. Every command first makes sure ``.venv`` exists and holds
this package with its ``dev`` extra, reinstalling only when ``pyproject.toml`` changed.

    python3 dev.py demo        # the main job: the demo stack against the local emulator
    python3 dev.py test        # the whole test suite, with ruff and mypy --strict
    python3 dev.py emulator    # run the emulator in the foreground (extra args pass through)
    python3 dev.py bench       # the benchmarks, results written to benchmarks/results/
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def _venv_python() -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    return VENV / sub / ("python.exe" if os.name == "nt" else "python")


def _bootstrap() -> Path:
    python = _venv_python()
    if not python.exists():
        print(f"dev.py: creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text(encoding="utf-8").strip() != digest:
        print("dev.py: installing the package and its dev extra (the first run takes minutes)",
              flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-e", f"{ROOT}[dev]"],
            check=True,
        )
        STAMP.write_text(digest, encoding="utf-8")
    return python


def _run(args: list[str]) -> int:
    return subprocess.run(args, cwd=ROOT, check=False).returncode


def _test(python: str, rest: list[str]) -> int:
    steps = (
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "mypy"],
        [python, "-m", "pytest", *rest],
    )
    for step in steps:
        print(f"dev.py: {' '.join(step[2:])}", flush=True)
        code = _run(step)
        if code != 0:
            return code
    return 0


JOBS = {
    "demo": lambda py, rest: _run([py, "-m", "pulumi_pinecone_restore.demo", *rest]),
    "emulator": lambda py, rest: _run([py, "-m", "pulumi_pinecone_restore.emulator.cli", *rest]),
    "bench": lambda py, rest: _run([py, "-m", "benchmarks", *rest]),
    "lint": lambda py, _rest: _run([py, "-m", "ruff", "check", "."]) or _run([py, "-m", "mypy"]),
    "test": _test,
}


def main(argv: list[str]) -> int:
    """Dispatch one job; returns its exit status."""
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    job = JOBS.get(argv[0])
    if job is None:
        print(f"dev.py: unknown job {argv[0]!r}; try 'python3 dev.py --help'", file=sys.stderr)
        return 2
    return int(job(str(_bootstrap()), argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
