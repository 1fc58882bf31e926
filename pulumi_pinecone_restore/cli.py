"""``pinecone-restore``: restore, list and follow from a shell or a CI job, without Pulumi.

The restore itself runs the lifecycle engine with the ``RestoredIndex`` declaration (checks,
adoption of an interrupted restore, cleanup of a failed one), the same code a stack runs, so a
script and a stack behave alike; ``--no-wait`` run twice adopts the restore the first started.
The API key is read from ``PINECONE_API_KEY`` only: a key given on a command line ends up in
shell history and process listings.

    pinecone-restore backups list [--index NAME]
    pinecone-restore restore BACKUP_ID --name NAME [--tag k=v ...] [--timeout 30m] [--no-wait]
    pinecone-restore jobs list | jobs describe JOB_ID
    pinecone-restore wait JOB_ID [--timeout 30m]
    pinecone-restore indexes list | indexes delete NAME [--no-wait] [--timeout 10m]
                                                       [--final-backup [BACKUP_NAME]]

``--json`` and ``--host`` may stand before or after the subcommand. Ctrl-C while waiting stops
only the waiting: the restore goes on at Pinecone, and the message says how to follow it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

import attrs

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    PineconeRestoreError,
    TransportError,
)
from pulumi_pinecone_restore.lifecycle.engine import DEFAULT_CREATE_TIMEOUT, Lifecycle, Run
from pulumi_pinecone_restore.lifecycle.final_backup import take_final_backup
from pulumi_pinecone_restore.lifecycle.index import CLI_SEED
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.models import RestoreJobModel, parse_timestamp
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.settings import (
    API_KEY_ENV,
    CONTROLLER_HOST_ENV,
    ClientSettings,
    RetryPolicy,
)
from pulumi_pinecone_restore.validation import parse_duration

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shell's convention for a process ended by SIGINT
DEFAULT_WAIT = DEFAULT_CREATE_TIMEOUT
JOB_LOOKUP_ATTEMPTS = 4  # listings tried after Ctrl-C to name the job to follow
JOB_LOOKUP_PAUSE = 0.5  # seconds between them
DEFAULT_DELETE_WAIT = 600.0
# A command line should say at once that the host is unreachable: one connection retry, short
# waits. Answers that come back (429, 5xx) are retried as everywhere else.
CLI_RETRY = RetryPolicy(attempts=5, backoff_factor=0.5, backoff_max=8.0, connect_attempts=1)
# The CLI's names for the inputs that the shared checks name.
_FLAGS = {
    "backup_id": "BACKUP_ID",
    "name": "--name",
    "tags": "--tag",
    "deletion_protection": "--deletion-protection",
    "create_timeout": "--timeout",
}


class ProgressLine:
    """Shows progress: rewritten in place on a terminal, one line per update elsewhere (CI logs)."""

    def __init__(self, stream: TextIO) -> None:
        """Write to ``stream``."""
        self._stream = stream
        self._tty = stream.isatty()
        self._started = time.monotonic()
        self._width = 0

    def __call__(self, message: str) -> None:
        """Show one progress message with the elapsed time."""
        text = f"[{time.monotonic() - self._started:6.1f}s] {message}"
        if self._tty:
            pad = max(self._width - len(text), 0)
            self._stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def done(self) -> None:
        """End the in-place line."""
        if self._tty and self._width:
            self._stream.write("\n")
            self._stream.flush()


def _client(args: argparse.Namespace, environ: Mapping[str, str]) -> ControlPlaneClient:
    if not environ.get(API_KEY_ENV, "").strip():
        raise ConfigurationError(
            f"no Pinecone API key: set the {API_KEY_ENV} environment variable (the command "
            "line takes no key argument, so that keys stay out of shell history)"
        )
    host = args.host or environ.get(CONTROLLER_HOST_ENV)
    try:
        settings = ClientSettings.resolve(controller_host=host, environ=environ, retry=CLI_RETRY)
    except ConfigurationError as exc:
        source = "--host" if args.host else CONTROLLER_HOST_ENV
        raise ConfigurationError(
            f"{source} {host!r} is not usable: give an https URL such as "
            "https://api.pinecone.io, or http://127.0.0.1:PORT for the local emulator"
        ) from exc
    return ControlPlaneClient(settings)


def _flag_message(prop: str, reason: str) -> str:
    """A check failure worded with the CLI's flag for the property it names."""
    flag = _FLAGS.get(prop, prop)
    text = reason.removeprefix(f"{prop}: ")
    return f"{flag}: {text}"


