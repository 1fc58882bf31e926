"""The CLI's hints (by status and error code, in the command line's words) and listing rows."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.cli.advice import Action, api_hint
from pulumi_pinecone_restore.cli.commands import unique
from pulumi_pinecone_restore.errors import error_for_response

DELETE = Action("delete", "index", "docs", "pinecone-restore indexes list")
CREATE = Action("create", "backup", "b-1", "pinecone-restore backups list")


@pytest.mark.parametrize(
    ("status", "code", "action", "words"),
    [
        (401, "UNAUTHENTICATED", None, "PINECONE_API_KEY"),
        (403, "PERMISSION_DENIED", DELETE, "role"),
        (403, "QUOTA_EXCEEDED", DELETE, "quota"),
        (403, "FORBIDDEN", DELETE, "--deletion-protection disabled"),
        (403, "FORBIDDEN", CREATE, "quota"),
        (404, "NOT_FOUND", CREATE, "`pinecone-restore backups list`"),
        (429, None, None, "again in a few minutes"),
        (503, None, None, "again in a few minutes"),
    ],
    ids=lambda v: str(getattr(v, "verb", v)),
)
def test_hints_follow_status_code_and_action(
    status: int, code: str | None, action: Action | None, words: str
) -> None:
    """Each status/code (with what was being done) gets its own advice."""
    error = error_for_response(
        status,
        f'{{"error": {{"code": "{code}", "message": "m"}}, "status": {status}}}' if code else "",
        "DELETE",
        "/indexes/docs",
    )
    hint = api_hint(error, action)
    assert hint is not None
    assert words in hint
    assert "pulumi" not in hint.lower()


def test_no_hint_is_made_up_for_an_unknown_answer() -> None:
    """A 400 without context gets no invented advice (Pinecone's message stands alone)."""
    assert api_hint(error_for_response(400, "", "POST", "/indexes"), None) is None


def test_a_listing_that_repeats_a_row_is_shown_once() -> None:
    """Rows repeated across pages (as the live service may send) appear once, first seen kept."""
    rows = [("a", 1), ("b", 2), ("a", 3)]
    assert unique(rows, lambda row: row[0]) == [("a", 1), ("b", 2)]
