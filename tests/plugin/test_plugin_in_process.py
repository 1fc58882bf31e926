"""The plugin's servicer and provider in this process: every RPC the engine makes, answered.

The same code the ``pulumi-resource-pinecone-restore`` process serves, called with the engine's
protobuf requests and a recording gRPC context, against the test emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import attrs
import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, status_pb2
from support import API_KEY, FAST_TIMINGS

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.plugin.provider import PineconeRestoreProvider
from pulumi_pinecone_restore.plugin.schema import schema_json
from pulumi_pinecone_restore.plugin.server import PluginServicer

T = TypeVar("T")
PREFIX = "urn:pulumi:dev::proj::pinecone-restore:index:"
OWNER_ENV = {"PINECONE_RESTORE_OWNER_KEY": "in-process-plugin-tests"}  # never ~/.pulumi


class AbortedError(Exception):
    """What the fake context raises on abort, as grpc's does."""


@attrs.define
class Context:
    """A gRPC servicer context that records how a call was aborted."""

    code: grpc.StatusCode | None = None
    details: str = ""
    metadata: Any = None

    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        """Record the status and stop the call."""
        self.code, self.details = code, details
        raise AbortedError(details)

    async def abort_with_status(self, status: grpc.Status) -> None:
        """Record the status with its trailing metadata and stop the call."""
        self.code, self.details, self.metadata = (
            status.code,
            status.details,
            status.trailing_metadata,
        )
        raise AbortedError(status.details)


@attrs.define
class Plugin:
    """The servicer, its provider, and the progress lines the provider logged."""

    servicer: PluginServicer
    logs: list[tuple[str, str]]

    def call(self, method: str, request: Any) -> Any:
        """Call one RPC; raises AbortedError (with the context in ``.args``) on abort."""
        context = Context()
        try:
            return run(getattr(self.servicer, method)(request, context))
        except AbortedError as exc:
            raise AbortedError(context) from exc


def run(awaitable: Awaitable[T]) -> T:
    """Run one RPC to completion in a private event loop.

    Not ``asyncio.run``: it leaves the main thread without an event loop, which later tests
    that build Pulumi resources under mocks need.
    """

    async def main() -> T:
        return await awaitable

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    """Plain values as a protobuf Struct (numbers as floats, as on the wire)."""
    out = struct_pb2.Struct()
    out.update(values)
    return out


