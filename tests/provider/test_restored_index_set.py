"""RestoredIndexSetProvider: many restores as one resource, against the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from support import ProviderFactory, checked

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.errors import NotFoundError
from pulumi_pinecone_restore.lifecycle.index import user_tags
from pulumi_pinecone_restore.providers.restored_index_set import (
    RestoredIndexSetProvider,
    SetOperationError,
)


@pytest.fixture(name="backups")
def _backups(emulator: Emulator) -> dict[str, str]:
    ids = {}
    for source in ("products", "reviews", "users"):
        emulator.seed_index(name=source, dimension=4, tags={"env": "prod"})
        ids[source] = str(emulator.seed_backup(source_index_name=source)["backup_id"])
    return ids


@pytest.fixture(name="provider")
def _provider(make_provider: ProviderFactory) -> RestoredIndexSetProvider:
    return make_provider(RestoredIndexSetProvider)


def members_for(backups: dict[str, str], **extra: Any) -> dict[str, Any]:
    """One member per source, named stg-<source>."""
    return {
        "members": {s: {"backup_id": b, "name": f"stg-{s}", **extra} for s, b in backups.items()}
    }


def test_create_restores_every_member(
    provider: RestoredIndexSetProvider, backups: dict[str, str]
) -> None:
    """All members are restored and their hosts are mapped by index name."""
    result = provider.create(checked(provider, members_for(backups)))
    outs = result.outs or {}
    assert set(outs["hosts"]) == {"stg-products", "stg-reviews", "stg-users"}
    assert all(c["state"] == "Ready" for c in outs["clones"].values())
    assert outs["names"]["reviews"] == "stg-reviews"


def test_one_failed_restore_rolls_back_the_others(
    provider: RestoredIndexSetProvider,
    backups: dict[str, str],
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A failed member makes create fail and leaves no member behind."""
    emulator.fail_restores_from(backups["reviews"])
    with pytest.raises(SetOperationError) as info:
        provider.create(checked(provider, members_for(backups)))
    assert "reviews" in str(info.value)
    for name in ("stg-products", "stg-reviews", "stg-users"):
        with pytest.raises(NotFoundError):
            client.describe_index(name)


def test_check_rejects_duplicate_names_and_bad_members(
    provider: RestoredIndexSetProvider, backups: dict[str, str]
) -> None:
    """Duplicate index names and invalid member inputs are reported on `members`."""
    news = {
        "members": {
            "a": {"backup_id": backups["users"], "name": "same"},
            "b": {"backup_id": backups["users"], "name": "same"},
            "c": {"backup_id": backups["users"], "name": "Bad"},
        }
    }
    reasons = [f.reason for f in provider.check({}, news).failures]
    assert any("unique" in r for r in reasons)
    assert any(r.startswith("members[c]: name:") for r in reasons)


def test_auto_named_members_get_distinct_names(
    provider: RestoredIndexSetProvider, backups: dict[str, str]
) -> None:
    """Members without names are named after the set and their key."""
    news = {
        "owner_seed": "p/s/clones",
        "members": {"x": {"backup_id": backups["users"]}, "y": {"backup_id": backups["users"]}},
    }
    inputs = checked(provider, news)
    names = {k: m["name"] for k, m in inputs["members"].items()}
    assert names["x"].startswith("clones-x-")
    assert names["y"].startswith("clones-y-")


def test_update_adds_changes_and_removes_members(
    provider: RestoredIndexSetProvider, backups: dict[str, str], client: ControlPlaneClient
) -> None:
    """Adding, retagging and removing members happen in one update."""
    first = {"members": {k: v for k, v in members_for(backups)["members"].items() if k != "users"}}
    outs = dict(provider.create(checked(provider, first)).outs or {})
    second = members_for(backups)
    second["members"]["products"]["tags"] = {"env": "staging"}
    del second["members"]["reviews"]
    news = checked(provider, second)
    assert provider.diff("id", outs, news).changes
    updated = provider.update("id", outs, news).outs or {}
    assert set(updated["names"]) == {"products", "users"}
    assert user_tags(client.describe_index("stg-products").tags) == {"env": "staging"}
    with pytest.raises(NotFoundError):
        client.describe_index("stg-reviews")
    assert not provider.diff("id", updated, news).changes


