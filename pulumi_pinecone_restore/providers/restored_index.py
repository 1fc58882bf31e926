"""The dynamic provider behind ``RestoredIndex``: Pulumi's lifecycle mapped onto a restore.

- check: validates every input per property at preview time (unknown values pass).
- diff: ``backup_id``/``name`` → replace (delete-before-replace only for explicit names, since
  names are unique); tags, deletion protection, budgets → in-place update.
- create: ``POST /backups/{id}/create-index``, then the restore job, then the index until
  ``Ready``. Transactional: a failed restore deletes the index it made. A 409 on the name is
  resolved by adopting the restore job of *this backup into this name* (the one an interrupted
  or timed-out earlier ``pulumi up`` started); any other index of that name is left alone.
- read: describe index (+ restore job); gone → no id; drift in managed inputs → new inputs.
- update: one ``PATCH`` with tags (``""`` for removed keys) and deletion protection.
- delete: honours deletion protection, then waits until the name is really free.

Inputs the user omitted (``tags``, ``deletion_protection``) are not managed: the server's
values (the backup's tags, protection ``disabled``) are shown as outputs and never diffed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import attrs
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    PineconeRestoreError,
    RestoreFailedError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.models import BackupModel, IndexModel, RestoreJobModel
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.providers._index_common import (
    apply_settings,
    check_force_destroy,
    check_known,
    check_tags_known,
    clean_inputs,
    delete_and_wait,
    describe_live_index,
    differs,
    index_exists,
    managed_drift,
    stored_inputs,
    update_changes,
    update_index,
    wait_index_ready,
)
from pulumi_pinecone_restore.providers.base import (
    UNKNOWN,
    ProgressThrottle,
    ProviderBase,
    budget_of,
    check_budget,
    is_unknown,
)
from pulumi_pinecone_restore.validation import (
    auto_index_name,
    check_deletion_protection,
    check_index_name,
)

__all__ = [
    "DEFAULT_CREATE_TIMEOUT",
    "DEFAULT_DELETE_TIMEOUT",
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "RestoredIndexProvider",
]

DEFAULT_CREATE_TIMEOUT = 3600.0
DEFAULT_DELETE_TIMEOUT = 600.0
# How long a just-created restore job may answer 404 before we believe it (live service lag).
JOB_NOT_FOUND_GRACE = 60.0
POST_RECONCILE_ATTEMPTS = 3
JOB_LIST_GRACE = 30.0

INPUT_KEYS = (
    "backup_id",
    "name",
    "tags",
    "deletion_protection",
    "create_timeout",
    "delete_timeout",
    "force_destroy",
    "auto_name_seed",
)
OUTPUT_KEYS = (
    "name",
    "index_id",
    "restore_job_id",
    "host",
    "dimension",
    "metric",
    "vector_type",
    "cloud",
    "region",
    "state",
    "ready",
    "deletion_protection",
    "tags",
    "backup_id",
    "source_index_name",
    "source_index_id",
    "restore_job_status",
    "restore_started_at",
    "restore_completed_at",
)
_REPLACE_KEYS = ("backup_id", "name")
_UPDATE_KEYS = ("tags", "deletion_protection", "create_timeout", "delete_timeout", "force_destroy")


@attrs.frozen
class _Desired:
    """Validated inputs."""

    backup_id: str
    name: str
    tags: dict[str, str] | None
    deletion_protection: str | None
    create_timeout: float
    delete_timeout: float
    force_destroy: bool

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> _Desired:
        tags = inputs.get("tags")
        return cls(
            backup_id=str(inputs["backup_id"]),
            name=str(inputs["name"]),
            tags=dict(tags) if isinstance(tags, Mapping) else None,
            deletion_protection=inputs.get("deletion_protection"),
            create_timeout=budget_of(inputs, "create_timeout", DEFAULT_CREATE_TIMEOUT),
            delete_timeout=budget_of(inputs, "delete_timeout", DEFAULT_DELETE_TIMEOUT),
            force_destroy=bool(inputs.get("force_destroy")),
        )


def _clean_inputs(news: Mapping[str, Any]) -> dict[str, Any]:
    return clean_inputs(news, INPUT_KEYS)


def _stored_inputs(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The validated inputs kept in a resource's outputs."""
    return stored_inputs(outs, INPUT_KEYS)


