"""The plugin's parts that need no process: names, values, URN seeds, the engine watch."""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures

import grpc
import pytest
from harness.plugin import FakeEngine
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.proto import engine_pb2_grpc

from pulumi_pinecone_restore.lifecycle.inputs import UNKNOWN
from pulumi_pinecone_restore.plugin.provider import camel_message, owner_seed_of
from pulumi_pinecone_restore.plugin.schema import camel, snake
from pulumi_pinecone_restore.plugin.server import ENGINE_MISSES, EngineLog, watch_engine
from pulumi_pinecone_restore.plugin.values import from_wire, to_wire


class StopWatchError(Exception):
    """Raised by a fake sleep to end a watch that would otherwise go on."""


def counting_sleep(limit: int) -> Callable[[float], None]:
    """A sleep that returns at once, and raises StopWatchError after ``limit`` calls."""
    calls = [0]

    def sleep(_: float) -> None:
        calls[0] += 1
        if calls[0] > limit:
            raise StopWatchError

    return sleep


def test_camel_and_snake_are_inverse_for_declared_names() -> None:
    """Every declared name survives the round trip."""
    for name in ("backup_id", "deletion_protection", "create_timeout", "name", "index_id"):
        assert snake(camel(name)) == name


def test_owner_seed_of_a_urn_is_project_stack_name() -> None:
    """The seed is what the dynamic resources derive on a DIY backend: org/project/stack/name."""
    urn = "urn:pulumi:staging::search::pinecone-restore:index:RestoredIndex::idx"
    assert owner_seed_of(urn) == "organization/search/staging/idx"


def test_messages_use_schema_names() -> None:
    """Snake-case property names in a message become camelCase; other words stay."""
    text = "raise create_timeout; backup_id is required; create the index"
    assert camel_message(text) == "raise createTimeout; backupId is required; create the index"


def test_messages_give_input_values_as_a_program_writes_them() -> None:
    """YAML users read `forceDestroy: true`, not Python's `forceDestroy=True`; other text stays."""
    text = (
        'set force_destroy=True, final_backup=False and deletion_protection="disabled"; '
        "pulumi.ResourceOptions(protect=True)"
    )
    assert camel_message(text) == (
        'set forceDestroy: true, finalBackup: false and deletionProtection: "disabled"; '
        "pulumi.ResourceOptions(protect=True)"
    )


def test_wire_values_round_trip_with_unknowns_and_whole_numbers() -> None:
    """Unknowns (sentinel or Computed) are the engine's sentinel; 16.0 arrives as 16; keys stay."""
    wire = {
        "backupId": PropertyValue(UNKNOWN),
        "name": PropertyValue(Computed()),
        "dimension": PropertyValue(16.0),
        "tags": PropertyValue({"team_name": PropertyValue("a")}),
    }
    bag = from_wire(wire)
    assert bag == {
        "backup_id": UNKNOWN,
        "name": UNKNOWN,
        "dimension": 16,
        "tags": {"team_name": "a"},
    }
    back = to_wire(bag)
    assert back["backupId"].value == UNKNOWN
    assert back["tags"].value["team_name"].value == "a"


def test_set_members_are_renamed_inside() -> None:
    """A set member's keys are schema names on the wire and declaration names inside."""
    member = PropertyValue({"backupId": PropertyValue("b1")})
    assert from_wire({"members": PropertyValue({"a": member})}) == {
        "members": {"a": {"backup_id": "b1"}}
    }


def test_watch_exits_when_the_parent_changes() -> None:
    """A new parent (the engine died and the plugin was re-parented) ends the plugin."""
    exits: list[str] = []
    parents = iter([10, 10, 1])
    watch_engine(
        10,
        lambda: True,
        lambda: exits.append("exit"),
        sleep=counting_sleep(10),
        getppid=lambda: next(parents),
    )
    assert exits == ["exit"]


def test_watch_exits_after_the_engine_stops_answering() -> None:
    """ENGINE_MISSES failed checks in a row end the plugin."""
    exits: list[str] = []
    watch_engine(
        10,
        lambda: False,
        lambda: exits.append("exit"),
        sleep=counting_sleep(10),
        getppid=lambda: 10,
    )
    assert exits == ["exit"]


def test_watch_keeps_running_while_the_engine_answers() -> None:
    """An engine that answers (with one miss in between) keeps the plugin up."""
    answers = iter([True, False, True] * ENGINE_MISSES * 4)
    with pytest.raises(StopWatchError):
        watch_engine(
            10,
            lambda: next(answers),
            lambda: pytest.fail("the plugin exited"),
            sleep=counting_sleep(ENGINE_MISSES * 3),
            getppid=lambda: 10,
        )


def test_engine_log_attaches_lines_to_the_urn_and_falls_back_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Lines reach the engine's Log with the URN; with the engine gone, stderr gets them."""
    engine = FakeEngine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    log = EngineLog(f"127.0.0.1:{port}")
    log("urn:pulumi:dev::p::t::idx", "RestoredIndex idx: ready")
    assert log.alive()
    server.stop(0).wait()
    log("urn:pulumi:dev::p::t::idx", "after the engine")
    assert [(m.urn, m.message) for m in engine.messages] == [
        ("urn:pulumi:dev::p::t::idx", "RestoredIndex idx: ready")
    ]
    assert "after the engine" in capsys.readouterr().err
    assert not log.alive()
