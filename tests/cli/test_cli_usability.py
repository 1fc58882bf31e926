"""The command line speaks CLI: flags anywhere, --version, clear failures, Ctrl-C."""

from __future__ import annotations

import json
import socket
import sys
from typing import cast

import attrs
import pytest
from support import API_KEY, run_in_terminal
from support import run_cli as run

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
from pulumi_pinecone_restore.cli.commands import job_of
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, Timing
from pulumi_pinecone_restore.models import RestoreJobModel
from pulumi_pinecone_restore.settings import ClientSettings


def test_json_and_host_work_after_the_subcommand(env: dict[str, str], backup_id: str) -> None:
    """`backups list --json --host URL` equals `--json --host URL backups list`."""
    no_host = {"PINECONE_API_KEY": API_KEY}
    url = env["PINECONE_CONTROLLER_HOST"]
    before = run(no_host, "--json", "--host", url, "backups", "list")
    after = run(no_host, "backups", "list", "--json", "--host", url)
    assert before[0] == after[0] == 0
    assert json.loads(before[1]) == json.loads(after[1])
    assert json.loads(after[1])[0]["backup_id"] == backup_id


def test_version() -> None:
    """--version prints the package version and the API version, and exits 0."""
    status, out, _ = run({}, "--version")
    assert status == 0
    assert f"pinecone-restore {__version__}" in out


def test_help_documents_the_exit_statuses() -> None:
    """--help lists every exit status the command uses."""
    status, out, _ = run({}, "--help")
    assert status == 0
    for line in ("0    success", "1    ", "2    usage", "130  interrupted", "141  "):
        assert line in out


def test_jobs_list_refuses_a_limit_below_one(env: dict[str, str]) -> None:
    """--limit 0 is a usage error instead of an empty table."""
    status, _, err = run(env, "jobs", "list", "--limit", "0")
    assert status == EXIT_USAGE
    assert "--limit" in err


def test_indexes_delete_waits_until_gone(env: dict[str, str], emulator: Emulator) -> None:
    """`indexes delete NAME --yes` deletes the index and returns once it is gone."""
    emulator.seed_index(name="scratch")
    status, out, err = run(env, "indexes", "delete", "scratch", "--yes")
    assert status == 0, err
    assert "deleted" in out
    status, out, _ = run(env, "--json", "indexes", "list")
    assert "scratch" not in {row["name"] for row in json.loads(out)}


def test_deleting_a_missing_index_says_it_does_not_exist(env: dict[str, str]) -> None:
    """Absence is reported with Pinecone's words and a hint, exit status 1."""
    status, _, err = run(env, "indexes", "delete", "never-was", "--yes")
    assert status == EXIT_FAILED
    assert "404" in err
    assert "does not exist" in err


def test_messages_name_the_cli_flags_and_variables(env: dict[str, str]) -> None:
    """Errors name PINECONE_API_KEY and --host, never Pulumi config keys."""
    status, _, err = run({}, "indexes", "list")
    assert status == EXIT_USAGE
    assert "PINECONE_API_KEY" in err
    assert "pulumi" not in err.lower()
    status, _, err = run(
        {"PINECONE_API_KEY": API_KEY}, "indexes", "list", "--host", "http://10.1.2.3"
    )
    assert status == EXIT_USAGE
    assert "--host" in err
    assert "pinecone:controllerHost" not in err


def test_an_unreachable_host_fails_with_a_clear_message() -> None:
    """A port nobody listens on gives exit 1 naming the host and what to check."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    status, _, err = run({"PINECONE_API_KEY": API_KEY}, "indexes", "list", "--host", dead)
    assert status == EXIT_FAILED
    assert f"cannot reach {dead}" in err
    assert "--host" in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_terminal_says_the_restore_goes_on(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """Ctrl-C on a real terminal exits 130 with how to follow the job, and no traceback."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=1_000_000)))
    # The terminal turns Ctrl-C into SIGINT for the child.
    status, screen = run_in_terminal(
        env, ["restore", backup_id, "--name", "interrupted"], [(b"restore job", b"\x03")]
    )
    assert status == EXIT_INTERRUPTED, screen
    assert "Traceback" not in screen
    client = ControlPlaneClient(
        ClientSettings(api_key=API_KEY, controller_host=env["PINECONE_CONTROLLER_HOST"])
    )
    (job,) = [j for j in client.iter_restore_jobs() if j.target_index_name == "interrupted"]
    assert f"pinecone-restore wait {job.restore_job_id}" in screen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_during_a_final_backup_says_the_index_stays_and_names_the_backup(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """Ctrl-C while `indexes delete --final-backup` waits: nothing was deleted, the backup goes on.

    It used to say the deletion "continues at Pinecone" (it was never sent) without naming
    the backup that does.
    """
    del backup_id  # its index, prod-search, is the one deleted
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=1_000_000)))
    status, screen = run_in_terminal(
        env,
        ["indexes", "delete", "prod-search", "--yes", "--final-backup"],
        [(b"taking final backup", b"\x03")],
    )
    assert status == EXIT_INTERRUPTED, screen
    client = ControlPlaneClient(
        ClientSettings(api_key=API_KEY, controller_host=env["PINECONE_CONTROLLER_HOST"])
    )
    assert client.describe_index("prod-search").state == "Ready"
    (final,) = [b for b in client.iter_backups() if (b.name or "").startswith("prod-search-final-")]
    flat = " ".join(screen.split())
    assert "index 'prod-search' was not deleted; its final backup" in flat, screen
    assert final.backup_id in flat
    assert "continues at Pinecone" not in flat


@attrs.define
class _ListingClient:
    """Stands in for the client in the interrupt handler's job lookup: one fixed listing."""

    jobs: list[RestoreJobModel]

    def iter_restore_jobs(self) -> list[RestoreJobModel]:
        """The listing."""
        return self.jobs


def test_interrupt_names_the_newest_job_by_time_not_by_text() -> None:
    """The job named after Ctrl-C is the newest by time, whatever precision the times have."""

    def job(job_id: str, created_at: str) -> RestoreJobModel:
        return RestoreJobModel.from_json(
            {
                "restore_job_id": job_id,
                "backup_id": "b",
                "target_index_name": "x",
                "created_at": created_at,
            }
        )

    listing = _ListingClient(
        [job("newer", "2025-03-11T18:29:50.80001Z"), job("older", "2025-03-11T18:29:50.8Z")]
    )
    assert job_of(cast("ControlPlaneClient", listing), "b", "x") == "newer"
