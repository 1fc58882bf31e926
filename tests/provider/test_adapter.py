"""The one adapter between pulumi.dynamic and the engine: property bags and unknowns."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.providers.base import from_pulumi, is_unknown
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider

UNKNOWN_OBJECT = Unknown()  # type: ignore[no-untyped-call]  # what the real plugin passes


def test_the_engine_sentinel_is_pulumis() -> None:
    """The engine's one unknown sentinel is Pulumi's protocol value: no door maps it back."""
    assert decl.UNKNOWN == UNKNOWN
    assert from_pulumi({"tags": {"env": UNKNOWN_OBJECT}}) == {"tags": {"env": UNKNOWN}}


@pytest.mark.parametrize("unknown", [UNKNOWN_OBJECT, UNKNOWN], ids=["Unknown", "sentinel"])
def test_both_representations_are_unknown(unknown: Any) -> None:
    """The plugin's Unknown object and the mocks' sentinel string both count as unknown."""
    assert is_unknown(unknown)
    assert not is_unknown("a-backup-id")


@pytest.mark.parametrize("unknown", [UNKNOWN_OBJECT, UNKNOWN], ids=["Unknown", "sentinel"])
def test_unknowns_pass_check_top_level_and_nested(unknown: Any) -> None:
    """Check defers unknown inputs and unknown map values, and returns the wire sentinel."""
    result = RestoredIndexProvider().check(
        {},
        {
            "backup_id": unknown,
            "tags": {"env": unknown, "team": "search"},
            "deletion_protection": unknown,
            "owner_seed": "p/s/r",
        },
    )
    assert result.failures == []
    assert result.inputs["name"] == UNKNOWN  # named after a backup not known yet
    assert result.inputs["tags"] == {"env": UNKNOWN, "team": "search"}


def test_a_wholly_unknown_set_member_passes_check() -> None:
    """A member whose whole map is an output of something else is checked once known."""
    result = RestoredIndexSetProvider().check({}, {"members": {"a": UNKNOWN_OBJECT}})
    assert result.failures == []


def test_user_keys_that_look_internal_are_kept() -> None:
    """Only the top-level `__provider` is dropped; a tag key starting with `__` is the user's."""
    bag = from_pulumi({"__provider": "x", "tags": {"__team": "a"}})
    assert bag == {"tags": {"__team": "a"}}


def test_only_pulumis_dynamic_plugin_process_ends_with_its_engine() -> None:
    """In a test (or a program's own process) the provider's runtime never exits the process."""
    runtime = RestoredIndexProvider().runtime
    assert runtime.before_finish is None
    assert runtime.progress == Runtime().progress


def test_a_progress_line_nobody_reads_fails_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed stderr (its reader gone) loses the line, never the operation that wrote it."""
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    Runtime().progress("RestoredIndex x: Pending")
