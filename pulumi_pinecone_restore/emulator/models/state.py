"""The one helper for timed and read-counted status changes (moto's `ManagedState`, lazily).

A record's lifecycle phase (an index `Initializing`, a backup `Pending`, a restore job
`Pending`, an index `Terminating`, ...) ends once its `Timing` holds: `seconds` on the
emulator's clock since the phase began AND `reads` observations made in it; `Timing()` is
"immediately". Each object kind registers as `Managed` with one `StateManager`, saying what
phase a record is in (its `Timing`, or None when settled) and what happens when it ends; the
manager

- ends, at the start of every request (`advance`), each phase whose timing is met, dated at
  the instant it was met (`ended_at`), not at the request that noticed, so nothing runs in
  the background and a test decides when time passes;
- counts a read of a record (`read`) only while a phase of it is under way;
- tells how far a phase has come (`fraction`), which a restore job's progress follows.

The read-counted gates that are not phases (a new restore job's listing lag, the first
describes of a job answering 404) are judged by the same rule, `reached`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import attrs

from pulumi_pinecone_restore.emulator.config import Timing
from pulumi_pinecone_restore.emulator.records import Record

_R = TypeVar("_R", bound=Record)


def reached(timing: Timing, *, reads: int, elapsed: float = 0.0) -> bool:
    """Whether `timing` is met after `elapsed` clock seconds and `reads` observations.

    Args:
        timing: The threshold: clock seconds and observations, both needed.
        reads: Observations counted so far.
        elapsed: Clock seconds since the counting began (0: a gate of reads alone).
    """
    return timing.is_due(elapsed, reads)


def ended_at(record: Record, timing: Timing, now: float) -> float | None:
    """The instant `record`'s current phase ended under `timing`, or None while it lasts.

    That is the later of its duration's end and its last needed read, never after `now`, so
    a restore's `completed_at` and the start of the next phase are exact however late the
    request that notices comes.
    """
    if not reached(timing, reads=record.reads, elapsed=now - record.since):
        return None
    due = record.since + timing.seconds
    if timing.reads and record.last_read_at is not None:
        # Reads are counted until the phase ends, so the last one is the one that met it
        # (or came before the duration ran out, which the max takes care of).
        due = max(due, record.last_read_at)
    return min(due, now)


def fraction(record: Record, timing: Timing, at: float) -> float:
    """How far `record`'s current phase has come at `at` (0.0 at its start, 1.0 when due).

    The phase needs both its duration and its reads, so the laggard sets the pace; a phase
    with neither is at 0.0 until it ends.
    """
    fractions = []
    if timing.seconds > 0:
        fractions.append((at - record.since) / timing.seconds)
    if timing.reads > 0:
        fractions.append(record.reads / timing.reads)
    return min(fractions) if fractions else 0.0


def begin(record: Record, at: float) -> None:
    """Start a new phase on `record` at `at`: its clock restarts and its reads are zero."""
    record.since = at
    record.reads = 0
    record.last_read_at = None


@attrs.frozen
class Managed(Generic[_R]):
    """One kind of record whose status changes are timed and/or read-counted.

    Args:
        kind: The record class.
        records: The records of that kind, asked anew at each advance.
        phase: The `Timing` of the phase a record is in, or None when nothing is under way
            for it; asked at each advance, so new timings judge phases already under way
            (and a restore's duration can be its own).
        arrive: Makes the change that ends a record's phase, given the instant it ended;
            the record's next phase then begins at that instant.
    """

    kind: type[_R]
    records: Callable[[], Iterable[_R]]
    phase: Callable[[_R], Timing | None]
    arrive: Callable[[_R, float], None]

    def advance(self, now: float) -> bool:
        """Make the change on every record whose phase has ended by `now`; whether any did."""
        changed = False
        for record in list(self.records()):
            timing = self.phase(record)
            at = None if timing is None else ended_at(record, timing, now)
            if at is not None:
                self.arrive(record, at)
                begin(record, at)
                changed = True
        return changed

    def read(self, record: Record, now: float) -> None:
        """Count an observation of `record` at `now`, if it is of this kind and in a phase."""
        if isinstance(record, self.kind) and self.phase(record) is not None:
            record.reads += 1
            record.last_read_at = now


@attrs.define
class StateManager:
    """Every managed kind, advanced in the order registered."""

    _kinds: list[Managed[Any]] = attrs.field(factory=list, alias="kinds")

    def register(self, *kinds: Managed[Any]) -> None:
        """Manage more kinds; they are advanced after those registered before."""
        self._kinds.extend(kinds)

    def advance(self, now: float) -> bool:
        """End every phase whose timing is met by `now` (see `ended_at`); whether any was."""
        changed = [kind.advance(now) for kind in self._kinds]
        return any(changed)

    def read(self, record: Record, now: float) -> None:
        """Count an observation of `record` at `now`, if a phase of it is under way."""
        for kind in self._kinds:
            kind.read(record, now)
