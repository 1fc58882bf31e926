"""Waiting for long-running operations: one poll loop, bounded by a deadline.

The schedule starts fast and backs off (0.1 s, x1.5 per poll, capped at 10 s), so a restore that
finishes in a second is seen within a fraction of a second and one that takes an hour costs a
few hundred describes. The clock and the sleep are parameters, so tests never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from pulumi_pinecone_restore.errors import WaitTimeoutError

__all__ = ["Deadline", "Observation", "PollSchedule", "wait_for", "wait_observing"]

T = TypeVar("T")

FIRST_DELAY = 0.1
GROWTH = 1.5
MAX_DELAY = 10.0


@attrs.frozen
class PollSchedule:
    """Delays between polls: ``first``, then x``growth`` each time, never above ``cap``."""

    first: float = FIRST_DELAY
    growth: float = GROWTH
    cap: float = MAX_DELAY

    def delays(self) -> Iterator[float]:
        """Yield the delay before each next poll, forever."""
        delay = self.first
        while True:
            yield delay
            delay = min(delay * self.growth, self.cap)


@attrs.define
class Deadline:
    """A point in time on an injectable monotonic clock.

    Args:
        budget: Seconds from now.
        clock: Monotonic clock, seconds.
    """

    budget: float
    clock: Callable[[], float] = time.monotonic
    started: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.started = self.clock()

    @property
    def elapsed(self) -> float:
        """Seconds since the deadline was set."""
        return self.clock() - self.started

    @property
    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.budget - self.elapsed)

    @property
    def expired(self) -> bool:
        """Whether the budget is spent."""
        return self.elapsed >= self.budget


@attrs.frozen
class Waiter(Generic[T]):
    """The outcome of :func:`wait_for`: the final value and how many polls it took."""

    value: T
    polls: int


def wait_for(
    probe: Callable[[], T | None],
    *,
    deadline: Deadline,
    what: str,
    schedule: PollSchedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waiter[T]:
    """Call ``probe`` until it returns something other than ``None``.

    ``probe`` raises to stop with an error (e.g. a failed restore); a ``None`` means "not yet".

    Args:
        probe: One observation; returns the result when done, else ``None``.
        deadline: When to give up.
        what: What is being waited for, for the timeout message.
        schedule: Delays between polls; the default backs off from 0.1 s to 10 s.
        sleep: Sleep function (tests pass a no-op or a fake clock's advance).

    Returns:
        The value and the number of polls.

    Raises:
        WaitTimeoutError: The deadline passed first.
    """
    for polls, delay in enumerate((schedule or PollSchedule()).delays(), start=1):
        result = probe()
        if result is not None:
            return Waiter(result, polls)
        if deadline.expired:
            break
        sleep(min(delay, max(deadline.remaining, 0.0)))
    raise WaitTimeoutError(
        f"gave up waiting for {what} after {deadline.elapsed:.0f}s (budget {deadline.budget:.0f}s)"
    )


@attrs.frozen
class Observation(Generic[T]):
    """One look at a long-running operation.

    Attributes:
        value: The result once the operation is done; ``None`` while it is not.
        status: What the operation reports (for progress lines), e.g. ``"InProgress"``.
        percent: Progress 0..100 when the operation reports it, else ``None``.
    """

    value: T | None = None
    status: str = ""
    percent: float | None = None


@runtime_checkable
class ProgressAwareSchedule(Protocol):
    """A schedule that picks the next delay from what the last observation said."""

    def next_delay(self, default: float, observation: Observation[Any], elapsed: float) -> float:
        """The delay before the next poll (``default`` is what ``delays()`` proposes)."""


def wait_observing(
    probe: Callable[[], Observation[T]],
    *,
    deadline: Deadline,
    what: str,
    schedule: PollSchedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waiter[T]:
    """Like :func:`wait_for`, for a probe that reports progress.

    Each observation goes to the schedule when it is a :class:`ProgressAwareSchedule`, so a
    schedule can poll around the finish that the reported ``percent`` predicts.

    Raises:
        WaitTimeoutError: The deadline passed first.
    """
    schedule = schedule or PollSchedule()
    last: list[Observation[T]] = []

    def as_optional() -> T | None:
        observation = probe()
        last[:] = [observation]
        return observation.value

    if not isinstance(schedule, ProgressAwareSchedule):
        return wait_for(as_optional, deadline=deadline, what=what, schedule=schedule, sleep=sleep)
    for polls, default in enumerate(schedule.delays(), start=1):
        result = as_optional()
        if result is not None:
            return Waiter(result, polls)
        if deadline.expired:
            break
        delay = schedule.next_delay(default, last[0], deadline.elapsed)
        sleep(min(max(delay, 0.0), deadline.remaining))
    raise WaitTimeoutError(
        f"gave up waiting for {what} after {deadline.elapsed:.0f}s (budget {deadline.budget:.0f}s)"
    )
