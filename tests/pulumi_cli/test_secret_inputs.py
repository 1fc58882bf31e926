"""A secret input stays secret in state under the real engine (stack export, backend files).

A ``RestoredIndex`` whose ``name`` is a secret, and a ``CloneEnvironment`` whose backups (so
its members and their tags) are secrets: through up, refresh and an in-place update, neither
the name nor the backup id appears in plain text in the exported state or any backend file,
while the outputs still read back as the values.
"""

from __future__ import annotations

import pulumi
import pytest
from harness.pulumi_cli import MakeStack, to_text
from pulumi import automation as auto

from pulumi_pinecone_restore import CloneEnvironment, RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator

pytestmark = pytest.mark.pulumi_cli

QUIET = "quiet-7c1"  # the secret index name


def program() -> None:
    """A secret-named index, and a clone from a secret backup id."""
    config = pulumi.Config()
    index = RestoredIndex(
        "hush",
        backup_id=config.require("plainBackup"),
        name=pulumi.Output.secret(QUIET),
        tags={"env": config.get("env") or "qa"},
    )
    clone = CloneEnvironment(
        "stg",
        backups={"orders": config.require_secret("secretBackup")},
        name_prefix="stg-",
    )
    pulumi.export("name", index.name)
    pulumi.export("host", index.host)
    pulumi.export("clones", clone.clones)


def test_secret_inputs_are_stored_encrypted(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Neither the secret name nor the secret backup id is in the state or backend, in clear."""
    emulator.seed_index(name="prod", dimension=8)
    emulator.seed_index(name="orders", dimension=8)
    plain = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    hidden = str(emulator.seed_backup(source_index_name="orders")["backup_id"])
    stack = make_stack("hush", program, {"plainBackup": plain})
    stack.stack.set_config("hush:secretBackup", auto.ConfigValue(hidden, secret=True))

    up, _ = stack.up()
    assert up.outputs["name"].value == QUIET
    assert up.outputs["name"].secret
    assert up.outputs["host"].secret
    assert up.outputs["clones"].secret
    stack.refresh()
    stack.stack.set_config("hush:env", auto.ConfigValue("staging"))
    stack.up()  # an in-place update of the tags

    assert client.describe_index(QUIET).tags["env"] == "staging"
    said = "\n".join(
        [
            *(to_text(e) for r in stack.runs for e in r.events),
            *(o for r in stack.runs for o in r.output),
        ]
    )
    assert QUIET not in said  # progress lines and engine events name no secret name
    exported = stack.exported()
    assert '"ciphertext"' in exported
    for text in (exported, stack.backend_files()):
        assert QUIET not in text
        assert hidden not in text
    stack.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod", "orders"}
