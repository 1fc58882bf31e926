"""The command line's grammar: one argparse parser, which also writes the shell completions.

Every argument is checked here, while parsing, by its ``type``: a bad name, id, tag or
duration ends the run with status 2 before any request is sent. ``--output``/``--json`` and
``--host`` are accepted before or after the subcommand.

Completion scripts for bash and zsh are generated from this same parser by shtab (a small,
dependency-free, maintained package): a new flag or verb completes without anyone editing a
script. argparse stays: it is in the standard library, and click or typer would add more to
install than this CLI's dozen verbs need.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.settings import API_KEY_ENV, CONTROLLER_HOST_ENV
from pulumi_pinecone_restore.validation import (
    check_backup_id,
    check_backup_name,
    check_description,
    check_index_name,
    check_tags,
    parse_duration,
)

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PIPE", "EXIT_USAGE", "build"]

EXIT_OK = 0
EXIT_FAILED = 1  # the request or the operation failed, or the CLI refused to act
EXIT_USAGE = 2  # a bad argument or a missing setting: nothing was sent (argparse uses 2 too)
EXIT_INTERRUPTED = 130  # the shell's convention for a process ended by SIGINT (Ctrl-C)
EXIT_PIPE = 141  # the shell's status of a process ended by SIGPIPE (stdout closed early)
DEFAULT_JOBS_LIMIT = 20
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")

EPILOG = f"""\
environment:
  {API_KEY_ENV:<26}the API key (required; never taken on the command line)
  {CONTROLLER_HOST_ENV:<26}the control plane (default https://api.pinecone.io); --host wins

exit status:
  0    success
  1    the request or the operation failed, or the command refused to act
  2    usage: a bad argument or a missing setting; nothing was sent
  130  interrupted (Ctrl-C): only the waiting stopped; the work goes on at Pinecone
  141  stdout was closed early (e.g. piped into head)

shell completion:
  pinecone-restore completion bash > ~/.local/share/bash-completion/completions/pinecone-restore
  pinecone-restore completion zsh > "${{fpath[1]}}/_pinecone-restore"
"""


def _checked(check: Callable[[Any], str | None]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        reason = check(text)
        if reason:
            raise argparse.ArgumentTypeError(reason)
        return text

    return parse


def duration(text: str) -> float:
    """A time budget such as ``30m``, ``1h30m`` or ``600`` (seconds)."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def job_id(text: str) -> str:
    """A restore job id: letters, digits, ``_`` and ``-`` (it goes into a URL path)."""
    if not _JOB_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a restore job id: letters, digits, '_' and '-' "
            "(`pinecone-restore jobs list` shows them)"
        )
    return text


def tag(text: str) -> tuple[str, str]:
    """One ``KEY=VALUE`` tag; ``KEY=`` (empty value) asks to remove ``KEY``."""
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: use KEY=VALUE (KEY= removes KEY)")
    # An empty value is checked with a stand-in: removal needs a valid key only.
    reason = check_tags({key: value or "x"})
    if reason:
        raise argparse.ArgumentTypeError(reason)
    return key, value


def positive(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def index_name(text: str) -> str:
    """An index name by Pinecone's rules (on the command line, a name is never optional)."""
    if not text:
        raise argparse.ArgumentTypeError("must not be empty: give the index's name")
    return _checked(check_index_name)(text)


backup_id = _checked(check_backup_id)
backup_name = _checked(check_backup_name)
description = _checked(check_description)


def _common() -> argparse.ArgumentParser:
    # Shared by the top level and every subcommand, so that `--json` and `--host` work in either
    # place. SUPPRESS keeps a subcommand's default from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--host",
        default=argparse.SUPPRESS,
        help=f"control plane URL (default: ${CONTROLLER_HOST_ENV}, else https://api.pinecone.io; "
        "plain http only for 127.0.0.1/localhost)",
    )
    common.add_argument(
        "-o",
        "--output",
        choices=["table", "json"],
        default=argparse.SUPPRESS,
        help="print results as a table (default) or as JSON with the API's field names",
    )
    common.add_argument(
        "--json",
        dest="output",
        action="store_const",
        const="json",
        default=argparse.SUPPRESS,
        help="the same as --output json",
    )
    return common


# argparse's only name for a group of subcommands (generic for type checkers only).
Subparsers = argparse._SubParsersAction  # noqa: SLF001