def plain(value: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf Struct as plain values (secrets unwrapped)."""
    return dict(rpc.deserialize_properties(value, keep_unknowns=True) or {})


def make_plugin(server: EmulatorServer, runtime: Runtime) -> Plugin:
    """A configured servicer over a provider with ``runtime``, logging into a list."""
    logs: list[tuple[str, str]] = []
    provider = PineconeRestoreProvider(
        lambda urn, message: logs.append((urn, message)), environ=OWNER_ENV, runtime=runtime
    )
    servicer = PluginServicer([], __version__, provider, "127.0.0.1:1")
    plugin = Plugin(servicer, logs)
    args = PropertyValue.marshal_map(
        {
            "apiKey": PropertyValue(API_KEY, is_secret=True),
            "controllerHost": PropertyValue(server.url),
        }
    )
    plugin.call("Configure", provider_pb2.ConfigureRequest(args=args, acceptSecrets=True))
    return plugin


@pytest.fixture(name="plugin")
def _plugin(server: EmulatorServer) -> Plugin:
    return make_plugin(server, Runtime(sleep=lambda _: None))


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="src", dimension=8, tags={"env": "prod"})
    return str(emulator.seed_backup(source_index_name="src")["backup_id"])


def check(plugin: Plugin, kind: str, name: str, news: dict[str, Any], olds: Any = None) -> Any:
    """Check; returns the response."""
    return plugin.call(
        "Check",
        provider_pb2.CheckRequest(
            urn=f"{PREFIX}{kind}::{name}", olds=struct(olds or {}), news=struct(news)
        ),
    )


def create(plugin: Plugin, kind: str, name: str, inputs: Any, timeout: float = 0) -> Any:
    """Create from checked inputs; returns the response."""
    return plugin.call(
        "Create",
        provider_pb2.CreateRequest(
            urn=f"{PREFIX}{kind}::{name}", properties=inputs, timeout=timeout
        ),
    )


def init_failure(aborted: AbortedError) -> provider_pb2.ErrorResourceInitFailed:
    """The ErrorResourceInitFailed detail an aborted call carried."""
    context = aborted.args[0]
    [raw] = [v for k, v in context.metadata if k == "grpc-status-details-bin"]
    detail = provider_pb2.ErrorResourceInitFailed()
    assert status_pb2.Status.FromString(raw).details[0].Unpack(detail)
    return detail


def test_restored_index_through_every_rpc(plugin: Plugin, backup_id: str) -> None:
    """Check, create, no-change diff, tag diff, update, read, delete: one index, camelCase."""
    urn = f"{PREFIX}RestoredIndex::idx"
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "idx"})
    assert list(checked.failures) == []
    created = create(plugin, "RestoredIndex", "idx", checked.inputs)
    outs = plain(created.properties)
    assert (created.id, outs["backupId"], outs["dimension"]) == ("idx", backup_id, 8)
    assert any(urn == u and "ready" in m for u, m in plugin.logs)
    same = plugin.call(
        "Diff",
        provider_pb2.DiffRequest(urn=urn, id="idx", olds=created.properties, news=checked.inputs),
    )
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    retagged = check(plugin, "RestoredIndex", "idx", {**plain(checked.inputs), "tags": {"a": "b"}})
    diff = plugin.call(
        "Diff",
        provider_pb2.DiffRequest(urn=urn, id="idx", olds=created.properties, news=retagged.inputs),
    )
    assert (diff.changes, list(diff.diffs)) == (provider_pb2.DiffResponse.DIFF_SOME, ["tags"])
    updated = plugin.call(
        "Update",
        provider_pb2.UpdateRequest(
            urn=urn, id="idx", olds=created.properties, news=retagged.inputs
        ),
    )
    assert plain(updated.properties)["tags"] == {"a": "b"}
    read = plugin.call(
        "Read",
        provider_pb2.ReadRequest(
            urn=urn, id="idx", properties=updated.properties, inputs=retagged.inputs
        ),
    )
    assert read.id == "idx"
    plugin.call(
        "Delete", provider_pb2.DeleteRequest(urn=urn, id="idx", properties=updated.properties)
    )
    gone = plugin.call(
        "Read", provider_pb2.ReadRequest(urn=urn, id="idx", properties=updated.properties)
    )
    assert gone.id == ""


def test_a_refresh_records_drift_only_of_inputs_the_program_gave(
    plugin: Plugin, backup_id: str, emulator: Emulator
) -> None:
    """Read's inputs follow the state's: protection it left out stays out, its tags drift.

    The state's inputs decide, also for outputs written before they named what was left out.
    """
    urn = f"{PREFIX}RestoredIndex::idx"
    given = {"backupId": backup_id, "name": "idx", "tags": {"env": "qa"}}
    checked = check(plugin, "RestoredIndex", "idx", given)
    created = create(plugin, "RestoredIndex", "idx", checked.inputs)
    emulator.configure_index("idx", {"tags": {"env": "x"}, "deletion_protection": "enabled"})
    older = {k: v for k, v in plain(created.properties).items() if k != "unmanagedInputs"}
    for outputs in (created.properties, struct(older)):
        read = plugin.call(
            "Read",
            provider_pb2.ReadRequest(urn=urn, id="idx", properties=outputs, inputs=checked.inputs),
        )
        inputs = plain(read.inputs)
        assert "deletionProtection" not in inputs
        assert inputs["tags"] == {"env": "x"}
        assert plain(read.properties)["deletionProtection"] == "enabled"
    protected = check(plugin, "RestoredIndex", "idx", {**given, "deletionProtection": "disabled"})
    read = plugin.call(
        "Read",
        provider_pb2.ReadRequest(
            urn=urn, id="idx", properties=created.properties, inputs=protected.inputs
        ),
    )
    assert plain(read.inputs)["deletionProtection"] == "enabled"  # given: its drift shows
    emulator.configure_index("idx", {"deletion_protection": "disabled"})


def test_a_replace_key_change_is_a_replacement(plugin: Plugin, backup_id: str) -> None:
    """A new backupId replaces; the detailed diff names it."""
    urn = f"{PREFIX}RestoredIndex::idx"
    olds = struct({"name": "idx", "backupId": "other", "tags": {}, "state": "Ready"})
    news = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "idx"}).inputs
    diff = plugin.call("Diff", provider_pb2.DiffRequest(urn=urn, id="idx", olds=olds, news=news))
    assert list(diff.replaces) == ["backupId"]
    assert diff.detailedDiff["backupId"].kind == provider_pb2.PropertyDiff.UPDATE_REPLACE


def test_a_refusal_aborts_with_one_camel_case_message(
    plugin: Plugin, backup_id: str, emulator: Emulator
) -> None:
    """An index of the name that this stack did not make: UNKNOWN status, one line."""
    emulator.seed_index(name="taken", dimension=8, tags={MARK_KEY: "someone-else"})
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "taken"})
    with pytest.raises(AbortedError) as aborted:
        create(plugin, "RestoredIndex", "idx", checked.inputs)
    context = aborted.value.args[0]
    assert context.code == grpc.StatusCode.UNKNOWN
    assert "taken" in context.details
    assert "Traceback" not in context.details


def test_out_of_time_is_a_partial_create_that_update_continues(
    server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """The request timeout is the budget; the init failure's state is continued by Update."""
    plugin = make_plugin(server, Runtime())  # polls sleep (scaled): the budget is wall time
    urn = f"{PREFIX}RestoredIndex::idx"
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=3600.0)))
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "slow"})
    with pytest.raises(AbortedError) as aborted:
        create(plugin, "RestoredIndex", "idx", checked.inputs, timeout=1.5)
    detail = init_failure(aborted.value)
    assert detail.id == "slow"
    slow = next(i for i in emulator.list_indexes()["indexes"] if i["name"] == "slow")
    assert plain(detail.properties)["ownerMark"] == slow["tags"][MARK_KEY]
    emulator.set_timings(FAST_TIMINGS)
    updated = plugin.call(
        "Update",
        provider_pb2.UpdateRequest(urn=urn, id="slow", olds=detail.properties, news=checked.inputs),
    )
    resumed = plain(updated.properties)
    assert resumed["ready"] is True
    assert resumed["restoreJobId"]  # the create's outputs: it followed the restore job
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["src", "slow"]


