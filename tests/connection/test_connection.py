"""An explicit Connection: another project's key and host, honest resource options, get()."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import attrs
import pulumi
import pytest
from pulumi.dynamic import Config, ConfigureRequest
from support import API_KEY, FAST_TIMINGS, NO_WAIT_RETRY, create, program_engine

from pulumi_pinecone_restore import Connection, IndexBackup, RestoredIndex
from pulumi_pinecone_restore._resources import resource_props
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.errors import ConfigurationError, NotFoundError
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.settings import ClientSettings

OTHER_KEY = "other-project-key-51c0"


@pytest.fixture(name="other", scope="module")
def _other() -> Iterator[EmulatorServer]:
    """A second control plane: another Pinecone project with a key of its own."""
    with EmulatorServer(Emulator(api_key=OTHER_KEY, timings=FAST_TIMINGS), port=0) as server:
        yield server


@pytest.fixture(name="other_backup")
def _other_backup(other: EmulatorServer) -> str:
    other.emulator.reset()
    other.emulator.set_timings(FAST_TIMINGS)
    other.emulator.seed_index(name="prod-search", dimension=8)
    return str(other.emulator.seed_backup(source_index_name="prod-search")["backup_id"])


def _provider(server: EmulatorServer, extra: dict[str, str]) -> RestoredIndexProvider:
    provider = RestoredIndexProvider()
    provider.configure(
        ConfigureRequest(
            Config(
                {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url, **extra}, "test"
            )
        )
    )
    provider.runtime = attrs.evolve(provider.runtime, sleep=lambda _s: None, retry=NO_WAIT_RETRY)
    return provider


def _restore(
    provider: RestoredIndexProvider, connection: Connection, backup_id: str, name: str
) -> tuple[str, dict[str, Any]]:
    """Restore index ``name`` through ``connection`` (check, then create); (id, outputs)."""
    news = {
        "backup_id": backup_id,
        "name": name,
        "connection": connection.to_input(),
        "owner_seed": f"p/s/{name}",
    }
    return create(provider, news)


def test_connection_fields_are_validated() -> None:
    """Malformed names, both key sources, a plain-http remote host: each refused by name."""
    with pytest.raises(ValueError, match="api_key_config"):
        Connection(api_key_config="no-namespace")
    with pytest.raises(ValueError, match="api_key_env"):
        Connection(api_key_env="1BAD")
    with pytest.raises(ValueError, match="not both"):
        Connection(api_key_config="a:b", api_key_env="B")
    with pytest.raises(ValueError, match="controller_host"):
        Connection(controller_host="http://pinecone.example.com")
    with pytest.raises(ValueError, match="unknown field"):
        Connection.from_input({"api_key": "pcsk_x"})


def test_connection_input_holds_names_never_a_key() -> None:
    """The stored input is the config key name and the host, round-tripping unchanged."""
    conn = Connection(api_key_config="projb:apiKey", controller_host="127.0.0.1:5081")
    stored = conn.to_input()
    assert stored == {"api_key_config": "projb:apiKey", "controller_host": "http://127.0.0.1:5081"}
    assert Connection.from_input(stored) == conn


def test_a_resource_with_a_connection_lives_in_the_other_project(
    server: EmulatorServer, other: EmulatorServer, other_backup: str
) -> None:
    """Create, read and delete go to the connection's host with the key from its config key."""
    provider = _provider(server, {"projb:apiKey": OTHER_KEY})
    connection = Connection(api_key_config="projb:apiKey", controller_host=other.url)
    id_, outs = _restore(provider, connection, other_backup, "mirror")
    other_client = ControlPlaneClient(ClientSettings(api_key=OTHER_KEY, controller_host=other.url))
    assert other_client.describe_index("mirror").ready
    assert "mirror" not in {i.name for i in server.emulator.dump()["indexes"]}
    assert provider.read(id_, outs).id == "mirror"
    provider.delete(id_, outs)
    with pytest.raises(NotFoundError):
        other_client.describe_index("mirror")
    assert OTHER_KEY not in repr(outs)


def test_a_connection_may_read_its_key_from_the_environment(
    server: EmulatorServer, other: EmulatorServer, other_backup: str
) -> None:
    """api_key_env names a variable of the environment the provider runs in."""
    provider = _provider(server, {})
    # The suite's PULUMI_HOME rides along: the owner key is never read from ~/.pulumi.
    environ = {"PROJB_KEY": OTHER_KEY, "PULUMI_HOME": os.environ["PULUMI_HOME"]}
    provider.runtime = attrs.evolve(provider.runtime, environ=environ)
    connection = Connection(api_key_env="PROJB_KEY", controller_host=other.url)
    _, outs = _restore(provider, connection, other_backup, "from-env")
    assert outs["state"] == "Ready"


