"""Listing pages and their tokens, shared by every paginated listing."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from typing import TypeVar

from pulumi_pinecone_restore.emulator.exceptions import InvalidArgumentError
from pulumi_pinecone_restore.emulator.records import Record

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

_R = TypeVar("_R", bound=Record)


def _encode_token(kind: str, after: int, limit: int, *, newest_first: bool, page: int = 2) -> str:
    raw = json.dumps(
        {"kind": kind, "after": after, "limit": limit, "desc": newest_first, "page": page},
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_token(kind: str, token: str) -> tuple[int, int, bool, int]:
    """Return (last sequence served, page size, newest first, page number) from a token.

    Raises:
        InvalidArgumentError: Not one of our tokens, another listing's, or a crafted one with
            a page size outside 1..100 (400, never a 500).
    """
    invalid = InvalidArgumentError(f"Invalid paginationToken '{token}'.")
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or payload.get("kind") != kind:
        raise invalid
    after, limit, desc = payload.get("after"), payload.get("limit"), payload.get("desc", False)
    number = payload.get("page", 2)
    if (
        not isinstance(number, int) or isinstance(number, bool) or number < 2  # noqa: PLR2004 - a token names the second page or a later one
    ):
        raise invalid
    if (
        not isinstance(after, int)
        or isinstance(after, bool)
        or not isinstance(limit, int)
        or isinstance(limit, bool)
        or not isinstance(desc, bool)
        or not 1 <= limit <= MAX_PAGE_SIZE
    ):
        raise invalid
    return after, limit, desc, number


def paginate(
    kind: str,
    items: Iterable[_R],
    limit: int | None,
    pagination_token: str | None,
    *,
    newest_first: bool,
    cap: int | None = None,
    repeat: int = 0,
    max_pages: int | None = None,
) -> tuple[list[_R], dict[str, str] | None]:
    """Slice `items` into a page after the token's position, newest or oldest first.

    The token encodes the creation sequence number of the last item served and the order
    it was served in, so deleting objects between pages neither repeats nor skips the
    others, and a change of `Behaviour.newest_first` does not garble a listing under way.

    Args:
        kind: The listing's name; a token from another listing is refused.
        items: Everything the listing shows.
        limit: The requested page size (1..100), or None for the token's or the default.
        pagination_token: The previous page's `next`, or None for the first page.
        newest_first: The order of a listing that starts here.
        cap: The most rows a page holds, whatever the limit (a fault).
        repeat: Rows of the previous page a page repeats (a fault).
        max_pages: The page after which no `next` is given (a fault).

    Raises:
        InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
    """
    if limit is not None and not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}.")
    after: int | None = None
    number = 1
    if pagination_token:
        after, token_limit, newest_first, number = _decode_token(kind, pagination_token)
        limit = limit or token_limit
    size = min(limit or DEFAULT_PAGE_SIZE, cap or MAX_PAGE_SIZE)
    ordered = sorted(items, key=lambda i: i.seq, reverse=newest_first)
    start = 0
    if after is not None:
        start = sum(1 for i in ordered if (i.seq >= after if newest_first else i.seq <= after))
        start = max(start - repeat, 0)  # the fault: the page overlaps the one before
    rest = ordered[start:]
    page = rest[:size]
    if len(rest) > size and (max_pages is None or number < max_pages):
        token = _encode_token(kind, page[-1].seq, size, newest_first=newest_first, page=number + 1)
        return page, {"next": token}
    return page, None
