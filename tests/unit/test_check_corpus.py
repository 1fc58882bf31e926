"""The input corpus through each dynamic provider's public ``check(olds, news)``.

Only the providers' public contract is used: a bad value must give a ``CheckFailure`` whose
property is the one that was bad (and no other), a valid value must give no failure.
"""

from __future__ import annotations

from typing import Any

import pytest
from corpus.inputs import BAD, MESSAGES, MINIMAL, UNKNOWN_PROPERTIES, VALID, case_id, cases
from pulumi.dynamic import ResourceProvider

from pulumi_pinecone_restore.providers.collection_index import CollectionIndexProvider
from pulumi_pinecone_restore.providers.index_backup import IndexBackupProvider
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider

PROVIDERS: dict[str, type[ResourceProvider]] = {
    "CollectionIndex": CollectionIndexProvider,
    "IndexBackup": IndexBackupProvider,
    "RestoredIndex": RestoredIndexProvider,
    "RestoredIndexSet": RestoredIndexSetProvider,
}


def _news(resource: str, prop: str, value: Any) -> dict[str, Any]:
    news = {**MINIMAL[resource], prop: value}
    if value is None:
        del news[prop]  # None in the corpus means "missing"
    return news


def _params(table: dict[str, dict[str, list[Any]]]) -> list[Any]:
    return [pytest.param(*case, id=case_id(*case)) for case in cases(table)]


def _failures(resource: str, news: dict[str, Any]) -> list[tuple[str, str]]:
    result = PROVIDERS[resource]().check({}, news)
    return [(failure.property, failure.reason) for failure in result.failures or []]


def _failed_properties(resource: str, news: dict[str, Any]) -> set[str]:
    return {prop for prop, _ in _failures(resource, news)}


@pytest.mark.parametrize(("resource", "prop", "value"), _params(BAD))
def test_bad_input_is_refused_naming_its_property(resource: str, prop: str, value: Any) -> None:
    """A bad value yields a check failure for exactly the property that holds it."""
    assert _failed_properties(resource, _news(resource, prop, value)) == {prop}


@pytest.mark.parametrize(("resource", "prop", "value"), _params(VALID))
def test_valid_input_is_accepted(resource: str, prop: str, value: Any) -> None:
    """A value at the documented limits passes check without any failure."""
    assert _failed_properties(resource, _news(resource, prop, value)) == set()


@pytest.mark.parametrize("resource", sorted(MINIMAL))
def test_minimal_inputs_are_accepted(resource: str) -> None:
    """The minimal inputs every case starts from are valid on their own."""
    assert _failed_properties(resource, dict(MINIMAL[resource])) == set()


@pytest.mark.parametrize(
    ("resource", "prop"),
    [(resource, prop) for resource, props in UNKNOWN_PROPERTIES.items() for prop in props],
)
def test_unknown_property_is_refused_by_name(resource: str, prop: str) -> None:
    """A property no resource declares (a typo, a camelCase name) is refused under its name."""
    assert prop in _failed_properties(resource, {**MINIMAL[resource], prop: "x"})


@pytest.mark.parametrize(
    ("resource", "prop", "value", "words"),
    [pytest.param(*case, id=case_id(*case[:3])) for case in MESSAGES],
)
def test_refusal_says_what_to_do(resource: str, prop: str, value: Any, words: str) -> None:
    """A bad value with pinned words is refused under its property with those words."""
    reasons = [reason for failed, reason in _failures(resource, _news(resource, prop, value))]
    assert any(words in reason for reason in reasons), reasons


def test_every_pinned_message_is_a_corpus_case() -> None:
    """Each value whose words are pinned is also a bad value of the corpus, so it is counted."""
    for resource, prop, value, _ in MESSAGES:
        assert any(value == bad for bad in BAD[resource][prop]), (resource, prop, value)


@pytest.mark.parametrize("resource", ["RestoredIndex", "CollectionIndex", "IndexBackup"])
def test_too_long_delete_budget_is_not_called_a_create(resource: str) -> None:
    """The over-7-days refusal of delete_timeout speaks of a wait, never of a create."""
    failures = _failures(resource, _news(resource, "delete_timeout", "169h"))
    assert [prop for prop, _ in failures] == ["delete_timeout"]
    assert "create" not in failures[0][1]
