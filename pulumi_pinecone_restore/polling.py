"""Waiting for long-running operations: one poll loop, bounded by a deadline, with two schedules.

:func:`wait_for` calls a probe until it returns a value, sleeping between calls as a schedule
says, and gives up when a :class:`Deadline` passes. The clock (the deadline's) and the sleep
are parameters, so tests never sleep. Two schedules exist:

``PollSchedule`` (the default)
    Starts fast and backs off (0.1 s, x1.5 per poll, capped at 10 s). It knows nothing of the
    operation; good for short waits (an index becoming Ready, a backup, a delete).

``ProgressSchedule`` (restore jobs)
    Watches ``percent_complete``, forecasts the finish from the rate it rises at, and polls
    around the forecast. What it guarantees, proven on simulated restores (virtual clock) in
    ``tests/unit/test_schedule_simulated.py`` against the official SDK 7.3's wait (describe
    the index at once, then every 5 s):

    * steady progress: the wait returns within max(0.25 s, 1 % of the restore time) of the
      finish, for every restore from 1 s to 1 h;
    * no progress (``None`` or 0 throughout): polls at 1 s, then when the SDK would (5, 10,
      15 s... counting its calls' time), so the lag is never above the SDK's, at its calls;
    * calls, whatever the progress does: never more than the SDK's for restores of 16 s and
      longer, at most 4 more below. The first 4 polls may go anywhere; after them the k-th
      unfinished poll waits for the SDK's k-th describe;
    * a pace that changes (a stall, a slow middle, a jump): the next polls fall on the SDK's
      times, and once the pace is known again the forecast resumes; a stall is polled no
      faster than the SDK, and every 1 % of the time waited once that is longer. Such a
      restore is noticed within 5 s (or 10 % of its time) of when the SDK would notice it,
      and within the 1 % goal from about 5 minutes on; a shorter one cannot be: one poll per
      5 s leaves 2.5 s on average for a finish nothing foretold.

Wiring a progress-reporting probe. With :func:`wait_observing` (the lifecycle engine's
``Run.follow``), pass the schedule; each :class:`Observation`'s ``percent`` reaches it::

    wait_observing(probe, deadline=deadline, what=f"restore job {job_id}",
                   schedule=ProgressSchedule(), sleep=runtime.sleep)

With :func:`wait_for`, hand over the percent the last probe saw::

    seen: list[float | None] = [None]

    def probe() -> RestoreJobModel | None:
        job = client.describe_restore_job(job_id)
        if job.is_terminal:
            return job
        seen[0] = job.percent_complete      # None when the API sends none
        return None

    wait_for(probe, deadline=deadline, what=f"restore job {job_id}",
             schedule=ProgressSchedule(), progress=lambda: seen[0], sleep=runtime.sleep)

Use a ``ProgressSchedule`` for restores only: without progress it polls at the SDK's 5 s pace,
slower than the backoff for waits that usually end within a second or two.
Start the wait right after the POST that started the job: the schedule counts from the moment
:func:`wait_for` is called. ``progress`` is read after each probe that returned ``None``;
anything that is not a number within 0..100 counts as "no progress reported". The comparison
with the SDK counts the POST and the polls; any other call the caller makes around the wait (a
describe before it, a read after it) comes on top.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from pulumi_pinecone_restore.errors import CancelledError, TransportError, WaitTimeoutError

__all__ = [
    "Cancellation",
    "Deadline",
    "Forecast",
    "Observation",
    "Plan",
    "PollSchedule",
    "ProgressAwareSchedule",
    "ProgressPlan",
    "ProgressSchedule",
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
_MAX_DECIMALS = 6


@attrs.frozen
class Sample:
    """What one poll that found the operation unfinished saw.

    Attributes:
        at: When the probe ran, in seconds since the wait began (the middle of the call).
        spread: Half the probe's duration: the server answered within ``at`` +- ``spread``.
        percent: The progress the probe reported (0..100), or ``None`` if it reported none.
    """

    at: float
    spread: float
    percent: float | None


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
class ProgressSchedule:
    """Polls a job that reports ``percent_complete`` around its forecast finish.

    The defaults meet the goals in the module docstring; each knob says what it trades.

    Args:
        first: The first poll, in seconds after the wait began. It is the poll the SDK makes
            at 0 s, moved to where a short restore is already done or has shown its pace.
        interval: The SDK's poll interval, which sets the no-progress schedule and the call
            budget: past the first ``free_polls``, the k-th poll that finds the job unfinished
            is never earlier than the SDK's k-th describe (k-1 intervals and k-1 calls in).
        free_polls: Polls that may go anywhere (to catch a short restore's pace and finish).
            4 never cost more calls than the SDK's: it makes 4 unfinished describes for any
            restore of 15-20 s, and below 16 s the goal allows its count + 4. A job adopted
            part-way (its percentage already high at the first poll) spends one of them.
        precision: The final poll goes to the latest plausible finish once the forecast is
            this sharp, as a share of the restore time...
        min_lag: ...or in seconds, whichever is larger; until then polls refine the forecast.
        refine: A refining poll goes this share of the way to the earliest plausible finish.
        cap_fraction: While the pace has been steady, never sleep longer than this share of
            the time waited or ``cap_floor``, whichever is longer: this bounds the lag if the
            job then jumps to done.
        cap_floor: See ``cap_fraction``.
        erratic_fraction: Once the pace has changed or stalled, sleep at most
            max(``interval``, this share of the time waited): the finish cannot be foreseen,
            so the lag is bounded by polling (1 % of a long restore, the SDK's 5 s otherwise).
        growth: While progress stalls or the finish is overdue, each sleep is at most this
            much longer than the one before (back off instead of hammering).
        min_gap: The shortest sleep.
    """

    first: float = 1.0
    interval: float = SDK_INTERVAL
    free_polls: int = 4
    precision: float = 0.005
    min_lag: float = 0.1
    refine: float = 0.5
    cap_fraction: float = 0.1
    cap_floor: float = 7.5
    erratic_fraction: float = 0.01
    growth: float = 1.5
    min_gap: float = 0.05

    def plan(self) -> ProgressPlan:
        """A fresh plan for one wait."""
        return ProgressPlan(self)


@attrs.frozen
class _Reading:
    at: float
    spread: float
    percent: float
    quantum: float  # half a unit of the reading's last decimal place

    # Whether the source rounds or truncates is unknown: 40.0 may be anything in
    # [39.95, 40.1) at one decimal. Both bounds cover either.
    @property
    def low(self) -> float:
        return self.percent - self.quantum

    @property
    def high(self) -> float:
        return self.percent + 2 * self.quantum


@attrs.frozen
class Forecast:
    """When a job should finish, in seconds since the wait began.

    Attributes:
        earliest: The earliest finish the readings allow.
        latest: The latest (infinite while progress stalls).
        settled: False when the latest pace differs from the earlier one: the last two
            readings may straddle the change, so the bounds are rough until the next reading.
    """

    earliest: float
    latest: float
    settled: bool


def _quantum(percent: float) -> float:
    # A percentage shown with d decimals was rounded to half a unit of the d-th place; 40.0
    # may be 40.04 rounded to one decimal, so a whole number is taken as +- 0.5 (cautious).
    for decimals in range(_MAX_DECIMALS + 1):
        if round(percent, decimals) == percent:
            return 0.5 * 10.0**-decimals
    return 0.5 * 10.0**-_MAX_DECIMALS


def _clean(percent: float | None) -> float | None:
    if percent is None or isinstance(percent, bool) or not isinstance(percent, (int, float)):
        return None
    value = float(percent)
    return value if math.isfinite(value) and 0.0 <= value <= 100.0 else None  # noqa: PLR2004


@attrs.define
class ProgressPlan:
    """The state of one wait on a :class:`ProgressSchedule`: readings, polls, the last sleep."""

    schedule: ProgressSchedule
    polls: int = 0
    busy: float = 0.0  # seconds spent inside probes so far
    readings: list[_Reading] = attrs.field(factory=list)
    last_gap: float = 0.0
    finest: float = 0.5  # the finest rounding any reading showed: the source's precision
    overdue: int = 0  # consecutive "final" polls that found the job unfinished
    anchored: bool = True
    erratic: bool = False  # the pace has changed or stalled at least once
    _steady: bool = False
    _final: bool = False

    def first_delay(self) -> float:
        """Seconds before the first poll (the schedule's ``first``)."""
        self.last_gap = self.schedule.first
        return self.schedule.first

    def next_delay(self, seen: Sample, now: float) -> float:
        """Seconds to sleep before the next poll, given what the last one saw."""
        self.polls += 1
        self.busy += 2 * max(seen.spread, 0.0)
        self._record(seen)
        self.overdue = self.overdue + 1 if self._final else 0  # a final poll came too early
        target = self._target(now)
        # The SDK sleeps `interval` after each describe returns, so its k-th describe starts
        # k-1 sleeps and k-1 calls in (ours stand in for the time of its calls).
        slot = self.schedule.interval + self.busy / self.polls
        if target is None or self.polls >= self.schedule.free_polls:
            target = max(target or 0.0, self.polls * slot)
        elif not self._steady:
            # A changing pace cannot be foreseen: spend the free polls on the SDK's times.
            target = max(target, slot * (math.floor(now / slot) + 1))
        self.last_gap = max(target - now, 0.0)
        return self.last_gap

    def forecast(self) -> Forecast | None:
        """The finish the readings imply, or ``None`` while no progress has been reported."""
        if not self.readings or self.readings[-1].percent <= 0.0:
            return None
        # The job started (0 %) when the wait began, unless its count has gone back since.
        start = [_Reading(0.0, 0.0, 0.0, 0.0)] if self.anchored else []
        points = [*start, *self.readings]
        if len(points) < 2:  # noqa: PLR2004 - a pace needs two readings
            return Forecast(points[-1].at, math.inf, settled=False)
        last = points[-1]
        low, high = _rate(points[-2], last)
        # Widen the window back in time while the older readings agree with the recent pace:
        # a steady job gets a sharp rate, a job whose pace changed gets its latest pace.
        settled = True
        for count, older in enumerate(reversed(points[:-2])):
            lo, hi = _rate(older, last)
            if lo > high or hi < low:
                # The start is the weakest point (the job began somewhere in the POST, or
                # earlier if adopted): disagreeing with it alone is no change of pace.
                settled = count > 0 or (self.anchored and older is points[0])
                break
            low, high = max(low, lo), min(high, hi)
        left_lo = max(0.0, 100.0 - last.high)
        left_hi = 100.0 - last.low
        earliest = last.at - last.spread + (left_lo / high if high > 0 else math.inf)
        latest = last.at + last.spread + (left_hi / low if low > 0 else math.inf)
        return Forecast(earliest, latest, settled)

    def _record(self, seen: Sample) -> None:
        percent = _clean(seen.percent)
        if percent is None:
            return
        # A reading with fewer decimals than the source shows (40.0 among 39.9, 40.1) is
        # rounded as finely as the finest reading seen so far.
        self.finest = min(self.finest, _quantum(percent))
        reading = _Reading(seen.at, max(seen.spread, 0.0), percent, self.finest)
        if self.readings:
            previous = self.readings[-1]
            if reading.high < previous.low:
                self.readings.clear()  # the count went back: the old pace says nothing now
                self.anchored = False
        self.readings.append(reading)

    def _target(self, now: float) -> float | None:
        """When the forecast says to poll next (seconds since the start); None: no forecast."""
        s = self.schedule
        forecast = self.forecast()
        self._final = False
        if forecast is None:
            return None  # no progress reported: poll as the SDK does
        steady = self._steady = forecast.settled and not math.isinf(forecast.latest)
        tolerance = max(s.min_lag, s.precision * forecast.earliest)
        self.erratic = self.erratic or not steady
        # A pace that never changed earns longer sleeps; one that changed or stalled gets
        # the SDK's, since it may change again.
        if self.erratic:
            cap = max(s.interval, s.erratic_fraction * now)
        else:
            cap = max(s.cap_floor, s.cap_fraction * now)
        sharp = forecast.latest - forecast.earliest <= tolerance
        # Refining costs a poll; once the free ones are (nearly) spent, each poll waits for
        # an SDK slot, so aim at the latest finish and let the cap take interim readings.
        scarce = self.polls + 1 >= s.free_polls
        if steady and (sharp or scarce):
            gap = forecast.latest - now
            if self.overdue > 1 and gap < s.min_gap:
                # Due twice, not done, and the readings still say "now": back off. (One miss
                # is common: the first forecast counts from the wait's start, not the job's.)
                gap = tolerance * s.growth ** (self.overdue - 2)
            self._final = sharp and gap <= cap
        else:
            gap = s.refine * max(forecast.earliest - now, 0.0)
            if not steady:  # back off from the last sleep rather than leap
                gap = min(gap, max(self.last_gap * s.growth, s.min_gap))
        return now + min(max(gap, s.min_gap), cap)


def _rate(older: _Reading, newer: _Reading) -> tuple[float, float]:
    """Bounds on the percent-per-second between two readings, allowing for rounding and timing."""
    span = newer.at - older.at
    jitter = older.spread + newer.spread
    rise_lo = max(newer.low - older.high, 0.0)
    low = rise_lo / (span + jitter) if span + jitter > 0 else 0.0
    high = (newer.high - older.low) / (span - jitter) if span > jitter else math.inf
    return low, max(high, 0.0)


@attrs.define
class Cancellation:
    """A stop signal shared by several operations (the members of a set).

    The first :meth:`cancel` wins and keeps its reason; every wait on a :class:`Deadline` that
    carries this cancellation stops at its next poll or sleep, and every request made under
    such a deadline (see :func:`bounded`) is not sent, with :class:`CancelledError`.
    """

    _event: threading.Event = attrs.field(factory=threading.Event, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)
    reason: str | None = attrs.field(default=None, init=False)

    def cancel(self, reason: str) -> bool:
        """Signal every holder to stop; whether this call was the first (its reason is kept)."""
        with self._lock:
            if self._event.is_set():
                return False
            self.reason = reason
            self._event.set()
            return True

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
    progress: Callable[[], float | None] | None = None,
) -> Waiter[T]:
    """Call ``probe`` until it returns something other than ``None``.

    ``probe`` raises to stop with an error (e.g. a failed restore); a ``None`` means "not yet".
    Time is read from ``deadline.clock``.

    Args:
        probe: One observation; returns the result when done, else ``None``.
        deadline: When to give up.
        what: What is being waited for, for the timeout message.
        schedule: When to poll; the default backs off from 0.1 s to 10 s. A
            :class:`ProgressSchedule` also uses ``progress``.
        sleep: Sleep function (tests pass a no-op or a fake clock's advance).
        progress: Called after each probe that returned ``None``: the percent complete that
            probe saw, or ``None`` when it saw none.

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
        seen = Sample(
            at=(before + after) / 2 - began,
            spread=(after - before) / 2,
            percent=progress() if progress is not None else None,
        )
        _sleep_within(deadline, plan.next_delay(seen, after - began), sleep)
    raise _timed_out(what, deadline)


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
    """A backoff schedule that adjusts each delay from what the last observation said.

    The older hook: :class:`ProgressSchedule` does not need it (its plan gets the percent
    through :func:`wait_for`'s ``progress``), but schedules written against it keep working.
    """

    def next_delay(self, default: float, observation: Observation[Any], elapsed: float) -> float:
        """The delay before the next poll (``default`` is what ``delays()`` proposes)."""


def wait_observing(
    probe: Callable[[], Observation[T]],
    *,
    deadline: Deadline,
    what: str,
    schedule: Schedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waiter[T]:
    """Like :func:`wait_for`, for a probe that reports progress.

    Each observation's ``percent`` reaches the schedule: a :class:`ProgressSchedule` polls
    around the finish it predicts; a :class:`ProgressAwareSchedule` is shown every observation.

    Raises:
        WaitTimeoutError: The deadline passed first.
    """
    last: list[Observation[T]] = []

    def as_optional() -> T | None:
        observation = probe()
        last[:] = [observation]
        return observation.value

    if isinstance(schedule, ProgressAwareSchedule) and isinstance(schedule, PollSchedule):
        return _wait_shown(
            as_optional, last, schedule, schedule, deadline=deadline, what=what, sleep=sleep
        )
    return wait_for(
        as_optional,
        deadline=deadline,
        what=what,
        schedule=schedule,
        sleep=sleep,
        progress=lambda: last[0].percent if last else None,
    )


def _wait_shown(
    as_optional: Callable[[], T | None],
    last: list[Observation[T]],
    schedule: PollSchedule,
    shown: ProgressAwareSchedule,
    *,
    deadline: Deadline,
    what: str,
    sleep: Callable[[float], None],
) -> Waiter[T]:
    for polls, default in enumerate(schedule.delays(), start=1):
        result, spent = _look(as_optional, deadline, what)
        if result is not None:
            return Waiter(result, polls)
        if spent or deadline.expired:
            break
        delay = shown.next_delay(default, last[0], deadline.elapsed)
        _sleep_within(deadline, delay, sleep)
    raise _timed_out(what, deadline)
