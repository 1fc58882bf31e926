"""Collections: a static copy of an index, `Initializing` -> `Ready` after `collection_ready`."""

from __future__ import annotations

from typing import Any

from pulumi_pinecone_restore.emulator.config import Timing
from pulumi_pinecone_restore.emulator.exceptions import (
    AlreadyExistsError,
    InvalidArgumentError,
)
from pulumi_pinecone_restore.emulator.models.backend import Backend
from pulumi_pinecone_restore.emulator.records import (
    INITIALIZING,
    READY,
    CollectionRecord,
    IndexRecord,
)
from pulumi_pinecone_restore.emulator.validation import CreateCollectionRequest


class CollectionBackend(Backend):
    """The collection operations."""

    __slots__ = ()

    def _new_collection(
        self, name: str, index: IndexRecord, now: float, *, ready: bool
    ) -> CollectionRecord:
        """Store a new collection of `index`; the name must be free.

        Raises:
            AlreadyExistsError: The collection name is taken (409).
        """
        if name in self._collections:
            raise AlreadyExistsError(f"Resource already exists. Collection '{name}' exists.")
        coll = CollectionRecord(
            seq=self._next_seq(),
            name=name,
            source=index.name,
            dimension=index.dimension,
            environment=f"{index.region}-{index.cloud}",
            status=READY if ready else INITIALIZING,
            since=now,
            created_at=now,
            size=index.size_bytes(),
            vector_count=index.record_count,
        )
        return self._add(self._collections, name, coll)

    def list_collections(self) -> dict[str, Any]:
        """`GET /collections`: every collection, in creation order."""
        with self._locked():
            colls = sorted(self._collections.values(), key=lambda c: c.seq)
            return {"collections": self._show(colls, CollectionRecord.to_json)}

    def create_collection(self, body: object) -> dict[str, Any]:
        """`POST /collections`: snapshot an index into a collection (`Initializing` -> `Ready`).

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad collection name (400).
            NotFoundError: No such source index (404).
            FailedPreconditionError: The source index is not Ready (412).
            AlreadyExistsError: The collection name is taken (409).
            ForbiddenError: Collection quota reached (403).
        """
        request = CreateCollectionRequest.from_json(body)
        with self._locked() as now:
            index = self._get_index(request.source)
            if index.pod_type is None and not self._behaviour.serverless_collections:
                # The live service makes collections of pod-based indexes only.
                raise InvalidArgumentError(
                    f"Index {index.name} is a serverless index; collections can only be "
                    "created from pod-based indexes."
                )
            self._ready(index)
            if request.name not in self._collections:  # a taken name answers 409, not 403
                self._check_quota("collections", len(self._collections))
            return self._new_collection(request.name, index, now, ready=False).to_json()

    def describe_collection(self, name: str) -> dict[str, Any]:
        """`GET /collections/{name}`.

        Raises:
            NotFoundError: No such collection (404).
        """
        with self._locked():
            coll = self._get(self._collections, name, f"Collection {name}")
            [body] = self._show([coll], CollectionRecord.to_json)
            return body

    def delete_collection(self, name: str) -> None:
        """`DELETE /collections/{name}`; removes it at once.

        Raises:
            NotFoundError: No such collection (404).
        """
        with self._locked():
            self._get(self._collections, name, f"Collection {name}")
            del self._collections[name]
            self._dirty = True

    def seed_collection(self, *, name: str, source: str, ready: bool = True) -> dict[str, Any]:
        """Create a collection of an existing index directly, whatever kind of index it is.

        Returns:
            The CollectionModel JSON.

        Raises:
            NotFoundError: No such index.
            AlreadyExistsError: The collection name is taken.
        """
        with self._locked() as now:
            index = self._get_index(source)
            return self._new_collection(name, index, now, ready=ready).to_json()

    # ------------------------------------------------------------------ status changes

    def _collection_phase(self, coll: CollectionRecord) -> Timing | None:
        """A new collection is in the phase `collection_ready` ends."""
        return self._timings.collection_ready if coll.status == INITIALIZING else None

    def _collection_ready(self, coll: CollectionRecord, _: float) -> None:
        coll.status = READY
