"""Restore jobs: a backup restored into a new index, and the job that reports on it.

A job is `Pending` until the restore `Timing` (its own duration, from the backup's size and
its scatter draw) is met, then `Completed` (or `Failed` for a backup marked so); its index is
`Initializing` until then and becomes `Ready` (or `InitializationFailed`) at the same
instant. Reads of the job and of the restored index both count towards it.
"""

from __future__ import annotations

from typing import Any

from pulumi_pinecone_restore.emulator.config import Timing
from pulumi_pinecone_restore.emulator.exceptions import (
    FailedPreconditionError,
    NotFoundError,
)
from pulumi_pinecone_restore.emulator.models import state
from pulumi_pinecone_restore.emulator.models.backend import Backend, carried, new_id
from pulumi_pinecone_restore.emulator.records import (
    CANCELLED,
    COMPLETED,
    FAILED,
    INITIALIZATION_FAILED,
    INITIALIZING,
    PENDING,
    READY,
    TERMINATING,
    IndexRecord,
    RestoreJobRecord,
)
from pulumi_pinecone_restore.emulator.validation import CreateIndexFromBackupRequest


class RestoreJobBackend(Backend):
    """The restore operations (and cancelling or failing a restore, for tests)."""

    __slots__ = ()

    def _target_of(self, job: RestoreJobRecord) -> IndexRecord | None:
        """The job's target index, if it still exists (its name may now be another index's)."""
        index = self._indexes.get(job.target_index_name)
        return index if index is not None and index.id == job.target_index_id else None

    def _job_json(self, job: RestoreJobRecord, now: float) -> dict[str, Any]:
        return job.to_json(self._progress(job, now), live=self._behaviour.live_progress)

    def _job_hidden(self, job: RestoreJobRecord) -> bool:
        """Whether the service would no longer show the job: its target index was deleted."""
        if not self._behaviour.hide_jobs_of_deleted_indexes:
            return False
        index = self._target_of(job)
        return index is None or index.state == TERMINATING

    def create_index_from_backup(self, backup_id: str, body: object) -> dict[str, Any]:
        """`POST /backups/{id}/create-index`: create an index and a Pending restore job.

        The index inherits dimension, metric, vector type, cloud and region from the backup,
        and the backup's tags unless tags are given (an empty object counts as not given). It
        stays `Initializing` until the restore job ends.

        Returns:
            `{"restore_job_id", "index_id"}`.

        Raises:
            UnprocessableError: Bad body shape, e.g. missing `name` (422).
            InvalidArgumentError: Bad name, tags or deletion_protection (400).
            NotFoundError: No such backup (404).
            FailedPreconditionError: The backup is not Ready (412).
            AlreadyExistsError: The index name is taken (409).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexFromBackupRequest.from_json(body)
        with self._locked() as now:
            backup = self._ready(self._get_backup(backup_id), to="restored")
            job_id = new_id()
            index = self._new_index(
                request,
                now,
                **carried(backup),
                tags=dict(backup.tags if request.tags is None else request.tags),
                restore_job_id=job_id,
            )
            scatter = self._timings.restore.scatter
            job = RestoreJobRecord(
                id=job_id,
                seq=self._next_seq(),
                backup_id=backup_id,
                target_index_name=request.name,
                target_index_id=index.id,
                status=PENDING,
                since=now,
                created_at=now,
                records=backup.record_count,
                factor=self._restore_rng.uniform(1.0 - scatter, 1.0 + scatter),
            )
            self._add(self._jobs, job.id, job)
            return {"restore_job_id": job_id, "index_id": index.id}

    def list_restore_jobs(
        self, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /restore-jobs`: the restore jobs the service shows, newest first by default.

        Per `Behaviour`, jobs whose target index was deleted are left out, and a new job is
        left out until its listing lag has passed.

        Raises:
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked() as now:
            shown = [job for job in self._jobs.values() if not self._job_hidden(job)]
            listed = [job for job in shown if self._past_listing_lag(job, now)]
            faults = self._behaviour
            page, pagination = self._page(
                "restore-jobs",
                listed,
                limit,
                pagination_token,
                cap=faults.listing_page_size,
                repeat=faults.listing_repeat_rows,
                max_pages=faults.listing_max_pages,
            )
            if faults.listing_drop_rate > 0:
                page = [j for j in page if self._fault_rng.random() >= faults.listing_drop_rate]
            data = self._show(page, lambda job: self._job_json(job, now))
            return {"data": data, "pagination": pagination}

    def _past_listing_lag(self, job: RestoreJobRecord, now: float) -> bool:
        """Whether a job is old enough to be listed; a listing that leaves it out counts."""
        if not job.listed:
            lag = self._behaviour.restore_listing_lag
            if not state.reached(lag, reads=job.listing_misses, elapsed=now - job.created_at):
                job.listing_misses += 1
                self._dirty = True
                return False
            # Once listed it stays listed, even if the lag is changed later.
            job.listed = True
            self._dirty = True
        return True

    def _get_job(self, job_id: str) -> RestoreJobRecord:
        job = self._jobs.get(job_id)
        if job is None or self._job_hidden(job):
            raise NotFoundError(f"Restore job {job_id} not found.")
        return job

    def describe_restore_job(self, job_id: str) -> dict[str, Any]:
        """`GET /restore-jobs/{id}`.

        Raises:
            NotFoundError: No such restore job, or (per `Behaviour`) its target index was
                deleted (404).
        """
        with self._locked() as now:
            job = self._get_job(job_id)
            faults = self._behaviour
            # The first `job_404_first` describes of a job are refused: a read-counted gate.
            refused = not state.reached(Timing(reads=faults.job_404_first), reads=job.describes)
            job.describes += 1
            self._dirty = True
            if refused or (
                faults.job_404_rate > 0 and self._fault_rng.random() < faults.job_404_rate
            ):
                # The live service answers 404 to every failed read of its job store.
                raise NotFoundError(f"Restore job {job_id} not found.")
            [body] = self._show([job], lambda job: self._job_json(job, now))
            return body

    def cancel_restore(self, job_id: str, *, delete_index: bool = False) -> dict[str, Any]:
        """End a running restore job `Cancelled` (what an operator's cancel would do).

        The 2025-04 API has no cancel call; the status exists in the CLI and newer SDKs. The
        job keeps the progress it had and gets `completed_at`; its index becomes
        `InitializationFailed` (still there, never Ready, deletable), or with `delete_index`
        starts `Terminating` like a DELETE (and the job is then hidden like any job whose
        target was deleted, unless `hide_jobs_of_deleted_indexes` is off).

        Args:
            job_id: The job to cancel.
            delete_index: Delete the target index too.

        Returns:
            The job as the API now renders it (even when it is hidden from the API).

        Raises:
            NotFoundError: No such job.
            FailedPreconditionError: The job has already ended.
        """
        with self._locked() as now:
            job = self._get(self._jobs, job_id, f"Restore job {job_id}")
            if job.status != PENDING:
                raise FailedPreconditionError(
                    f"Restore job {job_id} has already ended (status: {job.status})."
                )
            self._end_job(job, CANCELLED, now)
            index = self._target_of(job)
            if index is not None and index.state == INITIALIZING:
                self._enter(index, now)
                index.state = TERMINATING if delete_index else INITIALIZATION_FAILED
            return self._job_json(job, now)

    def fail_restores_from(self, backup_id: str) -> None:
        """Make every restore from this backup — pending or future — end `Failed`.

        The job then reports `Failed` and its index `InitializationFailed`.

        Raises:
            NotFoundError: No such backup.
        """
        with self._locked():
            self._get_backup(backup_id).fail_restores = True
            self._dirty = True

    # ------------------------------------------------------------------ status changes

    def _job_phase(self, job: RestoreJobRecord) -> Timing | None:
        """A Pending job runs by its own restore timing."""
        return self._job_timing(job) if job.status == PENDING else None

    def _job_timing(self, job: RestoreJobRecord) -> Timing:
        """The timing `job` runs by under the current restore timing (its own duration)."""
        return self._timings.restore.phase(job.records, job.factor)

    def _finish_restore(self, job: RestoreJobRecord, at: float) -> None:
        backup = self._backups.get(job.backup_id)
        failed = backup is not None and backup.fail_restores
        if failed:
            self._end_job(job, FAILED, at)
        else:
            self._end_job(job, COMPLETED, at)
            job.percent_complete = 100.0
        index = self._target_of(job)
        if index is not None and index.state == INITIALIZING:
            self._enter(index, at)
            index.state = INITIALIZATION_FAILED if failed else READY

    def _end_job(self, job: RestoreJobRecord, status: str, at: float) -> None:
        """End a running job; its progress stays where it was at `at`."""
        job.percent_complete = self._progress(job, at)
        self._enter(job, at)
        job.status = status
        job.completed_at = at

    def _progress(self, job: RestoreJobRecord, at: float) -> float:
        """`percent_complete` of a running job at instant `at`, per `Behaviour.progress`.

        Under the live default (no curve) the job stays at 0 internally; it is not shown.
        """
        curve = self._behaviour.progress
        if curve is None:
            return 0.0
        return curve.percent(state.fraction(job, self._job_timing(job), at))

    def _read_restored(self, index: IndexRecord) -> bool:
        """Count a read of a restoring index towards its job; False if it is not restoring."""
        if index.state != INITIALIZING or index.restore_job_id is None:
            return False
        job = self._jobs.get(index.restore_job_id)
        if job is not None:
            self._read(job)
        return True
