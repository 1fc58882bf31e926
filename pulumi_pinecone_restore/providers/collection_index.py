"""The dynamic provider behind ``CollectionIndex``: the engine with the collection declaration.

What is particular to an index made from a collection is declared in
:mod:`pulumi_pinecone_restore.lifecycle.collection`. This class is kept at this path because
stack states pickle providers by module and class name.
"""

from __future__ import annotations

from typing import ClassVar

from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.providers.base import LifecycleProvider

__all__ = ["CollectionIndexProvider"]


class CollectionIndexProvider(LifecycleProvider):
    """CRUD for a serverless index created from a Pinecone collection."""

    spec: ClassVar[AnySpec] = COLLECTION_INDEX
