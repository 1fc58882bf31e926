"""Index rules and lifecycles in the state machine, without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_pinecone_restore.emulator import (
    AlreadyExistsError,
    Emulator,
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
    ManualClock,
    NotFoundError,
    Quotas,
    Timing,
    Timings,
    UnprocessableError,
)


def index_body(name: str = "idx", **overrides: Any) -> dict[str, Any]:
    """Return a valid create-index body with overrides applied."""
    body: dict[str, Any] = {
        "name": name,
        "dimension": 8,
        "metric": "cosine",
        "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}},
    }
    body.update(overrides)
    return body


def test_create_starts_initializing_then_ready_on_first_read(emulator: Emulator) -> None:
    """With immediate timing the create answer is Initializing and the next describe is Ready."""
    created = emulator.create_index(index_body())
    assert created["status"] == {"ready": False, "state": "Initializing"}
    assert emulator.describe_index("idx")["status"] == {"ready": True, "state": "Ready"}


def test_index_model_fields(emulator: Emulator) -> None:
    """The IndexModel carries host, spec, defaults and tags like the service."""
    created = emulator.create_index(index_body(tags={"team": "search"}))
    assert created["host"] == "idx-abc1234.svc.us-east-1-aws.pinecone.io"
    assert created["spec"] == {"serverless": {"cloud": "aws", "region": "us-east-1"}}
    assert created["deletion_protection"] == "disabled"
    assert created["vector_type"] == "dense"
    assert created["tags"] == {"team": "search"}


def test_ready_waits_for_seconds_on_manual_clock(clock: ManualClock) -> None:
    """An index with a 30 s ready timing stays Initializing until the clock passes 30 s."""
    emu = Emulator(clock=clock, timings=Timings(index_ready=Timing(seconds=30)))
    emu.create_index(index_body())
    clock.advance(29)
    assert emu.describe_index("idx")["status"]["state"] == "Initializing"
    clock.advance(1)
    assert emu.describe_index("idx")["status"]["state"] == "Ready"


def test_ready_after_n_reads(emulator: Emulator) -> None:
    """With reads=2 the first two observations see Initializing and the third sees Ready."""
    emulator.set_timings(Timings(index_ready=Timing(reads=2)))
    emulator.create_index(index_body())
    states = [emulator.describe_index("idx")["status"]["state"] for _ in range(3)]
    assert states == ["Initializing", "Initializing", "Ready"]


def test_list_counts_as_a_read(emulator: Emulator) -> None:
    """Listing observes every listed index, advancing read-based timings."""
    emulator.set_timings(Timings(index_ready=Timing(reads=1)))
    emulator.create_index(index_body())
    assert emulator.list_indexes()["indexes"][0]["status"]["state"] == "Initializing"
    assert emulator.list_indexes()["indexes"][0]["status"]["state"] == "Ready"


def test_both_seconds_and_reads_are_required(clock: ManualClock) -> None:
    """A timing with seconds and reads ends only when both are satisfied."""
    emu = Emulator(clock=clock, timings=Timings(index_ready=Timing(seconds=10, reads=1)))
    emu.create_index(index_body())
    assert emu.describe_index("idx")["status"]["state"] == "Initializing"
    assert emu.describe_index("idx")["status"]["state"] == "Initializing"
    clock.advance(10)
    assert emu.describe_index("idx")["status"]["state"] == "Ready"


def test_set_timings_applies_to_phases_under_way(clock: ManualClock) -> None:
    """Zeroing the timings finishes phases that were waiting on the old ones."""
    emu = Emulator(clock=clock, timings=Timings(index_ready=Timing(seconds=1000)))
    emu.create_index(index_body())
    emu.set_timings(Timings())
    assert emu.describe_index("idx")["status"]["state"] == "Ready"


def test_list_is_in_creation_order(emulator: Emulator) -> None:
    """Indexes are listed in creation order."""
    for name in ("zeta", "alpha", "mid"):
        emulator.create_index(index_body(name))
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["zeta", "alpha", "mid"]


@pytest.mark.parametrize(
    "name", ["", "Upper", "-lead", "trail-", "under_score", "a" * 46, "dot.name"]
)
def test_bad_index_names_are_invalid_argument(emulator: Emulator, name: str) -> None:
    """Names breaking the 1-45 lowercase/digit/hyphen rule are 400 INVALID_ARGUMENT."""
    with pytest.raises(InvalidArgumentError):
        emulator.create_index(index_body(name))


def test_longest_valid_name_is_accepted(emulator: Emulator) -> None:
    """A 45-character name is allowed."""
    assert emulator.create_index(index_body("a" * 45))["name"] == "a" * 45


@pytest.mark.parametrize(
    "tags",
    [{"bad key": "v"}, {"k" * 81: "v"}, {"k": "v" * 121}, {"k": "no/slash"}, {"": "v"}],
)
def test_bad_tags_are_invalid_argument(emulator: Emulator, tags: dict[str, str]) -> None:
    """Tag keys/values outside the allowed characters and lengths are 400."""
    with pytest.raises(InvalidArgumentError):
        emulator.create_index(index_body(tags=tags))


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"dimension": 8, "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}}},
        {"name": "idx", "dimension": 8},
        index_body(dimension="8"),
        index_body(dimension=True),
        index_body(spec={"serverless": {"cloud": "aws"}}),
        index_body(spec={}),
        index_body(tags={"k": 1}),
        {**index_body(), "name": 5},
    ],
)
def test_shape_problems_are_unprocessable(emulator: Emulator, body: object) -> None:
    """Missing fields and wrong JSON types are 422 UNPROCESSABLE_ENTITY."""
    with pytest.raises(UnprocessableError):
        emulator.create_index(body)


@pytest.mark.parametrize(
    "overrides",
    [
        {"dimension": 0},
        {"dimension": 20001},
        {"metric": "manhattan"},
        {"vector_type": "hybrid"},
        {"deletion_protection": "on"},
        {"dimension": None},
        {"vector_type": "sparse"},
        {"spec": {"serverless": {"cloud": "ibm", "region": "us-east-1"}}},
        {"spec": {"pod": {"environment": "us-east1-gcp", "pod_type": "p1.x1"}}},
    ],
)
def test_value_problems_are_invalid_argument(emulator: Emulator, overrides: dict[str, Any]) -> None:
    """Out-of-range or unknown values are 400 INVALID_ARGUMENT."""
    with pytest.raises(InvalidArgumentError):
        emulator.create_index(index_body(**overrides))


def test_unknown_keys_are_tolerated(emulator: Emulator) -> None:
    """Extra keys in a body are ignored."""
    assert emulator.create_index(index_body(future_field={"x": 1}))["name"] == "idx"


def test_sparse_index_has_no_dimension_and_dotproduct(emulator: Emulator) -> None:
    """A sparse index defaults to dotproduct and has no dimension."""
    body = index_body(vector_type="sparse", metric=None)
    del body["dimension"]
    created = emulator.create_index(body)
    assert created["metric"] == "dotproduct"
    assert "dimension" not in created


def test_unknown_region_is_not_found(emulator: Emulator) -> None:
    """A cloud/region pair that is not configured is 404."""
    with pytest.raises(NotFoundError):
        emulator.create_index(index_body(spec={"serverless": {"cloud": "aws", "region": "mars-1"}}))


def test_regions_are_configurable(clock: ManualClock) -> None:
    """Custom regions replace the defaults."""
    emu = Emulator(clock=clock, regions={"gcp": ("asia-1",)})
    emu.create_index(index_body(spec={"serverless": {"cloud": "gcp", "region": "asia-1"}}))
    with pytest.raises(NotFoundError):
        emu.create_index(index_body("other"))


def test_duplicate_name_is_already_exists(emulator: Emulator) -> None:
    """A taken name is 409."""
    emulator.create_index(index_body())
    with pytest.raises(AlreadyExistsError):
        emulator.create_index(index_body())


def test_name_of_terminating_index_is_still_taken(clock: ManualClock) -> None:
    """While an index is Terminating its name cannot be reused."""
    emu = Emulator(clock=clock, timings=Timings(index_terminate=Timing(seconds=5)))
    emu.seed_index(name="idx")
    emu.delete_index("idx")
    assert emu.describe_index("idx")["status"] == {"ready": False, "state": "Terminating"}
    with pytest.raises(AlreadyExistsError):
        emu.create_index(index_body())
    clock.advance(5)
    with pytest.raises(NotFoundError):
        emu.describe_index("idx")
    emu.create_index(index_body())


def test_delete_with_zero_timing_is_gone_at_next_read(emulator: Emulator) -> None:
    """With immediate termination the index disappears before the next list."""
    emulator.seed_index(name="idx")
    emulator.delete_index("idx")
    assert emulator.list_indexes() == {"indexes": []}


def test_delete_unknown_is_not_found(emulator: Emulator) -> None:
    """Deleting a missing index is 404."""
    with pytest.raises(NotFoundError):
        emulator.delete_index("nope")


def test_deletion_protection_blocks_delete(emulator: Emulator) -> None:
    """A protected index cannot be deleted until protection is disabled."""
    emulator.seed_index(name="idx", deletion_protection="enabled")
    with pytest.raises(ForbiddenError):
        emulator.delete_index("idx")
    emulator.configure_index("idx", {"deletion_protection": "disabled"})
    emulator.delete_index("idx")


def test_configure_merges_tags_and_removes_empty(emulator: Emulator) -> None:
    """PATCH merges tags per key, and an empty value removes the key."""
    emulator.seed_index(name="idx", tags={"a": "1", "b": "2"})
    result = emulator.configure_index("idx", {"tags": {"b": "", "c": "3"}})
    assert result["tags"] == {"a": "1", "c": "3"}
    assert result["deletion_protection"] == "disabled"


def test_configure_without_fields_changes_nothing(emulator: Emulator) -> None:
    """An empty PATCH leaves tags and deletion protection as they were."""
    emulator.seed_index(name="idx", tags={"a": "1"}, deletion_protection="enabled")
    result = emulator.configure_index("idx", {})
    assert result["tags"] == {"a": "1"}
    assert result["deletion_protection"] == "enabled"


def test_configure_pod_spec_on_serverless_is_invalid(emulator: Emulator) -> None:
    """Pod settings cannot be applied to a serverless index."""
    emulator.seed_index(name="idx")
    with pytest.raises(InvalidArgumentError):
        emulator.configure_index("idx", {"spec": {"pod": {"replicas": 2}}})


def test_configure_unknown_index_is_not_found(emulator: Emulator) -> None:
    """Configuring a missing index is 404."""
    with pytest.raises(NotFoundError):
        emulator.configure_index("nope", {})


def test_configure_terminating_index_is_failed_precondition(clock: ManualClock) -> None:
    """A Terminating index cannot be configured."""
    emu = Emulator(clock=clock, timings=Timings(index_terminate=Timing(seconds=5)))
    emu.seed_index(name="idx")
    emu.delete_index("idx")
    with pytest.raises(FailedPreconditionError):
        emu.configure_index("idx", {"tags": {"a": "b"}})


def test_index_quota_is_forbidden(clock: ManualClock) -> None:
    """Creating past the index quota is 403 FORBIDDEN."""
    emu = Emulator(clock=clock, quotas=Quotas(indexes=1))
    emu.create_index(index_body("one"))
    with pytest.raises(ForbiddenError) as info:
        emu.create_index(index_body("two"))
    assert info.value.code == "FORBIDDEN"
