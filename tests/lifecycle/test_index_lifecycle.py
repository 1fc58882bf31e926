"""The index lifecycle, tested once for every index declaration (restore and collection).

What differs between them (where the index comes from, what identifies an earlier attempt) is
tested with each declaration in ``tests/provider``; everything here holds for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import (
    DeletionProtectedError,
    NotFoundError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults


@attrs.frozen
class Kind:
    """One index declaration with its start request and a way to give it an origin."""

    life: Callable[[Runtime], AnyLifecycle]
    post: str  # the emulator's route key of the starting request
    post_path: str  # its path glob, for faults
    origin: Callable[[Emulator], dict[str, Any]]
    job_output: str | None = None  # the output naming the job a create started, if it has one


def _backup(emulator: Emulator) -> dict[str, Any]:
    emulator.seed_index(name="prod-search", dimension=8)
    return {"backup_id": emulator.seed_backup(source_index_name="prod-search")["backup_id"]}


def _collection(emulator: Emulator) -> dict[str, Any]:
    emulator.seed_index(name="legacy-pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": "snap", "source": "legacy-pods"})
    emulator.describe_collection("snap")  # one observation ends Initializing (FAST_TIMINGS)
    return {"source_collection": "snap", "cloud": "aws", "region": "us-east-1"}


KINDS = {
    "RestoredIndex": Kind(
        lambda r: Lifecycle(RESTORED_INDEX, r),
        "POST /backups/{backup_id}/create-index",
        "/backups/*/create-index",
        _backup,
        "restore_job_id",
    ),
    "CollectionIndex": Kind(
        lambda r: Lifecycle(COLLECTION_INDEX, r), "POST /indexes", "/indexes", _collection
    ),
}


@pytest.fixture(name="kind", params=sorted(KINDS))
def _kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture(name="origin")
def _origin(kind: Kind, emulator: Emulator) -> dict[str, Any]:
    return kind.origin(emulator)


@pytest.fixture(name="life")
def _life(kind: Kind, runtime: Runtime) -> AnyLifecycle:
    return kind.life(runtime)


def checked(life: AnyLifecycle, news: dict[str, Any]) -> dict[str, Any]:
    """Check inputs and insist that they pass."""
    inputs, failures = life.check({}, news)
    assert failures == []
    return inputs


def test_full_lifecycle(life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator) -> None:
    """Create, read, update (one PATCH) and delete map onto the API."""
    created = life.create(checked(life, {**origin, "name": "full"}))
    assert (created.id, created.outputs["state"]) == ("full", "Ready")
    assert life.read(created.id, created.outputs).id == "full"
    news = checked(
        life, {**origin, "name": "full", "tags": {"env": "qa"}, "deletion_protection": "disabled"}
    )
    assert life.diff(created.outputs, news).updates == ("tags",)
    emulator.reset_requests()
    updated = life.update(created.id, created.outputs, news)
    assert updated["tags"] == {"env": "qa"}
    assert emulator.request_counts().get("PATCH /indexes/{index_name}") == 1
    life.delete(created.id, updated)
    assert life.read(created.id, updated).id is None


def test_deletion_protection_blocks_destroy_with_guidance(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """A protected index is not deleted; the error explains both ways out."""
    created = life.create({**origin, "name": "guarded", "deletion_protection": "enabled"})
    with pytest.raises(DeletionProtectedError) as info:
        life.delete(created.id, created.outputs)
    assert "force_destroy" in str(info.value)
    assert emulator.describe_index("guarded")["deletion_protection"] == "enabled"


def test_protection_turned_on_outside_says_to_refresh_and_that_works(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """Protection the state does not know of: the advice (refresh, then up) really unblocks.

    Without the refresh, an up with deletion_protection="disabled" would change nothing: the
    state already says disabled.
    """
    news = {**origin, "name": "sneaky", "deletion_protection": "disabled"}
    created = life.create(news)
    emulator.configure_index("sneaky", {"deletion_protection": "enabled"})
    with pytest.raises(DeletionProtectedError) as info:
        life.delete(created.id, created.outputs)
    assert "turned on outside this stack" in str(info.value)
    assert "run `pulumi refresh`" in str(info.value)
    assert not life.diff(created.outputs, news).changes  # why the refresh is needed
    refreshed = life.read(created.id, created.outputs)
    assert refreshed.id is not None
    assert life.diff(refreshed.outputs, news).updates == ("deletion_protection",)
    updated = life.update(created.id, refreshed.outputs, news)
    life.delete(created.id, updated)
    assert "sneaky" not in [i["name"] for i in emulator.list_indexes()["indexes"]]


def test_protection_set_by_the_stack_does_not_say_to_refresh(
    life: AnyLifecycle, origin: dict[str, Any]
) -> None:
    """Protection the state records: the advice has no refresh step (it would be noise)."""
    created = life.create({**origin, "name": "known", "deletion_protection": "enabled"})
    with pytest.raises(DeletionProtectedError) as info:
        life.delete(created.id, created.outputs)
    assert "refresh" not in str(info.value)
    assert "outside" not in str(info.value)


def test_force_destroy_disables_protection_then_deletes(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """With force_destroy the protection is turned off and the index deleted."""
    created = life.create(
        {**origin, "name": "forced", "deletion_protection": "enabled", "force_destroy": True}
    )
    life.delete(created.id, created.outputs)
    assert "forced" not in {i["name"] for i in emulator.list_indexes()["indexes"]}


def test_delete_of_missing_index_is_done(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator, sleeps: list[float]
) -> None:
    """Deleting an index that is already gone succeeds at once: one DELETE, no retry, no wait."""
    created = life.create({**origin, "name": "gone"})
    emulator.delete_index("gone")
    emulator.reset_requests()
    waited = len(sleeps)
    life.delete(created.id, created.outputs)  # the 404 means done: nothing raised
    assert emulator.request_counts().get("DELETE /indexes/{index_name}") == 1
    assert sleeps[waited:] == []


def test_out_of_band_delete_drops_the_resource(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """Refresh of an index deleted outside Pulumi reports it gone, terminating or not."""
    created = life.create({**origin, "name": "vanishing"})
    emulator.delete_index("vanishing")
    assert life.read(created.id, created.outputs).id is None
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    assert life.read(created.id, created.outputs).id is None


def test_drift_in_managed_inputs_shows_on_refresh(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """Tags and protection changed out of band come back as inputs and are put right."""
    news = checked(
        life,
        {**origin, "name": "drifty", "tags": {"env": "staging"}, "deletion_protection": "disabled"},
    )
    created = life.create(news)
    emulator.configure_index("drifty", {"tags": {"owner": "x"}, "deletion_protection": "enabled"})
    read = life.read(created.id, created.outputs)
    assert read.inputs is not None
    assert read.inputs["tags"] == {"env": "staging", "owner": "x"}
    assert read.inputs["deletion_protection"] == "enabled"
    assert set(life.diff(read.outputs, news).updates) == {"tags", "deletion_protection"}
    fixed = life.update(created.id, read.outputs, news)
    assert (fixed["tags"], fixed["deletion_protection"]) == ({"env": "staging"}, "disabled")


def test_unmanaged_settings_never_drift(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """With tags and protection omitted, server-side changes are shown but never diffed."""
    news = checked(life, {**origin, "name": "loose"})
    created = life.create(news)
    emulator.configure_index("loose", {"tags": {"extra": "1"}, "deletion_protection": "enabled"})
    read = life.read(created.id, created.outputs)
    assert read.outputs["tags"]["extra"] == "1"
    assert not life.diff(read.outputs, news).changes
    # A refresh records the read's inputs: what the program left out stays out of them, or
    # the next plan would list `- deletion_protection: "enabled"`, a change `up` never makes.
    assert read.inputs is not None
    assert not {"tags", "deletion_protection"} & set(read.inputs)
    assert life.read(created.id, read.outputs).inputs == read.inputs  # and refresh after refresh


def test_update_of_vanished_index_says_how_to_recover(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator
) -> None:
    """An update whose index is gone fails with the real 404 and says to refresh."""
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    created = life.create({**origin, "name": "ghost"})
    emulator.delete_index("ghost")
    with pytest.raises(NotFoundError) as info:
        life.update(
            created.id,
            created.outputs,
            checked(life, {**origin, "name": "ghost", "tags": {"a": "b"}}),
        )
    assert info.value.path == "/indexes/ghost"  # the real request that found it gone
    assert "pulumi refresh" in str(info.value)


def test_timeout_then_next_create_adopts(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator, kind: Kind
) -> None:
    """A create that runs out of budget is resumed, not duplicated, by the next create."""
    slow = attrs.evolve(
        emulator.timings, restore=Timing(reads=10_000), index_ready=Timing(reads=10_000)
    )
    emulator.set_timings(slow)
    now = [0.0]
    clocked = Lifecycle(
        life.spec,
        attrs.evolve(
            life.runtime, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
        ),
    )
    news = {**origin, "name": "slow", "create_timeout": 30, "tags": {"env": "prod"}}
    with pytest.raises(WaitTimeoutError) as info:
        clocked.create(news)
    left = f"{life.spec.kind} 'slow'"
    assert f"{left} (" in str(info.value)
    assert "continues on Pinecone's side and nothing was deleted" in str(info.value)
    assert "finds it (only one with its ownership mark) and resumes waiting" in str(info.value)
    assert (info.value.left_running or "").startswith(left)
    emulator.set_timings(attrs.evolve(slow, restore=Timing(reads=1), index_ready=Timing(reads=1)))
    created = clocked.create(news)
    assert (created.outputs["state"], created.outputs["tags"]) == ("Ready", {"env": "prod"})
    assert [i["name"] for i in emulator.list_indexes()["indexes"]].count("slow") == 1
    assert emulator.request_counts()[kind.post] == 2  # the second one answered 409


def test_lost_answer_is_adopted_not_repeated(
    life: AnyLifecycle, origin: dict[str, Any], emulator: Emulator, kind: Kind
) -> None:
    """When the start acted but answered 503, create adopts what it started (and its job)."""
    emulator.add_fault(
        FaultRule(method="POST", path=kind.post_path, status=503, after_action=True, times=1)
    )
    created = life.create({**origin, "name": "once"})
    assert created.outputs["state"] == "Ready"
    assert emulator.request_counts()[kind.post] == 1
    if kind.job_output is not None:
        assert created.outputs[kind.job_output]


@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": True}], ids=["503", "drop"])
def test_refused_start_is_sent_again(
    life: AnyLifecycle,
    origin: dict[str, Any],
    emulator: Emulator,
    kind: Kind,
    fault: dict[str, Any],
) -> None:
    """A start refused before the server acted is verified harmless, then sent again."""
    emulator.add_fault(FaultRule(method="POST", path=kind.post_path, times=1, **fault))
    created = life.create({**origin, "name": "retried"})
    assert created.outputs["state"] == "Ready"
    assert emulator.request_counts()[kind.post] == 2


def test_progress_is_reported(kind: Kind, origin: dict[str, Any], runtime: Runtime) -> None:
    """Create reports what it started and where the index is when it is ready."""
    lines: list[str] = []
    kind.life(attrs.evolve(runtime, progress=lines.append)).create({**origin, "name": "chatty"})
    assert "chatty: started" in lines[0]
    assert "ready at" in lines[-1]
