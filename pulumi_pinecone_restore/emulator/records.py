"""The stored objects (indexes, backups, restore jobs, collections) and their JSON renderings.

Each record remembers when its current lifecycle phase began (`since`, clock seconds) and how
many times it was observed in that phase (`reads`); `Emulator` compares both against the
configured `Timing` to decide when the phase ends.
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


@attrs.define
class IndexRecord:
    """A serverless index."""

    id: str
    seq: int
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
    since: float
    created_at: float
    reads: int = 0
    source_collection: str | None = None
    restore_job_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Render as the API's IndexModel."""
        serverless: dict[str, Any] = {"cloud": self.cloud, "region": self.region}
        if self.source_collection is not None:
            serverless["source_collection"] = self.source_collection
        model: dict[str, Any] = {
            "name": self.name,
            "metric": self.metric,
            "host": self.host,
            "deletion_protection": self.deletion_protection,
            "tags": dict(self.tags),
            "spec": {"serverless": serverless},
            "status": {"ready": self.state == READY, "state": self.state},
            "vector_type": self.vector_type,
        }
        # Sparse indexes have no dimension; the field is left out rather than null because
        # the 2025-04 schema does not declare it nullable.
        if self.dimension is not None:
            model["dimension"] = self.dimension
        return model


@attrs.define
class BackupRecord:
    """A backup of an index; it outlives its source index."""

    id: str
    seq: int
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
    since: float
    created_at: float
    reads: int = 0
    record_count: int = 0
    namespace_count: int = 0
    size_bytes: int = 0
    fail_restores: bool = False

    def to_json(self) -> dict[str, Any]:
        """Render as the API's BackupModel (counts only once Ready, as the service does)."""
        model: dict[str, Any] = {
            "backup_id": self.id,
            "source_index_name": self.source_index_name,
            "source_index_id": self.source_index_id,
            "status": self.status,
            "cloud": self.cloud,
            "region": self.region,
            "metric": self.metric,
            "tags": dict(self.tags),
            "created_at": rfc3339(self.created_at),
        }
        for key in ("name", "description", "dimension"):
            value = getattr(self, key)
            if value is not None:
                model[key] = value
        if self.status == READY:
            model["record_count"] = self.record_count
            model["namespace_count"] = self.namespace_count
            model["size_bytes"] = self.size_bytes
        return model


@attrs.define
class RestoreJobRecord:
    """A restore of a backup into a new index."""

    id: str
    seq: int
    backup_id: str
    target_index_name: str
    target_index_id: str
    status: str
    since: float
    created_at: float
    reads: int = 0
    completed_at: float | None = None
    percent_complete: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Render as the API's RestoreJobModel."""
        model: dict[str, Any] = {
            "restore_job_id": self.id,
            "backup_id": self.backup_id,
            "target_index_name": self.target_index_name,
            "target_index_id": self.target_index_id,
            "status": self.status,
            "created_at": rfc3339(self.created_at),
            "percent_complete": self.percent_complete,
        }
        if self.completed_at is not None:
            model["completed_at"] = rfc3339(self.completed_at)
        return model


@attrs.define
class CollectionRecord:
    """A collection (a static copy of an index's records)."""

    seq: int
    name: str
    source: str
    dimension: int | None
    environment: str
    status: str
    since: float
    created_at: float
    reads: int = 0
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
        if self.dimension is not None:
            model["dimension"] = self.dimension
        return model
