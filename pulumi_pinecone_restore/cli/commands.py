"""The verbs: one function per command, each given a :class:`Context` and returning a status.

A command that fails raises :class:`~.advice.Failure` with its message and hint. A request is
made through ``_api`` with an :class:`~.advice.Action` saying what was being done: an API
error then becomes a failure in Pinecone's words with a hint that fits (see :mod:`.advice`).

``restore`` runs the lifecycle engine with the ``RestoredIndex`` declaration (checks, adoption
of an interrupted restore, cleanup of a failed one), the same code a stack runs; the lifecycle's
refusals and time-outs are worded again here in the command line's terms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO, TypeVar

import attrs

from pulumi_pinecone_restore.cli.advice import Action, Failure, api_hint
from pulumi_pinecone_restore.cli.output import (
    BACKUP_COLUMNS,
    INDEX_COLUMNS,
    INDEX_DETAIL,
    JOB_COLUMNS,
    Column,
    Format,
    ProgressLine,
    backup_json,
    emit_list,
    emit_object,
    format_seconds,
    index_json,
    job_json,
)
from pulumi_pinecone_restore.cli.parser import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ApiError,
    BackupFailedError,
    NameTakenError,
    NotFoundError,
    PineconeRestoreError,
    RestoreJobNotFoundError,
    VanishedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.engine import (
    DEFAULT_CREATE_TIMEOUT,
    AnyLifecycle,
    Lifecycle,
    Run,
)
from pulumi_pinecone_restore.lifecycle.final_backup import UNTOUCHED_ADVICE, take_final_backup
from pulumi_pinecone_restore.lifecycle.index import CLI_SEED, MARK_KEY, PENDING_KEY
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX, RestoredIndexInputs
from pulumi_pinecone_restore.lifecycle.runtime import Runtime, poll_sleep
from pulumi_pinecone_restore.models import (
    BackupModel,
    IndexModel,
    RestoreJobModel,
    parse_timestamp,
)
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.restore_jobs import describe_restore_job

__all__ = ["COMMANDS", "Context", "job_of", "restore_inputs", "unique"]

DEFAULT_WAIT = DEFAULT_CREATE_TIMEOUT
DEFAULT_DELETE_WAIT = 600.0
JOB_LOOKUP_ATTEMPTS = 4  # listings tried to name a restore's job (after Ctrl-C, a time-out)
JOB_LOOKUP_PAUSE = 0.5  # seconds between them
# The CLI's names for the inputs that the shared checks name.
FLAGS = {
    "backup_id": "BACKUP_ID",
    "name": "--name",
    "tags": "--tag",
    "deletion_protection": "--deletion-protection",
    "create_timeout": "--timeout",
}
T = TypeVar("T")
M = TypeVar("M")
FAILED_BACKUP = frozenset({"Failed"})
RESTORE_COLUMNS: tuple[Column, ...] = (
    ("NAME", "index.name"),
    ("STATE", "index.status.state"),
    ("HOST", "index.host"),
    ("RESTORE_JOB_ID", "restore_job.restore_job_id"),
    ("JOB_STATUS", "restore_job.status"),
    ("BACKUP_ID", "restore_job.backup_id"),
    ("DIMENSION", "index.dimension"),
    ("METRIC", "index.metric"),
    ("REGION", "index.spec.serverless.region"),
    ("TAGS", "index.tags"),
)


@attrs.frozen
class Context:
    """What a command works with.

    Attributes:
        args: The parsed command line.
        client: The control-plane client.
        out: Where results go.
        err: Where progress, prompts and errors go.
        stdin: Where a confirmation is read from.
    """

    args: argparse.Namespace
    client: ControlPlaneClient
    out: TextIO
    err: TextIO
    stdin: TextIO

    @property
    def fmt(self) -> Format:
        """The output format chosen with ``--output``/``--json``."""
        return Format(self.args.output)


def unique(items: Iterable[M], key: Callable[[M], str]) -> list[M]:
    """``items`` with each id once: the live service's listings may repeat a row across pages."""
    seen: dict[str, M] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _created(item: BackupModel | RestoreJobModel) -> dt.datetime:
    # By parsed time, not text: the live service sends timestamps in several precisions.
    return parse_timestamp(item.created_at) or dt.datetime.min.replace(tzinfo=dt.timezone.utc)


# backups -------------------------------------------------------------------------------------


