"""Errors raised by the control-plane client and the providers.

The tree, by what went wrong::

    PineconeRestoreError                 anything this package raises on purpose
    ├── ConfigurationError               missing API key, unusable controller host
    ├── ApiError                         the control plane answered with a non-2xx status
    │   ├── BadRequestError              400 INVALID_ARGUMENT (and 422 UNPROCESSABLE_ENTITY)
    │   ├── AuthenticationError          401 UNAUTHENTICATED
    │   ├── ForbiddenError               403 (quota, deletion protection, permissions)
    │   ├── NotFoundError                404 NOT_FOUND
    │   ├── ConflictError                409 ALREADY_EXISTS
    │   ├── PreconditionFailedError      412 FAILED_PRECONDITION
    │   ├── RateLimitedError             429, after retries ran out
    │   └── ServerError                  5xx, after retries ran out
    ├── TransportError                   no usable HTTP answer; the request may have acted
    │   ├── ConnectError                 nothing was sent (no connection, or no time left to send)
    │   └── ReadTimeoutError             sent, but no answer in time: the server may have acted
    ├── OperationError                   a long-running operation ended badly
    │   ├── RestoreFailedError           a restore job ended Failed/Cancelled, or its index failed
    │   ├── BackupFailedError            a backup ended Failed, or vanished while being taken
    │   ├── CollectionFailedError        a collection is unusable, or its index failed to start
    │   ├── VanishedError                what we were creating was deleted out of band
    │   ├── StartFailedError             the starting request kept failing until we gave up
    │   ├── SetOperationError            members of a RestoredIndexSet failed (lists each)
    │   ├── CancelledError               stopped because another member of the set failed
    │   └── WaitTimeoutError             the time budget ran out while waiting
    ├── RefusedError                     we decided not to act (no request was refused by the API)
    │   ├── NameTakenError               the name is held by an object this stack did not make
    │   ├── NotOursError                 the object under our id was not made by this stack
    │   ├── DeletionProtectedError       deletion protection is on and force_destroy is not
    │   ├── InputMismatchError           inputs contradict what exists (e.g. a dimension)
    │   └── ImportRefusedError           an existing object cannot be managed as this resource
    ├── BackupNotFoundError              a backup lookup matched nothing
    └── RestoreJobNotFoundError          a restore-job lookup found no such job

Only :class:`ApiError` and its subclasses carry an HTTP method, path and status, and only for a
request that was sent and answered (their ``code`` is Pinecone's). Every local decision is a
:class:`RefusedError` or an :class:`OperationError` with a fixed ``code`` of its own
(``NAME_TAKEN``, ``TIMEOUT``...), whose ``__cause__`` is the real API error where there was one.
Every error pickles and unpickles (a plugin may hand it across processes).

Messages never contain the API key: the client never puts request headers in them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing_extensions import Self

import attrs

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BackupFailedError",
    "BackupNotFoundError",
    "BadRequestError",
    "CancelledError",
    "CollectionFailedError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "DeletionProtectedError",
    "ForbiddenError",
    "ImportRefusedError",
    "InputMismatchError",
    "NameTakenError",
    "NotFoundError",
    "NotOursError",
    "OperationError",
    "PineconeRestoreError",
    "PreconditionFailedError",
    "RateLimitedError",
    "ReadTimeoutError",
    "RefusedError",
    "RestoreFailedError",
    "RestoreJobNotFoundError",
    "ServerError",
    "SetOperationError",
    "StartFailedError",
    "TransportError",
    "VanishedError",
    "WaitTimeoutError",
    "error_for_response",
]


class PineconeRestoreError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(PineconeRestoreError):
    """Raised when credentials or the controller host are missing or unusable."""


class TransportError(PineconeRestoreError):
    """Raised when a request got no usable HTTP answer, even after retries.

    The request may have reached the server and acted (a reset mid-answer, a body that is not
    JSON); the subclasses say more. A non-idempotent request (a ``POST`` that starts something)
    must be reconciled before it is sent again unless :attr:`may_have_acted` is false.

    Attributes:
        may_have_acted: Whether the server may have received (and acted on) the request.
        out_of_budget: The operation's time budget, not the client's own timeout, cut the
            request short (or left no time to send it).
    """

    may_have_acted: ClassVar[bool] = True

    def __init__(self, message: str, *, out_of_budget: bool = False) -> None:
        """Build the error; ``out_of_budget`` when the operation's deadline cut it short."""
        super().__init__(message)
        self.out_of_budget = out_of_budget

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only flag is not in args: rebuild from both.
        return (_transport_error, (type(self), str(self), self.out_of_budget))


def _transport_error(
    cls: type[TransportError], message: str, out_of_budget: bool
) -> TransportError:
    return cls(message, out_of_budget=out_of_budget)


