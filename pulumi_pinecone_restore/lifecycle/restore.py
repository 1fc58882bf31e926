"""``RestoredIndex`` declared: an index made by ``POST /backups/{id}/create-index``.

- Replace keys: ``backup_id``, ``name``; an omitted name derives from the backup (a new backup
  gets a new name, so the replacement is made before the old index goes).
- Prerequisite: the backup is ``Ready``. Start: the restore. Follow: the restore job, then the
  index until ``Ready``, polled where the forecast of its duration (the backup's size and the
  project's finished restores, see :mod:`~pulumi_pinecone_restore.forecast`) puts the finish.
- Nothing is concluded from absence: a 404 for the job is checked against the index (the
  live service answers 404 to any failed read of its job store) and the job is asked again;
  a job missing from the (lossy) listing is unknown, not "never started".
- An earlier attempt is an index of this name with this resource's ownership mark (see
  :mod:`.index`); a failed restore's index is deleted only if it carries the mark.
- Inputs the user omitted (``tags``, ``deletion_protection``) are not managed: the server's
  values (the backup's tags, protection ``disabled``) are shown and never diffed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from pulumi_pinecone_restore.errors import (
    BackupFailedError,
    ImportRefusedError,
    NotFoundError,
    RestoreFailedError,
)
from pulumi_pinecone_restore.forecast import DurationForecast, forecast_duration, size_of
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import Run, Started
from pulumi_pinecone_restore.lifecycle.final_backup import BACKUP_FAILED
from pulumi_pinecone_restore.lifecycle.index import (
    INDEX_OUTPUTS,
    IndexInputs,
    IndexSpec,
    live_index,
)
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.models import (
    BackupModel,
    IndexModel,
    RestoreJobModel,
    parse_timestamp,
)
from pulumi_pinecone_restore.polling import (
    Observation,
    PollSchedule,
    RestoreSchedule,
    Schedule,
)
from pulumi_pinecone_restore.validation import check_backup_id

__all__ = ["RESTORED_INDEX", "RestoreSpec", "Restored", "RestoredIndexInputs"]

#: Calls a restore's wait makes that SDK 7.3's does not, besides reading the history: the
#: describe of the backup before the POST and of the index once the job completed.
EXTRA_CALLS = 2
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@attrs.frozen
class RestoredIndexInputs(IndexInputs):
    """The inputs of a ``RestoredIndex``."""

    backup_id: str = input_prop(
        doc="Id of a Ready backup in the same project (see `pinecone-restore backups list`). "
        "Changing it replaces the index.",
        parse=decl.rule(check_backup_id),
        replace=True,
        required="the id of a Ready backup (see `pinecone-restore backups list`)",
    )


@attrs.frozen
class Restored:
    """A restored index with what is known of its restore."""

    index: IndexModel
    job: RestoreJobModel | None = None
    backup: BackupModel | None = None


@attrs.frozen
class RestoreHandle:
    """What the restore POST answered (or the adopted job showed)."""

    job_id: str | None
    index_id: str | None
    # The adopted job as the listing showed it, when it had already completed: the wait then
    # looks at the index at once instead of at the pace of a restore it joined part-way.
    completed: RestoreJobModel | None = attrs.field(default=None, eq=False)


class RestoreSpec(IndexSpec[RestoredIndexInputs, Restored, RestoreHandle, BackupModel]):
    """The declaration of ``RestoredIndex``."""

    kind: ClassVar[str] = "RestoredIndex"
    inputs = RestoredIndexInputs
    output_names: ClassVar[tuple[str, ...]] = (
        *INDEX_OUTPUTS,
        "index_id",
        "restore_job_id",
        "backup_id",
        "source_index_name",
        "source_index_id",
        "restore_job_status",
        "restore_started_at",
        "restore_completed_at",
    )
    name_origin: ClassVar[tuple[str, ...] | None] = ("backup_id",)
    origin_hint: ClassVar[str] = "restore it again"

    def index_of(self, obj: Restored) -> IndexModel:
        return obj.index

    def with_index(self, obj: Restored | None, index: IndexModel) -> Restored:
        return Restored(index) if obj is None else attrs.evolve(obj, index=index)

    # create ------------------------------------------------------------------------------

    def prerequisite(
        self, run: Run, inp: RestoredIndexInputs
    ) -> Callable[[], Observation[BackupModel]]:
        def probe() -> Observation[BackupModel]:
            try:
                backup = run.client.describe_backup(inp.backup_id)
            except NotFoundError as exc:
                raise exc.explained(
                    f"backup {inp.backup_id!r} does not exist in this project; check "
                    "backup_id (list them with `pinecone-restore backups list`)",
                ) from exc
            if backup.status == "Ready":
                return Observation(backup)
            if backup.status in BACKUP_FAILED:
                raise BackupFailedError(
                    f"backup {inp.backup_id} is {backup.status} and cannot be restored; "
                    "take a new backup and point backup_id at it"
                )
            return Observation(status=f"waiting for backup {inp.backup_id} ({backup.status})")

        return probe

    def start(
        self, run: Run, inp: RestoredIndexInputs, prerequisite: BackupModel
    ) -> Started[RestoreHandle]:
        # With `tags` in the request the restore does not copy the backup's: send them along.
        started = run.client.create_index_from_backup(
            inp.backup_id,
            name=inp.name,
            tags=self.start_tags(inp, prerequisite.tags),
            deletion_protection=inp.deletion_protection,
        )
        return Started(inp.name, RestoreHandle(started.restore_job_id, started.index_id))

    def handle_of(self, run: Run, inp: RestoredIndexInputs, index: IndexModel) -> RestoreHandle:
        # The job that made this very index (by id); not listed (lossy listing, or still
        # lagging): unknown, so the index alone is followed.
        job = _newest_job_into(run, inp.name, inp.backup_id, index.index_id or None)
        if job is None:
            return RestoreHandle(None, index.index_id)
        completed = job if job.status == "Completed" else None
        return RestoreHandle(job.restore_job_id, job.target_index_id, completed)

    def summary(self, inp: RestoredIndexInputs, started: Started[RestoreHandle]) -> str:
        if started.handle.job_id is None:
            return f"the restore of backup {inp.backup_id} (its restore job is not listed yet)"
        return f"restore job {started.handle.job_id} from backup {inp.backup_id}"

    def schedule(
        self,
        run: Run,
        inp: RestoredIndexInputs,
        started: Started[RestoreHandle],
        prerequisite: BackupModel,
    ) -> Schedule:
        """Poll where the forecast puts the finish (a job adopted part-way: the SDK's pace).

        A job adopted after it completed (the run that started it was stopped) has nothing
        left to forecast: its index is looked at once, then backed off from.
        """
        if started.handle.completed is not None:
            return PollSchedule()
        forecast, calls = _forecast(run, inp, prerequisite)
        if started.adopted:
            forecast = None  # how long it has run is not known here: no window to aim at
        return RestoreSchedule(forecast=forecast, overhead=calls + EXTRA_CALLS)

    def watch(
        self,
        run: Run,
        inp: RestoredIndexInputs,
        started: Started[RestoreHandle],
        prerequisite: BackupModel,
    ) -> Callable[[], Observation[Restored]]:
        handle = started.handle
        forecast = None if handle.completed else _forecast(run, inp, prerequisite)[0]
        job = _JobWatch(handle.job_id, forecast, completed=handle.completed)

        def probe() -> Observation[Restored]:
            waiting = job.progress(run, inp)
            if waiting is not None:
                return waiting
            try:
                index = job.index or run.client.describe_index(inp.name)
            except NotFoundError as exc:
                raise self.vanished(inp) from exc
            job.index = None
            if index.state == "InitializationFailed":
                raise RestoreFailedError(
                    f"index {inp.name!r} restored from backup {inp.backup_id} ended "
                    "InitializationFailed"
                )
            if index.ready and index.state == "Ready":
                return Observation(Restored(index, job.completed, prerequisite))
            return Observation(status=f"index {index.state}", forecast=forecast)

        return probe

    def outputs(
        self, given: Mapping[str, Any], obj: Restored, previous: Mapping[str, Any]
    ) -> dict[str, Any]:
        job, backup = obj.job, obj.backup
        outs = self.common_outputs(given, obj.index)
        outs.update(
            {
                "index_id": job.target_index_id if job else previous.get("index_id"),
                "restore_job_id": job.restore_job_id if job else previous.get("restore_job_id"),
                "backup_id": given.get("backup_id") or previous.get("backup_id"),
                "source_index_name": backup.source_index_name
                if backup
                else previous.get("source_index_name"),
                "source_index_id": backup.source_index_id
                if backup
                else previous.get("source_index_id"),
                "restore_job_status": job.status if job else previous.get("restore_job_status"),
                "restore_started_at": job.created_at if job else previous.get("restore_started_at"),
                "restore_completed_at": job.completed_at
                if job
                else previous.get("restore_completed_at"),
            }
        )
        return outs

    # read --------------------------------------------------------------------------------

    def described(self, run: Run, index: IndexModel, previous: Mapping[str, Any]) -> Restored:
        job_id = previous.get("restore_job_id")
        job = None
        if isinstance(job_id, str) and job_id:
            # The live service forgets jobs whose index was deleted; keep what we knew.
            with contextlib.suppress(NotFoundError):
                job = run.client.describe_restore_job(job_id)
        return Restored(index, job)

    def same_origin(self, run: Run, inp: RestoredIndexInputs, index: IndexModel) -> bool:
        """An unmarked index is adoptable when a restore job of this backup made it."""
        return _own_job(run, inp) is not None

    def made_from(self, run: Run, name: str) -> RestoredIndexInputs | None:
        """The backup of the newest listed restore into ``name`` (the listing is lossy)."""
        job = _newest_job_into(run, name)
        return None if job is None else RestoredIndexInputs(backup_id=job.backup_id, name=name)

    def import_inputs(self, run: Run, obj: Restored) -> tuple[dict[str, Any], Restored]:
        """``pulumi import`` / ``RestoredIndex.get``: find the restore that made this index."""
        job = _newest_job_into(run, obj.index.name)
        if job is None:
            raise ImportRefusedError(
                f"index {obj.index.name!r} exists but no listed restore job created it, so it "
                "cannot be managed as a RestoredIndex. The restore-job listing can leave jobs "
                "out (and drops those of deleted indexes): if a restore made it, try again"
            )
        backup = None
        with contextlib.suppress(NotFoundError):
            backup = run.client.describe_backup(job.backup_id)
        return {"backup_id": job.backup_id, "name": obj.index.name}, Restored(
            obj.index, job, backup
        )


def _forecast(
    run: Run, inp: RestoredIndexInputs, prerequisite: BackupModel
) -> tuple[DurationForecast | None, int]:
    """The restore's forecast from the project's history, and the calls reading it made."""
    read = run.runtime.history.read(run.client, {inp.backup_id: prerequisite})
    return forecast_duration(size_of(prerequisite), read.finished), read.calls


@attrs.define
class _JobWatch:
    """A restore job followed until it completes (then its index is followed)."""

    job_id: str | None  # None: not known (not listed when adopted)
    forecast: DurationForecast | None = None
    completed: RestoreJobModel | None = None
    index: IndexModel | None = None  # the index as a 404's check found it Ready
    misses: int = 0  # describes of the job that answered 404

    def progress(self, run: Run, inp: RestoredIndexInputs) -> Observation[Restored] | None:
        """The job's status while it runs; ``None`` once it completed (or its index is Ready)."""
        job_id = self.job_id
        if job_id is None or self.completed is not None:
            return None
        try:
            job = run.client.describe_restore_job(job_id)
        except NotFoundError as exc:
            return self._not_found(run, inp, job_id, exc)
        if not job.is_terminal:
            return Observation(
                status=job.status, percent=job.percent_complete, forecast=self.forecast
            )
        if job.status != "Completed":
            raise RestoreFailedError(
                f"restore job {job_id} of backup {inp.backup_id} into index {inp.name!r} "
                f"ended {job.status}"
            )
        self.completed = job
        return None

    def _not_found(
        self, run: Run, inp: RestoredIndexInputs, job_id: str, exc: NotFoundError
    ) -> Observation[Restored] | None:
        """The index decides what a 404 for our own job means; else the job is asked again.

        The 404 proves nothing: the live service answers 404 to any failed read of its job
        store, as well as for the jobs of deleted indexes.
        """
        self.misses += 1
        index = live_index(run.client, inp.name)
        if index is None:
            # The service also hides (404) the jobs of deleted indexes: with the index gone,
            # the restore ended with it, whatever the job's last status was.
            raise RestoreFailedError(
                f"restore job {job_id} of backup {inp.backup_id} into index {inp.name!r} "
                "ended without an index: the index was deleted while the restore ran (the "
                "restore was Cancelled, or Failed because someone deleted the index), and "
                "Pinecone no longer shows the job. Nothing of it is left; running the restore "
                "again starts a new one"
            ) from exc
        if index.state == "InitializationFailed" or (index.ready and index.state == "Ready"):
            run.say(
                f"{RESTORED_INDEX.label(inp)}: restore job {job_id} answered 404 (the live "
                f"service may, for a job that exists); its index is {index.state}, so that "
                "decides"
            )
            self.index = index  # the probe judges it as it is, without describing it again
            return None
        return Observation(
            status=f"Pending (restore job {job_id} answered 404, which may be transient; "
            f"index {index.state})",
            forecast=self.forecast,
        )


def _newest_job_into(
    run: Run, name: str, backup_id: str | None = None, index_id: str | None = None
) -> RestoreJobModel | None:
    """The newest listed restore job into ``name`` (of ``backup_id``), across the listing lag.

    ``None`` means "not listed", which is not "none exists": the listing is lossy.
    """

    def matching() -> list[RestoreJobModel]:
        return [
            job
            for job in run.client.iter_restore_jobs()
            if job.target_index_name == name
            and backup_id in (None, job.backup_id)
            and index_id in (None, job.target_index_id)
        ]

    # Listings come newest first or oldest first, and timestamps in several precisions:
    # order by the parsed time, never by position or text.
    return max(
        run.listed(matching),
        key=lambda job: parse_timestamp(job.created_at) or _EPOCH,
        default=None,
    )


def _own_job(run: Run, inp: RestoredIndexInputs) -> RestoreJobModel | None:
    """The newest restore job of this backup into this name."""
    return _newest_job_into(run, inp.name, inp.backup_id)


RESTORED_INDEX = RestoreSpec()
