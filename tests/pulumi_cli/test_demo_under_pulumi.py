"""``python3 dev.py demo`` with an engine: the demo stack under the real `pulumi up`."""

from __future__ import annotations

from pathlib import Path

import pytest
import run_demo as demo

pytestmark = pytest.mark.pulumi_cli


def test_demo_runs_the_stack_under_the_engine(
    pulumi_cli: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Up with outputs, a no-change preview, refresh and destroy, on a file backend."""
    monkeypatch.setenv(demo.PULUMI_CLI_ENV, str(pulumi_cli))
    assert demo.main(["--restore-seconds", "0.2", "--state", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"under the Pulumi engine {pulumi_cli / 'pulumi'}" in out
    assert "RestoredIndex stg-products: ready at" in out
    assert "staging_names" in out
    assert "plan: 4 same" in out
    assert "refresh: 4 same" in out
    assert "destroy: 4 delete" in out
    assert (tmp_path / "backend" / ".pulumi").is_dir()