def backups_list(ctx: Context) -> int:
    """``backups list [--index NAME]``: newest first."""
    index = ctx.args.index
    action = Action("read", "index", index, "pinecone-restore indexes list") if index else None
    backups = _api(
        action,
        lambda: unique(
            ctx.client.backups_of(index) if index else ctx.client.iter_backups(),
            lambda b: b.backup_id,
        ),
    )
    backups.sort(key=_created, reverse=True)
    emit_list(ctx.fmt, ctx.out, [backup_json(b) for b in backups], BACKUP_COLUMNS)
    return EXIT_OK


def backups_describe(ctx: Context) -> int:
    """``backups describe BACKUP_ID``."""
    action = Action("read", "backup", ctx.args.backup_id, "pinecone-restore backups list")
    backup = _api(action, lambda: ctx.client.describe_backup(ctx.args.backup_id))
    emit_object(ctx.fmt, ctx.out, backup_json(backup))
    return EXIT_OK


def backups_create(ctx: Context) -> int:
    """``backups create INDEX [--name] [--description] [--wait] [--timeout]``."""
    args = ctx.args
    action = Action("create", "index", args.index, "pinecone-restore indexes list")
    backup = _api(
        action,
        lambda: ctx.client.create_backup(args.index, name=args.name, description=args.description),
    )
    if args.wait:
        budget = args.timeout or DEFAULT_WAIT
        with ProgressLine(ctx.err, budget) as progress:
            backup = _follow_backup(ctx.client, backup.backup_id, Deadline(budget), progress)
    emit_object(ctx.fmt, ctx.out, backup_json(backup))
    return EXIT_OK


def _follow_backup(
    client: ControlPlaneClient, backup_id: str, deadline: Deadline, progress: ProgressLine
) -> BackupModel:
    def probe() -> BackupModel | None:
        backup = client.describe_backup(backup_id)
        progress(f"backup {backup_id} of index {backup.source_index_name}: {backup.status}")
        if backup.status in FAILED_BACKUP:
            raise Failure(
                f"backup {backup_id} ended {backup.status}",
                "check the source index (`pinecone-restore indexes describe "
                f"{backup.source_index_name}`) and take a new backup",
            )
        return backup if backup.status == "Ready" else None

    try:
        return wait_for(
            probe, deadline=deadline, what=f"backup {backup_id} to be Ready", sleep=poll_sleep()
        ).value
    except WaitTimeoutError as exc:
        raise Failure(
            f"{exc}; the backup goes on at Pinecone",
            f"follow it with `pinecone-restore backups describe {backup_id}`; give a longer "
            "--timeout to wait longer (backups of large indexes take hours)",
        ) from exc


# indexes -------------------------------------------------------------------------------------


def indexes_list(ctx: Context) -> int:
    """``indexes list``."""
    indexes = _api(None, ctx.client.list_indexes)
    emit_list(ctx.fmt, ctx.out, [index_json(i) for i in indexes], INDEX_COLUMNS)
    return EXIT_OK


def indexes_describe(ctx: Context) -> int:
    """``indexes describe NAME``."""
    emit_object(
        ctx.fmt, ctx.out, index_json(_describe_index(ctx, ctx.args.index_name)), INDEX_DETAIL
    )
    return EXIT_OK


def indexes_configure(ctx: Context) -> int:
    """``indexes configure NAME [--deletion-protection enabled|disabled] [--tag k=v ...]``."""
    args = ctx.args
    if args.deletion_protection is None and not args.tag:
        raise Failure(
            "indexes configure: nothing to change",
            "give --deletion-protection enabled|disabled and/or --tag KEY=VALUE",
            EXIT_USAGE,
        )
    tags = dict(args.tag) or None
    if tags is not None and MARK_KEY in tags:
        raise Failure(
            f"--tag {MARK_KEY}: that tag is the ownership mark of the stack (or restore) that "
            "made the index; this command does not change it",
            "leave it out of --tag",
            EXIT_USAGE,
        )
    name = args.index_name
    action = Action("configure", "index", name, "pinecone-restore indexes list")
    index = _api(
        action,
        lambda: ctx.client.configure_index(
            name, deletion_protection=args.deletion_protection, tags=tags
        ),
    ) or _describe_index(ctx, name)
    emit_object(ctx.fmt, ctx.out, index_json(index), INDEX_DETAIL)
    return EXIT_OK


