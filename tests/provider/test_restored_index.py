"""RestoredIndexProvider methods called directly against the emulator."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from support import (
    ProviderFactory,
    assert_refused_by_name,
    checked,
    create,
    read_back,
    update_in_place,
)

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule
from pulumi_pinecone_restore.errors import (
    AuthenticationError,
    ImportRefusedError,
    NameTakenError,
    NotFoundError,
    RestoreFailedError,
)
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

BACKUP_TAGS = {"team": "search", "env": "prod"}


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=8, metric="dotproduct", tags=BACKUP_TAGS)
    backup = emulator.seed_backup(source_index_name="prod-search", name="nightly")
    return str(backup["backup_id"])


@pytest.fixture(name="provider")
def _provider(make_provider: ProviderFactory) -> RestoredIndexProvider:
    return make_provider(RestoredIndexProvider)


def test_full_lifecycle(
    provider: RestoredIndexProvider, backup_id: str, client: ControlPlaneClient
) -> None:
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

    assert read_back(provider, id_, outs)["host"] == outs["host"]

    news = checked(
        provider,
        {
            "backup_id": backup_id,
            "name": "search-staging",
            "tags": {"env": "staging"},
            "deletion_protection": "enabled",
        },
    )
    updated = update_in_place(provider, id_, outs, news)
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


@pytest.mark.parametrize(
    ("change", "replaces", "delete_first"),
    [
        ({"backup_id": "later"}, ["backup_id"], True),  # the same name must be free first
        ({"name": "new-name"}, ["name"], False),  # a new name frees nothing: create first
    ],
    ids=["new-backup", "new-name"],
)
def test_an_explicit_name_is_replaced_delete_first_only_when_kept(  # noqa: PLR0917 - fixtures
    provider: RestoredIndexProvider,
    backup_id: str,
    emulator: Emulator,
    change: dict[str, str],
    replaces: list[str],
    delete_first: bool,
) -> None:
    """A replace that keeps an explicit name deletes first (names are unique); a rename does not."""
    news = {"backup_id": backup_id, "name": "fixed"}
    id_, outs = create(provider, news)
    if change.get("backup_id") == "later":  # a Ready backup: the diff looks at it
        later = emulator.seed_backup(source_index_name="prod-search", name="later")
        change = {"backup_id": str(later["backup_id"])}
    diff = provider.diff(id_, outs, checked(provider, {**news, **change}))
    assert diff.replaces == replaces
    assert diff.delete_before_replace is delete_first


def test_unknown_backup_at_preview_means_replace(
    provider: RestoredIndexProvider, backup_id: str
) -> None:
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
def test_check_reports_bad_input_per_property(
    provider: RestoredIndexProvider, news: dict[str, Any], prop: str
) -> None:
    """Each bad input yields one failure naming its property, before any API call."""
    assert_refused_by_name(provider, news, prop)


def test_failed_restore_deletes_its_index(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A Failed job leaves nothing behind and the error names the job and the backup."""
    emulator.fail_restores_from(backup_id)
    with pytest.raises(RestoreFailedError) as info:
        create(
            provider, {"backup_id": backup_id, "name": "doomed", "deletion_protection": "enabled"}
        )
    assert backup_id in str(info.value)
    assert "restore job" in str(info.value)
    with pytest.raises(NotFoundError):
        client.describe_index("doomed")


def test_missing_backup_is_a_clear_error(provider: RestoredIndexProvider) -> None:
    """An unknown backup id fails with a 404 that says how to find backups."""
    with pytest.raises(NotFoundError) as info:
        create(provider, {"backup_id": "nope", "name": "x"})
    assert "backup_id" in str(info.value)


def test_foreign_index_with_the_name_is_left_alone(
    provider: RestoredIndexProvider,
    backup_id: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A 409 for an index this stack did not restore is an error, and that index survives."""
    emulator.seed_index(name="taken", dimension=3)
    with pytest.raises(NameTakenError) as info:
        create(provider, {"backup_id": backup_id, "name": "taken"})
    assert "left untouched" in str(info.value)
    assert client.describe_index("taken").dimension == 3


def test_explicit_empty_tags_end_empty(provider: RestoredIndexProvider, backup_id: str) -> None:
    """tags={} means no tags, even though the restore starts from the backup's."""
    _, outs = create(provider, {"backup_id": backup_id, "name": "bare", "tags": {}})
    assert outs["tags"] == {}


def test_throttling_and_server_errors_are_retried(
    provider: RestoredIndexProvider, backup_id: str, emulator: Emulator
) -> None:
    """429 (with and without Retry-After), 503 and dropped connections on reads are retried."""
    emulator.add_fault(
        FaultRule(method="GET", path="/restore-jobs/*", status=429, retry_after=0, times=2)
    )
    emulator.add_fault(FaultRule(method="GET", path="/indexes/*", status=503, times=1))
    emulator.add_fault(FaultRule(method="GET", path="/backups/*", drop=True, times=1))
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=429, times=1))
    _, outs = create(provider, {"backup_id": backup_id, "name": "bumpy"})
    assert outs["state"] == "Ready"


def test_wrong_api_key_error_does_not_leak_the_key(server: EmulatorServer, backup_id: str) -> None:
    """A 401 surfaces as AuthenticationError whose text holds no key."""
    provider = RestoredIndexProvider()
    secret = "pcsk_wrong_key_0123456789"
    provider.runtime = attrs.evolve(
        provider.runtime, config={"pinecone:apiKey": secret, "pinecone:controllerHost": server.url}
    )
    with pytest.raises(AuthenticationError) as info:
        provider.create(checked(provider, {"backup_id": backup_id, "name": "x"}))
    assert secret not in str(info.value)
    assert secret not in repr(provider.runtime)


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
