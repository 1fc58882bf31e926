"""The official `pinecone` SDK 7.3.0, unmodified, against the served emulator."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer

# The SDK cannot share `.venv` with the newest pulumi (see pyproject.toml); `python3 dev.py test`
# runs this module again in the floor/SDK environment, where it is installed.
pytest.importorskip(
    "pinecone",
    reason="the official pinecone SDK is only in the floor/SDK env (`python3 dev.py sdk-env`); "
    "`python3 dev.py test` runs these tests there",
)
from pinecone import Pinecone, ServerlessSpec
from pinecone.exceptions import (
    ForbiddenException,
    NotFoundException,
    PineconeApiException,
    UnauthorizedException,
)

# Zero timings everywhere (the fixture's default) make the SDK's first poll see the end state,
# so its 5-second wait loops never sleep.
WAIT = 30


@pytest.fixture(name="pc")
def fixture_pc(server: EmulatorServer) -> Pinecone:
    """An SDK client pointed at the served emulator."""
    return Pinecone(api_key=server.emulator.api_key, host=server.url)


def test_create_describe_list_delete_index(pc: Pinecone) -> None:
    """create_index waits for Ready, delete_index waits until the index is gone."""
    index = pc.create_index(
        name="sdk-idx",
        dimension=8,
        metric="dotproduct",
        spec=ServerlessSpec(cloud="aws", region="us-west-2"),
        tags={"team": "a"},
        timeout=WAIT,
    )
    assert index.status.ready is True
    assert pc.describe_index("sdk-idx").metric == "dotproduct"
    assert pc.list_indexes().names() == ["sdk-idx"]
    assert pc.has_index("sdk-idx")
    pc.delete_index("sdk-idx", timeout=WAIT)
    assert not pc.has_index("sdk-idx")


def test_configure_index(pc: Pinecone, emulator: Emulator) -> None:
    """configure_index merges tags and sets deletion protection."""
    emulator.seed_index(name="idx", tags={"a": "1"})
    pc.configure_index("idx", deletion_protection="enabled", tags={"b": "2"})
    index = pc.describe_index("idx")
    assert index.deletion_protection == "enabled"
    assert index.tags.to_dict() == {"a": "1", "b": "2"}


def test_backup_restore_round_trip(pc: Pinecone, emulator: Emulator) -> None:
    """Backups and restores work end to end through the SDK, including its ready-poll."""
    emulator.seed_index(name="src", dimension=8, tags={"env": "prod"})
    backup = pc.create_backup(index_name="src", backup_name="b1", description="nightly")
    assert pc.describe_backup(backup_id=backup.backup_id).status == "Ready"
    assert [b.backup_id for b in pc.list_backups(index_name="src")] == [backup.backup_id]
    assert len(pc.list_backups()) == 1
    restored = pc.create_index_from_backup(name="copy", backup_id=backup.backup_id, timeout=WAIT)
    assert restored.status.ready is True
    assert restored.tags.to_dict() == {"env": "prod"}
    assert len(pc.list_restore_jobs()) == 0  # the default listing lag hides it once
    jobs = pc.list_restore_jobs()
    assert len(jobs) == 1
    job = pc.describe_restore_job(job_id=jobs[0].restore_job_id)
    assert (job.status, job.percent_complete) == ("Completed", 100.0)
    assert job.completed_at is not None
    pc.delete_backup(backup_id=backup.backup_id)
    assert len(pc.list_backups()) == 0


def test_restore_job_paging(pc: Pinecone, emulator: Emulator) -> None:
    """The SDK's pagination_token walks restore-job pages."""
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    for i in range(3):
        emulator.create_index_from_backup(backup_id, {"name": f"copy-{i}"})
    emulator.list_restore_jobs()  # past the default listing lag
    first = pc.list_restore_jobs(limit=2)
    assert len(first) == 2
    second = pc.list_restore_jobs(limit=2, pagination_token=first.pagination.next)
    assert len(second) == 1
    assert second.pagination is None


def test_collections(pc: Pinecone, emulator: Emulator) -> None:
    """Collection calls and an index created from a collection."""
    emulator.seed_index(name="src", dimension=5, pod_type="p1.x1")
    pc.create_collection(name="snap", source="src")
    assert pc.describe_collection("snap")["status"] == "Ready"
    assert [c["name"] for c in pc.list_collections()] == ["snap"]
    index = pc.create_index(
        name="from-snap",
        spec={"serverless": {"cloud": "aws", "region": "us-east-1", "source_collection": "snap"}},
        timeout=WAIT,
    )
    assert index.dimension == 5
    pc.delete_collection("snap")
    assert len(pc.list_collections()) == 0


def test_unauthorized(server: EmulatorServer) -> None:
    """A wrong key raises UnauthorizedException."""
    with pytest.raises(UnauthorizedException) as info:
        Pinecone(api_key="wrong", host=server.url).list_indexes()
    assert info.value.status == 401


def test_forbidden_on_protected_delete(pc: Pinecone, emulator: Emulator) -> None:
    """Deleting a protected index raises ForbiddenException."""
    emulator.seed_index(name="idx", deletion_protection="enabled")
    with pytest.raises(ForbiddenException):
        pc.delete_index("idx", timeout=-1)


def test_not_found(pc: Pinecone) -> None:
    """Missing objects raise NotFoundException."""
    with pytest.raises(NotFoundException):
        pc.describe_index("nope")
    with pytest.raises(NotFoundException):
        pc.describe_backup(backup_id="nope")
    with pytest.raises(NotFoundException):
        pc.describe_restore_job(job_id="nope")


def test_conflict(pc: Pinecone, emulator: Emulator) -> None:
    """A duplicate name raises PineconeApiException with status 409."""
    emulator.seed_index(name="idx")
    with pytest.raises(PineconeApiException) as info:
        pc.create_index(
            name="idx", dimension=8, spec=ServerlessSpec(cloud="aws", region="us-east-1")
        )
    assert info.value.status == 409


def test_failed_restore_raises_in_sdk_wait(pc: Pinecone, emulator: Emulator) -> None:
    """The SDK's wait loop raises when the restored index ends InitializationFailed."""
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    emulator.fail_restores_from(backup_id)
    with pytest.raises(Exception, match="InitializationFailed"):
        pc.create_index_from_backup(name="copy", backup_id=backup_id, timeout=WAIT)
