"""Replacing and destroying a protected index, and final backups, under the real engine.

A replacement of an index protected in the state fails at preview (the diff), before any restore
starts, naming two ways out; each way is then taken and works. A stack stranded by an older
version (new index made, the protected old one left pending-delete) recovers with one
`pulumi up` after setting force_destroy. ``final_backup`` backs an index up before a replacement
or a destroy deletes it, reports the backup's id, and stops the delete when the backup fails.
"""

from __future__ import annotations

import re

import pulumi
import pytest
from harness.pulumi_cli import MakeStack, PulumiStack, Run
from pulumi import automation as auto

from pulumi_pinecone_restore import RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, FaultRule

pytestmark = pytest.mark.pulumi_cli

PROJECT = "guarded"
CREATE_FIRST = ["create-replacement", "replace", "delete-replaced"]
REPORTED = re.compile(r"final backup (\S+) \((\S+)\) is Ready")


def program() -> None:
    """One restored index; backup, protection, force_destroy and final_backup from config."""
    config = pulumi.Config()
    final = config.get("finalBackup")
    index = RestoredIndex(
        "idx",
        backup_id=config.require("backupId"),
        deletion_protection=config.get("deletionProtection"),
        force_destroy=config.get_bool("forceDestroy"),
        final_backup=True if final == "true" else final,
    )
    pulumi.export("name", index.name)


def backups(emulator: Emulator) -> tuple[str, str]:
    """Two Ready backups of one prod index."""
    emulator.seed_index(name="prod", dimension=8)
    first = emulator.seed_backup(source_index_name="prod", name="first")
    second = emulator.seed_backup(source_index_name="prod", name="second")
    return str(first["backup_id"]), str(second["backup_id"])


def configure(stack: PulumiStack, **values: str | None) -> None:
    """Set (a value) or remove (``None``) project config keys."""
    for key, value in values.items():
        if value is None:
            stack.stack.remove_config(f"{PROJECT}:{key}")
        else:
            stack.stack.set_config(f"{PROJECT}:{key}", auto.ConfigValue(value))


def indexes(client: ControlPlaneClient) -> set[str]:
    """The names of the project's indexes, the prod source left out."""
    return {i.name for i in client.list_indexes()} - {"prod"}


def reported(run: Run) -> list[tuple[str, str]]:
    """``(backup id, name)`` of each final backup the engine's log reports as Ready."""
    return [
        (m.group(1), m.group(2)) for d in run.diagnostics() for m in REPORTED.finditer(d.message)
    ]


def test_protected_replacement_fails_at_preview_and_both_ways_out_work(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Refused before any restore; force_destroy in one program, or unprotecting first, works."""
    first, second = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "deletionProtection": "enabled"})
    up, _ = stack.up()
    old = up.outputs["name"].value

    configure(stack, backupId=second)
    for attempt in (stack.preview, stack.up):
        emulator.reset_requests()
        with pytest.raises(auto.CommandError) as info:
            attempt()
        said = str(info.value)
        assert "force_destroy=True" in said
        assert 'deletion_protection="disabled"' in said
        assert not [r for r in emulator.request_counts() if r.startswith("POST")]
    assert indexes(client) == {old}

    # Way 1: force_destroy in the same program as the backup change (and a final backup).
    configure(stack, forceDestroy="true", finalBackup="true")
    up, run = stack.up()
    assert run.ops_of("idx") == CREATE_FIRST
    new = up.outputs["name"].value
    assert indexes(client) == {new}
    ((backup_id, backup_name),) = reported(run)
    backup = client.describe_backup(backup_id)
    assert (backup.source_index_name, backup.name, backup.status) == (old, backup_name, "Ready")

    # Way 2: deletion protection disabled by its own `pulumi up`, then the backup changed.
    configure(stack, forceDestroy=None, finalBackup=None, deletionProtection="disabled")
    _, run = stack.up()
    assert run.ops_of("idx") == ["update"]
    configure(stack, backupId=first)
    up, run = stack.up()
    assert run.ops_of("idx") == CREATE_FIRST
    assert indexes(client) == {up.outputs["name"].value}
    stack.destroy()
    assert indexes(client) == set()


def protect_in_state(stack: PulumiStack, pending: str) -> None:
    """Make the state show the pending-delete index protected, as an older release left it."""
    exported = stack.stack.export_stack()
    assert isinstance(exported.deployment, dict)
    for resource in exported.deployment["resources"]:
        if resource.get("delete") and resource.get("id") == pending:
            resource["outputs"]["deletion_protection"] = "enabled"
            resource["inputs"]["deletion_protection"] = "enabled"
    stack.stack.import_stack(exported)


def test_stranded_stack_recovers_with_one_up(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A protected old index left pending-delete goes with the up that sets force_destroy."""
    first, second = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first})
    up, _ = stack.up()
    old = up.outputs["name"].value
    # Protection turned on outside Pulumi: the state does not show it, so the diff lets the
    # replacement through, and its delete strands the old index; the state is then edited to
    # show the protection, as an older release (which let such replacements through) left it.
    client.configure_index(old, deletion_protection="enabled")
    configure(stack, backupId=second)
    with pytest.raises(auto.CommandError, match="deletion protection enabled"):
        stack.up()
    stranded = [r for r in stack.resources("RestoredIndex") if r.get("delete")]
    assert [r["id"] for r in stranded] == [old]
    assert len(indexes(client)) == 2  # the new index and the stranded old one
    protect_in_state(stack, old)
    stranded = [r for r in stack.resources("RestoredIndex") if r.get("delete")]
    assert [r["outputs"]["deletion_protection"] for r in stranded] == ["enabled"]

    configure(stack, forceDestroy="true")
    up, run = stack.up()
    assert run.ops_of("idx") == ["update", "delete-replaced"]
    assert indexes(client) == {up.outputs["name"].value}
    assert [r["id"] for r in stack.resources("RestoredIndex")] == [up.outputs["name"].value]
    stack.destroy()


def test_final_backup_on_destroy(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Destroy backs up first and reports the id; a failed backup stops it; names never collide."""
    first, _ = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "finalBackup": "keep"})
    taken: list[tuple[str, str]] = []
    for _ in range(2):
        up, _ = stack.up()
        name = up.outputs["name"].value
        _, run = stack.destroy()
        ((backup_id, backup_name),) = reported(run)
        assert backup_name.startswith("keep-")
        assert client.describe_backup(backup_id).source_index_name == name
        taken.append((backup_id, backup_name))
    assert len({b for b, _ in taken}) == len({n for _, n in taken}) == len(taken)

    up, _ = stack.up()
    name = up.outputs["name"].value
    emulator.add_fault(FaultRule(method="POST", path="/indexes/*/backups", status=403))
    with pytest.raises(auto.CommandError, match="final backup"):
        stack.destroy()
    emulator.clear_faults()
    assert client.describe_index(name).state == "Ready"
    assert len(stack.resources("RestoredIndex")) == 1
    stack.destroy()