def test_changed_backup_replaces_only_that_member(
    provider: RestoredIndexSetProvider,
    backups: dict[str, str],
    emulator: Emulator,
    client: ControlPlaneClient,
) -> None:
    """A new backup for one member restores that member again and keeps the rest."""
    outs = dict(provider.create(checked(provider, members_for(backups))).outs or {})
    newer = str(emulator.seed_backup(source_index_name="users")["backup_id"])
    news = members_for({**backups, "users": newer})
    updated = provider.update("id", outs, checked(provider, news)).outs or {}
    assert updated["clones"]["users"]["backup_id"] == newer
    assert (
        updated["clones"]["products"]["restore_job_id"]
        == (outs["clones"]["products"]["restore_job_id"])
    )
    assert client.describe_index("stg-users").state == "Ready"


def test_refresh_drops_members_deleted_out_of_band(
    provider: RestoredIndexSetProvider, backups: dict[str, str], client: ControlPlaneClient
) -> None:
    """A member deleted outside Pulumi disappears from outputs and inputs on refresh."""
    outs = dict(provider.create(checked(provider, members_for(backups))).outs or {})
    client.delete_index("stg-users")
    read = provider.read("id", outs)
    assert read.outs is not None
    assert set(read.outs["clones"]) == {"products", "reviews"}
    assert read.inputs is not None
    assert set(read.inputs["members"]) == {"products", "reviews"}


def test_refresh_keeps_a_members_unmanaged_drift_out_of_its_inputs(
    provider: RestoredIndexSetProvider, backups: dict[str, str], client: ControlPlaneClient
) -> None:
    """Protection a member leaves out, turned on by hand, is not recorded as its input."""
    outs = dict(
        provider.create(checked(provider, members_for(backups, tags={"a": "1"}))).outs or {}
    )
    client.configure_index("stg-users", deletion_protection="enabled", tags={"a": "2"})
    read = provider.read("id", outs)
    assert read.inputs is not None
    users = read.inputs["members"]["users"]
    assert "deletion_protection" not in users
    assert users["tags"] == {"a": "2"}  # a given input's drift is recorded, and put right
    client.configure_index("stg-users", deletion_protection="disabled")


def test_delete_removes_every_member(
    provider: RestoredIndexSetProvider, backups: dict[str, str], client: ControlPlaneClient
) -> None:
    """Destroying the set deletes all its indexes and waits until they are gone."""
    outs = dict(provider.create(checked(provider, members_for(backups))).outs or {})
    provider.delete("id", outs)
    assert not [i for i in client.list_indexes() if i.name.startswith("stg-")]


def test_max_concurrency_from_the_wire_is_kept_as_a_whole_number(
    provider: RestoredIndexSetProvider, backups: dict[str, str]
) -> None:
    """A max_concurrency sent as 2.0 (numbers cross gRPC as floats) is stored as 2."""
    result = provider.create(checked(provider, {**members_for(backups), "max_concurrency": 2.0}))
    outs = result.outs or {}
    assert (outs["max_concurrency"], len(outs["clones"])) == (2, 3)


def test_changing_max_concurrency_alone_is_an_update(
    provider: RestoredIndexSetProvider, backups: dict[str, str]
) -> None:
    """A new max_concurrency shows as a change of the set (recorded in place)."""
    outs = dict(provider.create(checked(provider, members_for(backups))).outs or {})
    news = checked(provider, {**members_for(backups), "max_concurrency": 8}, outs)
    assert provider.diff("id", outs, news).changes is True
