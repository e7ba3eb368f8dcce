"""Voids and refunds from today's list need a different supervisor's number and PIN, checked off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.services.container import Counter
from counter_app.ui.approval_dialog import ApprovalDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.refund_dialog import RefundDialog

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


def _sell(qtbot: object, window: MainWindow, kb: Keyboard, *quick_keys: Qt.Key) -> None:
    for key in quick_keys:
        kb.press(key, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # exact cash
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # next resident


def _open_list(qtbot: object, window: MainWindow, kb: Keyboard, rows: int) -> None:
    kb.press(Qt.Key.Key_F4)
    assert window.transactions is not None
    model = window.transactions.model
    qtbot.waitUntil(lambda: model.rowCount() == rows, timeout=WAIT_MS)  # type: ignore[attr-defined]


def _approve(qtbot: object, kb: Keyboard, supervisor: str, pin: str) -> None:
    kb.type(supervisor)
    kb.enter()
    kb.type(pin)
    kb.enter()


def test_void_needs_a_supervisor_pin_and_refuses_the_cashier_and_a_wrong_pin(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    _sell(qtbot, cashier, kb, Qt.Key.Key_3)
    _open_list(qtbot, cashier, kb, 1)
    assert cashier.transactions is not None
    kb.press(Qt.Key.Key_V)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ApprovalDialog)
    qtbot.waitUntil(dialog.fields.reason.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("Wrong licence type")
    kb.enter()

    # the cashier's own number and PIN
    _approve(qtbot, kb, "1001", "1111")
    pin_error = dialog.fields.errors["pin"]
    qtbot.waitUntil(pin_error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "cannot approve your own" in pin_error.text()
    assert counter.payments.transactions_on()[0].status == "completed"

    # a supervisor's number with a wrong PIN
    _approve(qtbot, kb, "2001", "0000")
    qtbot.waitUntil(lambda: pin_error.text() == "Supervisor number or PIN is wrong.",  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.fields.pin.text() == ""
    assert counter.payments.transactions_on()[0].status == "completed"

    # another cashier, with the right PIN: still not a supervisor
    _approve(qtbot, kb, "1002", "2222")
    qtbot.waitUntil(lambda: pin_error.text() == "Only a supervisor can approve this.",  # type: ignore[attr-defined]
                    timeout=WAIT_MS)

    # the supervisor's PIN voids it
    _approve(qtbot, kb, "2001", "999901")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    model = cashier.transactions.model
    qtbot.waitUntil(lambda: model.row(0).status == "void", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert model.text(0, model.STATUS) == "VOID"
    assert "void" in cashier.transactions.notice.text()
    assert counter.payments.transactions_on()[0].status == "void"

    # a second void of the same receipt is refused before asking anyone
    cashier.activateWindow()
    kb.press(Qt.Key.Key_V)
    assert QApplication.activeModalWidget() is None
    assert "already void" in cashier.transactions.notice.text()


def test_a_supervisor_cannot_approve_their_own_void(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    from counter_app.ui.drawer_dialog import DrawerDialog

    from .helpers import sign_in

    sign_in(qtbot, kb, window, "2001", "999901")
    # a supervisor taking payments opens a drawer too: the dialog comes up after sign-in
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DrawerDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    drawer = QApplication.activeModalWidget()
    assert isinstance(drawer, DrawerDialog)
    qtbot.waitUntil(drawer.fields["n20"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("10")  # ten $20 notes
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    window.activateWindow()
    _sell(qtbot, window, kb, Qt.Key.Key_4)
    _open_list(qtbot, window, kb, 1)
    kb.press(Qt.Key.Key_V)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ApprovalDialog)
    qtbot.waitUntil(dialog.fields.reason.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("Test")
    kb.enter()
    _approve(qtbot, kb, "2001", "999901")
    error = dialog.fields.errors["pin"]
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "cannot approve your own" in error.text()
    kb.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_refund_one_line_with_space_and_a_supervisor(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    _sell(qtbot, cashier, kb, Qt.Key.Key_3, Qt.Key.Key_4)  # dog $20 + cat $20, cash
    _open_list(qtbot, cashier, kb, 1)
    kb.press(Qt.Key.Key_F)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RefundDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, RefundDialog)
    qtbot.waitUntil(dialog.lines.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert dialog.lines.count() == 2
    kb.press(Qt.Key.Key_Down)  # the cat licence
    kb.press(Qt.Key.Key_Space)
    assert dialog.chosen() == [1]
    assert dialog.total.text() == "Refund: $20.00"
    kb.press(Qt.Key.Key_Tab)  # refund by: Cash (the only way back for a cash sale)
    assert dialog.chosen_kind() is not None and dialog.chosen_kind().value == "cash"  # type: ignore[union-attr]
    kb.press(Qt.Key.Key_Tab)
    assert dialog.fields.reason.hasFocus()
    kb.type("Cat moved away")
    kb.enter()
    _approve(qtbot, kb, "2002", "888802")
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert cashier.receipt is not None
    assert cashier.receipt.change_tile.caption.text() == "GIVE BACK"
    assert cashier.receipt.change_tile.value.text() == "$20.00"
    rows = counter.payments.transactions_on()
    assert [r.kind for r in rows] == ["sale", "refund"]
    assert rows[1].refund_of == rows[0].receipt_number and rows[1].total_cents == -2000


def test_reprint_from_the_list_shows_the_receipt_and_esc_goes_back(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    _sell(qtbot, cashier, kb, Qt.Key.Key_7)  # transit day pass $7.50
    _open_list(qtbot, cashier, kb, 1)
    kb.enter()
    assert cashier.current == "receipt" and cashier.receipt is not None
    assert cashier.receipt.info is not None and cashier.receipt.info.mode == "reprint"
    assert "Reprint of CH1-02-000001" in cashier.receipt.details.text()
    qtbot.waitUntil(lambda: cashier.receipt.page_size_pt is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_Escape)
    assert cashier.current == "transactions"