def build() -> argparse.ArgumentParser:
    """The parser of every verb; each leaf sets ``verb`` to its ``(group, name)`` pair."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="pinecone-restore",
        parents=[common],
        description="Restore Pinecone serverless indexes from backups; list, take and follow "
        "backups, restore jobs and indexes. No Pulumi needed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (Pinecone API 2025-04)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def group(name: str, help_text: str) -> Subparsers[argparse.ArgumentParser]:
        return sub.add_parser(name, help=help_text, description=help_text).add_subparsers(
            dest="sub", required=True, metavar="COMMAND"
        )

    def leaf(
        where: Subparsers[argparse.ArgumentParser], verb: tuple[str, str], help_text: str
    ) -> argparse.ArgumentParser:
        found = where.add_parser(verb[-1], parents=[common], help=help_text, description=help_text)
        found.set_defaults(verb=verb)
        return found

    _backups(group("backups", "list, describe and take backups"), leaf)
    _indexes(group("indexes", "list, describe, configure and delete indexes"), leaf)
    _jobs(group("jobs", "list and describe restore jobs"), leaf)

    restore = leaf(sub, ("restore", "restore"), "restore a backup into a new index and wait")
    restore.add_argument("backup_id", metavar="BACKUP_ID", type=backup_id)
    restore.add_argument("--name", required=True, type=index_name, help="the new index's name")
    restore.add_argument(
        "--tag",
        action="append",
        default=[],
        type=tag,
        metavar="KEY=VALUE",
        help="a tag of the new index (repeatable)",
    )
    restore.add_argument(
        "--deletion-protection",
        choices=["enabled", "disabled"],
        help="deletion protection of the new index (default: disabled)",
    )
    _timeout(restore, "1h")
    restore.add_argument("--no-wait", action="store_true", help="start the restore and return")

    wait = leaf(sub, ("wait", "wait"), "wait for a restore job and its index")
    wait.add_argument("job_id", metavar="RESTORE_JOB_ID", type=job_id)
    _timeout(wait, "1h")

    completion = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for bash or zsh (see the install lines in "
        "pinecone-restore --help).",
    )
    completion.set_defaults(verb=("completion", "completion"))
    completion.add_argument("shell", choices=["bash", "zsh"])
    return parser


Leaf = Callable[
    ["Subparsers[argparse.ArgumentParser]", tuple[str, str], str], argparse.ArgumentParser
]


def _timeout(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--timeout",
        type=duration,
        metavar="DURATION",
        help=f"time budget of the wait, e.g. 90s, 30m, 1h30m (default {default})",
    )


def _backups(where: Subparsers[argparse.ArgumentParser], leaf: Leaf) -> None:
    listing = leaf(where, ("backups", "list"), "backups of the project or of one index")
    listing.add_argument("--index", type=index_name, help="only backups of this source index")
    describe = leaf(where, ("backups", "describe"), "one backup")
    describe.add_argument("backup_id", metavar="BACKUP_ID", type=backup_id)
    create = leaf(where, ("backups", "create"), "take a backup of a serverless index")
    create.add_argument("index", metavar="INDEX", type=index_name)
    create.add_argument("--name", type=backup_name, help="the backup's name")
    create.add_argument("--description", type=description, help="the backup's description")
    create.add_argument("--wait", action="store_true", help="wait until the backup is Ready")
    _timeout(create, "1h")


def _indexes(where: Subparsers[argparse.ArgumentParser], leaf: Leaf) -> None:
    leaf(where, ("indexes", "list"), "every index of the project")
    describe = leaf(where, ("indexes", "describe"), "one index")
    describe.add_argument("index_name", metavar="NAME", type=index_name)
    configure = leaf(
        where, ("indexes", "configure"), "turn deletion protection on or off, or change tags"
    )
    configure.add_argument("index_name", metavar="NAME", type=index_name)
    configure.add_argument(
        "--deletion-protection",
        choices=["enabled", "disabled"],
        help="turn deletion protection on or off",
    )
    configure.add_argument(
        "--tag",
        action="append",
        default=[],
        type=tag,
        metavar="KEY=VALUE",
        help="set a tag (repeatable); KEY= removes KEY",
    )
    delete = leaf(where, ("indexes", "delete"), "delete an index and wait until it is gone")
    delete.add_argument("index_name", metavar="NAME", type=index_name)
    delete.add_argument(
        "-y", "--yes", action="store_true", help="do not ask (required without a terminal)"
    )
    delete.add_argument(
        "--force",
        action="store_true",
        help="also delete an index that carries a Pulumi stack's ownership mark",
    )
    delete.add_argument("--no-wait", action="store_true", help="start the deletion and return")
    delete.add_argument(
        "--final-backup",
        nargs="?",
        const=True,
        type=backup_name,
        metavar="BACKUP_NAME",
        help="back the index up first and delete it only once the backup is Ready (named "
        "BACKUP_NAME-<suffix>, or NAME-final-<suffix>); if the backup fails, nothing is deleted",
    )
    _timeout(delete, "10m")


def _jobs(where: Subparsers[argparse.ArgumentParser], leaf: Leaf) -> None:
    listing = leaf(where, ("jobs", "list"), "restore jobs, newest first")
    listing.add_argument(
        "--limit",
        type=positive,
        default=DEFAULT_JOBS_LIMIT,
        help="show at most this many (default %(default)s)",
    )
    describe = leaf(where, ("jobs", "describe"), "one restore job")
    describe.add_argument("job_id", metavar="RESTORE_JOB_ID", type=job_id)