def test_a_missing_key_names_where_it_was_looked_for(
    server: EmulatorServer, other: EmulatorServer, other_backup: str
) -> None:
    """No value under the connection's config key: a ConfigurationError that says what to set."""
    provider = _provider(server, {})
    connection = Connection(api_key_config="projb:apiKey", controller_host=other.url)
    with pytest.raises(ConfigurationError) as info:
        _restore(provider, connection, other_backup, "nokey")
    assert "pulumi config set --secret projb:apiKey" in str(info.value)


def test_a_bad_connection_is_refused_at_check(server: EmulatorServer) -> None:
    """Check names the connection property for a malformed one, before any request."""
    provider = _provider(server, {})
    failures = provider.check(
        {}, {"backup_id": "b1", "name": "x", "connection": {"api_key_config": "nocolon"}}
    ).failures
    assert [f.property for f in failures] == ["connection"]


def test_custom_timeouts_become_the_budget_inputs(mocked_runtime: None) -> None:
    """CustomTimeouts create/delete fill create_timeout/delete_timeout when those are omitted."""
    opts = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="90m", delete="5m"))
    props = resource_props(RESTORED_INDEX, "idx", None, {"backup_id": "b1"}, opts)
    assert (props["create_timeout"], props["delete_timeout"]) == ("90m", "5m")


def test_custom_timeouts_that_contradict_an_input_are_refused(mocked_runtime: None) -> None:
    """Two different create budgets for one resource is an error naming both."""
    opts = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="90m"))
    with pytest.raises(TypeError, match="create_timeout"):
        resource_props(
            RESTORED_INDEX, "idx", None, {"backup_id": "b1", "create_timeout": "10m"}, opts
        )


def test_an_explicit_provider_is_refused_with_the_way_out(mocked_runtime: None) -> None:
    """opts.provider cannot apply to a dynamic resource: the error points at connection."""
    opts = pulumi.ResourceOptions(provider=pulumi.ProviderResource("aws", "p", {}))
    with pytest.raises(TypeError, match="connection"):
        RestoredIndex("idx", backup_id="b1", opts=opts)


def test_get_reads_an_existing_index_without_managing_it(
    emulator: Emulator, server: EmulatorServer
) -> None:
    """RestoredIndex.get(name, id) reads every output of an index and never deletes it."""
    emulator.seed_index(name="prod-search", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    client.create_index_from_backup(backup_id, name="outside")
    # Restored "a while ago": past the moment in which a new job is missing from listings.
    assert any(j.target_index_name == "outside" for j in _listed_twice(client))
    engine = program_engine(server, "dev")

    def program() -> None:
        found = RestoredIndex.get("found", "outside")
        pulumi.export("backup", found.backup_id)
        pulumi.export("dimension", found.dimension)

    result = engine.up(program)
    assert result.exports["backup"] == backup_id
    assert result.exports["dimension"] == 8
    engine.destroy()
    assert client.describe_index("outside").name == "outside"


def _listed_twice(client: ControlPlaneClient) -> list[Any]:
    list(client.iter_restore_jobs())
    return list(client.iter_restore_jobs())


def test_index_backup_get_reads_a_backup(emulator: Emulator, server: EmulatorServer) -> None:
    """IndexBackup.get(name, backup_id) reads an existing backup's outputs."""
    emulator.seed_index(name="prod-search", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod-search", name="b")["backup_id"])
    engine = program_engine(server, "dev")

    def program() -> None:
        pulumi.export("source", IndexBackup.get("b", backup_id).source_index_name)

    assert engine.up(program).exports["source"] == "prod-search"


def test_a_set_takes_one_connection_for_all_members(server: EmulatorServer) -> None:
    """A set keeps its connection; a member that names its own is refused by key."""
    from pulumi_pinecone_restore.providers.restored_index_set import (  # noqa: PLC0415
        RestoredIndexSetProvider,
    )

    provider = RestoredIndexSetProvider()
    connection = Connection(api_key_env="PROJB_KEY").to_input()
    checked = provider.check(
        {},
        {
            "connection": connection,
            "owner_seed": "p/s/set",
            "members": {"a": {"backup_id": "b1", "name": "a-1"}},
        },
    )
    assert not checked.failures
    assert checked.inputs["connection"] == connection
    failures = provider.check(
        {},
        {
            "owner_seed": "p/s/set",
            "members": {"a": {"backup_id": "b1", "name": "a-1", "connection": connection}},
        },
    ).failures
    assert [f.property for f in failures] == ["members"]
    assert "members[a]" in failures[0].reason
