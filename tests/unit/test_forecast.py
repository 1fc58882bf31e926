"""The restore forecast from a backup's size and the project's finished restores."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.forecast import (
    FEW_SPREAD,
    MIN_SPREAD,
    Finished,
    Size,
    forecast_duration,
)


def _done(seconds: float, records: int | None) -> Finished:
    return Finished(seconds, Size(record_count=records))


def test_no_history_gives_no_forecast() -> None:
    """Without earlier restores there is nothing to forecast from."""
    assert forecast_duration(Size(record_count=1000), []) is None


def test_restores_of_the_same_size_forecast_their_mean() -> None:
    """Three restores of one size (90, 100, 110 s) forecast about 100 s, window around it."""
    history = [_done(90, 10**6), _done(100, 10**6), _done(110, 10**6)]
    forecast = forecast_duration(Size(record_count=10**6), history)
    assert forecast is not None
    assert forecast.expected == pytest.approx(100)
    assert (forecast.low < 90, forecast.high > 110) == (True, True)
    assert forecast.history == 3


def test_both_terms_are_fitted_from_several_sizes() -> None:
    """Restores of 1, 2 and 4 M records (30, 50, 90 s: 10 s + 20 s/M) forecast 8 M at 170 s."""
    history = [_done(30, 10**6), _done(50, 2 * 10**6), _done(90, 4 * 10**6)]
    forecast = forecast_duration(Size(record_count=8 * 10**6), history)
    assert forecast is not None
    assert forecast.expected == pytest.approx(170)


def test_an_exact_history_still_leaves_a_window() -> None:
    """Identical durations leave a window (the scatter assumed until shown), never none."""
    history = [_done(100, 10**6)] * 4
    forecast = forecast_duration(Size(record_count=10**6), history)
    assert forecast is not None
    assert 2.718281828**MIN_SPREAD <= forecast.high / forecast.expected < 1.2


def test_one_earlier_restore_gives_a_wide_window() -> None:
    """A single restore says nothing of the scatter: the window is FEW_SPREAD either side."""
    forecast = forecast_duration(Size(record_count=10**6), [_done(100, 10**6)])
    assert forecast is not None
    assert forecast.high / forecast.expected == pytest.approx(2.718281828**FEW_SPREAD)


def test_size_bytes_stands_in_for_a_missing_record_count() -> None:
    """With no record counts, sizes in bytes compare the restores."""
    history = [Finished(100, Size(size_bytes=1000)), Finished(110, Size(size_bytes=1000))]
    forecast = forecast_duration(Size(size_bytes=1000), history)
    assert forecast is not None
    assert forecast.expected == pytest.approx(105)
