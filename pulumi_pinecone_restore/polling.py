"""Waiting for long-running operations: one poll loop, bounded by a deadline, with two schedules.

:func:`wait_for` calls a probe until it returns a value, sleeping between calls as a schedule
says, and gives up when a :class:`Deadline` passes. The clock (the deadline's) and the sleep
are parameters, so tests never sleep. Two schedules exist:

``PollSchedule`` (the default)
    Starts fast and backs off (0.1 s, x1.5 per poll, capped at 10 s). It knows nothing of the
    operation; good for short waits (an index becoming Ready, a backup, a delete).

``RestoreSchedule`` (restore jobs)
    The live service says nothing of a running restore (``Pending``, no ``percent_complete``
    until ``Completed``), so this schedule polls where a forecast of its duration
    (:mod:`~pulumi_pinecone_restore.forecast`, from the backup's size and the project's
    finished restores) says the finish is likely, within the official SDK 7.3's call budget
    (it describes at once after its POST, then every 5 s); with no forecast, at the SDK's
    pace. Measured in ``benchmarks/`` (``python3 dev.py bench``) and proven on simulated
    restores in ``tests/unit/test_restore_schedule.py``.

Wiring a restore::

    schedule = RestoreSchedule(forecast=forecast_duration(size, history), overhead=calls)
    wait_observing(probe, deadline=deadline, what=f"restore job {job_id}",
                   schedule=schedule, sleep=runtime.sleep)

Start the wait right after the POST that started the job: the schedule counts from the moment
the wait begins (pass ``started`` for a job that was already running).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar

import attrs

from pulumi_pinecone_restore.errors import CancelledError, TransportError, WaitTimeoutError
from pulumi_pinecone_restore.forecast import DurationForecast

__all__ = [
    "Cancellation",
    "Deadline",
    "Observation",
    "Plan",
    "PollSchedule",
    "RestorePlan",
    "RestoreSchedule",
    "Sample",
    "Schedule",
    "Waiter",
    "bounded",
    "current_deadline",
    "pause",
    "wait_for",
    "wait_observing",
]

T = TypeVar("T")

FIRST_DELAY = 0.1
GROWTH = 1.5
MAX_DELAY = 10.0

#: A cancellable sleep that is not ``time.sleep`` (a scaled or a fake one) is cut into slices
#: this long, and the cancellation is checked between them.
CANCEL_CHECK_EVERY = 0.25

#: The official SDK 7.3 polls a restored index every 5 s (describe at once, then 5 s sleeps).
SDK_INTERVAL = 5.0


@attrs.frozen
class Sample:
    """What one poll that found the operation unfinished saw.

    Attributes:
        at: When the probe ran, in seconds since the wait began (the middle of the call).
        spread: Half the probe's duration: the server answered within ``at`` +- ``spread``.
    """

    at: float
    spread: float


class Plan(Protocol):
    """One wait's use of a schedule: where to sleep before the first poll and between polls."""

    def first_delay(self) -> float:
        """Seconds to wait before the first poll."""
        ...

    def next_delay(self, seen: Sample, now: float) -> float:
        """Seconds to sleep after a poll that saw ``seen``; ``now`` is seconds since the start."""
        ...


class Schedule(Protocol):
    """Something that makes a fresh :class:`Plan` for each wait."""

    def plan(self) -> Plan:
        """A new plan, counting from the moment the wait begins."""
        ...


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

    def plan(self) -> Plan:
        """A plan that polls at once, then sleeps each of :meth:`delays` in turn."""
        return _BackoffPlan(self.delays())


@attrs.define
class _BackoffPlan:
    _delays: Iterator[float]

    def first_delay(self) -> float:
        return 0.0

    def next_delay(self, _seen: Sample, _now: float) -> float:
        return next(self._delays)


