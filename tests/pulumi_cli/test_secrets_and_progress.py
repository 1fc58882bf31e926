"""What the person running ``pulumi up`` sees: progress lines, and never the API key.

The key is set the way the README says, as the secret stack config ``pinecone:apiKey``; it is the
canary searched for in ``pulumi stack export``, every engine event, the CLI's output, the
backend's files and the stack's config file.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from harness.pulumi_cli import MakeStack
from pulumi import automation as auto
from support import API_KEY

from pulumi_pinecone_restore import RestoredIndex
from pulumi_pinecone_restore.emulator import Emulator

pytestmark = pytest.mark.pulumi_cli


def program() -> None:
    """One restored index, the backup from config."""
    index = RestoredIndex("idx", backup_id=pulumi.Config().require("backupId"), tags={"env": "qa"})
    pulumi.export("name", index.name)


def test_progress_lines_show_during_up(make_stack: MakeStack, emulator: Emulator) -> None:
    """The restore's progress reaches the CLI as stderr info diagnostics attached to no resource."""
    emulator.seed_index(name="prod", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    stack = make_stack("progress", program, {"backupId": backup_id})
    up, run = stack.up()
    name = up.outputs["name"].value

    lines = {d.message.strip(): d for d in run.diagnostics()}
    started = next(m for m in lines if m.startswith(f"RestoredIndex {name}: started restore job"))
    ready = f"RestoredIndex {name}: ready at {name}-"
    assert any(m.startswith(ready) for m in lines)
    # The provider is never told its URN: the lines carry none, and the CLI shows them under
    # the stack. They are the plugin's stderr, relayed as `info#err`.
    assert lines[started].urn is None
    assert lines[started].severity == "info#err"
    assert started in up.stdout
    stack.destroy()


def test_api_key_appears_nowhere(make_stack: MakeStack, emulator: Emulator) -> None:
    """Up, preview, refresh, a failed restore and destroy leave no trace of the key."""
    emulator.seed_index(name="prod", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    stack = make_stack("secrets", program, {"backupId": backup_id})
    stack.up()
    stack.preview()
    stack.refresh()
    stack.stack.set_config("secrets:backupId", auto.ConfigValue("no-such-backup"))
    with pytest.raises(auto.CommandError) as info:
        stack.up()
    assert "no-such-backup" in str(info.value)
    stack.destroy()

    assert API_KEY not in stack.everything_said()
    assert API_KEY not in str(info.value)
    assert API_KEY not in stack.backend_files()
    workspace = Path(stack.stack.workspace.work_dir)
    config_files = "".join(path.read_text() for path in workspace.glob("Pulumi*.yaml"))
    assert "secure:" in config_files
    assert API_KEY not in config_files