def create_then_cancel(
    plugin: Plugin, emulator: Emulator, kind: str, inputs: Any, started: set[str]
) -> tuple[AbortedError, float]:
    """Create; once every index in ``started`` exists, the engine's Cancel (Ctrl-C).

    Returns:
        How the create was aborted, and the seconds from the Cancel to that answer.
    """
    context = Context()
    urn = f"{PREFIX}{kind}::idx"

    async def cancel_once_started() -> float:
        for _ in range(600):  # at most 30 s
            if started <= {i["name"] for i in emulator.list_indexes()["indexes"]}:
                break
            await asyncio.sleep(0.05)
        await plugin.servicer.Cancel(empty_pb2.Empty(), Context())
        return asyncio.get_running_loop().time()

    async def both() -> float:
        request = provider_pb2.CreateRequest(urn=urn, properties=inputs)
        creating = asyncio.ensure_future(plugin.servicer.Create(request, context))
        cancelled_at = await cancel_once_started()
        with pytest.raises(AbortedError):
            await asyncio.wait_for(creating, 30)
        return asyncio.get_running_loop().time() - cancelled_at

    seconds = run(both())
    return AbortedError(context), seconds


def test_cancel_makes_a_running_create_partial_and_update_continues_it(
    server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """Ctrl-C in `pulumi up`: the create stops waiting at once and reports the index it made."""
    plugin = make_plugin(server, Runtime())  # real (scaled) sleeps: the wait is woken
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=3600.0)))
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "slow"})
    aborted, seconds = create_then_cancel(
        plugin, emulator, "RestoredIndex", checked.inputs, {"slow"}
    )
    assert seconds < 5  # not the hour the restore takes
    detail = init_failure(aborted)
    assert detail.id == "slow"
    [reason] = detail.reasons
    assert "cancelled (Ctrl-C)" in reason
    assert "nothing was deleted" in reason
    assert "Run `pulumi up` again" in reason
    slow = next(i for i in emulator.list_indexes()["indexes"] if i["name"] == "slow")
    assert plain(detail.properties)["ownerMark"] == slow["tags"][MARK_KEY]
    # The next `pulumi up` is another plugin process: a new provider, not cancelled.
    emulator.set_timings(FAST_TIMINGS)
    again = make_plugin(server, Runtime(sleep=lambda _: None))
    updated = again.call(
        "Update",
        provider_pb2.UpdateRequest(
            urn=f"{PREFIX}RestoredIndex::idx",
            id="slow",
            olds=detail.properties,
            news=checked.inputs,
        ),
    )
    assert plain(updated.properties)["ready"] is True
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["src", "slow"]
    assert len(emulator.list_restore_jobs()["data"]) == 1  # resumed, not restored again


