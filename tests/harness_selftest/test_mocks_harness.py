"""Self-tests of ProviderRoutingMocks: programs under mocks drive the real toy provider."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
from harness.mocks import CheckFailedError, ProtectedResourceError, ProviderRoutingMocks
from harness_selftest.toy_provider import Counter, Pair, ToyProviderError

COUNTER = "pulumi-python:dynamic/toy:Counter"


@pytest.fixture(name="state_dir")
def fixture_state_dir(tmp_path: Path) -> Path:
    """The toy provider's 'cloud': one JSON file per counter."""
    return tmp_path


@pytest.fixture(name="mocks")
def fixture_mocks(state_dir: Path) -> ProviderRoutingMocks:
    """An empty emulated stack configured with the toy state directory."""
    return ProviderRoutingMocks({"toy:stateDir": str(state_dir)}, project="proj", stack="dev")


def _files(state_dir: Path) -> dict[str, dict[str, object]]:
    return {p.stem: json.loads(p.read_text()) for p in state_dir.glob("*.json")}


def test_up_creates_through_the_provider(mocks: ProviderRoutingMocks, state_dir: Path) -> None:
    """A first up checks and creates via the real provider and returns exports and outputs."""

    def program() -> pulumi.Output[str]:
        counter = Counter("a", "a", 1)
        pulumi.export("path", counter.path)
        return counter.id

    result = mocks.up(program)

    urn = mocks.urn(COUNTER, "a")
    state = mocks.state[urn]
    assert result.value == state.id
    assert result.exports == {"path": str(state_dir / f"{state.id}.json")}
    assert result.steps == {urn: "create"}
    assert mocks.operations == [("check", urn), ("create", urn)]
    assert _files(state_dir)[state.id]["value"] == 1
    assert "__provider" not in state.visible_outputs


