"""Self-tests of DynamicPluginProcess: the real `python -m pulumi.dynamic` plugin over gRPC."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.plugin import (
    CreateResponse,
    DynamicPluginProcess,
    provider_props,
)
from harness_selftest.toy_provider import CounterProvider

TESTS_DIR = Path(__file__).resolve().parents[1]
URN = "urn:pulumi:dev::proj::pulumi-python:dynamic/toy:Counter::a"
API_KEY = "pcsk_never_print_me"


@pytest.fixture(name="plugin")
def fixture_plugin(tmp_path: Path) -> Iterator[DynamicPluginProcess]:
    """A configured plugin whose toy state lives in tmp_path; the API key is in env and config."""
    with DynamicPluginProcess(env={"PINECONE_API_KEY": API_KEY}, pythonpath=[TESTS_DIR]) as plugin:
        plugin.configure(
            {"toy:stateDir": str(tmp_path), "pinecone:apiKey": API_KEY},
            secret_keys={"pinecone:apiKey"},
        )
        yield plugin


def _props(**props: Any) -> dict[str, Any]:
    return provider_props(CounterProvider(), props)


def _create(plugin: DynamicPluginProcess, **props: Any) -> CreateResponse:
    checked = plugin.check(URN, {}, _props(**props))
    assert checked.failures == []
    return plugin.create(URN, checked.inputs)


def test_full_lifecycle_roundtrip(plugin: DynamicPluginProcess, tmp_path: Path) -> None:
    """Configure, check, create, diff, update, read and delete behave as the engine sees them."""
    assert plugin.accept_secrets is False
    bad = plugin.check(URN, {}, _props(name="a", value=-1))
    assert bad.failures == [("value", "value must be a number >= 0")]  # per property, no error

    created = _create(plugin, name="a", value=1)
    assert created.properties["value"] == 1
    assert json.loads((tmp_path / f"{created.id}.json").read_text())["value"] == 1

    news = {**created.properties, "value": 2}
    diff = plugin.diff(created.id, URN, created.properties, news)
    assert (diff.changes, diff.replaces) == ("DIFF_SOME", [])
    replace = plugin.diff(created.id, URN, created.properties, {**news, "name": "b"})
    assert replace.replaces == ["name"]

    updated = plugin.update(created.id, URN, created.properties, news)
    assert updated["value"] == 2
    assert "__provider" in updated

    read = plugin.read(created.id, URN, updated)
    assert read.id == created.id
    assert read.inputs == {"name": "a", "value": 2, "__provider": news["__provider"]}

    plugin.delete(created.id, URN, updated)
    gone = plugin.read(created.id, URN, updated)
    assert gone.id == ""


def test_plugin_logs_reach_stderr_or_the_fake_engine(plugin: DynamicPluginProcess) -> None:
    """pulumi.log.info lands on stderr with no Log RPC; a dial of argv[1] reaches the FakeEngine."""
    _create(plugin, name="a")
    assert plugin.engine_logs == []

    _create(plugin, name="b", engine_log=True)
    plugin.close()

    assert "info: creating counter a" in plugin.stderr
    [message] = plugin.engine_logs
    assert message.message == "engine log: creating counter b"
    assert (message.severity, message.ephemeral, message.urn) == ("info", True, "")
