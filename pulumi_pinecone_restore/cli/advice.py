"""The CLI's words for what went wrong: Pinecone's message as sent, the advice beside it.

An API error is shown as its summary (request, status, Pinecone's code and message, verbatim)
and a ``hint:`` line in the command line's own terms: its flags, its verbs, and the environment
variables it reads, never a Pulumi input or command. A 403 is worded by its error code:
``PERMISSION_DENIED`` is the API key's role, ``QUOTA_EXCEEDED`` the project's quota, and
``FORBIDDEN`` is read with what the command was doing (a delete: deletion protection; a create:
the quota), since Pinecone uses that code for both.
"""

from __future__ import annotations

from typing import TextIO

import attrs

from pulumi_pinecone_restore.cli.output import printable
from pulumi_pinecone_restore.errors import (
    ApiError,
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from pulumi_pinecone_restore.settings import API_KEY_ENV, CONTROLLER_HOST_ENV

__all__ = ["PROG", "Action", "Failure", "api_hint", "report", "report_api_error"]

PROG = "pinecone-restore"


@attrs.frozen
class Failure(Exception):  # noqa: N818 - a command's outcome, not an error class of the API
    """A command failed in a way it has already put into words (raised inside commands).

    Attributes:
        message: What happened.
        hint: What to do about it, or ``None``.
        status: The exit status.
    """

    message: str
    hint: str | None = None
    status: int = 1


@attrs.frozen
class Action:
    """What a command was doing when an API error came back (for the hint).

    Attributes:
        verb: ``delete``, ``create``, ``configure``, ``read``.
        kind: ``index``, ``backup``, ``restore job``.
        name: The object's name or id.
        listing: The command that lists such objects, e.g. ``pinecone-restore indexes list``.
    """

    verb: str
    kind: str
    name: str
    listing: str | None = None

    @property
    def what(self) -> str:
        """The object in words, e.g. ``index 'docs'``."""
        return f"{self.kind} {self.name!r}"


def api_hint(exc: ApiError, action: Action | None) -> str | None:
    """The CLI's advice for ``exc``, by status and error code; ``None``: nothing better to say."""
    code = (exc.code or "").upper()
    if isinstance(exc, AuthenticationError):
        return (
            f"check {API_KEY_ENV}: it must be an API key of the project you mean "
            f"(--host / {CONTROLLER_HOST_ENV} choose the control plane)"
        )
    if isinstance(exc, ForbiddenError):
        return _forbidden_hint(code, action)
    if isinstance(exc, NotFoundError) and action is not None:
        listing = f"; `{action.listing}` lists what exists" if action.listing else ""
        return f"{action.what} does not exist in this project{listing}"
    if isinstance(exc, (RateLimitedError, ServerError)):
        return "the control plane is busy or failing; run the command again in a few minutes"
    return None


def _forbidden_hint(code: str, action: Action | None) -> str:
    if code == "PERMISSION_DENIED":
        return (
            f"the API key in {API_KEY_ENV} lacks the permission named above; use a key whose "
            "role allows it (Pinecone console, API keys)"
        )
    if code == "QUOTA_EXCEEDED" or (action is not None and action.verb == "create"):
        return (
            "the project's quota is used up: delete indexes or backups it no longer needs "
            "(`pinecone-restore indexes delete`), or raise the quota in the Pinecone console"
        )
    if action is not None and action.verb == "delete" and action.kind == "index":
        return (
            f"if {action.what} has deletion protection on, turn it off first: "
            f"`pinecone-restore indexes configure {action.name} --deletion-protection disabled`"
        )
    return "Pinecone refused this request; see its message above"


def report(err: TextIO, message: str, hint: str | None = None) -> None:
    """Write an error and its hint to ``err``, each line prefixed as git and gh do."""
    # Escaped: a message may quote the server, whose text must not drive the terminal.
    err.write(f"{PROG}: {printable(message)}\n")
    if hint:
        err.write(f"  hint: {printable(hint)}\n")


def report_api_error(err: TextIO, exc: ApiError, action: Action | None) -> None:
    """Write an API error: Pinecone's words, then the CLI's hint (else the error's own)."""
    report(err, exc.summary, api_hint(exc, action) or exc.hint)
