"""A `pulumi up` killed mid-restore, then what a user does: the README's recovery recipe.

The CLI and its plugin are killed (as when a CI job is cancelled or a laptop dies) while the
restore job is still running on Pinecone's side. The state is left locked, with a pending
create. The recipe: ``pulumi cancel`` (the CLI's own advice for the lock),
``pulumi refresh --clear-pending-creates`` (what the CLI's warning about the pending create
advises), ``pulumi up``. The up adopts the running restore (the index's name answers 409, and
the job is this backup's into this name), so there is exactly one index and no second restore.
A user who runs ``pulumi up`` straight after ``pulumi cancel`` gets the same single index, but
the stale pending create stays in state, and every run warns about it until the refresh clears
it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import attrs
import pulumi
import pytest
from harness.pulumi_cli import MakeStack
from harness.pulumi_cli_child import spec
from pulumi import automation as auto
from support import FAST_TIMINGS

from pulumi_pinecone_restore import RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, Timing

pytestmark = [
    pytest.mark.pulumi_cli,
    pytest.mark.skipif(
        not Path("/proc/self/stat").exists(),
        reason="finds the CLI's processes through /proc (Linux)",
    ),
]
NEVER = Timing(reads=10**9)
TESTS = Path(__file__).resolve().parents[1]


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the CLI, and the plugin it started)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def program() -> None:
    """One restored index, auto-named, the backup from config."""
    index = RestoredIndex("idx", backup_id=pulumi.Config().require("backupId"))
    pulumi.export("name", index.name)


@pytest.mark.parametrize("clear_first", [False, True], ids=["cancel-up", "cancel-refresh-up"])
def test_killed_up_recovers_to_exactly_one_index(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient, clear_first: bool
) -> None:
    """Kill mid-restore; cancel, (refresh --clear-pending-creates,) up: one index, one restore."""
    emulator.seed_index(name="prod", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    stack = make_stack("interrupted", program, {"backupId": backup_id})
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=NEVER))

    # `pulumi up` in a process group of its own, read until the restore has started.
    child = subprocess.Popen(  # noqa: S603 - this interpreter, a module of the test harness
        [sys.executable, "-m", "harness.pulumi_cli_child", spec(stack, Path(__file__), "program")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    assert child.stdout is not None
    seen = []
    for line in child.stdout:
        seen.append(line)
        if "started restore job" in line:
            break
    assert "started restore job" in seen[-1], "".join(seen)
    # Kill everything at once, as when a CI job is cancelled: the program, CLI and plugin.
    for pid in [child.pid, *descendants(child.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    child.wait(60)
    child.stdout.close()
    pending = stack.deployment().get("pending_operations") or []
    assert [op["type"] for op in pending] == ["creating"]
    # The job is described, not listed: like the live service, the emulator leaves a new job
    # out of its first listing, and that listing is left for the next `pulumi up` to meet.
    job = client.describe_restore_job(seen[-1].split("started restore job ", 1)[1].split()[0])
    assert job.status not in {"Completed", "Failed", "Cancelled"}

    # The restore finishes on Pinecone's side whatever happens to the CLI.
    emulator.set_timings(FAST_TIMINGS)
    with pytest.raises(auto.CommandError) as locked:
        stack.up()
    assert "pulumi cancel" in str(locked.value)
    stack.stack.cancel()
    if clear_first:
        stack.refresh(clear_pending_creates=True)
        assert not stack.deployment().get("pending_operations")

    result, run = stack.up()
    assert run.ops_of("idx") == ["create"]
    # Without the refresh, the up warns about the pending create and says how to clear it;
    # the stale entry stays in state (and every run warns) until that refresh clears it.
    warned = any("pending operations" in d.message for d in run.diagnostics())
    assert warned is not clear_first
    if not clear_first:
        assert stack.deployment().get("pending_operations")
        stack.refresh(clear_pending_creates=True)
    assert not stack.deployment().get("pending_operations")
    (state,) = stack.resources("RestoredIndex")
    # The adopted restore is recorded, though the up's first job listing left the job out.
    assert state["outputs"]["restore_job_id"] == job.restore_job_id
    assert any(f"resuming restore job {job.restore_job_id}" in d.message for d in run.diagnostics())
    name = result.outputs["name"].value
    assert {i.name for i in client.list_indexes()} == {"prod", name}
    assert [j.restore_job_id for j in client.iter_restore_jobs()] == [job.restore_job_id]
    assert client.describe_index(name).state == "Ready"
    stack.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod"}
