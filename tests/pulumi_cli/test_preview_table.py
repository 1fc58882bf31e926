"""The README's preview table, checked against the steps the real engine takes.

One ``RestoredIndex`` whose inputs come from stack config; each test changes config the way a
user edits a program and reads the engine's steps for the resource from the event stream, in
the order the engine started them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from harness.pulumi_cli import MakeStack, PulumiStack, change_counts
from pulumi import automation as auto

from pulumi_pinecone_restore import RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY

pytestmark = pytest.mark.pulumi_cli

PROJECT = "table"
CREATE_FIRST = ["create-replacement", "replace", "delete-replaced"]
DELETE_FIRST = ["delete-replaced", "replace", "create-replacement"]


def program() -> None:
    """One restored index, every input from config."""
    config = pulumi.Config()
    index = RestoredIndex(
        "idx",
        backup_id=config.require("backupId"),
        name=config.get("indexName"),
        tags=config.get_object("tags"),
        deletion_protection=config.get("deletionProtection"),
        create_timeout=config.get("createTimeout"),
    )
    pulumi.export("name", index.name)
    pulumi.export("index_id", index.index_id)


def backups(emulator: Emulator) -> tuple[str, str]:
    """Two Ready backups of one prod index."""
    emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    first = emulator.seed_backup(source_index_name="prod", name="first")
    second = emulator.seed_backup(source_index_name="prod", name="second")
    return str(first["backup_id"]), str(second["backup_id"])


def set_config(stack: PulumiStack, **values: Any) -> None:
    """Set (a value) or remove (``None``) project config keys."""
    for key, value in values.items():
        full = f"{PROJECT}:{key}"
        if value is None:
            stack.stack.remove_config(full)
        elif isinstance(value, dict):
            stack.stack.set_config(full, auto.ConfigValue(pulumi.runtime.to_json(value)))
        else:
            stack.stack.set_config(full, auto.ConfigValue(str(value)))


def test_in_place_changes_are_updates(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Nothing changed plans nothing; tags, protection and a budget each update in place."""
    first, _ = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "tags": {"env": "qa"}})
    up, run = stack.up()
    assert run.ops_of("idx") == ["create"]
    name, index_id = up.outputs["name"].value, up.outputs["index_id"].value
    mark = client.describe_index(name).tags[MARK_KEY]
    # "nothing" changed: no changes, even after a refresh.
    stack.refresh()
    unchanged, _ = stack.preview()
    assert change_counts(unchanged.change_summary) == {"same": 2}

    changes: list[tuple[dict[str, Any], Callable[[], bool]]] = [
        # The server's tags also hold the ownership mark, which a tag update keeps.
        (
            {"tags": {"env": "qa", "team": "search"}},
            lambda: (
                client.describe_index(name).tags == {"env": "qa", "team": "search", MARK_KEY: mark}
            ),
        ),
        (
            {"deletionProtection": "enabled"},
            lambda: client.describe_index(name).deletion_protection == "enabled",
        ),
        ({"createTimeout": "90m"}, lambda: True),
    ]
    for change, check in changes:
        set_config(stack, **change)
        preview, plan = stack.preview()
        assert plan.ops_of("idx") == ["update"], change
        assert change_counts(preview.change_summary) == {"update": 1, "same": 1}
        up, run = stack.up()
        assert run.ops_of("idx") == ["update"], change
        assert up.outputs["index_id"].value == index_id
        assert check(), change
    set_config(stack, deletionProtection="disabled")
    stack.up()
    stack.destroy()


def state_inputs(stack: PulumiStack, name: str) -> dict[str, Any]:
    """The inputs the state holds for resource ``name``."""
    deployment = stack.stack.export_stack().deployment
    assert deployment is not None
    resources = deployment["resources"]
    return next(dict(r["inputs"]) for r in resources if r["urn"].endswith(f"::{name}"))