def indexes_delete(ctx: Context) -> int:
    """``indexes delete NAME [--yes] [--force] [--no-wait] [--timeout]``."""
    args = ctx.args
    name = args.index_name
    asking = not args.yes
    # Asking needs a person: a terminal to read the answer from and to show the prompt on.
    if asking and not (ctx.stdin.isatty() and ctx.err.isatty()):
        raise Failure(
            f"not deleting index {name!r}: there is no terminal to confirm on",
            "give --yes to delete without asking",
            EXIT_USAGE,
        )
    index = _describe_index(ctx, name)
    mark = index.tags.get(MARK_KEY)
    if mark and not args.force and not _restored_here(ctx.client, index, mark):
        raise Failure(
            f"not deleting index {name!r}: it carries the ownership mark {MARK_KEY}={mark}, so a "
            "Pulumi stack manages it",
            "delete it through that stack, or give --force to delete it here anyway (the stack "
            "then finds it gone)",
        )
    if index.deletion_protection == "enabled":
        raise Failure(
            f"not deleting index {name!r}: its deletion protection is enabled",
            "turn it off first: "
            f"`pinecone-restore indexes configure {name} --deletion-protection disabled`",
        )
    if asking and not _confirmed(ctx, index):
        raise Failure(f"index {name!r} was not deleted: the answer did not match its name")
    budget = args.timeout or DEFAULT_DELETE_WAIT
    deadline = Deadline(budget)  # one budget for the final backup and the deletion
    final = _final_backup(ctx, name, deadline) if args.final_backup is not None else None
    action = Action("delete", "index", name, "pinecone-restore indexes list")
    _api(action, lambda: ctx.client.delete_index(name))
    if not args.no_wait:
        with ProgressLine(ctx.err, budget) as progress:
            _follow_deletion(ctx.client, name, deadline, progress)
    if ctx.fmt is Format.JSON:
        row: dict[str, Any] = {"name": name, "deleted": not args.no_wait}
        if final is not None:
            row["final_backup_id"] = final.backup_id
        emit_object(ctx.fmt, ctx.out, row)
    else:
        ctx.out.write(f"index {name} {'is being deleted' if args.no_wait else 'deleted'}\n")
    return EXIT_OK


def _final_backup(ctx: Context, name: str, deadline: Deadline) -> BackupModel | None:
    """``--final-backup``: back ``name`` up and wait until Ready (the lifecycle's final backup)."""
    with ProgressLine(ctx.err, deadline.budget) as progress:
        run = Run(ctx.client, Runtime(client_override=ctx.client, progress=progress))
        try:
            backup = take_final_backup(run, name, ctx.args.final_backup, deadline)
        except BackupFailedError as exc:
            reason = str(exc).replace(UNTOUCHED_ADVICE, "").rstrip(". ")
            raise Failure(
                f"index {name!r} was not deleted: {reason}",
                "fix the cause and run the command again (a new final backup is taken), or "
                "leave out --final-backup to delete it without one",
            ) from exc
        except WaitTimeoutError as exc:
            raise Failure(
                f"index {name!r} was not deleted: its final backup was not Ready within "
                f"{format_seconds(deadline.budget)}; the backup goes on at Pinecone",
                "give a longer --timeout (it bounds the final backup and the deletion) and run "
                "the command again (a new final backup is taken)",
            ) from exc
    if backup is not None and ctx.fmt is not Format.JSON:
        ctx.out.write(f"final backup {backup.backup_id} ({backup.name}) is Ready\n")
    return backup


def _confirmed(ctx: Context, index: IndexModel) -> bool:
    where = f"{index.cloud}/{index.region}" if index.cloud else "pod-based"
    # The prompt is written inside the try: a Ctrl-C from the moment it shows means "no".
    try:
        ctx.err.write(
            f"Delete index {index.name!r} ({index.dimension or 'sparse'}-dimensional, {where}, "
            f"{index.state})? This cannot be undone.\nType the index name to confirm: "
        )
        ctx.err.flush()
        return ctx.stdin.readline().strip() == index.name
    except KeyboardInterrupt:
        # Nothing was sent yet: say so plainly rather than "if the deletion had been sent".
        ctx.err.write("\n")
        raise Failure(
            f"index {index.name!r} was not deleted (interrupted at the prompt)",
            status=EXIT_INTERRUPTED,
        ) from None


