"""The dynamic provider behind ``IndexBackup``: Pulumi's lifecycle mapped onto one backup.

- check: validates every input per property at preview time (unknown values pass).
- diff: ``source_index_name``, ``name``, ``description``, ``trigger`` → replace (a backup is
  immutable, and changing ``trigger`` is how a user asks for a fresh one); budgets → update.
  Replacement is create-before-delete: the new backup exists next to the old one.
- create: ``POST /indexes/{source}/backups``, then describe until ``Ready``. Transactional: a
  backup that fails, or is not ready within ``create_timeout``, is deleted before the error is
  raised (it is ours, we hold its id; the engine records nothing when create raises). A POST
  whose answer was lost (5xx, dropped connection) is reconciled by listing the index's
  backups for one with our ``name`` that did not exist before the POST.
- read: describe; gone → no id.
- update: budgets only; nothing is sent to Pinecone.
- delete: ``DELETE /backups/{id}``; 404 is done; 412 (a restore from the backup is pending) is
  retried on the poll schedule until ``delete_timeout``, then explained.
"""

from __future__ import annotations

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
    NotFoundError,
    OperationError,
    PineconeRestoreError,
    PreconditionFailedError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.providers.base import (
    ProgressThrottle,
    ProviderBase,
    budget_of,
    check_budget,
    is_unknown,
)
from pulumi_pinecone_restore.validation import check_index_name

__all__ = [
    "DEFAULT_CREATE_TIMEOUT",
    "DEFAULT_DELETE_TIMEOUT",
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "IndexBackupProvider",
]

DEFAULT_CREATE_TIMEOUT = 3600.0
DEFAULT_DELETE_TIMEOUT = 600.0
# How long a just-created backup may answer 404 before we believe it (live service lag).
BACKUP_NOT_FOUND_GRACE = 60.0
POST_RECONCILE_ATTEMPTS = 3
FAILED_STATUSES = frozenset({"Failed", "InitializationFailed"})

INPUT_KEYS = (
    "source_index_name",
    "name",
    "description",
    "trigger",
    "create_timeout",
    "delete_timeout",
)
OUTPUT_KEYS = (
    "backup_id",
    "name",
    "description",
    "source_index_name",
    "source_index_id",
    "status",
    "cloud",
    "region",
    "dimension",
    "metric",
    "record_count",
    "namespace_count",
    "size_bytes",
    "tags",
    "created_at",
)
_REPLACE_KEYS = ("source_index_name", "name", "description", "trigger")
_UPDATE_KEYS = ("create_timeout", "delete_timeout")


@attrs.frozen
class _Desired:
    """Validated inputs."""

    source_index_name: str
    name: str | None
    description: str | None
    create_timeout: float
    delete_timeout: float

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> _Desired:
        name, description = inputs.get("name"), inputs.get("description")
        return cls(
            source_index_name=str(inputs["source_index_name"]),
            name=str(name) if name is not None else None,
            description=str(description) if description else None,
            create_timeout=budget_of(inputs, "create_timeout", DEFAULT_CREATE_TIMEOUT),
            delete_timeout=budget_of(inputs, "delete_timeout", DEFAULT_DELETE_TIMEOUT),
        )

    @property
    def label(self) -> str:
        """How progress lines and errors name this backup before it has an id."""
        named = f" {self.name!r}" if self.name else ""
        return f"IndexBackup{named} of index {self.source_index_name!r}"


def _clean_inputs(news: Mapping[str, Any]) -> dict[str, Any]:
    return {k: news[k] for k in INPUT_KEYS if news.get(k) is not None}


