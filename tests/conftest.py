"""Shared fixtures: a real SQLite store in a temporary folder, built by the same composition root as the app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COUNTER_SYNC_AUTOSTART", "0")  # no background sender to a shared demo centre in tests

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.services.container import Counter

#: A Wednesday morning at the counter, local time (before the June 30 tax due date of the demo rolls).
COUNTER_MORNING = datetime(2026, 11, 25, 9, 15)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(COUNTER_MORNING)


#: A $200 float: ten $20 notes.
FLOAT = {"n20": "10"}


@pytest.fixture
def bare_counter(tmp_path: Path, clock: FixedClock) -> Iterator[Counter]:
    """A demo counter with no drawer open yet."""
    built = build_counter(Settings(data_dir=tmp_path, workstation="CH1-02", demo=True), clock=clock)
    yield built
    built.close()


@pytest.fixture
def counter(bare_counter: Counter) -> Counter:
    """A demo counter where both demo cashiers have opened their drawers with a $200 float."""
    for staff_no, pin in (("1001", "1111"), ("1002", "2222")):
        bare_counter.drawers.open(bare_counter.auth.login(staff_no, pin), FLOAT)
    return bare_counter
