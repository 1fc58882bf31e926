"""The ``pinecone-restore`` provider plugin, started as the engine does, driven over gRPC."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import attrs
import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from harness.plugin import DynamicPluginProcess, PluginRpcError
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, status_pb2
from support import API_KEY, FAST_TIMINGS

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY

TYPE = "pinecone-restore:index:RestoredIndex"
URN = f"urn:pulumi:staging::search::{TYPE}::search-staging"
PLUGIN = [sys.executable, "-u", "-m", "pulumi_pinecone_restore.plugin"]


@pytest.fixture(name="plugin")
def _plugin(server: EmulatorServer) -> Iterator[DynamicPluginProcess]:
    with DynamicPluginProcess(command=PLUGIN) as plugin:
        plugin.configure({"apiKey": API_KEY, "controllerHost": server.url}, secret_keys={"apiKey"})
        yield plugin


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    return str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])


def init_failure(exc: PluginRpcError) -> provider_pb2.ErrorResourceInitFailed:
    """The ErrorResourceInitFailed detail of a failed call (as the engine unpacks it)."""
    cause = exc.__cause__
    assert isinstance(cause, grpc.Call)
    [raw] = [v for k, v in cause.trailing_metadata() if k == "grpc-status-details-bin"]
    status = status_pb2.Status.FromString(raw)
    detail = provider_pb2.ErrorResourceInitFailed()
    assert status.details[0].Unpack(detail)
    return detail


def test_restored_index_lifecycle_over_grpc(plugin: DynamicPluginProcess, backup_id: str) -> None:
    """Check, create, read and delete a RestoredIndex with camelCase properties."""
    checked = plugin.check(URN, {}, {"backupId": backup_id, "tags": {"team": "search"}})
    assert checked.failures == []
    assert checked.inputs["name"].startswith("search-staging-")
    created = plugin.create(URN, checked.inputs)
    assert created.id == checked.inputs["name"]
    assert created.properties["backupId"] == backup_id
    assert created.properties["ready"] is True
    assert created.properties["dimension"] == 16
    read = plugin.read(created.id, URN, created.properties, checked.inputs)
    assert read.id == created.id
    plugin.delete(created.id, URN, created.properties)
    assert plugin.read(created.id, URN, created.properties, checked.inputs).id == ""


def test_plugin_info_is_the_package_version(plugin: DynamicPluginProcess) -> None:
    """GetPluginInfo reports this package's version."""
    assert plugin.call("GetPluginInfo", empty_pb2.Empty()).version == __version__


def test_check_failures_name_the_camel_case_property(plugin: DynamicPluginProcess) -> None:
    """A bad and a missing input fail against their schema names, with those names in the text."""
    checked = plugin.check(URN, {}, {"deletionProtection": "maybe"})
    by_property = dict(checked.failures)
    assert set(by_property) == {"backupId", "deletionProtection"}
    assert "backup_id" not in by_property["backupId"]
    assert by_property["backupId"].startswith("backupId is required")


def test_a_misspelt_input_is_refused_with_the_schema_name_meant(
    plugin: DynamicPluginProcess, backup_id: str
) -> None:
    """A YAML author's typo fails check under the key given, suggesting the camelCase input."""
    checked = plugin.check(URN, {}, {"backupId": backup_id, "deletionProtecton": "enabled"})
    assert [p for p, _ in checked.failures] == ["deletionProtecton"]
    assert checked.failures[0][1].startswith(
        "deletionProtecton is not an input of this resource; did you mean deletionProtection?"
    )
    assert "deletion_protection" not in checked.failures[0][1]


def test_the_connection_input_is_refused_with_the_provider_way(
    plugin: DynamicPluginProcess, backup_id: str
) -> None:
    """A dynamic resource's connection input points plugin users at an explicit provider."""
    checked = plugin.check(
        URN, {}, {"backupId": backup_id, "connection": {"api_key_env": "OTHER_KEY"}}
    )
    assert [p for p, _ in checked.failures] == ["connection"]
    assert "explicit pinecone-restore provider" in checked.failures[0][1]


