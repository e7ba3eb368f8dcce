"""Global keys, the F1 help, the status bar, and what happens to a half-done sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, FakePrompts, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


def test_f1_shows_the_keys_of_the_screen_and_closes_with_f1_or_esc(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    kb.press(Qt.Key.Key_F1)
    assert cashier.overlay.isVisible() and cashier.overlay.geometry() == cashier.rect()
    texts = {label.text() for label in cashier.overlay.findChildren(QLabel)}
    assert {"Ctrl+1 … Ctrl+9", "F10", "F12 / Ctrl+N", "Ctrl+Q"} <= texts
    kb.press(Qt.Key.Key_3, CTRL)  # keys do not leak to the screen behind the help
    assert cashier.payment_vm is not None and not cashier.payment_vm.has_lines
    kb.press(Qt.Key.Key_F1)
    assert not cashier.overlay.isVisible()
    assert cashier.payment is not None and cashier.payment.scan.hasFocus()

    kb.press(Qt.Key.Key_F4)
    kb.press(Qt.Key.Key_F1)
    texts = {label.text() for label in cashier.overlay.findChildren(QLabel)}
    assert "Void (supervisor approval)" in texts
    kb.press(Qt.Key.Key_Escape)
    assert not cashier.overlay.isVisible() and cashier.current == "transactions"


def test_function_keys_move_between_screens(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    kb.press(Qt.Key.Key_F4)
    assert cashier.current == "transactions"
    kb.press(Qt.Key.Key_F2)
    assert cashier.current == "payment"
    kb.press(Qt.Key.Key_F4)
    kb.press(Qt.Key.Key_F3)
    assert cashier.current == "payment" and cashier.payment is not None and cashier.payment.scan.hasFocus()
    assert cashier.screen_title.text() == "Payment"


def test_next_resident_asks_before_discarding_lines(
    qtbot: object, cashier: MainWindow, kb: Keyboard, prompts: FakePrompts
) -> None:
    vm = cashier.payment_vm
    assert vm is not None
    kb.press(Qt.Key.Key_3, CTRL)
    prompts.confirm_answer = False
    kb.press(Qt.Key.Key_F12)
    assert vm.has_lines and len(prompts.confirmed) == 1
    prompts.confirm_answer = True
    kb.press(Qt.Key.Key_N, CTRL)
    assert not vm.has_lines and cashier.current == "payment"
    kb.press(Qt.Key.Key_F12)  # nothing to discard: no question
    assert len(prompts.confirmed) == 2


def test_a_sale_with_a_tender_is_never_dropped_by_next_resident_or_sign_out(
    qtbot: object, cashier: MainWindow, kb: Keyboard, prompts: FakePrompts
) -> None:
    vm = cashier.payment_vm
    assert vm is not None and cashier.tender is not None
    kb.press(Qt.Key.Key_6, CTRL)  # $77.00
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("50")
    kb.enter()
    kb.press(Qt.Key.Key_F12)
    assert vm.has_tenders and "Tenders are entered" in cashier.tender.notice.text()
    kb.press(Qt.Key.Key_Q, CTRL)
    assert cashier.staff is not None and cashier.current == "tender"
    assert prompts.confirmed == []


def test_sign_out_discards_a_sale_without_tenders_after_asking(
    qtbot: object, cashier: MainWindow, kb: Keyboard, prompts: FakePrompts
) -> None:
    vm = cashier.payment_vm
    assert vm is not None
    kb.press(Qt.Key.Key_4, CTRL)
    kb.press(Qt.Key.Key_Q, CTRL)
    assert prompts.confirmed and cashier.current == "login" and cashier.staff is None
    assert not vm.has_lines
    assert cashier.cashier_label.text() == "Not signed in"
    assert cashier.login.staff_no.hasFocus()
    kb.press(Qt.Key.Key_F2)  # signed out: global keys are off
    assert cashier.current == "login"


def test_status_bar_shows_workstation_cashier_demo_clock_and_sync(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    assert cashier.station_label.text() == "Workstation CH1-02"
    assert cashier.cashier_label.text() == "Alex Martin · cashier"
    assert cashier.demo_label.isVisible() and cashier.demo_label.text() == "DEMO"
    assert cashier.clock_label.text() == "09:15:00"  # the test clock is fixed
    qtbot.waitUntil(lambda: not cashier.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    before = counter.payments.pending_outbox()  # the drawers opened by the fixture, the sign-in's audit record
    assert cashier.sync_label.text() == f"{before} records waiting to sync"
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()
    qtbot.waitUntil(lambda: cashier.current == "receipt" and not cashier.runner.busy(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    after = counter.payments.pending_outbox()
    assert after > before
    assert cashier.sync_label.text() == f"{after} records waiting to sync"


def test_ctrl_l_switches_the_receipt_to_a_letter_page(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    receipt = cashier.receipt
    assert receipt is not None
    qtbot.waitUntil(lambda: receipt.page_size_pt is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert round(receipt.page_size_pt[0]) == 227  # type: ignore[index]  # 80 mm
    kb.press(Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: receipt.page_size_pt == (612.0, 792.0), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Letter" in receipt.layout_label.text()
    assert QApplication.focusWidget() is receipt


def test_a_cashier_without_an_open_drawer_counts_the_float_and_the_payment_is_recorded(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    from counter_app.ui.drawer_dialog import DrawerDialog

    from .helpers import sign_in

    sign_in(qtbot, kb, window, "2002", "888802")  # a supervisor: no drawer opened by the fixture
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DrawerDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    kb.press(Qt.Key.Key_Escape)  # later
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # paid in cash, but there is no drawer to put it in: the drawer dialog comes up
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DrawerDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DrawerDialog)
    qtbot.waitUntil(dialog.fields["n20"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("x")
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "whole number" in dialog.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_Backspace)
    kb.type("5")
    kb.enter()  # to the $10 notes
    kb.type("10")
    assert dialog.total.text() == "Float: $200.00"
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    (row,) = counter.payments.transactions_on()
    assert row.cashier == "Sam Okafor" and row.total_cents == 2000
