"""How long a restore should take, from what the API does say before it is done.

The live service reports no progress while a restore runs (``Pending``, no
``percent_complete`` until ``Completed``), so a restore's finish is forecast from two things it
does report: the backup's size (``record_count``, else ``size_bytes``) and the project's own
finished restores (``created_at`` to ``completed_at``, with the sizes of their backups).

The model is ``seconds = fixed + per_record * records``, fitted to the history on relative
errors (a 10-minute restore that took 11 is as far off as a 1-hour one that took 66). With
too few sizes to separate the two terms it falls back to one: the mean duration when the
earlier restores were of about this size, else a duration proportional to the size. The
window around the forecast is the scatter of the history about the model (its root mean
square, on a log scale, pooled with an assumed scatter of about +-10 % and widened for the few
restores it rests on), never narrower than ``MIN_SPREAD``. ``namespace_count`` is not part of
the fit: a history of a handful of restores cannot separate a third term, and the emulator's
duration model has none.
"""

from __future__ import annotations

import hashlib
import math
import statistics
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from pulumi_pinecone_restore.errors import PineconeRestoreError
from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel, parse_timestamp

if TYPE_CHECKING:
    from pulumi_pinecone_restore.client import ControlPlaneClient

__all__ = [
    "MIN_SPREAD",
    "DurationForecast",
    "Finished",
    "RestoreHistory",
    "Size",
    "forecast_duration",
    "size_of",
]

#: The narrowest window, as a share of the forecast either side: restores of one backup vary.
MIN_SPREAD = 0.05
#: The window when the history has no restore to spare beyond the fitted terms (one restore).
FEW_SPREAD = 0.25
#: How many root-mean-square errors the window spans either side of the forecast.
WIDTH = 2.0
#: What a few restores' scatter is taken to be before they say otherwise (log scale; about
#: +-10 % spread evenly), and how many restores' worth of weight that assumption carries.
PRIOR_RMS = 0.06
PRIOR_WEIGHT = 2
#: Earlier restores are "about this size" within this ratio either way: average them.
SAME_SIZE = 1.25
#: A least-squares fit of both terms needs sizes at least this far apart.
SPREAD_SIZES = 1.5
_MIN_POINTS_FOR_TWO_TERMS = 3


@attrs.frozen
class Size:
    """What a backup reports about its size once it is ``Ready`` (``None``: not reported)."""

    record_count: int | None = None
    size_bytes: int | None = None
    namespace_count: int | None = None


@attrs.frozen
class Finished:
    """One earlier restore of the project: how long it took and how big its backup was."""

    seconds: float
    size: Size


@attrs.frozen
class DurationForecast:
    """A restore's expected duration, in seconds from its start.

    Attributes:
        expected: The most likely duration.
        low: The window's start: a finish before it is unlikely.
        high: The window's end: a finish after it is unlikely.
        history: How many earlier restores it rests on.
    """

    expected: float
    low: float
    high: float
    history: int


def _measure(size: Size, by: str) -> float | None:
    value = getattr(size, by)
    return float(value) if isinstance(value, int) and value > 0 else None


def forecast_duration(size: Size, history: Sequence[Finished]) -> DurationForecast | None:
    """The forecast for a restore of a backup of ``size``, or ``None`` without a usable history.

    Args:
        size: The backup being restored.
        history: The project's finished restores (any order; durations must be positive).

    Returns:
        The forecast, or ``None`` when no earlier restore can be compared with this one.
    """
    for by in ("record_count", "size_bytes"):
        target = _measure(size, by)
        if target is None:
            continue
        points = [
            (x, h.seconds)
            for h in history
            if (x := _measure(h.size, by)) is not None and h.seconds > 0
        ]
        if points:
            return _fit(target, points)
    # No size to compare: restores of a backup that reports none, or of an empty one.
    durations = [h.seconds for h in history if h.seconds > 0]
    if not durations:
        return None
    return _window(
        statistics.fmean(durations), [d / statistics.fmean(durations) for d in durations], 1
    )


def _fit(target: float, points: list[tuple[float, float]]) -> DurationForecast:
    sizes = [x for x, _ in points]
    near = [(x, d) for x, d in points if 1 / SAME_SIZE <= x / target <= SAME_SIZE]
    if len(near) >= len(points) / 2 or max(sizes) / min(sizes) < SPREAD_SIZES:
        # About this size (or nothing to tell the terms apart): scale the mean by the size.
        chosen = near or points
        rate = statistics.fmean(d / x for x, d in chosen)
        return _window(rate * target, [d / (rate * x) for x, d in chosen], 1)
    if len(points) >= _MIN_POINTS_FOR_TWO_TERMS:
        terms = _two_terms(points)
        if terms is not None:
            fixed, per = terms
            return _window(fixed + per * target, [d / (fixed + per * x) for x, d in points], 2)
    rate = statistics.fmean(d / x for x, d in points)
    return _window(rate * target, [d / (rate * x) for x, d in points], 1)