def _restored_here(client: ControlPlaneClient, index: IndexModel, mark: str) -> bool:
    """Whether ``mark`` is the one this command's ``restore`` gave ``index`` (no stack's)."""
    backups: set[str] = set()
    # The live listing shows a new job only after a moment, so look a few times, briefly.
    for attempt in range(JOB_LOOKUP_ATTEMPTS):
        try:
            jobs = list(client.iter_restore_jobs())
        except PineconeRestoreError:
            return False  # unknown, so not ours: --force decides
        backups = {j.backup_id for j in jobs if j.target_index_name == index.name}
        if backups:
            break
        if attempt + 1 < JOB_LOOKUP_ATTEMPTS:
            time.sleep(JOB_LOOKUP_PAUSE)
    life = Lifecycle(RESTORED_INDEX, Runtime(client_override=client))
    for backup_id in backups:
        inputs, failures = life.check({}, restore_inputs(backup_id, index.name))
        if not failures and RESTORED_INDEX.mark(life.typed(inputs)) == mark:
            return True
    return False


def _follow_deletion(
    client: ControlPlaneClient, name: str, deadline: Deadline, progress: ProgressLine
) -> None:
    def gone() -> bool | None:
        try:
            state = client.describe_index(name).state
        except NotFoundError:
            return True
        progress(f"index {name}: {state}")
        return None

    try:
        wait_for(gone, deadline=deadline, what=f"index {name} to go", sleep=poll_sleep())
    except WaitTimeoutError as exc:
        raise Failure(
            f"{exc}; the deletion goes on at Pinecone",
            f"`pinecone-restore indexes describe {name}` shows it until it is gone",
        ) from exc


def _describe_index(ctx: Context, name: str) -> IndexModel:
    action = Action("read", "index", name, "pinecone-restore indexes list")
    return _api(action, lambda: ctx.client.describe_index(name))


# restore jobs --------------------------------------------------------------------------------


def jobs_list(ctx: Context) -> int:
    """``jobs list [--limit N]``: newest first."""
    # The client drops the rows the live listing repeats (backups are deduplicated here).
    jobs = _api(None, lambda: list(ctx.client.iter_restore_jobs()))
    jobs.sort(key=_created, reverse=True)
    emit_list(ctx.fmt, ctx.out, [job_json(j) for j in jobs[: ctx.args.limit]], JOB_COLUMNS)
    return EXIT_OK


def jobs_describe(ctx: Context) -> int:
    """``jobs describe RESTORE_JOB_ID``."""
    emit_object(ctx.fmt, ctx.out, job_json(_job(ctx.client, ctx.args.job_id)))
    return EXIT_OK


def _job(client: ControlPlaneClient, job_id: str) -> RestoreJobModel:
    """A restore job by the id a person typed, through the package's shared lookup.

    The live service may answer 404 for a job that exists: the lookup asks again, briefly,
    and its error then says the 404 may have been transient.
    """
    try:
        return describe_restore_job(client, job_id, sleep=poll_sleep())
    except RestoreJobNotFoundError as exc:
        raise Failure(
            str(exc), "`pinecone-restore jobs list` shows the restore jobs of this project"
        ) from exc


def wait(ctx: Context) -> int:
    """``wait RESTORE_JOB_ID [--timeout]``: until the job ends and its index is Ready."""
    budget = ctx.args.timeout or DEFAULT_WAIT
    deadline = Deadline(budget)
    job_id = ctx.args.job_id
    with ProgressLine(ctx.err, budget) as progress:

        def probe() -> RestoreJobModel | None:
            job = _job(ctx.client, job_id)
            percent = f" {job.percent_complete:.0f}%" if job.percent_complete is not None else ""
            progress(f"restore job {job_id} -> {job.target_index_name}: {job.status}{percent}")
            return job if job.is_terminal else None

        def ready(name: str) -> IndexModel | None:
            index = ctx.client.describe_index(name)
            progress(f"index {name}: {index.state}")
            return index if index.ready else None

        try:
            job = wait_for(
                probe, deadline=deadline, what=f"restore job {job_id}", sleep=poll_sleep()
            ).value
            index = None
            if job.status == "Completed":
                index = wait_for(
                    lambda: ready(job.target_index_name),
                    deadline=deadline,
                    what=f"index {job.target_index_name} to become Ready",
                    sleep=poll_sleep(),
                ).value
        except WaitTimeoutError as exc:
            raise Failure(
                f"{exc}; the restore goes on at Pinecone",
                f"run `pinecone-restore wait {job_id}` again, with a longer --timeout",
            ) from exc
        if index is not None:
            ready_index = index
            index = _api(None, lambda: _finish_cli_restore(ctx.client, job, ready_index))
    _emit_restore(ctx, job, index)
    if job.status != "Completed":
        raise Failure(f"restore job {job_id} ended {job.status}", None)
    return EXIT_OK


