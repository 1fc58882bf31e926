"""The real CLI loads the plugin's schema through GetSchema and binds it without errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from harness.project import plugin_dir

from pulumi_pinecone_restore.plugin.schema import build_schema

pytestmark = pytest.mark.pulumi_cli


def test_pulumi_package_get_schema_binds_the_plugins_schema(
    pulumi_cli: Path, tmp_path: Path
) -> None:
    """`pulumi package get-schema` (it binds with pkg/v3/codegen/schema) exits 0 with our schema."""
    plugin = plugin_dir() / "pulumi-resource-pinecone-restore"
    done = subprocess.run(  # noqa: S603 - the engine's CLI with a fixed argument list
        [str(pulumi_cli / "pulumi"), "package", "get-schema", str(plugin)],
        env={
            "PATH": f"{pulumi_cli}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PULUMI_HOME": str(tmp_path / "home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "failed to bind" not in done.stderr
    assert json.loads(done.stdout) == build_schema()
