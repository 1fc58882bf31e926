"""Backups, restores, pagination and collections in the state machine, without HTTP."""

from __future__ import annotations

import pytest
from emulator.bodies import from_collection

from pulumi_pinecone_restore.emulator import (
    AlreadyExistsError,
    Emulator,
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
    ManualClock,
    NotFoundError,
    Quotas,
    Timing,
    Timings,
    UnprocessableError,
)


@pytest.fixture(name="backup_id")
def fixture_backup_id(emulator: Emulator) -> str:
    """A Ready backup of a Ready 'src' index (dimension 16, euclidean, gcp)."""
    emulator.seed_index(
        name="src",
        dimension=16,
        metric="euclidean",
        cloud="gcp",
        region="europe-west4",
        tags={"env": "prod"},
    )
    return str(emulator.seed_backup(source_index_name="src", name="nightly")["backup_id"])


def test_backup_copies_source_and_becomes_ready(clock: ManualClock) -> None:
    """A new backup is Pending (2025-04 docs) with the source's settings, then Ready with counts."""
    emu = Emulator(clock=clock, timings=Timings(backup_ready=Timing(seconds=60)))
    index = emu.seed_index(name="src", dimension=4, tags={"a": "b"})
    backup = emu.create_backup("src", {"name": "b1", "description": "first"})
    assert backup["status"] == "Pending"
    assert "record_count" not in backup
    assert (backup["dimension"], backup["metric"], backup["tags"]) == (4, "cosine", {"a": "b"})
    assert (backup["cloud"], backup["region"]) == ("aws", "us-east-1")
    assert backup["source_index_name"] == index["name"]
    clock.advance(60)
    ready = emu.describe_backup(backup["backup_id"])
    assert ready["status"] == "Ready"
    assert ready["record_count"] == 0


def test_backup_of_missing_index_is_not_found(emulator: Emulator) -> None:
    """Backing up a missing index is 404."""
    with pytest.raises(NotFoundError):
        emulator.create_backup("nope", {})


def test_backup_of_initializing_index_is_failed_precondition(clock: ManualClock) -> None:
    """Only a Ready index can be backed up."""
    emu = Emulator(clock=clock, timings=Timings(index_ready=Timing(seconds=5)))
    emu.seed_index(name="src", ready=False)
    with pytest.raises(FailedPreconditionError):
        emu.create_backup("src", {})


def test_backup_body_types_are_checked(emulator: Emulator) -> None:
    """A non-string backup name is 422."""
    emulator.seed_index(name="src")
    with pytest.raises(UnprocessableError):
        emulator.create_backup("src", {"name": 3})


def test_backup_quota_is_forbidden(clock: ManualClock) -> None:
    """Creating past the backup quota is 403."""
    emu = Emulator(clock=clock, quotas=Quotas(backups=1))
    emu.seed_index(name="src")
    emu.create_backup("src", {})
    with pytest.raises(ForbiddenError):
        emu.create_backup("src", {})


def test_backups_outlive_their_index(emulator: Emulator, backup_id: str) -> None:
    """Deleting the source index keeps its backups."""
    emulator.delete_index("src")
    assert emulator.describe_backup(backup_id)["source_index_name"] == "src"
    with pytest.raises(NotFoundError):
        emulator.list_index_backups("src")


def test_restore_inherits_from_backup(emulator: Emulator, backup_id: str) -> None:
    """The restored index takes dimension, metric, cloud, region and tags from the backup."""
    result = emulator.create_index_from_backup(backup_id, {"name": "copy", "tags": {}})
    index = emulator.describe_index("copy")
    assert index["dimension"] == 16
    assert index["metric"] == "euclidean"
    assert index["spec"] == {"serverless": {"cloud": "gcp", "region": "europe-west4"}}
    assert index["tags"] == {"env": "prod"}
    job = emulator.describe_restore_job(result["restore_job_id"])
    assert job["target_index_id"] == result["index_id"]
    assert job["target_index_name"] == "copy"