def test_cancel_stops_a_set_create_and_deletes_its_members(
    server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """A set records nothing for a failed create: Ctrl-C deletes the members it started."""
    plugin = make_plugin(server, Runtime())
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=3600.0)))
    members = {key: {"backupId": backup_id, "name": f"set-{key}"} for key in "ab"}
    checked = check(plugin, "RestoredIndexSet", "idx", {"members": members})
    aborted, _ = create_then_cancel(
        plugin, emulator, "RestoredIndexSet", checked.inputs, {"set-a", "set-b"}
    )
    message = aborted.args[0].details
    assert "cancelled (Ctrl-C)" in message
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["src"]


def test_import_takes_an_unmarked_index_and_refuses_a_marked_one(
    plugin: Plugin, backup_id: str, emulator: Emulator
) -> None:
    """Read without state imports an unmarked restore; another resource's mark is refused."""
    emulator.create_index_from_backup(backup_id, {"name": "mine"})
    emulator.create_index_from_backup(backup_id, {"name": "theirs", "tags": {MARK_KEY: "x"}})
    urn = f"{PREFIX}RestoredIndex::imported"
    imported = plugin.call("Read", provider_pb2.ReadRequest(urn=urn, id="mine"))
    assert plain(imported.inputs)["backupId"] == backup_id
    with pytest.raises(AbortedError) as aborted:
        plugin.call("Read", provider_pb2.ReadRequest(urn=urn, id="theirs"))
    assert "ownership mark of another" in aborted.value.args[0].details


def test_import_takes_an_index_the_cli_restored(
    plugin: Plugin, backup_id: str, emulator: Emulator
) -> None:
    """The CLI's mark is no stack's: its restore is imported, as adoptExisting takes it."""
    cli = RESTORED_INDEX.inputs(backup_id=backup_id, name="by-cli")
    tags = {MARK_KEY: RESTORED_INDEX.cli_mark(cli)}
    emulator.create_index_from_backup(backup_id, {"name": "by-cli", "tags": tags})
    urn = f"{PREFIX}RestoredIndex::taken"
    imported = plugin.call("Read", provider_pb2.ReadRequest(urn=urn, id="by-cli"))
    assert plain(imported.inputs)["backupId"] == backup_id
    assert plain(imported.properties)["ownerMark"] == tags[MARK_KEY]


def test_a_set_is_created_updated_and_deleted(plugin: Plugin, backup_id: str) -> None:
    """A RestoredIndexSet's members (camelCase inside) restore together, then change, then go."""
    urn = f"{PREFIX}RestoredIndexSet::clones"
    members = {"a": {"backupId": backup_id, "name": "set-a"}}
    checked = check(plugin, "RestoredIndexSet", "clones", {"members": members})
    assert list(checked.failures) == []
    created = create(plugin, "RestoredIndexSet", "clones", checked.inputs)
    assert plain(created.properties)["names"] == {"a": "set-a"}
    grown = {**members, "b": {"backupId": backup_id, "name": "set-b"}}
    news = check(plugin, "RestoredIndexSet", "clones", {"members": grown}).inputs
    diff = plugin.call(
        "Diff", provider_pb2.DiffRequest(urn=urn, id=created.id, olds=created.properties, news=news)
    )
    assert list(diff.diffs) == ["members"]
    updated = plugin.call(
        "Update",
        provider_pb2.UpdateRequest(urn=urn, id=created.id, olds=created.properties, news=news),
    )
    assert plain(updated.properties)["names"] == {"a": "set-a", "b": "set-b"}
    read = plugin.call(
        "Read", provider_pb2.ReadRequest(urn=urn, id=created.id, properties=updated.properties)
    )
    assert read.id
    plugin.call(
        "Delete", provider_pb2.DeleteRequest(urn=urn, id=created.id, properties=read.properties)
    )


