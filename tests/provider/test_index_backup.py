"""IndexBackupProvider methods called directly against the emulator."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import attrs
import pulumi
import pytest
from support import (
    API_KEY,
    ProviderFactory,
    assert_refused_by_name,
    checked,
    create,
    program_engine,
    read_back,
    update_in_place,
)

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule, Timing
from pulumi_pinecone_restore.errors import (
    BackupFailedError,
    ImportRefusedError,
    NotFoundError,
    PreconditionFailedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.index_backup import IndexBackup, IndexBackupArgs
from pulumi_pinecone_restore.models import BackupModel
from pulumi_pinecone_restore.providers.index_backup import IndexBackupProvider
from pulumi_pinecone_restore.restored_index import RestoredIndex
from pulumi_pinecone_restore.settings import ClientSettings

SOURCE = "prod-search"
SOURCE_TAGS = {"team": "search"}


@pytest.fixture(name="source")
def _source(emulator: Emulator) -> str:
    emulator.seed_index(name=SOURCE, dimension=8, metric="dotproduct", tags=SOURCE_TAGS)
    return SOURCE


@pytest.fixture(name="provider")
def _provider(make_provider: ProviderFactory) -> IndexBackupProvider:
    return make_provider(IndexBackupProvider)


def use_fake_clock(provider: IndexBackupProvider) -> None:
    """Make the provider's sleeps advance a fake clock instead of waiting."""
    now = [0.0]
    provider.runtime = attrs.evolve(
        provider.runtime,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )


def test_full_lifecycle(
    provider: IndexBackupProvider, source: str, client: ControlPlaneClient
) -> None:
    """Create, read, update and delete map onto backup, describe, nothing and delete."""
    id_, outs = create(
        provider,
        {"source_index_name": source, "name": "nightly", "description": "before the migration"},
    )
    assert id_ == outs["backup_id"]
    assert outs["status"] == "Ready"
    assert (outs["name"], outs["description"]) == ("nightly", "before the migration")
    assert (outs["dimension"], outs["metric"], outs["cloud"]) == (8, "dotproduct", "aws")
    assert outs["source_index_name"] == source
    assert outs["source_index_id"]
    assert outs["tags"] == SOURCE_TAGS
    assert outs["record_count"] is not None
    assert outs["created_at"]

    assert read_back(provider, id_, outs)["status"] == "Ready"

    news = checked(
        provider,
        {
            "source_index_name": source,
            "name": "nightly",
            "description": "before the migration",
            "delete_timeout": "20m",
        },
    )
    updated = update_in_place(provider, id_, outs, news)
    assert updated["backup_id"] == id_
    assert updated["delete_timeout"] == "20m"

    provider.delete(id_, updated)
    with pytest.raises(NotFoundError):
        client.describe_backup(id_)


def test_identical_inputs_make_no_diff(provider: IndexBackupProvider, source: str) -> None:
    """Re-running with the same inputs changes nothing."""
    news = {"source_index_name": source, "name": "same", "trigger": 1}
    id_, outs = create(provider, news)
    diff = provider.diff(id_, outs, checked(provider, news))
    assert not diff.changes
    assert diff.replaces == []


@pytest.mark.parametrize("description", ["nightly ", "", "  ", None, "two  spaces  "])
def test_a_description_comes_back_as_given_so_nothing_changes(
    provider: IndexBackupProvider, source: str, description: str | None
) -> None:
    """Trailing spaces and an empty description are the user's: an unchanged program is no diff.

    Else every `pulumi up` replaced the backup (and any index restored from it).
    """
    news = {"source_index_name": source, "description": description}
    _, outs = create(provider, news)
    assert outs["description"] == description
    assert not provider.diff("id", outs, checked(provider, news)).changes