def test_a_second_up_takes_the_step_the_diff_asks_for(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """A second up is "same" with no change, updates a value in place, replaces create-first."""
    mocks.up(lambda: Counter("a", "a", 1))
    first_id = mocks.by_name("a").id
    urn = mocks.urn(COUNTER, "a")

    assert mocks.up(lambda: Counter("a", "a", 1)).steps == {urn: "same"}
    assert mocks.operations[2:] == [("check", urn), ("diff", urn)]

    assert mocks.up(lambda: Counter("a", "a", 5)).steps == {urn: "update"}
    assert mocks.operations[4:] == [("check", urn), ("diff", urn), ("update", urn)]
    assert mocks.by_name("a").id == first_id
    assert _files(state_dir)[first_id]["value"] == 5

    assert mocks.up(lambda: Counter("a", "b", 5)).steps == {urn: "replace"}
    assert [op for op, _ in mocks.operations[7:]] == ["check", "diff", "create", "delete"]
    assert list(_files(state_dir)) == [mocks.by_name("a").id]
    assert mocks.by_name("a").id != first_id


def test_delete_before_replace_deletes_first(mocks: ProviderRoutingMocks) -> None:
    """The delete_before_replace option deletes the old counter before creating the new one."""
    opts = pulumi.ResourceOptions(delete_before_replace=True)
    mocks.up(lambda: Counter("a", "a", 1, opts=opts))

    mocks.up(lambda: Counter("a", "b", 1, opts=opts))

    assert [op for op, _ in mocks.operations[2:]] == ["check", "diff", "delete", "create"]


def test_preview_plans_without_calling_create_or_update(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """Preview calls only check and diff, reports the plan and leaves state untouched."""
    mocks.up(lambda: Counter("a", "a", 1))
    before = mocks.state

    def program() -> None:
        Counter("a", "a", 2)
        fresh = Counter("b", "b", 1)
        pulumi.export("fresh_path", fresh.path)

    result = mocks.preview(program)

    assert result.preview
    assert result.steps == {mocks.urn(COUNTER, "a"): "update", mocks.urn(COUNTER, "b"): "create"}
    assert {op for op, _ in mocks.operations[2:]} == {"check", "diff"}
    assert result.exports == {"fresh_path": None}  # unknown until created
    assert mocks.state == before
    assert len(_files(state_dir)) == 1


def test_check_failure_fails_the_run_and_creates_nothing(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """Check failures raise CheckFailedError naming the property, before any create."""
    with pytest.raises(CheckFailedError) as caught:
        mocks.up(lambda: Counter("a", "a", -1))

    assert caught.value.failures == [("value", "value must be a number >= 0")]
    assert mocks.state == {}
    assert not _files(state_dir)


def test_create_failure_records_nothing(mocks: ProviderRoutingMocks) -> None:
    """An exception from create propagates and leaves no state, like the engine."""
    with pytest.raises(ToyProviderError, match="restore failed: quota"):
        mocks.up(lambda: Counter("x", "x", fail="restore failed: quota"))

    assert mocks.state == {}


def test_resource_dropped_from_the_program_is_deleted(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """An up whose program no longer declares a counter deletes it."""

    def both() -> None:
        Counter("a", "a", 1)
        Counter("b", "b", 1)

    mocks.up(both)

    result = mocks.up(lambda: Counter("a", "a", 1))

    assert result.steps[mocks.urn(COUNTER, "b")] == "delete"
    assert ("delete", mocks.urn(COUNTER, "b")) in mocks.operations
    assert [res.name for res in mocks.state.values()] == ["a"]
    assert len(_files(state_dir)) == 1


def test_refresh_drops_a_vanished_resource(mocks: ProviderRoutingMocks, state_dir: Path) -> None:
    """Refresh calls read; an empty id removes the counter from state."""
    mocks.up(lambda: Counter("a", "a", 1))
    (state_dir / f"{mocks.by_name('a').id}.json").unlink()

    steps = mocks.refresh()

    assert steps == {mocks.urn(COUNTER, "a"): "delete"}
    assert mocks.state == {}


def test_refresh_takes_inputs_from_read_so_drift_shows_next_up(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """Inputs returned by read replace the stored ones, so the next up updates the drift away."""
    mocks.up(lambda: Counter("a", "a", 1))
    path = state_dir / f"{mocks.by_name('a').id}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "value": 7}))

    assert mocks.refresh() == {mocks.urn(COUNTER, "a"): "update"}
    assert mocks.by_name("a").visible_inputs["value"] == 7

    result = mocks.up(lambda: Counter("a", "a", 1))

    assert result.steps == {mocks.urn(COUNTER, "a"): "update"}
    assert json.loads(path.read_text())["value"] == 1


def test_destroy_deletes_everything_in_reverse_creation_order(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """Destroy deletes every counter, newest first, and empties the state."""
    first = Counter  # dependency below forces creation order a, then b

    def program() -> None:
        a = first("a", "a", 1)
        first("b", a.id.apply(lambda _: "b"), 1)

    mocks.up(program)

    deleted = mocks.destroy()

    assert deleted == [mocks.urn(COUNTER, "b"), mocks.urn(COUNTER, "a")]
    assert mocks.state == {}
    assert not _files(state_dir)


def test_component_children_route_to_the_provider(mocks: ProviderRoutingMocks) -> None:
    """Dynamic resources inside a ComponentResource are created, with engine-style URNs."""
    result = mocks.up(lambda: Pair("p", 3))

    pair_child = ("toy:index:Pair",)
    assert set(result.steps) == {
        mocks.urn(COUNTER, "p-first", pair_child),
        mocks.urn(COUNTER, "p-second", pair_child),
    }
    assert all(res.visible_inputs["value"] == 3 for res in mocks.state.values())


def test_protected_resource_cannot_be_destroyed(mocks: ProviderRoutingMocks) -> None:
    """Destroying a protect=True resource raises ProtectedResourceError."""
    mocks.up(lambda: Counter("a", "a", 1, opts=pulumi.ResourceOptions(protect=True)))

    with pytest.raises(ProtectedResourceError):
        mocks.destroy()


def test_opts_id_reads_an_existing_resource_without_managing_it(
    mocks: ProviderRoutingMocks, state_dir: Path
) -> None:
    """A resource declared with opts.id is read through the provider and never deleted."""
    mocks.up(lambda: Counter("a", "a", 4))
    existing = mocks.by_name("a").id

    def program() -> pulumi.Output[int]:
        Counter("a", "a", 4)
        return Counter("ref", "a", opts=pulumi.ResourceOptions(id=existing)).value

    result = mocks.up(program)
    mocks.up(lambda: Counter("a", "a", 4))

    assert result.value == 4
    assert result.steps[mocks.urn(COUNTER, "ref")] == "read"
    assert ("delete", mocks.urn(COUNTER, "ref")) not in mocks.operations
    assert list(_files(state_dir)) == [existing]


def test_ignore_changes_keeps_the_old_input(mocks: ProviderRoutingMocks) -> None:
    """An input listed in ignore_changes keeps its stored value, so no update happens."""
    opts = pulumi.ResourceOptions(ignore_changes=["value"])
    mocks.up(lambda: Counter("a", "a", 1, opts=opts))

    result = mocks.up(lambda: Counter("a", "a", 9, opts=opts))

    assert result.steps == {mocks.urn(COUNTER, "a"): "same"}
    assert mocks.by_name("a").visible_inputs["value"] == 1
