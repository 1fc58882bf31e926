"""Input rules checked before anything reaches the API."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.lifecycle.final_backup import parse_final_backup
from pulumi_pinecone_restore.validation import (
    auto_index_name,
    check_deletion_protection,
    check_index_name,
    check_tags,
    parse_duration,
)


@pytest.mark.parametrize("name", ["a", "search-staging", "x" * 45, "0index9"])
def test_valid_index_names_pass(name: str) -> None:
    """Names of 1-45 lowercase alphanumerics and inner hyphens are accepted."""
    assert check_index_name(name) is None


@pytest.mark.parametrize("name", ["", "-a", "a-", "Upper", "under_score", "x" * 46, "sp ace"])
def test_invalid_index_names_are_explained(name: str) -> None:
    """Each broken rule yields a message that quotes the offending name or length."""
    reason = check_index_name(name)
    assert reason is not None
    assert repr(name) in reason or "empty" in reason


def test_non_string_name_is_rejected() -> None:
    """A number given as a name says a string is needed."""
    assert "string" in (check_index_name(12) or "")


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ({"bad key": "v"}, "tag key"),
        ({"k" * 81: "v"}, "tag key"),
        ({"env": ""}, "empty value"),
        ({"env": "a/b"}, "value"),
        ({"env": "x" * 121}, "value"),
        ({"env": 3}, "string value"),
        (["env"], "map"),
    ],
)
def test_invalid_tags_are_explained(tags: object, fragment: str) -> None:
    """Tag keys, values and shapes outside Pinecone's rules produce a specific message."""
    assert fragment in (check_tags(tags) or "")


def test_valid_tags_pass() -> None:
    """Keys with _ and -, and values with the allowed punctuation, pass."""
    assert check_tags({"team_a-1": "ops@example.com; v1.2+3 x"}) is None


def test_deletion_protection_enum() -> None:
    """Only 'enabled' and 'disabled' are accepted."""
    assert check_deletion_protection("enabled") is None
    assert "enabled" in (check_deletion_protection("on") or "")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(90, 90.0), ("90s", 90.0), ("20m", 1200.0), ("1h30m", 5400.0), ("2.5", 2.5)],
)
def test_durations_parse(value: object, seconds: float) -> None:
    """Numbers are seconds; strings take Go-style h/m/s parts."""
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "10x", 0, -5, True, "", None, "1h-2m"])
def test_bad_durations_raise(value: object) -> None:
    """Anything not a positive duration raises ValueError with guidance."""
    with pytest.raises(ValueError, match=r"duration|positive"):
        parse_duration(value)


def test_auto_name_is_valid_stable_and_seeded() -> None:
    """Auto names are valid, deterministic per seed, and differ when the seed differs."""
    first = auto_index_name("Search_Staging!!", "proj/dev/search/bkp-1")
    assert check_index_name(first) is None
    assert first.startswith("search-staging-")
    assert first == auto_index_name("Search_Staging!!", "proj/dev/search/bkp-1")
    assert first != auto_index_name("Search_Staging!!", "proj/dev/search/bkp-2")


def test_auto_name_truncates_long_resource_names() -> None:
    """A very long resource name still yields a name within 45 characters."""
    name = auto_index_name("a" * 100 + "-", "seed")
    assert len(name) <= 45
    assert check_index_name(name) is None


def test_auto_name_of_symbols_only_falls_back() -> None:
    """A resource name with no usable characters gets the prefix 'index'."""
    assert auto_index_name("___", "s").startswith("index-")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "must be a non-empty name (give a backup name"),
        ("  ", "must be a non-empty name (give a backup name"),
        (5, "must be true or a name (give a backup name"),
        ("a\nb", "contains a control character"),
    ],
)
def test_bad_final_backup_says_what_to_give(value: object, fragment: str) -> None:
    """A bad ``final_backup`` names the three ways to set it and nothing that contradicts them.

    (Backup names are shared with IndexBackup, whose blank name says "omit it for an unnamed
    backup"; omitting ``final_backup`` means no backup at all.)
    """
    with pytest.raises(ValueError, match="omit it for no backup") as info:
        parse_final_backup(value)
    assert fragment in str(info.value)
    assert "unnamed" not in str(info.value)


@pytest.mark.parametrize(("value", "parsed"), [(True, True), (False, False), ("last", "last")])
def test_final_backup_takes_a_flag_or_a_name(value: object, parsed: object) -> None:
    """``true``/``false`` stay flags; a name is kept as given."""
    assert parse_final_backup(value) == parsed
