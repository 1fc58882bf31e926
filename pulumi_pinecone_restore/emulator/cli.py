"""`pinecone-restore-emulator`: run the Pinecone control-plane emulator from the command line.

Example::

    pinecone-restore-emulator --port 5080 --api-key pclocal --state ./emulator.db --seed demo
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence

from pulumi_pinecone_restore.emulator.clock import Clock, ManualClock, SystemClock
from pulumi_pinecone_restore.emulator.config import Behaviour, Quotas, Timing, Timings
from pulumi_pinecone_restore.emulator.models import DEFAULT_API_KEY, Emulator
from pulumi_pinecone_restore.emulator.persistence import SqliteStore
from pulumi_pinecone_restore.emulator.server import EmulatorServer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5080


def build_parser(environ: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser; `PINECONE_API_KEY` from `environ` is the key's default.

    Args:
        environ: Environment to read defaults from (default: `os.environ` at call time; never
            a signature default, which help() would print, key included).
    """
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="pinecone-restore-emulator",
        description="Local emulator of the Pinecone control plane (API 2025-04).",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="interface to bind (%(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (%(default)s)")
    parser.add_argument(
        "--api-key",
        default=environ.get("PINECONE_API_KEY", DEFAULT_API_KEY),
        help="the Api-Key clients must send (default: $PINECONE_API_KEY or 'pclocal')",
    )
    parser.add_argument("--state", metavar="FILE", help="persist state in this SQLite file")
    parser.add_argument(
        "--seed",
        choices=["demo"],
        help="'demo': create a Ready source index with a Ready backup and print the backup id",
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="time only moves via POST /_emulator/clock/advance",
    )
    for flag, what in (
        ("index-ready", "index Initializing -> Ready"),
        ("terminate", "index Terminating -> gone"),
        ("backup", "backup Pending -> Ready"),
        ("restore", "restore job Pending -> Completed"),
        ("collection-ready", "collection Initializing -> Ready"),
    ):
        parser.add_argument(
            f"--{flag}-seconds", type=float, default=0.0, help=f"seconds for {what} (0)"
        )
        parser.add_argument(
            f"--{flag}-reads", type=int, default=0, help=f"reads that still see {what} pending (0)"
        )
    for kind in ("indexes", "backups", "collections"):
        parser.add_argument(
            f"--max-{kind}", type=int, default=None, help=f"quota of {kind} (unlimited)"
        )
    parser.add_argument(
        "--legacy",
        action="store_true",
        help="start from the pre-issue-12 behaviour (no listing lag, jobs kept, oldest first, ...)",
    )
    parser.add_argument(
        "--behaviour",
        metavar="JSON",
        default="{}",
        help='behaviour changes as for PATCH /_emulator/behaviour, e.g. \'{"progress": "stall"}\'',
    )
    return parser


def _behaviour(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Behaviour:
    base = Behaviour.legacy() if args.legacy else Behaviour()
    try:
        changes = json.loads(args.behaviour)
    except ValueError as exc:
        parser.error(f"--behaviour is not JSON: {exc}")
    if not isinstance(changes, dict):
        parser.error("--behaviour must be a JSON object")
    try:
        return Behaviour.from_json(changes, base=base)
    except (TypeError, ValueError) as exc:
        parser.error(f"--behaviour: {exc}")


def _timings(args: argparse.Namespace) -> Timings:
    return Timings(
        index_ready=Timing(args.index_ready_seconds, args.index_ready_reads),
        index_terminate=Timing(args.terminate_seconds, args.terminate_reads),
        backup_ready=Timing(args.backup_seconds, args.backup_reads),
        restore=Timing(args.restore_seconds, args.restore_reads),
        collection_ready=Timing(args.collection_ready_seconds, args.collection_ready_reads),
    )


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the emulator until interrupted.

    Args:
        argv: Command-line arguments (default: `sys.argv[1:]`).
        environ: Environment (for `PINECONE_API_KEY`; default: `os.environ` at call time).

    Returns:
        The process exit status.
    """
    parser = build_parser(environ)
    args = parser.parse_args(argv)
    behaviour = _behaviour(args, parser)
    store = SqliteStore(args.state) if args.state else None
    clock: Clock = ManualClock() if args.manual_clock else SystemClock()
    emulator = Emulator(
        api_key=args.api_key,
        timings=_timings(args),
        behaviour=behaviour,
        clock=clock,
        quotas=Quotas(
            indexes=args.max_indexes, backups=args.max_backups, collections=args.max_collections
        ),
        store=store,
    )
    server = EmulatorServer(emulator, host=args.host, port=args.port)
    server.bind()
    out = sys.stdout
    out.write(f"Pinecone emulator (API 2025-04) listening on {server.url}\n")
    out.write(f"  PINECONE_CONTROLLER_HOST={server.url}  (admin API: {server.url}/_emulator/)\n")
    if args.seed == "demo":
        backup_id = emulator.seed_demo()
        out.write(f"  demo backup id: {backup_id}  (source index: demo-source)\n")
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        out.write("stopping\n")
    finally:
        server.stop()
        if store is not None:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
