"""A final backup: a backup of an index taken, and Ready, before the index is deleted.

Like Terraform's ``final_snapshot_identifier``: destroy and replace keep the index's data in a
backup first, and delete nothing when that backup cannot be taken. Backup names are not unique
in Pinecone, so each run's backup gets a random suffix: a second delete with the same
``final_backup`` makes (and reports) its own backup, never an older one of that name, and a
lost answer to the backup POST is reconciled by that unique name, not by sending it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from pulumi_pinecone_restore.errors import (
    ApiError,
    BackupFailedError,
    NotFoundError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.engine import Run
from pulumi_pinecone_restore.models import BackupModel
from pulumi_pinecone_restore.polling import Deadline, Observation
from pulumi_pinecone_restore.validation import check_backup_name

__all__ = [
    "BACKUP_FAILED",
    "UNTOUCHED_ADVICE",
    "backup_ready_probe",
    "final_backup_name",
    "parse_final_backup",
    "take_final_backup",
]

# How long a just-started backup may answer 404 before it was ever seen (live service lag).
BACKUP_NOT_FOUND_GRACE = 60.0
# The backup statuses that never become Ready.
BACKUP_FAILED = frozenset({"Failed", "InitializationFailed"})


def parse_final_backup(value: Any) -> str | bool:
    """The ``final_backup`` input: a flag, or a backup name (the base of the backup's name)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        reason: str | None = "must be true or a name"
    elif not value.strip():
        reason = "must be a non-empty name"  # (an IndexBackup's blank name says to omit it)
    else:
        reason = check_backup_name(value)
    if reason:
        raise ValueError(
            f"{reason} (give a backup name, true for a derived one, or omit it for no backup)"
        )
    return str(value)


def final_backup_name(index_name: str, final_backup: str | bool, nonce: str) -> str:
    """The final backup's name: the given one (or ``<index>-final``) with this run's suffix.

    Backup names are not unique in Pinecone; the suffix makes each run's final backup its own,
    so a second destroy with the same ``final_backup`` never finds (or reports) an older one.
    """
    base = final_backup if isinstance(final_backup, str) else f"{index_name}-final"
    return f"{base}-{nonce}"


# What a failed final backup's message ends with (a command line words its own advice).
UNTOUCHED_ADVICE = (
    "The index was not deleted. Fix the cause and run it again (a new final backup is taken), "
    "or remove final_backup to delete it without one (before a `pulumi destroy`, run `pulumi "
    "up` first: a destroy reads final_backup from the state)"
)


def _start_final_backup(run: Run, index_name: str, name: str, what: str) -> BackupModel | None:
    """Start the final backup named ``name``; ``None`` if the index is already gone."""
    client = run.client
    try:
        return client.create_backup(
            index_name,
            name=name,
            description=f"final backup of index {index_name} before its deletion",
        )
    except NotFoundError:
        run.say(f"index {index_name}: gone before its {what} started; nothing to back up")
        return None
    except (ServerError, TransportError) as exc:
        # The answer was lost, not necessarily the request: this run's own name finds it.
        found = run.listed(
            lambda: [b for b in client.iter_backups(index_name=index_name) if b.name == name]
        )
        if not found:
            raise BackupFailedError(
                f"{what} could not be started ({exc}). {UNTOUCHED_ADVICE}"
            ) from exc
        return found[0]
    except ApiError as exc:
        raise BackupFailedError(f"{what} could not be started: {exc}. {UNTOUCHED_ADVICE}") from exc


def take_final_backup(
    run: Run,
    index_name: str,
    final_backup: str | bool,
    deadline: Deadline,
    *,
    nonce: str | None = None,
) -> BackupModel | None:
    """Back up ``index_name`` and wait until the backup is Ready; the caller deletes after.

    Args:
        run: Client and runtime.
        index_name: The index about to be deleted.
        final_backup: A backup name, or ``True`` for a derived one (see
            :func:`final_backup_name`).
        deadline: Bounds the wait (the delete's budget).
        nonce: This run's suffix (default: random).

    Returns:
        The Ready backup, or ``None`` if the index was gone before its backup started.

    Raises:
        BackupFailedError: The backup could not be started or ended Failed (the index is
            untouched).
        WaitTimeoutError: The backup was not Ready in time (the index is untouched).
    """
    name = final_backup_name(index_name, final_backup, nonce or secrets.token_hex(4))
    what = f"final backup {name!r} of index {index_name!r}"
    backup = _start_final_backup(run, index_name, name, what)
    if backup is None:
        return None
    backup_id = backup.backup_id
    run.say(f"index {index_name}: taking {what}: backup {backup_id}")
    probe = backup_ready_probe(
        run,
        backup_id,
        deleted=f"{what} (backup {backup_id}) was deleted while it was being taken. "
        f"{UNTOUCHED_ADVICE}",
        ended=lambda status: f"{what} (backup {backup_id}) ended {status}. {UNTOUCHED_ADVICE}",
        waiting="final backup",
    )

    try:
        ready = run.follow(probe, deadline, f"{what} to be Ready", f"index {index_name}")
    except WaitTimeoutError as exc:
        raise WaitTimeoutError(
            f"{exc}. Backup {backup_id} continues on Pinecone's side and the index was not "
            "deleted. Raise delete_timeout (it bounds the final backup and the deletion) and "
            "run it again; a new final backup is taken"
        ) from exc
    run.say(f"index {index_name}: final backup {backup_id} ({name}) is Ready")
    return ready


def backup_ready_probe(
    run: Run,
    backup_id: str,
    *,
    deleted: str,
    ended: Callable[[str], str],
    waiting: str = "backup",
) -> Callable[[], Observation[BackupModel]]:
    """One look at a backup this run just started, for :meth:`Run.follow` to repeat until Ready.

    Until the backup is first seen, a 404 is the live service's lag (for up to
    :data:`BACKUP_NOT_FOUND_GRACE` seconds); after that, or later, it means someone deleted it.
    Shared by a final backup and an ``IndexBackup`` create.

    Args:
        run: Client and runtime.
        backup_id: The backup being taken.
        deleted: The error message when it answers 404 for good.
        ended: The error message for a status in :data:`BACKUP_FAILED`.
        waiting: What the progress line calls the backup.

    Returns:
        The probe: the Ready backup, or what it is waiting for.
    """
    since = run.runtime.clock()
    seen = False

    def probe() -> Observation[BackupModel]:
        nonlocal seen
        try:
            backup = run.client.describe_backup(backup_id)
        except NotFoundError as exc:
            if not seen and run.runtime.clock() - since < BACKUP_NOT_FOUND_GRACE:
                return Observation(status=f"{waiting} {backup_id} not listed yet")
            raise BackupFailedError(deleted) from exc
        seen = True
        if backup.status == "Ready":
            return Observation(backup)
        if backup.status in BACKUP_FAILED:
            raise BackupFailedError(ended(backup.status))
        return Observation(status=f"{waiting} {backup_id} {backup.status}")

    return probe
