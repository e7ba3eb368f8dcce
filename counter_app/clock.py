"""Time at the counter: one clock for the whole app, replaceable in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


class Clock:
    """The system clock, seen from the city's time zone (business dates are local)."""

    def __init__(self, timezone: str = "America/Edmonton") -> None:
        self.tz = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()


class FixedClock(Clock):
    """A clock that shows a chosen instant; ``advance`` moves it on."""

    def __init__(self, at: datetime, timezone: str = "America/Edmonton") -> None:
        super().__init__(timezone)
        self._at = at if at.tzinfo else at.replace(tzinfo=self.tz)

    def now(self) -> datetime:
        return self._at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self._at = self._at + timedelta(**delta)
