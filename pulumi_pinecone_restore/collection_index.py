"""``CollectionIndex``: a Pinecone serverless index created from a collection, as a resource."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pulumi

from pulumi_pinecone_restore._resources import IndexArgs, IndexResource
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.providers.collection_index import CollectionIndexProvider

__all__ = ["CollectionIndex", "CollectionIndexArgs"]


# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
@attrs.define(kw_only=True)
class CollectionIndexArgs(IndexArgs):
    """The inputs of a :class:`CollectionIndex`; also those of :class:`IndexArgs`.

    Args:
        source_collection: (Required.) Name of a collection in the same project, usually made from a
            pod-based index with POST /collections. Changing it replaces the index.
        cloud: (Required.) "aws", "gcp" or "azure". Changing it replaces the index.
        region: (Required.) Serverless region, e.g. "us-east-1". Changing it replaces the index.
        dimension: Vector dimension; must equal the collection's. Omitted: the collection's, left
            unmanaged. Changing it replaces the index.
        metric: "cosine", "euclidean" or "dotproduct". Omitted: Pinecone's default (cosine), left
            unmanaged (removing it later does not replace the index). Changing it replaces the
            index.
    """

    source_collection: pulumi.Input[str]
    cloud: pulumi.Input[str]
    region: pulumi.Input[str]
    dimension: pulumi.Input[int] | None = None
    metric: pulumi.Input[str] | None = None


# END GENERATED


class CollectionIndex(IndexResource, module="pinecone", name="CollectionIndex"):
    """A Pinecone serverless index created from a collection (the pod → serverless migration).

    `pulumi up` waits for the collection to be ``Ready``, creates the index
    (``POST /indexes`` with ``spec.serverless.source_collection``) and waits until it is
    ready; `pulumi destroy` deletes the index (never the collection). Credentials come from the
    stack config ``pinecone:apiKey`` (secret) or ``PINECONE_API_KEY``; the endpoint from
    ``pinecone:controllerHost`` / ``PINECONE_CONTROLLER_HOST`` (default ``https://api.pinecone.io``).

    Example:
        >>> index = CollectionIndex(  # doctest: +SKIP
        ...     "search", source_collection="search-pods-2025", cloud="aws", region="us-east-1"
        ... )
        >>> pulumi.export("host", index.host)  # doctest: +SKIP
    """

    spec = COLLECTION_INDEX
    provider_class = CollectionIndexProvider

    source_collection: pulumi.Output[str]
    """The collection the index was created from."""

    # BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
    def __init__(
        self,
        resource_name: str,
        args: CollectionIndexArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        source_collection: pulumi.Input[str] | None = None,
        cloud: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        deletion_protection: pulumi.Input[str] | None = None,
        force_destroy: pulumi.Input[bool] | None = None,
        final_backup: pulumi.Input[str | bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        dimension: pulumi.Input[int] | None = None,
        metric: pulumi.Input[str] | None = None,
        create_timeout: pulumi.Input[str | float] | None = None,
        delete_timeout: pulumi.Input[str | float] | None = None,
        connection: Connection | Mapping[str, str] | None = None,
    ) -> None:
        """Declare an index created from a collection.

        ``resource_name`` is the Pulumi resource name (also an auto-name's prefix); the inputs come
        as keywords or as one :class:`CollectionIndexArgs` (``args``), documented there (and below
        in ``help()``); ``opts`` are the resource options.

        Raises:
            TypeError: Both ``args`` and keywords were given, or ``source_collection`` or ``cloud``
                or ``region`` is missing.
        """
        # The keywords are this call's locals: the declaration picks its inputs by name.
        self._declare(resource_name, args, locals(), opts)

    # END GENERATED