def _finish_cli_restore(
    client: ControlPlaneClient, job: RestoreJobModel, index: IndexModel
) -> IndexModel:
    """Take the pending tag off an index that `restore --no-wait` of this CLI started.

    A restore that waits takes it off at its end; the one followed here by its job gets the
    same end. Only the index carrying this CLI's mark for this backup and name is changed.
    """
    inputs = RestoredIndexInputs(backup_id=job.backup_id, name=index.name)
    if index.tags.get(MARK_KEY) != RESTORED_INDEX.cli_mark(inputs) or PENDING_KEY not in index.tags:
        return index
    return client.configure_index(index.name, tags={PENDING_KEY: ""}) or index


def _emit_restore(ctx: Context, job: RestoreJobModel, index: IndexModel | None) -> None:
    result = {"restore_job": job_json(job), "index": index_json(index) if index else None}
    emit_object(ctx.fmt, ctx.out, result, RESTORE_COLUMNS)


# restore -------------------------------------------------------------------------------------


def restore_inputs(backup_id: str, name: str, **more: Any) -> dict[str, Any]:
    """The ``RestoredIndex`` inputs of this command's restores (their mark is the CLI's own).

    ``indexes delete`` builds the same inputs to recognise an index this command restored.
    """
    # The CLI's restores carry its own mark, without a nonce: running the same command again
    # finds the restore it started, and `adopt_existing` may take it over later.
    return {
        "backup_id": backup_id,
        "name": name,
        **more,
        "owner_seed": CLI_SEED,
        "owner_nonce": "",
    }


def restore(ctx: Context) -> int:
    """``restore BACKUP_ID --name NAME [--tag] [--deletion-protection] [--timeout] [--no-wait]``."""
    args = ctx.args
    given = restore_inputs(
        args.backup_id,
        args.name,
        tags=dict(args.tag) or None,
        deletion_protection=args.deletion_protection,
        create_timeout=args.timeout,
    )
    budget = args.timeout or DEFAULT_WAIT
    with ProgressLine(ctx.err, budget) as progress:
        # The lifecycle labels its lines with the resource type ("RestoredIndex x: ..."); a
        # command line speaks of the index.
        label = f"{RESTORED_INDEX.kind} {args.name}: "

        def say(message: str) -> None:
            progress(f"index {args.name}: {message.removeprefix(label)}")

        life = Lifecycle(RESTORED_INDEX, Runtime(client_override=ctx.client, progress=say))
        inputs, failures = life.check({}, given)
        if failures:
            prop, reason = failures[0]
            raise Failure(_flag_message(prop, reason), None, EXIT_USAGE)
        action = Action("create", "backup", args.backup_id, "pinecone-restore backups list")
        try:
            if args.no_wait:
                return _started(ctx, life, inputs, progress, action)
            outs = _api(action, lambda: life.create(inputs).outputs)
        except WaitTimeoutError as exc:
            raise _restore_timed_out(ctx, budget) from exc
        except NameTakenError as exc:
            raise _name_taken(ctx) from exc
        except BackupFailedError as exc:
            raise Failure(
                f"backup {args.backup_id} cannot be restored: {exc}",
                "take a new backup (`pinecone-restore backups create INDEX --wait`) and restore "
                "that one",
            ) from exc
        except VanishedError as exc:
            raise Failure(
                f"index {args.name!r} was deleted by someone else while it was being restored; "
                "nothing of it is left",
                "run the same command again to restore it again",
            ) from exc
    job = _job_or_none(ctx.client, outs.get("restore_job_id"))
    _emit_restore(ctx, job or _job_from_outputs(outs), ctx.client.describe_index(args.name))
    return EXIT_OK


def _started(
    ctx: Context,
    life: AnyLifecycle,
    inputs: Mapping[str, Any],
    progress: ProgressLine,
    action: Action,
) -> int:
    started = _api(action, lambda: life.start(inputs))
    job_id = started.handle.job_id
    verb = "resumed" if started.adopted else "started"
    shown = f"restore job {job_id}" if job_id else "the restore (its job is not listed yet)"
    progress(f"{verb} {shown} into index {started.id}")
    row = {
        "restore_job_id": job_id,
        "index_id": started.handle.index_id,
        "adopted": started.adopted,
    }
    emit_object(ctx.fmt, ctx.out, row)
    return EXIT_OK


