"""Issue 17's inputs through the real dynamic-provider plugin, as the engine sends them.

A controller-host trick in the stack config or in a ``connection`` input is refused and reaches
neither of two loopback listeners; an ill-formed budget and a list tag value holding an unknown
are refused by check under their property. ``tags={"env": None}`` is not here: the plugin
never sees the ``None`` (Pulumi drops it), which is why the resource classes refuse it
(``tests/programs/test_tag_values_programs.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness.plugin import DynamicPluginProcess, PluginRpcError, provider_props
from pulumi.runtime.rpc import UNKNOWN
from unit.scripted_server import Answer, ScriptedServer, Seen

from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/pinecone:RestoredIndex::r"
KEY = "canary-key-5d1e7a"
TRICK = "http://{a}\\@{b}"  # issue 17: urlsplit sees {b}; urllib3 and requests connect to {a}


def _answer(_seen: Seen) -> Answer:
    return Answer(body=b"{}")


@pytest.fixture(name="listeners", scope="module")
def _listeners() -> Iterator[tuple[ScriptedServer, ScriptedServer]]:
    servers = (
        ScriptedServer(_answer, "127.0.0.2").start(),
        ScriptedServer(_answer, "127.0.0.3").start(),
    )
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(name="trick", scope="module")
def _trick(listeners: tuple[ScriptedServer, ScriptedServer]) -> str:
    a, b = listeners
    return TRICK.format(a=a.authority, b=b.authority)


@pytest.fixture(name="plugin", scope="module")
def _plugin(trick: str) -> Iterator[DynamicPluginProcess]:
    with DynamicPluginProcess() as plugin:
        plugin.configure(
            {"pinecone:apiKey": KEY, "pinecone:controllerHost": trick},
            secret_keys={"pinecone:apiKey"},
        )
        yield plugin


def _props(**inputs: object) -> dict[str, object]:
    return provider_props(RestoredIndexProvider(), {"backup_id": "bkp_1", "name": "r", **inputs})


def test_trick_host_in_stack_config_fails_create_and_reaches_no_listener(
    plugin: DynamicPluginProcess, listeners: tuple[ScriptedServer, ScriptedServer]
) -> None:
    """A create under a tricked pinecone:controllerHost fails saying why, sending nothing."""
    with pytest.raises(PluginRpcError) as info:
        plugin.create(URN, _props())
    assert "pinecone:controllerHost" in info.value.details
    assert "backslash" in info.value.details
    assert KEY not in info.value.details
    assert [server.seen for server in listeners] == [[], []]


def test_trick_host_in_a_connection_fails_check_under_connection(
    plugin: DynamicPluginProcess, listeners: tuple[ScriptedServer, ScriptedServer], trick: str
) -> None:
    """A connection whose controller_host is a trick is refused by check, naming connection."""
    checked = plugin.check(URN, {}, _props(connection={"controller_host": trick}))
    assert [prop for prop, _ in checked.failures] == ["connection"]
    assert "backslash" in checked.failures[0][1]
    assert [server.seen for server in listeners] == [[], []]


@pytest.mark.parametrize("budget", ["1h1h", "1m1h", "60 s", 1e-300])
def test_ill_formed_budget_fails_check_under_its_property(
    plugin: DynamicPluginProcess, budget: object
) -> None:
    """A budget that repeats or misorders units, has a space or is under 1 s fails check."""
    checked = plugin.check(URN, {}, _props(create_timeout=budget))
    assert [prop for prop, _ in checked.failures] == ["create_timeout"]


def test_list_tag_value_holding_an_unknown_fails_check_naming_the_key(
    plugin: DynamicPluginProcess,
) -> None:
    """tags={"env": ["a", <unknown>]} fails check under tags, naming the key."""
    checked = plugin.check(URN, {}, _props(tags={"env": ["a", UNKNOWN]}))
    assert [prop for prop, _ in checked.failures] == ["tags"]
    assert "tag 'env' has a list as its value" in checked.failures[0][1]