def test_functions_answer_and_refuse_unknown_arguments(plugin: Plugin, backup_id: str) -> None:
    """The getBackup function finds a backup; an unknown argument is a failure on it."""
    found = plugin.call(
        "Invoke",
        provider_pb2.InvokeRequest(
            tok="pinecone-restore:index:getBackup", args=struct({"backupId": backup_id})
        ),
    )
    assert plain(getattr(found, "return"))["sourceIndexName"] == "src"
    refused = plugin.call(
        "Invoke",
        provider_pb2.InvokeRequest(
            tok="pinecone-restore:index:getBackup", args=struct({"backupIdd": backup_id})
        ),
    )
    assert [f.property for f in refused.failures] == ["backupIdd"]
    # A Python-only argument (a sleep function) is no argument of the plugin's function.
    python_only = plugin.call(
        "Invoke",
        provider_pb2.InvokeRequest(
            tok="pinecone-restore:index:getRestoreJob",
            args=struct({"restoreJobId": "job-1", "sleep": "no", "retryDelays": [1]}),
        ),
    )
    assert sorted(f.property for f in python_only.failures) == ["retryDelays", "sleep"]


def test_a_missing_restore_job_is_one_message(plugin: Plugin) -> None:
    """The getRestoreJob function of an unknown id fails with the lookup's sentence."""
    with pytest.raises(AbortedError) as aborted:
        plugin.call(
            "Invoke",
            provider_pb2.InvokeRequest(
                tok="pinecone-restore:index:getRestoreJob", args=struct({"restoreJobId": "nope"})
            ),
        )
    details = aborted.value.args[0].details
    assert "restore job 'nope' answered 404" in details
    assert "Traceback" not in details


def test_an_unknown_type_or_function_is_named(plugin: Plugin) -> None:
    """A token this package does not have fails naming what it has."""
    with pytest.raises(AbortedError) as aborted:
        check(plugin, "Nope", "x", {})
    assert "RestoredIndex" in aborted.value.args[0].details
    with pytest.raises(AbortedError):
        plugin.call("Invoke", provider_pb2.InvokeRequest(tok="pinecone-restore:index:getNope"))


def test_provider_settings_are_checked_and_the_key_kept_secret(plugin: Plugin) -> None:
    """CheckConfig marks apiKey secret and refuses a number and an unknown setting."""
    good = plugin.call(
        "CheckConfig", provider_pb2.CheckRequest(urn="u", news=struct({"apiKey": "k"}))
    )
    assert PropertyValue.unmarshal_map(good.inputs)["apiKey"].is_secret
    bad = plugin.call(
        "CheckConfig",
        provider_pb2.CheckRequest(urn="u", news=struct({"controllerHost": 1, "region": "x"})),
    )
    assert sorted(f.property for f in bad.failures) == ["controllerHost", "region"]


def test_schema_info_and_config_diff(plugin: Plugin) -> None:
    """GetSchema is the schema, GetPluginInfo the version, DiffConfig leaves resources be."""
    assert plugin.call("GetSchema", provider_pb2.GetSchemaRequest()).schema == schema_json()
    assert plugin.call("GetPluginInfo", empty_pb2.Empty()).version == __version__
    diff = plugin.call("DiffConfig", provider_pb2.DiffRequest())
    assert diff.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN


def test_without_settings_the_environment_is_used(server: EmulatorServer, backup_id: str) -> None:
    """No apiKey/controllerHost setting: PINECONE_API_KEY and PINECONE_CONTROLLER_HOST serve."""
    environ = {**OWNER_ENV, "PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}
    provider = PineconeRestoreProvider(
        lambda _urn, _message: None, environ=environ, runtime=Runtime(sleep=lambda _: None)
    )
    plugin = Plugin(PluginServicer([], __version__, provider, "127.0.0.1:1"), [])
    plugin.call("Configure", provider_pb2.ConfigureRequest(acceptSecrets=True))
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "from-env"})
    assert create(plugin, "RestoredIndex", "idx", checked.inputs).id == "from-env"


def test_an_index_backup_update_is_no_new_backup(plugin: Plugin, emulator: Emulator) -> None:
    """A finished IndexBackup whose budget changes is updated in state only (no request)."""
    emulator.seed_index(name="src2", dimension=8)
    urn = f"{PREFIX}IndexBackup::bk"
    checked = check(plugin, "IndexBackup", "bk", {"sourceIndexName": "src2"})
    created = create(plugin, "IndexBackup", "bk", checked.inputs)
    news = check(
        plugin, "IndexBackup", "bk", {"sourceIndexName": "src2", "createTimeout": "2h"}
    ).inputs
    emulator.reset_requests()
    plugin.call(
        "Update",
        provider_pb2.UpdateRequest(urn=urn, id=created.id, olds=created.properties, news=news),
    )
    assert emulator.request_counts() == {}


