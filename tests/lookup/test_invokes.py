"""get_backup / get_restore_job and their _output forms, against the emulator."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pytest
from support import API_KEY

from pulumi_pinecone_restore import (
    BackupModel,
    BackupNotFoundError,
    RestoreJobModel,
    RestoreJobNotFoundError,
    get_backup,
    get_backup_output,
    get_restore_job,
    get_restore_job_output,
    latest_backup_id,
)
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule
from pulumi_pinecone_restore.restore_jobs import TYPED_JOB_RETRY_DELAYS
from pulumi_pinecone_restore.settings import ClientSettings

SOURCE = "prod-search"


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name=SOURCE)
    return str(emulator.seed_backup(source_index_name=SOURCE, name="nightly")["backup_id"])


def test_get_backup_finds_the_latest_of_an_index(
    backup_id: str, client: ControlPlaneClient
) -> None:
    """The plain form blocks and returns the backup model."""
    found = get_backup(source_index_name=SOURCE, client=client)
    assert isinstance(found, BackupModel)
    assert found.backup_id == backup_id


def test_get_backup_says_when_the_index_does_not_exist(
    emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A source index that does not exist is named as missing, not as 'has 0 backups'."""
    with pytest.raises(BackupNotFoundError) as info:
        get_backup(source_index_name="products", client=client)
    assert "index 'products' does not exist" in str(info.value)
    assert "0 backup(s)" not in str(info.value)


def test_get_restore_job_describes_a_job(backup_id: str, client: ControlPlaneClient) -> None:
    """A restore job is found by id, with its backup and target."""
    started = client.create_index_from_backup(backup_id, name="clone")
    job = get_restore_job(restore_job_id=started.restore_job_id, client=client)
    assert isinstance(job, RestoreJobModel)
    assert (job.backup_id, job.target_index_name) == (backup_id, "clone")


def test_get_restore_job_of_an_unknown_id(emulator: Emulator, client: ControlPlaneClient) -> None:
    """An unknown id raises the lookup's own error type, after asking again a few times."""
    waits: list[float] = []
    with pytest.raises(RestoreJobNotFoundError):
        get_restore_job(restore_job_id="no-such-job", client=client, sleep=waits.append)
    assert waits == list(TYPED_JOB_RETRY_DELAYS)


def test_get_restore_job_asks_again_after_a_transient_404(
    emulator: Emulator, client: ControlPlaneClient, backup_id: str
) -> None:
    """A job that answers 404 twice, then itself, is returned."""
    started = client.create_index_from_backup(backup_id, name="flaky")
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=404, times=2))
    job = get_restore_job(
        restore_job_id=started.restore_job_id, client=client, sleep=lambda _s: None
    )
    assert job.restore_job_id == started.restore_job_id


@pulumi.runtime.test  # type: ignore[untyped-decorator]  # the SDK's decorator is untyped
def test_get_backup_output_takes_outputs_and_lifts_attributes(
    mocked_runtime: None, backup_id: str, client: ControlPlaneClient
) -> pulumi.Output[None]:
    """Output arguments feed the lookup, and attribute access on the result lifts."""
    found = get_backup_output(source_index_name=pulumi.Output.from_input(SOURCE), client=client)

    def check(value: str) -> None:
        assert value == backup_id

    return found.backup_id.apply(check)


@pytest.mark.parametrize("lookup", [get_backup_output, latest_backup_id])
def test_a_misspelt_search_keyword_is_refused_by_name(lookup: Callable[..., object]) -> None:
    """The search keywords are one TypedDict: a typo fails at once, naming it and the right ones."""
    with pytest.raises(TypeError, match=r"'source_index'.*source_index_name"):
        lookup(source_index=SOURCE)


@pulumi.runtime.test  # type: ignore[untyped-decorator]  # the SDK's decorator is untyped
def test_get_restore_job_output_follows_an_output_id(
    mocked_runtime: None, backup_id: str, client: ControlPlaneClient
) -> pulumi.Output[None]:
    """The _output form of get_restore_job resolves once its id is known."""
    started = client.create_index_from_backup(backup_id, name="clone")
    job = get_restore_job_output(
        restore_job_id=pulumi.Output.from_input(started.restore_job_id), client=client
    )

    def check(value: RestoreJobModel) -> None:
        assert value.restore_job_id == started.restore_job_id

    return job.apply(check)