def test_restore_with_tags_uses_them(emulator: Emulator, backup_id: str) -> None:
    """Tags given on restore replace the backup's tags."""
    emulator.create_index_from_backup(backup_id, {"name": "copy", "tags": {"k": "v"}})
    assert emulator.describe_index("copy")["tags"] == {"k": "v"}


def test_restore_lifecycle_pending_then_completed(clock: ManualClock) -> None:
    """The job is Pending and the index Initializing until the restore time passes."""
    emu = Emulator(clock=clock, timings=Timings(restore=Timing(seconds=100)))
    emu.seed_index(name="src")
    backup_id = emu.seed_backup(source_index_name="src")["backup_id"]
    job_id = emu.create_index_from_backup(backup_id, {"name": "copy"})["restore_job_id"]
    pending = emu.describe_restore_job(job_id)
    assert pending["status"] == "Pending"
    assert "completed_at" not in pending
    assert emu.describe_index("copy")["status"] == {"ready": False, "state": "Initializing"}
    clock.advance(100)
    done = emu.describe_restore_job(job_id)
    assert done["status"] == "Completed"
    assert done["percent_complete"] == 100.0
    assert "completed_at" in done
    assert emu.describe_index("copy")["status"] == {"ready": True, "state": "Ready"}


def test_reads_of_restored_index_advance_the_restore(emulator: Emulator, backup_id: str) -> None:
    """Describing the restored index counts as an observation of its restore."""
    emulator.set_timings(Timings(restore=Timing(reads=1)))
    emulator.create_index_from_backup(backup_id, {"name": "copy"})
    assert emulator.describe_index("copy")["status"]["state"] == "Initializing"
    assert emulator.describe_index("copy")["status"]["state"] == "Ready"


def test_failed_restores(emulator: Emulator, backup_id: str) -> None:
    """A backup marked to fail makes its restores Failed and the index InitializationFailed."""
    emulator.fail_restores_from(backup_id)
    job_id = emulator.create_index_from_backup(backup_id, {"name": "copy"})["restore_job_id"]
    assert emulator.describe_restore_job(job_id)["status"] == "Failed"
    assert emulator.describe_index("copy")["status"] == {
        "ready": False,
        "state": "InitializationFailed",
    }


def test_restore_from_unknown_backup_is_not_found(emulator: Emulator) -> None:
    """Restoring from a missing backup is 404."""
    with pytest.raises(NotFoundError):
        emulator.create_index_from_backup("missing", {"name": "copy"})


def test_restore_into_taken_name_is_already_exists(emulator: Emulator, backup_id: str) -> None:
    """Restoring into an existing index name is 409."""
    with pytest.raises(AlreadyExistsError):
        emulator.create_index_from_backup(backup_id, {"name": "src"})


def test_restore_from_unready_backup_is_failed_precondition(clock: ManualClock) -> None:
    """A backup that is not Ready cannot be restored (412)."""
    emu = Emulator(clock=clock, timings=Timings(backup_ready=Timing(seconds=5)))
    emu.seed_index(name="src")
    backup_id = emu.seed_backup(source_index_name="src", ready=False)["backup_id"]
    with pytest.raises(FailedPreconditionError):
        emu.create_index_from_backup(backup_id, {"name": "copy"})


@pytest.mark.parametrize("body", [{}, {"name": 1}, "copy", {"name": "copy", "tags": []}])
def test_restore_body_shape_is_unprocessable(
    emulator: Emulator, backup_id: str, body: object
) -> None:
    """A restore body without a string name is 422."""
    with pytest.raises(UnprocessableError):
        emulator.create_index_from_backup(backup_id, body)


def test_restore_bad_name_is_invalid_argument(emulator: Emulator, backup_id: str) -> None:
    """A restore into an invalid index name is 400."""
    with pytest.raises(InvalidArgumentError):
        emulator.create_index_from_backup(backup_id, {"name": "Bad_Name"})


