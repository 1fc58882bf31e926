"""CollectionIndex against the emulator: provider methods called directly, then programs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pulumi
import pytest
from harness.mocks import CheckFailedError, ProviderRoutingMocks
from support import (
    API_KEY,
    NO_WAIT_RETRY,
    ProviderFactory,
    assert_refused_by_name,
    checked,
    create,
    export_outputs,
    read_back,
    update_in_place,
)

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.collection_index import CollectionIndex, CollectionIndexArgs
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.errors import (
    CollectionFailedError,
    InputMismatchError,
    NameTakenError,
    NotFoundError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.models import IndexModel
from pulumi_pinecone_restore.providers.collection_index import CollectionIndexProvider
from pulumi_pinecone_restore.settings import ClientSettings

COLLECTION = "pods-snapshot"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN
TYPE = "pulumi-python:dynamic/pinecone:CollectionIndex"


@pytest.fixture(name="collection")
def _collection(emulator: Emulator) -> str:
    # Collections are made of pod-based indexes, which the emulator creates only by seeding.
    emulator.seed_index(name="legacy-pods", dimension=8, metric="dotproduct", pod_type="p1.x1")
    emulator.create_collection({"name": COLLECTION, "source": "legacy-pods"})
    emulator.describe_collection(COLLECTION)  # one observation ends Initializing (FAST_TIMINGS)
    return COLLECTION


@pytest.fixture(name="provider")
def _provider(make_provider: ProviderFactory) -> CollectionIndexProvider:
    return make_provider(CollectionIndexProvider)


def inputs(**extra: Any) -> dict[str, Any]:
    """Minimal valid inputs from the test collection, plus ``extra``."""
    return {"source_collection": COLLECTION, "cloud": "aws", "region": "us-east-1", **extra}


# lifecycle ---------------------------------------------------------------------------------


def test_full_lifecycle(
    provider: CollectionIndexProvider, collection: str, client: ControlPlaneClient
) -> None:
    """Create, read, update and delete map onto POST, describe, configure and delete."""
    id_, outs = create(provider, inputs(name="migrated", metric="dotproduct"))
    assert id_ == "migrated"
    assert (outs["state"], outs["ready"]) == ("Ready", True)
    assert (outs["dimension"], outs["metric"], outs["vector_type"]) == (8, "dotproduct", "dense")
    assert (outs["cloud"], outs["region"]) == ("aws", "us-east-1")
    assert outs["source_collection"] == collection
    assert outs["host"]
    assert "inputs" not in outs  # no internal copy of the inputs among the outputs

    assert read_back(provider, id_, outs)["host"] == outs["host"]

    news = checked(
        provider,
        inputs(
            name="migrated",
            metric="dotproduct",
            tags={"env": "prod"},
            deletion_protection="enabled",
        ),
    )
    updated = update_in_place(provider, id_, outs, news)
    assert updated["tags"] == {"env": "prod"}
    assert client.describe_index(id_).deletion_protection == "enabled"

    off = provider.update(
        id_, updated, {**news, "deletion_protection": "disabled", "tags": {}}
    ).outs
    assert off is not None
    assert off["tags"] == {}
    provider.delete(id_, off)
    with pytest.raises(NotFoundError):
        client.describe_index(id_)


def test_dimension_and_metric_default_from_collection_and_server(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """Omitted dimension is the collection's and omitted metric is Pinecone's default."""
    _, outs = create(provider, inputs(name="defaults"))
    assert (outs["dimension"], outs["metric"]) == (8, "cosine")


def test_identical_inputs_make_no_diff(provider: CollectionIndexProvider, collection: str) -> None:
    """Re-running with the same inputs (tags and metric left to the server) changes nothing."""
    news = checked(provider, inputs(name="same"))
    id_, outs = create(provider, news)
    diff = provider.diff(id_, outs, checked(provider, inputs(name="same"), olds=news))
    assert not diff.changes
    assert diff.replaces == []


def test_matching_explicit_dimension_and_metric_make_no_diff(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """Spelling out the values the index already has (8 arrives as 8.0 over gRPC) is no change."""
    news = checked(provider, inputs(name="same"))
    id_, outs = create(provider, news)
    spelled = checked(provider, inputs(name="same", dimension=8.0, metric="cosine"), olds=news)
    assert spelled["dimension"] == 8
    assert not provider.diff(id_, outs, spelled).changes


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"source_collection": "other"}, "source_collection"),
        ({"region": "us-west-2"}, "region"),
        ({"cloud": "gcp", "region": "us-central1"}, "cloud"),
        ({"metric": "euclidean"}, "metric"),
    ],
)
def test_origin_changes_replace_delete_first_under_explicit_name(
    provider: CollectionIndexProvider,
    collection: str,
    emulator: Emulator,
    change: dict[str, Any],
    key: str,
) -> None:
    """With an explicit name every change of origin is a delete-before-replace."""
    emulator.create_collection({"name": "other", "source": "legacy-pods"})
    emulator.describe_collection("other")  # Ready: the diff looks at the new source
    id_, outs = create(provider, inputs(name="fixed"))
    diff = provider.diff(id_, outs, checked(provider, {**inputs(name="fixed"), **change}))
    assert key in (diff.replaces or [])
    assert "name" not in (diff.replaces or [])
    assert diff.delete_before_replace is True


def test_budget_and_force_changes_update_in_place(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """Budgets and force_destroy change in place, without touching the index."""
    id_, outs = create(provider, inputs(name="budgeted"))
    diff = provider.diff(
        id_,
        outs,
        checked(provider, inputs(name="budgeted", create_timeout="2h", force_destroy=True)),
    )
    assert diff.changes
    assert not diff.replaces


def test_unknown_origin_at_preview_means_replace(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """An unknown collection at preview passes check and is reported as a possible replacement."""
    id_, outs = create(provider, inputs(name="fixed"))
    result = provider.check({}, inputs(name="fixed", source_collection=UNKNOWN, tags=UNKNOWN))
    assert result.failures == []
    assert "source_collection" in (provider.diff(id_, outs, dict(result.inputs)).replaces or [])


# auto-name -------------------------------------------------------------------------------


def test_auto_name_is_stable_and_changes_with_origin(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """An omitted name is derived once and kept; a new collection or region gets a new one."""
    news = inputs(owner_seed="proj/dev/search")
    first = checked(provider, news)
    assert first["name"].startswith("search-")
    assert checked(provider, news, olds=first)["name"] == first["name"]
    assert checked(provider, {**news, "tags": {"a": "b"}}, olds=first)["name"] == first["name"]
    other = checked(provider, {**news, "source_collection": "other"}, olds=first)
    moved = checked(provider, {**news, "region": "eu-west-1"}, olds=first)
    assert len({first["name"], other["name"], moved["name"]}) == 3
    elsewhere = checked(provider, {**news, "owner_seed": "proj/prod/search"})
    assert elsewhere["name"] != first["name"]

    _, outs = create(provider, news)
    diff = provider.diff(first["name"], outs, other)
    assert set(diff.replaces or []) == {"source_collection", "name"}
    assert diff.delete_before_replace is False  # the new name lets the new index come first


def test_auto_name_is_unknown_while_its_collection_is(provider: CollectionIndexProvider) -> None:
    """At preview, a name derived from an unknown collection is unknown too."""
    result = checked(provider, inputs(source_collection=UNKNOWN, owner_seed="p/s/r"))
    assert result["name"] == UNKNOWN


# check -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("news", "prop"),
    [
        ({"cloud": "aws", "region": "us-east-1"}, "source_collection"),
        ({"source_collection": "  ", "cloud": "aws", "region": "us-east-1"}, "source_collection"),
        ({"source_collection": "c", "region": "us-east-1"}, "cloud"),
        ({"source_collection": "c", "cloud": "aws"}, "region"),
        (inputs(cloud="ibm"), "cloud"),
        (inputs(region=5), "region"),
        (inputs(dimension=0), "dimension"),
        (inputs(dimension=8.5), "dimension"),
        (inputs(dimension=True), "dimension"),
        (inputs(metric="cosin"), "metric"),
        (inputs(name="Bad_Name"), "name"),
        (inputs(tags={"k": ""}), "tags"),
        (inputs(deletion_protection="yes"), "deletion_protection"),
        (inputs(create_timeout="soon"), "create_timeout"),
        (inputs(delete_timeout=-1), "delete_timeout"),
        (inputs(force_destroy="yes"), "force_destroy"),
    ],
)
def test_check_reports_bad_input_per_property(
    provider: CollectionIndexProvider, news: dict[str, Any], prop: str
) -> None:
    """Each bad input yields one failure naming its property, before any API call."""
    assert_refused_by_name(provider, {"name": "x", **news}, prop)


# create: preconditions -----------------------------------------------------------------------


def test_missing_collection_is_a_clear_error(
    provider: CollectionIndexProvider, client: ControlPlaneClient
) -> None:
    """An unknown collection fails with a 404 that names source_collection, creating nothing."""
    with pytest.raises(NotFoundError) as info:
        create(provider, inputs(name="orphan", source_collection="nope"))
    assert info.value.code == "NOT_FOUND"
    assert "source_collection" in str(info.value)
    assert not client.list_indexes()


def test_dimension_mismatch_is_a_clear_error(
    provider: CollectionIndexProvider, collection: str, emulator: Emulator
) -> None:
    """A dimension other than the collection's fails before the POST, naming both values."""
    with pytest.raises(InputMismatchError) as info:
        create(provider, inputs(name="wrong", dimension=16))
    assert info.value.code == "INPUT_MISMATCH"
    assert "8" in str(info.value)
    assert "POST /indexes" not in emulator.request_counts()


