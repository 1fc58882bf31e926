"""The `each_listing` helper runs a test under every restore-job listing setting."""

from __future__ import annotations

from support import LISTING_SETTINGS

from pulumi_pinecone_restore.emulator import Emulator


def test_each_listing_sets_its_behaviour(each_listing: str, emulator: Emulator) -> None:
    """Under each setting, the emulator's behaviour carries that setting's changes."""
    behaviour = emulator.behaviour
    for field, value in LISTING_SETTINGS[each_listing].items():
        assert getattr(behaviour, field) == value


def test_each_listing_sees_a_new_job_when_its_setting_says(
    each_listing: str, emulator: Emulator
) -> None:
    """A new job is in the first listing exactly when the setting has no listing lag."""
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    job_id = emulator.create_index_from_backup(backup_id, {"name": "copy"})["restore_job_id"]
    first = [job["restore_job_id"] for job in emulator.list_restore_jobs()["data"]]
    lagless = emulator.behaviour.restore_listing_lag.reads == 0
    assert (first == [job_id]) == lagless
