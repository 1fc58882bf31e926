"""The dynamic provider behind ``IndexBackup``: the engine with the backup declaration.

What is particular to a backup is declared in :mod:`pulumi_pinecone_restore.lifecycle.backup`.
This class is kept at this path because stack states pickle providers by module and class name.
"""

from __future__ import annotations

from typing import ClassVar

from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP
from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.providers.base import LifecycleProvider

__all__ = ["IndexBackupProvider"]


class IndexBackupProvider(LifecycleProvider):
    """CRUD for a backup of a Pinecone serverless index."""

    spec: ClassVar[AnySpec] = INDEX_BACKUP