def test_waits_for_a_collection_that_is_not_ready(
    provider: CollectionIndexProvider, emulator: Emulator, make_provider: ProviderFactory
) -> None:
    """A collection still Initializing is waited for within the create budget."""
    emulator.set_timings(attrs.evolve(emulator.timings, collection_ready=Timing(reads=3)))
    emulator.seed_index(name="legacy-pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": COLLECTION, "source": "legacy-pods"})
    _, outs = create(provider, inputs(name="patient"))
    assert outs["state"] == "Ready"
    assert any("waiting for collection" in line for line in make_provider.progress)


def test_collection_that_never_gets_ready_times_out_before_creating(
    provider: CollectionIndexProvider, emulator: Emulator
) -> None:
    """Running out of budget while the collection initializes creates nothing and says so."""
    emulator.set_timings(attrs.evolve(emulator.timings, collection_ready=Timing(reads=10_000)))
    emulator.seed_index(name="legacy-pods", dimension=8, pod_type="p1.x1")
    emulator.create_collection({"name": COLLECTION, "source": "legacy-pods"})
    fake_now = [0.0]
    provider.runtime = attrs.evolve(
        provider.runtime,
        clock=lambda: fake_now[0],
        sleep=lambda s: fake_now.__setitem__(0, fake_now[0] + s),
    )
    with pytest.raises(WaitTimeoutError) as info:
        create(provider, inputs(name="never", create_timeout=30))
    assert "Nothing was created" in str(info.value)
    assert "POST /indexes" not in emulator.request_counts()