def _emit(
    args: argparse.Namespace, out: TextIO, rows: list[dict[str, Any]], columns: Sequence[str]
) -> None:
    if args.json:
        json.dump(rows, out, indent=2, default=str)
        out.write("\n")
        return
    if not rows:
        out.write("(none)\n")
        return
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    out.write("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip() + "\n")
    out.writelines(
        "  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns).rstrip() + "\n"
        for row in rows
    )


def _cmd_backups_list(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    rows = [attrs.asdict(b) for b in client.iter_backups(index_name=args.index)]
    rows.sort(key=lambda r: r.get("created_at") or "")
    _emit(
        args,
        out,
        rows,
        ["backup_id", "source_index_name", "name", "status", "record_count", "created_at"],
    )
    return 0


def _cmd_indexes_list(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    rows = [attrs.asdict(i) for i in client.list_indexes()]
    _emit(args, out, rows, ["name", "state", "dimension", "metric", "cloud", "region", "host"])
    return 0


def _cmd_indexes_delete(
    args: argparse.Namespace, client: ControlPlaneClient, out: TextIO, err: TextIO
) -> int:
    final_id = _final_backup(args, client, out, err) if args.final_backup is not None else None
    try:
        client.delete_index(args.index_name)
    except NotFoundError:
        err.write(f"pinecone-restore: index {args.index_name!r} does not exist\n")
        return EXIT_FAILED
    except ForbiddenError as exc:
        err.write(
            f"pinecone-restore: index {args.index_name!r} was not deleted: "
            f"{exc.api_message or exc}\n"
            "  Turn its deletion protection off first (in the stack that manages it, or in the "
            "Pinecone console), then run this again.\n"
        )
        return EXIT_FAILED
    if not args.no_wait:
        budget = parse_duration(args.timeout) if args.timeout else DEFAULT_DELETE_WAIT
        progress = ProgressLine(err)

        def gone() -> bool | None:
            try:
                state = client.describe_index(args.index_name).state
            except NotFoundError:
                return True
            progress(f"index {args.index_name}: {state}")
            return None

        try:
            wait_for(gone, deadline=Deadline(budget), what=f"index {args.index_name} to go")
        finally:
            progress.done()
    if args.json:
        row = {"name": args.index_name, "deleted": not args.no_wait}
        json.dump({**row, "final_backup_id": final_id} if final_id else row, out)
        out.write("\n")
    else:
        verb = "deleted" if not args.no_wait else "is being deleted"
        out.write(f"index {args.index_name} {verb}\n")
    return 0


def _final_backup(
    args: argparse.Namespace, client: ControlPlaneClient, out: TextIO, err: TextIO
) -> str | None:
    """Back the index up before ``indexes delete`` (the lifecycle's final backup); its id."""
    budget = parse_duration(args.timeout) if args.timeout else DEFAULT_DELETE_WAIT
    progress = ProgressLine(err)
    try:
        backup = take_final_backup(
            Run(client, Runtime(client_override=client, progress=progress)),
            args.index_name,
            args.final_backup,
            Deadline(budget),
        )
    finally:
        progress.done()
    if backup is None:
        return None
    if not args.json:
        out.write(f"final backup {backup.backup_id} ({backup.name}) is Ready\n")
    return backup.backup_id


def _created(job: RestoreJobModel) -> dt.datetime:
    # By parsed time, not text: the live service sends timestamps in several precisions.
    return parse_timestamp(job.created_at) or dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _cmd_jobs_list(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    jobs = list(client.iter_restore_jobs())
    jobs.sort(key=_created, reverse=True)
    rows = [attrs.asdict(j) for j in jobs[: args.limit]]
    _emit(
        args,
        out,
        rows,
        [
            "restore_job_id",
            "backup_id",
            "target_index_name",
            "status",
            "percent_complete",
            "created_at",
            "completed_at",
        ],
    )
    return 0


def _cmd_jobs_describe(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    job = client.describe_restore_job(args.job_id)
    json.dump(attrs.asdict(job), out, indent=2)
    out.write("\n")
    return 0


def _parse_tags(pairs: Sequence[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    tags: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigurationError(f"--tag {pair!r}: use KEY=VALUE")
        tags[key] = value
    return tags


def _cmd_restore(
    args: argparse.Namespace, client: ControlPlaneClient, out: TextIO, err: TextIO
) -> int:
    given: dict[str, Any] = {
        "backup_id": args.backup_id,
        "name": args.name,
        "tags": _parse_tags(args.tag),
        "deletion_protection": args.deletion_protection,
        "create_timeout": args.timeout,
        # The CLI's restores carry its own mark, without a nonce: running the same command
        # again finds the restore it started, and `adopt_existing` may take it over later.
        "owner_seed": CLI_SEED,
        "owner_nonce": "",
    }
    progress = ProgressLine(err)
    life = Lifecycle(RESTORED_INDEX, Runtime(client_override=client, progress=progress))
    inputs, failures = life.check({}, given)
    if failures:
        err.writelines(
            f"pinecone-restore: {_flag_message(prop, reason)}\n" for prop, reason in failures
        )
        return EXIT_USAGE
    try:
        if args.no_wait:
            started = life.start(life.typed(inputs))
            progress(
                f"{'resumed' if started.adopted else 'started'} restore job "
                f"{started.handle.job_id} into index {started.id}"
            )
            row = {
                "restore_job_id": started.handle.job_id,
                "index_id": started.handle.index_id,
                "adopted": started.adopted,
            }
            _emit(args, out, [row], ["restore_job_id", "index_id", "adopted"])
            return 0
        outs = life.create(inputs).outputs
    finally:
        progress.done()
    if args.json:
        json.dump(outs, out, indent=2, default=str)
        out.write("\n")
    else:
        keys = (
            "name",
            "host",
            "state",
            "restore_job_id",
            "backup_id",
            "dimension",
            "metric",
            "cloud",
            "region",
            "tags",
        )
        out.writelines(f"{key:16} {outs.get(key)}\n" for key in keys)
    return 0


def _cmd_wait(
    args: argparse.Namespace, client: ControlPlaneClient, out: TextIO, err: TextIO
) -> int:
    budget = parse_duration(args.timeout) if args.timeout else DEFAULT_WAIT
    deadline = Deadline(budget)
    progress = ProgressLine(err)

    def probe() -> RestoreJobModel | None:
        job = client.describe_restore_job(args.job_id)
        percent = f" {job.percent_complete:.0f}%" if job.percent_complete is not None else ""
        progress(
            f"restore job {job.restore_job_id} -> {job.target_index_name}: {job.status}{percent}"
        )
        return job if job.is_terminal else None

    try:
        job = wait_for(probe, deadline=deadline, what=f"restore job {args.job_id}").value
        if job.status == "Completed":
            index = wait_for(
                lambda: i if (i := client.describe_index(job.target_index_name)).ready else None,
                deadline=deadline,
                what=f"index {job.target_index_name} to become Ready",
            ).value
            progress(f"index {index.name} Ready at {index.host}")
    finally:
        progress.done()
    json.dump(attrs.asdict(job), out, indent=2)
    out.write("\n")
    return 0 if job.status == "Completed" else EXIT_FAILED


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _common() -> argparse.ArgumentParser:
    # Shared by the top level and every subcommand, so that `--json` and `--host` work in either
    # place. SUPPRESS keeps a subcommand's default from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--host",
        default=argparse.SUPPRESS,
        help="controller URL (default: $PINECONE_CONTROLLER_HOST, else https://api.pinecone.io; "
        "plain http only for 127.0.0.1/localhost)",
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print JSON instead of tables",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="pinecone-restore",
        parents=[common],
        description="Restore Pinecone serverless indexes from backups, list backups and "
        f"restore jobs, and wait for restores. The API key comes from {API_KEY_ENV}.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (Pinecone API 2025-04)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        return sub.add_parser(name, help=help_text).add_subparsers(dest="sub", required=True)

    backups_list = group("backups", "list backups").add_parser(
        "list", parents=[common], help="backups of the project or of one index"
    )
    backups_list.add_argument("--index", help="only backups of this source index")

    indexes = group("indexes", "list or delete indexes")
    indexes.add_parser("list", parents=[common], help="every index of the project")
    delete = indexes.add_parser(
        "delete", parents=[common], help="delete an index and wait until it is gone"
    )
    delete.add_argument("index_name", metavar="NAME")
    delete.add_argument("--no-wait", action="store_true", help="start the deletion and return")
    delete.add_argument("--timeout", help="time budget, e.g. 10m (default 10m)")
    delete.add_argument(
        "--final-backup",
        nargs="?",
        const=True,
        metavar="BACKUP_NAME",
        help="back the index up first and delete only once the backup is Ready (named "
        "BACKUP_NAME-<suffix>, or NAME-final-<suffix>); if it fails, nothing is deleted",
    )

    jobs = group("jobs", "restore jobs")
    jobs_list = jobs.add_parser("list", parents=[common], help="newest restore jobs first")
    jobs_list.add_argument(
        "--limit", type=_positive, default=20, help="show at most this many (default %(default)s)"
    )
    jobs_describe = jobs.add_parser("describe", parents=[common], help="one restore job")
    jobs_describe.add_argument("job_id", metavar="RESTORE_JOB_ID")

    restore = sub.add_parser(
        "restore", parents=[common], help="restore a backup into a new index and wait"
    )
    restore.add_argument("backup_id", metavar="BACKUP_ID")
    restore.add_argument("--name", required=True, help="name of the new index")
    restore.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE")
    restore.add_argument("--deletion-protection", choices=["enabled", "disabled"])
    restore.add_argument("--timeout", help="time budget, e.g. 30m (default 1h)")
    restore.add_argument("--no-wait", action="store_true", help="start the restore and return")

    wait = sub.add_parser("wait", parents=[common], help="wait for a restore job and its index")
    wait.add_argument("job_id", metavar="RESTORE_JOB_ID")
    wait.add_argument("--timeout", help="time budget, e.g. 30m (default 1h)")
    return parser


def _dispatch(
    args: argparse.Namespace, client: ControlPlaneClient, out: TextIO, err: TextIO
) -> int:
    simple: dict[
        tuple[str, str], Callable[[argparse.Namespace, ControlPlaneClient, TextIO], int]
    ] = {
        ("backups", "list"): _cmd_backups_list,
        ("indexes", "list"): _cmd_indexes_list,
        ("jobs", "list"): _cmd_jobs_list,
        ("jobs", "describe"): _cmd_jobs_describe,
    }
    handler = simple.get((args.command, getattr(args, "sub", "")))
    if handler is not None:
        return handler(args, client, out)
    if (args.command, getattr(args, "sub", "")) == ("indexes", "delete"):
        return _cmd_indexes_delete(args, client, out, err)
    if args.command == "restore":
        return _cmd_restore(args, client, out, err)
    return _cmd_wait(args, client, out, err)


def _interrupted(args: argparse.Namespace, client: ControlPlaneClient | None, err: TextIO) -> int:
    """Say what Ctrl-C did (stopped our waiting, not the work at Pinecone) and how to go on."""
    err.write("\n")
    if args.command == "wait":
        err.write(
            f"pinecone-restore: interrupted; restore job {args.job_id} continues at Pinecone. "
            f"Follow it with: pinecone-restore wait {args.job_id}\n"
        )
    elif args.command == "restore":
        job_id = _job_of(client, args.backup_id, args.name)
        follow = f"pinecone-restore wait {job_id}" if job_id else "pinecone-restore jobs list"
        err.write(
            f"pinecone-restore: interrupted; if the restore into {args.name!r} had started, it "
            f"continues at Pinecone. Follow it with: {follow}\n"
        )
    elif args.command == "indexes" and args.sub == "delete":
        err.write(
            f"pinecone-restore: interrupted; the deletion of {args.index_name!r} "
            "continues at Pinecone (pinecone-restore indexes list)\n"
        )
    else:
        err.write("pinecone-restore: interrupted\n")
    return EXIT_INTERRUPTED


def _job_of(client: ControlPlaneClient | None, backup_id: str, name: str) -> str | None:
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


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).
        environ: Environment for the API key and host; ``os.environ`` when ``None``.
        out: Where results go (default stdout).
        err: Where progress and errors go (default stderr).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    args.host = getattr(args, "host", None)
    args.json = getattr(args, "json", False)
    client: ControlPlaneClient | None = None
    try:
        client = _client(args, os.environ if environ is None else environ)
        return _dispatch(args, client, out, err)
    except KeyboardInterrupt:
        return _interrupted(args, client, err)
    except ConfigurationError as exc:
        err.write(f"pinecone-restore: {exc}\n")
        return EXIT_USAGE
    except TransportError as exc:
        host = client.base_url if client is not None else "the control plane"
        err.write(
            f"pinecone-restore: cannot reach {host}: {exc}\n"
            f"  Check --host / {CONTROLLER_HOST_ENV} and your network.\n"
        )
        return EXIT_FAILED
    except (PineconeRestoreError, ValueError) as exc:
        err.write(f"pinecone-restore: {exc}\n")
        return EXIT_FAILED
    finally:
        if client is not None:
            client.close()


if __name__ == "__main__":
    sys.exit(main())
