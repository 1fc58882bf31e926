"""The dynamic provider behind ``RestoredIndex``: the engine with the restore declaration.

The lifecycle is :mod:`pulumi_pinecone_restore.lifecycle.engine`; what is particular to a
restore is declared in :mod:`pulumi_pinecone_restore.lifecycle.restore`. This class is kept at
this path because stack states pickle providers by module and class name.
"""

from __future__ import annotations

from typing import ClassVar

from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.providers.base import LifecycleProvider

__all__ = ["RestoredIndexProvider"]


class RestoredIndexProvider(LifecycleProvider):
    """CRUD for an index restored from a Pinecone backup."""

    spec: ClassVar[AnySpec] = RESTORED_INDEX
