"""Sync as the cashier sees it: the status bar's sync label, Ctrl+Shift+S (sync now), Ctrl+Shift+L (sync log), and
a 2,000-record backlog sent in the background while the event loop keeps ticking."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.services.container import Counter
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.ui.main_window import MainWindow
from counter_app.ui.sync_feature import AUTOSTART_ENV, SyncController

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
UNREACHABLE = "postgresql+psycopg://x@127.0.0.1:9/none"
SYNC_WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def _no_autostart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender starts only when a test presses Sync now."""
    monkeypatch.setenv(AUTOSTART_ENV, "0")
    monkeypatch.setenv("COUNTER_CENTRAL_TIMEOUT_S", "2")


@pytest.fixture
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if getattr(request, "param", None) == "unreachable":
        return UNREACHABLE
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    store = CentralStore(build_engine(url))
    store.init()
    store.engine.dispose()
    return url


@pytest.fixture
def bare_counter(tmp_path: Path, clock: FixedClock, central_url: str) -> Iterator[Counter]:
    """Overrides the UI suite's store: this one has a central database of its own (or an unreachable one)."""
    built = build_counter(Settings(data_dir=tmp_path / "ws", workstation="CH1-02", demo=True,
                                   central_url=central_url), clock=clock)
    yield built
    built.close()


def controller(window: MainWindow) -> SyncController:
    found = window.findChild(SyncController, "syncFeature")
    assert isinstance(found, SyncController)
    return found


