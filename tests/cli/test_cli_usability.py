"""The command line speaks CLI: flags anywhere, --version, deletes, clear failures, Ctrl-C."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import sys
from typing import cast

import attrs
import pytest
from support import API_KEY
from support import run_cli as run

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, _job_of, main
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, Timing
from pulumi_pinecone_restore.models import RestoreJobModel
from pulumi_pinecone_restore.settings import ClientSettings

PTY_TIMEOUT = 60.0  # seconds a pty test waits for output before it gives up


def test_json_and_host_work_after_the_subcommand(env: dict[str, str], backup_id: str) -> None:
    """`backups list --json --host URL` equals `--json --host URL backups list`."""
    no_host = {"PINECONE_API_KEY": API_KEY}
    url = env["PINECONE_CONTROLLER_HOST"]
    before = run(no_host, "--json", "--host", url, "backups", "list")
    after = run(no_host, "backups", "list", "--json", "--host", url)
    assert before[0] == after[0] == 0
    assert json.loads(before[1]) == json.loads(after[1])
    assert json.loads(after[1])[0]["backup_id"] == backup_id


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and the API version, and exits 0."""
    with pytest.raises(SystemExit) as info:
        main(["--version"], environ={})
    assert info.value.code == 0
    assert f"pinecone-restore {__version__}" in capsys.readouterr().out


def test_jobs_list_refuses_a_limit_below_one(env: dict[str, str]) -> None:
    """--limit 0 is a usage error instead of an empty table."""
    with pytest.raises(SystemExit) as info:
        run(env, "jobs", "list", "--limit", "0")
    assert info.value.code == EXIT_USAGE


def test_indexes_delete_waits_until_gone(env: dict[str, str], emulator: Emulator) -> None:
    """`indexes delete NAME` deletes the index and returns once it is gone."""
    emulator.seed_index(name="scratch")
    status, out, err = run(env, "indexes", "delete", "scratch")
    assert status == 0, err
    assert "deleted" in out
    status, out, _ = run(env, "--json", "indexes", "list")
    assert "scratch" not in {row["name"] for row in json.loads(out)}


def test_indexes_delete_of_a_protected_or_missing_index(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Protection and absence are reported in plain words with exit status 1."""
    emulator.seed_index(name="guarded", deletion_protection="enabled")
    status, _, err = run(env, "indexes", "delete", "guarded")
    assert status == EXIT_FAILED
    assert "deletion protection" in err.lower()
    status, _, err = run(env, "indexes", "delete", "never-was")
    assert status == EXIT_FAILED
    assert "does not exist" in err


def test_messages_name_the_cli_flags_and_variables(env: dict[str, str], backup_id: str) -> None:
    """Errors name --name, PINECONE_API_KEY and --host, never Pulumi config keys."""
    status, _, err = run(env, "restore", backup_id, "--name", "Bad_Name")
    assert status == EXIT_USAGE
    assert err.startswith("pinecone-restore: --name:")
    status, _, err = run({}, "indexes", "list")
    assert status == EXIT_USAGE
    assert "PINECONE_API_KEY" in err
    assert "pulumi config" not in err
    status, _, err = run(
        {"PINECONE_API_KEY": API_KEY}, "indexes", "list", "--host", "http://10.1.2.3"
    )
    assert status == EXIT_USAGE
    assert "--host" in err
    assert "pinecone:controllerHost" not in err


def test_an_unreachable_host_fails_with_a_clear_message(env: dict[str, str]) -> None:
    """A port nobody listens on gives exit 1 naming the host and what to check."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    status, _, err = run({"PINECONE_API_KEY": API_KEY}, "indexes", "list", "--host", dead)
    assert status == EXIT_FAILED
    assert f"cannot reach {dead}" in err
    assert "--host" in err


def _read_until(fd: int, needle: bytes, seen: bytearray) -> None:
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], PTY_TIMEOUT)
        if not ready:
            pytest.fail(f"no {needle!r} on the terminal; it showed: {bytes(seen)!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            pytest.fail(f"terminal closed before {needle!r}; it showed: {bytes(seen)!r}")
        seen.extend(chunk)


def _drain(fd: int, seen: bytearray) -> None:
    while True:
        ready, _, _ = select.select([fd], [], [], PTY_TIMEOUT)
        if not ready:
            return
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        seen.extend(chunk)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_terminal_says_the_restore_goes_on(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """Ctrl-C on a real terminal exits 130 with how to follow the job, and no traceback."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=1_000_000)))
    argv = [
        sys.executable,
        "-m",
        "pulumi_pinecone_restore.cli",
        "restore",
        backup_id,
        "--name",
        "interrupted",
    ]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, with the pseudo-terminal as its controlling terminal
        os.execve(sys.executable, argv, {**os.environ, **env})  # noqa: S606  # our own CLI
    seen = bytearray()
    try:
        _read_until(fd, b"restore job", seen)
        os.write(fd, b"\x03")  # the terminal turns Ctrl-C into SIGINT for the child
        _drain(fd, seen)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = seen.decode(errors="replace")
    assert os.WIFEXITED(status), text
    assert os.WEXITSTATUS(status) == EXIT_INTERRUPTED, text
    assert "Traceback" not in text
    client = ControlPlaneClient(
        ClientSettings(api_key=API_KEY, controller_host=env["PINECONE_CONTROLLER_HOST"])
    )
    (job,) = [j for j in client.iter_restore_jobs() if j.target_index_name == "interrupted"]
    assert f"pinecone-restore wait {job.restore_job_id}" in text


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
    assert _job_of(cast("ControlPlaneClient", listing), "b", "x") == "newer"