def test_a_refresh_keeps_drift_of_inputs_the_program_left_out_out_of_the_plan(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Protection left out of the program and turned on by hand: the preview does not list it.

    A refresh records the drift of the tags the program sets (the next `up` puts them back),
    but not of the protection it leaves to the server: `up` would not change it, so a preview
    that showed `- deletion_protection: "enabled"` announced a change that is never made.
    """
    first, _ = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "tags": {"env": "qa"}})
    up, _ = stack.up()
    name = up.outputs["name"].value
    client.configure_index(name, deletion_protection="enabled", tags={"env": "by-hand"})
    stack.refresh()
    inputs = state_inputs(stack, "idx")
    assert "deletion_protection" not in inputs
    assert inputs["tags"] == {"env": "by-hand"}
    _, plan = stack.preview()
    assert plan.ops_of("idx") == ["update"]
    changed = [
        key
        for event in plan.events
        if event.resource_pre_event is not None
        for key in (event.resource_pre_event.metadata.diffs or [])
    ]
    assert "deletion_protection" not in changed
    stack.up()
    assert client.describe_index(name).deletion_protection == "enabled"  # left to the server
    assert client.describe_index(name).tags["env"] == "qa"
    client.configure_index(name, deletion_protection="disabled")
    stack.destroy()


def test_replacements_take_the_promised_order(
    make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Auto-named or renamed: the new index comes first; same explicit name: the old goes first."""
    first, second = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first})
    up, _ = stack.up()
    auto_named = up.outputs["name"].value

    # A new backup with no `name`: a new auto-named index is made before the old one goes.
    set_config(stack, backupId=second)
    preview, plan = stack.preview()
    assert plan.ops_of("idx") == CREATE_FIRST
    assert change_counts(preview.change_summary) == {"replace": 1, "same": 1}
    up, run = stack.up()
    assert run.ops_of("idx") == CREATE_FIRST
    renamed = up.outputs["name"].value
    assert renamed != auto_named
    assert {i.name for i in client.list_indexes()} == {"prod", renamed}

    # A new `name`: also created first.
    set_config(stack, indexName="search-fixed")
    up, run = stack.up()
    assert run.ops_of("idx") == CREATE_FIRST
    assert {i.name for i in client.list_indexes()} == {"prod", "search-fixed"}

    # Another backup into the same explicit name: names are unique, so the old index goes first.
    set_config(stack, backupId=first)
    _, plan = stack.preview()
    assert plan.ops_of("idx") == DELETE_FIRST
    up, run = stack.up()
    assert run.ops_of("idx") == DELETE_FIRST
    assert client.describe_restore_job(_job_of(stack)).backup_id == first
    assert {i.name for i in client.list_indexes()} == {"prod", "search-fixed"}
    stack.destroy()


def _job_of(stack: PulumiStack) -> str:
    """The restore job id the state records for ``idx``."""
    found = [r for r in stack.resources("RestoredIndex") if str(r["urn"]).endswith("::idx")]
    return str(found[0]["outputs"]["restore_job_id"])


def test_invalid_value_fails_the_preview_on_that_property(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """A bad index name fails `pulumi preview` naming the property, before any API call."""
    first, _ = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "indexName": "Search_Idx"})
    emulator.reset_requests()
    with pytest.raises(auto.CommandError) as info:
        stack.preview()
    assert "name: 'Search_Idx' is not a valid index name" in str(info.value)
    assert emulator.request_counts() == {}
    assert stack.resources("RestoredIndex") == []


def test_issue_17_inputs_fail_before_any_api_call(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """A None tag, an ill-formed budget and a tricked host each fail naming why, calling nothing."""
    first, _ = backups(emulator)
    stack = make_stack(PROJECT, program, {"backupId": first, "tags": {"env": None}})
    emulator.reset_requests()
    with pytest.raises(auto.CommandError) as info:
        stack.preview()
    assert "tags: tag 'env' has no value (None)" in str(info.value)
    set_config(stack, tags=None, createTimeout="1m1h")
    with pytest.raises(auto.CommandError) as info:
        stack.preview()
    assert "create_timeout: '1m1h' repeats a unit or gives them out of order" in str(info.value)
    set_config(stack, createTimeout=None)
    # Issue 17: urlsplit reads the emulator's address, urllib3 and requests another loopback one.
    origin = emulator_origin(stack)
    trick = f"http://127.0.0.2:9\\@{origin}"
    stack.stack.set_config("pinecone:controllerHost", auto.ConfigValue(trick))
    with pytest.raises(auto.CommandError) as info:
        stack.up()
    assert "pinecone:controllerHost" in str(info.value)
    assert "contains a backslash" in str(info.value)
    assert emulator.request_counts() == {}
    assert stack.resources("RestoredIndex") == []


def emulator_origin(stack: PulumiStack) -> str:
    """``host:port`` of the controller the stack is configured with (the test emulator)."""
    url = stack.stack.get_config("pinecone:controllerHost").value
    return url.split("://", 1)[1]
