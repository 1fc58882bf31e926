"""``benchmarks/create_chain.py``: the files one create runs through, measured, not assumed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_create_chain_is_measured(tmp_path: Path) -> None:
    """One create's story runs door → engine → declarations; services and plumbing are apart."""
    out = tmp_path / "chain"
    subprocess.run(  # noqa: S603 - this interpreter running the repository's benchmark
        [sys.executable, "-m", "benchmarks.create_chain", "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["path"][0] == "providers/base.py"
    assert {"lifecycle/engine.py", "lifecycle/restore.py"} <= set(report["own_files"])
    assert "client.py" in report["plumbing_files"]
    assert report["jumps"] == len(report["path"]) - 1
    assert len(report["own_files"]) <= 5  # issue 15: one create reads in at most five files
