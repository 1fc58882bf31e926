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
    ├── TransportError                   no usable HTTP answer (connection refused/reset, timeout)
    ├── OperationError                   a long-running operation ended badly
    │   ├── RestoreFailedError           a restore job ended Failed/Cancelled, or the index failed
    │   └── WaitTimeoutError             the time budget ran out while waiting
    ├── BackupNotFoundError              a backup lookup matched nothing
    └── RestoreJobNotFoundError          a restore-job lookup found no such job

Messages never contain the API key: the client never puts request headers in them.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BackupNotFoundError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ForbiddenError",
    "NotFoundError",
    "OperationError",
    "PineconeRestoreError",
    "PreconditionFailedError",
    "RateLimitedError",
    "RestoreFailedError",
    "RestoreJobNotFoundError",
    "ServerError",
    "TransportError",
    "WaitTimeoutError",
    "error_for_response",
]


class PineconeRestoreError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(PineconeRestoreError):
    """Raised when credentials or the controller host are missing or unusable."""


class TransportError(PineconeRestoreError):
    """Raised when a request got no usable HTTP answer, even after retries."""


class OperationError(PineconeRestoreError):
    """Raised when a long-running operation (restore, backup, deletion) ends badly."""


class RestoreFailedError(OperationError):
    """Raised when a restore job ends ``Failed``/``Cancelled`` or its index fails to initialize."""


class WaitTimeoutError(OperationError):
    """Raised when a time budget runs out while waiting for an operation."""


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

    Attributes:
        status: The HTTP status code.
        code: Pinecone's error code (``NOT_FOUND``, ``ALREADY_EXISTS``...), or ``None``.
        api_message: Pinecone's own message, or ``None``.
        method: The HTTP method of the failed request.
        path: The request path (never the full URL with credentials; there are none in URLs).
    """

    def __init__(
        self, status: int, code: str | None, api_message: str | None, method: str, path: str
    ) -> None:
        """Build the error from the parts of a failed response."""
        self.status = status
        self.code = code
        self.api_message = api_message
        self.method = method
        self.path = path
        detail = api_message or "no message"
        label = f"{code}: " if code else ""
        super().__init__(f"{method} {path} failed with HTTP {status} ({label}{detail})")


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


def error_for_response(status: int, body: str, method: str, path: str) -> ApiError:
    """Build the typed error for a failed response.

    Args:
        status: HTTP status code (non-2xx).
        body: Response body text (Pinecone's error envelope, or anything else).
        method: HTTP method of the request.
        path: Request path.

    Returns:
        The most specific :class:`ApiError` subclass for the status.
    """
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)  # noqa: PLR2004
    parsed = _parse_envelope(body)
    return cls(status, parsed.code, parsed.message, method, path)


class BackupNotFoundError(PineconeRestoreError):
    """Raised when a backup lookup (by id, or the latest matching filters) finds nothing.

    The message says what was searched and which backups exist there.
    """


class RestoreJobNotFoundError(PineconeRestoreError):
    """Raised by ``get_restore_job`` when the project has no restore job of that id."""
