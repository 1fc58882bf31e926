"""find_backup and latest_backup_id against the emulator, from scripts and Pulumi programs."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pulumi
import pytest
from support import API_KEY, program_engine

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, ManualClock, Timing
from pulumi_pinecone_restore.errors import BackupNotFoundError, ConfigurationError
from pulumi_pinecone_restore.lookup import find_backup, latest_backup_id
from pulumi_pinecone_restore.restored_index import RestoredIndex
from pulumi_pinecone_restore.settings import ClientSettings

SOURCE = "prod-search"
START = 1_750_000_000.0


@pytest.fixture(name="clock")
def _clock(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """A manual emulator clock, so every backup gets a distinct, chosen created_at."""
    clock = ManualClock(start=START)
    monkeypatch.setattr(emulator, "clock", clock)
    return clock


@pytest.fixture(name="source")
def _source(emulator: Emulator, clock: ManualClock) -> str:
    emulator.seed_index(name=SOURCE, tags={"env": "prod"})
    return SOURCE


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator, clock: ManualClock, source: str) -> str:
    """One backup of the source index."""
    del source  # requested so that the index exists
    return seed(emulator, clock, "x")


def seed(emulator: Emulator, clock: ManualClock, name: str | None, **kwargs: Any) -> str:
    """Seed one backup one minute after the previous one; returns its id."""
    clock.advance(60)
    backup = emulator.seed_backup(
        source_index_name=kwargs.pop("source", SOURCE), name=name, **kwargs
    )
    return str(backup["backup_id"])


def test_latest_by_created_at_across_pages(
    emulator: Emulator,
    clock: ManualClock,
    source: str,
    client: ControlPlaneClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The newest backup wins even on the second page and when listed before an older one."""
    ids = [seed(emulator, clock, f"nightly-{i:03}") for i in range(104)]
    # Listed last (created last), but stamped earlier than all the others.
    earlier = ManualClock(start=START - 3600)
    monkeypatch.setattr(emulator, "clock", earlier)
    seed(emulator, earlier, "restamped")
    assert len(list(client.iter_backups(index_name=source))) == 105
    assert find_backup(source_index_name=source, client=client).backup_id == ids[-1]


def test_filters_combine(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """Exact name, name prefix and a tag subset narrow the choice to the latest match."""
    tagged = seed(emulator, clock, "nightly-1", tags={"env": "prod", "keep": "yes"})
    nightly = seed(emulator, clock, "nightly-2")
    weekly = seed(emulator, clock, "weekly-1")
    assert find_backup(source_index_name=source, client=client).backup_id == weekly
    assert (
        find_backup(source_index_name=source, name_prefix="nightly-", client=client).backup_id
        == nightly
    )
    assert (
        find_backup(source_index_name=source, name="nightly-1", client=client).backup_id == tagged
    )
    assert (
        find_backup(source_index_name=source, tags={"keep": "yes"}, client=client).backup_id
        == tagged
    )


def test_unready_backups_are_skipped_unless_asked(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """A newer backup that is still initializing is passed over when ready_only (the default)."""
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=10_000)))
    ready = seed(emulator, clock, "a")
    pending = seed(emulator, clock, "b", ready=False)
    assert find_backup(source_index_name=source, client=client).backup_id == ready
    found = find_backup(source_index_name=source, ready_only=False, client=client)
    assert found.backup_id == pending


def test_whole_project_when_no_source_is_given(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """Without source_index_name the latest backup of any index is found."""
    emulator.seed_index(name="other")
    seed(emulator, clock, "x")
    newest = seed(emulator, clock, "y", source="other")
    assert find_backup(client=client).backup_id == newest


def test_backups_of_a_deleted_index_are_still_found(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """Backups outlive their index; the lookup falls back to the project listing."""
    backup_id = seed(emulator, clock, "last-words")
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing()))
    client.delete_index(source)
    assert find_backup(source_index_name=source, client=client).backup_id == backup_id


def test_no_match_says_what_was_searched_and_what_exists(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """The error names the index, the filters, how many backups exist and their names."""
    for name in ("adhoc-1", "adhoc-2", "weekly"):
        seed(emulator, clock, name)
    with pytest.raises(BackupNotFoundError) as info:
        find_backup(source_index_name=source, name_prefix="nightly-", client=client)
    message = str(info.value)
    assert f"index {SOURCE!r} has 3 backup(s) (3 Ready)" in message
    assert "name_prefix='nightly-'" in message
    assert "'weekly'" in message


def test_by_id(
    emulator: Emulator, clock: ManualClock, source: str, client: ControlPlaneClient
) -> None:
    """An id is described directly; the other filters must still hold for it."""
    backup_id = seed(emulator, clock, "pinned")
    seed(emulator, clock, "newer")
    assert find_backup(backup_id=backup_id, client=client).name == "pinned"
    with pytest.raises(BackupNotFoundError):
        find_backup(backup_id=backup_id, name="newer", client=client)
    with pytest.raises(BackupNotFoundError) as info:
        find_backup(backup_id="no-such-id", client=client)
    assert "no-such-id" in str(info.value)


def test_credentials_from_stack_config(
    backup_id: str, source: str, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a program the stack config pinecone:apiKey/controllerHost is used first."""
    monkeypatch.setenv(
        "PULUMI_CONFIG",
        json.dumps({"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url}),
    )
    wrong_env = {"PINECONE_API_KEY": "wrong", "PINECONE_CONTROLLER_HOST": "http://127.0.0.1:9"}
    assert find_backup(source_index_name=source, environ=wrong_env).backup_id == backup_id


def test_credentials_from_the_environment(
    backup_id: str, source: str, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a program the environment is used; with nothing set the error says what to do."""
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    env = {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}
    assert find_backup(source_index_name=source, environ=env).backup_id == backup_id
    with pytest.raises(ConfigurationError):
        find_backup(source_index_name=source, environ={})


@pulumi.runtime.test  # type: ignore[untyped-decorator]  # the SDK's decorator is untyped
def test_latest_backup_id_resolves_inside_a_program(
    mocked_runtime: None,
    emulator: Emulator,
    clock: ManualClock,
    source: str,
    client: ControlPlaneClient,
) -> pulumi.Output[None]:
    """An Output argument (another resource's output) feeds the lookup; the id comes out."""
    seed(emulator, clock, "nightly-1")
    newest = seed(emulator, clock, "nightly-2")
    source_name = pulumi.Output.from_input(source)
    backup_id = latest_backup_id(
        source_index_name=source_name, name_prefix="nightly-", client=client
    )

    def check(value: str) -> None:
        assert value == newest

    return backup_id.apply(check)


def test_restored_index_follows_then_ignores_a_newer_backup(
    emulator: Emulator,
    clock: ManualClock,
    source: str,
    server: EmulatorServer,
) -> None:
    """A clone fed by latest_backup_id is replaced by a newer backup unless ignore_changes."""
    engine = program_engine(server)
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    seed(emulator, clock, "nightly-1")

    def program(*, pinned: bool) -> None:
        opts = pulumi.ResourceOptions(ignore_changes=["backup_id"]) if pinned else None
        RestoredIndex(
            "clone", opts=opts, backup_id=latest_backup_id(source_index_name=SOURCE, client=client)
        )

    assert set(engine.up(lambda: program(pinned=False)).steps.values()) == {"create"}
    seed(emulator, clock, "nightly-2")
    assert set(engine.up(lambda: program(pinned=True)).steps.values()) == {"same"}
    assert set(engine.up(lambda: program(pinned=False)).steps.values()) == {"replace"}
