"""The main job (``python3 dev.py demo``): the demo stack against the local emulator.

1. Starts the emulator in this process with restores that take a few seconds (so progress is
   visible) and seeds a "prod" project: indexes ``products``, ``reviews``, ``users``, each with a
   Ready backup.
2. With a Pulumi engine (``dev.py`` builds one when Go is on PATH and passes its directory in
   ``PULUMI_PINECONE_RESTORE_PULUMI_CLI``; else a ``pulumi`` on PATH with the dynamic-provider
   launcher beside it): runs the demo stack's program (``demo/__main__.py``) under the real engine
   on a local file backend in ``.pulumi-demo/``: ``pulumi up``, the stack outputs, ``pulumi
   preview`` (no changes), ``pulumi refresh``, then ``pulumi destroy`` (``--keep`` skips the
   destroy and keeps the emulator running). The program runs as an Automation API inline
   program, which needs only the CLI: the Python language host that ``pulumi up`` in the
   repository root would need is not served by the Go module proxy.
3. Without one: says so, says how to get one, and performs the same restores through the
   package: the ``pinecone-restore`` command line and the provider code the stack would run.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from pulumi import automation as auto

from pulumi_pinecone_restore import cli
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing, Timings
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider
from pulumi_pinecone_restore.settings import ClientSettings

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent  # the checkout: this file is demo/run_demo.py
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
    "Install Go 1.26+ (https://go.dev/dl/) and `python3 dev.py demo` builds the engine, or "
    "install the Pulumi CLI with `curl -fsSL https://get.pulumi.com | sh` (or `brew install "
    "pulumi`); then run `python3 dev.py demo` again."
)
PULUMI_CLI_ENV = "PULUMI_PINECONE_RESTORE_PULUMI_CLI"
DEMO_STATE = ROOT / ".pulumi-demo"
PROJECT = "pinecone-restore-demo"


def _say(text: str) -> None:
    sys.stdout.write(f"\n== {text}\n")
    sys.stdout.flush()


def seed(emulator: Emulator) -> dict[str, str]:
    """Create the prod indexes and a Ready backup of each; returns source → backup id."""
    backups = {}
    for dimension, source in enumerate(SOURCES, start=1):
        emulator.seed_index(
            name=source,
            dimension=128 * dimension,
            metric="cosine",
            tags={"env": "prod"},
            deletion_protection="enabled",
        )
        backup = emulator.seed_backup(source_index_name=source, name=f"{source}-nightly")
        backups[source] = str(backup["backup_id"])
    return backups


def find_pulumi_cli(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The ``bin`` directory of a Pulumi engine with the dynamic-provider launcher, if any."""
    configured = environ.get(PULUMI_CLI_ENV)
    if configured and (Path(configured) / "pulumi").exists():
        return Path(configured)
    found = shutil.which("pulumi")
    if found and (Path(found).parent / "pulumi-resource-pulumi-python").exists():
        return Path(found).parent
    return None


def _echo(line: str) -> None:
    sys.stdout.write(f"  {line}\n")
    sys.stdout.flush()


def _changes(summary: Mapping[Any, int]) -> str:
    counts = {str(getattr(op, "value", op)): n for op, n in summary.items() if n}
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "nothing"


def with_pulumi_cli(pulumi_cli: Path, url: str, *, keep: bool, state: Path = DEMO_STATE) -> None:
    """Run the demo stack's program under the real Pulumi engine on a local file backend."""
    program = runpy.run_path(str(ROOT / "demo" / "__main__.py"), run_name="demo_stack")["main"]
    # The emulator starts empty each run, so state left by an earlier run describes nothing.
    shutil.rmtree(state, ignore_errors=True)
    backend = state / "backend"
    backend.mkdir(parents=True)
    (state / "project").mkdir()
    env = {
        "PULUMI_BACKEND_URL": f"file://{backend}",
        "PULUMI_CONFIG_PASSPHRASE": "demo",  # local demo state only
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        # Everything the engine needs is beside it; never reach out for a plugin.
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
        "PATH": f"{pulumi_cli}{os.pathsep}{os.environ.get('PATH', '')}",
        # The engine's dynamic-provider launcher runs `-m pulumi.dynamic` with this interpreter.
        "PULUMI_PYTHON_CMD": sys.executable,
        # Pulumi's own launcher (beside an installed CLI) reads the virtualenv instead.
        **({"PULUMI_RUNTIME_VIRTUALENV": sys.prefix} if sys.prefix != sys.base_prefix else {}),
    }
    stack = auto.create_or_select_stack(
        "demo",
        project_name=PROJECT,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(state / "project"),
            env_vars=env,
            pulumi_home=str(state / "home"),
            pulumi_command=auto.PulumiCommand(root=str(pulumi_cli.parent)),
        ),
    )
    stack.set_config("pinecone:controllerHost", auto.ConfigValue(url))
    stack.set_config("pinecone:apiKey", auto.ConfigValue(DEMO_KEY, secret=True))

    _say("pulumi up")
    up = stack.up(on_output=_echo)
    _say("pulumi stack output")
    for key, output in sorted(up.outputs.items()):
        sys.stdout.write(f"  {key:20} {output.value}\n")
    _say("pulumi preview (nothing should change)")
    preview = stack.preview(on_output=_echo)
    sys.stdout.write(f"  plan: {_changes(preview.change_summary)}\n")
    _say("pulumi refresh")
    refresh = stack.refresh(on_output=_echo)
    sys.stdout.write(f"  refresh: {_changes(refresh.summary.resource_changes or {})}\n")
    if not keep:
        _say("pulumi destroy")
        destroy = stack.destroy(on_output=_echo)
        sys.stdout.write(f"  destroy: {_changes(destroy.summary.resource_changes or {})}\n")


