"""The set engine: every member at once, one deadline, and rollback that tells the truth."""

from __future__ import annotations

import threading
from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import (
    RefusedError,
    RestoreFailedError,
    SetOperationError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.index import PENDING_KEY
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.lifecycle.sets import RestoreSet, run_all


@pytest.fixture(name="backups")
def _backups(emulator: Emulator) -> dict[str, str]:
    ids = {}
    for source in ("old", "new"):
        emulator.seed_index(name=f"src-{source}", dimension=4)
        ids[source] = str(emulator.seed_backup(source_index_name=f"src-{source}")["backup_id"])
    return ids


def checked(
    engine: RestoreSet, news: dict[str, Any], olds: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Check set inputs and insist on no failures."""
    inputs, failures = engine.check(olds or {}, news)
    assert failures == []
    return inputs


def index_names(emulator: Emulator) -> set[str]:
    """Every index name in the emulator."""
    return {i["name"] for i in emulator.list_indexes()["indexes"]}


def test_every_member_runs_at_once() -> None:
    """Fifty members run concurrently: none waits for a free worker (no cap of 16)."""
    barrier = threading.Barrier(50, timeout=30)
    results, errors = run_all({str(i): barrier.wait for i in range(50)})
    assert errors == {}
    assert len(results) == 50


def test_the_connection_pool_fits_the_concurrency(runtime: Runtime) -> None:
    """A client asked for 50 calls at once keeps 50 connections, so none is discarded."""
    assert runtime.client(concurrency=50).settings.pool_size == 50
    assert runtime.client().settings.pool_size == 16


def test_failed_update_keeps_a_same_name_replacement_and_says_so(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """When one member's update fails, another's same-name replacement survives, and is named."""
    engine = RestoreSet(runtime)
    first = checked(
        engine,
        {
            "members": {
                "a": {"backup_id": backups["old"], "name": "stg-a"},
                "c": {"backup_id": backups["old"], "name": "stg-c"},
            }
        },
    )
    _, outs = engine.create(first)
    news = checked(
        engine,
        {
            "members": {
                "a": {"backup_id": backups["new"], "name": "stg-a"},  # replaced, delete first
                "b": {"backup_id": backups["new"], "name": "stg-b"},  # new to the set
                "c": {"backup_id": backups["old"], "name": "stg-c", "tags": {"env": "qa"}},
            }
        },
        first,
    )
    emulator.add_fault(FaultRule(method="PATCH", path="/indexes/stg-c", status=400))
    with pytest.raises(SetOperationError) as info:
        engine.update(outs, news)
    message = str(info.value)
    assert "nothing is left behind" not in message.lower()
    assert "Kept" in message
    assert "stg-a" in message
    assert "stg-b" in message
    assert index_names(emulator) == {"src-old", "src-new", "stg-a", "stg-c"}


def test_a_removed_protected_member_gets_advice_that_works_when_followed(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """The refusal says to put the member back with force_destroy first; doing so removes it.

    It said "set force_destroy=True on its resource", which a member no longer listed has not.
    """
    engine = RestoreSet(runtime)
    a = {"backup_id": backups["old"], "name": "set-a"}
    b = {"backup_id": backups["old"], "name": "set-b", "deletion_protection": "enabled"}
    first = checked(engine, {"members": {"a": a, "b": b}})
    _, outs = engine.create(first)
    without_b = checked(engine, {"members": {"a": a}}, first)
    with pytest.raises(SetOperationError) as refused:
        engine.update(outs, without_b)
    message = str(refused.value)
    assert "index 'set-b' has deletion protection enabled, so it was not deleted." in message
    assert "put member 'b' back with force_destroy=True" in message
    assert "A removed member's force_destroy is read from the stack's state" in message
    assert "on its resource" not in message
    # The advice, step by step: b back with force_destroy, up; then b removed, up.
    forced = checked(engine, {"members": {"a": a, "b": {**b, "force_destroy": True}}}, first)
    outs = engine.update(outs, forced)
    engine.update(outs, checked(engine, {"members": {"a": a}}, forced))
    assert index_names(emulator) == {"src-old", "src-new", "set-a"}


def test_a_protected_member_at_destroy_is_told_to_set_force_destroy_on_it(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """`pulumi destroy` of a set with a protected member names the member to set it on."""
    engine = RestoreSet(runtime)
    b = {"backup_id": backups["old"], "name": "set-b", "deletion_protection": "enabled"}
    a = {"backup_id": backups["old"], "name": "set-a"}
    _, outs = engine.create(checked(engine, {"members": {"a": a, "b": b}}))
    with pytest.raises(SetOperationError) as refused:
        engine.delete(outs)
    assert "set force_destroy=True on member 'b', run `pulumi up`" in str(refused.value)
    # The member that went is said to have gone: the stack still lists it.
    assert "Deleted: set-a. The stack still lists them: run `pulumi refresh`" in str(refused.value)
    assert "a CloneEnvironment's own force_destroy=True sets it on every clone" in str(
        refused.value
    )
    assert "set-b" in index_names(emulator)


def test_a_removed_member_that_cannot_be_deleted_leaves_no_new_member_unrecorded(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """Swapping a protected member for a new one: the delete fails, and the new one is undone.

    A failed update records nothing, so the new member (made before the delete) was left on
    Pinecone with no state pointing at it, and a destroy later orphaned it.
    """
    engine = RestoreSet(runtime)
    first = checked(
        engine,
        {
            "members": {
                "a": {"backup_id": backups["old"], "name": "set-a"},
                "b": {
                    "backup_id": backups["old"],
                    "name": "set-b",
                    "deletion_protection": "enabled",
                },
            }
        },
    )
    _, outs = engine.create(first)
    news = checked(
        engine,
        {
            "members": {
                "a": {"backup_id": backups["old"], "name": "set-a"},
                "c": {"backup_id": backups["old"], "name": "set-c"},
            }
        },
        first,
    )
    with pytest.raises(SetOperationError) as info:
        engine.update(outs, news)
    assert "set-b" in str(info.value)
    assert "Deleted again (made by this attempt, not recorded): set-c." in str(info.value)
    assert index_names(emulator) == {"src-old", "src-new", "set-a", "set-b"}
    emulator.configure_index("set-b", {"deletion_protection": "disabled"})
    engine.delete(outs)  # the state as it was: a and b
    assert index_names(emulator) == {"src-old", "src-new"}


def test_failed_create_reports_what_it_deleted(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """A failed member makes create delete the others it made, and the error names them."""
    emulator.fail_restores_from(backups["new"])
    engine = RestoreSet(runtime)
    with pytest.raises(SetOperationError) as info:
        engine.create(
            checked(
                engine,
                {
                    "members": {
                        "a": {"backup_id": backups["old"], "name": "stg-a"},
                        "b": {"backup_id": backups["new"], "name": "stg-b"},
                    }
                },
            )
        )
    assert (info.value.code, "stg-a" in str(info.value)) == ("SET_FAILED", True)
    assert index_names(emulator) == {"src-old", "src-new"}


def test_members_are_not_outputs_of_internal_seeds(
    runtime: Runtime, backups: dict[str, str]
) -> None:
    """The set's outputs hold no seed at the top or in members' inputs; clones keep it."""
    engine = RestoreSet(runtime)
    _, outs = engine.create(
        checked(
            engine,
            {
                "owner_seed": "proj/stack/clones",
                "members": {"a": {"backup_id": backups["old"]}},
            },
        )
    )
    assert "owner_seed" not in outs
    assert not {"owner_seed", "owner_nonce"} & set(outs["members"]["a"])
    # The identity rides in the member's outputs, so a refresh keeps it (see engine.read).
    assert outs["clones"]["a"]["owner_seed"] == "proj/stack/clones-a"


class VirtualClock:
    """Virtual time per thread: each member's thread starts at 0 and moves only by its sleeps."""

    def __init__(self) -> None:
        """Every thread at 0."""
        self.times: dict[int, float] = {}
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The calling thread's time."""
        with self._lock:
            return self.times.get(threading.get_ident(), 0.0)

    def sleep(self, seconds: float) -> None:
        """Move the calling thread's time on instead of waiting."""
        with self._lock:
            key = threading.get_ident()
            self.times[key] = self.times.get(key, 0.0) + max(seconds, 0.0)

    @property
    def latest(self) -> float:
        """The furthest any thread got."""
        return max(self.times.values(), default=0.0)


def timed_set(runtime: Runtime) -> tuple[RestoreSet, VirtualClock]:
    """A set runner whose waits advance a virtual clock instead of taking time."""
    clock = VirtualClock()
    return RestoreSet(attrs.evolve(runtime, clock=clock, sleep=clock.sleep)), clock


def never_finishing_members(emulator: Emulator, count: int) -> dict[str, Any]:
    """``count`` members whose restores outlast any budget (a million reads each)."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=10**6)))
    members = {}
    for i in range(count):
        emulator.seed_index(name=f"src-{i}", dimension=4)
        backup = emulator.seed_backup(source_index_name=f"src-{i}")["backup_id"]
        members[f"m{i}"] = {"backup_id": backup, "name": f"stg-{i}"}
    return members


def test_a_set_longer_than_its_budget_times_out_naming_each_member(
    runtime: Runtime, emulator: Emulator
) -> None:
    """A set whose restores outlast its create_timeout fails with TIMEOUT, naming every member."""
    engine, clock = timed_set(runtime)
    members = never_finishing_members(emulator, 17)
    with pytest.raises(WaitTimeoutError) as info:
        engine.create(checked(engine, {"members": members, "create_timeout": 30}))
    assert info.value.code == "TIMEOUT"
    message = str(info.value)
    assert all(f"  - {key}: " in message for key in members)
    assert "17 of its 17 restores" in message
    assert clock.latest == pytest.approx(30)  # no member waited past the set's one budget


def test_the_set_budget_caps_each_member_budget(runtime: Runtime, emulator: Emulator) -> None:
    """A member's own longer create_timeout does not outlive the set's create_timeout."""
    engine, clock = timed_set(runtime)
    members = {
        k: {**m, "create_timeout": "2h"} for k, m in never_finishing_members(emulator, 2).items()
    }
    with pytest.raises(WaitTimeoutError):
        engine.create(checked(engine, {"members": members, "create_timeout": "1m"}))
    assert clock.latest == pytest.approx(60)


def test_a_timed_out_set_leaves_its_restores_for_the_next_run(
    runtime: Runtime, emulator: Emulator
) -> None:
    """Nothing is deleted on a timeout, and the next create adopts every member's restore."""
    engine, _ = timed_set(runtime)
    members = never_finishing_members(emulator, 3)
    inputs = checked(engine, {"members": members, "create_timeout": 30})
    with pytest.raises(WaitTimeoutError):
        engine.create(inputs)
    assert index_names(emulator) >= {"stg-0", "stg-1", "stg-2"}
    jobs = len(emulator.dump()["restore_jobs"])
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing()))
    # The next run is a new process: its time starts afresh (thread ids may be reused).
    _, outs = RestoreSet(runtime).create(inputs)
    assert sorted(outs["names"].values()) == ["stg-0", "stg-1", "stg-2"]
    assert len(emulator.dump()["restore_jobs"]) == jobs  # adopted, not restored again


