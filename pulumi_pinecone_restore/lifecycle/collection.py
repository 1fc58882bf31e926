"""``CollectionIndex`` declared: a serverless index made by ``POST /indexes`` from a collection.

The other migration path off pod-based indexes: pod index → collection → serverless index.

- Replace keys: ``source_collection``, ``cloud``, ``region``, ``name``, and ``dimension`` /
  ``metric`` when given (omitted, they take the collection's dimension and Pinecone's default
  metric and are not managed). An auto-name derives from collection, cloud and region.
- Prerequisite: the collection is ``Ready`` (and a given dimension is its dimension).
- An earlier attempt is an index of this name with this resource's ownership mark (see
  :mod:`.index`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from pulumi_pinecone_restore.errors import (
    CollectionFailedError,
    ImportRefusedError,
    InputMismatchError,
    NotFoundError,
)
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import Run, Started
from pulumi_pinecone_restore.lifecycle.index import (
    INDEX_OUTPUTS,
    IndexInputs,
    IndexSpec,
)
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.models import CollectionModel, IndexModel
from pulumi_pinecone_restore.polling import Observation
from pulumi_pinecone_restore.validation import (
    CLOUDS,
    METRICS,
    check_cloud,
    check_collection_name,
    check_dimension,
    check_metric,
    check_region,
)

__all__ = ["CLOUDS", "COLLECTION_INDEX", "METRICS", "CollectionIndexInputs", "CollectionSpec"]

UNUSABLE = frozenset({"Terminating", "Failed", "InitializationFailed"})


def _dimension(value: Any) -> int:
    reason = check_dimension(value)
    if reason:
        raise ValueError(reason)
    # Numbers cross the engine's gRPC boundary as floats: 8 arrives as 8.0.
    return int(value)


@attrs.frozen
class CollectionIndexInputs(IndexInputs):
    """The inputs of a ``CollectionIndex``."""

    source_collection: str = input_prop(
        doc="Name of a collection in the same project, usually made from a pod-based index with "
        "POST /collections. Changing it replaces the index.",
        parse=decl.rule(check_collection_name),
        replace=True,
        required="the name of a Ready collection (see GET /collections)",
    )
    cloud: str = input_prop(
        doc='"aws", "gcp" or "azure". Changing it replaces the index.',
        parse=decl.rule(check_cloud),
        replace=True,
        required=f"one of {', '.join(CLOUDS)}",
    )
    region: str = input_prop(
        doc='Serverless region, e.g. "us-east-1". Changing it replaces the index.',
        parse=decl.rule(check_region),
        replace=True,
        required="e.g. us-east-1, where the index is created",
    )
    dimension: int | None = input_prop(
        doc="Vector dimension; must equal the collection's. Omitted: the collection's, left "
        "unmanaged. Changing it replaces the index.",
        parse=_dimension,
        replace=True,
        managed=True,
    )
    metric: str | None = input_prop(
        doc='"cosine", "euclidean" or "dotproduct". Omitted: Pinecone\'s default (cosine), left '
        "unmanaged (removing it later does not replace the index). Changing it replaces the "
        "index.",
        parse=decl.rule(check_metric),
        replace=True,
        managed=True,
    )


class CollectionSpec(IndexSpec[CollectionIndexInputs, IndexModel, None, CollectionModel]):
    """The declaration of ``CollectionIndex``."""

    kind: ClassVar[str] = "CollectionIndex"
    inputs = CollectionIndexInputs
    output_names: ClassVar[tuple[str, ...]] = (*INDEX_OUTPUTS, "source_collection")
    name_origin: ClassVar[tuple[str, ...] | None] = ("source_collection", "cloud", "region")
    origin_hint: ClassVar[str] = "create it again from the collection"

    # create ------------------------------------------------------------------------------

    def prerequisite(
        self, run: Run, inp: CollectionIndexInputs
    ) -> Callable[[], Observation[CollectionModel]]:
        def probe() -> Observation[CollectionModel]:
            try:
                collection = run.client.describe_collection(inp.source_collection)
            except NotFoundError as exc:
                raise exc.explained(
                    f"collection {inp.source_collection!r} does not exist in this project; "
                    "check source_collection (GET /collections lists them; a collection is "
                    "made from a pod-based index with POST /collections)",
                ) from exc
            if collection.status in UNUSABLE:
                raise CollectionFailedError(
                    f"collection {inp.source_collection!r} is {collection.status} and cannot "
                    "be used; point source_collection at a Ready collection"
                )
            if collection.status != "Ready":
                return Observation(
                    status=f"waiting for collection {inp.source_collection} ({collection.status})"
                )
            if inp.dimension not in (None, collection.dimension) and collection.dimension:
                raise InputMismatchError(
                    f"dimension {inp.dimension} does not match collection {collection.name!r}, "
                    f"whose vectors have dimension {collection.dimension}; set "
                    f"dimension={collection.dimension} or omit it. Nothing was created"
                )
            return Observation(collection)

        return probe

    def same_origin(self, run: Run, inp: CollectionIndexInputs, index: IndexModel) -> bool:
        """An unmarked index is adoptable when it was made from this collection, here."""
        del run
        return (index.source_collection, index.cloud, index.region) == (
            inp.source_collection,
            inp.cloud,
            inp.region,
        )

    def start(
        self, run: Run, inp: CollectionIndexInputs, prerequisite: CollectionModel
    ) -> Started[None]:
        try:
            run.client.create_serverless_index(
                name=inp.name,
                cloud=inp.cloud,
                region=inp.region,
                dimension=inp.dimension,
                metric=inp.metric,
                source_collection=inp.source_collection,
                deletion_protection=inp.deletion_protection,
                tags=self.start_tags(inp, {}),
            )
        except NotFoundError as exc:
            raise exc.explained(
                f"creating index {inp.name!r} answered 404: either "
                f"cloud/region {inp.cloud}/{inp.region} is not available to this project, or "
                f"collection {inp.source_collection!r} was just deleted",
            ) from exc
        return Started(inp.name, None)

    def summary(self, inp: CollectionIndexInputs, started: Started[None]) -> str:
        return f"index from collection {inp.source_collection} in {inp.cloud}/{inp.region}"

    def watch(
        self,
        run: Run,
        inp: CollectionIndexInputs,
        started: Started[None],
        prerequisite: CollectionModel,
    ) -> Callable[[], Observation[IndexModel]]:
        def probe() -> Observation[IndexModel]:
            try:
                index = run.client.describe_index(inp.name)
            except NotFoundError as exc:
                raise self.vanished(inp) from exc
            if index.state == "InitializationFailed":
                raise CollectionFailedError(
                    f"index {inp.name!r} created from collection {inp.source_collection!r} "
                    "ended InitializationFailed"
                )
            if index.ready and index.state == "Ready":
                return Observation(index)
            return Observation(status=f"index {index.state}")

        return probe

    def outputs(
        self, given: Mapping[str, Any], obj: IndexModel, previous: Mapping[str, Any]
    ) -> dict[str, Any]:
        outs = self.common_outputs(given, obj)
        # The server echoes it in spec.serverless; fall back to the input if a version does not.
        outs["source_collection"] = (
            obj.source_collection
            or given.get("source_collection")
            or previous.get("source_collection")
        )
        return outs

    # read --------------------------------------------------------------------------------

    def import_inputs(self, run: Run, obj: IndexModel) -> tuple[dict[str, Any], IndexModel]:
        if not obj.source_collection or not obj.cloud or not obj.region:
            raise ImportRefusedError(
                f"index {obj.name!r} shows no source collection, so it cannot be managed as a "
                "CollectionIndex"
            )
        inputs = {
            "source_collection": obj.source_collection,
            "cloud": obj.cloud,
            "region": obj.region,
            "name": obj.name,
        }
        return inputs, obj


COLLECTION_INDEX = CollectionSpec()
