"""Pulumi programs with RestoredIndex, their registrations routed into the real provider."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest
from harness.mocks import CheckFailedError, ProviderRoutingMocks
from support import API_KEY, export_outputs

from pulumi_pinecone_restore import RestoredIndex, RestoredIndexArgs
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.errors import NameTakenError, NotFoundError
from pulumi_pinecone_restore.lifecycle.index import user_tags
from pulumi_pinecone_restore.settings import ClientSettings

TYPE = "pulumi-python:dynamic/pinecone:RestoredIndex"


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    return str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))


def restore(backup_id: str, **kwargs: object) -> Callable[[], None]:
    """A program with one RestoredIndex that exports its outputs."""

    def program() -> None:
        index = RestoredIndex("search-staging", backup_id=backup_id, **kwargs)  # type: ignore[arg-type]
        export_outputs(index, "name", "host", "dimension", "tags")

    return program


def test_up_restores_and_exports_outputs(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """`pulumi up` restores the backup and hands host and friends to the stack."""
    result = engine.up(restore(backup_id))
    name = result.exports["name"]
    assert name.startswith("search-staging-")
    assert result.exports["host"] == client.describe_index(name).host
    assert int(result.exports["dimension"]) == 16
    assert result.exports["tags"] == {"env": "prod"}


def test_args_object_form_is_equivalent(engine: ProviderRoutingMocks, backup_id: str) -> None:
    """RestoredIndexArgs works like keywords, and mixing both is refused."""

    def program() -> None:
        index = RestoredIndex("x", RestoredIndexArgs(backup_id=backup_id, name="from-args"))
        pulumi.export("name", index.name)

    assert engine.up(program).exports["name"] == "from-args"
    with pytest.raises(TypeError, match="either"):
        RestoredIndex("y", RestoredIndexArgs(backup_id="b"), name="z")


def test_second_up_is_a_no_op_then_tags_update_in_place(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """Same inputs change nothing; new tags are an update, not a replacement."""
    first = engine.up(restore(backup_id, tags={"env": "staging"}))
    urn = engine.urn(TYPE, "search-staging")
    assert first.steps[urn] == "create"
    assert engine.up(restore(backup_id, tags={"env": "staging"})).steps[urn] == "same"
    third = engine.up(restore(backup_id, tags={"env": "staging", "team": "search"}))
    assert third.steps[urn] == "update"
    assert user_tags(client.describe_index(first.exports["name"]).tags) == {
        "env": "staging",
        "team": "search",
    }


def test_new_backup_replaces_auto_named_index_create_first(
    engine: ProviderRoutingMocks,
    backup_id: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A newer backup restores a new index under a new name, then deletes the old one."""
    old_name = engine.up(restore(backup_id)).exports["name"]
    newer = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    result = engine.up(restore(newer))
    assert result.steps[engine.urn(TYPE, "search-staging")] == "replace"
    assert result.exports["name"] != old_name
    with pytest.raises(NotFoundError):
        client.describe_index(old_name)


def test_new_backup_with_fixed_name_deletes_first(
    engine: ProviderRoutingMocks,
    backup_id: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """With an explicit name the old index goes first, so the name is free for the restore."""
    engine.up(restore(backup_id, name="fixed-name"))
    newer = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    engine.up(restore(newer, name="fixed-name"))
    ops = [op for op, urn in engine.operations if urn.endswith("search-staging")]
    assert ops.index("delete") < len(ops) - 1 - ops[::-1].index("create")
    assert client.describe_index("fixed-name").state == "Ready"


def test_preview_rejects_bad_input_before_touching_anything(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """A bad name fails the preview against the `name` property and creates nothing."""
    with pytest.raises(CheckFailedError) as info:
        engine.preview(restore(backup_id, name="Not_Valid"))
    assert [prop for prop, _ in info.value.failures] == ["name"]
    assert [i.name for i in client.list_indexes()] == ["prod-search"]


def test_refresh_drops_index_deleted_out_of_band(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """Refresh forgets an index someone deleted; the next up restores it again."""
    name = engine.up(restore(backup_id)).exports["name"]
    client.delete_index(name)
    urn = engine.urn(TYPE, "search-staging")
    assert engine.refresh()[urn] == "delete"
    assert engine.up(restore(backup_id)).steps[urn] == "create"


def test_ignore_changes_pins_the_clone_to_its_backup(
    engine: ProviderRoutingMocks, backup_id: str, emulator: Emulator
) -> None:
    """ignore_changes=["backup_id"] keeps the clone when a newer backup appears."""
    opts = pulumi.ResourceOptions(ignore_changes=["backup_id"])
    engine.up(restore(backup_id, opts=opts))
    newer = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    result = engine.up(restore(newer, opts=opts))
    assert result.steps[engine.urn(TYPE, "search-staging")] == "same"


def test_destroy_deletes_the_index(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """`pulumi destroy` deletes the restored index."""
    name = engine.up(restore(backup_id)).exports["name"]
    engine.destroy()
    with pytest.raises(NotFoundError):
        client.describe_index(name)


def test_up_after_destroy_refuses_a_foreign_index_that_took_the_name(
    engine: ProviderRoutingMocks, backup_id: str, client: ControlPlaneClient
) -> None:
    """Up, destroy, someone restores the same backup into the name: up refuses, touches nothing."""
    program = restore(backup_id, name="stg-docs")
    engine.up(program)
    engine.destroy()
    client.create_index_from_backup(backup_id, name="stg-docs", tags={"owner": "other-team"})
    with pytest.raises(NameTakenError):
        engine.up(program)
    assert client.describe_index("stg-docs").tags == {"owner": "other-team"}
    engine.refresh()
    assert client.describe_index("stg-docs").tags == {"owner": "other-team"}
