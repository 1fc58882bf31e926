"""Real `pulumi up/preview/refresh/destroy` through the Automation API, where a CLI exists.

These run the restore-index example on a local file backend against the emulator. No Pulumi CLI
can be installed on this project's CI machines, so here they skip; on a machine with `pulumi` on
PATH they run as part of the suite.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi import automation as auto
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.settings import ClientSettings

pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(
        shutil.which("pulumi") is None,
        reason="needs the `pulumi` CLI on PATH (not installable on this machine); "
        "install it from https://www.pulumi.com/docs/install/ to run these",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "restore-index"

@pytest.fixture(name="stack")
def _stack(server: EmulatorServer, emulator: Emulator, tmp_path: Path) -> Iterator[auto.Stack]:
    emulator.seed_index(name="prod-search", dimension=8, tags={"env": "prod"})
    backup_id = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    env = {
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_CONFIG_PASSPHRASE": "test",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    stack = auto.create_or_select_stack(
        stack_name="test",
        work_dir=str(EXAMPLE),
        opts=auto.LocalWorkspaceOptions(env_vars=env, pulumi_home=str(tmp_path / "home")),
    )
    stack.set_config("pinecone:controllerHost", auto.ConfigValue(server.url))
    stack.set_config("pinecone:apiKey", auto.ConfigValue(API_KEY, secret=True))
    stack.set_config("backupId", auto.ConfigValue(backup_id))
    yield stack
    stack.destroy()
    stack.workspace.remove_stack("test")


def test_up_preview_refresh_destroy(stack: auto.Stack, server: EmulatorServer) -> None:
    """A real engine restores the index, previews no change, sees drift, and destroys it."""
    result = stack.up()
    name = result.outputs["name"].value
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    assert client.describe_index(name).state == "Ready"
    assert API_KEY not in str(stack.export_stack().deployment)
    preview = stack.preview()
    assert preview.change_summary.get(auto.OpType.SAME, 0) >= 1
    changing = {auto.OpType.CREATE, auto.OpType.UPDATE, auto.OpType.REPLACE, auto.OpType.DELETE}
    assert not changing & set(preview.change_summary)
    client.delete_index(name)
    stack.refresh()
    assert stack.preview().change_summary.get(auto.OpType.CREATE) == 1
