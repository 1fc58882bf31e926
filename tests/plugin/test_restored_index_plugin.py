"""RestoredIndex through the real `python -m pulumi.dynamic` plugin, driven over gRPC."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from harness.plugin import DynamicPluginProcess, PluginRpcError, provider_props, serialize_provider
from pulumi.dynamic import Config, ConfigureRequest
from support import API_KEY, dynamic_plugin

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.lifecycle.index import PENDING_KEY
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

URN = "urn:pulumi:staging::search::pulumi-python:dynamic/pinecone:RestoredIndex::search-staging"


@pytest.fixture(name="plugin")
def _plugin(server: EmulatorServer) -> Iterator[DynamicPluginProcess]:
    with dynamic_plugin(server) as plugin:
        yield plugin


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    return str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])


def props(**values: Any) -> dict[str, Any]:
    """Inputs as the SDK registers them, with the serialized provider."""
    return provider_props(RestoredIndexProvider(), values)


def assert_no_key(*things: object) -> None:
    """The API key appears in none of the given values (serialized as JSON or text)."""
    for thing in things:
        text = thing if isinstance(thing, str) else json.dumps(thing, default=str)
        assert API_KEY not in text


def test_lifecycle_over_grpc_never_returns_the_key(
    plugin: DynamicPluginProcess, backup_id: str
) -> None:
    """Check, Create, Read, Diff, Update and Delete work and nothing returned holds the key."""
    checked = plugin.check(URN, {}, props(backup_id=backup_id, name="grpc-index"))
    assert checked.failures == []
    created = plugin.create(URN, checked.inputs)
    assert created.id == "grpc-index"
    assert created.properties["state"] == "Ready"
    assert int(created.properties["dimension"]) == 16

    read = plugin.read(created.id, URN, created.properties, checked.inputs)
    assert read.id == "grpc-index"

    same = plugin.diff(created.id, URN, created.properties, checked.inputs)
    assert same.changes == "DIFF_NONE"
    news = plugin.check(
        URN, checked.inputs, props(backup_id=backup_id, name="grpc-index", tags={"env": "qa"})
    )
    diff = plugin.diff(created.id, URN, created.properties, news.inputs)
    assert diff.changes == "DIFF_SOME"
    assert diff.replaces == []
    updated = plugin.update(created.id, URN, created.properties, news.inputs)
    assert updated["tags"] == {"env": "qa"}
    plugin.delete(created.id, URN, updated)
    assert_no_key(
        checked.inputs, created.properties, read.properties, updated, plugin.stderr, plugin.stdout
    )


def test_progress_reaches_the_engine_as_plugin_stderr(
    plugin: DynamicPluginProcess, backup_id: str
) -> None:
    """Create writes progress lines to stderr, which the engine shows as info diagnostics."""
    checked = plugin.check(URN, {}, props(backup_id=backup_id, name="chatty"))
    plugin.create(URN, checked.inputs)
    stderr = plugin.wait_for_stderr("RestoredIndex chatty: ready at")
    assert "RestoredIndex chatty: started restore job" in stderr


def test_check_failures_reach_the_engine_per_property(plugin: DynamicPluginProcess) -> None:
    """Bad inputs come back as check failures on the right properties."""
    checked = plugin.check(URN, {}, props(backup_id="b", name="-bad-", deletion_protection="on"))
    assert sorted(prop for prop, _ in checked.failures) == ["deletion_protection", "name"]


def test_backup_change_is_a_replace_with_delete_first_for_fixed_names(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """The engine is told to replace, deleting first because the name is explicit."""
    checked = plugin.check(URN, {}, props(backup_id=backup_id, name="fixed"))
    created = plugin.create(URN, checked.inputs)
    later = str(emulator.seed_backup(source_index_name="prod-search", name="later")["backup_id"])
    news = plugin.check(URN, checked.inputs, props(backup_id=later, name="fixed"))
    diff = plugin.diff(created.id, URN, created.properties, news.inputs)
    assert diff.replaces == ["backup_id"]
    assert diff.delete_before_replace is True


def test_errors_are_sentences_without_the_key(plugin: DynamicPluginProcess, backup_id: str) -> None:
    """A refused delete surfaces its guidance through gRPC, and the key is not in it."""
    checked = plugin.check(
        URN, {}, props(backup_id=backup_id, name="guarded", deletion_protection="enabled")
    )
    created = plugin.create(URN, checked.inputs)
    with pytest.raises(PluginRpcError) as info:
        plugin.delete(created.id, URN, created.properties)
    assert "force_destroy" in info.value.details
    assert_no_key(info.value.details, plugin.stderr)


def test_timeout_error_tells_how_to_resume(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """A create over budget fails with the resume instructions; the next create adopts."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(seconds=3600)))
    checked = plugin.check(URN, {}, props(backup_id=backup_id, name="slow", create_timeout=1))
    with pytest.raises(PluginRpcError) as info:
        plugin.create(URN, checked.inputs)
    assert "pulumi up" in info.value.details
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=1)))
    created = plugin.create(URN, checked.inputs)
    assert created.properties["state"] == "Ready"


def test_a_create_whose_engine_is_gone_stays_unfinished_for_the_next_run(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """`pulumi` killed mid-restore leaves its dynamic plugin running: it exits, unfinished.

    Had it finished the create unseen, it would have taken the pending tag off, and the next
    `pulumi up` would refuse the index as another state's instead of adopting it.
    """
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=3)))
    checked = plugin.check(URN, {}, props(backup_id=backup_id, name="orphaned"))
    failed: list[Exception] = []

    def create() -> None:
        try:
            plugin.create(URN, checked.inputs)
        except PluginRpcError as exc:
            failed.append(exc)

    running = threading.Thread(target=create)
    running.start()
    plugin.wait_for_stderr("started restore")
    plugin.stop_engine()
    assert plugin.wait(timeout=60) == 0
    running.join(timeout=30)
    assert failed  # the create never answered: its plugin ended first
    assert emulator.describe_index("orphaned")["tags"].get(PENDING_KEY) == "1"


def test_serialized_provider_holds_no_key_even_after_configure() -> None:
    """A configured provider pickles to the same by-reference bytes as a fresh one."""
    provider = RestoredIndexProvider()
    provider.configure(ConfigureRequest(Config({"pinecone:apiKey": API_KEY}, "p")))
    serialized = serialize_provider(provider)
    assert serialized == serialize_provider(RestoredIndexProvider())
    assert API_KEY.encode() not in base64.b64decode(serialized)
    assert len(serialized) < 300


def test_a_foreign_index_under_our_name_is_refused_through_the_plugin(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """After a destroy, a same-name index someone else made is refused, not adopted."""
    inputs = props(backup_id=backup_id, name="stg-docs", owner_seed="search/staging/docs")
    checked = plugin.check(URN, {}, inputs)
    created = plugin.create(URN, checked.inputs)
    plugin.delete(created.id, URN, created.properties)
    emulator.create_index_from_backup(backup_id, {"name": "stg-docs", "tags": {"owner": "x"}})
    with pytest.raises(PluginRpcError) as info:
        plugin.create(URN, checked.inputs)
    assert "left untouched" in info.value.details
    assert emulator.describe_index("stg-docs")["tags"] == {"owner": "x"}
