"""Create a serverless index from a collection, the migration path off pod-based indexes.

Config (``pulumi config set <key> <value>``):

- ``collection`` (required): the collection to create the index from.
- ``cloud``: ``aws``, ``gcp`` or ``azure`` (default ``aws``).
- ``region``: the serverless region (default ``us-east-1``).
- ``indexName``: the index name; omitted, ``migrated-<7 hex>`` (stable while collection,
  cloud and region stay).
- ``pinecone:apiKey`` (secret) and ``pinecone:controllerHost``: credentials and endpoint, read
  by the provider, never passed as resource inputs.
"""

from __future__ import annotations

import pulumi

from pulumi_pinecone_restore import CollectionIndex


def main() -> None:
    """Declare the serverless index and export its name and host."""
    config = pulumi.Config()
    index = CollectionIndex(
        "migrated",
        source_collection=config.require("collection"),
        cloud=config.get("cloud") or "aws",
        region=config.get("region") or "us-east-1",
        name=config.get("indexName"),
        tags={"migrated-from": config.require("collection")},
    )
    pulumi.export("name", index.name)
    pulumi.export("host", index.host)


if __name__ == "__main__":
    main()
