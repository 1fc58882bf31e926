"""Backups: `Pending` (or `Behaviour.backup_initial_status`) -> `Ready` after `backup_ready`.

A backup outlives its source index; a restore from it is Pending until its own timing ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_pinecone_restore.emulator.config import Timing
from pulumi_pinecone_restore.emulator.exceptions import (
    AlreadyExistsError,
)
from pulumi_pinecone_restore.emulator.models.backend import Backend, carried, new_id
from pulumi_pinecone_restore.emulator.records import PENDING, READY, BackupRecord, IndexRecord
from pulumi_pinecone_restore.emulator.validation import CreateBackupRequest

#: Fractional digits of `created_at` in a create-backup answer (the live service sends 9
#: there and 6 in describes and listings).
CREATE_BACKUP_DIGITS = 9


class BackupBackend(Backend):
    """The backup operations."""

    __slots__ = ()

    def create_backup(self, index_name: str, body: object) -> dict[str, Any]:
        """`POST /indexes/{name}/backups`: start a backup (`Initializing` -> `Ready`).

        Raises:
            UnprocessableError: Bad body shape (422).
            NotFoundError: No such index (404).
            FailedPreconditionError: The index is not Ready (412).
            ForbiddenError: Backup quota reached (403).
        """
        request = CreateBackupRequest.from_json(body)
        with self._locked() as now:
            index = self._ready(self._get_index(index_name), to="backed up")
            self._check_quota("backups", len(self._backups))
            backup = self._new_backup(
                index=index, name=request.name, description=request.description, now=now
            )
            return backup.to_json(created_digits=CREATE_BACKUP_DIGITS)

    def _new_backup(
        self,
        *,
        index: IndexRecord,
        name: str | None,
        description: str | None,
        now: float,
        backup_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> BackupRecord:
        backup = BackupRecord(
            id=backup_id or new_id(),
            seq=self._next_seq(),
            name=name,
            description=description,
            source_index_name=index.name,
            source_index_id=index.id,
            tags=dict(index.tags if tags is None else tags),
            status=self._behaviour.backup_initial_status,
            since=now,
            created_at=now,
            size_bytes=index.size_bytes(),
            **carried(index),
        )
        return self._add(self._backups, backup.id, backup)

    def list_index_backups(
        self, index_name: str, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /indexes/{name}/backups`: backups taken of this index (by index id).

        Raises:
            NotFoundError: No such index (404).
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked():
            index = self._get_index(index_name)
            mine = [b for b in self._backups.values() if b.source_index_id == index.id]
            return self._backup_page(f"backups:{index.id}", mine, limit, pagination_token)

    def list_backups(
        self, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /backups`: every backup in the project, in creation order.

        Raises:
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked():
            return self._backup_page("backups", self._backups.values(), limit, pagination_token)

    def _backup_page(
        self,
        kind: str,
        backups: Iterable[BackupRecord],
        limit: int | None,
        pagination_token: str | None,
    ) -> dict[str, Any]:
        page, pagination = self._page(kind, backups, limit, pagination_token)
        return {"data": self._show(page, BackupRecord.to_json), "pagination": pagination}

    def describe_backup(self, backup_id: str) -> dict[str, Any]:
        """`GET /backups/{id}`.

        Raises:
            NotFoundError: No such backup (404).
        """
        with self._locked():
            [body] = self._show([self._get_backup(backup_id)], BackupRecord.to_json)
            return body

    def delete_backup(self, backup_id: str) -> None:
        """`DELETE /backups/{id}`; indexes already restored from it are unaffected.

        Raises:
            NotFoundError: No such backup (404).
            FailedPreconditionError: A restore from it is still Pending (412).
        """
        with self._locked():
            self._get_backup(backup_id)
            self._require_none_pending(
                (
                    j.id
                    for j in self._jobs.values()
                    if j.backup_id == backup_id and j.status == PENDING
                ),
                "Unable to delete backup. There are pending restore jobs for this backup",
            )
            del self._backups[backup_id]
            self._dirty = True

    def seed_backup(
        self,
        *,
        source_index_name: str,
        name: str | None = None,
        backup_id: str | None = None,
        ready: bool = True,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Create a backup of an existing index directly (any index state, no quota).

        Args:
            source_index_name: The index to back up.
            name: Backup name.
            backup_id: Fixed id (default: a new UUID4).
            ready: Start `Ready` instead of `Initializing`.
            tags: Backup tags (default: the index's tags).
            description: Backup description.

        Returns:
            The BackupModel JSON.

        Raises:
            NotFoundError: No such index.
            AlreadyExistsError: `backup_id` is taken.
        """
        with self._locked() as now:
            index = self._get_index(source_index_name)
            if backup_id is not None and backup_id in self._backups:
                raise AlreadyExistsError(f"Backup {backup_id} already exists.")
            backup = self._new_backup(
                index=index,
                name=name,
                description=description,
                now=now,
                backup_id=backup_id,
                tags=None if tags is None else dict(tags),
            )
            if ready:
                backup.status = READY
            return backup.to_json()

    # ------------------------------------------------------------------ status changes

    def _backup_phase(self, backup: BackupRecord) -> Timing | None:
        """Until it is Ready, a backup is in the phase `backup_ready` ends."""
        return None if backup.status == READY else self._timings.backup_ready

    def _backup_ready(self, backup: BackupRecord, _: float) -> None:
        backup.status = READY
