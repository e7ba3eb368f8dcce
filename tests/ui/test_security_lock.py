"""The idle lock (a clock the test moves by hand), unlocking with the PIN, lockout, and switching user without
losing the sale in progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from counter_app.services.container import Counter
from counter_app.ui.lock_screen import idle_minutes
from counter_app.ui.main_window import MainWindow
from counter_app.ui.security_feature import LockController
from counter_app.ui.sync_feature import AUTOSTART_ENV

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def _no_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOSTART_ENV, "0")


class Clock:
    """Seconds, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def lock_of(window: MainWindow, clock: Clock | None = None) -> LockController:
    found = window.findChild(LockController, "lockFeature")
    assert isinstance(found, LockController)
    if clock is not None:
        found.idle.clock = clock
        found.idle.touch()
    return found


def add_dog_licence(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    kb.press(Qt.Key.Key_3, CTRL)
    vm = window.payment_vm
    assert vm is not None
    qtbot.waitUntil(lambda: len(vm.sale.lines) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_idle_time_comes_from_settings_json(tmp_path: Path) -> None:
    class Plain:
        data_dir = tmp_path

    assert idle_minutes(Plain()) == 5
    (tmp_path / "settings.json").write_text('{"idle_lock_minutes": 2}', encoding="utf-8")
    assert idle_minutes(Plain()) == 2
    (tmp_path / "settings.json").write_text('{"idle_lock_minutes": "soon"}', encoding="utf-8")
    assert idle_minutes(Plain()) == 5


def test_the_counter_locks_after_five_idle_minutes_and_the_sale_survives(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    clock = Clock()
    lock = lock_of(cashier, clock)
    add_dog_licence(qtbot, cashier, kb)
    vm = cashier.payment_vm
    assert vm is not None
    clock.now += 4 * 60
    kb.type("do")  # typing is activity: the idle time starts again
    clock.now += 4 * 60
    assert not lock.idle.check()
    clock.now += 61
    assert lock.idle.check()
    assert lock.locked and lock.overlay.isVisible()
    assert lock.overlay.pin.hasFocus()
    assert lock.overlay.kept.text() == "The sale in progress is kept: 1 line(s), $20.00."
    assert cashier.payment is not None
    cashier.payment.scan.setFocus()  # e.g. a screen taking the focus when a payment finished recording
    assert lock.overlay.pin.hasFocus()  # the keyboard stays on the lock card

    kb.press(Qt.Key.Key_F10)  # nothing behind the lock answers a key
    kb.press(Qt.Key.Key_Tab)  # and Tab stays on the lock card
    assert lock.overlay.isAncestorOf(QApplication.focusWidget())
    assert cashier.current == "payment"
    kb.press(Qt.Key.Key_Tab)
    assert lock.overlay.pin.hasFocus()

    kb.type("1234")  # the wrong PIN
    kb.enter()
    qtbot.waitUntil(lambda: lock.overlay.error.isVisible(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert lock.overlay.error.text() == "Staff number or PIN is wrong."
    assert lock.locked and lock.overlay.pin.text() == ""

    kb.type("1111")
    kb.enter()
    qtbot.waitUntil(lambda: not lock.locked, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert not lock.overlay.isVisible() and cashier.stack.graphicsEffect() is None
    assert cashier.current == "payment" and len(vm.sale.lines) == 1 and vm.sale.total == 2_000
    assert cashier.cashier_label.text() == "Alex Martin · cashier"
    assert cashier.payment is not None and cashier.payment.scan.text() == "do"  # what was typed is still there
    assert lock.idle.armed  # and the idle watch runs again


def test_five_wrong_pins_lock_the_staff_number_out(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    lock = lock_of(cashier)
    kb.press(Qt.Key.Key_L, CTRL_ALT)
    assert lock.locked
    for attempt in range(6):
        kb.type(f"98{attempt}7")
        kb.enter()
        qtbot.waitUntil(lambda: not lock.checking, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert lock.overlay.error.text() == ("Staff number 1001 is locked after 5 wrong PINs. "
                                         "An administrator can unlock it.")
    kb.type("1111")  # even the right PIN, now
    kb.enter()
    qtbot.waitUntil(lambda: not lock.checking, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert lock.locked and "is locked after 5 wrong PINs" in lock.overlay.error.text()


def test_another_staff_member_takes_over_and_the_receipt_carries_their_name(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = lock_of(cashier)
    add_dog_licence(qtbot, cashier, kb)
    vm = cashier.payment_vm
    assert vm is not None
    started = vm.started_at
    kb.press(Qt.Key.Key_Pause)
    assert lock.locked
    kb.press(Qt.Key.Key_Tab)  # to the staff number
    assert lock.overlay.staff_no.hasFocus()
    kb.select_all()
    kb.type("1002")
    kb.enter()
    kb.type("2222")

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
    kb.enter()  # the PIN is checked in the worker lane (argon2id)
    qtbot.waitUntil(lambda: not lock.locked, timeout=WAIT_MS)  # type: ignore[attr-defined]
    timer.stop()
    with capsys.disabled():
        print(f"\nswitch-user PIN check: longest event-loop gap {max(gaps, default=0)} ms over {len(gaps)} ticks")
    assert max(gaps, default=0) < 250

    assert cashier.staff is not None and cashier.staff.staff_no == "1002"
    assert cashier.cashier_label.text() == "Priya Singh · cashier"
    assert len(vm.sale.lines) == 1 and vm.started_at == started  # the same sale
    assert cashier.current == "payment"
    assert "Priya Singh is now signed in" in cashier.payment.notice.text()  # type: ignore[union-attr]

    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # exact cash
    qtbot.waitUntil(lambda: cashier.current == "receipt" and not cashier.runner.busy(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    receipt = cashier.receipt
    assert receipt is not None and receipt.info is not None
    number = receipt.info.receipt_number
    kb.press(Qt.Key.Key_S, CTRL)  # save the receipt as PDF: the cashier printed on it is Priya Singh
    qtbot.waitUntil(lambda: bool(list((counter.settings.data_dir / "saved").glob("*.pdf"))),  # type: ignore
                    timeout=WAIT_MS)
    from pypdf import PdfReader

    pdf = next((counter.settings.data_dir / "saved").glob("*.pdf"))
    qtbot.waitUntil(lambda: pdf.stat().st_size > 0 and not cashier.runner.busy(), timeout=WAIT_MS)  # type: ignore
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Priya Singh" in text and "Alex Martin" not in text
    kb.enter()  # next resident
    kb.press(Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: cashier.transactions is not None  # type: ignore[attr-defined]
                    and cashier.transactions.model.rowCount() >= 1, timeout=WAIT_MS)
    assert cashier.transactions is not None
    rows = {r.receipt_number: r for r in cashier.transactions.model.rows()}
    assert rows[number].cashier == "Priya Singh"


def test_an_open_dialog_hides_under_the_lock_and_comes_back(qtbot: object, cashier: MainWindow,
                                                            kb: Keyboard) -> None:
    lock = lock_of(cashier)
    kb.press(Qt.Key.Key_F7)  # the drawer dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)  # type: ignore
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    lock.lock()  # as the idle watch would
    assert not dialog.isVisible() and lock.overlay.isVisible()
    lock.overlay.pin.setFocus()
    kb.type("1111")
    kb.enter()
    qtbot.waitUntil(lambda: not lock.locked, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert dialog.isVisible()
