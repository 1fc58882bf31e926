"""RestoredIndexProvider against restore jobs that end badly on the emulator (issue 12).

The emulator's admin cancel and a target index deleted by someone else mid-restore are
outcomes the live service can produce; the provider must fail clearly and leave nothing.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from support import API_KEY, ProviderFactory

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.errors import NotFoundError, RestoreFailedError
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.settings import ClientSettings

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults


@pytest.fixture(name="backup_id")
def _backup_id(emulator: Emulator) -> str:
    emulator.seed_index(name="prod-search", dimension=8)
    return str(emulator.seed_backup(source_index_name="prod-search", name="nightly")["backup_id"])


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))


def _provider_that_meanwhile(
    make_provider: ProviderFactory, emulator: Emulator, action: Any
) -> RestoredIndexProvider:
    """A provider on a fake clock whose first wait runs `action` (the outside world moving)."""
    provider = make_provider(RestoredIndexProvider)
    assert isinstance(provider, RestoredIndexProvider)
    now = [0.0]
    done: list[bool] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if not done:
            done.append(True)
            action()

    provider.runtime = attrs.evolve(provider.runtime, sleep=sleep, clock=lambda: now[0])
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=10_000)))
    return provider


def _create(provider: RestoredIndexProvider, news: dict[str, Any]) -> None:
    checked = provider.check({}, news)
    assert checked.failures == []
    provider.create(dict(checked.inputs))


def _gone(client: ControlPlaneClient, name: str) -> bool:
    """The index is deleted: 404, or Terminating (one definition for both index providers)."""
    try:
        return client.describe_index(name).state == "Terminating"
    except NotFoundError:
        return True


def _running_job(emulator: Emulator) -> str:
    jobs = [j for j in emulator.dump()["restore_jobs"] if j["status"] == "Pending"]
    assert len(jobs) == 1
    return str(jobs[0]["restore_job_id"])


@pytest.mark.usefixtures("each_listing")
@pytest.mark.parametrize("delete_index", [False, True])
def test_cancelled_restore_fails_and_leaves_no_index(
    make_provider: ProviderFactory,
    emulator: Emulator,
    backup_id: str,
    client: ControlPlaneClient,
    delete_index: bool,
) -> None:
    """A restore cancelled mid-way fails the create, and its index does not stay behind."""
    provider = _provider_that_meanwhile(
        make_provider,
        emulator,
        lambda: emulator.cancel_restore(_running_job(emulator), delete_index=delete_index),
    )
    with pytest.raises(RestoreFailedError, match="Cancelled"):
        _create(provider, {"backup_id": backup_id, "name": "cancelled"})
    assert _gone(client, "cancelled")


@pytest.mark.usefixtures("each_listing")
def test_target_deleted_mid_restore_fails_the_create(
    make_provider: ProviderFactory,
    emulator: Emulator,
    backup_id: str,
    client: ControlPlaneClient,
) -> None:
    """Someone deleting the index under a running restore fails the create clearly."""
    provider = _provider_that_meanwhile(
        make_provider, emulator, lambda: emulator.delete_index("vanishing")
    )
    with pytest.raises(RestoreFailedError, match="Failed"):
        _create(provider, {"backup_id": backup_id, "name": "vanishing"})
    assert _gone(client, "vanishing")
