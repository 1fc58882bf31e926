"""The input corpus through the validators of ``validation.py`` directly.

``members`` of a RestoredIndexSet has no validator of its own (each member is a RestoredIndex's
inputs, and uniqueness is a set-level rule), so it is covered at the provider level only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from corpus.inputs import BAD, VALID, case_id, cases

from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.validation import (
    MAX_DURATION,
    check_backup_id,
    check_backup_name,
    check_bool,
    check_cloud,
    check_collection_name,
    check_deletion_protection,
    check_description,
    check_dimension,
    check_index_name,
    check_metric,
    check_region,
    check_tags,
    check_trigger,
    parse_duration,
)

Rule = Callable[[Any], "str | None"]


def _connection(value: Any) -> str | None:
    try:
        Connection.from_input(value)
    except ValueError as exc:
        return str(exc)
    return None


def _budget(value: Any) -> str | None:
    try:
        parse_duration(value)
    except ValueError as exc:
        return str(exc)
    return None


_COMMON: dict[str, Rule] = {
    "name": check_index_name,
    "tags": check_tags,
    "deletion_protection": check_deletion_protection,
    "create_timeout": _budget,
    "delete_timeout": _budget,
    "force_destroy": check_bool,
    "connection": _connection,
}
RULES: dict[str, dict[str, Rule]] = {
    "RestoredIndex": {"backup_id": check_backup_id, **_COMMON},
    "CollectionIndex": {
        "source_collection": check_collection_name,
        "cloud": check_cloud,
        "region": check_region,
        "dimension": check_dimension,
        "metric": check_metric,
        **_COMMON,
    },
    "IndexBackup": {
        "source_index_name": check_index_name,
        "name": check_backup_name,
        "description": check_description,
        "trigger": check_trigger,
        "create_timeout": _budget,
        "delete_timeout": _budget,
        "connection": _connection,
    },
}


def _params(table: dict[str, dict[str, list[Any]]]) -> list[Any]:
    return [pytest.param(*case, id=case_id(*case)) for case in cases(table) if case[0] in RULES]


@pytest.mark.parametrize(("resource", "prop", "value"), _params(BAD))
def test_validator_refuses_bad_value(resource: str, prop: str, value: Any) -> None:
    """The property's validator returns a reason for every bad value in the corpus."""
    reason = RULES[resource][prop](value)
    assert isinstance(reason, str)
    assert reason


@pytest.mark.parametrize(("resource", "prop", "value"), _params(VALID))
def test_validator_accepts_valid_value(resource: str, prop: str, value: Any) -> None:
    """The property's validator accepts every valid value in the corpus."""
    assert RULES[resource][prop](value) is None


def test_every_corpus_property_has_a_validator() -> None:
    """Each property the corpus lists for a resource with validators has one here."""
    for resource, rules in RULES.items():
        assert set(BAD[resource]) == set(rules)
        assert set(VALID[resource]) == set(rules)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", 1e400, math.nan, 10**400])
def test_non_finite_budgets_raise_value_error(value: Any) -> None:
    """NaN, infinity and numbers past a float's range are refused with ValueError."""
    with pytest.raises(ValueError, match=r"duration|must be|longer"):
        parse_duration(value)


def test_longest_budget_is_seven_days() -> None:
    """Seven days parse; a second more does not."""
    assert parse_duration("168h") == MAX_DURATION
    with pytest.raises(ValueError, match="168h"):
        parse_duration(MAX_DURATION + 1)


@pytest.mark.parametrize("value", ["../indexes/src-idx/backups?", "..", "a/b", "id\n"])
def test_backup_id_that_could_spell_a_path_is_refused(value: str) -> None:
    """A backup id with path, query or line-break characters is refused."""
    assert "not a backup id" in (check_backup_id(value) or "")


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        (check_index_name, "abc\n"),
        (check_tags, {"env\n": "v"}),
        (check_tags, {"env": "v\n"}),
        (check_region, "us-east-1\n"),
        (check_backup_id, "bkp_1\n"),
    ],
)
def test_trailing_newline_is_refused(rule: Rule, value: Any) -> None:
    """A value that is valid but for a trailing newline is refused (full matches, not ``$``)."""
    assert rule(value) is not None
