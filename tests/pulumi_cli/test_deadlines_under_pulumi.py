"""Deadlines and sets that fail fast, under the real engine.

The emulator holds every `GET /restore-jobs/{id}` unanswered (its `hang` fault). A
`RestoredIndex` with `create_timeout=2` must fail the up with its timeout error, whose resume
guidance then holds: once the server answers again, the next `pulumi up` adopts the restore
instead of starting a second one. A `CloneEnvironment` whose third member is refused at once
fails the up without waiting for the other two, whose restores never end, and leaves no clone.
How long each failed up took is measured in benchmarks/.
"""

from __future__ import annotations

import json

import attrs
import pulumi
import pytest
from harness.pulumi_cli import MakeStack
from pulumi import automation as auto
from support import FAST_TIMINGS

from pulumi_pinecone_restore import CloneEnvironment, RestoredIndex
from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing

pytestmark = pytest.mark.pulumi_cli


def program() -> None:
    """One restored index with a 2 s budget."""
    index = RestoredIndex(
        "idx", backup_id=pulumi.Config().require("backupId"), name="held", create_timeout=2
    )
    pulumi.export("name", index.name)


def test_a_hanging_server_fails_the_up_at_its_budget_and_the_next_up_resumes(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """The up fails with TIMEOUT while job reads hang; the next up adopts the same restore."""
    emulator.seed_index(name="prod", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod")["backup_id"])
    stack = make_stack("hang", program, {"backupId": backup_id})
    emulator.add_fault(FaultRule(method="GET", path="/restore-jobs/*", hang=True))
    try:
        with pytest.raises(auto.CommandError) as info:
            stack.up()
    finally:
        emulator.clear_faults()
    assert "create_timeout" in str(info.value)
    jobs = len(emulator.dump()["restore_jobs"])
    up, _ = stack.up()
    assert (up.outputs["name"].value, len(emulator.dump()["restore_jobs"])) == ("held", jobs)
    stack.destroy()


def clone_program() -> None:
    """A CloneEnvironment of three sources, backups from config."""
    backups = pulumi.Config().require_object("backups")
    env = CloneEnvironment("env", backups=backups, name_prefix="stg-")
    pulumi.export("names", env.names)


def test_a_set_whose_member_fails_at_once_stops_the_others(
    make_stack: MakeStack, emulator: Emulator
) -> None:
    """Two endless restores and one refused at once: the up fails SET_FAILED, leaving no clone."""
    backups = {}
    for source in ("a", "b", "c"):
        emulator.seed_index(name=source, dimension=8)
        backups[source] = str(emulator.seed_backup(source_index_name=source)["backup_id"])
    emulator.add_fault(
        FaultRule(method="POST", path=f"/backups/{backups['c']}/create-index", status=403)
    )
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(reads=10**9)))
    stack = make_stack("failfast", clone_program, {"backups": json.dumps(backups)})
    try:
        with pytest.raises(auto.CommandError) as info:
            stack.up()
    finally:
        emulator.set_timings(FAST_TIMINGS)
    assert "SetOperationError" in str(info.value)  # the engine shows only the error's text
    assert {i["name"] for i in emulator.list_indexes()["indexes"]} == {"a", "b", "c"}
    stack.destroy()