class RestoredIndexProvider(ProviderBase):
    """CRUD for an index restored from a Pinecone backup."""

    # check -----------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs per property and settle the index name.

        An omitted ``name`` becomes ``<resource-name>-<7 hex>``: kept from the previous inputs
        while the backup stays the same, new when the backup changes (so the replacement can
        exist next to the old index until it is ready).
        """
        failures: list[CheckFailure] = []
        inputs = _clean_inputs(news)
        backup_id = news.get("backup_id")
        if backup_id is None or (isinstance(backup_id, str) and not backup_id.strip()):
            failures.append(CheckFailure("backup_id", "backup_id is required: the id of a "
                                         "Ready backup (see `pinecone-restore backups list`)"))
        elif not isinstance(backup_id, str) and not is_unknown(backup_id):
            failures.append(CheckFailure("backup_id", "backup_id must be a string"))

        name = news.get("name")
        if name is not None and not is_unknown(name):
            reason = check_index_name(name)
            if reason:
                failures.append(CheckFailure("name", f"name: {reason}"))
        elif name is None:
            inputs["name"] = self._auto_name(_olds, news)

        check_known(news, "tags", check_tags_known, failures)
        check_known(news, "deletion_protection", check_deletion_protection, failures)

        check_budget(news, "create_timeout", failures)
        check_budget(news, "delete_timeout", failures)
        check_force_destroy(news, failures)
        return CheckResult(inputs, failures)

    @staticmethod
    def _auto_name(olds: Mapping[str, Any], news: Mapping[str, Any]) -> str:
        seed = news.get("auto_name_seed") or "index"
        backup_id = news.get("backup_id")
        old_name = olds.get("name")
        if (
            olds.get("auto_name_seed") == seed
            and olds.get("backup_id") == backup_id
            and isinstance(old_name, str)
        ):
            return old_name
        if is_unknown(backup_id):
            # Whatever the name will be, it is not known before the backup id is.
            return UNKNOWN
        resource_name = str(seed).rsplit("/", 1)[-1]
        return auto_index_name(resource_name, f"{seed}/{backup_id}")

    # diff ------------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare stored outputs with new inputs; only managed inputs can differ."""
        replaces = [k for k in _REPLACE_KEYS if differs(olds.get(k), news.get(k))]
        changes = [*replaces, *update_changes(olds, news, _UPDATE_KEYS, INPUT_KEYS)]
        # Names are unique: the old index must go first only when the new one takes its name.
        same_name = not differs(olds.get("name"), news.get("name"))
        return DiffResult(
            changes=bool(changes),
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces) and same_name,
        )

    # create ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Restore the backup into a new index and wait until it is ready."""
        desired = _Desired.from_inputs(props)
        client = self.runtime.client()
        deadline = self.runtime.deadline(desired.create_timeout)
        backup = self._wait_backup_ready(client, desired, deadline)
        job_id, index_id, adopted = self._start_or_adopt(client, desired)
        label = f"RestoredIndex {desired.name}"
        self.runtime.progress(
            f"{label}: {'resuming' if adopted else 'started'} restore job {job_id} "
            f"from backup {desired.backup_id}"
        )
        try:
            job = self._wait_job(client, desired, job_id, deadline, label)
            index = wait_index_ready(
                self.runtime, client, desired.name, deadline, label=label,
                failure=f"index {desired.name!r} restored from backup {desired.backup_id} ended "
                "InitializationFailed",
            )
        except RestoreFailedError:
            self._discard_failed_index(client, desired, job_id, index_id)
            raise
        except WaitTimeoutError as exc:
            raise WaitTimeoutError(_timeout_message(desired, job_id, str(exc))) from exc
        if desired.tags is not None and index.tags != desired.tags:
            # A restore given no tags (or {}) takes the backup's; make the result match exactly.
            index = apply_settings(client, desired.name, index.tags, desired.tags, None) or index
        job = _describe_job_or(client, job_id, None) or job
        self.runtime.progress(f"{label}: ready at {index.host}")
        outs = _outputs(_clean_inputs(props), {"index_id": index_id}, index, job, backup)
        return CreateResult(desired.name, outs)

    def _wait_backup_ready(
        self, client: ControlPlaneClient, desired: _Desired, deadline: Deadline
    ) -> BackupModel:
        def probe() -> BackupModel | None:
            try:
                backup = client.describe_backup(desired.backup_id)
            except NotFoundError as exc:
                raise NotFoundError(
                    exc.status, exc.code,
                    f"backup {desired.backup_id!r} does not exist in this project; check "
                    "backup_id (list them with `pinecone-restore backups list`)",
                    exc.method, exc.path,
                ) from exc
            if backup.status == "Ready":
                return backup
            if backup.status in {"Failed", "InitializationFailed"}:
                raise RestoreFailedError(
                    f"backup {desired.backup_id} is {backup.status} and cannot be restored; "
                    "take a new backup and point backup_id at it"
                )
            self.runtime.progress(
                f"RestoredIndex {desired.name}: waiting for backup {desired.backup_id} "
                f"({backup.status})"
            )
            return None

        return wait_for(
            probe, deadline=deadline, what=f"backup {desired.backup_id} to become Ready",
            schedule=self.runtime.schedule, sleep=self.runtime.sleep,
        ).value

    def _start_or_adopt(
        self, client: ControlPlaneClient, desired: _Desired
    ) -> tuple[str, str, bool]:
        """Start the restore, or find the one an earlier attempt started. Returns ids + adopted."""
        last_error: PineconeRestoreError | None = None
        for _ in range(POST_RECONCILE_ATTEMPTS):
            try:
                started = client.create_index_from_backup(
                    desired.backup_id,
                    name=desired.name,
                    tags=desired.tags,
                    deletion_protection=desired.deletion_protection,
                )
            except ConflictError as exc:
                job = self._find_own_job(client, desired)
                if job is None:
                    raise ConflictError(
                        exc.status, exc.code,
                        f"an index named {desired.name!r} already exists and was not restored "
                        f"from backup {desired.backup_id} by an earlier run; it is left "
                        "untouched. Choose another `name` (or omit it for an auto-name), or "
                        "delete that index if it is not needed",
                        exc.method, exc.path,
                    ) from exc
                return job.restore_job_id, job.target_index_id, True
            except (ServerError, TransportError) as exc:
                # The POST may or may not have started a restore: look before sending it again.
                last_error = exc
                job = self._reconcile_lost_post(client, desired)
                if job is not None:
                    return job.restore_job_id, job.target_index_id, True
                continue  # verifiably nothing was started, so sending again is safe
            return started.restore_job_id, started.index_id, False
        raise PineconeRestoreError(
            f"could not start restoring backup {desired.backup_id} into {desired.name!r} after "
            f"{POST_RECONCILE_ATTEMPTS} attempts: {last_error}"
        ) from last_error

    def _reconcile_lost_post(
        self, client: ControlPlaneClient, desired: _Desired
    ) -> RestoreJobModel | None:
        """After a POST whose answer was lost: the job it started, or None if it started none."""
        job = self._find_own_job(client, desired)
        if job is not None or not index_exists(client, desired.name):
            return job
        # The index exists but its job is not listed yet (the live listing lags): give it time.
        return wait_for(
            lambda: self._find_own_job(client, desired),
            deadline=self.runtime.deadline(JOB_LIST_GRACE),
            what=f"the restore job of {desired.backup_id} into {desired.name!r} to be listed",
            schedule=self.runtime.schedule,
            sleep=self.runtime.sleep,
        ).value

    @staticmethod
    def _find_own_job(client: ControlPlaneClient, desired: _Desired) -> RestoreJobModel | None:
        """The newest restore job of this backup into this name, if there is one."""
        matches = [
            job
            for job in client.iter_restore_jobs()
            if job.target_index_name == desired.name and job.backup_id == desired.backup_id
        ]
        matches.sort(key=lambda job: job.created_at or "")
        return matches[-1] if matches else None

    def _wait_job(
        self,
        client: ControlPlaneClient,
        desired: _Desired,
        job_id: str,
        deadline: Deadline,
        label: str,
    ) -> RestoreJobModel:
        throttle = ProgressThrottle(self.runtime.progress, self.runtime.clock)

        def probe() -> RestoreJobModel | None:
            try:
                job = client.describe_restore_job(job_id)
            except NotFoundError:
                if deadline.elapsed < JOB_NOT_FOUND_GRACE:
                    return None  # the live service may not list a brand-new job yet
                raise
            if job.is_terminal:
                return job
            percent = f" {job.percent_complete:.0f}%" if job.percent_complete is not None else ""
            throttle(
                f"{job.status}{percent}",
                f"{label}: restore job {job_id} {job.status}{percent} "
                f"(elapsed {deadline.elapsed:.0f}s of {deadline.budget:.0f}s)",
            )
            return None

        job = wait_for(
            probe, deadline=deadline, what=f"restore job {job_id}",
            schedule=self.runtime.schedule, sleep=self.runtime.sleep,
        ).value
        if job.status != "Completed":
            raise RestoreFailedError(
                f"restore job {job_id} of backup {desired.backup_id} into index "
                f"{desired.name!r} ended {job.status}"
            )
        return job

    def _discard_failed_index(
        self, client: ControlPlaneClient, desired: _Desired, job_id: str, index_id: str
    ) -> None:
        """Delete the index a failed restore left behind, but only if it is ours."""
        if not self._index_is_ours(client, desired, job_id, index_id):
            return
        try:
            delete_and_wait(self.runtime, client, desired.name, desired.delete_timeout, force=True)
        except (ApiError, WaitTimeoutError) as exc:
            raise RestoreFailedError(
                f"restore job {job_id} of backup {desired.backup_id} failed, and deleting the "
                f"failed index {desired.name!r} also failed ({exc}); delete it by hand"
            ) from exc
        self.runtime.progress(
            f"RestoredIndex {desired.name}: deleted the index of failed restore job {job_id}"
        )

    @staticmethod
    def _index_is_ours(
        client: ControlPlaneClient, desired: _Desired, job_id: str, index_id: str
    ) -> bool:
        try:
            index = client.describe_index(desired.name)
        except NotFoundError:
            return False
        if index.index_id is not None:
            return index.index_id == index_id
        # API 2025-04 does not show an index's id: the newest job into this name must be ours.
        newest = max(
            (j for j in client.iter_restore_jobs() if j.target_index_name == desired.name),
            key=lambda j: j.created_at or "",
            default=None,
        )
        return newest is not None and newest.restore_job_id == job_id

    # read ------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the index; report it gone, or its current outputs and managed inputs."""
        client = self.runtime.client()
        index = describe_live_index(client, id_)
        if index is None:
            return ReadResult(None, {})
        if not props.get("restore_job_id"):
            return self._read_for_import(client, index)
        job = _describe_job_or(client, str(props["restore_job_id"]), None)
        inputs = _stored_inputs(props)
        outs = _outputs(inputs, props, index, job, None)
        return ReadResult(id_, outs, managed_drift(inputs, index))

    @staticmethod
    def _read_for_import(client: ControlPlaneClient, index: IndexModel) -> ReadResult:
        """``pulumi import`` / ``RestoredIndex.get``: find the restore that made this index."""
        job = max(
            (j for j in client.iter_restore_jobs() if j.target_index_name == index.name),
            key=lambda j: j.created_at or "",
            default=None,
        )
        if job is None:
            raise NotFoundError(
                404, "NOT_FOUND",
                f"index {index.name!r} exists but no restore job created it (or its job is no "
                "longer listed), so it cannot be managed as a RestoredIndex",
                "GET", "/restore-jobs",
            )
        backup = None
        with contextlib.suppress(NotFoundError):
            backup = client.describe_backup(job.backup_id)
        inputs = {"backup_id": job.backup_id, "name": index.name}
        outs = _outputs(inputs, {"index_id": job.target_index_id}, index, job, backup)
        return ReadResult(index.name, outs, inputs)

    # update ----------------------------------------------------------------------------

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply tag and deletion-protection changes in one PATCH."""
        desired = _Desired.from_inputs(news)
        index = update_index(
            self.runtime.client(), _id, olds, desired.tags, desired.deletion_protection,
            recreate_hint="restore it again",
        )
        return UpdateResult(_outputs(_clean_inputs(news), olds, index, None, None))

    # delete ----------------------------------------------------------------------------

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete the index (honouring deletion protection) and wait until it is gone."""
        client = self.runtime.client()
        inputs = _stored_inputs(props)
        force = bool(inputs.get("force_destroy"))
        budget = budget_of(inputs, "delete_timeout", DEFAULT_DELETE_TIMEOUT)
        delete_and_wait(self.runtime, client, _id, budget, force=force)


