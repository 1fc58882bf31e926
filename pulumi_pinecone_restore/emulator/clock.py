"""Clocks for the emulator: the wall clock, and a manual clock that tests advance explicitly.

Every lifecycle in the emulator (index initialisation, termination, backups, restores,
collections) is measured against one of these, so tests can decide when time passes instead
of sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol

import attrs


class Clock(Protocol):
    """What the emulator needs from a clock: the current time in epoch seconds."""

    def now(self) -> float:
        """Return the current time as seconds since the Unix epoch."""
        ...


@attrs.frozen
class SystemClock:
    """The real wall clock (`time.time()`); survives restarts, so persisted state stays coherent."""

    def now(self) -> float:
        """Return the current wall-clock time in epoch seconds."""
        return time.time()


@attrs.define
class ManualClock:
    """A clock that only moves when told to, for deterministic tests.

    Args:
        start: The initial time in epoch seconds; defaults to the wall clock at creation, so
            timestamps the emulator renders still look current.
    """

    _now: float = attrs.field(factory=time.time, alias="start")
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def now(self) -> float:
        """Return the clock's current time in epoch seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward.

        Args:
            seconds: How far to move; must not be negative.

        Returns:
            The new current time.

        Raises:
            ValueError: If `seconds` is negative (time never goes backwards).
        """
        if seconds < 0:
            raise ValueError(f"cannot move a clock backwards (seconds={seconds})")
        with self._lock:
            self._now += seconds
            return self._now


def rfc3339(epoch_seconds: float) -> str:
    """Render epoch seconds as an RFC 3339 UTC timestamp with a `Z` suffix, as the API does.

    Args:
        epoch_seconds: Seconds since the Unix epoch.

    Returns:
        A string such as `2025-03-11T18:29:50.549482Z`.
    """
    moment = dt.datetime.fromtimestamp(epoch_seconds, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
