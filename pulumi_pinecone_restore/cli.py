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
    pinecone-restore indexes list
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import ConfigurationError, PineconeRestoreError
from pulumi_pinecone_restore.lifecycle.engine import DEFAULT_CREATE_TIMEOUT, Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.models import RestoreJobModel
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.settings import ClientSettings
from pulumi_pinecone_restore.validation import parse_duration

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_USAGE = 2
# Seeds the ownership mark of restores started here (a stack's resources seed their own).
CLI_SEED = "pinecone-restore-cli"


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
    return ControlPlaneClient(ClientSettings.resolve(controller_host=args.host, environ=environ))


def _emit(args: argparse.Namespace, out: TextIO, rows: list[dict[str, Any]],
          columns: Sequence[str]) -> None:
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
    _emit(args, out, rows, ["backup_id", "source_index_name", "name", "status", "record_count",
                            "created_at"])
    return 0


def _cmd_indexes_list(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    rows = [attrs.asdict(i) for i in client.list_indexes()]
    _emit(args, out, rows, ["name", "state", "dimension", "metric", "cloud", "region", "host"])
    return 0


def _cmd_jobs_list(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO) -> int:
    jobs = list(client.iter_restore_jobs())
    jobs.sort(key=lambda j: j.created_at or "", reverse=True)
    rows = [attrs.asdict(j) for j in jobs[: args.limit]]
    _emit(args, out, rows, ["restore_job_id", "backup_id", "target_index_name", "status",
                            "percent_complete", "created_at", "completed_at"])
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


def _cmd_restore(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO,
                 err: TextIO) -> int:
    given: dict[str, Any] = {"backup_id": args.backup_id, "name": args.name,
                             "tags": _parse_tags(args.tag),
                             "deletion_protection": args.deletion_protection,
                             "create_timeout": args.timeout, "owner_seed": CLI_SEED}
    progress = ProgressLine(err)
    life = Lifecycle(RESTORED_INDEX, Runtime(client_override=client, progress=progress))
    inputs, failures = life.check({}, given)
    if failures:
        err.writelines(f"pinecone-restore: {reason}\n" for _, reason in failures)
        return EXIT_USAGE
    try:
        if args.no_wait:
            started = life.start(life.typed(inputs))
            progress(f"{'resumed' if started.adopted else 'started'} restore job "
                     f"{started.handle.job_id} into index {started.id}")
            row = {"restore_job_id": started.handle.job_id, "index_id": started.handle.index_id,
                   "adopted": started.adopted}
            _emit(args, out, [row], ["restore_job_id", "index_id", "adopted"])
            return 0
        outs = life.create(inputs).outputs
    finally:
        progress.done()
    if args.json:
        json.dump(outs, out, indent=2, default=str)
        out.write("\n")
    else:
        keys = ("name", "host", "state", "restore_job_id", "backup_id", "dimension", "metric",
                "cloud", "region", "tags")
        out.writelines(f"{key:16} {outs.get(key)}\n" for key in keys)
    return 0


def _cmd_wait(args: argparse.Namespace, client: ControlPlaneClient, out: TextIO,
              err: TextIO) -> int:
    budget = parse_duration(args.timeout) if args.timeout else DEFAULT_CREATE_TIMEOUT
    deadline = Deadline(budget)
    progress = ProgressLine(err)

    def probe() -> RestoreJobModel | None:
        job = client.describe_restore_job(args.job_id)
        percent = f" {job.percent_complete:.0f}%" if job.percent_complete is not None else ""
        progress(f"restore job {job.restore_job_id} -> {job.target_index_name}: "
                 f"{job.status}{percent}")
        return job if job.is_terminal else None

    try:
        job = wait_for(probe, deadline=deadline, what=f"restore job {args.job_id}").value
        if job.status == "Completed":
            index = wait_for(
                lambda: (i if (i := client.describe_index(job.target_index_name)).ready else None),
                deadline=deadline, what=f"index {job.target_index_name} to become Ready",
            ).value
            progress(f"index {index.name} Ready at {index.host}")
    finally:
        progress.done()
    json.dump(attrs.asdict(job), out, indent=2)
    out.write("\n")
    return 0 if job.status == "Completed" else EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinecone-restore",
        description="Restore Pinecone serverless indexes from backups, list backups and "
        "restore jobs, and wait for restores. The API key comes from PINECONE_API_KEY.",
    )
    parser.add_argument("--host", help="controller URL (default: $PINECONE_CONTROLLER_HOST, "
                        "else https://api.pinecone.io; http only for 127.0.0.1/localhost)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    sub = parser.add_subparsers(dest="command", required=True)

    backups = sub.add_parser("backups", help="list backups").add_subparsers(dest="sub",
                                                                          required=True)
    backups_list = backups.add_parser("list", help="backups of the project or of one index")
    backups_list.add_argument("--index", help="only backups of this source index")

    indexes = sub.add_parser("indexes", help="list indexes").add_subparsers(dest="sub",
                                                                          required=True)
    indexes.add_parser("list", help="every index of the project")

    jobs = sub.add_parser("jobs", help="restore jobs").add_subparsers(dest="sub", required=True)
    jobs_list = jobs.add_parser("list", help="newest restore jobs first")
    jobs_list.add_argument("--limit", type=int, default=20)
    jobs_describe = jobs.add_parser("describe", help="one restore job")
    jobs_describe.add_argument("job_id")

    restore = sub.add_parser("restore", help="restore a backup into a new index and wait")
    restore.add_argument("backup_id")
    restore.add_argument("--name", required=True, help="name of the new index")
    restore.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE")
    restore.add_argument("--deletion-protection", choices=["enabled", "disabled"])
    restore.add_argument("--timeout", help="time budget, e.g. 30m (default 1h)")
    restore.add_argument("--no-wait", action="store_true", help="start the restore and return")

    wait = sub.add_parser("wait", help="wait for a restore job and its index")
    wait.add_argument("job_id")
    wait.add_argument("--timeout", help="time budget, e.g. 30m (default 1h)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).
        environ: Environment for the API key and host.
        out: Where results go (default stdout).
        err: Where progress and errors go (default stderr).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        client = _client(args, environ)
        simple: dict[tuple[str, str], Callable[[argparse.Namespace, ControlPlaneClient, TextIO],
                                               int]] = {
            ("backups", "list"): _cmd_backups_list,
            ("indexes", "list"): _cmd_indexes_list,
            ("jobs", "list"): _cmd_jobs_list,
            ("jobs", "describe"): _cmd_jobs_describe,
        }
        handler = simple.get((args.command, getattr(args, "sub", "")))
        if handler is not None:
            return handler(args, client, out)
        if args.command == "restore":
            return _cmd_restore(args, client, out, err)
        return _cmd_wait(args, client, out, err)
    except ConfigurationError as exc:
        err.write(f"pinecone-restore: {exc}\n")
        return EXIT_USAGE
    except (PineconeRestoreError, ValueError) as exc:
        err.write(f"pinecone-restore: {exc}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
