"""The set engine: every member at once, one deadline, and rollback that tells the truth."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule
from pulumi_pinecone_restore.errors import SetOperationError
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