def test_unknown_region_is_a_clear_error(
    provider: CollectionIndexProvider, collection: str
) -> None:
    """A cloud/region the project cannot use fails with a 404 that names it."""
    with pytest.raises(NotFoundError) as info:
        create(provider, inputs(name="far", region="ap-south-9"))
    assert "aws/ap-south-9" in str(info.value)


# create: adoption, faults, failures -------------------------------------------------------


def test_own_index_is_adopted_and_converged(
    provider: CollectionIndexProvider, collection: str, client: ControlPlaneClient
) -> None:
    """An earlier attempt's index (it has our mark) is adopted, and its settings converge."""
    first = checked(provider, inputs(name="mine", tags={"old": "1"}))
    provider._life(first).start(first)
    # The same resource: its identity (the nonce its first check made) is the earlier one's.
    again = inputs(name="mine", tags={"new": "2"}, deletion_protection="enabled")
    _, outs = create(provider, {**again, "owner_nonce": first["owner_nonce"]})
    assert outs["tags"] == {"new": "2"}
    assert outs["deletion_protection"] == "enabled"
    assert [i.name for i in client.list_indexes()].count("mine") == 1


@pytest.mark.parametrize(
    "foreign",
    [
        {"dimension": 3},  # a plain index, not from any collection
        {"source_collection": COLLECTION, "region": "us-west-2"},  # ours, but elsewhere
    ],
)
def test_foreign_index_with_the_name_is_left_alone(
    provider: CollectionIndexProvider,
    collection: str,
    client: ControlPlaneClient,
    foreign: dict[str, Any],
) -> None:
    """A 409 for an index this stack did not make is an error, and that index survives."""
    spec = {"cloud": "aws", "region": "us-east-1", **foreign}
    client.create_serverless_index(name="taken", tags={"owner": "someone"}, **spec)
    with pytest.raises(NameTakenError) as info:
        create(provider, inputs(name="taken", tags={"env": "prod"}))
    assert info.value.code == "NAME_TAKEN"
    assert "left untouched" in str(info.value)
    survivor = client.describe_index("taken")
    assert survivor.tags == {"owner": "someone"}
    assert survivor.region == spec["region"]