@attrs.frozen
class RestoreSchedule:
    """Polls a restore where its forecast says it will finish, within the SDK's call budget.

    The live service reports nothing while a restore runs, so the finish cannot be seen
    coming; it can be expected. With a :class:`~.forecast.DurationForecast` the polls go
    inside its window (``low`` to ``high``), evenly spread over the calls that are left by
    its end; before the window a tenth of them close in on it, ever nearer (a finish a little
    early is noticed soon); past it the polls come at the SDK's pace. Without a forecast they
    come at the SDK's pace throughout.

    The call budget: the k-th poll is never earlier than the SDK's describe number
    ``k + overhead`` (SDK 7.3 describes at once after its POST, then every ``interval`` plus
    the time of a call), so whenever the restore ends (between two of the SDK's describes),
    the polls and the ``overhead`` calls together are never more than the SDK's describes.
    The first polls the SDK makes, which a restore of any length outlasts, are the ones given
    up; a restore shorter than ``overhead`` intervals costs more calls than the SDK's. Such
    short restores get a few polls outside the budget, so they are not noticed later than
    the SDK would: one at the SDK's second describe without a forecast (one call more than
    the SDK's in all), ``early_polls`` inside a window that ends that soon.

    Args:
        forecast: The expected duration, from the start of the job; ``None``: unknown.
        overhead: Calls the wait makes room for: those that read the history, and any the
            caller makes around the wait that the SDK does not (a describe of the backup
            before it, a describe of the index after the job completed).
        started: Seconds the job had already run when the wait began (an adopted job).
        interval: The SDK's sleep between describes.
        lead_share: The share of the polls spent before the window, closing in on it from one
            window's width before it, each nearer by the same factor (the rest go inside it).
        watch: Before that, one poll at least this often (a restore that failed early is
            noticed within it; about 1 % of the SDK's calls).
        early_polls: Polls inside a window that ends before the budget's first slot (a
            restore of a few seconds), outside the budget.
        min_gap: The shortest sleep.
    """

    forecast: DurationForecast | None = None
    overhead: int = 0
    started: float = 0.0
    interval: float = SDK_INTERVAL
    lead_share: float = 0.1
    watch: float = 300.0
    early_polls: int = 3
    min_gap: float = 0.25

    def plan(self) -> RestorePlan:
        """A fresh plan for one wait."""
        return RestorePlan(self)


@attrs.define
class RestorePlan:
    """The state of one wait on a :class:`RestoreSchedule`: polls made and their duration."""

    schedule: RestoreSchedule
    polls: int = 0
    busy: float = 0.0  # seconds spent inside probes so far
    early: int = 0  # polls made before the budget's first slot (outside the budget)
    _next_is_early: bool = False

    def first_delay(self) -> float:
        """Seconds before the first poll."""
        return self._next(0.0)

    def next_delay(self, seen: Sample, now: float) -> float:
        """Seconds to sleep after a poll that found the restore unfinished."""
        self.polls += 1
        self.busy += 2 * max(seen.spread, 0.0)
        if self._next_is_early:
            self.early += 1
        return self._next(now)

    def _budget_opens(self) -> float:
        return self.slot * self.schedule.overhead

    def _early(self, now: float) -> float | None:
        """A poll before the budget's first slot, for a restore that may end that soon.

        The SDK notices a 2 s restore at 5 s; the budget alone would wait for slot number
        ``overhead`` (15 s). Without a forecast one poll goes where the SDK's second describe
        does (one call more than the SDK's in all); with a window that ends before the budget
        opens, ``early_polls`` go inside it (a restore that short costs more calls than the
        SDK's whatever is done: the overhead alone is more).
        """
        s = self.schedule
        opens = self._budget_opens()
        if s.forecast is None:
            at = self.slot if self.early == 0 else None
        else:
            low, high = s.forecast.low - s.started, s.forecast.high - s.started
            if high >= opens or self.early >= s.early_polls:
                return None
            at = low + (high - low) * (self.early + 1) / s.early_polls
        if at is None or at >= opens:
            return None
        return max(at, now + s.min_gap)

    @property
    def slot(self) -> float:
        """The SDK's time between describes: its sleep plus a call (as long as ours take)."""
        return self.schedule.interval + (self.busy / self.polls if self.polls else 0.0)

    def allowed(self, until: float) -> int:
        """How many polls in all the budget allows by ``until`` (seconds since the start)."""
        return math.floor(until / self.slot) + 1 - self.schedule.overhead

    def _next(self, now: float) -> float:
        s = self.schedule
        # The budget: the k-th poll waits for the SDK's describe number k + overhead (counting
        # its describe at once as number 1). A restore that ends between two of the SDK's
        # describes is then noticed with no more calls than the SDK makes.
        early = self._early(now)
        self._next_is_early = early is not None
        if early is not None:
            return early - now
        floor = self.slot * (self.polls - self.early + s.overhead)
        target = self._wanted(now)
        return max(target, floor, now) - now

    def _wanted(self, now: float) -> float:
        """When the forecast says to poll next (seconds since the start)."""
        s = self.schedule
        if s.forecast is None:
            return now  # the budget alone: the SDK's pace
        low, high = s.forecast.low - s.started, s.forecast.high - s.started
        if now >= high:
            return now + s.interval  # overdue: the forecast was wrong, poll as the SDK does
        total = max(self.allowed(high), 1)
        if now >= low:
            # Inside the window: spread the polls left by its end evenly over what is left.
            left = max(total - self.polls, 1)
            return now + max((high - now) / left, s.min_gap)
        # Before the window: a ladder of polls closing in on it (a finish a little early is
        # noticed soon), then the window's polls one gap apart, the last at its end.
        ladder = math.floor(s.lead_share * total)
        gap = max((high - low) / max(total - ladder, 1), s.min_gap)
        # The rungs reach back one window's width, each farther from it by the same factor.
        growth = max((high - low) / gap, 1.0) ** (1 / ladder) if ladder else 1.0
        rungs = [low - gap * growth**j for j in range(ladder, 0, -1)]
        # A rung a hair ahead is the one just polled, seen through a clock's rounding.
        later = next((t for t in rungs if t - now >= s.min_gap), low + gap)
        # Far from the window, a look now and then: a restore that failed early is noticed.
        return min(max(later, now + s.min_gap), now + s.watch)