def _stored_inputs(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The validated inputs kept in a resource's outputs."""
    inputs = outs.get("inputs")
    return dict(inputs) if isinstance(inputs, Mapping) else _clean_inputs(outs)


class IndexBackupProvider(ProviderBase):
    """CRUD for a backup of a Pinecone serverless index."""

    # check -----------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs per property; nothing is sent to Pinecone."""
        failures: list[CheckFailure] = []
        source = news.get("source_index_name")
        if source is None:
            failures.append(CheckFailure(
                "source_index_name",
                "source_index_name is required: the name of the serverless index to back up",
            ))
        elif not is_unknown(source):
            reason = check_index_name(source)
            if reason:
                failures.append(CheckFailure("source_index_name", f"source_index_name: {reason}"))
        name = news.get("name")
        if name is not None and not is_unknown(name) and (
            not isinstance(name, str) or not name.strip()
        ):
            failures.append(CheckFailure(
                "name", "name: must be a non-empty string; omit it for an unnamed backup"
            ))
        description = news.get("description")
        if description is not None and not is_unknown(description) and not isinstance(
            description, str
        ):
            failures.append(CheckFailure("description", "description: must be a string"))
        trigger = news.get("trigger")
        if trigger is not None and not is_unknown(trigger) and not isinstance(
            trigger, (str, int, float)
        ):
            failures.append(CheckFailure(
                "trigger",
                f"trigger: must be a string or a number (e.g. a date), got "
                f"{type(trigger).__name__}",
            ))
        check_budget(news, "create_timeout", failures)
        check_budget(news, "delete_timeout", failures)
        return CheckResult(_clean_inputs(news), failures)

    # diff ------------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare stored inputs with new ones: backups are immutable, so most changes replace."""
        old_inputs = _stored_inputs(olds)
        replaces = [k for k in _REPLACE_KEYS if _differs(old_inputs.get(k), news.get(k))]
        updates = [k for k in _UPDATE_KEYS if _differs(old_inputs.get(k), news.get(k))]
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            stables=[],
            # Backups are not unique by name: the new one can exist before the old one goes.
            delete_before_replace=False,
        )

    # create ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Take a backup and wait until it is ``Ready``; on failure or timeout, delete it."""
        desired = _Desired.from_inputs(props)
        client = self.runtime.client()
        deadline = self.runtime.deadline(desired.create_timeout)
        started, adopted = self._start_or_adopt(client, desired)
        backup_id = started.backup_id
        self.runtime.progress(
            f"{desired.label}: {'found' if adopted else 'started'} backup {backup_id} "
            f"({started.status})"
        )
        try:
            backup = self._wait_ready(client, desired, backup_id, deadline)
        except WaitTimeoutError as exc:
            self._discard(client, desired, backup_id, exc)
            raise WaitTimeoutError(_timeout_message(desired, backup_id, str(exc))) from exc
        except OperationError as exc:
            self._discard(client, desired, backup_id, exc)
            raise OperationError(
                f"{exc}. Nothing was left behind; run `pulumi up` again to take a new backup, "
                "and check the source index in the Pinecone console if it keeps failing"
            ) from exc
        self.runtime.progress(f"{desired.label}: backup {backup_id} is Ready")
        return CreateResult(backup_id, _outputs(_clean_inputs(props), backup))

    def _start_or_adopt(
        self, client: ControlPlaneClient, desired: _Desired
    ) -> tuple[BackupModel, bool]:
        """POST the backup, or find the one a POST with a lost answer started."""
        before = self._existing_ids(client, desired) if desired.name else frozenset()
        last_error: PineconeRestoreError | None = None
        for _ in range(POST_RECONCILE_ATTEMPTS):
            try:
                started = _post_backup(client, desired)
            except (ServerError, TransportError) as exc:
                # The POST may or may not have started a backup: look before sending it again.
                last_error = exc
                if not desired.name:
                    raise _lost_answer_error(desired, exc) from exc
                found = self._find_new_named(client, desired, before)
                if found is not None:
                    return found, True
                continue  # verifiably nothing of ours appeared, so sending again is safe
            return started, False
        raise PineconeRestoreError(
            f"could not start {desired.label} after {POST_RECONCILE_ATTEMPTS} attempts: "
            f"{last_error}"
        ) from last_error

    @staticmethod
    def _existing_ids(client: ControlPlaneClient, desired: _Desired) -> frozenset[str]:
        """Ids of the index's backups before our POST (a 404 here is reported by the POST)."""
        try:
            return frozenset(
                b.backup_id for b in client.iter_backups(index_name=desired.source_index_name)
            )
        except NotFoundError:
            return frozenset()

    @staticmethod
    def _find_new_named(
        client: ControlPlaneClient, desired: _Desired, before: frozenset[str]
    ) -> BackupModel | None:
        """The newest backup with our name that did not exist before the POST."""
        # Names are not unique, but one that appeared during our POST is the POST's own.
        matches = [
            b
            for b in client.iter_backups(index_name=desired.source_index_name)
            if b.name == desired.name and b.backup_id not in before
        ]
        matches.sort(key=lambda b: b.created_at or "")
        return matches[-1] if matches else None

    def _wait_ready(
        self, client: ControlPlaneClient, desired: _Desired, backup_id: str, deadline: Deadline
    ) -> BackupModel:
        throttle = ProgressThrottle(self.runtime.progress, self.runtime.clock)

        def probe() -> BackupModel | None:
            try:
                backup = client.describe_backup(backup_id)
            except NotFoundError as exc:
                if deadline.elapsed < BACKUP_NOT_FOUND_GRACE:
                    return None  # the live service may not show a brand-new backup yet
                raise OperationError(
                    f"backup {backup_id} ({desired.label}) disappeared while it was being "
                    "taken (deleted outside Pulumi?)"
                ) from exc
            if backup.status == "Ready":
                return backup
            if backup.status in FAILED_STATUSES:
                raise OperationError(f"backup {backup_id} ({desired.label}) ended {backup.status}")
            throttle(
                backup.status,
                f"{desired.label}: backup {backup_id} {backup.status} "
                f"(elapsed {deadline.elapsed:.0f}s of {deadline.budget:.0f}s)",
            )
            return None

        return wait_for(
            probe, deadline=deadline, what=f"backup {backup_id} to become Ready",
            schedule=self.runtime.schedule, sleep=self.runtime.sleep,
        ).value

    def _discard(
        self,
        client: ControlPlaneClient,
        desired: _Desired,
        backup_id: str,
        cause: PineconeRestoreError,
    ) -> None:
        """Delete the backup a failed or timed-out create started (no restore can use it yet)."""
        try:
            client.delete_backup(backup_id)
        except NotFoundError:
            return
        except (ApiError, TransportError) as exc:
            raise OperationError(
                f"{cause}. Deleting the unfinished backup {backup_id} also failed ({exc}); "
                f"delete it by hand (`DELETE /backups/{backup_id}`), since Pulumi did not "
                "record it"
            ) from exc
        self.runtime.progress(f"{desired.label}: deleted unfinished backup {backup_id}")

    # read ------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the backup; report it gone, or its current outputs."""
        client = self.runtime.client()
        try:
            backup = client.describe_backup(id_)
        except NotFoundError:
            return ReadResult(None, {})
        inputs = _stored_inputs(props) or _inputs_of(backup)
        return ReadResult(id_, _outputs(inputs, backup), inputs)

    # update ----------------------------------------------------------------------------

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Record new time budgets; the backup itself cannot change."""
        outs = {k: olds.get(k) for k in OUTPUT_KEYS}
        outs["backup_id"] = _id
        return UpdateResult(_with_inputs(outs, _clean_inputs(news)))

    # delete ----------------------------------------------------------------------------

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete the backup, waiting while a restore from it is still pending."""
        client = self.runtime.client()
        budget = budget_of(_stored_inputs(props), "delete_timeout", DEFAULT_DELETE_TIMEOUT)
        deadline = self.runtime.deadline(budget)
        throttle = ProgressThrottle(self.runtime.progress, self.runtime.clock)
        refusal: list[PreconditionFailedError] = []

        def attempt() -> bool | None:
            try:
                client.delete_backup(_id)
            except NotFoundError:
                return True
            except PreconditionFailedError as exc:
                # Pinecone refuses while a restore from this backup is pending: wait it out.
                refusal[:] = [exc]
                throttle(
                    "pending",
                    f"IndexBackup {_id}: waiting for pending restores before deleting "
                    f"(elapsed {deadline.elapsed:.0f}s of {deadline.budget:.0f}s)",
                )
                return None
            return True

        try:
            wait_for(attempt, deadline=deadline, what=f"backup {_id} to be deletable",
                     schedule=self.runtime.schedule, sleep=self.runtime.sleep)
        except WaitTimeoutError as exc:
            last = refusal[-1]
            raise PreconditionFailedError(
                last.status, last.code,
                _pending_message(_id, _pending_jobs(client, _id), deadline.budget),
                last.method, last.path,
            ) from exc


