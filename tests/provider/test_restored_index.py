"""RestoredIndexProvider methods called directly against the emulator."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from support import API_KEY, ProviderFactory

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule, Timing
from pulumi_pinecone_restore.errors import (
    AuthenticationError,
    DeletionProtectedError,
    ImportRefusedError,
    NameTakenError,
    NotFoundError,
    RestoreFailedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.settings import ClientSettings

BACKUP_TAGS = {"team": "search", "env": "prod"}


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=8, metric="dotproduct", tags=BACKUP_TAGS)
    backup = emulator.seed_backup(source_index_name="prod-search", name="nightly")
    return str(backup["backup_id"])


@pytest.fixture(name="provider")
def _provider(make_provider: ProviderFactory) -> RestoredIndexProvider:
    provider = make_provider(RestoredIndexProvider)
    assert isinstance(provider, RestoredIndexProvider)
    return provider


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))


def checked(provider: RestoredIndexProvider, news: dict[str, Any],
            olds: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run check and insist that it passes, as the engine would before create."""
    result = provider.check(olds or {}, news)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def create(provider: RestoredIndexProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check then create; returns (id, outputs)."""
    result = provider.create(checked(provider, news))
    assert result.outs is not None
    return result.id, dict(result.outs)


def test_full_lifecycle(provider: RestoredIndexProvider, backup_id: str,
                        client: ControlPlaneClient) -> None:
    """Create, read, update and delete map onto restore, describe, configure and delete."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "search-staging"})
    assert id_ == "search-staging"
    assert outs["state"] == "Ready"
    assert (outs["dimension"], outs["metric"], outs["cloud"]) == (8, "dotproduct", "aws")
    assert outs["tags"] == BACKUP_TAGS  # omitted tags inherit the backup's
    assert outs["restore_job_status"] == "Completed"
    assert outs["restore_completed_at"]
    assert outs["source_index_name"] == "prod-search"
    assert outs["host"]

    read = provider.read(id_, outs)
    assert read.id == id_
    assert read.outs is not None
    assert read.outs["host"] == outs["host"]

    news = checked(provider, {"backup_id": backup_id, "name": "search-staging",
                              "tags": {"env": "staging"}, "deletion_protection": "enabled"})
    diff = provider.diff(id_, outs, news)
    assert diff.changes
    assert not diff.replaces
    updated = provider.update(id_, outs, news).outs
    assert updated is not None
    assert updated["tags"] == {"env": "staging"}  # "team" removed, "env" changed
    assert client.describe_index(id_).deletion_protection == "enabled"

    news_off = {**news, "deletion_protection": "disabled"}
    off = provider.update(id_, updated, news_off).outs
    assert off is not None
    provider.delete(id_, off)
    with pytest.raises(NotFoundError):
        client.describe_index(id_)


def test_identical_inputs_make_no_diff(provider: RestoredIndexProvider, backup_id: str) -> None:
    """Re-running with the same inputs, or with unmanaged tags, changes nothing."""
    news = checked(provider, {"backup_id": backup_id, "name": "same"})
    id_, outs = create(provider, news)
    again = checked(provider, {"backup_id": backup_id, "name": "same"}, olds=news)
    diff = provider.diff(id_, outs, again)
    assert not diff.changes
    assert diff.replaces == []


def test_auto_name_is_stable_and_changes_with_backup(
    provider: RestoredIndexProvider, backup_id: str
) -> None:
    """An omitted name is derived once and kept; a new backup gets a new name (create first)."""
    news = {"backup_id": backup_id, "owner_seed": "proj/dev/search"}
    first = checked(provider, news)
    assert first["name"].startswith("search-")
    assert checked(provider, news, olds=first)["name"] == first["name"]
    other = checked(provider, {**news, "backup_id": "another-backup"}, olds=first)
    assert other["name"] != first["name"]
    _, outs = create(provider, news)
    diff = provider.diff(first["name"], outs, other)
    assert set(diff.replaces or []) == {"backup_id", "name"}
    assert diff.delete_before_replace is False


def test_explicit_name_replaces_delete_first(provider: RestoredIndexProvider,
                                             backup_id: str) -> None:
    """With an explicit name a new backup means delete-before-replace (names are unique)."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "fixed"})
    diff = provider.diff(id_, outs, checked(provider, {"backup_id": "other", "name": "fixed"}))
    assert diff.replaces == ["backup_id"]
    assert diff.delete_before_replace is True


def test_renamed_index_is_created_before_the_old_one_goes(provider: RestoredIndexProvider,
                                                          backup_id: str) -> None:
    """A new explicit name frees nothing, so the replacement is created first."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "old-name"})
    diff = provider.diff(id_, outs, checked(provider, {"backup_id": backup_id, "name": "new-name"}))
    assert diff.replaces == ["name"]
    assert diff.delete_before_replace is False


def test_unknown_backup_at_preview_means_replace(provider: RestoredIndexProvider,
                                                 backup_id: str) -> None:
    """An unknown backup id at preview is reported as a possible replacement."""
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    id_, outs = create(provider, {"backup_id": backup_id, "name": "fixed"})
    result = provider.check({}, {"backup_id": unknown, "name": "fixed", "tags": unknown})
    assert result.failures == []
    assert "backup_id" in (provider.diff(id_, outs, dict(result.inputs)).replaces or [])


@pytest.mark.parametrize(
    ("news", "prop"),
    [
        ({"name": "x"}, "backup_id"),
        ({"backup_id": "b", "name": "Bad_Name"}, "name"),
        ({"backup_id": "b", "tags": {"k": ""}}, "tags"),
        ({"backup_id": "b", "deletion_protection": "yes"}, "deletion_protection"),
        ({"backup_id": "b", "create_timeout": "soon"}, "create_timeout"),
        ({"backup_id": "b", "delete_timeout": -1}, "delete_timeout"),
        ({"backup_id": "b", "force_destroy": "yes"}, "force_destroy"),
    ],
)
def test_check_reports_bad_input_per_property(provider: RestoredIndexProvider,
                                              news: dict[str, Any], prop: str) -> None:
    """Each bad input yields one failure naming its property, before any API call."""
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == [prop]
    assert prop in failures[0].reason


def test_failed_restore_deletes_its_index(provider: RestoredIndexProvider, backup_id: str,
                                          emulator: Emulator, client: ControlPlaneClient) -> None:
    """A Failed job leaves nothing behind and the error names the job and the backup."""
    emulator.fail_restores_from(backup_id)
    with pytest.raises(RestoreFailedError) as info:
        create(provider, {"backup_id": backup_id, "name": "doomed",
                          "deletion_protection": "enabled"})
    assert backup_id in str(info.value)
    assert "restore job" in str(info.value)
    with pytest.raises(NotFoundError):
        client.describe_index("doomed")


def test_missing_backup_is_a_clear_error(provider: RestoredIndexProvider) -> None:
    """An unknown backup id fails with a 404 that says how to find backups."""
    with pytest.raises(NotFoundError) as info:
        create(provider, {"backup_id": "nope", "name": "x"})
    assert "backup_id" in str(info.value)


def test_timeout_then_next_up_adopts_the_restore(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A create that runs out of budget is resumed, not duplicated, by the next create."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=10_000)))
    fake_now = [0.0]
    provider.runtime = attrs.evolve(
        provider.runtime, clock=lambda: fake_now[0],
        sleep=lambda s: fake_now.__setitem__(0, fake_now[0] + s),
    )
    news = {"backup_id": backup_id, "name": "slow", "create_timeout": 30}
    with pytest.raises(WaitTimeoutError) as info:
        create(provider, news)
    message = str(info.value)
    assert "pulumi up" in message
    assert "slow" in message
    first_job = next(j for j in client.iter_restore_jobs() if j.target_index_name == "slow")

    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=1)))
    id_, outs = create(provider, news)
    assert id_ == "slow"
    assert outs["restore_job_id"] == first_job.restore_job_id
    assert outs["index_id"] == first_job.target_index_id
    assert [j.target_index_name for j in client.iter_restore_jobs()].count("slow") == 1


