"""Deleting safely: protected replacements, the program's word at delete, final backups."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule
from pulumi_pinecone_restore.errors import (
    BackupFailedError,
    DeletionProtectedError,
    InputMismatchError,
    SetOperationError,
)
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, Created, Lifecycle
from pulumi_pinecone_restore.lifecycle.inputs import UNKNOWN
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.lifecycle.sets import RestoreSet

SEED = "proj/dev/idx"


@pytest.fixture(name="said")
def _said() -> list[str]:
    return []


@pytest.fixture(name="life")
def _life(runtime: Runtime, said: list[str]) -> AnyLifecycle:
    return Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=said.append))


@pytest.fixture(name="second_backup")
def _second_backup(emulator: Emulator, backup_id: str) -> str:
    del backup_id  # seeds prod-search
    return str(emulator.seed_backup(source_index_name="prod-search", name="later")["backup_id"])


def checked(life: AnyLifecycle, olds: dict[str, Any], **news: Any) -> dict[str, Any]:
    """Check inputs (with the program's seed) and insist that they pass."""
    inputs, failures = life.check(olds, {"owner_seed": SEED, **news})
    assert failures == []
    return inputs


def restored(life: AnyLifecycle, backup_id: str, **news: Any) -> Created:
    """Restore ``backup_id`` as the program's resource."""
    return life.create(checked(life, {}, backup_id=backup_id, **news))


def names(emulator: Emulator) -> set[str]:
    """The project's index names, the prod source left out."""
    return {i["name"] for i in emulator.list_indexes()["indexes"]} - {"prod-search"}


def test_diff_refuses_protected_replacement_without_force(
    life: AnyLifecycle, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """Changing the backup of an index protected in the state fails at the diff, sending nothing."""
    old = restored(life, backup_id, deletion_protection="enabled")
    news = checked(life, {}, backup_id=second_backup, deletion_protection="enabled")
    emulator.reset_requests()
    with pytest.raises(DeletionProtectedError) as refused:
        life.diff(old.outputs, news)
    assert emulator.request_counts() == {}
    # The program set no name: only the backup changed (the auto-name follows it).
    message = str(refused.value)
    assert "changing backup_id replaces the index (its auto-name follows it)" in message
    assert "with backup_id as before" in message


def test_a_protected_replacement_names_each_input_the_program_changed(
    life: AnyLifecycle, backup_id: str, second_backup: str
) -> None:
    """A name the program set and changed is named with the backup, without the auto-name note."""
    old = restored(life, backup_id, name="mine", deletion_protection="enabled")
    news = checked(life, {}, backup_id=second_backup, name="yours")
    with pytest.raises(DeletionProtectedError) as refused:
        life.diff(old.outputs, news)
    message = str(refused.value)
    assert "changing name, backup_id replaces the index, and" in message
    assert "auto-name" not in message


def test_replacement_deletes_with_the_programs_force_destroy(
    life: AnyLifecycle, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """force_destroy given with the backup change lets that replacement delete the old index."""
    old = restored(life, backup_id, deletion_protection="enabled")
    news = checked(life, {}, backup_id=second_backup, force_destroy=True)
    assert "backup_id" in life.diff(old.outputs, news).replaces
    new = life.create(news)
    life.delete(old.id, old.outputs)
    assert names(emulator) == {new.id}


def test_pending_delete_of_this_resource_follows_the_program(
    life: AnyLifecycle, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """An old index this resource left behind is deleted once its program sets force_destroy."""
    old = restored(life, backup_id, deletion_protection="enabled")
    new = restored(life, second_backup)
    life.diff(new.outputs, checked(life, {}, backup_id=second_backup, force_destroy=True))
    life.delete(old.id, old.outputs)
    assert names(emulator) == {new.id}


def test_another_resources_force_destroy_does_not_cover(
    life: AnyLifecycle, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """A protected index of another resource is not deleted because this program forces its own."""
    other_inputs, _ = life.check(
        {},
        {"backup_id": backup_id, "owner_seed": "proj/dev/other", "deletion_protection": "enabled"},
    )
    other = life.create(other_inputs)
    new = restored(life, second_backup)
    life.diff(new.outputs, checked(life, {}, backup_id=second_backup, force_destroy=True))
    with pytest.raises(DeletionProtectedError):
        life.delete(other.id, other.outputs)
    assert emulator.describe_index(other.id)["deletion_protection"] == "enabled"


def test_final_backup_is_ready_and_reported_before_the_delete(
    life: AnyLifecycle, backup_id: str, emulator: Emulator, said: list[str]
) -> None:
    """A destroy with final_backup takes a Ready backup of the index, reports its id, deletes."""
    created = restored(life, backup_id, final_backup=True)
    life.delete(created.id, created.outputs)
    (backup,) = [b for b in emulator.list_backups()["data"] if b["source_index_name"] == created.id]
    assert backup["status"] == "Ready"
    assert backup["name"].startswith(f"{created.id}-final-")
    assert any(f"final backup {backup['backup_id']} " in line for line in said)
    assert created.id not in names(emulator)


def test_failed_final_backup_leaves_the_index_untouched(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """When the final backup cannot be taken, nothing is deleted and protection stays on."""
    created = restored(
        life, backup_id, final_backup="keep", deletion_protection="enabled", force_destroy=True
    )
    emulator.add_fault(FaultRule(method="POST", path="/indexes/*/backups", status=403))
    with pytest.raises(BackupFailedError):
        life.delete(created.id, created.outputs)
    assert emulator.describe_index(created.id)["deletion_protection"] == "enabled"


def test_lost_final_backup_answer_is_found_by_its_run_name(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """A backup POST whose answer was lost is found by this run's name, not taken twice."""
    created = restored(life, backup_id, final_backup="keep")
    emulator.add_fault(
        FaultRule(method="POST", path="/indexes/*/backups", status=503, after_action=True, times=1)
    )
    life.delete(created.id, created.outputs)
    taken = [b for b in emulator.list_backups()["data"] if b["source_index_name"] == created.id]
    assert [b["status"] for b in taken] == ["Ready"]
    assert created.id not in names(emulator)


@pytest.mark.parametrize("value", ["", 3, "two\nlines"])
def test_bad_final_backup_fails_check_on_its_property(life: AnyLifecycle, value: object) -> None:
    """A final_backup that is neither a backup name nor a flag is refused on that property."""
    _, failures = life.check({}, {"backup_id": "b", "final_backup": value})
    assert [prop for prop, _ in failures] == ["final_backup"]


def test_set_member_replacement_follows_the_same_rules(
    runtime: Runtime, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """A set refuses a protected member's replacement at diff, and makes it with force_destroy."""
    engine = RestoreSet(runtime)
    member = {"backup_id": backup_id, "deletion_protection": "enabled"}
    first, _ = engine.check({}, {"owner_seed": SEED, "members": {"a": member}})
    _, outs = engine.create(first)
    moved = {"owner_seed": SEED, "members": {"a": {**member, "backup_id": second_backup}}}
    with pytest.raises(DeletionProtectedError) as refused:
        engine.diff(outs, engine.check(first, moved)[0])
    # Named as the set's program spells it, and as a CloneEnvironment's does.
    assert str(refused.value).startswith("member 'a': RestoredIndex ")
    assert "backup_id is its entry in backups" in str(refused.value)
    forced = {
        "owner_seed": SEED,
        "members": {"a": {**member, "backup_id": second_backup, "force_destroy": True}},
    }
    news, _ = engine.check(first, forced)
    assert engine.diff(outs, news)
    updated = engine.update(outs, news)
    assert names(emulator) == {updated["clones"]["a"]["name"]}


def test_collection_index_takes_a_final_backup_too(runtime: Runtime, emulator: Emulator) -> None:
    """A CollectionIndex destroy with a named final_backup backs the index up before deleting."""
    emulator.seed_index(name="legacy-pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": "snap", "source": "legacy-pods"})
    emulator.describe_collection("snap")  # one observation ends Initializing (FAST_TIMINGS)
    life = Lifecycle(COLLECTION_INDEX, runtime)
    inputs, _ = life.check(
        {},
        {"source_collection": "snap", "cloud": "aws", "region": "us-east-1", "final_backup": "m"},
    )
    created = life.create(inputs)
    life.delete(created.id, created.outputs)
    (backup,) = emulator.list_backups()["data"]
    assert (backup["source_index_name"], backup["status"]) == (created.id, "Ready")
    assert backup["name"].startswith("m-")
    assert created.id not in {i["name"] for i in emulator.list_indexes()["indexes"]}


def test_possible_replacement_of_protected_index_passes_until_known(
    life: AnyLifecycle, backup_id: str, second_backup: str
) -> None:
    """An unknown backup_id may not replace, so the diff refuses only once it is known."""
    old = restored(life, backup_id, deletion_protection="enabled")
    unknown = checked(life, old.outputs, backup_id=UNKNOWN, deletion_protection="enabled")
    assert "backup_id" in life.diff(old.outputs, unknown).replaces
    known = checked(life, old.outputs, backup_id=second_backup, deletion_protection="enabled")
    with pytest.raises(DeletionProtectedError):
        life.diff(old.outputs, known)


def test_a_delete_first_replacement_whose_backup_does_not_exist_deletes_nothing(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """A named index whose backup_id gets a typo: refused at the diff, the index kept.

    Pulumi deletes the old index first (the name stays), and the create then failed on the
    missing backup: the stack was left with no index.
    """
    old = restored(life, backup_id, name="search")
    typo = checked(life, old.outputs, backup_id="no-such-backup", name="search")
    with pytest.raises(InputMismatchError) as refused:
        life.diff(old.outputs, typo)
    message = str(refused.value)
    assert "this replacement deletes RestoredIndex 'search' first" in message
    assert "backup 'no-such-backup' does not exist" in message
    assert "Nothing was deleted" in message
    assert names(emulator) == {"search"}


def test_a_delete_first_replacement_from_a_ready_backup_goes_ahead(
    life: AnyLifecycle, backup_id: str, second_backup: str, emulator: Emulator
) -> None:
    """The look at the source lets a good replacement through: delete first, then restore."""
    old = restored(life, backup_id, name="search")
    news = checked(life, old.outputs, backup_id=second_backup, name="search")
    diff = life.diff(old.outputs, news)
    assert (diff.replaces, diff.delete_before_replace) == (("backup_id",), True)
    life.delete(old.id, old.outputs)
    assert life.create(news).outputs["backup_id"] == second_backup
    assert names(emulator) == {"search"}


def test_a_delete_first_collection_index_replacement_checks_the_dimension(
    runtime: Runtime, emulator: Emulator
) -> None:
    """dimension=9 for a collection of 8, with the same name: refused before the delete."""
    emulator.seed_index(name="legacy-pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": "snap", "source": "legacy-pods"})
    emulator.describe_collection("snap")  # one observation ends Initializing (FAST_TIMINGS)
    life = Lifecycle(COLLECTION_INDEX, runtime)
    given = {"source_collection": "snap", "cloud": "aws", "region": "us-east-1", "name": "vec"}
    inputs, _ = life.check({}, given)
    created = life.create(inputs)
    wrong, _ = life.check(inputs, {**given, "dimension": 9})
    with pytest.raises(InputMismatchError, match="dimension 9 does not match collection"):
        life.diff(created.outputs, wrong)
    assert "vec" in {i["name"] for i in emulator.list_indexes()["indexes"]}


def test_a_set_member_replacement_with_a_missing_backup_deletes_nothing(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A named member's backup_id typo: the set's update stops before deleting the member."""
    engine = RestoreSet(runtime)
    member = {"backup_id": backup_id, "name": "set-a"}
    first, _ = engine.check({}, {"owner_seed": SEED, "members": {"a": member}})
    _, outs = engine.create(first)
    typo, _ = engine.check(
        first, {"owner_seed": SEED, "members": {"a": {**member, "backup_id": "nope"}}}
    )
    with pytest.raises((InputMismatchError, SetOperationError), match="Nothing was deleted"):
        engine.update(outs, typo)
    assert names(emulator) == {"set-a"}
