"""Ownership: an index or backup this stack did not make is never adopted, changed or deleted."""

from __future__ import annotations

import io
import json
from typing import Any

import attrs
import pytest
from support import API_KEY

from pulumi_pinecone_restore.cli import main
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule, Timing
from pulumi_pinecone_restore.errors import (
    BackupFailedError,
    NameTakenError,
    NotOursError,
)
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP, backup_mark
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, Lifecycle
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, PENDING_KEY, user_tags
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults

SEED = "search/staging/docs"
BACKUP_TAGS = {"team": "search"}  # see conftest


@pytest.fixture(name="life")
def _life(runtime: Runtime) -> AnyLifecycle:
    return Lifecycle(RESTORED_INDEX, runtime)


def ours(backup_id: str, **extra: Any) -> dict[str, Any]:
    """Inputs of this stack's RestoredIndex 'docs' into stg-docs."""
    return {"backup_id": backup_id, "name": "stg-docs", "owner_seed": SEED, **extra}


def foreign_takes_the_name(emulator: Emulator, backup_id: str) -> dict[str, Any]:
    """Someone else restores the same backup into stg-docs by hand (no mark of ours)."""
    emulator.create_index_from_backup(backup_id, {"name": "stg-docs", "tags": {"owner": "x"}})
    return emulator.describe_index("stg-docs")


def counts(emulator: Emulator, prefix: str) -> int:
    """How many requests of one method the emulator answered."""
    return sum(n for k, n in emulator.request_counts().items() if k.startswith(prefix))


# the first request already carries the proof ------------------------------------------------


