"""State persistence in SQLite, directly and through the `pinecone-restore-emulator` CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from pulumi_pinecone_restore.emulator import (
    Emulator,
    ManualClock,
    Progress,
    SqliteStore,
    Timing,
    Timings,
    cli,
)

TIMEOUT = 5


def test_store_round_trip(tmp_path: Path, clock: ManualClock) -> None:
    """A second emulator on the same file sees the first one's objects and phases."""
    path = tmp_path / "state.db"
    first = Emulator(
        clock=clock,
        store=SqliteStore(path),
        project_id="1234567",
        timings=Timings(restore=Timing(seconds=50)),
    )
    first.seed_index(name="src", tags={"a": "b"})
    backup_id = first.seed_backup(source_index_name="src")["backup_id"]
    job_id = first.create_index_from_backup(backup_id, {"name": "copy"})["restore_job_id"]
    again = Emulator(
        clock=clock, store=SqliteStore(path), timings=Timings(restore=Timing(seconds=50))
    )
    assert again.project_id == "1234567"
    assert again.describe_index("src")["tags"] == {"a": "b"}
    assert again.describe_restore_job(job_id)["status"] == "Pending"
    clock.advance(50)
    assert again.describe_index("copy")["status"]["state"] == "Ready"
    assert again.create_backup("src", {})["backup_id"] != backup_id


def test_empty_store_starts_empty(tmp_path: Path) -> None:
    """A fresh state file yields an empty emulator."""
    emu = Emulator(store=SqliteStore(tmp_path / "new.db"))
    assert emu.list_indexes() == {"indexes": []}


class CliProcess:
    """A running `python -m pulumi_pinecone_restore.emulator.cli` with its announced URL."""

    def __init__(self, *args: str) -> None:
        """Start the CLI on a free port and read the URL it prints."""
        env = {**os.environ, "PINECONE_API_KEY": "cli-key"}
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, our own module
            [sys.executable, "-m", "pulumi_pinecone_restore.emulator.cli", "--port", "0", *args],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.lines = [self.process.stdout.readline() for _ in range(2)]
        if "--seed" in args:
            self.lines.append(self.process.stdout.readline())
        self.url = self.lines[0].rsplit(" ", 1)[-1].strip()

    def stop(self) -> None:
        """Interrupt it like Ctrl-C and wait for a clean exit."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(timeout=10) == 0
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture(name="state_file")
def fixture_state_file(tmp_path: Path) -> Path:
    """A path for a CLI state database."""
    return tmp_path / "emulator.db"


def test_cli_state_survives_restart(state_file: Path) -> None:
    """Objects created through the CLI's server are there after a restart on the same file."""
    headers = {"Api-Key": "cli-key"}
    first = CliProcess("--state", str(state_file), "--seed", "demo")
    try:
        backup_id = first.lines[2].split(":", 1)[1].split()[0]
        created = requests.post(
            f"{first.url}/backups/{backup_id}/create-index",
            json={"name": "restored"},
            headers=headers,
            timeout=TIMEOUT,
        )
        assert created.status_code == 202
    finally:
        first.stop()
    second = CliProcess("--state", str(state_file))
    try:
        names = requests.get(f"{second.url}/indexes", headers=headers, timeout=TIMEOUT).json()
        assert [i["name"] for i in names["indexes"]] == ["demo-source", "restored"]
        backup = requests.get(f"{second.url}/backups/{backup_id}", headers=headers, timeout=TIMEOUT)
        assert backup.json()["status"] == "Ready"
    finally:
        second.stop()


def test_cli_uses_env_api_key() -> None:
    """Without --api-key the CLI accepts PINECONE_API_KEY's value and rejects others."""
    cli = CliProcess()
    try:
        ok = requests.get(f"{cli.url}/indexes", headers={"Api-Key": "cli-key"}, timeout=TIMEOUT)
        bad = requests.get(f"{cli.url}/indexes", headers={"Api-Key": "pclocal"}, timeout=TIMEOUT)
        assert (ok.status_code, bad.status_code) == (200, 401)
    finally:
        cli.stop()


def test_cli_behaviour_flags_build_the_behaviour() -> None:
    """--legacy starts from the legacy behaviour and --behaviour changes single knobs."""
    parser = cli.build_parser({})
    args = parser.parse_args(["--legacy", "--behaviour", '{"progress": "stall"}'])
    behaviour = cli._behaviour(args, parser)
    assert behaviour.restore_listing_lag == Timing()
    assert behaviour.progress == Progress.stall()


def test_cli_rejects_a_bad_behaviour() -> None:
    """An unknown knob in --behaviour is a usage error (exit status 2)."""
    with pytest.raises(SystemExit) as info:
        cli.main(["--behaviour", '{"no_such_knob": 1}'], environ={})
    assert info.value.code == 2