def test_identity_is_kept_from_the_state_across_a_rename(plugin: Plugin, backup_id: str) -> None:
    """A check under a new URN (stack renamed) keeps the state's seed, nonce and auto-name."""
    first = plain(check(plugin, "RestoredIndex", "idx", {"backupId": backup_id}).inputs)
    renamed = plugin.call(
        "Check",
        provider_pb2.CheckRequest(
            urn="urn:pulumi:prod::proj::pinecone-restore:index:RestoredIndex::idx",
            olds=struct(first),
            news=struct({"backupId": backup_id, "ownerSeed": "forged/seed"}),
        ),
    )
    again = plain(renamed.inputs)
    keys = ("name", "ownerSeed", "ownerNonce")
    assert [again[k] for k in keys] == [first[k] for k in keys]


def test_a_secret_name_makes_its_outputs_secret(plugin: Plugin, backup_id: str) -> None:
    """A name that arrives secret is recorded, and the outputs derived from it come back secret."""
    news = PropertyValue.marshal_map(
        {
            "backupId": PropertyValue(backup_id),
            "name": PropertyValue("hush", is_secret=True),
        }
    )
    checked = plugin.call(
        "Check", provider_pb2.CheckRequest(urn=f"{PREFIX}RestoredIndex::idx", news=news)
    )
    assert plain(checked.inputs)["secretInputs"] == ["name"]
    created = create(plugin, "RestoredIndex", "idx", checked.inputs)
    outs = PropertyValue.unmarshal_map(created.properties)
    assert outs["name"].is_secret
    assert outs["host"].is_secret
    assert created.id != "hush"  # an opaque id: the id is stored in plain text


def test_the_owner_key_setting_makes_the_nonce(server: EmulatorServer, backup_id: str) -> None:
    """Two providers with the same ownerKey give a resource one nonce; another key, another."""

    def nonce(owner_key: str) -> str:
        plugin = make_plugin(server, Runtime(sleep=lambda _: None))
        args = PropertyValue.marshal_map({"ownerKey": PropertyValue(owner_key, is_secret=True)})
        plugin.call("Configure", provider_pb2.ConfigureRequest(args=args, acceptSecrets=True))
        inputs = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id}).inputs
        return str(plain(inputs)["ownerNonce"])

    assert nonce("team-key") == nonce("team-key") != nonce("another-key")


def test_a_bad_controller_host_fails_check_config_by_its_key(plugin: Plugin) -> None:
    """Plain http off this machine is refused at CheckConfig, naming the plugin's config key."""
    checked = plugin.call(
        "CheckConfig",
        provider_pb2.CheckRequest(urn="u", news=struct({"controllerHost": "http://example.com"})),
    )
    [failure] = checked.failures
    assert failure.property == "controllerHost"
    assert "pinecone-restore:controllerHost" in failure.reason


@pytest.mark.parametrize(
    ("provider", "hint"),
    [
        ("default", "run `pulumi config set --secret pinecone-restore:apiKey <key>`"),
        ("default_0_9_0", "run `pulumi config set --secret pinecone-restore:apiKey <key>`"),
        ("staging", "set the apiKey property of this provider resource"),
    ],
)
def test_a_missing_key_says_where_this_provider_takes_it(
    server: EmulatorServer, backup_id: str, provider: str, hint: str
) -> None:
    """No apiKey: a default provider's hint is the stack config, an explicit one's its property."""
    plugin = make_plugin(server, Runtime(sleep=lambda _: None))
    urn = f"urn:pulumi:dev::proj::pulumi:providers:pinecone-restore::{provider}"
    plugin.call("CheckConfig", provider_pb2.CheckRequest(urn=urn, news=struct({})))
    plugin.call("Configure", provider_pb2.ConfigureRequest(acceptSecrets=True))
    checked = check(plugin, "RestoredIndex", "idx", {"backupId": backup_id, "name": "nokey"})
    with pytest.raises(AbortedError) as aborted:
        create(plugin, "RestoredIndex", "idx", checked.inputs)
    message = aborted.value.args[0].details
    assert f"no Pinecone API key: {hint}" in message
    assert "or set the PINECONE_API_KEY environment variable" in message
