"""parse_timestamp reads every precision the API sends, on every supported Python."""

from __future__ import annotations

import datetime as dt

import pytest

from pulumi_pinecone_restore.models import parse_timestamp

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # create backup (live): 9 fractional digits; digits past microseconds are dropped
        ("2025-03-11T18:29:50.549482312Z", dt.datetime(2025, 3, 11, 18, 29, 50, 549482, UTC)),
        # describe backup (live): 6 digits
        ("2025-03-11T18:29:50.549482Z", dt.datetime(2025, 3, 11, 18, 29, 50, 549482, UTC)),
        # the spec's examples: 3 digits, and none
        ("2025-03-11T18:29:50.549Z", dt.datetime(2025, 3, 11, 18, 29, 50, 549000, UTC)),
        ("2025-03-11T18:29:50Z", dt.datetime(2025, 3, 11, 18, 29, 50, 0, UTC)),
        ("2025-03-11T20:29:50.5+02:00", dt.datetime(2025, 3, 11, 18, 29, 50, 500000, UTC)),
        ("2025-03-11T18:29:50", dt.datetime(2025, 3, 11, 18, 29, 50, 0, UTC)),
    ],
)
def test_parses_each_precision(text: str, expected: dt.datetime) -> None:
    """Each precision and zone form the API or its examples use parses to the same instant."""
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", [None, "", "yesterday", "2025-13-11T18:29:50Z"])
def test_non_timestamps_are_none(text: str | None) -> None:
    """Empty or malformed text gives None instead of raising."""
    assert parse_timestamp(text) is None


def test_mixed_precisions_order_by_instant() -> None:
    """A 9-digit and a 6-digit timestamp compare by the moment, not by the text."""
    nine = parse_timestamp("2025-03-11T18:29:10.809305882Z")
    six = parse_timestamp("2025-03-11T18:29:10.809354Z")
    assert nine is not None
    assert six is not None
    assert nine < six
