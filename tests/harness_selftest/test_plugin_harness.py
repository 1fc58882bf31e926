"""Self-tests of DynamicPluginProcess: the real `python -m pulumi.dynamic` plugin over gRPC."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest
from harness.plugin import (
    CreateResponse,
    DynamicPluginProcess,
    PluginRpcError,
    provider_props,
    serialize_provider,
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


def test_provider_pickles_by_reference() -> None:
    """The toy provider is importable, so __provider is a short by-reference pickle."""
    assert len(serialize_provider(CounterProvider())) < 200


def test_full_lifecycle_roundtrip(plugin: DynamicPluginProcess, tmp_path: Path) -> None:
    """Configure, check, create, diff, update, read and delete behave as the engine sees them."""
    assert plugin.accept_secrets is False

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


def test_check_failures_are_returned_per_property(plugin: DynamicPluginProcess) -> None:
    """A bad input comes back as a (property, reason) failure, not an error."""
    checked = plugin.check(URN, {}, _props(name="a", value=-1))

    assert checked.failures == [("value", "value must be a number >= 0")]


def test_provider_exception_surfaces_as_unknown_with_its_message(
    plugin: DynamicPluginProcess,
) -> None:
    """An exception in create is a gRPC UNKNOWN whose details carry the exception text."""
    with pytest.raises(PluginRpcError) as caught:
        _create(plugin, name="a", fail="index restore failed: quota exceeded")

    assert caught.value.method == "Create"
    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert "index restore failed: quota exceeded" in caught.value.details


def test_missing_provider_module_fails_the_first_call(tmp_path: Path) -> None:
    """Without the provider's module on PYTHONPATH the plugin cannot unpickle __provider."""
    with DynamicPluginProcess() as plugin:
        plugin.configure({"toy:stateDir": str(tmp_path)})
        with pytest.raises(PluginRpcError) as caught:
            plugin.check(URN, {}, _props(name="a"))

    assert "harness_selftest" in caught.value.details


def test_plugin_runs_at_most_four_calls_at_once(plugin: DynamicPluginProcess) -> None:
    """Eight slow creates take about twice as long as four: the plugin has 4 workers."""

    def timed(count: int) -> float:
        checked = plugin.check(URN, {}, _props(name="n", slow=0.3)).inputs
        start = time.monotonic()
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(lambda i: plugin.create(URN, {**checked, "name": f"n{i}"}), range(count)))
        return time.monotonic() - start

    four, eight = timed(4), timed(8)

    assert four < 0.6
    assert eight / four > 1.5


def test_pulumi_log_in_the_plugin_goes_to_stderr_not_the_engine(
    plugin: DynamicPluginProcess,
) -> None:
    """pulumi.log.info inside the plugin prints 'info: ...' on stderr; no Log RPC is made."""
    _create(plugin, name="a")
    plugin.close()

    assert "info: creating counter a" in plugin.stderr
    assert plugin.engine_logs == []


def test_provider_can_log_to_the_engine_address_in_argv(plugin: DynamicPluginProcess) -> None:
    """A provider that dials argv[1] itself reaches the engine's Log RPC, ephemeral flag intact."""
    _create(plugin, name="a", engine_log=True)

    [message] = plugin.engine_logs
    assert message.message == "engine log: creating counter a"
    assert (message.severity, message.ephemeral, message.urn) == ("info", True, "")


def test_api_key_never_reaches_the_plugin_output(plugin: DynamicPluginProcess) -> None:
    """Neither the env var nor the secret config value shows up on the plugin's stdout/stderr."""
    _create(plugin, name="a")
    with pytest.raises(PluginRpcError):
        _create(plugin, name="b", fail="boom")
    plugin.close()

    assert API_KEY not in plugin.stderr
    assert API_KEY not in plugin.stdout
