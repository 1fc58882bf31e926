"""The project's finished restores, read once per run (or set) for the restore forecast.

One listing of restore jobs (its first page of up to 100, the newest on a service that lists
newest first) and, only when some finished job restored a backup not already known, one
listing of backups give each finished restore's duration (``created_at`` to
``completed_at``) and its backup's size. Both are best effort: the restore-job listing is
lossy (rows dropped, repeated, pages cut short), so rows are de-duplicated by id and a
missing row only makes the history shorter. A failed read leaves no history (the wait then
polls at the SDK's pace); it is not retried and not an error.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import PineconeRestoreError
from pulumi_pinecone_restore.forecast import Finished, Size
from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel, parse_timestamp

__all__ = ["RestoreHistory", "size_of"]

#: Rows asked for per listing (the API's maximum): one page is the history read.
PAGE = 100


def size_of(backup: BackupModel) -> Size:
    """What a backup reports about its size."""
    return Size(backup.record_count, backup.size_bytes, backup.namespace_count)


@attrs.frozen
class Read:
    """A history read: the finished restores, and how many calls this read made (0: cached)."""

    finished: tuple[Finished, ...]
    calls: int


@attrs.define
class RestoreHistory:
    """Finished restores per project, read at most once per process and kept.

    A provider process serves one ``pulumi up`` (a set's members share it), so "once per
    process" is once per run. Thread-safe: a set's members ask at once, one reads.
    """

    _cache: dict[tuple[str, str], tuple[Finished, ...]] = attrs.field(factory=dict, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def read(self, client: ControlPlaneClient, known: Mapping[str, BackupModel]) -> Read:
        """The finished restores of the client's project.

        Args:
            client: The project's client (its host and key identify the project).
            known: Backups already described, by id (no call is made for them).

        Returns:
            The history and the calls this read made.
        """
        # The key only as a digest: this object lives in memory, but nothing should print it.
        digest = hashlib.sha256(client.settings.api_key.encode()).hexdigest()
        key = (client.settings.controller_host, digest)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return Read(cached, 0)
            finished, calls = _read(client, known)
            self._cache[key] = finished
            return Read(finished, calls)


def _read(
    client: ControlPlaneClient, known: Mapping[str, BackupModel]
) -> tuple[tuple[Finished, ...], int]:
    calls = 1
    try:
        rows, _ = client.list_restore_jobs_page(limit=PAGE)
    except PineconeRestoreError:
        return (), calls
    jobs = {job.restore_job_id: job for job in rows if _seconds(job) is not None}
    sizes = {backup_id: size_of(backup) for backup_id, backup in known.items()}
    if any(job.backup_id not in sizes for job in jobs.values()):
        calls += 1
        try:
            backups, _ = client.list_backups_page(limit=PAGE)
        except PineconeRestoreError:
            backups = []
        sizes.update({b.backup_id: size_of(b) for b in backups})
    finished = tuple(
        Finished(seconds, sizes[job.backup_id])
        for job in jobs.values()
        if job.backup_id in sizes and (seconds := _seconds(job)) is not None
    )
    return finished, calls


def _seconds(job: RestoreJobModel) -> float | None:
    """How long a Completed job took, if its timestamps say so."""
    if job.status != "Completed":
        return None
    began, ended = parse_timestamp(job.created_at), parse_timestamp(job.completed_at)
    if began is None or ended is None or ended <= began:
        return None
    return (ended - began).total_seconds()
