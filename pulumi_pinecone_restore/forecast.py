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

import math
import statistics
from collections.abc import Sequence

import attrs

__all__ = ["MIN_SPREAD", "DurationForecast", "Finished", "Size", "forecast_duration"]

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