def test_foreign_index_with_the_name_is_left_alone(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A 409 for an index this stack did not restore is an error, and that index survives."""
    emulator.seed_index(name="taken", dimension=3)
    with pytest.raises(NameTakenError) as info:
        create(provider, {"backup_id": backup_id, "name": "taken"})
    assert "left untouched" in str(info.value)
    assert client.describe_index("taken").dimension == 3


def test_deletion_protection_blocks_destroy_with_guidance(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient
) -> None:
    """A protected index is not deleted; the error explains both ways out."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "guarded",
                                  "deletion_protection": "enabled"})
    with pytest.raises(DeletionProtectedError) as info:
        provider.delete(id_, outs)
    assert "deletion_protection" in str(info.value)
    assert "force_destroy" in str(info.value)
    assert client.describe_index(id_).deletion_protection == "enabled"


def test_force_destroy_disables_protection_then_deletes(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient
) -> None:
    """With force_destroy the provider turns protection off and deletes."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "forced",
                                  "deletion_protection": "enabled", "force_destroy": True})
    provider.delete(id_, outs)
    with pytest.raises(NotFoundError):
        client.describe_index(id_)


def test_delete_of_missing_index_is_done(provider: RestoredIndexProvider, backup_id: str,
                                         client: ControlPlaneClient) -> None:
    """Deleting an index that is already gone succeeds."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "gone"})
    client.delete_index(id_)
    provider.delete(id_, outs)


def test_out_of_band_delete_drops_the_resource(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient,
    emulator: Emulator,
) -> None:
    """Refresh of an index deleted outside Pulumi reports it gone (no id)."""
    id_, outs = create(provider, {"backup_id": backup_id, "name": "vanishing"})
    client.delete_index(id_)
    assert not provider.read(id_, outs).id
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    assert not provider.read(id_, outs).id


