"""``indexes delete --final-backup``: the lifecycle's final backup, from a shell."""

from __future__ import annotations

import json

from support import run_cli as run

from pulumi_pinecone_restore.cli import EXIT_FAILED
from pulumi_pinecone_restore.emulator import Emulator, FaultRule


def test_delete_with_final_backup_reports_a_fresh_backup_each_time(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Two deletes with one backup name each report their own Ready backup of the index."""
    reported = []
    for _ in range(2):
        emulator.seed_index(name="scratch")
        status, out, err = run(
            env, "--json", "indexes", "delete", "scratch", "--yes", "--final-backup", "keep"
        )
        assert status == 0, err
        backup_id = json.loads(out)["final_backup_id"]
        backup = emulator.describe_backup(backup_id)
        assert (backup["status"], backup["source_index_name"]) == ("Ready", "scratch")
        assert backup["name"].startswith("keep-")
        reported.append(backup_id)
    assert len(set(reported)) == len(reported)


def test_failed_final_backup_keeps_the_index(env: dict[str, str], emulator: Emulator) -> None:
    """When the backup cannot be taken the index is not deleted, and the exit status is 1."""
    emulator.seed_index(name="scratch")
    emulator.add_fault(FaultRule(method="POST", path="/indexes/*/backups", status=403))
    status, out, err = run(env, "indexes", "delete", "scratch", "--yes", "--final-backup")
    assert status == EXIT_FAILED
    assert "final backup" in err
    assert "deleted" not in out
    assert emulator.describe_index("scratch")["status"]["state"] == "Ready"
