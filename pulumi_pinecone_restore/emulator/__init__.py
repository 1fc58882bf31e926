"""A local emulator of the Pinecone control plane (API 2025-04).

Serve it from tests with `EmulatorServer(Emulator(...))`, or run `pinecone-restore-emulator`.
Lifecycles advance on a controllable clock and/or after a number of reads (`Timings`), faults
are injected with `FaultRule`s, and an admin API lives under `/_emulator/`.
"""

from __future__ import annotations

from pulumi_pinecone_restore.emulator.clock import Clock, ManualClock, SystemClock
from pulumi_pinecone_restore.emulator.config import (
    DEFAULT_REGIONS,
    Behaviour,
    Progress,
    Quotas,
    RestoreTiming,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.emulator.exceptions import (
    AlreadyExistsError,
    EmulatorError,
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    UnprocessableError,
)
from pulumi_pinecone_restore.emulator.faults import FaultRule
from pulumi_pinecone_restore.emulator.models import DEFAULT_API_KEY, Emulator
from pulumi_pinecone_restore.emulator.persistence import SqliteStore
from pulumi_pinecone_restore.emulator.server import EmulatorServer

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_REGIONS",
    "AlreadyExistsError",
    "Behaviour",
    "Clock",
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "FailedPreconditionError",
    "FaultRule",
    "ForbiddenError",
    "InvalidArgumentError",
    "ManualClock",
    "NotFoundError",
    "Progress",
    "Quotas",
    "RestoreTiming",
    "SqliteStore",
    "SystemClock",
    "Timing",
    "Timings",
    "UnauthenticatedError",
    "UnprocessableError",
]
