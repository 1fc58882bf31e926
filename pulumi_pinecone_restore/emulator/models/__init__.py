"""The emulated control plane's state and rules, with no HTTP in it (moto's `models`).

One module per object kind, each adding its operations and status changes to the shared
store (`backend`):

- `indexes`: create, create-for-model, describe, configure, delete; `Initializing` ->
  `Ready`, `Terminating` -> gone.
- `backups`: create, list, describe, delete; `Pending` -> `Ready`.
- `restore_jobs`: create an index from a backup, list, describe, cancel; `Pending` ->
  `Completed`/`Failed`, which settles the restored index.
- `collections`: create, list, describe, delete; `Initializing` -> `Ready`.
- `state`: the one helper every timed or read-counted status change goes through.
- `paging`: listing pages and their tokens.
- `emulator`: `Emulator`, the kinds put together, with seeding and the test controls.
"""

from __future__ import annotations

from pulumi_pinecone_restore.emulator.models.backend import DEFAULT_API_KEY
from pulumi_pinecone_restore.emulator.models.backups import CREATE_BACKUP_DIGITS
from pulumi_pinecone_restore.emulator.models.emulator import (
    DEMO_BACKUP_NAME,
    DEMO_INDEX_NAME,
    Emulator,
)
from pulumi_pinecone_restore.emulator.models.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

__all__ = [
    "CREATE_BACKUP_DIGITS",
    "DEFAULT_API_KEY",
    "DEFAULT_PAGE_SIZE",
    "DEMO_BACKUP_NAME",
    "DEMO_INDEX_NAME",
    "MAX_PAGE_SIZE",
    "Emulator",
]