def test_unknown_inputs_pass_check_and_may_replace(plugin: DynamicPluginProcess) -> None:
    """A backupId not known at preview passes check and shows as a possible replacement."""
    checked = plugin.check(URN, {}, {"backupId": rpc.UNKNOWN, "name": "idx"})
    assert checked.failures == []
    diff = plugin.diff(
        "idx", URN, {"name": "idx", "backupId": "b1", "tags": {}}, {**checked.inputs}
    )
    assert diff.replaces == ["backupId"]


def test_a_refusal_is_one_message_without_a_traceback(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """Creating over an index this stack did not make fails with one sentence, no traceback."""
    emulator.seed_index(name="taken", dimension=16, tags={MARK_KEY: "someone-else"})
    checked = plugin.check(URN, {}, {"backupId": backup_id, "name": "taken"})
    with pytest.raises(PluginRpcError) as failed:
        plugin.create(URN, checked.inputs)
    assert failed.value.code == grpc.StatusCode.UNKNOWN
    assert "Traceback" not in failed.value.details
    assert "taken" in failed.value.details
    assert "\n" not in failed.value.details.strip()


def test_a_create_out_of_time_is_a_partial_create_with_the_index_id(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """The request's timeout is the budget; a restore still running is reported as init failure."""
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=30.0)))
    checked = plugin.check(URN, {}, {"backupId": backup_id, "name": "slow"})
    with pytest.raises(PluginRpcError) as failed:
        plugin.create(URN, checked.inputs, timeout=1)
    detail = init_failure(failed.value)
    assert detail.id == "slow"
    assert "Traceback" not in detail.reasons[0]
    assert rpc.deserialize_properties(detail.properties)["backupId"] == backup_id


def test_get_backup_invoke_returns_camel_case_outputs(
    plugin: DynamicPluginProcess, backup_id: str
) -> None:
    """The getBackup function finds the backup of a source index."""
    args = struct_pb2.Struct()
    args.update({"sourceIndexName": "prod-search"})
    answer = plugin.call(
        "Invoke", provider_pb2.InvokeRequest(tok="pinecone-restore:index:getBackup", args=args)
    )
    found = dict(rpc.deserialize_properties(getattr(answer, "return")))
    assert found["backupId"] == backup_id
    assert found["sourceIndexName"] == "prod-search"


def test_calls_are_served_concurrently(
    plugin: DynamicPluginProcess, backup_id: str, emulator: Emulator
) -> None:
    """Eight creates all start their restore before the first returns (not four at a time)."""
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=3600.0)))
    returned: list[float] = []

    def create(n: int) -> None:
        urn = URN.replace("search-staging", f"idx{n}")
        checked = plugin.check(urn, {}, {"backupId": backup_id, "name": f"idx{n}"})
        with pytest.raises(PluginRpcError):
            plugin.create(urn, checked.inputs, timeout=3)  # each ends as a partial create
        returned.append(time.monotonic())

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = [m.at for m in plugin.engine_logs if "started restore job" in m.message]
    assert len(started) == 8
    assert max(started) < min(returned)


def test_index_backup_and_collection_index_over_grpc(
    plugin: DynamicPluginProcess, emulator: Emulator
) -> None:
    """An IndexBackup and a CollectionIndex are made and deleted through the same plugin."""
    emulator.seed_index(name="src", dimension=8)
    emulator.seed_collection(name="coll", source="src")
    backup_urn = URN.replace("RestoredIndex", "IndexBackup").replace("search-staging", "bk")
    checked = plugin.check(backup_urn, {}, {"sourceIndexName": "src"})
    assert checked.failures == []
    backup = plugin.create(backup_urn, checked.inputs)
    assert backup.properties["status"] == "Ready"
    coll_urn = URN.replace("RestoredIndex", "CollectionIndex").replace("search-staging", "ci")
    checked = plugin.check(
        coll_urn,
        {},
        {"sourceCollection": "coll", "cloud": "aws", "region": "us-east-1", "name": "from-coll"},
    )
    assert checked.failures == []
    index = plugin.create(coll_urn, checked.inputs)
    assert (index.id, index.properties["dimension"]) == ("from-coll", 8)
    plugin.delete(index.id, coll_urn, index.properties)
    plugin.delete(backup.id, backup_urn, backup.properties)
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["src"]
