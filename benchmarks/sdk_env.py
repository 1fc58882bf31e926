"""Find a Python that has the official ``pinecone`` 7.3 SDK, for ``sdk_restore.py``.

In order: ``$PINECONE_SDK_PYTHON``; the floor/SDK environment ``python3 dev.py sdk-env`` makes
(when this checkout's dev.py has that job; it prints the interpreter last); else a virtual
environment with only ``pinecone==7.3.0`` under ``$XDG_CACHE_HOME`` (``~/.cache``), made once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Mapping
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
SDK_PIN = "pinecone==7.3.0"
ENV_VAR = "PINECONE_SDK_PYTHON"


@attrs.frozen
class SdkPython:
    """An interpreter with the SDK, and how it was found (for the results' notes)."""

    python: str
    how: str


def _has_sdk(python: str) -> bool:
    probe = "import pinecone, sys; sys.exit(0 if pinecone.__version__.startswith('7.3') else 1)"
    done = subprocess.run(  # noqa: S603 - a fixed probe, run by the interpreter asked about
        [python, "-c", probe], check=False, capture_output=True
    )
    return done.returncode == 0


def _from_dev_py() -> str | None:
    dev = ROOT / "dev.py"
    if "sdk-env" not in dev.read_text(encoding="utf-8"):
        return None
    done = subprocess.run(  # noqa: S603 - this checkout's own dev.py
        [sys.executable, str(dev), "sdk-env"], cwd=ROOT, check=False, capture_output=True, text=True
    )
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return lines[-1] if done.returncode == 0 and lines else None


def _cached_venv(environ: Mapping[str, str]) -> str:
    cache = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    where = cache / "pulumi-pinecone-restore" / "sdk-7.3-venv"
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(where)
    if not _has_sdk(str(python)):
        subprocess.run(  # noqa: S603 - pip of the venv made just above, a pinned package
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                SDK_PIN,
            ],
            check=True,
        )
    return str(python)


def find_sdk_python(environ: Mapping[str, str] = os.environ) -> SdkPython:
    """An interpreter that imports ``pinecone`` 7.3.

    Raises:
        RuntimeError: ``$PINECONE_SDK_PYTHON`` is set but lacks the SDK.
    """
    given = environ.get(ENV_VAR)
    if given:
        if not _has_sdk(given):
            raise RuntimeError(f"{ENV_VAR}={given} cannot import pinecone 7.3")
        return SdkPython(given, f"${ENV_VAR}")
    from_dev = _from_dev_py()
    if from_dev and _has_sdk(from_dev):
        return SdkPython(from_dev, "python3 dev.py sdk-env")
    return SdkPython(_cached_venv(environ), f"a cached venv with {SDK_PIN}")
