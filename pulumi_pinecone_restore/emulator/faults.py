"""Fault injection rules: make matching requests fail, stall or lose their connection."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

import attrs

#: Default `error.code` for an injected status; 429 has no enum member of its own in 2025-04.
_CODE_FOR_STATUS: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    422: "UNPROCESSABLE_ENTITY",
    429: "RESOURCE_EXHAUSTED",
    500: "UNKNOWN",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def _check_status(_: object, __: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and not 400 <= value <= 599:  # noqa: PLR2004 - HTTP error range
        raise ValueError(f"fault status must be a 4xx/5xx code, got {value}")


@attrs.frozen
class FaultRule:
    """One fault: which requests it matches and what happens to them.

    A rule matches on method (or `*`) and path. `path` is a shell-style glob
    (`/backups/*/create-index`) unless it starts with `^`, in which case it is a regular
    expression matched against the whole path. Query strings are not part of the path.

    Effects, in order: hold the request while `hang` (a server that hangs), or wait `delay`
    seconds; then, unless `after_action`, answer `status` (or
    drop the connection) without touching state. With `after_action=True` the request is
    processed normally first — state changes — and only the response is replaced, which is
    the case that makes a naive client retry create things twice.

    Args:
        method: HTTP method to match, or `*` for any.
        path: Glob or `^regex` for the request path.
        status: 4xx/5xx status to answer with (error envelope body), or None for no error.
        retry_after: Value of a `Retry-After` header (seconds) on the error response.
        delay: Seconds to wait before answering (a slow response); with `hang`, the longest
            hold (0: until released).
        hang: Hold the request unanswered until the faults are cleared or reset, or the server
            stops (then it is answered as usual): a server that accepts and never answers.
        drop: Close the socket without sending any response.
        after_action: Perform the action before failing the response.
        times: Fire this many times, then disappear; None means forever.
        code: `error.code` to send; defaults to the usual code for `status`.
        message: `error.message` to send.
        reused_connection: Match only requests that arrive on a kept-alive connection that
            already carried a request. With `drop=True` this is a stale pooled connection:
            the server closed it just as the client sent the next request on it.
    """

    method: str = "*"
    path: str = "*"
    status: int | None = attrs.field(default=None, validator=_check_status)
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    after_action: bool = False
    times: int | None = None
    code: str | None = None
    message: str | None = None
    reused_connection: bool = False
    hang: bool = False

    def __attrs_post_init__(self) -> None:
        """Reject rules that would do nothing or can never match."""
        if self.status is None and not self.drop and self.delay <= 0 and not self.hang:
            raise ValueError("a fault needs a status, drop=True, hang=True or a positive delay")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 (or None for forever)")
        if self.path.startswith("^"):
            try:
                re.compile(self.path)
            except re.error as exc:
                raise ValueError(f"invalid path regex {self.path!r}: {exc}") from exc

    def matches(self, method: str, path: str, *, reused_connection: bool = False) -> bool:
        """Return whether this rule applies to a request.

        Args:
            method: The request method.
            path: The request path without query string.
            reused_connection: Whether the request came on a connection used before.
        """
        if self.method not in ("*", method.upper()):
            return False
        if self.reused_connection and not reused_connection:
            return False
        if self.path.startswith("^"):
            return re.fullmatch(self.path, path) is not None
        return fnmatch.fnmatchcase(path, self.path)

    def error_body(self) -> dict[str, Any]:
        """Return the error envelope for `status`."""
        status = self.status or 500
        code = self.code or _CODE_FOR_STATUS.get(status, "UNKNOWN" if status >= 500 else "ABORTED")  # noqa: PLR2004
        message = self.message or f"Injected fault: HTTP {status}."
        return {"error": {"code": code, "message": message}, "status": status}

    def to_json(self) -> dict[str, Any]:
        """Return the rule as a JSON object (the admin API's format)."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> FaultRule:
        """Build a rule from the admin API's JSON object.

        Raises:
            TypeError: If a key is unknown or a value has the wrong type.
            ValueError: If the rule is inconsistent.
        """
        names = {field.name for field in attrs.fields(cls)}
        unknown = set(payload) - names
        if unknown:
            raise TypeError(f"unknown fault field(s) {sorted(unknown)}; known: {sorted(names)}")
        rule = cls(**payload)
        for name, kind in (
            ("method", str),
            ("path", str),
            ("drop", bool),
            ("after_action", bool),
            ("reused_connection", bool),
            ("hang", bool),
        ):
            if not isinstance(getattr(rule, name), kind):
                raise TypeError(f"{name} must be {kind.__name__}")
        for name in ("status", "retry_after", "times"):
            value = getattr(rule, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an integer or null")
        if isinstance(rule.delay, bool) or not isinstance(rule.delay, (int, float)):
            raise TypeError("delay must be a number")
        return rule


@attrs.define
class ActiveFault:
    """A rule plus how many more times it may fire."""

    rule: FaultRule
    remaining: int | None

    def to_json(self) -> dict[str, Any]:
        """Return the rule and its remaining count."""
        return {**self.rule.to_json(), "remaining": self.remaining}
