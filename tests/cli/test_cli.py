"""The pinecone-restore console script against the emulator: restore, follow, fail clearly."""

from __future__ import annotations

import json

import attrs
import pytest
from support import run_cli as run

from pulumi_pinecone_restore.cli import EXIT_FAILED, EXIT_USAGE
from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, PENDING_KEY
from pulumi_pinecone_restore.restore_jobs import TYPED_JOB_RETRY_DELAYS

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults
# For the tests that read or start no restore job: the job faults cannot touch them.
NO_JOB = pytest.mark.no_job_faults(reason="no restore job is read or listed")


@NO_JOB
def test_backups_list_shows_a_table(env: dict[str, str], backup_id: str) -> None:
    """Backups are listed with their id, source and status."""
    status, out, _ = run(env, "backups", "list", "--index", "prod-search")
    assert status == 0
    assert "BACKUP_ID" in out
    assert backup_id in out
    assert "Ready" in out


@NO_JOB
def test_backups_list_of_a_deleted_index_shows_its_backups(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """A deleted index's backups live on, and are what a user restores from: they are listed."""
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    emulator.delete_index("prod-search")
    status, out, err = run(env, "backups", "list", "--index", "prod-search")
    assert status == 0, err
    assert backup_id in out
    status, _, err = run(env, "backups", "list", "--index", "never-was")
    assert status == EXIT_FAILED
    assert "index 'never-was' does not exist in this project" in err


def test_restore_waits_and_prints_the_job_and_index_in_api_words(
    env: dict[str, str], backup_id: str
) -> None:
    """Restore follows the job until the index is Ready; JSON holds the API's own objects."""
    status, out, err = run(
        env, "--json", "restore", backup_id, "--name", "from-cli", "--tag", "env=ci"
    )
    assert status == 0, err
    result = json.loads(out)
    assert result["index"]["status"]["state"] == "Ready"
    assert result["index"]["tags"]["env"] == "ci"
    assert result["restore_job"]["status"] == "Completed"
    assert result["restore_job"]["target_index_name"] == "from-cli"


# Legacy listing (no lag): `jobs list` right after the job ends is the job's first listing (issue
# 12).
@pytest.mark.emulator_behaviour(restore_listing_lag=Timing())
def test_restore_no_wait_then_wait(env: dict[str, str], backup_id: str) -> None:
    """--no-wait returns the job id at once; wait follows it to completion."""
    status, out, _ = run(env, "--json", "restore", backup_id, "--name", "later", "--no-wait")
    assert status == 0
    job_id = json.loads(out)["restore_job_id"]
    status, out, err = run(env, "wait", job_id, "-o", "json")
    assert status == 0, err
    assert json.loads(out)["restore_job"]["status"] == "Completed"
    assert json.loads(out)["index"]["status"]["ready"] is True
    # The end a waiting restore has: the pending tag is off, the CLI's mark stays.
    tags = json.loads(out)["index"]["tags"]
    assert PENDING_KEY not in tags
    assert MARK_KEY in tags
    status, out, _ = run(env, "jobs", "list")
    assert job_id in out


def test_failed_restore_exits_nonzero(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """A failed restore job gives exit status 1 and a message naming the job."""
    emulator.fail_restores_from(backup_id)
    status, _, err = run(env, "restore", backup_id, "--name", "doomed")
    assert status == EXIT_FAILED
    assert "restore job" in err


@NO_JOB
def test_an_invalid_name_is_a_usage_error(env: dict[str, str], backup_id: str) -> None:
    """An invalid --name exits 2 with a message naming the flag."""
    status, _, err = run(env, "restore", backup_id, "--name", "Bad_Name")
    assert status == EXIT_USAGE
    assert "--name" in err


@NO_JOB
def test_a_missing_api_key_is_a_usage_error(env: dict[str, str]) -> None:
    """No API key exits 2 naming PINECONE_API_KEY."""
    status, _, err = run(
        {"PINECONE_CONTROLLER_HOST": env["PINECONE_CONTROLLER_HOST"]}, "indexes", "list"
    )
    assert status == EXIT_USAGE
    assert "PINECONE_API_KEY" in err


@NO_JOB
def test_wrong_key_is_reported_without_echoing_it(env: dict[str, str]) -> None:
    """A rejected key exits 1 and the key is not printed."""
    status, out, err = run({**env, "PINECONE_API_KEY": "pcsk_wrong_999"}, "indexes", "list")
    assert status == EXIT_FAILED
    assert "401" in err
    assert "PINECONE_API_KEY" in err  # the hint says what to check
    assert "pcsk_wrong_999" not in out + err


def test_restore_no_wait_twice_adopts_the_first_restore(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """A second `restore --no-wait` finds the first one's job: no raw 409, one restore only."""
    first = run(env, "--json", "restore", backup_id, "--name", "twice", "--no-wait")
    second = run(env, "--json", "restore", backup_id, "--name", "twice", "--no-wait")
    assert (first[0], second[0]) == (0, 0), second[2]
    started, again = json.loads(first[1]), json.loads(second[1])
    assert (started["adopted"], again["adopted"]) == (False, True)
    assert again["restore_job_id"] == started["restore_job_id"]
    assert "resumed restore job" in second[2]
    jobs = emulator.list_restore_jobs()["data"]
    assert [j["target_index_name"] for j in jobs] == ["twice"]


def test_jobs_describe_asks_again_after_a_transient_404(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """Two 404s for a typed job id, then the job: `jobs describe` shows it."""
    job_id = str(emulator.create_index_from_backup(backup_id, {"name": "typed"})["restore_job_id"])
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", status=404, times=2))
    status, out, err = run(env, "jobs", "describe", job_id, "--json")
    assert status == 0, err
    assert json.loads(out)["restore_job_id"] == job_id


def test_jobs_describe_gives_up_saying_the_404_may_be_transient(
    env: dict[str, str], emulator: Emulator
) -> None:
    """A job id that keeps answering 404 exits 1 after a few asks, saying it may be transient."""
    status, _, err = run(env, "jobs", "describe", "no-such-job")
    assert status == EXIT_FAILED
    assert "may be transient" in err
    asks = emulator.request_counts()["GET /restore-jobs/{job_id}"]
    assert asks == len(TYPED_JOB_RETRY_DELAYS) + 1


def test_a_restore_out_of_time_is_told_in_cli_words(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """A timeout names --timeout and `pinecone-restore wait JOB`, never a Pulumi word."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=1_000_000)))
    status, _, err = run(env, "restore", backup_id, "--name", "slow", "--timeout", "2s")
    assert status == EXIT_FAILED
    (job,) = emulator.list_restore_jobs()["data"]
    assert f"pinecone-restore wait {job['restore_job_id']}" in err
    assert "--timeout" in err
    assert "pulumi" not in err.lower()
    assert "create_timeout" not in err


@NO_JOB
def test_a_taken_name_is_told_in_cli_words(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """An index of that name made elsewhere is left alone; the advice names --name."""
    emulator.seed_index(name="taken", tags={"owner": "someone"})
    status, _, err = run(env, "restore", backup_id, "--name", "taken")
    assert status == EXIT_FAILED
    assert "--name" in err
    assert "adopt_existing" not in err
    assert "pulumi" not in err.lower()
    assert emulator.describe_index("taken")["tags"] == {"owner": "someone"}


@NO_JOB
def test_an_unknown_backup_keeps_pinecone_s_words_and_a_cli_hint(env: dict[str, str]) -> None:
    """A 404 for the backup shows Pinecone's message and a hint naming the CLI's listing."""
    status, _, err = run(env, "restore", "no-such-backup", "--name", "x")
    assert status == EXIT_FAILED
    assert "HTTP 404" in err
    assert "hint: backup 'no-such-backup' does not exist" in err
    assert "pinecone-restore backups list" in err
    assert "backup_id" not in err  # the Pulumi input's name is the resource door's word


@pytest.mark.emulator_behaviour(restore_listing_lag=Timing())
def test_wait_for_a_failed_job_prints_it_and_exits_1(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """`wait` on a job that fails prints the job as JSON and exits 1 naming its status."""
    emulator.fail_restores_from(backup_id)
    status, out, _ = run(env, "--json", "restore", backup_id, "--name", "bad", "--no-wait")
    assert status == 0
    job_id = json.loads(out)["restore_job_id"]
    status, out, err = run(env, "wait", job_id, "--json")
    assert status == EXIT_FAILED
    assert json.loads(out)["restore_job"]["status"] == "Failed"
    assert f"restore job {job_id} ended Failed" in err