@attrs.define(eq=False)  # a signal is itself: equal only to itself, hashable (weakly held)
class Cancellation:
    """A stop signal shared by several operations (the members of a set, a plugin's calls).

    The first :meth:`cancel` wins and keeps its reason; every wait on a :class:`Deadline` that
    carries this cancellation stops at its next poll or sleep, and every request made under
    such a deadline (see :func:`bounded`) is not sent, with :class:`CancelledError`.

    Args:
        keep_started: What a create stopped by it does with the object it started: keep it
            running and report it (``left_running_id``), as when its time runs out, for a
            caller that records it (the plugin's Cancel, Ctrl-C during ``pulumi up``). Without
            it, the create fails as any other and deletes what it started (a set's members,
            which nothing would record).
    """

    keep_started: bool = attrs.field(default=False, kw_only=True)
    _event: threading.Event = attrs.field(factory=threading.Event, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)
    _children: weakref.WeakSet[Cancellation] = attrs.field(
        factory=weakref.WeakSet, init=False, repr=False
    )
    reason: str | None = attrs.field(default=None, init=False)

    def cancel(self, reason: str) -> bool:
        """Signal every holder to stop; whether this call was the first (its reason is kept).

        The children (:meth:`child`) are cancelled too, with the same reason.
        """
        with self._lock:
            if self._event.is_set():
                return False
            self.reason = reason
            self._event.set()
            children = list(self._children)
        for child in children:
            child.cancel(reason)
        return True

    def child(self) -> Cancellation:
        """A cancellation of its own (a set's) that this one's :meth:`cancel` also signals."""
        kid = Cancellation()
        with self._lock:
            if not self._event.is_set():
                self._children.add(kid)
                return kid
        kid.cancel(self.reason or "stopped")
        return kid

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._event.is_set()

    def check(self, what: str) -> None:
        """Raise if cancelled.

        Raises:
            CancelledError: :meth:`cancel` was called; the message names ``what`` stopped.
        """
        if self._event.is_set():
            raise CancelledError(f"stopped {what}: {self.reason}")

    def sleep(self, seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
        """Sleep ``seconds`` with ``sleep``, waking early once cancelled."""
        if seconds <= 0 or self._event.is_set():
            return
        if sleep is time.sleep:
            self._event.wait(seconds)
            return
        # An injected sleep (a fake clock's advance, a scaled sleep): slices, checked between.
        left = seconds
        while left > 0 and not self._event.is_set():
            step = min(left, CANCEL_CHECK_EVERY)
            sleep(step)
            left -= step


@attrs.define
class Deadline:
    """A point in time on an injectable monotonic clock, optionally cancellable.

    Args:
        budget: Seconds from now.
        clock: Monotonic clock, seconds.
        cancel: A cancellation shared with other operations (a set's members): a wait on this
            deadline stops when it is cancelled, as when the budget is spent.
    """

    budget: float
    clock: Callable[[], float] = time.monotonic
    cancel: Cancellation | None = None
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

    @property
    def cancelled(self) -> bool:
        """Whether the shared cancellation (if any) was signalled."""
        return self.cancel is not None and self.cancel.cancelled

    def check(self, what: str) -> None:
        """Raise :class:`CancelledError` if cancelled (``what`` names what stopped)."""
        if self.cancel is not None:
            self.cancel.check(what)

    def without_cancel(self) -> Deadline:
        """The same point in time, without the cancellation (for a lookup that must finish)."""
        copy = Deadline(self.budget, clock=self.clock)
        copy.started = self.started
        return copy


_BOUND: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "pulumi_pinecone_restore_deadline", default=None
)


