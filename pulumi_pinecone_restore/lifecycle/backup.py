"""``IndexBackup`` declared: one backup made by ``POST /indexes/{source}/backups``.

- Replace keys: ``source_index_name``, ``name``, ``description``, ``trigger`` (a backup is
  immutable; changing ``trigger`` is how a user asks for a fresh one); budgets update. Backup
  names are not unique, so a replacement exists next to the old backup.
- Own attempts are found by a mark, not by a "before" list: the description ends with
  ``[pulumi:<hash>]``, a hash of the resource's seed, the inputs that define the backup and
  the resource's nonce (random, made on its first check, kept in state). It is sent in the
  create request itself, so a POST whose answer was lost leaves a backup that the create finds
  (and adopts) instead of taking a second one; only a backup of the resource's own source index
  counts. A process killed mid-create leaves a backup that the next run on the same machine
  finds and adopts: a backup cannot be tagged "unfinished" (an index can, see
  ``index.PENDING_KEY``), so the create notes its mark on this machine before its first send
  (``Runtime.unfinished``) and ends the note when done. A backup with the mark and no such note,
  or there before the first send, is recorded by another state (a renamed stack's, an aliased
  resource's): it is named in a progress line and left alone, as is one left under another
  owner key. The mark never shows in the ``description`` output.
- Destroy deletes the backup id the state records, nothing else.
- A backup that fails, or is not ready in time, is deleted before the error is raised (no
  restore can use it yet, and nothing would record it).
- Delete waits while a restore from the backup is pending (412), up to ``delete_timeout``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from pulumi_pinecone_restore.errors import (
    ApiError,
    ImportRefusedError,
    NotFoundError,
    PreconditionFailedError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import ManagedSpec, Run, Started, top_inputs
from pulumi_pinecone_restore.lifecycle.final_backup import BACKUP_FAILED, backup_ready_probe
from pulumi_pinecone_restore.lifecycle.index import user_tags
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.lifecycle.runtime import ProgressThrottle
from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel, parse_timestamp
from pulumi_pinecone_restore.polling import Observation
from pulumi_pinecone_restore.validation import check_backup_name, check_description, check_trigger

__all__ = ["INDEX_BACKUP", "BackupSpec", "IndexBackupInputs", "backup_mark", "strip_mark"]

MARK_PREFIX = "[pulumi:"
MARK_NAMES_LEN = 8  # the part of a mark that hashes the names alone (see `backup_mark`)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@attrs.frozen
class IndexBackupInputs(decl.CommonInputs):
    """The inputs of an ``IndexBackup``."""

    source_index_name: str = input_prop(
        doc="The serverless index to back up (must be Ready). Changing it takes a new backup "
        "(created before the old one is deleted).",
        parse=decl.index_name,
        replace=True,
        required="the name of the serverless index to back up",
    )
    name: str | None = input_prop(
        doc="Backup name (not unique in Pinecone). Giving one also lets a create whose answer "
        "was lost find its backup instead of taking a second one. Changing it takes a new "
        "backup.",
        parse=decl.rule(check_backup_name),
        replace=True,
    )
    description: str | None = input_prop(
        doc="Backup description. Changing it takes a new backup.",
        parse=decl.rule(check_description),
        replace=True,
    )
    trigger: str | float | None = input_prop(
        doc="Any string or number; changing it takes a fresh backup on the next `pulumi up` "
        "(like Terraform's triggers), e.g. a date or a release tag.",
        parse=decl.rule(check_trigger),
        replace=True,
    )


def backup_mark(inp: IndexBackupInputs) -> str:
    """The mark that makes this resource's backups findable: ``[pulumi:<16 hex>]``.

    A hash of the seed, the inputs that define the backup and the resource's nonce (random,
    kept in state), so it is this resource's alone; without a nonce, the older mark of the
    names alone.
    """
    parts: list[Any] = [
        inp.owner_seed or "",
        inp.source_index_name,
        inp.name,
        inp.description,
        inp.trigger,
    ]
    names = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    if not inp.owner_nonce:
        return f"{MARK_PREFIX}{names[:16]}]"
    parts.append({"nonce": inp.owner_nonce})
    own = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return f"{MARK_PREFIX}{names[:MARK_NAMES_LEN]}{own[: 16 - MARK_NAMES_LEN]}]"


def mark_of(description: str | None) -> str | None:
    """The mark at the end of a backup's description, if there is one."""
    _, sep, tail = (description or "").rpartition(MARK_PREFIX)
    return f"{MARK_PREFIX}{tail}" if sep and tail.endswith("]") and "[" not in tail else None


