"""``pinecone-restore``: restore, back up, list and follow from a shell or a CI job, no Pulumi.

    pinecone-restore backups list [--index NAME] | describe BACKUP_ID
    pinecone-restore backups create INDEX [--name N] [--description D] [--wait] [--timeout 1h]
    pinecone-restore indexes list | describe NAME
    pinecone-restore indexes configure NAME [--deletion-protection enabled|disabled] [--tag k=v]
    pinecone-restore indexes delete NAME [--yes] [--force] [--no-wait] [--timeout 10m]
    pinecone-restore jobs list [--limit N] | describe RESTORE_JOB_ID
    pinecone-restore restore BACKUP_ID --name NAME [--tag k=v ...] [--timeout 30m] [--no-wait]
    pinecone-restore wait RESTORE_JOB_ID [--timeout 30m]
    pinecone-restore completion bash|zsh

Every verb takes ``--output table|json`` (or ``--json``) and ``--host``, before or after it.
The API key is read from ``PINECONE_API_KEY`` only: a key given on a command line ends up in
shell history and process listings. Exit status: 0 success, 1 failed (or refused), 2 usage
(nothing sent), 130 interrupted, 141 stdout closed early. Ctrl-C while waiting stops only the
waiting: the work goes on at Pinecone, and the message says how to follow it.

The package is split by concern: :mod:`.parser` (the grammar, argument checks, completion),
:mod:`.commands` (one function per verb), :mod:`.output` (tables, JSON, progress) and
:mod:`.advice` (error messages and hints in the command line's own words).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from pulumi_pinecone_restore.cli.advice import Failure, api_hint, report
from pulumi_pinecone_restore.cli.commands import COMMANDS, Context, job_of
from pulumi_pinecone_restore.cli.parser import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
    build,
)
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ApiError,
    ConfigurationError,
    PineconeRestoreError,
    TransportError,
)
from pulumi_pinecone_restore.lifecycle.final_backup import BACKUP_FAILED as FAILED
from pulumi_pinecone_restore.settings import (
    API_KEY_ENV,
    CONTROLLER_HOST_ENV,
    ClientSettings,
    RetryPolicy,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_USAGE",
    "main",
]

# A command line should say at once that the host is unreachable: one connection retry, short
# waits. Answers that come back (429, 5xx) are retried as everywhere else.
CLI_RETRY = RetryPolicy(attempts=5, backoff_factor=0.5, backoff_max=8.0, connect_attempts=1)


def _client(args: argparse.Namespace, environ: Mapping[str, str]) -> ControlPlaneClient:
    if not environ.get(API_KEY_ENV, "").strip():
        raise ConfigurationError(
            f"no Pinecone API key: set the {API_KEY_ENV} environment variable (the command "
            "line takes no key argument, so that keys stay out of shell history)"
        )
    # The host rule's own refusal names the flag or the variable the host came from.
    settings = ClientSettings.resolve(
        controller_host=args.host, environ=environ, retry=CLI_RETRY, host_source="--host"
    )
    return ControlPlaneClient(settings)


def _delete_interrupted(
    args: argparse.Namespace, client: ControlPlaneClient | None
) -> tuple[str, str]:
    """What Ctrl-C left of ``indexes delete``: the index, and a final backup still being taken."""
    name = args.index_name
    index = None
    if client is not None:
        with contextlib.suppress(PineconeRestoreError):
            index = client.describe_index(name)
    if index is None or index.state == "Terminating":
        return (
            f"interrupted; if the deletion of {name!r} had been sent, it continues at Pinecone",
            f"pinecone-restore indexes describe {name}",
        )
    taking: list[str] = []
    if args.final_backup is not None and client is not None:
        base = args.final_backup if isinstance(args.final_backup, str) else f"{name}-final"
        with contextlib.suppress(PineconeRestoreError):
            taking = sorted(
                b.backup_id
                for b in client.iter_backups(index_name=name)
                if (b.name or "").startswith(f"{base}-") and b.status not in ("Ready", *FAILED)
            )
    if not taking:
        return (f"interrupted; index {name!r} was not deleted", "run the command again")
    said = (
        f"interrupted; index {name!r} was not deleted; its final backup {', '.join(taking)} "
        "is still being taken at Pinecone"
    )
    hint = (
        f"once it is Ready (pinecone-restore backups describe {taking[0]}), delete the index "
        f"with: pinecone-restore indexes delete {name}; running the same command again takes "
        "another final backup"
    )
    return said, hint


def _interrupted(args: argparse.Namespace, client: ControlPlaneClient | None, err: TextIO) -> int:
    """Say what Ctrl-C did (stopped our waiting, not the work at Pinecone) and how to go on."""
    err.write("\n")
    verb = args.verb
    if verb == ("wait", "wait"):
        report(
            err,
            f"interrupted; restore job {args.job_id} continues at Pinecone",
            f"follow it with: pinecone-restore wait {args.job_id}",
        )
    elif verb == ("restore", "restore"):
        job_id = job_of(client, args.backup_id, args.name)
        follow = f"pinecone-restore wait {job_id}" if job_id else "pinecone-restore jobs list"
        report(
            err,
            f"interrupted; if the restore into {args.name!r} had started, it continues at Pinecone",
            f"follow it with: {follow}",
        )
    elif verb == ("indexes", "delete"):
        report(err, *_delete_interrupted(args, client))
    elif verb == ("backups", "create"):
        report(
            err,
            f"interrupted; a backup of {args.index!r} that had been started continues at Pinecone",
            f"pinecone-restore backups list --index {args.index}",
        )
    else:
        report(err, "interrupted")
    return EXIT_INTERRUPTED


def _closed_pipe(out: TextIO) -> int:
    """End quietly after a reader closed stdout (``| head``), as a program killed by SIGPIPE."""
    # Python would report the unflushed rest at exit; point stdout at nothing instead.
    try:
        fd = out.fileno()
    except (OSError, ValueError):
        return EXIT_PIPE
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    return EXIT_PIPE


def _failed(
    exc: Failure | PineconeRestoreError, client: ControlPlaneClient | None, err: TextIO
) -> int:
    """Report a failure in the command line's words; returns the exit status."""
    if isinstance(exc, Failure):
        report(err, exc.message, exc.hint)
        return exc.status
    if isinstance(exc, ConfigurationError):
        report(err, str(exc))
        return EXIT_USAGE
    if isinstance(exc, TransportError):
        host = client.base_url if client is not None else "the control plane"
        report(
            err,
            f"cannot reach {host}: {exc}",
            f"check --host / {CONTROLLER_HOST_ENV} and your network",
        )
    elif isinstance(exc, ApiError):
        report(err, exc.summary, api_hint(exc, None) or exc.hint)
    else:
        report(err, str(exc))
    return EXIT_FAILED


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).
        environ: Environment for the API key and host; ``os.environ`` when ``None``.
        out: Where results go (default stdout).
        err: Where progress, prompts and errors go (default stderr).
        stdin: Where confirmations are read (default stdin).

    Returns:
        The exit status (see the module docstring).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build()
    args = parser.parse_args(argv)
    args.host = getattr(args, "host", None)
    args.output = getattr(args, "output", None) or "table"
    client: ControlPlaneClient | None = None
    try:
        if args.verb == ("completion", "completion"):
            # Imported here: only this verb needs it (48 ms of every other command's start).
            import shtab  # noqa: PLC0415

            script = shtab.complete(parser, shell=args.shell)
            out.write(script if script.endswith("\n") else script + "\n")
            out.flush()
            return EXIT_OK
        client = _client(args, os.environ if environ is None else environ)
        ctx = Context(args, client, out, err, stdin or sys.stdin)
        status = COMMANDS[args.verb](ctx)
        out.flush()
    except BrokenPipeError:
        return _closed_pipe(out)
    except KeyboardInterrupt:
        return _interrupted(args, client, err)
    except (Failure, PineconeRestoreError) as exc:
        return _failed(exc, client, err)
    except ValueError as exc:
        # An answer that breaks the API's contract (a model lacks a required field).
        report(
            err,
            f"the control plane sent an answer this command cannot read: {exc}",
            f"check that --host / {CONTROLLER_HOST_ENV} is a Pinecone control plane (API 2025-04)",
        )
        return EXIT_FAILED
    finally:
        if client is not None:
            client.close()
    return status