@contextlib.contextmanager
def bounded(deadline: Deadline | None) -> Iterator[None]:
    """Bound every client request made inside the block (in this thread) by ``deadline``.

    The client cuts each request's connect/read timeout and each retry's sleep (``Retry-After``
    included) to what remains, sends nothing once it is spent or cancelled, and stops retrying
    when the next sleep would not end before it. ``None`` lifts the bound (a cleanup that must
    run after the budget is spent). Threads start unbounded: a set binds each member's own.
    """
    token = _BOUND.set(deadline)
    try:
        yield
    finally:
        _BOUND.reset(token)


def current_deadline() -> Deadline | None:
    """The deadline :func:`bounded` set for this thread, if any."""
    return _BOUND.get()


def pause(seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
    """Sleep ``seconds`` (with ``sleep``), cut to the bound deadline and woken by its cancel."""
    deadline = current_deadline()
    if deadline is None:
        if seconds > 0:
            sleep(seconds)
        return
    _sleep_within(deadline, seconds, sleep)


def _sleep_within(deadline: Deadline, seconds: float, sleep: Callable[[float], None]) -> None:
    seconds = min(max(seconds, 0.0), deadline.remaining)
    if deadline.cancel is not None:
        deadline.cancel.sleep(seconds, sleep)
    else:
        sleep(seconds)


def _look(probe: Callable[[], T | None], deadline: Deadline, what: str) -> tuple[T | None, bool]:
    """One probe under ``deadline``: its result, and whether the budget ran out during it.

    A request the deadline cut short (or had no time left to send) is the budget running out,
    not a failure of the operation: the wait reports a timeout, with its usual guidance.
    """
    deadline.check(f"waiting for {what}")
    with bounded(deadline):
        try:
            return probe(), False
        except TransportError as exc:
            if exc.out_of_budget or deadline.expired:
                return None, True
            raise


def _timed_out(what: str, deadline: Deadline) -> WaitTimeoutError:
    return WaitTimeoutError(
        f"gave up waiting for {what} after {deadline.elapsed:.0f}s (budget {deadline.budget:.0f}s)"
    )


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
    schedule: Schedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waiter[T]:
    """Call ``probe`` until it returns something other than ``None``.

    ``probe`` raises to stop with an error (e.g. a failed restore); a ``None`` means "not yet".
    Time is read from ``deadline.clock``.

    Args:
        probe: One observation; returns the result when done, else ``None``.
        deadline: When to give up.
        what: What is being waited for, for the timeout message.
        schedule: When to poll; the default backs off from 0.1 s to 10 s.
        sleep: Sleep function (tests pass a no-op or a fake clock's advance).

    Returns:
        The value and the number of polls.

    Raises:
        WaitTimeoutError: The deadline passed first (also during a probe's request, which
            the deadline bounds: see :func:`bounded`).
        CancelledError: The deadline's cancellation was signalled.
    """
    plan = (schedule or PollSchedule()).plan()
    clock = deadline.clock
    began = clock()
    first = plan.first_delay()
    if first > 0 and not deadline.expired:
        _sleep_within(deadline, first, sleep)
    polls = 0
    while True:
        before = clock()
        result, spent = _look(probe, deadline, what)
        polls += 1
        if result is not None:
            return Waiter(result, polls)
        if spent or deadline.expired:
            break
        after = clock()
        seen = Sample(at=(before + after) / 2 - began, spread=(after - before) / 2)
        _sleep_within(deadline, plan.next_delay(seen, after - began), sleep)
    raise _timed_out(what, deadline)


@attrs.frozen
class Observation(Generic[T]):
    """One look at a long-running operation.

    Attributes:
        value: The result once the operation is done; ``None`` while it is not.
        status: What the operation reports (for progress lines), e.g. ``"Pending"``.
        percent: Progress 0..100 when the operation reports it, else ``None`` (a running
            restore never does).
        forecast: How long the operation is expected to take, when that is known.
    """

    value: T | None = None
    status: str = ""
    percent: float | None = None
    forecast: DurationForecast | None = None


def wait_observing(
    probe: Callable[[], Observation[T]],
    *,
    deadline: Deadline,
    what: str,
    schedule: Schedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waiter[T]:
    """Like :func:`wait_for`, for a probe that reports what it saw (for progress lines).

    Raises:
        WaitTimeoutError: The deadline passed first.
    """
    return wait_for(
        lambda: probe().value, deadline=deadline, what=what, schedule=schedule, sleep=sleep
    )