def test_new_trigger_replaces_create_before_delete(
    provider: IndexBackupProvider, source: str
) -> None:
    """A changed trigger asks for a fresh backup, taken before the old one is deleted."""
    id_, outs = create(provider, {"source_index_name": source, "trigger": "2025-06-01"})
    diff = provider.diff(
        id_, outs, checked(provider, {"source_index_name": source, "trigger": "2025-06-02"})
    )
    assert diff.changes
    assert diff.replaces == ["trigger"]
    assert diff.delete_before_replace is False


@pytest.mark.parametrize("key", ["source_index_name", "name", "description"])
def test_immutable_inputs_replace(provider: IndexBackupProvider, source: str, key: str) -> None:
    """Changing what the backup is made of (or called) replaces it."""
    news = {"source_index_name": source, "name": "a", "description": "d"}
    id_, outs = create(provider, news)
    diff = provider.diff(id_, outs, {**news, key: "other"})
    assert diff.replaces == [key]


def test_unknown_input_at_preview_means_replace(provider: IndexBackupProvider, source: str) -> None:
    """A trigger that is another resource's unknown output passes check and diffs as replace."""
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    id_, outs = create(provider, {"source_index_name": source})
    news = {"source_index_name": source, "trigger": unknown}
    assert provider.check({}, news).failures == []
    assert provider.diff(id_, outs, news).replaces == ["trigger"]


@pytest.mark.parametrize(
    ("news", "prop"),
    [
        ({}, "source_index_name"),
        ({"source_index_name": "Bad_Name"}, "source_index_name"),
        ({"source_index_name": "ok", "name": ""}, "name"),
        ({"source_index_name": "ok", "name": 3}, "name"),
        ({"source_index_name": "ok", "description": ["x"]}, "description"),
        ({"source_index_name": "ok", "trigger": {"a": 1}}, "trigger"),
        ({"source_index_name": "ok", "create_timeout": "soon"}, "create_timeout"),
        ({"source_index_name": "ok", "delete_timeout": 0}, "delete_timeout"),
    ],
)
def test_check_reports_bad_input_per_property(
    provider: IndexBackupProvider, news: dict[str, Any], prop: str
) -> None:
    """Each bad input yields one failure naming its property, before any API call."""
    assert_refused_by_name(provider, news, prop)


def test_missing_source_index_is_a_clear_error(provider: IndexBackupProvider) -> None:
    """Backing up an index that does not exist fails with a 404 naming the input."""
    with pytest.raises(NotFoundError) as info:
        create(provider, {"source_index_name": "nope"})
    assert "source_index_name" in str(info.value)
    # `pulumi.dynamic` prints the traceback: one frame of ours, no chain of causes.
    printed = "".join(traceback.format_exception(info.value))
    assert "direct cause" not in printed
    ours = [f for f in traceback.extract_tb(info.tb) if "pulumi_pinecone_restore" in f.filename]
    assert [Path(f.filename).parts[-2:] for f in ours] == [("providers", "base.py")]
    assert printed.rstrip().endswith(str(info.value))


def test_source_index_not_ready_is_a_clear_error(
    provider: IndexBackupProvider, emulator: Emulator
) -> None:
    """An index that is still initializing cannot be backed up; the 412 says to retry later."""
    emulator.seed_index(name="warming", ready=False)
    emulator.set_timings(attrs.evolve(emulator.timings, index_ready=Timing(reads=10_000)))
    with pytest.raises(PreconditionFailedError) as info:
        create(provider, {"source_index_name": "warming"})
    assert info.value.code == "FAILED_PRECONDITION"
    assert "pulumi up" in str(info.value)


class _FailingBackups(ControlPlaneClient):
    """A client that reports every described backup as Failed (the emulator never fails one)."""

    def describe_backup(self, backup_id: str) -> BackupModel:
        """Describe, then pretend the backup failed."""
        return attrs.evolve(super().describe_backup(backup_id), status="Failed")


