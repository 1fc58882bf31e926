"""The stored objects (indexes, backups, restore jobs, collections) and their JSON renderings.

Each record remembers when its current lifecycle phase began (`since`, clock seconds) and how
many times it was observed in that phase (`reads`); the transition helper
(`emulator.models.state`) compares both against the configured `Timing` to decide when the
phase ends.
"""

from __future__ import annotations

from typing import Any

import attrs

from pulumi_pinecone_restore.emulator.clock import rfc3339

# Index `status.state` values the emulator produces (a subset of the 2025-04 enum).
INITIALIZING = "Initializing"
READY = "Ready"
TERMINATING = "Terminating"
INITIALIZATION_FAILED = "InitializationFailed"
# Restore job statuses (an untyped string in the spec; these are the values seen live).
PENDING = "Pending"
COMPLETED = "Completed"
FAILED = "Failed"
CANCELLED = "Cancelled"
#: Restore-job statuses after which nothing changes any more.
JOB_ENDED = (COMPLETED, FAILED, CANCELLED)


def _present(**values: object) -> dict[str, object]:
    """The values that are not None: the API leaves such fields out rather than send null."""
    return {key: value for key, value in values.items() if value is not None}


@attrs.define(kw_only=True)
class Record:
    """What every stored object has: its place in creation order and its current phase.

    Args:
        seq: Creation sequence number (listings are ordered and paged by it).
        since: Clock seconds when the current lifecycle phase began.
        created_at: Clock seconds when the object was created.
        reads: Observations (describes, listings) made in the current phase.
        last_read_at: When the last of those reads came, if any.
    """

    seq: int
    since: float
    created_at: float
    reads: int = 0
    last_read_at: float | None = None


@attrs.define(kw_only=True)
class IndexRecord(Record):
    """A serverless index."""

    id: str
    name: str
    dimension: int | None
    metric: str
    vector_type: str
    cloud: str
    region: str
    host: str
    deletion_protection: str
    tags: dict[str, str]
    state: str
    source_collection: str | None = None
    restore_job_id: str | None = None
    #: Integrated-embedding configuration (a ModelIndexEmbed), for create-for-model indexes.
    embed: dict[str, Any] | None = None
    #: Set only on seeded pod-based indexes, which exist here as sources of collections.
    pod_type: str | None = None
    #: The data the index is supposed to hold (there is no data plane); backups report it.
    record_count: int = 0
    namespace_count: int = 0

    def size_bytes(self) -> int:
        """A plausible storage size for the records: vector, id and metadata per record."""
        return self.record_count * (4 * (self.dimension or 64) + 96)

    def to_json(self) -> dict[str, Any]:
        """Render as the API's IndexModel."""
        spec: dict[str, Any]
        if self.pod_type is not None:
            spec = {
                "pod": {
                    "environment": f"{self.region}-{self.cloud}",
                    "pod_type": self.pod_type,
                    "pods": 1,
                    "replicas": 1,
                    "shards": 1,
                }
            }
        else:
            serverless: dict[str, Any] = {"cloud": self.cloud, "region": self.region}
            if self.source_collection is not None:
                serverless["source_collection"] = self.source_collection
            spec = {"serverless": serverless}
        model: dict[str, Any] = {
            "name": self.name,
            "metric": self.metric,
            "host": self.host,
            "deletion_protection": self.deletion_protection,
            "tags": dict(self.tags),
            "spec": spec,
            "status": {"ready": self.state == READY, "state": self.state},
            "vector_type": self.vector_type,
        }
        # Sparse indexes have no dimension; the field is left out rather than null because
        # the 2025-04 schema does not declare it nullable.
        embed = None if self.embed is None else dict(self.embed)
        return model | _present(dimension=self.dimension, embed=embed)


@attrs.define(kw_only=True)
class BackupRecord(Record):
    """A backup of an index; it outlives its source index."""

    id: str
    name: str | None
    description: str | None
    source_index_name: str
    source_index_id: str
    cloud: str
    region: str
    dimension: int | None
    metric: str
    vector_type: str
    tags: dict[str, str]
    status: str
    record_count: int = 0
    namespace_count: int = 0
    size_bytes: int = 0
    fail_restores: bool = False
    #: The source's integrated-embedding configuration; not part of the 2025-04 BackupModel,
    #: but a restore recreates it.
    embed: dict[str, Any] | None = None

    def to_json(self, created_digits: int = 6) -> dict[str, Any]:
        """Render as the API's BackupModel (counts only once Ready, as the service does).

        Args:
            created_digits: Fractional digits of `created_at` (9 in live create answers).
        """
        model: dict[str, Any] = {
            "backup_id": self.id,
            "source_index_name": self.source_index_name,
            "source_index_id": self.source_index_id,
            "status": self.status,
            "cloud": self.cloud,
            "region": self.region,
            "metric": self.metric,
            "tags": dict(self.tags),
            "created_at": rfc3339(self.created_at, created_digits),
        }
        model |= _present(name=self.name, description=self.description, dimension=self.dimension)
        if self.status == READY:
            model["record_count"] = self.record_count
            model["namespace_count"] = self.namespace_count
            model["size_bytes"] = self.size_bytes
        return model


@attrs.define(kw_only=True)
class RestoreJobRecord(Record):
    """A restore of a backup into a new index."""

    id: str
    backup_id: str
    target_index_name: str
    target_index_id: str
    status: str
    completed_at: float | None = None
    percent_complete: float = 0.0
    #: Listings that left the job out while it was new (see `Behaviour.restore_listing_lag`).
    listing_misses: int = 0
    listed: bool = False
    #: The backup's records when the restore began (the restore timing's size term).
    records: int = 0
    #: This job's draw from the restore timing's scatter (its duration's factor).
    factor: float = 1.0
    #: Describes so far (see `Behaviour.job_404_first`).
    describes: int = 0

    def to_json(
        self, percent_complete: float | None = None, *, live: bool = False
    ) -> dict[str, Any]:
        """Render as the API's RestoreJobModel.

        Args:
            percent_complete: The progress to report while the job runs (computed by the
                caller from the clock); an ended job reports the value it ended with.
            live: As the live service: `percent_complete` and `completed_at` only once the
                job is `Completed` (100 and set), absent at every other point.
        """
        model: dict[str, Any] = {
            "restore_job_id": self.id,
            "backup_id": self.backup_id,
            "target_index_name": self.target_index_name,
            "target_index_id": self.target_index_id,
            "status": self.status,
            "created_at": rfc3339(self.created_at),
        }
        if live and self.status != COMPLETED:
            return model
        percent = self.percent_complete
        if self.status == PENDING and percent_complete is not None:
            percent = percent_complete
        model["percent_complete"] = percent
        if self.completed_at is not None:
            model["completed_at"] = rfc3339(self.completed_at)
        return model


@attrs.define(kw_only=True)
class CollectionRecord(Record):
    """A collection (a static copy of an index's records)."""

    name: str
    source: str
    dimension: int | None
    environment: str
    status: str
    size: int = 0
    vector_count: int = 0

    def to_json(self) -> dict[str, Any]:
        """Render as the API's CollectionModel."""
        model: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "environment": self.environment,
            "size": self.size,
            "vector_count": self.vector_count,
        }
        return model | _present(dimension=self.dimension)
