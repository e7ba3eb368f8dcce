"""What the cashier sees when the counter's numbers wait for the centre, nothing can be sent, or records were
refused: the status bar says so in words, payments wait, and a supervisor can go on (Ctrl+Shift+G) or send refused
records again (Ctrl+T on the sync log). Keyboard only."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.security.pepper_source import PEPPER_ENV
from counter_app.services.container import Counter
from counter_app.services.records_sync import SyncStatus
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.seed_central import seed_central
from counter_app.sync.worker import SenderLock, SyncWorker
from counter_app.ui.first_start import WorkstationNameDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.sync_feature import AUTOSTART_ENV, SyncController
from counter_app.ui.sync_status import describe_sync
from tests.conftest import FLOAT
from tests.support.city import CITY_PEPPER, CITY_PEPPER_TEXT

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
OFFLINE = "postgresql+psycopg://counter@127.0.0.1:9/none"


def status(**changes: object) -> SyncStatus:
    base = {"pending": 3, "sent": 10, "conflicts": 0, "online": True, "last_success": None, "last_error": None,
            "central": "postgresql://counter@db/311"}
    return SyncStatus(**{**base, **changes})  # type: ignore[arg-type]


def test_the_status_bar_says_when_nothing_is_sent() -> None:
    shown = describe_sync(status(configured=False, central=""))
    assert shown.text == "No central database configured · 3 waiting here"
    assert shown.tone == "offline" and "nothing is sent, nothing is lost" in shown.tooltip


def test_the_status_bar_counts_every_refused_record_and_numbers_that_wait() -> None:
    shown = describe_sync(status(pending=0, conflicts=1, quarantined=2, series_state="restored", lacking=4))
    assert shown.text == "Online · nothing waiting · 3 refused by the centre · numbers wait for the centre"
    assert shown.tone == "conflict"
    assert "1 conflict(s), 2 it could not store" in shown.tooltip
    assert "restored from a backup" in shown.tooltip and "Ctrl+Shift+G" in shown.tooltip
    assert "holds 4 record(s) this PC lost" in shown.tooltip


def test_a_sender_that_cannot_open_its_lock_says_so(tmp_path: Path, counter: Counter) -> None:
    """It used to die in silence: nothing synced and nothing on screen."""
    blocker = tmp_path / "not-a-file"
    blocker.mkdir()
    seen: list[SyncStatus] = []
    worker = SyncWorker(counter.sync, SenderLock(blocker), seen.append, interval=0.05, seed=1)
    worker.start()
    try:
        for _ in range(100):
            if seen:
                break
            worker.join(0.05)
    finally:
        worker.stop(2)
    assert seen and seen[0].last_error and "lock file" in seen[0].last_error
    shown = describe_sync(seen[0])
    assert shown.text.startswith("Sync not running") and "cannot be opened" in shown.tooltip


# -- a real store restored from a backup, its centre out of reach -----------------------------------------------
@pytest.fixture(autouse=True)
def _no_autostart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOSTART_ENV, "0")
    monkeypatch.setenv("COUNTER_CENTRAL_TIMEOUT_S", "2")
    monkeypatch.setenv(PEPPER_ENV, CITY_PEPPER_TEXT)  # a real store: the city's PIN pepper


def _sell(counter: Counter, n: int) -> None:
    cashier = counter.auth.login("1001", "1111")
    for _ in range(n):
        sale = Sale()
        counter.payments.add_line(sale, counter.payments.fixed_line("TR-DAY"))
        sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash))
        counter.payments.complete(sale, cashier)


@pytest.fixture
def counter(tmp_path: Path, clock: FixedClock) -> Iterator[Counter]:
    """A real store, synced, backed up, used on, then restored; its centre now out of reach."""
    url = f"sqlite:///{tmp_path / 'centre.sqlite3'}"
    centre = CentralStore(build_engine(url))
    centre.init()
    seed_central(centre, demo=True, pepper=CITY_PEPPER)
    centre.engine.dispose()
    folder = tmp_path / "CH1-01"
    store = build_counter(Settings(data_dir=folder, workstation="CH1-01", workstation_source="--workstation",
                                   central_url=url), clock=clock)
    store.sync.sync_once()
    store.drawers.open(store.auth.login("1001", "1111"), FLOAT)
    _sell(store, 2)
    store.sync.sync_once()
    store.close()
    shutil.copy2(folder / "counter.sqlite3", tmp_path / "backup.sqlite3")
    store = build_counter(Settings(data_dir=folder, central_url=url), clock=clock)
    _sell(store, 3)
    store.sync.sync_once()
    store.close()
    for leftover in folder.glob("counter.sqlite3*"):
        leftover.unlink()
    shutil.copy2(tmp_path / "backup.sqlite3", folder / "counter.sqlite3")
    restored = build_counter(Settings(data_dir=folder, central_url=OFFLINE), clock=clock)
    yield restored
    restored.close()


def controller(window: MainWindow) -> SyncController:
    found = window.findChild(SyncController, "syncFeature")
    assert isinstance(found, SyncController)
    return found


def test_a_restored_store_waits_and_a_supervisor_lets_it_go_on(qtbot: object, cashier: MainWindow, kb: Keyboard,
                                                               counter: Counter) -> None:
    sync = controller(cashier)
    qtbot.waitUntil(lambda: "numbers wait for the centre" in cashier.sync_label.text(),  # type: ignore
                    timeout=WAIT_MS)
    assert "restored from a backup" in cashier.sync_label.toolTip()
    kb.press(Qt.Key.Key_3, CTRL)  # a fee, then F10 and Enter (exact cash): the payment must wait
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()
    qtbot.waitUntil(lambda: not cashier.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert cashier.current == "tender"
    assert local(counter, "SELECT count(*) FROM transactions") == 2
    kb.press(Qt.Key.Key_G, CTRL_SHIFT)
    qtbot.waitUntil(lambda: sync.go_on_dialog is not None and sync.go_on_dialog.isVisible(),  # type: ignore
                    timeout=WAIT_MS)
    dialog = sync.go_on_dialog
    assert QApplication.activeModalWidget() is dialog
    qtbot.waitUntil(dialog.fields.reason.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    for text in ("disk replaced, centre down", "2001", "999901"):
        kb.type(text)
        kb.enter()
    qtbot.waitUntil(lambda: sync.go_on_dialog is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "receipts continue at CH1-01-001001" in cashier.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "numbers wait" not in cashier.sync_label.text(), timeout=WAIT_MS)  # type: ignore
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)  # type: ignore
    kb.enter()  # the same exact-cash tender goes through now
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    numbers = [n for (n,) in rows(counter, "SELECT receipt_number FROM transactions ORDER BY sequence")]
    assert numbers[-1] == "CH1-01-001001"
    assert rows(counter, "SELECT actor FROM audit_log WHERE action = 'restore_override'") == [("2001",)]


def test_the_first_start_of_a_real_counter_asks_for_its_name(qtbot: object) -> None:
    dialog = WorkstationNameDialog()
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    qtbot.keyClicks(dialog.name, "ch1")  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert dialog.isVisible() and "looks like CH1-02" in dialog.notice.text()
    qtbot.keyClicks(dialog.name, "-04")  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert not dialog.isVisible() and dialog.value() == "CH1-04"


def rows(counter: Counter, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(counter.settings.db_path)) as conn:
        return conn.execute(sql).fetchall()


def local(counter: Counter, sql: str) -> object:
    return rows(counter, sql)[0][0]