def _describe_job_or(
    client: ControlPlaneClient, job_id: str, fallback: RestoreJobModel | None
) -> RestoreJobModel | None:
    try:
        return client.describe_restore_job(job_id)
    except NotFoundError:
        # The live service forgets jobs whose index was deleted; keep what we knew.
        return fallback


def _timeout_message(desired: _Desired, job_id: str, detail: str) -> str:
    return (
        f"{detail}. The restore of backup {desired.backup_id} into index {desired.name!r} "
        f"(restore job {job_id}) continues on Pinecone's side and nothing was deleted. Run "
        "`pulumi up` again: this resource finds that restore job (only a restore of this "
        "backup into this name) and resumes waiting. Raise create_timeout if restores of this "
        "backup take longer"
    )


def _outputs(
    inputs: Mapping[str, Any],
    previous: Mapping[str, Any],
    index: IndexModel,
    job: RestoreJobModel | None,
    backup: BackupModel | None,
) -> dict[str, Any]:
    """Every output, plus the validated inputs under ``inputs`` (read and delete need them).

    ``previous`` holds the outputs of the last operation: what this one did not look up again
    (backup details, job timestamps, the index id) is carried over from there.
    """
    outs: dict[str, Any] = {
        "inputs": dict(inputs),
        "name": index.name,
        "index_id": previous.get("index_id"),
        "host": index.host,
        "dimension": index.dimension,
        "metric": index.metric,
        "vector_type": index.vector_type,
        "cloud": index.cloud,
        "region": index.region,
        "state": index.state,
        "ready": index.ready,
        "deletion_protection": index.deletion_protection,
        "tags": dict(index.tags),
        "backup_id": inputs.get("backup_id"),
        "source_index_name": backup.source_index_name if backup else previous.get(
            "source_index_name"),
        "source_index_id": backup.source_index_id if backup else previous.get("source_index_id"),
        "restore_job_id": job.restore_job_id if job else previous.get("restore_job_id"),
        "restore_job_status": job.status if job else previous.get("restore_job_status"),
        "restore_started_at": job.created_at if job else previous.get("restore_started_at"),
        "restore_completed_at": job.completed_at if job else previous.get(
            "restore_completed_at"),
    }
    # Inputs that are not outputs of their own still belong in the resource's outputs.
    for key in ("create_timeout", "delete_timeout", "force_destroy", "auto_name_seed"):
        if inputs.get(key) is not None:
            outs[key] = inputs[key]
    return outs
