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


def rfc3339(epoch_seconds: float, digits: int = 6) -> str:
    """Render epoch seconds as an RFC 3339 UTC timestamp with a `Z` suffix, as the API does.

    The live service writes 9 fractional digits in some answers (create backup) and 6 in
    others (describe), so the precision is a parameter; digits are truncated, not rounded,
    so the 6-digit form of an instant is a prefix of its 9-digit form.

    Args:
        epoch_seconds: Seconds since the Unix epoch.
        digits: Fractional digits, 0..9.

    Returns:
        A string such as `2025-03-11T18:29:50.549482Z` (`digits=6`).
    """
    nanos = round(epoch_seconds * 1_000_000_000)
    whole, fraction = divmod(nanos, 1_000_000_000)
    moment = dt.datetime.fromtimestamp(whole, tz=dt.timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits > 0:
        text += "." + f"{fraction:09d}"[:digits]
    return text + "Z"