def test_drift_in_managed_inputs_shows_on_refresh(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient
) -> None:
    """Tags and protection changed out of band come back as inputs and produce a diff."""
    news = checked(provider, {"backup_id": backup_id, "name": "drifty",
                              "tags": {"env": "staging"}, "deletion_protection": "disabled"})
    id_, outs = create(provider, news)
    client.configure_index(id_, tags={"owner": "someone"}, deletion_protection="enabled")
    read = provider.read(id_, outs)
    assert read.inputs is not None
    assert read.inputs["tags"] == {"env": "staging", "owner": "someone"}
    assert read.inputs["deletion_protection"] == "enabled"
    assert read.outs is not None
    diff = provider.diff(id_, read.outs, news)
    assert diff.changes
    fixed = provider.update(id_, read.outs, news).outs
    assert fixed is not None
    assert fixed["tags"] == {"env": "staging"}
    assert fixed["deletion_protection"] == "disabled"


def test_unmanaged_tags_never_drift(provider: RestoredIndexProvider, backup_id: str,
                                    client: ControlPlaneClient) -> None:
    """With tags omitted, server-side tag changes are shown but never diffed."""
    news = checked(provider, {"backup_id": backup_id, "name": "loose"})
    id_, outs = create(provider, news)
    client.configure_index(id_, tags={"extra": "1"})
    read = provider.read(id_, outs)
    assert read.outs is not None
    assert read.outs["tags"]["extra"] == "1"
    assert not provider.diff(id_, read.outs, news).changes


def test_explicit_empty_tags_end_empty(provider: RestoredIndexProvider, backup_id: str) -> None:
    """tags={} means no tags, even though the restore starts from the backup's."""
    _, outs = create(provider, {"backup_id": backup_id, "name": "bare", "tags": {}})
    assert outs["tags"] == {}


def test_throttling_and_server_errors_are_retried(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator
) -> None:
    """429 (with and without Retry-After), 503 and dropped connections on reads are retried."""
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=429,
                                 retry_after=0, times=2))
    emulator.add_fault(FaultRule(method="GET", path="/indexes/*", status=503, times=1))
    emulator.add_fault(FaultRule(method="GET", path="/backups/*", drop=True, times=1))
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=429, times=1))
    _, outs = create(provider, {"backup_id": backup_id, "name": "bumpy"})
    assert outs["state"] == "Ready"


def test_lost_answer_to_the_restore_post_is_adopted_not_repeated(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """When the POST acted but its answer was a 503, create adopts that job: one restore only."""
    emulator.add_fault(FaultRule(method="POST", path="/backups/*/create-index", status=503,
                                 after_action=True, times=1))
    _, outs = create(provider, {"backup_id": backup_id, "name": "once"})
    jobs = [j for j in client.iter_restore_jobs() if j.target_index_name == "once"]
    assert len(jobs) == 1
    assert outs["restore_job_id"] == jobs[0].restore_job_id


def test_refused_restore_post_is_sent_again(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A 503 before the server acted is verified harmless, then the POST is sent again."""
    emulator.add_fault(FaultRule(method="POST", path="/backups/*/create-index", status=503,
                                 times=1))
    create(provider, {"backup_id": backup_id, "name": "retried"})
    assert [j.target_index_name for j in client.iter_restore_jobs()].count("retried") == 1


def test_wrong_api_key_error_does_not_leak_the_key(server: EmulatorServer,
                                                   backup_id: str) -> None:
    """A 401 surfaces as AuthenticationError whose text holds no key."""
    provider = RestoredIndexProvider()
    secret = "pcsk_wrong_key_0123456789"
    provider.runtime = attrs.evolve(provider.runtime, config={
        "pinecone:apiKey": secret, "pinecone:controllerHost": server.url})
    with pytest.raises(AuthenticationError) as info:
        provider.create(checked(provider, {"backup_id": backup_id, "name": "x"}))
    assert secret not in str(info.value)
    assert secret not in repr(provider.runtime)


def test_progress_is_reported(provider: RestoredIndexProvider, backup_id: str,
                              make_provider: ProviderFactory) -> None:
    """Create reports the restore job it follows and the final host."""
    create(provider, {"backup_id": backup_id, "name": "chatty"})
    text = "\n".join(make_provider.progress)
    assert "restore job" in text
    assert "ready at" in text


def test_import_reads_backup_and_job_from_the_index_name(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient
) -> None:
    """Reading by id alone (pulumi import) recovers the backup, job and inputs."""
    started = client.create_index_from_backup(backup_id, name="imported")
    read = provider.read("imported", {})
    assert read.id == "imported"
    assert read.inputs == {"backup_id": backup_id, "name": "imported"}
    assert read.outs is not None
    assert read.outs["restore_job_id"] == started.restore_job_id
    assert read.outs["index_id"] == started.index_id
    assert read.outs["source_index_name"] == "prod-search"


def test_import_of_an_index_not_made_by_a_restore_is_refused(
    provider: RestoredIndexProvider, emulator: Emulator
) -> None:
    """An index created directly cannot be imported as a RestoredIndex."""
    emulator.seed_index(name="plain", dimension=3)
    with pytest.raises(ImportRefusedError):
        provider.read("plain", {})