def test_restore_respects_index_quota(clock: ManualClock) -> None:
    """A restore past the index quota is 403."""
    emu = Emulator(clock=clock, quotas=Quotas(indexes=1))
    emu.seed_index(name="src")
    backup_id = emu.seed_backup(source_index_name="src")["backup_id"]
    with pytest.raises(ForbiddenError):
        emu.create_index_from_backup(backup_id, {"name": "copy"})


def test_delete_backup_with_pending_restore_is_failed_precondition(clock: ManualClock) -> None:
    """A backup cannot be deleted while a restore from it is Pending."""
    emu = Emulator(clock=clock, timings=Timings(restore=Timing(seconds=10)))
    emu.seed_index(name="src")
    backup_id = emu.seed_backup(source_index_name="src")["backup_id"]
    emu.create_index_from_backup(backup_id, {"name": "copy"})
    with pytest.raises(FailedPreconditionError):
        emu.delete_backup(backup_id)
    clock.advance(10)
    emu.delete_backup(backup_id)
    with pytest.raises(NotFoundError):
        emu.describe_backup(backup_id)


def test_unknown_restore_job_is_not_found(emulator: Emulator) -> None:
    """Describing a missing restore job is 404."""
    with pytest.raises(NotFoundError):
        emulator.describe_restore_job("nope")


def test_pagination_walks_all_items_in_order(emulator: Emulator) -> None:
    """Pages go newest first, carry a token until the last page, then null."""
    emulator.seed_index(name="src")
    ids = [emulator.seed_backup(source_index_name="src")["backup_id"] for _ in range(5)][::-1]
    first = emulator.list_backups(limit=2)
    assert [b["backup_id"] for b in first["data"]] == ids[:2]
    second = emulator.list_backups(limit=2, pagination_token=first["pagination"]["next"])
    third = emulator.list_backups(limit=2, pagination_token=second["pagination"]["next"])
    assert [b["backup_id"] for b in second["data"] + third["data"]] == ids[2:]
    assert third["pagination"] is None


def test_pagination_defaults_to_ten(emulator: Emulator) -> None:
    """Without a limit a page holds ten items."""
    emulator.seed_index(name="src")
    for _ in range(11):
        emulator.seed_backup(source_index_name="src")
    page = emulator.list_index_backups("src")
    assert len(page["data"]) == 10
    assert page["pagination"] is not None


def test_pagination_survives_deletes_between_pages(emulator: Emulator) -> None:
    """Deleting an already served item does not make the next page skip one."""
    emulator.seed_index(name="src")
    ids = [emulator.seed_backup(source_index_name="src")["backup_id"] for _ in range(4)][::-1]
    first = emulator.list_backups(limit=2)
    emulator.delete_backup(ids[0])
    second = emulator.list_backups(limit=2, pagination_token=first["pagination"]["next"])
    assert [b["backup_id"] for b in second["data"]] == ids[2:]


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_limit_out_of_range_is_invalid_argument(emulator: Emulator, limit: int) -> None:
    """A limit outside 1..100 is 400."""
    with pytest.raises(InvalidArgumentError):
        emulator.list_restore_jobs(limit=limit)


@pytest.mark.parametrize("token", ["garbage!", "eyJ4IjoxfQ=="])
def test_bad_pagination_token_is_invalid_argument(emulator: Emulator, token: str) -> None:
    """An undecodable or foreign token is 400."""
    with pytest.raises(InvalidArgumentError):
        emulator.list_restore_jobs(pagination_token=token)


def test_token_from_another_listing_is_rejected(emulator: Emulator) -> None:
    """A backups token cannot page restore jobs."""
    emulator.seed_index(name="src")
    for _ in range(2):
        emulator.seed_backup(source_index_name="src")
    token = emulator.list_backups(limit=1)["pagination"]["next"]
    with pytest.raises(InvalidArgumentError):
        emulator.list_restore_jobs(pagination_token=token)