def take_cash_payment(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    kb.press(Qt.Key.Key_3, CTRL)  # a $20 dog licence
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # exact cash
    qtbot.waitUntil(lambda: window.current == "receipt" and not window.runner.busy(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)


@pytest.mark.parametrize("central_url", ["unreachable"], indirect=True)
def test_offline_shows_pending_records_and_the_counter_keeps_taking_payments(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    sync = controller(cashier)
    label = cashier.sync_label
    try:
        kb.press(Qt.Key.Key_S, CTRL_SHIFT)  # sync now
        qtbot.waitUntil(lambda: label.text().startswith("Offline"), timeout=SYNC_WAIT_MS)  # type: ignore
        pending = counter.payments.pending_outbox()
        assert pending > 0
        assert label.text() == f"Offline · {pending} waiting · last sync never"
        assert label.property("tone") == "offline"
        assert "Last error:" in label.toolTip() and "keeps working offline" in label.toolTip()
        assert "cannot be reached" in cashier.statusBar().currentMessage()
        assert "cannot be reached" in sync.last_message

        take_cash_payment(qtbot, cashier, kb)  # offline, the counter still takes payments
        after = counter.payments.pending_outbox()
        assert after > pending
        qtbot.waitUntil(lambda: label.text() == f"Offline · {after} waiting · last sync never",  # type: ignore
                        timeout=WAIT_MS)
        assert sync.worker is not None and sync.worker.is_alive()  # still trying in the background
    finally:
        sync.stop()


def test_sync_now_sends_everything_to_the_central_database(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    sync = controller(cashier)
    label = cashier.sync_label
    try:
        take_cash_payment(qtbot, cashier, kb)
        kb.enter()  # next resident
        assert counter.payments.pending_outbox() > 0
        assert "waiting to sync" in label.text()  # nothing tried yet: what waits
        kb.press(Qt.Key.Key_S, CTRL_SHIFT)
        qtbot.waitUntil(lambda: label.text() == "Online · all records sent", timeout=SYNC_WAIT_MS)  # type: ignore
        assert label.property("tone") == "ok"
        assert counter.payments.pending_outbox() == 0
        assert cashier.statusBar().currentMessage() == "Sync done: all records sent."

        kb.press(Qt.Key.Key_L, CTRL_SHIFT)  # the sync log
        assert cashier.current == "sync_log"
        screen = sync.screen
        qtbot.waitUntil(lambda: screen.model.rowCount() >= 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
        first = screen.model.row(0)
        assert first.ok and first.records > 0
        assert screen.model.text(0, 2) == "OK"
        assert screen.state.text() == "Online · all records sent"
        assert not screen.conflicts.isVisible()  # a cashier does not review refused records
        kb.press(Qt.Key.Key_Escape)
        assert cashier.current == "payment"
    finally:
        sync.stop()


def test_a_supervisor_sees_records_the_centre_refused(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    from tests.conftest import FLOAT

    from .helpers import sign_in

    counter.drawers.open(counter.auth.login("2001", "999901"), FLOAT)  # no drawer dialog in the way
    sign_in(qtbot, kb, window, "2001", "999901")
    sync = controller(window)
    try:
        kb.press(Qt.Key.Key_S, CTRL_SHIFT)
        qtbot.waitUntil(lambda: window.sync_label.text() == "Online · all records sent",  # type: ignore
                        timeout=SYNC_WAIT_MS)
        with closing(sqlite3.connect(counter.settings.db_path)) as conn, conn:  # the same id, another payload
            seq, payload = conn.execute("select seq, payload from outbox order by seq limit 1").fetchone()
            changed = json.loads(payload)
            changed["tampered"] = True
            conn.execute("update outbox set status='pending', payload=? where seq=?", (json.dumps(changed), seq))
        kb.press(Qt.Key.Key_S, CTRL_SHIFT)
        qtbot.waitUntil(lambda: "refused by the centre" in window.sync_label.text(), timeout=SYNC_WAIT_MS)  # type: ignore
        assert window.sync_label.property("tone") == "conflict"
        kb.press(Qt.Key.Key_L, CTRL_SHIFT)
        screen = sync.screen
        qtbot.waitUntil(lambda: screen.conflicts_model.rowCount() == 1, timeout=WAIT_MS)  # type: ignore
        assert screen.conflicts.isVisible()
        assert screen.conflicts_model.row(0)[0] == seq
    finally:
        sync.stop()


def fill_outbox(db_path: Path, records: int) -> None:
    """``records`` pending transactions shaped like the one the test just took (as the sync benchmark does)."""
    with closing(sqlite3.connect(db_path)) as conn, conn:
        payload = json.loads(conn.execute("select payload from outbox where record_type='transaction'").fetchone()[0])
        created = conn.execute("select created_at from outbox where record_type='transaction'").fetchone()[0]
        rows = []
        for n in range(records):
            record_id = str(uuid.uuid4())
            sequence = 1_000 + n
            body = {**payload, "id": record_id, "sequence": sequence, "receipt_number": f"CH1-02-{sequence:06d}"}
            rows.append(("transaction", record_id, json.dumps(body, separators=(",", ":"), sort_keys=True), created))
        conn.executemany("insert into outbox (record_type, record_id, payload, created_at, status, attempts) "
                         "values (?, ?, ?, ?, 'pending', 0)", rows)


def test_a_2000_record_backlog_syncs_in_the_background_without_stalling_the_window(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter, capsys: pytest.CaptureFixture[str]
) -> None:
    sync = controller(cashier)
    take_cash_payment(qtbot, cashier, kb)
    kb.enter()
    fill_outbox(counter.settings.db_path, 2_000)
    cashier.payment_vm.refresh_outbox()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "waiting to sync" in cashier.sync_label.text()  # type: ignore[attr-defined]
                    and counter.payments.pending_outbox() >= 2_000, timeout=WAIT_MS)

    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    started = time.perf_counter()
    try:
        kb.press(Qt.Key.Key_S, CTRL_SHIFT)
        qtbot.waitUntil(lambda: cashier.sync_label.text() == "Online · all records sent",  # type: ignore
                        timeout=60_000)
    finally:
        timer.stop()
        sync.stop()
    took = time.perf_counter() - started
    worst = max(gaps)
    with capsys.disabled():
        print(f"\n2,000-record backlog: synced in {took:.2f} s; {len(gaps)} ticks of 5 ms, longest event-loop gap "
              f"{worst} ms")
    assert counter.payments.pending_outbox() == 0
    assert worst < 250, f"the event loop stalled {worst} ms"