def test_the_create_request_itself_carries_the_mark(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """Right after the POST (before any follow-up) the index has the mark and the backup's tags."""
    started = life.start(ours(backup_id))
    tags = emulator.describe_index(started.id)["tags"]
    assert tags[MARK_KEY] == RESTORED_INDEX.mark(life.typed(ours(backup_id)))
    assert tags[PENDING_KEY] == "1"  # the create has not finished
    assert {k: v for k, v in tags.items() if k not in (MARK_KEY, PENDING_KEY)} == BACKUP_TAGS


def test_a_finished_create_takes_its_pending_tag_off(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """What a create made and finished carries the mark alone; the pending tag is no output."""
    started = life.start(ours(backup_id))
    assert user_tags(emulator.describe_index(started.id)["tags"]) == BACKUP_TAGS
    created = life.create(ours(backup_id))  # the same resource's next run: adopts, finishes
    tags = emulator.describe_index(created.id)["tags"]
    assert PENDING_KEY not in tags
    assert tags[MARK_KEY] == created.outputs["owner_mark"]
    assert created.outputs["tags"] == BACKUP_TAGS


def test_the_mark_is_no_user_tag(life: AnyLifecycle, backup_id: str, emulator: Emulator) -> None:
    """The mark is in no output tags and no diff, and a PATCH that drops tags keeps it."""
    created = life.create(ours(backup_id, tags={"a": "1", "b": "2"}))
    assert created.outputs["tags"] == {"a": "1", "b": "2"}
    assert created.outputs["owner_mark"]
    assert not life.diff(created.outputs, ours(backup_id, tags={"a": "1", "b": "2"})).changes
    updated = life.update(created.id, created.outputs, ours(backup_id, tags={}))
    assert updated["tags"] == {}
    assert MARK_KEY in emulator.describe_index("stg-docs")["tags"]


def test_the_mark_key_is_reserved(life: AnyLifecycle) -> None:
    """A user cannot set the mark's tag key; check says so on `tags`."""
    _, failures = life.check({}, {"backup_id": "b", "tags": {MARK_KEY: "x"}})
    assert [prop for prop, _ in failures] == ["tags"]


# a foreign index of the same name ------------------------------------------------------------


def test_stale_restore_job_does_not_make_a_foreign_index_ours(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """Restore, destroy, someone restores the same backup into the name: up refuses it."""
    created = life.create(ours(backup_id))
    life.delete(created.id, created.outputs)
    foreign = foreign_takes_the_name(emulator, backup_id)
    with pytest.raises(NameTakenError):
        life.create(ours(backup_id))
    assert emulator.describe_index("stg-docs")["tags"] == foreign["tags"]


def test_another_stacks_restore_is_not_adopted(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """The same backup into the same name by another stack's resource is refused, untouched."""
    Lifecycle(RESTORED_INDEX, runtime).create(ours(backup_id, owner_seed="search/prod/docs"))
    with pytest.raises(NameTakenError):
        Lifecycle(RESTORED_INDEX, runtime).create(ours(backup_id))
    # The state dump, not GET /restore-jobs: the listing may not show the new job yet.
    assert len(emulator.dump()["restore_jobs"]) == 1


@pytest.fixture(name="replaced")
def _replaced(life: AnyLifecycle, backup_id: str, emulator: Emulator) -> dict[str, Any]:
    """Our index, deleted out of band, its name then taken by a foreign index; our outputs."""
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    created = life.create(ours(backup_id))
    emulator.delete_index("stg-docs")
    foreign_takes_the_name(emulator, backup_id)
    emulator.reset_requests()
    return created.outputs


def test_refresh_reports_ours_gone_not_the_foreign_one(
    life: AnyLifecycle, replaced: dict[str, Any]
) -> None:
    """Refresh sees the name held by an index without our mark: ours is gone."""
    assert life.read("stg-docs", replaced).id is None


def test_update_never_changes_a_foreign_index(
    life: AnyLifecycle,
    backup_id: str,
    replaced: dict[str, Any],
    emulator: Emulator,
) -> None:
    """An update refuses, sends no PATCH, and the foreign tags stay."""
    with pytest.raises(NotOursError) as info:
        life.update("stg-docs", replaced, ours(backup_id, tags={"env": "qa"}))
    assert info.value.code == "NOT_OURS"
    assert counts(emulator, "PATCH") == 0
    assert emulator.describe_index("stg-docs")["tags"]["owner"] == "x"


def test_delete_never_deletes_a_foreign_index(
    life: AnyLifecycle, replaced: dict[str, Any], emulator: Emulator
) -> None:
    """A delete refuses with what to do, sends no DELETE, and the foreign index survives."""
    with pytest.raises(NotOursError) as info:
        life.delete("stg-docs", replaced)
    assert "pulumi refresh" in str(info.value)
    assert counts(emulator, "DELETE") == 0
    assert emulator.describe_index("stg-docs")["status"]["state"] == "Ready"


def test_cli_restore_into_a_foreign_name_refuses(
    server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """`pinecone-restore restore` into a name someone else holds exits 1 and touches nothing."""
    foreign = foreign_takes_the_name(emulator, backup_id)
    out, err = io.StringIO(), io.StringIO()
    env = {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}
    status = main(
        ["restore", backup_id, "--name", "stg-docs", "--no-wait"], environ=env, out=out, err=err
    )
    assert status == 1
    assert "left untouched" in err.getvalue()
    assert emulator.describe_index("stg-docs")["tags"] == foreign["tags"]


def test_collection_index_of_same_origin_without_mark_is_refused(
    runtime: Runtime, emulator: Emulator
) -> None:
    """An index from the same collection, cloud and region is still not ours without the mark."""
    emulator.seed_index(name="pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": "snap", "source": "pods"})
    emulator.describe_collection("snap")
    emulator.create_index(
        {
            "name": "migrated",
            "dimension": 8,
            "spec": {
                "serverless": {"cloud": "aws", "region": "us-east-1", "source_collection": "snap"}
            },
        }
    )
    with pytest.raises(NameTakenError):
        Lifecycle(COLLECTION_INDEX, runtime).create(
            {
                "source_collection": "snap",
                "cloud": "aws",
                "region": "us-east-1",
                "name": "migrated",
                "owner_seed": SEED,
            }
        )


def test_a_deliberate_import_gets_the_mark_on_its_first_update(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """An index read without state has no mark recorded; its first update puts ours on."""
    emulator.create_index_from_backup(backup_id, {"name": "stg-docs"})
    imported = life.read("stg-docs", {})
    assert imported.outputs["owner_mark"] is None
    updated = life.update("stg-docs", imported.outputs, ours(backup_id, tags={"env": "qa"}))
    assert updated["owner_mark"] == RESTORED_INDEX.mark(life.typed(ours(backup_id)))
    assert life.read("stg-docs", updated).id == "stg-docs"


# IndexBackup: found by its mark ---------------------------------------------------------------


@pytest.fixture(name="backups")
def _backups(runtime: Runtime, emulator: Emulator) -> AnyLifecycle:
    emulator.seed_index(name="src", dimension=4)
    return Lifecycle(INDEX_BACKUP, runtime)


def backup_ids(emulator: Emulator) -> list[str]:
    """Every backup of the index 'src'."""
    return [
        b["backup_id"] for b in emulator.list_backups()["data"] if b["source_index_name"] == "src"
    ]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "after_action": True},
        {"drop": True, "after_action": True},
    ],
    ids=["5xx-after-acting", "no-answer-after-acting"],
)
def test_a_backup_post_whose_answer_is_lost_leaves_one_backup(
    backups: AnyLifecycle, emulator: Emulator, fault: dict[str, Any]
) -> None:
    """The server took the backup but the answer was lost: the create finds it, no second one."""
    emulator.add_fault(FaultRule(method="POST", path="/indexes/src/backups", times=1, **fault))
    created = backups.create({"source_index_name": "src", "owner_seed": SEED})
    assert backup_ids(emulator) == [created.id]


def test_a_create_killed_midway_is_adopted_by_the_next(
    backups: AnyLifecycle, emulator: Emulator
) -> None:
    """A create that died after its POST leaves a backup the next create adopts: no orphan."""
    inputs = {"source_index_name": "src", "name": "nightly", "owner_seed": SEED}
    orphan = backups.start(inputs)  # the process died here
    created = backups.create(inputs)
    assert created.id == orphan.id
    assert backup_ids(emulator) == [orphan.id]


def test_a_killed_create_whose_next_run_has_another_trigger_leaves_nothing(
    backups: AnyLifecycle, emulator: Emulator
) -> None:
    """Killed with trigger 1, run with trigger 2 (a new mark): the first backup is not orphaned.

    Its note on this machine proves it is this resource's and that no state records it.
    """
    killed, _ = backups.check(
        {}, {"source_index_name": "src", "owner_seed": SEED, "trigger": "2026-12-05"}
    )
    orphan = backups.start(killed)  # the process died here
    nightly, _ = backups.check(
        {}, {"source_index_name": "src", "owner_seed": SEED, "trigger": "2026-12-06"}
    )
    created = backups.create(nightly)
    assert created.id != orphan.id
    assert backup_ids(emulator) == [created.id]


def test_another_resources_backup_is_not_adopted(backups: AnyLifecycle, emulator: Emulator) -> None:
    """Same source and name but another resource (or stack): a backup of its own."""
    first = backups.create({"source_index_name": "src", "name": "nightly", "owner_seed": SEED})
    second = backups.create(
        {"source_index_name": "src", "name": "nightly", "owner_seed": "search/prod/nightly"}
    )
    assert first.id != second.id
    assert sorted(backup_ids(emulator)) == sorted([first.id, second.id])


def test_a_backup_deleted_after_it_was_seen_fails_at_once(
    runtime: Runtime, emulator: Emulator
) -> None:
    """A backup that 404s after we saw it is gone for good: no 60 s grace, a clear message."""
    emulator.seed_index(name="src", dimension=4)
    emulator.set_timings(attrs.evolve(emulator.timings, backup_ready=Timing(reads=5)))
    now = [0.0]

    def progress(line: str) -> None:
        if "Initializing" in line or "Pending" in line:
            for backup_id in backup_ids(emulator):
                emulator.delete_backup(backup_id)  # deleted out of band while being taken

    life = Lifecycle(
        INDEX_BACKUP,
        attrs.evolve(
            runtime,
            progress=progress,
            clock=lambda: now[0],
            sleep=lambda s: now.__setitem__(0, now[0] + s),
        ),
    )
    with pytest.raises(BackupFailedError) as info:
        life.create({"source_index_name": "src", "owner_seed": SEED})
    assert "deleted by someone else" in str(info.value)
    assert now[0] < 5
    assert json.dumps(backup_ids(emulator)) == "[]"


def test_a_forced_replacement_goes_delete_first_so_it_cannot_adopt_the_old(
    life: AnyLifecycle, backups: AnyLifecycle, backup_id: str
) -> None:
    """With unchanged marks (`pulumi up --replace`), the old object goes first; else not."""
    index = life.create(ours(backup_id))
    assert life.diff(index.outputs, ours(backup_id)).delete_before_replace
    inputs = {"source_index_name": "src", "trigger": "1", "owner_seed": SEED}
    backup = backups.create(inputs)
    assert backups.diff(backup.outputs, inputs).delete_before_replace
    assert not backups.diff(backup.outputs, {**inputs, "trigger": "2"}).delete_before_replace


def late_duplicate(emulator: Emulator, mark: str) -> str:
    """What a lost POST that acted late leaves: another backup with the same mark."""
    return str(emulator.create_backup("src", {"description": mark})["backup_id"])


@pytest.mark.parametrize("renamed", [False, True], ids=["alone", "beside-a-renamed-stacks"])
def test_a_lost_post_that_acts_late_is_swept_by_the_create(
    runtime: Runtime, emulator: Emulator, renamed: bool
) -> None:
    """A first POST that got no answer but acted while the second was followed leaves nothing.

    A renamed stack's backup has this resource's mark too: the duplicate goes, it stays.
    """
    emulator.seed_index(name="src", dimension=4)
    inputs = {"source_index_name": "src", "owner_seed": SEED}
    recorded = [Lifecycle(INDEX_BACKUP, runtime).create(inputs).id] if renamed else []
    emulator.add_fault(FaultRule(method="POST", path="/indexes/src/backups", drop=True, times=1))
    life = Lifecycle(INDEX_BACKUP, runtime)
    injected: list[str] = []

    def progress(line: str) -> None:
        if "started" in line and not injected:  # the first POST acts only now
            injected.append(late_duplicate(emulator, backup_mark_of(life, inputs)))

    created = Lifecycle(INDEX_BACKUP, attrs.evolve(runtime, progress=progress)).create(inputs)
    assert injected
    assert sorted(backup_ids(emulator)) == sorted([*recorded, created.id])


def test_destroy_deletes_only_the_backup_id_in_state(
    backups: AnyLifecycle, emulator: Emulator
) -> None:
    """Another backup carrying the same mark (a mark can be copied) survives the destroy."""
    inputs = {"source_index_name": "src", "owner_seed": SEED}
    created = backups.create(inputs)
    other = late_duplicate(emulator, created.outputs["owner_mark"])
    backups.delete(created.id, created.outputs)
    assert backup_ids(emulator) == [other]


def backup_mark_of(life: AnyLifecycle, inputs: dict[str, Any]) -> str:
    """The mark these backup inputs carry."""
    return backup_mark(life.typed(inputs))
