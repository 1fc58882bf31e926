"""Inputs that are outputs of other resources, through the real engine and plugin.

At preview such an input is not known; the real plugin hands it to check and diff as a
``pulumi.output.Unknown``. IndexBackup -> RestoredIndex and a CloneEnvironment fed by backup
outputs must preview, deploy, and then preview with no changes.
"""

from __future__ import annotations

import pulumi
import pytest
from harness.pulumi_cli import MakeStack, change_counts
from pulumi import automation as auto

from pulumi_pinecone_restore import (
    CloneEnvironment,
    CollectionIndex,
    IndexBackup,
    RestoredIndex,
    RestoredIndexSet,
)
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, user_tags

pytestmark = pytest.mark.pulumi_cli


def backup_then_restore() -> None:
    """A backup of prod, restored into an index and cloned into a set, all in one program."""
    trigger = pulumi.Config().get("trigger") or "first"
    backup = IndexBackup("nightly", source_index_name="prod", name="nightly", trigger=trigger)
    index = RestoredIndex(
        "copy", backup_id=backup.backup_id, tags={"env": "qa", "from": backup.backup_id}
    )
    clones = CloneEnvironment(
        "staging", backups={"prod": backup.backup_id}, name_prefix="stg-", tags={"env": "staging"}
    )
    pulumi.export("index", index.name)
    pulumi.export("index_mark", index.owner_mark)
    pulumi.export("backup", backup.backup_id)
    pulumi.export("clones", clones.names)


def test_backup_outputs_feed_restores(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Preview plans every create, up restores from the new backup, a second preview is a no-op."""
    emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    stack = make_stack("chain", backup_then_restore)

    preview, _ = stack.preview()
    assert change_counts(preview.change_summary) == {"create": 5}

    up, _ = stack.up()
    assert change_counts(up.summary.resource_changes or {}) == {"create": 5}
    backup_id = up.outputs["backup"].value
    index = client.describe_index(up.outputs["index"].value)
    assert index.state == "Ready"
    # The server's tags are the user's plus this resource's ownership mark (the owner_mark output).
    assert user_tags(index.tags) == {"env": "qa", "from": backup_id}
    assert index.tags[MARK_KEY] == up.outputs["index_mark"].value
    assert up.outputs["clones"].value == {"prod": "stg-prod"}
    assert client.describe_index("stg-prod").tags["clone-backup"] == backup_id

    again, _ = stack.preview()
    assert change_counts(again.change_summary) == {"same": 5}
    stack.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod"}


def test_unknown_replace_key_previews_as_a_replacement(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """A new backup (unknown id at preview) plans the restore's replacement and the set's update."""
    emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    stack = make_stack("chain", backup_then_restore)
    stack.up()
    stack.stack.set_config("chain:trigger", auto.ConfigValue("second"))
    preview, plan = stack.preview()
    assert plan.ops_of("nightly") == ["create-replacement", "replace", "delete-replaced"]
    assert plan.ops_of("copy") == ["create-replacement", "replace", "delete-replaced"]
    assert plan.ops_of("staging-indexes") == ["update"]
    assert change_counts(preview.change_summary) == {"replace": 2, "update": 1, "same": 2}
    stack.destroy()


def unknowns_everywhere() -> None:
    """Every resource given inputs that are only known once a new backup exists."""
    backup = IndexBackup("fresh", source_index_name="prod", name="fresh")
    CollectionIndex(
        "from-collection",
        source_collection=backup.name.apply(str),
        cloud=backup.cloud,
        region=backup.region,
        dimension=backup.dimension.apply(lambda d: d or 8),
        tags={"backup": backup.backup_id},
        deletion_protection=backup.status,
    )
    RestoredIndexSet(
        "set",
        members={
            "whole": backup.backup_id.apply(lambda b: {"backup_id": b}),
            "leaves": {
                "backup_id": backup.backup_id,
                "name": backup.name,
                "tags": {"backup": backup.backup_id},
            },
        },
    )
    IndexBackup(
        "of-unknown",
        source_index_name=backup.source_index_name,
        description=backup.backup_id,
        trigger=backup.backup_id,
    )


def test_every_resource_previews_with_unknown_inputs(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """Unknown whole values, map leaves and set members defer checks: preview plans creates."""
    emulator.seed_index(name="prod", dimension=8)
    stack = make_stack("unknowns", unknowns_everywhere)
    preview, _ = stack.preview()
    assert change_counts(preview.change_summary) == {"create": 5}
    assert emulator.request_counts() == {}