def test_a_bad_set_budget_is_refused_by_name(runtime: Runtime, backups: dict[str, str]) -> None:
    """An unusable set-level create_timeout is a check failure naming the property."""
    _, failures = RestoreSet(runtime).check(
        {}, {"members": {"a": {"backup_id": backups["old"]}}, "create_timeout": "soon"}
    )
    assert [prop for prop, _ in failures] == ["create_timeout"]


def refused_member_failure(
    runtime: Runtime, emulator: Emulator
) -> tuple[SetOperationError, VirtualClock]:
    """Create a set of two members that never finish and one refused at once; its error."""
    members = never_finishing_members(emulator, 3)
    refused = members["m2"]["backup_id"]
    emulator.add_fault(
        FaultRule(method="POST", path=f"/backups/{refused}/create-index", status=403)
    )
    engine, clock = timed_set(runtime)
    with pytest.raises(SetOperationError) as info:
        engine.create(checked(engine, {"members": members}))
    return info.value, clock


def test_a_failed_member_stops_the_others_long_before_their_budget(
    runtime: Runtime, emulator: Emulator
) -> None:
    """One member refused at once stops the two still restoring well within their hour."""
    error, clock = refused_member_failure(runtime, emulator)
    assert error.outcomes["m2"] == "failed"
    assert clock.latest < 3600  # the stuck members were stopped, not timed out