def _post_backup(client: ControlPlaneClient, desired: _Desired) -> BackupModel:
    """``POST /indexes/{source}/backups``, with errors that say what to do."""
    try:
        return client.create_backup(
            desired.source_index_name, name=desired.name, description=desired.description
        )
    except NotFoundError as exc:
        raise NotFoundError(
            exc.status, exc.code,
            f"index {desired.source_index_name!r} does not exist in this project, so it cannot "
            "be backed up; check source_index_name",
            exc.method, exc.path,
        ) from exc
    except PreconditionFailedError as exc:
        raise PreconditionFailedError(
            exc.status, exc.code,
            f"index {desired.source_index_name!r} cannot be backed up now ({exc.api_message}); "
            "only a Ready serverless index can be. Run `pulumi up` again once it is Ready",
            exc.method, exc.path,
        ) from exc


def _differs(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return True
    return bool(old != new)


def _lost_answer_error(
    desired: _Desired, exc: ServerError | TransportError
) -> ServerError | TransportError:
    """The same kind of error, saying why it was not retried and what to do."""
    message = (
        f"the request to back up index {desired.source_index_name!r} got no usable answer "
        f"({exc}). It may still have started a backup; without a `name` this resource cannot "
        "tell that backup from others, so it did not retry. List the index's backups, delete "
        "a stray unnamed one if there is one, and run `pulumi up` again (give the backup a "
        "`name` to let this be resolved automatically)"
    )
    if isinstance(exc, ServerError):
        return ServerError(exc.status, exc.code, message, exc.method, exc.path)
    return TransportError(message)


def _timeout_message(desired: _Desired, backup_id: str, detail: str) -> str:
    return (
        f"{detail}. Backup {backup_id} ({desired.label}) was not Ready in time, and it was "
        "deleted: Pulumi records nothing for a create that fails, so it would have been "
        "left as an orphan counting against the backup quota. Raise create_timeout (backups "
        "of large indexes can take hours) and run `pulumi up` again to take a new one"
    )


def _pending_jobs(client: ControlPlaneClient, backup_id: str) -> list[RestoreJobModel]:
    try:
        return [
            job
            for job in client.iter_restore_jobs()
            if job.backup_id == backup_id and not job.is_terminal
        ]
    except (ApiError, TransportError):
        return []  # the refusal itself is the error to report; the listing is only detail


def _pending_message(backup_id: str, jobs: list[RestoreJobModel], budget: float) -> str:
    if jobs:
        listed = ", ".join(
            f"{job.restore_job_id} into index {job.target_index_name!r} ({job.status})"
            for job in jobs
        )
        what = f"restore job(s) {listed} still use it"
    else:
        what = "Pinecone reports restore jobs from it still pending"
    return (
        f"backup {backup_id} was not deleted: {what} after waiting {budget:.0f}s, and Pinecone "
        "refuses to delete a backup while a restore from it is pending. Let those restores "
        "finish (or raise delete_timeout), then run the command again; the resource stays in "
        "the stack until then"
    )


def _inputs_of(backup: BackupModel) -> dict[str, Any]:
    """Inputs that describe an existing backup (for a read without stored inputs)."""
    inputs = {
        "source_index_name": backup.source_index_name,
        "name": backup.name,
        "description": backup.description,
    }
    return {k: v for k, v in inputs.items() if v is not None}


def _outputs(inputs: Mapping[str, Any], backup: BackupModel) -> dict[str, Any]:
    """Every output, plus the validated inputs under ``inputs`` (diff and delete need them)."""
    outs: dict[str, Any] = {
        "backup_id": backup.backup_id,
        "name": backup.name,
        "description": backup.description,
        "source_index_name": backup.source_index_name,
        "source_index_id": backup.source_index_id,
        "status": backup.status,
        "cloud": backup.cloud,
        "region": backup.region,
        "dimension": backup.dimension,
        "metric": backup.metric,
        "record_count": backup.record_count,
        "namespace_count": backup.namespace_count,
        "size_bytes": backup.size_bytes,
        "tags": dict(backup.tags),
        "created_at": backup.created_at,
    }
    return _with_inputs(outs, inputs)


def _with_inputs(outs: dict[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    outs["inputs"] = dict(inputs)
    # Inputs that are not outputs of their own still belong in the resource's outputs.
    for key in ("trigger", "create_timeout", "delete_timeout"):
        if inputs.get(key) is not None:
            outs[key] = inputs[key]
    return outs
