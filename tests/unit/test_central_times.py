"""Times the counter sends become naive UTC centrally, whatever offset they carry."""

from __future__ import annotations

from datetime import datetime

from counter_app.sync.projections import utc


def test_utc_offsets_are_taken_as_they_are() -> None:
    assert utc("2026-11-25T16:15:00+00:00") == datetime(2026, 11, 25, 16, 15)
    assert utc("2026-11-25T16:15:00.250000+00:00") == datetime(2026, 11, 25, 16, 15, 0, 250_000)


def test_other_offsets_are_converted_and_naive_times_kept() -> None:
    assert utc("2026-11-25T09:15:00-07:00") == datetime(2026, 11, 25, 16, 15)
    assert utc("2026-11-25T16:15:00") == datetime(2026, 11, 25, 16, 15)
    assert utc("") is None and utc(None) is None