def test_members_stopped_by_a_failure_leave_nothing_behind(
    runtime: Runtime, emulator: Emulator
) -> None:
    """The members a failure stopped delete the restores they started (the create rule)."""
    error, _ = refused_member_failure(runtime, emulator)
    assert set(error.outcomes.values()) <= {"failed", "deleted", "stopped", "never started"}
    assert index_names(emulator) == {"src-0", "src-1", "src-2"}


def test_members_whose_turn_comes_after_a_failure_never_start(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """With one member at a time, a first member that fails keeps the rest from starting."""
    engine = RestoreSet(runtime)
    members = {
        "a": {"backup_id": "0f1e2d3c-0000-4000-8000-000000000000", "name": "stg-a"},  # no such
        "b": {"backup_id": backups["old"], "name": "stg-b"},
        "c": {"backup_id": backups["new"], "name": "stg-c"},
    }
    with pytest.raises(SetOperationError) as info:
        engine.create(checked(engine, {"members": members, "max_concurrency": 1}))
    assert info.value.outcomes == {"a": "failed", "b": "never started", "c": "never started"}
    assert emulator.dump()["restore_jobs"] == []


def test_max_concurrency_bounds_how_many_members_run_at_once() -> None:
    """With a limit of 2, four members run two at a time, never more."""
    lock = threading.Lock()
    active, peak = [0], [0]
    barrier = threading.Barrier(2, timeout=30)

    def member() -> None:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        barrier.wait()  # needs a partner: proves two run together
        with lock:
            active[0] -= 1

    _, errors = run_all({str(i): member for i in range(4)}, limit=2)
    assert (errors, peak[0]) == ({}, 2)


@pytest.mark.parametrize("value", [0, -1, 2.5, "many", True])
def test_a_bad_max_concurrency_is_refused_by_name(
    runtime: Runtime, backups: dict[str, str], value: object
) -> None:
    """A max_concurrency that is not a whole number from 1 up fails check, naming it."""
    _, failures = RestoreSet(runtime).check(
        {}, {"members": {"a": {"backup_id": backups["old"]}}, "max_concurrency": value}
    )
    assert [prop for prop, _ in failures] == ["max_concurrency"]


def test_a_timeout_beside_a_failure_reports_the_failed_members_deletion(runtime: Runtime) -> None:
    """A member out of time is reported running, one that deleted its own index as deleted."""
    failed = RestoreFailedError("restore job j2 ended Failed")
    failed.discarded = "stg-b"
    timeout = WaitTimeoutError("gave up waiting for stg-a")
    timeout.left_running = "RestoredIndex 'stg-a' (restore job j1 from backup b1)"
    errors = {"a": timeout, "b": failed}
    engine = RestoreSet(runtime)
    with pytest.raises(SetOperationError) as info:
        engine._fail_create(engine._member(2, {}), {}, errors)
    assert info.value.outcomes == {"a": "running", "b": "deleted"}


def test_a_members_force_destroy_never_deletes_another_protected_member(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """Removing protected b while a sets force_destroy: b stays; a's word is a's alone.

    The members share the set's ownership mark, so the delete of b took the intent a's diff
    recorded in the same run (force_destroy=True) as the program's word about b.
    """
    engine = RestoreSet(runtime)
    a = {"backup_id": backups["old"], "name": "set-a"}
    b = {"backup_id": backups["old"], "name": "set-b", "deletion_protection": "enabled"}
    first = checked(engine, {"members": {"a": a, "b": b}})
    _, outs = engine.create(first)
    forced_a = checked(engine, {"members": {"a": {**a, "force_destroy": True}}}, first)
    with pytest.raises(SetOperationError):
        engine.update(outs, forced_a)
    assert emulator.describe_index("set-b")["deletion_protection"] == "enabled"


def test_a_removed_members_final_backup_is_its_own_not_a_siblings(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """Member b's state asks for a final backup; a changes in the same run: b gets its backup."""
    engine = RestoreSet(runtime)
    a = {"backup_id": backups["old"], "name": "set-a"}
    b = {"backup_id": backups["old"], "name": "set-b", "final_backup": True}
    first = checked(engine, {"members": {"a": a, "b": b}})
    _, outs = engine.create(first)
    engine.update(outs, checked(engine, {"members": {"a": {**a, "tags": {"x": "y"}}}}, first))
    assert index_names(emulator) == {"src-old", "src-new", "set-a"}
    taken = [x for x in emulator.list_backups()["data"] if x["source_index_name"] == "set-b"]
    assert len(taken) == 1


def test_a_new_set_with_a_renamed_stacks_names_does_not_take_its_members(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """A set recorded its members (their pending tags are off): a new set of its names is refused.

    After `pulumi stack rename dev prod` and a new `dev`, the new set derives prod's member
    names and marks; it used to take prod's indexes over, and its destroy deleted them.
    """
    prod = RestoreSet(runtime)
    members = {"members": {"a": {"backup_id": backups["old"]}}, "owner_seed": "org/p/dev/env"}
    _, outs = prod.create(checked(prod, members))
    [name] = outs["names"].values()
    assert PENDING_KEY not in emulator.describe_index(name)["tags"]
    new_dev = RestoreSet(runtime)
    with pytest.raises(SetOperationError, match="carries this resource's own mark"):
        new_dev.create(checked(new_dev, members))
    assert name in index_names(emulator)  # prod's member, untouched


def test_a_member_a_failed_set_finished_is_adopted_by_the_next_run(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """A failed set's finished member keeps its pending tag: the next run adopts it, once.

    Members keep the tag until the whole set is made; the set then takes it off.
    """
    engine = RestoreSet(runtime)
    inputs = checked(engine, {"members": {"a": {"backup_id": backups["old"], "name": "stg-a"}}})
    engine._member().create(inputs["members"]["a"])  # as a failed set left it
    assert emulator.describe_index("stg-a")["tags"][PENDING_KEY] == "1"
    _, outs = engine.create(inputs)
    assert outs["names"] == {"a": "stg-a"}
    assert PENDING_KEY not in emulator.describe_index("stg-a")["tags"]
    assert len(emulator.dump()["restore_jobs"]) == 1


def restores_into(emulator: Emulator, name: str) -> int:
    """How many restore jobs targeted index ``name``."""
    return sum(1 for j in emulator.dump()["restore_jobs"] if j["target_index_name"] == name)


def test_a_renamed_member_key_with_the_same_name_is_refused_at_preview(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """Key a -> x, same name: refused at the diff with the way out, nothing touched.

    It used to pass the preview and fail every `pulumi up` with "this stack did not make it".
    """
    engine = RestoreSet(runtime)
    a = {"backup_id": backups["old"], "name": "stg-a"}
    first = checked(engine, {"members": {"a": a}})
    _, outs = engine.create(first)
    renamed = checked(engine, {"members": {"x": a}}, first)
    with pytest.raises(RefusedError) as info:
        engine.diff(outs, renamed)
    assert "member 'x' takes the index name 'stg-a' of member 'a', which this update removes" in (
        str(info.value)
    )
    assert "Keep the key 'a'" in str(info.value)
    assert restores_into(emulator, "stg-a") == 1
    # Another name for the new key is a plain swap: no refusal.
    assert engine.diff(outs, checked(engine, {"members": {"x": {**a, "name": "stg-x"}}}, first))


def test_a_failed_delete_keeps_the_replacement_of_an_index_it_deleted(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """One step deletes b's old index and refuses protected p: b's new index stays, and is adopted.

    It used to be deleted again as "made by this attempt": b was left with no index at all.
    """
    engine = RestoreSet(runtime)
    p = {"backup_id": backups["old"], "name": "stg-p", "deletion_protection": "enabled"}
    first = checked(engine, {"members": {"b": {"backup_id": backups["old"]}, "p": p}})
    _, outs = engine.create(first)
    old_b = outs["names"]["b"]
    news = checked(engine, {"members": {"b": {"backup_id": backups["new"]}}}, first)
    with pytest.raises(SetOperationError) as info:
        engine.update(outs, news)
    new_b = news["members"]["b"]["name"]
    assert "the next `pulumi up` adopts it): " + new_b in str(info.value)
    assert emulator.describe_index(new_b)["tags"][PENDING_KEY] == "1"
    assert old_b not in {i["name"] for i in emulator.list_indexes()["indexes"]}
    emulator.configure_index("stg-p", {"deletion_protection": "disabled"})  # the user's fix
    after = engine.update(outs, news)
    assert after["names"]["b"] == new_b
    assert restores_into(emulator, new_b) == 1  # adopted, not restored twice


def test_a_delete_first_step_that_fails_part_way_replaces_what_it_deleted(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """stg-a deleted, stg-b refused: stg-a is restored from its new backup, and said so."""
    engine = RestoreSet(runtime)
    old = {k: {"backup_id": backups["old"], "name": f"stg-{k}"} for k in ("a", "b")}
    first = checked(engine, {"members": old})
    _, outs = engine.create(first)
    emulator.configure_index("stg-b", {"deletion_protection": "enabled"})  # by hand
    moved = {k: {**v, "backup_id": backups["new"]} for k, v in old.items()}
    news = checked(engine, {"members": moved}, first)
    with pytest.raises(SetOperationError) as info:
        engine.update(outs, news)
    assert "Kept (each replaced an index this update deleted" in str(info.value)
    assert "stg-a" in str(info.value)
    assert emulator.describe_index("stg-a")["tags"][PENDING_KEY] == "1"
    assert restores_into(emulator, "stg-a") == 2  # the first create, and its replacement
    emulator.configure_index("stg-b", {"deletion_protection": "disabled"})
    after = engine.update(outs, news)
    assert {c["backup_id"] for c in after["clones"].values()} == {backups["new"]}
    assert restores_into(emulator, "stg-a") == 2  # adopted
    assert PENDING_KEY not in emulator.describe_index("stg-a")["tags"]


def test_a_failed_updates_kept_replacement_is_adopted_by_the_next_run(
    runtime: Runtime, backups: dict[str, str], emulator: Emulator
) -> None:
    """A same-named replacement in a failed update is kept, still pending; the next run adopts it.

    The state still records the old index under that name: the next run must not take the
    replacement for the old index (it used to refuse it as not its own: the stack was stuck).
    """
    engine = RestoreSet(runtime)
    a = {"backup_id": backups["old"], "name": "stg-a"}
    first = checked(engine, {"members": {"a": a}})
    _, outs = engine.create(first)
    emulator.seed_index(name="src-bad", dimension=4)
    bad = str(emulator.seed_backup(source_index_name="src-bad")["backup_id"])
    emulator.fail_restores_from(bad)
    replaced_a = {**a, "backup_id": backups["new"]}
    news = checked(engine, {"members": {"a": replaced_a, "b": {"backup_id": bad}}}, first)
    with pytest.raises(SetOperationError, match=r"Kept \(each replaced .*\): stg-a"):
        engine.update(outs, news)
    # a's old index was deleted first: its replacement ran to its end, though b failed.
    assert emulator.describe_index("stg-a")["tags"][PENDING_KEY] == "1"
    restores = len(emulator.dump()["restore_jobs"])
    fixed = checked(engine, {"members": {"a": replaced_a}}, first)  # the user drops b
    after = engine.update(outs, fixed)  # the state is still the one before the failed update
    assert after["clones"]["a"]["backup_id"] == backups["new"]
    assert PENDING_KEY not in emulator.describe_index("stg-a")["tags"]
    assert len(emulator.dump()["restore_jobs"]) == restores  # adopted: no second restore