class _FailingInitClient(ControlPlaneClient):
    """A real client that reports every live index as InitializationFailed.

    The emulator has no failure path for indexes made by ``POST /indexes``, so the state is
    rewritten on the way in; deletion still happens in the emulator.
    """

    def describe_index(self, name: str) -> IndexModel:
        index = super().describe_index(name)
        if index.state in {"Initializing", "Ready"}:
            return attrs.evolve(index, state="InitializationFailed", ready=False)
        return index


def test_failed_initialization_deletes_the_index(
    provider: CollectionIndexProvider,
    collection: str,
    server: EmulatorServer,
    client: ControlPlaneClient,
) -> None:
    """An index that ends InitializationFailed is deleted (even if protected) and reported."""
    failing = _FailingInitClient(
        ClientSettings(api_key=API_KEY, controller_host=server.url, retry=NO_WAIT_RETRY)
    )
    provider.runtime = attrs.evolve(provider.runtime, client_override=failing)
    with pytest.raises(CollectionFailedError) as info:
        create(provider, inputs(name="doomed", deletion_protection="enabled"))
    assert "InitializationFailed" in str(info.value)
    assert COLLECTION in str(info.value)
    with pytest.raises(NotFoundError):
        client.describe_index("doomed")


# delete, read ------------------------------------------------------------------------------


# the resource class, its registrations routed into the real provider ----------------------


def program_with(**kwargs: Any) -> Callable[[], None]:
    """A program with one CollectionIndex that exports its outputs."""

    def program() -> None:
        index = CollectionIndex("search", cloud="aws", region="us-east-1", **kwargs)
        export_outputs(index, "name", "host", "dimension", "source_collection")

    return program


def test_resource_up_creates_and_exports_outputs(
    engine: ProviderRoutingMocks, collection: str, client: ControlPlaneClient
) -> None:
    """`pulumi up` creates an auto-named index from the collection and exports its outputs."""
    result = engine.up(program_with(source_collection=collection))
    name = result.exports["name"]
    assert name.startswith("search-")
    assert result.exports["host"] == client.describe_index(name).host
    assert int(result.exports["dimension"]) == 8
    assert result.exports["source_collection"] == collection
    assert engine.up(program_with(source_collection=collection)).steps == {
        engine.urn(TYPE, "search"): "same"
    }


def test_resource_new_collection_creates_the_replacement_first(
    engine: ProviderRoutingMocks,
    collection: str,
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """Pointing an auto-named index at a new collection creates the new index, then deletes."""
    old = engine.up(program_with(source_collection=collection)).exports["name"]
    emulator.create_collection({"name": "pods-snapshot-2", "source": "legacy-pods"})
    emulator.describe_collection("pods-snapshot-2")
    before = len(engine.operations)
    result = engine.up(program_with(source_collection="pods-snapshot-2"))
    assert result.exports["name"] != old
    assert [i.name for i in client.list_indexes()] == ["legacy-pods", result.exports["name"]]
    urn = engine.urn(TYPE, "search")
    steps = [op for op, u in engine.operations[before:] if u == urn and op in {"create", "delete"}]
    assert steps == ["create", "delete"]


def test_resource_args_form_and_required_inputs(
    engine: ProviderRoutingMocks, collection: str
) -> None:
    """CollectionIndexArgs works like keywords; mixing both or omitting required inputs fails."""

    def program() -> None:
        index = CollectionIndex(
            "x",
            CollectionIndexArgs(
                source_collection=collection, cloud="aws", region="us-east-1", name="from-args"
            ),
        )
        pulumi.export("name", index.name)

    assert engine.up(program).exports["name"] == "from-args"
    with pytest.raises(TypeError, match="either"):
        CollectionIndex(
            "y", CollectionIndexArgs(source_collection="c", cloud="aws", region="r"), name="z"
        )
    with pytest.raises(TypeError, match="cloud, region are required"):
        CollectionIndex("z", source_collection="c")


def test_resource_bad_metric_fails_preview(engine: ProviderRoutingMocks, collection: str) -> None:
    """A metric typo fails the preview against the metric property, creating nothing."""
    with pytest.raises(CheckFailedError) as info:
        engine.preview(program_with(source_collection=collection, metric="cosin"))
    assert "metric" in str(info.value)
