"""Restore Pinecone serverless indexes from backups as Pulumi resources.

The public surface: the resources, the program helpers, the control-plane client and its errors.
Names load on first use, so ``pulumi_pinecone_restore.emulator`` and the client start without
importing Pulumi. The local control-plane emulator lives in :mod:`pulumi_pinecone_restore.emulator`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_pinecone_restore import errors as _errors

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pulumi_pinecone_restore.client import ControlPlaneClient
    from pulumi_pinecone_restore.clone import CloneEnvironment, RestoredIndexSet
    from pulumi_pinecone_restore.collection_index import CollectionIndex, CollectionIndexArgs
    from pulumi_pinecone_restore.connection import Connection

    # The error tree is re-exported whole: its names are errors.__all__.
    from pulumi_pinecone_restore.errors import *  # noqa: F403
    from pulumi_pinecone_restore.index_backup import IndexBackup, IndexBackupArgs
    from pulumi_pinecone_restore.invokes import (
        get_backup,
        get_backup_output,
        get_restore_job,
        get_restore_job_output,
    )
    from pulumi_pinecone_restore.lookup import find_backup, latest_backup_id
    from pulumi_pinecone_restore.models import BackupModel, IndexModel, RestoreJobModel
    from pulumi_pinecone_restore.restored_index import RestoredIndex, RestoredIndexArgs
    from pulumi_pinecone_restore.settings import ClientSettings, RetryPolicy

_WHERE = {
    **dict.fromkeys(_errors.__all__, "errors"),
    "BackupModel": "models",
    "ClientSettings": "settings",
    "CloneEnvironment": "clone",
    "CollectionIndex": "collection_index",
    "CollectionIndexArgs": "collection_index",
    "Connection": "connection",
    "ControlPlaneClient": "client",
    "IndexBackup": "index_backup",
    "IndexBackupArgs": "index_backup",
    "IndexModel": "models",
    "RestoreJobModel": "models",
    "RestoredIndex": "restored_index",
    "RestoredIndexArgs": "restored_index",
    "RestoredIndexSet": "clone",
    "RetryPolicy": "settings",
    "find_backup": "lookup",
    "get_backup": "invokes",
    "get_backup_output": "invokes",
    "get_restore_job": "invokes",
    "get_restore_job_output": "invokes",
    "latest_backup_id": "lookup",
}

__all__ = [
    "BackupModel",
    "ClientSettings",
    "CloneEnvironment",
    "CollectionIndex",
    "CollectionIndexArgs",
    "Connection",
    "ControlPlaneClient",
    "IndexBackup",
    "IndexBackupArgs",
    "IndexModel",
    "RestoreJobModel",
    "RestoredIndex",
    "RestoredIndexArgs",
    "RestoredIndexSet",
    "RetryPolicy",
    "__version__",
    "find_backup",
    "get_backup",
    "get_backup_output",
    "get_restore_job",
    "get_restore_job_output",
    "latest_backup_id",
]
__all__ += _errors.__all__


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_pinecone_restore' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pulumi_pinecone_restore.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
