"""The main job (``python3 dev.py demo``): the demo stack against the local emulator.

1. Starts the emulator in this process with restores that take a few seconds (so progress is
   visible) and seeds a "prod" project: indexes ``products``, ``reviews``, ``users``, each with a
   Ready backup.
2. With a ``pulumi`` CLI on PATH: runs the root ``Pulumi.yaml`` stack (``demo/``) on a local file
   backend in ``.pulumi-demo/``: ``pulumi up``, the stack outputs, ``pulumi refresh``, then
   ``pulumi destroy`` (``--keep`` skips the destroy and keeps the emulator running).
3. Without one: says so, says how to install it, and performs the same restores through the
   package: the ``pinecone-restore`` command line and the provider code the stack would run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import attrs

from pulumi_pinecone_restore import cli
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing, Timings
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider
from pulumi_pinecone_restore.settings import ClientSettings

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
DEMO_KEY = "pclocal-demo-key"
SOURCES = ("products", "reviews", "users")
DEMO_TIMINGS = Timings(
    index_ready=Timing(seconds=1.0),
    index_terminate=Timing(seconds=0.5),
    backup_ready=Timing(seconds=1.0),
    restore=Timing(seconds=4.0),
    collection_ready=Timing(seconds=1.0),
)
INSTALL_HINT = (
    "Install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi`), "
    "then run `python3 dev.py demo` again."
)


def _say(text: str) -> None:
    sys.stdout.write(f"\n== {text}\n")
    sys.stdout.flush()


def seed(emulator: Emulator) -> dict[str, str]:
    """Create the prod indexes and a Ready backup of each; returns source → backup id."""
    backups = {}
    for dimension, source in enumerate(SOURCES, start=1):
        emulator.seed_index(name=source, dimension=128 * dimension, metric="cosine",
                            tags={"env": "prod"}, deletion_protection="enabled")
        backup = emulator.seed_backup(source_index_name=source, name=f"{source}-nightly")
        backups[source] = str(backup["backup_id"])
    return backups


def _run(cmd: Sequence[str], env: dict[str, str]) -> None:
    sys.stdout.write(f"$ {' '.join(cmd)}\n")
    sys.stdout.flush()
    subprocess.run(list(cmd), cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed commands


def with_pulumi(pulumi: str, url: str, *, keep: bool) -> None:
    """Run the demo stack with the real Pulumi CLI on a local file backend."""
    state = ROOT / ".pulumi-demo"
    state.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "demo",  # local demo state only
        "PINECONE_API_KEY": DEMO_KEY,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    _run([pulumi, "stack", "select", "--create", "demo"], env)
    _run([pulumi, "config", "set", "pinecone:controllerHost", url], env)
    _run([pulumi, "config", "set", "--secret", "pinecone:apiKey", DEMO_KEY], env)
    _run([pulumi, "up", "--yes", "--skip-preview"], env)
    _run([pulumi, "stack", "output"], env)
    _run([pulumi, "refresh", "--yes"], env)
    if not keep:
        _run([pulumi, "destroy", "--yes"], env)


def without_pulumi(url: str, backups: dict[str, str], restore_seconds: float) -> None:
    """Show the same restores through the package when no Pulumi CLI is installed."""
    env = {"PINECONE_API_KEY": DEMO_KEY, "PINECONE_CONTROLLER_HOST": url}
    _say("Backups in the 'prod' project (pinecone-restore backups list)")
    cli.main(["backups", "list"], environ=env)

    _say("Restore one index for a preview environment (pinecone-restore restore ...)")
    status = cli.main(["restore", backups["products"], "--name", "search-preview",
                       "--tag", "env=preview"], environ=env)
    if status != 0:
        raise SystemExit(status)

    _say("Clone all prod indexes into staging at once (the CloneEnvironment provider)")
    provider = RestoredIndexSetProvider()
    provider.runtime = attrs.evolve(provider.runtime, environ=env)
    members = {s: {"backup_id": b, "name": f"stg-{s}",
                   "tags": {"env": "staging", "clone-source": s, "clone-backup": b}}
               for s, b in backups.items()}
    checked = provider.check({}, {"members": members})
    started = time.monotonic()
    result = provider.create(dict(checked.inputs))
    elapsed = time.monotonic() - started
    hosts = (result.outs or {}).get("hosts", {})
    for name, host in sorted(hosts.items()):
        sys.stdout.write(f"  {name:20} {host}\n")
    sys.stdout.write(f"  {len(hosts)} indexes restored in {elapsed:.1f}s "
                     f"(one restore takes {restore_seconds:.1f}s here)\n")

    _say("Restore jobs (pinecone-restore jobs list)")
    cli.main(["jobs", "list"], environ=env)

    _say("Clean up (the stack's destroy)")
    provider.delete(result.id, dict(result.outs or {}))
    ControlPlaneClient(ClientSettings.resolve(environ=env)).delete_index("search-preview")
    sys.stdout.write("  deleted the staging clones and the preview index\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the exit status."""
    parser = argparse.ArgumentParser(prog="dev.py demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true",
                        help="keep the stack and the emulator running at the end (Ctrl-C stops)")
    parser.add_argument("--port", type=int, default=0, help="emulator port (default: any free)")
    parser.add_argument("--no-pulumi", action="store_true",
                        help="skip the Pulumi CLI even if it is installed")
    parser.add_argument("--restore-seconds", type=float, default=DEMO_TIMINGS.restore.seconds,
                        help="how long each emulated restore takes (default %(default)s)")
    args = parser.parse_args(argv)

    timings = attrs.evolve(DEMO_TIMINGS, restore=Timing(seconds=args.restore_seconds))
    emulator = Emulator(api_key=DEMO_KEY, timings=timings)
    with EmulatorServer(emulator, host="127.0.0.1", port=args.port) as server:
        _say(f"Local Pinecone emulator at {server.url} (API key {DEMO_KEY!r}, demo only)")
        backups = seed(emulator)
        for source, backup_id in backups.items():
            sys.stdout.write(f"  prod index {source:10} backup {backup_id}\n")
        pulumi = None if args.no_pulumi else shutil.which("pulumi")
        if pulumi:
            _say(f"Running the demo stack with {pulumi}")
            with_pulumi(pulumi, server.url, keep=args.keep)
        else:
            _say("No `pulumi` CLI on PATH, so the stack itself cannot run here.")
            sys.stdout.write(f"  {INSTALL_HINT}\n"
                             "  Showing the same restores through this package instead.\n")
            without_pulumi(server.url, backups, args.restore_seconds)
        if args.keep:
            _say("Emulator still running; Ctrl-C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    _say("Done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