class ConnectError(TransportError):
    """Raised when the request was never sent: no connection could be made, or no time was left.

    Sending it again is safe whatever the method: the server saw nothing.
    """

    may_have_acted: ClassVar[bool] = False


class ReadTimeoutError(TransportError):
    """Raised when the request was sent but no answer came in time: the server may have acted."""


class _LocalError(PineconeRestoreError):
    """An error decided here rather than answered by the API: each class has a fixed ``code``.

    A subclass names its code in its header, ``class VanishedError(OperationError,
    code="VANISHED")``; one that names none keeps its parent's.
    """

    code: ClassVar[str]

    def __init_subclass__(cls, *, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code


class OperationError(_LocalError, code="OPERATION_FAILED"):
    """Raised when a long-running operation (restore, backup, deletion) ends badly.

    Attributes:
        discarded: The id of what the failed create had started and then deleted again
            (``None``: it deleted nothing). A set reports each member's real outcome from it.
        left_running: What the create had started and keeps running on Pinecone's side, and
            where (e.g. ``RestoredIndex 'stg-a' (restore job 1f2e... from backup 9a8b...)``);
            ``None`` when nothing of it runs on.
        left_running_id: The resource id of that object (the index name): the provider plugin
            records it as a partial create, so the next ``pulumi up`` continues it.
    """

    discarded: str | None = None
    left_running: str | None = None
    left_running_id: str | None = None


class RestoreFailedError(OperationError, code="RESTORE_FAILED"):
    """Raised when a restore job ends ``Failed``/``Cancelled`` or its index fails to initialize."""


class BackupFailedError(OperationError, code="BACKUP_FAILED"):
    """Raised when a backup ends ``Failed`` or disappears while it is being taken."""


class CollectionFailedError(OperationError, code="COLLECTION_FAILED"):
    """Raised when a collection cannot be used, or an index made from it fails to initialize."""


class VanishedError(OperationError, code="VANISHED"):
    """Raised when what a create was waiting for was deleted outside this tool meanwhile."""


class StartFailedError(OperationError, code="START_FAILED"):
    """Raised when the starting request kept failing (5xx, no answer) until retries ran out."""


class SetOperationError(OperationError, code="SET_FAILED"):
    """Raised when members of a set failed; lists each member's error and what was left.

    Attributes:
        outcomes: Member key → what became of it: ``finished`` (kept), ``deleted`` (made,
            then deleted again), ``running`` (left running on Pinecone's side), ``failed``
            (nothing of it left), ``stopped`` (stopped before it started anything) or
            ``never started``; empty when the set does not know.
    """

    def __init__(self, message: str, outcomes: dict[str, str] | None = None) -> None:
        """Build the error; ``outcomes`` by member key (see the class docstring)."""
        super().__init__(message, outcomes or {})
        self.outcomes: dict[str, str] = dict(outcomes or {})

    def __str__(self) -> str:
        """The message alone."""
        return str(self.args[0])


class CancelledError(OperationError, code="CANCELLED"):
    """Raised when a wait or request stopped because another member of its set failed.

    What it had started is deleted again (``discarded``), as after any failed create, or, if
    that failed, keeps running (``left_running``).
    """


class WaitTimeoutError(OperationError, code="TIMEOUT"):
    """Raised when a time budget runs out while waiting for an operation."""


class RefusedError(_LocalError, code="REFUSED"):
    """Raised when this tool decides not to act; nothing was refused by the API itself."""


class NameTakenError(RefusedError, code="NAME_TAKEN"):
    """Raised when the name is held by an object this stack (or command) did not make."""


class NotOursError(RefusedError, code="NOT_OURS"):
    """Raised when the object under a resource's id lacks this stack's ownership mark."""


class DeletionProtectedError(RefusedError, code="DELETION_PROTECTED"):
    """Raised when deleting a protected index without ``force_destroy``; nothing was sent.

    Attributes:
        fact: What was refused, without the advice that follows it (a caller with advice of
            its own, such as a set for its member, puts that after it); ``None`` if unknown.
    """

    fact: str | None = None


class InputMismatchError(RefusedError, code="INPUT_MISMATCH"):
    """Raised when inputs contradict what exists (e.g. a dimension that is not the source's)."""


class ImportRefusedError(RefusedError, code="IMPORT_REFUSED"):
    """Raised when an existing object cannot be managed (imported) as this resource."""


@attrs.frozen
class _ErrorBody:
    code: str | None
    message: str | None


def _parse_envelope(text: str) -> _ErrorBody:
    """Read Pinecone's ``{"error": {"code", "message"}, "status"}`` envelope, tolerating junk."""
    try:
        payload: Any = json.loads(text) if text else None
    except ValueError:
        return _ErrorBody(code=None, message=text[:500] or None)
    if isinstance(payload, dict):
        err = payload.get("error")
        if isinstance(err, dict):
            code, message = err.get("code"), err.get("message")
            return _ErrorBody(
                code=code if isinstance(code, str) else None,
                message=message if isinstance(message, str) else None,
            )
        # Some proxies answer {"message": ...}; keep what is there.
        message = payload.get("message")
        if isinstance(message, str):
            return _ErrorBody(code=None, message=message)
    return _ErrorBody(code=None, message=text[:500] or None)


class ApiError(PineconeRestoreError):
    """Raised when the control plane answers with a non-2xx status.

    Pinecone's own message is kept as it came; what it means here (which input to check, what
    to run) travels beside it in :attr:`hint`, never in its place. ``str()`` shows both; a door
    with its own words (the CLI names flags, not Pulumi inputs) shows :attr:`summary` and its
    own advice instead.

    Attributes:
        status: The HTTP status code.
        code: Pinecone's error code (``NOT_FOUND``, ``ALREADY_EXISTS``...), or ``None``.
        api_message: Pinecone's own message, verbatim, or ``None``.
        method: The HTTP method of the failed request.
        path: The request path (never the full URL with credentials; there are none in URLs).
        request_id: The server's id of the request (``x-request-id``), when it sent one.
        hint: Local advice on what the answer means and what to do, or ``None``.
    """

    def __init__(  # noqa: PLR0917 - the parts of one failed response, in wire order
        self,
        status: int,
        code: str | None,
        api_message: str | None,
        method: str,
        path: str,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        """Build the error from the parts of a failed response."""
        self.status = status
        self.code = code
        self.api_message = api_message
        self.method = method
        self.path = path
        self.request_id = request_id
        self.hint = hint
        super().__init__(self.summary)

    @property
    def summary(self) -> str:
        """The request, the status, Pinecone's code and message (verbatim); no local advice."""
        detail = self.api_message or "no message"
        label = f"{self.code}: " if self.code else ""
        rid = f"; request id {self.request_id}" if self.request_id else ""
        return f"{self.method} {self.path} failed with HTTP {self.status} ({label}{detail}{rid})"

    def __str__(self) -> str:
        return f"{self.summary}. {self.hint}" if self.hint else self.summary

    def explained(self, hint: str) -> Self:
        """The same answer to the same request, with ``hint`` saying what it means here.

        Pinecone's message is kept verbatim; ``hint`` goes beside it (see :attr:`hint`).
        """
        return type(self)(
            self.status, self.code, self.api_message, self.method, self.path, self.request_id, hint
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles its args (the message); rebuild from the parts instead.
        parts = (
            self.status,
            self.code,
            self.api_message,
            self.method,
            self.path,
            self.request_id,
            self.hint,
        )
        return (type(self), parts, self.__dict__)


class BadRequestError(ApiError):
    """Raised on 400 INVALID_ARGUMENT or 422 UNPROCESSABLE_ENTITY: the request was invalid."""


class AuthenticationError(ApiError):
    """Raised on 401: the API key is missing or wrong."""


class ForbiddenError(ApiError):
    """Raised on 403: quota exceeded, deletion protection, or missing permission."""


class NotFoundError(ApiError):
    """Raised on 404: the index, backup, restore job or collection does not exist."""


class ConflictError(ApiError):
    """Raised on 409: a resource with that name already exists."""


class PreconditionFailedError(ApiError):
    """Raised on 412: e.g. a backup is not ready, or has pending restore jobs."""


class RateLimitedError(ApiError):
    """Raised on 429 once the client's retries ran out."""


class ServerError(ApiError):
    """Raised on 5xx once the client's retries ran out."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    422: BadRequestError,
    429: RateLimitedError,
}


def error_for_response(
    status: int, body: str, method: str, path: str, request_id: str | None = None
) -> ApiError:
    """Build the typed error for a failed response.

    Args:
        status: HTTP status code (non-2xx).
        body: Response body text (Pinecone's error envelope, or anything else).
        method: HTTP method of the request.
        path: Request path.
        request_id: The server's request id header, if it sent one.

    Returns:
        The most specific :class:`ApiError` subclass for the status.
    """
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)  # noqa: PLR2004
    parsed = _parse_envelope(body)
    return cls(status, parsed.code, parsed.message, method, path, request_id)


class BackupNotFoundError(PineconeRestoreError):
    """Raised when a backup lookup (by id, or the latest matching filters) finds nothing.

    The message says what was searched and which backups exist there.
    """


class RestoreJobNotFoundError(PineconeRestoreError):
    """Raised by ``get_restore_job`` when the project has no restore job of that id."""
