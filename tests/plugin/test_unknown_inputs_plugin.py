"""Inputs not known at preview, as the real plugin receives them (``pulumi.output.Unknown``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness.plugin import DynamicPluginProcess, provider_props
from pulumi.dynamic import ResourceProvider
from pulumi.runtime.rpc import UNKNOWN
from support import dynamic_plugin

from pulumi_pinecone_restore.emulator import EmulatorServer
from pulumi_pinecone_restore.providers.collection_index import CollectionIndexProvider
from pulumi_pinecone_restore.providers.index_backup import IndexBackupProvider
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider

PREFIX = "urn:pulumi:dev::proj::pulumi-python:dynamic/pinecone:"

# Per resource: inputs in which every input is unknown (top level and nested), and the
# outputs of an existing resource with a replace key that the unknown may change.
CASES: dict[str, tuple[ResourceProvider, dict[str, Any], dict[str, Any], str]] = {
    "RestoredIndex": (
        RestoredIndexProvider(),
        {
            "backup_id": UNKNOWN,
            "name": UNKNOWN,
            "tags": {"env": UNKNOWN, "team": "a"},
            "deletion_protection": UNKNOWN,
            "create_timeout": UNKNOWN,
            "delete_timeout": UNKNOWN,
            "force_destroy": UNKNOWN,
        },
        {"name": "idx", "backup_id": "b1", "tags": {}, "deletion_protection": "disabled"},
        "backup_id",
    ),
    "CollectionIndex": (
        CollectionIndexProvider(),
        {
            "source_collection": UNKNOWN,
            "cloud": UNKNOWN,
            "region": UNKNOWN,
            "dimension": UNKNOWN,
            "metric": UNKNOWN,
            "tags": UNKNOWN,
            "deletion_protection": UNKNOWN,
            "owner_seed": "proj/dev/r",
        },
        {"name": "idx", "source_collection": "c", "cloud": "aws", "region": "us-east-1"},
        "source_collection",
    ),
    "IndexBackup": (
        IndexBackupProvider(),
        {
            "source_index_name": UNKNOWN,
            "name": UNKNOWN,
            "description": UNKNOWN,
            "trigger": UNKNOWN,
            "create_timeout": UNKNOWN,
        },
        {"backup_id": "b1", "source_index_name": "src"},
        "source_index_name",
    ),
}


@pytest.fixture(name="plugin", scope="module")
def _plugin(emulator_server: EmulatorServer) -> Iterator[DynamicPluginProcess]:
    with dynamic_plugin(emulator_server) as plugin:
        yield plugin


@pytest.mark.parametrize("kind", sorted(CASES))
def test_check_accepts_unknowns_anywhere(plugin: DynamicPluginProcess, kind: str) -> None:
    """Check defers every unknown input, top-level or nested, instead of refusing it."""
    provider, news, _, _ = CASES[kind]
    checked = plugin.check(PREFIX + kind + "::r", {}, provider_props(provider, news))
    assert checked.failures == []


@pytest.mark.parametrize("kind", sorted(CASES))
def test_diff_reports_an_unknown_replace_key_as_a_replacement(
    plugin: DynamicPluginProcess, kind: str
) -> None:
    """An unknown replace key is a possible replacement, told to the engine as one."""
    provider, news, olds, key = CASES[kind]
    urn = PREFIX + kind + "::r"
    checked = plugin.check(urn, {}, provider_props(provider, news))
    diff = plugin.diff(
        str(olds.get("name") or olds.get("backup_id")),
        urn,
        provider_props(provider, olds),
        checked.inputs,
    )
    assert diff.changes == "DIFF_SOME"
    assert key in diff.replaces


def test_known_parts_of_a_map_are_still_checked(plugin: DynamicPluginProcess) -> None:
    """A bad tag next to an unknown one is still refused, naming the property."""
    news = {"backup_id": UNKNOWN, "tags": {"env": UNKNOWN, "bad key!": "x"}}
    checked = plugin.check(
        PREFIX + "RestoredIndex::r", {}, provider_props(RestoredIndexProvider(), news)
    )
    assert [prop for prop, _ in checked.failures] == ["tags"]


def test_a_set_fed_by_unknown_backups_passes_check_and_diffs(
    plugin: DynamicPluginProcess,
) -> None:
    """A set whose member backup ids and tags are unknown is checked and diffed, not refused."""
    provider = RestoredIndexSetProvider()
    urn = PREFIX + "RestoredIndexSet::s"
    news = {
        "members": {"a": {"backup_id": UNKNOWN, "name": "stg-a", "tags": UNKNOWN}},
        "owner_seed": "proj/dev/s",
    }
    checked = plugin.check(urn, {}, provider_props(provider, news))
    assert checked.failures == []
    olds = {
        "clones": {"a": {"name": "stg-a", "backup_id": "b1", "tags": {}}},
        "members": {"a": {"backup_id": "b1", "name": "stg-a"}},
    }
    diff = plugin.diff("stg-a", urn, provider_props(provider, olds), checked.inputs)
    assert diff.changes == "DIFF_SOME"
