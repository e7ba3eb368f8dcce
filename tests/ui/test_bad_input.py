"""Bad input shows the domain's message next to the field that caused it, and adds nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.payments.card_data import CARD_NUMBER_MESSAGE
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The amount must be more than $0.00."),
        ("-5", "The amount cannot be negative."),
        ("12.345", "Amounts have at most two decimals (cents)."),
        ("abc", "“abc” is not an amount: type digits, e.g. 25.00."),
        ("300", "$300.00 is more than the $208.54 owing on 1000-372."),
    ],
)
def test_bad_bill_amounts_are_refused_under_the_amount_field(
    qtbot: object, cashier: MainWindow, kb: Keyboard, typed: str, message: str
) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.press(Qt.Key.Key_1, CTRL)  # utility bill: asks for the account
    kb.type("1000372")
    kb.enter()
    panel = payment.bill_panel
    qtbot.waitUntil(lambda: panel.amount.hasFocus(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type(typed)
    kb.enter()
    assert panel.amount_error.isVisible() and panel.amount_error.text() == message
    assert not panel.account_error.isVisible()
    assert vm.sale.lines == []
    assert panel.amount.hasFocus()  # ready to re-type


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The amount must be more than $0.00."),
        ("-5", "The amount cannot be negative."),
        ("12.345", "Amounts have at most two decimals (cents)."),
        ("abc", "“abc” is not an amount: type digits, e.g. 25.00."),
    ],
)
def test_bad_open_amounts_are_refused_under_the_amount_field(
    qtbot: object, cashier: MainWindow, kb: Keyboard, typed: str, message: str
) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.press(Qt.Key.Key_9, CTRL)
    kb.type(typed)
    kb.enter()
    kb.enter()  # Enter in the description adds
    assert payment.open_panel.errors["amount"].isVisible()
    assert payment.open_panel.errors["amount"].text() == message
    assert vm.sale.lines == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The amount must be more than $0.00."),
        ("-5", "The amount cannot be negative."),
        ("12.345", "Amounts have at most two decimals (cents)."),
        ("abc", "“abc” is not an amount: type digits, e.g. 25.00."),
        ("20.02", "Cash is counted in nickels: the amount must end in 0 or 5 cents."),
        ("500", "Change would be $480.00: check the cash tendered."),
    ],
)
def test_bad_cash_tenders_are_refused_under_the_amount_field(
    qtbot: object, cashier: MainWindow, kb: Keyboard, typed: str, message: str
) -> None:
    vm, tender = cashier.payment_vm, cashier.tender
    assert vm is not None and tender is not None
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type(typed)
    kb.enter()
    _caption, _field, error = tender.rows["tender_amount"]
    assert error.isVisible() and error.text() == message
    assert vm.sale.tenders == [] and cashier.current == "tender"


def test_wrong_check_digit_is_refused_under_the_scan_field(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.scan("1000003")
    qtbot.waitUntil(payment.scan_error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert payment.scan_error.text() == "Utility account 1000-003 failed its check digit: re-scan or re-type."
    assert vm.sale.lines == []
    assert payment.scan.hasFocus() and payment.scan.selectedText() == "1000003"  # the next scan replaces it


def test_wrong_check_digit_in_the_account_panel_is_refused_under_the_account(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.press(Qt.Key.Key_1, CTRL)
    kb.type("1234-567")
    kb.enter()
    panel = payment.bill_panel
    qtbot.waitUntil(panel.account_error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert panel.account_error.text() == "Utility account 1234-567 failed its check digit: re-scan or re-type."
    assert vm.sale.lines == []


def test_a_card_tender_above_the_amount_owed_is_refused(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    vm, tender = cashier.payment_vm, cashier.tender
    assert vm is not None and tender is not None
    kb.press(Qt.Key.Key_3, CTRL)  # $20.00
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_F6)
    kb.type("25")
    kb.enter()
    kb.type("4821")
    kb.enter()
    kb.type("A1B2C3")
    kb.enter()
    _caption, _field, error = tender.rows["tender_amount"]
    assert error.isVisible()
    assert error.text() == "Debit cannot be more than the $20.00 owing; change is given from cash only."
    assert vm.sale.tenders == []


def test_a_full_card_number_in_the_last_four_field_is_refused(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    vm, tender = cashier.payment_vm, cashier.tender
    assert vm is not None and tender is not None
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_F7)  # credit
    kb.enter()
    kb.type("4111111111111111")
    kb.enter()
    kb.type("A1B2C3")
    kb.enter()
    kb.enter()  # the card brand (Visa) is the last field of a credit card
    _caption, _field, error = tender.rows["last4"]
    assert error.isVisible() and error.text() == CARD_NUMBER_MESSAGE
    assert tender.last4.hasFocus()
    assert vm.sale.tenders == []


def test_unknown_search_says_so_under_the_scan_field(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.type("zebra")
    kb.enter()
    assert payment.scan_error.isVisible() and "No service matches" in payment.scan_error.text()
    assert vm.sale.lines == []


def test_f10_with_nothing_to_pay_for_says_so(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    assert cashier.payment is not None
    kb.press(Qt.Key.Key_F10)
    assert cashier.current == "payment"
    assert cashier.payment.lines_error.text() == "Add something to pay for first: scan a bill or pick a service."
