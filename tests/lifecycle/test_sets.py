"""The set engine: every member at once, one deadline, and rollback that tells the truth."""

from __future__ import annotations

import threading
from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import SetOperationError, WaitTimeoutError
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
    assert info.value.code == "SET_FAILED"
    assert "deleted again (stg-a)" in str(info.value)
    assert index_names(emulator) == {"src-old", "src-new"}


def test_members_are_not_outputs_of_internal_seeds(
    runtime: Runtime, backups: dict[str, str]
) -> None:
    """The set's outputs hold no owner seed, at the top or in a member."""
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
    assert "owner_seed" not in outs["members"]["a"]
    assert "owner_seed" not in outs["clones"]["a"]


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
    clock = VirtualClock()
    engine = RestoreSet(attrs.evolve(runtime, clock=clock, sleep=clock.sleep))
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
    clock = VirtualClock()
    engine = RestoreSet(attrs.evolve(runtime, clock=clock, sleep=clock.sleep))
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
    clock = VirtualClock()
    engine = RestoreSet(attrs.evolve(runtime, clock=clock, sleep=clock.sleep))
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
