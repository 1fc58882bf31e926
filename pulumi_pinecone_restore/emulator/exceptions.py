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

None of these know about HTTP beyond carrying the status number; each kind names its status
and code in its class statement (`class NotFoundError(EmulatorError, status=404, ...)`).
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

    def __init_subclass__(
        cls, *, status: int | None = None, code: str | None = None, **kwargs: object
    ) -> None:
        """Give a kind of refusal its HTTP status and `error.code` (else its base's)."""
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

    def __init__(self, message: str) -> None:
        """Keep the message for rendering."""
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, Any]:
        """Return the body `{"error": {"code", "message"}, "status"}` the API sends."""
        return {"error": {"code": self.code, "message": self.message}, "status": self.status}


class InvalidArgumentError(EmulatorError, status=400, code="INVALID_ARGUMENT"):
    """Raised when a well-formed body carries a value the API rejects (400)."""


class UnauthenticatedError(EmulatorError, status=401, code="UNAUTHENTICATED"):
    """Raised when the `Api-Key` header is missing or wrong (401)."""


class ForbiddenError(EmulatorError, status=403, code="FORBIDDEN"):
    """Raised when a quota is exhausted or deletion protection blocks a delete (403)."""


class NotFoundError(EmulatorError, status=404, code="NOT_FOUND"):
    """Raised when the named object (or cloud/region) does not exist (404)."""


class AlreadyExistsError(EmulatorError, status=409, code="ALREADY_EXISTS"):
    """Raised when a name is already taken (409)."""


class FailedPreconditionError(EmulatorError, status=412, code="FAILED_PRECONDITION"):
    """Raised when the object's state forbids the call, e.g. restoring a backup not Ready (412)."""


class UnprocessableError(EmulatorError, status=422, code="UNPROCESSABLE_ENTITY"):
    """Raised when a body cannot be deserialized: bad JSON, missing field, wrong type (422)."""
