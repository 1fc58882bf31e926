"""Errors the emulator's state raises; the HTTP layer renders each as Pinecone's error envelope.

Tree (HTTP status, `error.code`)::

    EmulatorError
    ├── InvalidArgumentError     400 INVALID_ARGUMENT      a value breaks a rule (name, tag)
    ├── UnauthenticatedError     401 UNAUTHENTICATED       missing or wrong Api-Key
    ├── ForbiddenError           403 FORBIDDEN             quota exceeded, deletion protection
    ├── NotFoundError            404 NOT_FOUND             unknown object, cloud or region
    ├── AlreadyExistsError       409 ALREADY_EXISTS        name taken (even if Terminating)
    ├── FailedPreconditionError  412 FAILED_PRECONDITION   state forbids the call
    └── UnprocessableError       422 UNPROCESSABLE_ENTITY  not JSON, missing field, wrong type

None of these know about HTTP beyond carrying the status number.
"""

from __future__ import annotations

from typing import Any, ClassVar


class EmulatorError(Exception):
    """Base class: a request the emulated service refuses.

    Args:
        message: Human-readable explanation, rendered as `error.message`.
    """

    status: ClassVar[int] = 500
    code: ClassVar[str] = "UNKNOWN"

    def __init__(self, message: str) -> None:
        """Keep the message for rendering."""
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, Any]:
        """Return the body `{"error": {"code", "message"}, "status"}` the API sends."""
        return {"error": {"code": self.code, "message": self.message}, "status": self.status}


class InvalidArgumentError(EmulatorError):
    """Raised when a well-formed body carries a value the API rejects (400)."""

    status = 400
    code = "INVALID_ARGUMENT"


class UnauthenticatedError(EmulatorError):
    """Raised when the `Api-Key` header is missing or wrong (401)."""

    status = 401
    code = "UNAUTHENTICATED"


class ForbiddenError(EmulatorError):
    """Raised when a quota is exhausted or deletion protection blocks a delete (403)."""

    status = 403
    code = "FORBIDDEN"


class NotFoundError(EmulatorError):
    """Raised when the named object (or cloud/region) does not exist (404)."""

    status = 404
    code = "NOT_FOUND"


class AlreadyExistsError(EmulatorError):
    """Raised when a name is already taken (409)."""

    status = 409
    code = "ALREADY_EXISTS"


class FailedPreconditionError(EmulatorError):
    """Raised when the object's state forbids the call, e.g. restoring a backup not Ready (412)."""

    status = 412
    code = "FAILED_PRECONDITION"


class UnprocessableError(EmulatorError):
    """Raised when a body cannot be deserialized: bad JSON, missing field, wrong type (422)."""

    status = 422
    code = "UNPROCESSABLE_ENTITY"