def _two_terms(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares of ``d = fixed + per * x`` on relative errors; ``None`` if a term is < 0."""
    # Weighting each point by 1/d^2 minimises the relative errors: solve the 2x2 normal system.
    sw = sx = sxx = sy = sxy = 0.0
    for x, d in points:
        w = 1.0 / (d * d)
        sw, sx, sxx, sy, sxy = sw + w, sx + w * x, sxx + w * x * x, sy + w * d, sxy + w * x * d
    det = sw * sxx - sx * sx
    if det <= 0:
        return None
    per = (sw * sxy - sx * sy) / det
    fixed = (sy - per * sx) / sw
    if per < 0 or fixed < 0:
        return None
    return fixed, per


def _window(expected: float, ratios: list[float], terms: int) -> DurationForecast:
    """``expected`` with a window from the ``ratios`` of actual to fitted durations."""
    count = len(ratios)
    free = count - terms
    if free < 1:
        spread = FEW_SPREAD
    else:
        # Two or three restores' scatter varies a lot from draw to draw: pool it with the prior.
        squares = sum(math.log(r) ** 2 for r in ratios) + PRIOR_WEIGHT * PRIOR_RMS**2
        rms = math.sqrt(squares / (free + PRIOR_WEIGHT))
        # Few points understate the scatter: widen by the fitted terms' share of them.
        spread = max(MIN_SPREAD, WIDTH * rms * math.sqrt(1 + terms / count))
    return DurationForecast(
        expected=expected,
        low=expected * math.exp(-spread),
        high=expected * math.exp(spread),
        history=count,
    )


# The project's history of finished restores --------------------------------------------
#
# The project's finished restores, read once per run (or set) for the restore forecast.
#
# One listing of restore jobs (its first page of up to 100, the newest on a service that lists
# newest first) and, only when some finished job restored a backup not already known, one
# listing of backups give each finished restore's duration (``created_at`` to
# ``completed_at``) and its backup's size. Both are best effort: the restore-job listing is
# lossy (rows dropped, repeated, pages cut short), so rows are de-duplicated by id and a
# missing row only makes the history shorter. A failed read leaves no history (the wait then
# polls at the SDK's pace); it is not retried and not an error.

#: Rows asked for per listing (the API's maximum): one page is the history read.
PAGE = 100


def size_of(backup: BackupModel) -> Size:
    """What a backup reports about its size."""
    return Size(backup.record_count, backup.size_bytes, backup.namespace_count)


@attrs.frozen
class Read:
    """A history read: the finished restores, and how many calls this read made (0: cached)."""

    finished: tuple[Finished, ...]
    calls: int


@attrs.define
class RestoreHistory:
    """Finished restores per project, read at most once per process and kept.

    A provider process serves one ``pulumi up`` (a set's members share it), so "once per
    process" is once per run. Thread-safe: a set's members ask at once, one reads.
    """

    _cache: dict[tuple[str, str], tuple[Finished, ...]] = attrs.field(factory=dict, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def read(self, client: ControlPlaneClient, known: Mapping[str, BackupModel]) -> Read:
        """The finished restores of the client's project.

        Args:
            client: The project's client (its host and key identify the project).
            known: Backups already described, by id (no call is made for them).

        Returns:
            The history and the calls this read made.
        """
        # The key only as a digest: this object lives in memory, but nothing should print it.
        digest = hashlib.sha256(client.settings.api_key.encode()).hexdigest()
        key = (client.settings.controller_host, digest)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return Read(cached, 0)
            finished, calls = _read(client, known)
            self._cache[key] = finished
            return Read(finished, calls)


def _read(
    client: ControlPlaneClient, known: Mapping[str, BackupModel]
) -> tuple[tuple[Finished, ...], int]:
    calls = 1
    try:
        rows, _ = client.list_restore_jobs_page(limit=PAGE)
    except PineconeRestoreError:
        return (), calls
    jobs = {job.restore_job_id: job for job in rows if _seconds(job) is not None}
    sizes = {backup_id: size_of(backup) for backup_id, backup in known.items()}
    if any(job.backup_id not in sizes for job in jobs.values()):
        calls += 1
        try:
            backups, _ = client.list_backups_page(limit=PAGE)
        except PineconeRestoreError:
            backups = []
        sizes.update({b.backup_id: size_of(b) for b in backups})
    finished = tuple(
        Finished(seconds, sizes[job.backup_id])
        for job in jobs.values()
        if job.backup_id in sizes and (seconds := _seconds(job)) is not None
    )
    return finished, calls


def _seconds(job: RestoreJobModel) -> float | None:
    """How long a Completed job took, if its timestamps say so."""
    if job.status != "Completed":
        return None
    began, ended = parse_timestamp(job.created_at), parse_timestamp(job.completed_at)
    if began is None or ended is None or ended <= began:
        return None
    return (ended - began).total_seconds()
