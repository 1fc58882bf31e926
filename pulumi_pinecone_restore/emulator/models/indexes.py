"""Indexes: `Initializing` -> `Ready`, and `Terminating` -> gone after a delete.

A new index becomes Ready after `index_ready`; a restored one instead stays `Initializing`
until its restore job ends. A deleted index is gone after `index_terminate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_pinecone_restore.emulator.config import Timing
from pulumi_pinecone_restore.emulator.exceptions import (
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
)
from pulumi_pinecone_restore.emulator.models.backend import placement
from pulumi_pinecone_restore.emulator.models.restore_jobs import RestoreJobBackend
from pulumi_pinecone_restore.emulator.records import (
    FAILED,
    INITIALIZING,
    PENDING,
    READY,
    TERMINATING,
    IndexRecord,
)
from pulumi_pinecone_restore.emulator.validation import (
    ConfigureIndexRequest,
    CreateIndexForModelRequest,
    CreateIndexRequest,
)


class IndexBackend(RestoreJobBackend):
    """The index operations (an index delete also ends a restore into it)."""

    __slots__ = ()

    def list_indexes(self) -> dict[str, Any]:
        """`GET /indexes`: every index (including Initializing/Terminating), in creation order."""
        with self._locked():
            indexes = sorted(self._indexes.values(), key=lambda i: i.seq)
            return {"indexes": self._show(indexes, IndexRecord.to_json, self._read_index)}

    def create_index(self, body: object) -> dict[str, Any]:
        """`POST /indexes`: create a serverless index, `Initializing` until its timing passes.

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values (400).
            NotFoundError: Unknown cloud/region or source collection (404).
            AlreadyExistsError: Name taken, including by a Terminating index (409).
            FailedPreconditionError: Source collection not Ready (412).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexRequest.from_json(body)
        with self._locked() as now:
            self._check_region(request.cloud, request.region)
            dimension = request.dimension
            record_count = 0
            if request.source_collection is not None:
                name = request.source_collection
                coll = self._ready(self._get(self._collections, name, f"Collection {name}"))
                if dimension is not None and dimension != coll.dimension:
                    raise InvalidArgumentError(
                        f"Dimension {dimension} does not match the dimension "
                        f"{coll.dimension} of collection {coll.name}."
                    )
                dimension = coll.dimension
                record_count = coll.vector_count
            return self._new_index(
                request,
                now,
                **placement(request),
                dimension=dimension,
                source_collection=request.source_collection,
                record_count=record_count,
                namespace_count=min(record_count, 1),
            ).to_json()

    def create_index_for_model(self, body: object) -> dict[str, Any]:
        """`POST /indexes/create-for-model`: a serverless index with integrated embedding.

        The model decides the vector type, the default dimension and the default metric; the
        index carries the `embed` configuration, which backups keep and restores recreate.

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values or an unknown model (400).
            NotFoundError: Unknown cloud/region (404).
            AlreadyExistsError: Name taken (409).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexForModelRequest.from_json(body)
        with self._locked() as now:
            self._check_region(request.cloud, request.region)
            index = self._new_index(
                request, now, **placement(request), dimension=request.dimension, embed=request.embed
            )
            return index.to_json()

    def describe_index(self, name: str) -> dict[str, Any]:
        """`GET /indexes/{name}`.

        Raises:
            NotFoundError: No such index (404).
        """
        with self._locked():
            [body] = self._show([self._get_index(name)], IndexRecord.to_json, self._read_index)
            return body

    def configure_index(self, name: str, body: object) -> dict[str, Any]:
        """`PATCH /indexes/{name}`: set deletion protection and merge tags (`""` removes a key).

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values, or pod/embed settings (400).
            NotFoundError: No such index (404).
            FailedPreconditionError: The index is Terminating (412).
        """
        request = ConfigureIndexRequest.from_json(body)
        with self._locked():
            index = self._get_index(name)
            if index.state == TERMINATING:
                raise FailedPreconditionError(
                    f"Index {name} is being deleted and cannot be configured."
                )
            if request.embed is not None:
                self._configure_embed(index, request.embed)
            if request.deletion_protection is not None:
                index.deletion_protection = request.deletion_protection
            for key, value in (request.tags or {}).items():
                if value:
                    index.tags[key] = value
                else:
                    index.tags.pop(key, None)
            self._dirty = True
            return index.to_json()

    @staticmethod
    def _configure_embed(index: IndexRecord, embed: Mapping[str, Any]) -> None:
        """Update field map and read/write parameters; the model itself is fixed."""
        if index.embed is None:
            raise InvalidArgumentError(
                f"Index {index.name} was not created for an embedding model; "
                "embed can only be configured on integrated-embedding indexes."
            )
        if "model" in embed and embed["model"] != index.embed["model"]:
            raise InvalidArgumentError(
                f"The embedding model of index {index.name} cannot be changed "
                f"(it is '{index.embed['model']}')."
            )
        index.embed = {**index.embed, **{k: v for k, v in embed.items() if k != "model"}}

    def delete_index(self, name: str) -> None:
        """`DELETE /indexes/{name}`: start termination; backups of the index survive.

        Raises:
            NotFoundError: No such index (404).
            ForbiddenError: Deletion protection is enabled (403).
            FailedPreconditionError: A collection is still being created from it (412).
        """
        with self._locked() as now:
            index = self._get_index(name)
            if index.deletion_protection == "enabled":
                raise ForbiddenError(
                    "Deletion protection is enabled for this index. "
                    "Disable deletion protection before retrying."
                )
            self._require_none_pending(
                (
                    c.name
                    for c in self._collections.values()
                    if c.source == name and c.status == INITIALIZING
                ),
                "Unable to delete an index. There are pending collections for this index",
            )
            if index.state != TERMINATING:
                self._enter(index, now)
                index.state = TERMINATING
            # A restore into an index that is deleted under it cannot finish: the job ends
            # Failed now (and, with `hide_jobs_of_deleted_indexes`, disappears at once).
            job = self._jobs.get(index.restore_job_id or "")
            if job is not None and job.status == PENDING:
                self._end_job(job, FAILED, now)

    def seed_index(
        self,
        *,
        name: str,
        dimension: int | None = 8,
        metric: str = "cosine",
        cloud: str = "aws",
        region: str = "us-east-1",
        tags: Mapping[str, str] | None = None,
        deletion_protection: str = "disabled",
        vector_type: str = "dense",
        ready: bool = True,
        pod_type: str | None = None,
        record_count: int = 0,
        namespace_count: int | None = None,
    ) -> dict[str, Any]:
        """Create an index directly, optionally already Ready, with the API's validation.

        `pod_type` (e.g. `"p1.x1"`) makes a pod-based index instead: the API cannot create
        one here, but a seeded one is listed, described, deleted and is the source
        collections are made from. `record_count` and `namespace_count` (default: 1 when
        there are records) are the data it is taken to hold; its backups report them once
        Ready, and restores and collections carry them on.

        Returns:
            The IndexModel JSON.

        Raises:
            EmulatorError: The same refusals as `create_index`.
        """
        body: dict[str, Any] = {
            "name": name,
            "metric": metric,
            "spec": {"serverless": {"cloud": cloud, "region": region}},
            "tags": dict(tags or {}),
            "deletion_protection": deletion_protection,
            "vector_type": vector_type,
        }
        if dimension is not None and vector_type == "dense":
            body["dimension"] = dimension
        with self._lock:
            self.create_index(body)
            with self._locked():
                index = self._get_index(name)
                if ready:
                    index.state = READY
                    self._dirty = True
                if pod_type is not None:
                    index.pod_type = pod_type
                index.record_count = record_count
                index.namespace_count = (
                    namespace_count if namespace_count is not None else min(record_count, 1)
                )
                self._dirty = True
                return index.to_json()

    # ------------------------------------------------------------------ status changes

    def _index_phase(self, index: IndexRecord) -> Timing | None:
        """A new index until Ready, or a deleted one until gone (a restoring one: see its job)."""
        if index.state == INITIALIZING and index.restore_job_id is None:
            return self._timings.index_ready
        if index.state == TERMINATING:
            return self._timings.index_terminate
        return None

    def _index_phase_ended(self, index: IndexRecord, _: float) -> None:
        if index.state == TERMINATING:
            del self._indexes[index.name]
        else:
            index.state = READY

    def _read_index(self, index: IndexRecord) -> None:
        """Count a read of `index`; a restored index's readiness is its restore job's phase."""
        if not self._read_restored(index):
            self._read(index)