def test_collection_lifecycle_and_index_from_collection(clock: ManualClock) -> None:
    """A collection becomes Ready and an index created from it inherits its dimension."""
    emu = Emulator(clock=clock, timings=Timings(collection_ready=Timing(seconds=5)))
    emu.seed_index(name="src", dimension=12, pod_type="p1.x1")
    coll = emu.create_collection({"name": "snap", "source": "src"})
    assert (coll["status"], coll["dimension"]) == ("Initializing", 12)
    body = from_collection("from-snap", "snap")
    with pytest.raises(FailedPreconditionError):
        emu.create_index(body)
    with pytest.raises(FailedPreconditionError):
        emu.delete_index("src")
    clock.advance(5)
    assert emu.describe_collection("snap")["status"] == "Ready"
    created = emu.create_index(body)
    assert created["dimension"] == 12
    assert created["spec"]["serverless"]["source_collection"] == "snap"
    assert emu.describe_index("from-snap")["status"]["ready"] is True


def test_collection_errors(emulator: Emulator) -> None:
    """Collections answer 404, 409 and 422 like the service."""
    with pytest.raises(NotFoundError):
        emulator.create_collection({"name": "c", "source": "missing"})
    emulator.seed_index(name="src", pod_type="p1.x1")
    emulator.create_collection({"name": "c", "source": "src"})
    with pytest.raises(AlreadyExistsError):
        emulator.create_collection({"name": "c", "source": "src"})
    with pytest.raises(UnprocessableError):
        emulator.create_collection({"name": "d"})
    emulator.delete_collection("c")
    with pytest.raises(NotFoundError):
        emulator.describe_collection("c")
    with pytest.raises(NotFoundError):
        emulator.delete_collection("c")


def test_index_from_unknown_collection_is_not_found(emulator: Emulator) -> None:
    """Creating an index from a missing collection is 404."""
    with pytest.raises(NotFoundError):
        emulator.create_index(from_collection("x", "nope"))


def test_seed_demo_is_idempotent(emulator: Emulator) -> None:
    """seed_demo returns the same Ready backup when called twice."""
    first = emulator.seed_demo()
    assert emulator.seed_demo() == first
    assert emulator.describe_backup(first)["status"] == "Ready"


def test_reset_forgets_everything(emulator: Emulator, backup_id: str) -> None:
    """reset() removes all objects."""
    emulator.reset()
    assert emulator.list_indexes() == {"indexes": []}
    assert emulator.list_backups() == {"data": [], "pagination": None}


def test_backup_reports_the_source_counts_once_ready(clock: ManualClock) -> None:
    """A Pending backup has no counts; Ready, it reports the seeded index's records."""
    emu = Emulator(clock=clock, timings=Timings(backup_ready=Timing(seconds=10)))
    emu.seed_index(name="src", dimension=4, record_count=1000, namespace_count=3)
    pending = emu.create_backup("src", {})
    assert "record_count" not in pending
    clock.advance(10)
    ready = emu.describe_backup(pending["backup_id"])
    assert (ready["record_count"], ready["namespace_count"]) == (1000, 3)
    assert ready["size_bytes"] > 0


def test_counts_survive_a_restore_and_its_next_backup(emulator: Emulator) -> None:
    """An index restored from a backup holds its records, so its own backups report them."""
    emulator.seed_index(name="src", record_count=42)
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    emulator.create_index_from_backup(backup_id, {"name": "copy"})
    emulator.describe_index("copy")
    again = emulator.seed_backup(source_index_name="copy")
    assert (again["record_count"], again["namespace_count"]) == (42, 1)


def test_collection_counts_the_source_records(emulator: Emulator) -> None:
    """A collection of a pod index reports its vectors, and an index made from it holds them."""
    emulator.seed_index(name="pods", dimension=4, pod_type="p1.x1", record_count=7)
    coll = emulator.seed_collection(name="snap", source="pods")
    assert coll["vector_count"] == 7
    emulator.create_index(
        {
            "name": "from-snap",
            "spec": {
                "serverless": {"cloud": "aws", "region": "us-east-1", "source_collection": "snap"}
            },
        }
    )
    emulator.describe_index("from-snap")
    assert emulator.seed_backup(source_index_name="from-snap")["record_count"] == 7