def _restore_timed_out(ctx: Context, budget: float) -> Failure:
    args = ctx.args
    job_id = job_of(ctx.client, args.backup_id, args.name)
    took = f"the restore into index {args.name!r} did not finish within {format_seconds(budget)}"
    if job_id:
        return Failure(
            f"{took}; it goes on at Pinecone (restore job {job_id}) and nothing was deleted",
            f"follow it with `pinecone-restore wait {job_id}`, or run the same restore again "
            "(it resumes waiting); give a longer --timeout if restores of this backup take longer",
        )
    return Failure(
        f"{took}",
        f"if backup {args.backup_id} was not Ready yet, nothing was started: run the command "
        f"again once `pinecone-restore backups describe {args.backup_id}` shows Ready; else the "
        "restore goes on at Pinecone (`pinecone-restore jobs list`). --timeout sets the budget",
    )


def _name_taken(ctx: Context) -> Failure:
    name = ctx.args.name
    try:
        state = ctx.client.describe_index(name).state
    except PineconeRestoreError:
        state = None
    if state == "Terminating":
        return Failure(
            f"index {name!r} is still being deleted",
            "run the command again once `pinecone-restore indexes describe "
            f"{name}` says it does not exist",
        )
    return Failure(
        f"an index named {name!r} already exists and was not restored by this command from "
        f"backup {ctx.args.backup_id}; it was left untouched",
        f"choose another --name, or delete that index first (`pinecone-restore indexes delete "
        f"{name}`) if nobody needs it",
    )


def _job_or_none(client: ControlPlaneClient, job_id: Any) -> RestoreJobModel | None:
    if not isinstance(job_id, str) or not job_id:
        return None
    try:
        return client.describe_restore_job(job_id)
    except NotFoundError:
        return None  # the live service may not show a job at once; the outputs say enough


def _job_from_outputs(outs: Mapping[str, Any]) -> RestoreJobModel:
    return RestoreJobModel(
        restore_job_id=str(outs.get("restore_job_id") or ""),
        backup_id=str(outs.get("backup_id") or ""),
        target_index_name=str(outs.get("name") or ""),
        target_index_id=str(outs.get("index_id") or ""),
        status=str(outs.get("restore_job_status") or "Completed"),
        created_at=outs.get("restore_started_at"),
        completed_at=outs.get("restore_completed_at"),
    )


def _flag_message(prop: str, reason: str) -> str:
    """A check failure worded with the CLI's flag for the property it names."""
    flag = FLAGS.get(prop, prop)
    return f"{flag}: {reason.removeprefix(f'{prop}: ')}"


def job_of(client: ControlPlaneClient | None, backup_id: str, name: str) -> str | None:
    """The newest restore job of ``backup_id`` into ``name``, if the listing shows one soon."""
    if client is None:
        return None
    # The live listing shows a new job only after a moment, so look a few times, briefly.
    for attempt in range(JOB_LOOKUP_ATTEMPTS):
        try:
            jobs = [
                j
                for j in client.iter_restore_jobs()
                if j.backup_id == backup_id and j.target_index_name == name
            ]
        except (PineconeRestoreError, KeyboardInterrupt):
            return None
        if jobs:
            return max(jobs, key=_created).restore_job_id
        if attempt + 1 < JOB_LOOKUP_ATTEMPTS:
            time.sleep(JOB_LOOKUP_PAUSE)
    return None


def _api(action: Action | None, call: Callable[[], T]) -> T:
    """Run ``call``; an API error becomes a failure in Pinecone's words with the CLI's hint."""
    try:
        return call()
    except ApiError as exc:
        raise Failure(exc.summary, api_hint(exc, action) or exc.hint) from exc


COMMANDS: Mapping[tuple[str, str], Callable[[Context], int]] = {
    ("backups", "list"): backups_list,
    ("backups", "describe"): backups_describe,
    ("backups", "create"): backups_create,
    ("indexes", "list"): indexes_list,
    ("indexes", "describe"): indexes_describe,
    ("indexes", "configure"): indexes_configure,
    ("indexes", "delete"): indexes_delete,
    ("jobs", "list"): jobs_list,
    ("jobs", "describe"): jobs_describe,
    ("restore", "restore"): restore,
    ("wait", "wait"): wait,
}