def without_pulumi(url: str, backups: dict[str, str], restore_seconds: float) -> None:
    """Show the same restores through the package when no Pulumi CLI is installed."""
    env = {"PINECONE_API_KEY": DEMO_KEY, "PINECONE_CONTROLLER_HOST": url}
    _say("Backups in the 'prod' project (pinecone-restore backups list)")
    cli.main(["backups", "list"], environ=env)

    _say("Restore one index for a preview environment (pinecone-restore restore ...)")
    status = cli.main(
        ["restore", backups["products"], "--name", "search-preview", "--tag", "env=preview"],
        environ=env,
    )
    if status != 0:
        raise SystemExit(status)

    _say("Clone all prod indexes into staging at once (the CloneEnvironment provider)")
    provider = RestoredIndexSetProvider()
    provider.runtime = attrs.evolve(provider.runtime, environ=env)
    members = {
        s: {
            "backup_id": b,
            "name": f"stg-{s}",
            "tags": {"env": "staging", "clone-source": s, "clone-backup": b},
        }
        for s, b in backups.items()
    }
    checked = provider.check({}, {"members": members})
    started = time.monotonic()
    result = provider.create(dict(checked.inputs))
    elapsed = time.monotonic() - started
    hosts = (result.outs or {}).get("hosts", {})
    for name, host in sorted(hosts.items()):
        sys.stdout.write(f"  {name:20} {host}\n")
    sys.stdout.write(
        f"  {len(hosts)} indexes restored in {elapsed:.1f}s "
        f"(one restore takes {restore_seconds:.1f}s here)\n"
    )

    _say("Restore jobs (pinecone-restore jobs list)")
    cli.main(["jobs", "list"], environ=env)

    _say("Clean up (the stack's destroy)")
    provider.delete(result.id, dict(result.outs or {}))
    ControlPlaneClient(ClientSettings.resolve(environ=env)).delete_index("search-preview")
    sys.stdout.write("  deleted the staging clones and the preview index\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="dev.py demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the stack and the emulator running at the end (Ctrl-C stops)",
    )
    parser.add_argument("--port", type=int, default=0, help="emulator port (default: any free)")
    parser.add_argument(
        "--no-pulumi", action="store_true", help="skip the Pulumi CLI even if it is installed"
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=DEMO_STATE,
        help="directory of the local file backend (default %(default)s)",
    )
    parser.add_argument(
        "--restore-seconds",
        type=float,
        default=DEMO_TIMINGS.restore.seconds,
        help="how long each emulated restore takes (default %(default)s)",
    )
    args = parser.parse_args(argv)

    timings = attrs.evolve(DEMO_TIMINGS, restore=Timing(seconds=args.restore_seconds))
    emulator = Emulator(api_key=DEMO_KEY, timings=timings)
    with EmulatorServer(emulator, host="127.0.0.1", port=args.port) as server:
        _say(f"Local Pinecone emulator at {server.url} (API key {DEMO_KEY!r}, demo only)")
        backups = seed(emulator)
        for source, backup_id in backups.items():
            sys.stdout.write(f"  prod index {source:10} backup {backup_id}\n")
        pulumi_cli = None if args.no_pulumi else find_pulumi_cli()
        if pulumi_cli is not None:
            _say(f"Running the demo stack under the Pulumi engine {pulumi_cli / 'pulumi'}")
            with_pulumi_cli(pulumi_cli, server.url, keep=args.keep, state=args.state)
        else:
            _say(
                "No Pulumi engine (no `pulumi` CLI on PATH, none built), so the stack itself "
                "cannot run here."
            )
            sys.stdout.write(
                f"  {INSTALL_HINT}\n  Showing the same restores through this package instead.\n"
            )
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