def test_failed_backup_is_deleted_and_reported(
    provider: IndexBackupProvider, source: str, server: EmulatorServer, client: ControlPlaneClient
) -> None:
    """A backup that ends Failed is deleted, and the error names it and its status."""
    provider.runtime = attrs.evolve(
        provider.runtime,
        client_override=_FailingBackups(
            ClientSettings(api_key=API_KEY, controller_host=server.url)
        ),
    )
    with pytest.raises(BackupFailedError) as info:
        create(provider, {"source_index_name": source, "name": "doomed"})
    assert info.value.code == "BACKUP_FAILED"
    assert list(client.iter_backups(index_name=source)) == []


def test_timeout_deletes_the_unfinished_backup(
    provider: IndexBackupProvider, source: str, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A backup not Ready within create_timeout is deleted and the error says so."""
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=10_000)))
    use_fake_clock(provider)
    with pytest.raises(WaitTimeoutError) as info:
        create(provider, {"source_index_name": source, "create_timeout": 30})
    message = str(info.value)
    assert "was not ready in time, and it was deleted" in message
    assert "Raise create_timeout (backups of large indexes can take hours)" in message
    assert info.value.left_running is None
    assert list(client.iter_backups(index_name=source)) == []


def test_delete_waits_for_a_pending_restore(
    provider: IndexBackupProvider,
    source: str,
    emulator: Emulator,
    client: ControlPlaneClient,
    make_provider: ProviderFactory,
) -> None:
    """A 412 from a pending restore is retried until the restore ends, then the delete works."""
    id_, outs = create(provider, {"source_index_name": source})
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=3)))
    job_id = client.create_index_from_backup(id_, name="clone").restore_job_id

    def time_passes(_seconds: float) -> None:
        client.describe_restore_job(job_id)  # each observation moves the restore job along

    provider.runtime = attrs.evolve(provider.runtime, sleep=time_passes)
    provider.delete(id_, outs)
    assert any("pending restores" in line for line in make_provider.progress)
    assert client.describe_restore_job(job_id).status == "Completed"
    with pytest.raises(NotFoundError):
        client.describe_backup(id_)


def test_delete_blocked_by_restore_names_it_after_budget(
    provider: IndexBackupProvider,
    source: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A restore pending past delete_timeout yields a 412 naming the job and its index."""
    id_, outs = create(provider, {"source_index_name": source, "delete_timeout": 60})
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=10_000)))
    job_id = client.create_index_from_backup(id_, name="clone").restore_job_id
    use_fake_clock(provider)
    with pytest.raises(PreconditionFailedError) as info:
        provider.delete(id_, outs)
    assert info.value.code == "FAILED_PRECONDITION"
    assert job_id in str(info.value)
    assert "'clone'" in str(info.value)
    assert client.describe_backup(id_).backup_id == id_


def test_delete_of_missing_backup_is_done(
    provider: IndexBackupProvider, source: str, client: ControlPlaneClient, emulator: Emulator
) -> None:
    """Deleting a backup that is already gone succeeds at once: one DELETE, not retried."""
    id_, outs = create(provider, {"source_index_name": source})
    client.delete_backup(id_)
    emulator.reset_requests()
    provider.delete(id_, outs)  # the 404 means done: nothing raised
    assert emulator.request_counts().get("DELETE /backups/{backup_id}") == 1


def test_out_of_band_delete_drops_the_resource(
    provider: IndexBackupProvider, source: str, client: ControlPlaneClient
) -> None:
    """Refresh of a backup deleted outside Pulumi reports it gone (no id)."""
    id_, outs = create(provider, {"source_index_name": source})
    client.delete_backup(id_)
    assert not provider.read(id_, outs).id


def test_read_without_state_describes_an_existing_backup(
    provider: IndexBackupProvider, emulator: Emulator, source: str
) -> None:
    """Reading a backup by id alone (an import) derives its inputs from the backup."""
    backup_id = str(emulator.seed_backup(source_index_name=source, name="old")["backup_id"])
    read = provider.read(backup_id, {})
    assert read.id == backup_id
    assert read.inputs == {"source_index_name": source, "name": "old"}