def strip_mark(description: str | None) -> str | None:
    """The description as the user gave it (without this package's mark)."""
    if description is None:
        return None
    head, sep, tail = description.rpartition(MARK_PREFIX)
    if not sep or not tail.endswith("]"):
        return description
    # The mark alone: no description given; else one space parts the user's text (kept whole,
    # trailing spaces or empty) from the mark.
    return head[:-1] if head.endswith(" ") else head or None


class BackupSpec(ManagedSpec[IndexBackupInputs, BackupModel, None, None]):
    """The declaration of ``IndexBackup``."""

    kind: ClassVar[str] = "IndexBackup"
    inputs = IndexBackupInputs
    # The backup as described (its wire model's fields), and the mark kept out of its description.
    output_names: ClassVar[tuple[str, ...]] = (
        *(field.name for field in attrs.fields(BackupModel)),
        "owner_mark",
    )
    discard_on_timeout: ClassVar[bool] = True
    timeout_hint: ClassVar[str] = " (backups of large indexes can take hours)"
    look_first: ClassVar[bool] = True

    def label(self, inp: IndexBackupInputs) -> str:
        named = f" {inp.name!r}" if inp.name else ""
        return f"IndexBackup{named} of index {inp.source_index_name!r}"

    # create ------------------------------------------------------------------------------

    def start(self, run: Run, inp: IndexBackupInputs, prerequisite: None) -> Started[None]:
        mark = backup_mark(inp)
        unfinished = run.runtime.unfinished
        if unfinished.spared(mark) is None:  # the look before the first send noted none
            marked = _marked(run, mark, inp.source_index_name)
            unfinished.begin(mark, (b.backup_id for b in marked), _owner(inp))
        description = mark if inp.description is None else f"{inp.description} {mark}"
        try:
            backup = run.client.create_backup(
                inp.source_index_name, name=inp.name, description=description
            )
        except NotFoundError as exc:
            raise exc.explained(
                f"index {inp.source_index_name!r} does not exist in this project, so it cannot "
                "be backed up; check source_index_name",
            ) from exc
        except PreconditionFailedError as exc:
            raise exc.explained(
                f"index {inp.source_index_name!r} cannot be backed up now: only a Ready "
                "serverless index can be. Run `pulumi up` again once it is Ready",
            ) from exc
        return Started(backup.backup_id, None)

    def summary(self, inp: IndexBackupInputs, started: Started[None]) -> str:
        return f"backup {started.id}"

    def finished(self, obj: BackupModel) -> str:
        return f"backup {obj.backup_id} is Ready"

    def find_attempt(
        self, run: Run, inp: IndexBackupInputs, *, lost_answer: bool
    ) -> Started[None] | None:
        # A mark can be copied: only a backup of this resource's own source index is ours,
        # and only one that a create of this mark, unfinished on this machine, may have taken:
        # a backup cannot be tagged "unfinished", and one with the mark that no such create
        # took is recorded by another state (a renamed stack, an aliased resource).
        mark = backup_mark(inp)
        unfinished = run.runtime.unfinished
        if lost_answer:
            unfinished.lost(mark)
        marked = _marked(run, mark, inp.source_index_name)
        spared = unfinished.spared(mark)
        mine = [
            b
            for b in marked
            if spared is not None and b.backup_id not in spared and b.status not in BACKUP_FAILED
        ]
        if not mine:
            if not lost_answer:
                if spared is None:
                    # The look before the first send: what carries the mark now is not ours.
                    unfinished.begin(mark, (b.backup_id for b in marked), _owner(inp))
                _clear_older_attempts(run, inp, mark)
                left = [b for b in marked if spared is None or b.backup_id in spared]
                self._warn_recorded_elsewhere(run, inp, left)
                if inp.owner_nonce:
                    self._warn_same_names(run, inp)
            return None
        # By parsed time: listings may come newest first, with timestamps of any precision.
        newest = max(mine, key=lambda b: parse_timestamp(b.created_at) or _EPOCH)
        return Started(newest.backup_id, None, adopted=True)

    def _warn_recorded_elsewhere(
        self, run: Run, inp: IndexBackupInputs, marked: list[BackupModel]
    ) -> None:
        """Name backups with this resource's mark that no unfinished create here took."""
        if marked:
            run.say(
                f"{self.label(inp)}: backup(s) {', '.join(sorted(b.backup_id for b in marked))} "
                "carry this resource's mark but were not taken by an unfinished create on this "
                "machine: another stack or resource records them (a renamed stack, a resource "
                "moved by an alias), so they were left alone and a backup of this resource's own "
                "is taken. If a `pulumi up` stopped on another machine took one, delete it by hand"
            )

    def _warn_same_names(self, run: Run, inp: IndexBackupInputs) -> None:
        """Name backups of this source marked for these names with another nonce (left alone)."""
        mark = backup_mark(inp)
        names = mark[: len(MARK_PREFIX) + MARK_NAMES_LEN]
        others = sorted(
            b.backup_id
            for b in run.client.iter_backups()
            if b.source_index_name == inp.source_index_name
            and (mark_of(b.description) or "").startswith(names)
            and mark_of(b.description) != mark
        )
        if others:
            run.say(
                f"{self.label(inp)}: backup(s) {', '.join(others)} carry the mark of a resource "
                "with this one's names made under another owner key, so they were left alone. "
                "If a failed `pulumi up` of this stack elsewhere took one, delete it by hand"
            )

    def converge(
        self, run: Run, inp: IndexBackupInputs, obj: BackupModel, started: Started[None]
    ) -> BackupModel:
        """Delete duplicates this create's own sends made (a lost answer that acted late)."""
        mark = backup_mark(inp)
        unfinished = run.runtime.unfinished
        note = unfinished.note(mark)
        if started.sent and note is not None and note.get("lost"):
            # Only a send whose answer was lost can have made another backup; those with the
            # mark before the first send are others' (or were left alone) and stay.
            spared = unfinished.spared(mark) or frozenset()
            why = "a duplicate: a request whose answer was lost acted late"
            _delete_all(run, mark, inp.source_index_name, keep={obj.backup_id, *spared}, why=why)
        unfinished.end(mark)
        return obj

    def watch(
        self, run: Run, inp: IndexBackupInputs, started: Started[None], prerequisite: None
    ) -> Callable[[], Observation[BackupModel]]:
        return backup_ready_probe(
            run,
            started.id,
            deleted=f"backup {started.id} ({self.label(inp)}) was deleted by someone else while "
            "it was being taken (it answered 404). Nothing of it is left; run `pulumi up` again "
            "to take a new backup",
            ended=lambda status: (
                f"backup {started.id} ({self.label(inp)}) ended {status}. Run `pulumi up` "
                "again to take a new backup, and check the source index in the Pinecone console "
                "if it keeps failing"
            ),
        )

    def discard(self, run: Run, inp: IndexBackupInputs, started: Started[None]) -> bool:
        try:
            run.client.delete_backup(started.id)
        except NotFoundError:
            removed = False
        else:
            removed = True
        run.runtime.unfinished.end(backup_mark(inp))  # the create left nothing to adopt
        return removed

    def outputs(
        self, given: Mapping[str, Any], obj: BackupModel, previous: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {
            **attrs.asdict(obj, recurse=False),
            "description": strip_mark(obj.description),
            "owner_mark": mark_of(obj.description),
            "tags": user_tags(obj.tags),  # a marked source index passes its mark on
            **top_inputs(self, given),
        }

    # read / update / delete ------------------------------------------------------------------

    def describe(self, run: Run, id_: str, previous: Mapping[str, Any]) -> BackupModel | None:
        try:
            return run.client.describe_backup(id_)
        except NotFoundError:
            return None

    def import_inputs(self, run: Run, obj: BackupModel) -> tuple[dict[str, Any], BackupModel]:
        if not obj.source_index_name:
            raise ImportRefusedError(f"backup {obj.backup_id} names no source index")
        # Only inputs: an import's inputs go through check (the mark is an output, see outputs()).
        inputs = {
            "source_index_name": obj.source_index_name,
            "name": obj.name,
            "description": strip_mark(obj.description),
        }
        return {k: v for k, v in inputs.items() if v is not None}, obj

    def drift(self, stored: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, Any]:
        return dict(stored)  # a backup cannot drift: everything about it is immutable

    def apply(
        self, run: Run, id_: str, olds: Mapping[str, Any], inp: IndexBackupInputs
    ) -> BackupModel | None:
        return None  # only budgets can change; nothing is sent to Pinecone

    def remove(self, run: Run, id_: str, olds: Mapping[str, Any]) -> None:
        """Delete the backup the state records (its id, nothing else), after pending restores.

        Never a sweep of other backups that carry the same mark: a mark can be copied.
        """
        client = run.client
        budget = decl.setting(self.inputs, olds, "delete_timeout", decl.DEFAULT_DELETE_TIMEOUT)
        deadline = run.runtime.deadline(budget)
        throttle = ProgressThrottle(run.runtime.progress, run.runtime.clock)
        refusal: list[PreconditionFailedError] = []

        def attempt() -> bool | None:
            try:
                client.delete_backup(id_)
            except NotFoundError:
                return True
            except PreconditionFailedError as exc:
                # Pinecone refuses while a restore from this backup is pending: wait it out.
                refusal[:] = [exc]
                throttle(
                    "pending",
                    f"IndexBackup {id_}: waiting for pending restores before "
                    f"deleting (elapsed {deadline.elapsed:.0f}s of {deadline.budget:.0f}s)",
                )
                return None
            return True

        try:
            run.wait(attempt, deadline, f"backup {id_} to be deletable")
        except WaitTimeoutError as exc:
            last = refusal[-1]
            raise last.explained(
                _pending_message(id_, _pending_jobs(run, id_), deadline.budget),
            ) from exc


def _owner(inp: IndexBackupInputs) -> str:
    """The resource's identity in its notes: its seed and nonce (empty without a nonce)."""
    if not inp.owner_nonce:
        return ""
    return hashlib.sha256(json.dumps([inp.owner_seed, inp.owner_nonce]).encode()).hexdigest()


def _clear_older_attempts(run: Run, inp: IndexBackupInputs, mark: str) -> None:
    """Delete what this resource's unfinished creates with other inputs left on this machine.

    A create killed with its process leaves a note; when the next run has other inputs (a new
    ``trigger``, the usual nightly change) its mark differs, so it never adopts that backup,
    and no state records it. The note proves it is this resource's and unrecorded (a create
    ends its note before it returns); the ids that carried that mark before its first send
    are spared. A backup being restored from stays, and is named.
    """
    unfinished = run.runtime.unfinished
    for note in unfinished.others(_owner(inp), mark):
        old_mark = str(note.get("mark"))
        spared = {str(i) for i in note.get("spared") or ()}
        why = "left by an earlier create of this resource, with other inputs, that was stopped"
        _delete_all(run, old_mark, inp.source_index_name, keep=spared, why=why)
        unfinished.end(old_mark)


def _marked(run: Run, mark: str, source: str) -> list[BackupModel]:
    """Every backup of index ``source`` whose description ends with ``mark``."""
    # The project-wide listing still shows backups whose source index was deleted.
    return [
        b
        for b in run.client.iter_backups()
        if (b.description or "").endswith(mark) and b.source_index_name == source
    ]


def _delete_all(run: Run, mark: str, source: str, *, keep: set[str], why: str) -> None:
    """Delete every backup of ``source`` with ``mark`` but ``keep``: ones nothing records.

    ``why`` says, in the progress line, where they come from.
    """
    for backup in _marked(run, mark, source):
        if backup.backup_id in keep:
            continue
        try:
            run.client.delete_backup(backup.backup_id)
        except NotFoundError:
            continue
        except PreconditionFailedError:
            # A restore from it is pending: it is in use, so it stays (and is said to).
            run.say(
                f"IndexBackup: backup {backup.backup_id} {mark} ({why}) is being restored "
                "from, so it was not deleted; delete it by hand once that restore is done"
            )
            continue
        run.say(f"IndexBackup: deleted backup {backup.backup_id} {mark} ({why})")


def _pending_jobs(run: Run, backup_id: str) -> list[RestoreJobModel]:
    """The running restores from the backup (Pinecone's 412 says there is one: list across lag)."""

    def pending() -> list[RestoreJobModel]:
        return [
            job
            for job in run.client.iter_restore_jobs()
            if job.backup_id == backup_id and not job.is_terminal
        ]

    try:
        return run.listed(pending)
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


INDEX_BACKUP = BackupSpec()
