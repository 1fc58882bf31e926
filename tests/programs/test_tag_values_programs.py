"""Tag values that Pulumi would drop or that no tag can hold, refused in the program by key.

Pulumi drops a ``None`` inside a map on its way to a provider, so ``tags={"env": None}`` would
reach check as ``{}`` and remove the tag in silence; the resource classes refuse it before
registering. A list (even one holding an unknown) is refused at check, under ``tags``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from harness.mocks import CheckFailedError, ProviderRoutingMocks

from pulumi_pinecone_restore import (
    CloneEnvironment,
    CollectionIndex,
    IndexBackup,
    RestoredIndex,
)
from pulumi_pinecone_restore.clone import RestoredIndexSet

NONE_TAG = re.escape("tag 'env' has no value (None)")


def _restore(**tags: object) -> Callable[[], None]:
    def program() -> None:
        RestoredIndex("r", backup_id="bkp_1", name="r", tags=tags)  # type: ignore[arg-type]

    return program


def test_restored_index_refuses_a_none_tag_by_key(engine: ProviderRoutingMocks) -> None:
    """RestoredIndex(tags={"env": None}) fails the preview naming the key, registering nothing."""
    with pytest.raises(TypeError, match=NONE_TAG):
        engine.preview(_restore(env=None, team="a"))
    assert engine.operations == []


def test_collection_index_refuses_a_none_tag_by_key() -> None:
    """CollectionIndex(tags={"env": None}) is refused before anything is registered."""
    with pytest.raises(TypeError, match=NONE_TAG):
        CollectionIndex(
            "c",
            source_collection="coll",
            cloud="aws",
            region="us-east-1",
            tags={"env": None},  # type: ignore[dict-item]
        )


def test_set_member_with_a_none_tag_is_refused_by_member_and_key(
    engine: ProviderRoutingMocks,
) -> None:
    """A RestoredIndexSet member's None tag is refused naming the member and the key."""

    def program() -> None:
        RestoredIndexSet("s", {"a": {"backup_id": "bkp_1", "tags": {"env": None}}})

    with pytest.raises(TypeError, match=re.escape("members[a].tags: ") + NONE_TAG):
        engine.preview(program)


def test_clone_environment_refuses_a_none_tag_by_key(engine: ProviderRoutingMocks) -> None:
    """CloneEnvironment(tags={"env": None}) is refused naming the key."""

    def program() -> None:
        CloneEnvironment(
            "stg",
            backups={"prod": "bkp_1"},
            name_prefix="stg-",
            tags={"env": None},  # type: ignore[dict-item]
        )

    with pytest.raises(TypeError, match=NONE_TAG):
        engine.preview(program)


def test_list_tag_with_an_unknown_fails_check_under_tags(engine: ProviderRoutingMocks) -> None:
    """A tag whose value is a list holding a not-yet-known output fails check under `tags`."""

    def program() -> None:
        backup = IndexBackup("b", source_index_name="src")  # its id is unknown at preview
        RestoredIndex("r", backup_id="bkp_1", name="r", tags={"env": ["a", backup.backup_id]})  # type: ignore[dict-item]

    with pytest.raises(CheckFailedError) as info:
        engine.preview(program)
    assert [prop for prop, _ in info.value.failures] == ["tags"]
    assert "tag 'env' has a list as its value" in info.value.failures[0][1]