def test_get_of_a_backup_that_does_not_exist_fails_naming_the_id(
    provider: IndexBackupProvider,
) -> None:
    """`IndexBackup.get` of a missing id fails; it used to succeed with every output None."""
    with pytest.raises(ImportRefusedError) as info:
        provider.read("0b0b0b0b-0000-0000-0000-000000000000", {})
    assert "IndexBackup '0b0b0b0b-0000-0000-0000-000000000000' does not exist" in str(info.value)


def test_imported_inputs_of_a_marked_backup_pass_check(
    provider: IndexBackupProvider, source: str
) -> None:
    """An import of a backup with our mark reads inputs that check accepts; the mark is output."""
    id_, outs = create(provider, {"source_index_name": source, "description": "d"})
    read = provider.read(id_, {})
    assert read.inputs is not None
    assert read.outs is not None
    again = checked(provider, dict(read.inputs))
    assert {k: v for k, v in again.items() if k != "owner_nonce"} == {
        "source_index_name": source,
        "description": "d",
    }
    assert read.outs["owner_mark"] == outs["owner_mark"]


def test_lost_answer_to_the_backup_post_is_adopted_not_repeated(
    provider: IndexBackupProvider,
    source: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """When the POST acted but its answer was a 503, create adopts that backup: one only."""
    older = emulator.seed_backup(source_index_name=source, name="nightly")["backup_id"]
    emulator.add_fault(
        FaultRule(method="POST", path="/indexes/*/backups", status=503, after_action=True, times=1)
    )
    id_, outs = create(provider, {"source_index_name": source, "name": "nightly"})
    named = [b.backup_id for b in client.iter_backups(index_name=source) if b.name == "nightly"]
    # The listing order is the service's (newest first by default), so compare ids, not places.
    assert len(named) == 2
    assert older in named
    assert id_ in named
    assert id_ != older
    assert outs["status"] == "Ready"


def test_refused_backup_post_is_sent_again(
    provider: IndexBackupProvider, source: str, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A 503 before the server acted is verified harmless, then the POST is sent again."""
    emulator.add_fault(FaultRule(method="POST", path="/indexes/*/backups", status=503, times=1))
    create(provider, {"source_index_name": source, "name": "retried"})
    assert [b.name for b in client.iter_backups(index_name=source)] == ["retried"]


def test_lost_answer_without_a_name_is_found_by_its_mark(
    provider: IndexBackupProvider, source: str, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Even an unnamed backup whose POST answer was lost is found by its mark: one backup only."""
    emulator.add_fault(
        FaultRule(method="POST", path="/indexes/*/backups", status=503, after_action=True, times=1)
    )
    id_, outs = create(provider, {"source_index_name": source})
    assert [b.backup_id for b in client.iter_backups(index_name=source)] == [id_]
    assert outs["description"] is None


def test_progress_names_the_backup(
    provider: IndexBackupProvider, source: str, make_provider: ProviderFactory
) -> None:
    """Create reports the backup id it follows and when it is ready."""
    id_, _ = create(provider, {"source_index_name": source, "name": "chatty"})
    text = "\n".join(make_provider.progress)
    assert id_ in text
    assert "Ready" in text


def test_program_backs_up_then_clones(server: EmulatorServer, source: str) -> None:
    """In a program the backup feeds a RestoredIndex; a new trigger replaces both in order."""
    engine = program_engine(server)

    def program(trigger: str) -> None:
        backup = IndexBackup(
            "nightly", IndexBackupArgs(source_index_name=source, name="nightly", trigger=trigger)
        )
        clone = RestoredIndex("clone", backup_id=backup.backup_id)
        pulumi.export("backup_id", backup.backup_id)
        pulumi.export("restored_from", clone.backup_id)

    first = engine.up(lambda: program("1"))
    assert first.exports["backup_id"] == first.exports["restored_from"]
    assert engine.by_name("nightly").id == first.exports["backup_id"]
    second = engine.up(lambda: program("2"))
    assert set(second.steps.values()) == {"replace"}
    assert second.exports["restored_from"] != first.exports["backup_id"]
    with pytest.raises(TypeError, match="source_index_name"):
        IndexBackup("broken")
