"""When a department can be expected to answer: response times count City Hall's open hours only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

OPEN = time(8, 30)
CLOSE = time(16, 30)
_DAY = timedelta(hours=8)  # CLOSE - OPEN


def _next_open(moment: datetime) -> datetime:
    """The same instant if City Hall is open, else the next opening (weekends skipped)."""
    current = moment
    while True:
        if current.weekday() >= 5:
            current = datetime.combine(current.date() + timedelta(days=1), OPEN, current.tzinfo)
            continue
        if current.time() < OPEN:
            return datetime.combine(current.date(), OPEN, current.tzinfo)
        if current.time() >= CLOSE:
            current = datetime.combine(current.date() + timedelta(days=1), OPEN, current.tzinfo)
            continue
        return current


def add_business_hours(start: datetime, hours: float) -> datetime:
    """``start`` plus ``hours`` of open time (Monday to Friday, 8:30 to 4:30, local time of ``start``)."""
    remaining = timedelta(hours=hours)
    current = _next_open(start)
    while True:
        close_today = datetime.combine(current.date(), CLOSE, current.tzinfo)
        available = close_today - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _next_open(close_today)
