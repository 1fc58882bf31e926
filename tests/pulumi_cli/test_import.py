"""Bringing an index restored outside the stack under management, through the real engine.

The engine cannot import a dynamic resource, whichever way it is asked: both ``pulumi import
TYPE NAME ID`` and ``opts=pulumi.ResourceOptions(import_=ID)`` make it call the plugin's Read
with the id alone, no state and no inputs, and the dynamic plugin finds the provider to call only
in the ``__provider`` property of one of them (``KeyError: '__provider'``). The deliberate way
works: declare the index with the backup it was restored from, its name and
``adopt_existing=True``; ``pulumi up`` checks that a restore job of that backup made that index,
puts this resource's ownership mark on it and manages it from then on, without restoring again.
Declared without ``adopt_existing``, the index is refused: a name alone proves nothing.
"""

from __future__ import annotations

import pulumi
import pytest
from harness.pulumi_cli import MakeStack
from pulumi import automation as auto

from pulumi_pinecone_restore import RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator

pytestmark = pytest.mark.pulumi_cli

TYPE = "pulumi-python:dynamic/pinecone:RestoredIndex"
HAND_MADE = "restored-by-hand"


def restore_by_hand(emulator: Emulator, client: ControlPlaneClient) -> str:
    """Restore a backup into ``HAND_MADE`` with the API, outside any stack; returns the backup."""
    emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    backup_id = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    job = client.create_index_from_backup(backup_id, name=HAND_MADE, tags={"env": "qa"})
    for _ in range(10):  # each describe is one observation; the fast timings end after a few
        if (
            client.describe_restore_job(job.restore_job_id).status == "Completed"
            and client.describe_index(HAND_MADE).state == "Ready"
        ):
            break
    assert client.describe_index(HAND_MADE).state == "Ready"
    list(client.iter_restore_jobs())  # restored "a while ago": past the listing's first miss
    return backup_id


def declared_program() -> None:
    """The hand-made index declared with its backup and name (and the import option if set)."""
    config = pulumi.Config()
    import_id = config.get("importId")
    index = RestoredIndex(
        "adopted",
        backup_id=config.require("backupId"),
        name=HAND_MADE,
        tags={"env": "qa"},
        adopt_existing=config.get_bool("adopt") or None,
        opts=pulumi.ResourceOptions(import_=import_id) if import_id else None,
    )
    pulumi.export("host", index.host)


def empty_program() -> None:
    """A stack with nothing in it yet."""


def test_pulumi_import_command_is_refused(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """`pulumi import` fails and changes nothing.

    With the language host present it fails at the plugin's Read (no `__provider`, as the
    `import_` test shows); without it, as here, `pulumi import` stops before, needing the host.
    """
    restore_by_hand(emulator, client)
    stack = make_stack("importcli", empty_program)
    stack.up()
    with pytest.raises(auto.CommandError) as info:
        stack.stack.import_resources(
            resources=[{"type": TYPE, "name": "adopted", "id": HAND_MADE}],
            generate_code=False,
        )
    refusal = str(info.value)
    assert "'__provider'" in refusal or "plugin 'pulumi-language-python'" in refusal
    assert stack.resources("RestoredIndex") == []
    assert client.describe_index(HAND_MADE).state == "Ready"


def test_import_option_is_refused_the_same_way(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """`import_=` in the program fails at the same Read, and changes nothing."""
    backup_id = restore_by_hand(emulator, client)
    stack = make_stack(
        "importopt", declared_program, {"backupId": backup_id, "importId": HAND_MADE}
    )
    with pytest.raises(auto.CommandError) as info:
        stack.up()
    assert "'__provider'" in str(info.value)
    assert stack.resources("RestoredIndex") == []
    assert [j.target_index_name for j in client.iter_restore_jobs()] == [HAND_MADE]


def test_declaring_backup_and_name_alone_is_refused(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Without adopt_existing the hand-made index is not taken over, and stays as it was."""
    backup_id = restore_by_hand(emulator, client)
    before = client.describe_index(HAND_MADE)
    stack = make_stack("noadopt", declared_program, {"backupId": backup_id})
    with pytest.raises(auto.CommandError) as info:
        stack.up()
    assert "adopt_existing=True" in str(info.value)
    assert stack.resources("RestoredIndex") == []
    assert client.describe_index(HAND_MADE) == before


def test_adopt_existing_takes_the_index_over(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """adopt_existing adopts the hand-made index (no second restore), marks it, then deletes it."""
    backup_id = restore_by_hand(emulator, client)
    (job,) = list(client.iter_restore_jobs())
    stack = make_stack("adopt", declared_program, {"backupId": backup_id, "adopt": "true"})
    up, run = stack.up()
    assert run.ops_of("adopted") == ["create"]
    assert "pulumi-owner" in client.describe_index(HAND_MADE).tags
    assert any(f"resuming restore job {job.restore_job_id}" in d.message for d in run.diagnostics())
    assert up.outputs["host"].value == client.describe_index(HAND_MADE).host
    assert [j.restore_job_id for j in client.iter_restore_jobs()] == [job.restore_job_id]

    _, plan = stack.preview()
    assert plan.ops_of("adopted") == ["same"]
    stack.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod"}


def get_program() -> None:
    """The hand-made index looked up with RestoredIndex.get, not managed."""
    found = RestoredIndex.get("found", HAND_MADE)
    pulumi.export("backup", found.backup_id)
    pulumi.export("host", found.host)


def test_get_reads_the_index_without_managing_it(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """RestoredIndex.get reads the index's outputs under the engine; destroy leaves it alone."""
    backup_id = restore_by_hand(emulator, client)
    stack = make_stack("lookup", get_program)
    up, run = stack.up()
    assert run.ops_of("found") == ["read"]
    assert up.outputs["backup"].value == backup_id
    assert up.outputs["host"].value == client.describe_index(HAND_MADE).host
    stack.destroy()
    assert client.describe_index(HAND_MADE).state == "Ready"
    assert "pulumi-owner" not in client.describe_index(HAND_MADE).tags
