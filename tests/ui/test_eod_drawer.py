"""The Drawer screen by keyboard: the count grid adds up as you type and refuses what is not a count next to its
row; cash movements with a supervisor; a close refused while a sale is in progress; every key listed in F1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.services.container import Counter
from counter_app.ui import keymap
from counter_app.ui.end_of_day_feature import EndOfDayFeature, feature_of
from counter_app.ui.eod_dialogs import MovementDialog
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


def _drawer_screen(qtbot: object, window: MainWindow, kb: Keyboard) -> EndOfDayFeature:
    feature = feature_of(window)
    assert feature is not None
    kb.press(Qt.Key.Key_F7, CTRL)
    qtbot.waitUntil(lambda: window.current == "drawer" and feature.vm.x_report is not None  # type: ignore[attr-defined]
                    and feature.drawer.sections.isVisible(), timeout=WAIT_MS)
    return feature


def test_the_count_grid_adds_up_as_you_type_and_refuses_what_is_not_a_count_next_to_the_row(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    feature = _drawer_screen(qtbot, cashier, kb)
    kb.press(Qt.Key.Key_C)
    close = feature.close_screen
    grid = close.grid
    qtbot.waitUntil(grid.fields["n100"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("1")
    assert close.total.text() == "$100.00"
    kb.press(Qt.Key.Key_Down)  # Down moves on like Enter
    assert grid.fields["n50"].hasFocus()
    kb.type("2")
    assert close.total.text() == "$200.00" and grid.subtotals["n50"].text() == "$100.00"
    kb.enter()
    kb.type("-1")  # $20 notes: a negative count
    error = grid.errors["n20"]
    assert error.isVisible() and "$20 notes" in error.text() and "whole number" in error.text()
    assert grid.fields["n20"].property("state") == "error"
    assert close.total.text().startswith("$200.00") and "fix the marked counts" in close.total.text()
    kb.press(Qt.Key.Key_Up)
    kb.press(Qt.Key.Key_Down)
    kb.type("3")  # the field's text was selected on the way back: now "3"
    assert grid.fields["n20"].text() == "3" and not error.isVisible()
    assert close.total.text() == "$260.00"
    kb.enter()
    kb.type("2.5")  # $10 notes: not a whole number
    assert grid.errors["n10"].isVisible() and "$10 notes" in grid.errors["n10"].text()
    kb.press(Qt.Key.Key_Return, CTRL)  # refused here, before the service: nothing is closed
    assert cashier.current == "drawer_close" and grid.fields["n10"].hasFocus()
    assert "Fix the marked count" in close.notice.text()
    assert feature.vm.pending_close is None
    kb.select_all()
    kb.type("2")
    assert close.total.text() == "$280.00" and not grid.errors["n10"].isVisible()
    for _ in range(11):  # on through the coins and the rolls
        kb.enter()
    assert grid.fields["r5"].hasFocus()
    kb.enter()  # past the last count: the terminal batch
    assert close.batch["debit_batch"].hasFocus()
    kb.press(Qt.Key.Key_Escape)  # nothing is closed
    qtbot.waitUntil(lambda: cashier.current == "drawer", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert counter.drawers.sessions_on()[0].status == "open"

    # a count again from the start: the $200 float, untouched, balances and needs no supervisor
    kb.press(Qt.Key.Key_C)
    qtbot.waitUntil(grid.fields["n100"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert grid.counts() == {} and close.total.text() == "$0.00"
    kb.press(Qt.Key.Key_Down)
    kb.press(Qt.Key.Key_Down)
    kb.type("10")
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: cashier.current == "z_report", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert QApplication.activeModalWidget() is None  # within tolerance: no approval asked
    z = feature.z_screen
    assert z.outcome_tile.value.text() == "Balanced"
    assert z.sections.value("Approved by") == "Not needed (within tolerance)"
    kb.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: cashier.current == "drawer" and not feature.drawer.sections.isVisible(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert "Z report Z-CH1-02-00001" in feature.drawer.empty_text.text()
    kb.press(Qt.Key.Key_C)  # closing twice
    assert cashier.current == "drawer" and "No drawer is open" in feature.drawer.notice.text()
    kb.press(Qt.Key.Key_Z)  # the Z report again
    assert cashier.current == "z_report"
    assert [s.status for s in counter.drawers.sessions_on() if s.cashier == "Alex Martin"] == ["closed"]


def test_a_paid_out_beyond_the_cash_is_refused_next_to_the_amount_and_movements_need_a_supervisor(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    feature = _drawer_screen(qtbot, cashier, kb)
    assert feature.drawer.sections.value("Expected cash in the drawer") == "$200.00"
    kb.press(Qt.Key.Key_O)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MovementDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, MovementDialog)
    qtbot.waitUntil(dialog.inputs["amount"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("250")
    kb.enter()
    kb.type("Postage for mailed receipts")
    kb.enter()
    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(dialog.errors["amount"].isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert dialog.errors["amount"].text() == "$250.00 is more than the $200.00 that should be in the drawer."
    assert dialog.inputs["amount"].hasFocus()
    kb.type("12.50")  # the amount was selected: typing replaces it
    kb.enter()
    kb.enter()
    kb.enter()  # the PIN is never kept after a refusal: the supervisor types it again
    assert dialog.inputs["pin"].text() == ""
    qtbot.waitUntil(lambda: dialog.inputs["pin"].hasFocus(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: feature.drawer.sections.value("Expected cash in the drawer") == "$187.50",  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert "Paid out of $12.50 recorded, approved by Jordan Lee" in feature.drawer.notice.text()
    assert "Postage for mailed receipts" in feature.drawer.moves.item(0).text()

    # a no sale by the cashier alone is refused: a supervisor approves with their own PIN
    cashier.activateWindow()
    kb.press(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MovementDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, MovementDialog) and "amount" not in dialog.inputs
    qtbot.waitUntil(dialog.inputs["reason"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("Change for a $20 note")
    kb.enter()
    kb.type("1001")
    kb.enter()
    kb.type("1111")
    kb.enter()
    qtbot.waitUntil(dialog.errors["pin"].isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "cannot approve their own" in dialog.errors["pin"].text()
    kb.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kinds = [m.kind.value for m in counter.drawers.x_report(counter.auth.login("1001", "1111"))[1].movements]
    assert kinds == ["paid_out"]


def test_closing_with_a_sale_in_progress_is_refused_and_f1_lists_the_drawer_keys(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    kb.press(Qt.Key.Key_3, CTRL)  # a dog licence on the sale, not paid yet
    feature = _drawer_screen(qtbot, cashier, kb)
    kb.press(Qt.Key.Key_C)
    assert cashier.current == "drawer"
    assert "Finish or cancel the payment in progress" in feature.drawer.notice.text()

    kb.press(Qt.Key.Key_F1)
    qtbot.waitUntil(cashier.overlay.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    shown = " ".join(label.text() for label in cashier.overlay.findChildren(type(feature.status)))
    for key, _text in keymap.SCREEN_KEYS["drawer"]:
        assert key in shown
    assert "Paid out" in shown and "Close the drawer" in shown
    assert ("Ctrl+F7", "Your drawer: X report, cash, close") in keymap.GLOBAL_KEYS
    kb.press(Qt.Key.Key_F1)

