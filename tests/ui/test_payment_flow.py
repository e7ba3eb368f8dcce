"""A cashier's payment from sign-in to the resident's receipt, by keyboard only, checked on the printed PDF."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, FakePrompts, Keyboard, sign_in

CTRL = Qt.KeyboardModifier.ControlModifier


def test_two_lines_split_between_debit_and_cash_with_rounding_and_change(
    qtbot: object, window: MainWindow, kb: Keyboard, prompts: FakePrompts, counter: Counter
) -> None:
    sign_in(qtbot, kb, window)
    assert window.staff is not None and window.staff.name == "Alex Martin"
    assert "Alex Martin" in window.cashier_label.text()

    # a scanned utility bill (J. Singh, $208.54) and a dog licence by quick key ($20.00)
    kb.scan("1000372")
    vm = window.payment_vm
    assert vm is not None and window.payment is not None
    qtbot.waitUntil(lambda: len(vm.sale.lines) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "J. Singh" in window.payment.notice.text() and "$208.54" in window.payment.notice.text()
    kb.press(Qt.Key.Key_3, CTRL)
    assert [line.service_code for line in vm.sale.lines] == ["UTIL", "DOG-AC"]
    assert window.payment.total.text() == "$228.54"

    # $100.00 on debit, the rest in cash: $128.54 rounds up to $128.55; $140.00 handed over
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    tender = window.tender
    assert tender is not None
    assert tender.amount.text() == "228.55"  # cash by default, rounded to the nickel
    assert tender.rounding.isVisible() and "Cash rounding +$0.01" in tender.rounding.text()
    kb.press(Qt.Key.Key_F6)
    assert tender.amount.text() == "228.54"  # a card pays to the cent
    assert not tender.rounding.isVisible()
    kb.type("100")
    kb.enter()
    kb.type("4821")
    kb.enter()
    kb.type("a1b2c3")
    kb.enter()
    assert len(vm.sale.tenders) == 1 and vm.sale.tenders[0].last4 == "4821"
    assert tender.kind.value == "cash" and tender.amount.text() == "128.55"
    assert "Cash rounding +$0.01" in tender.rounding.text()
    assert tender.due_tile.value.text() == "$128.55"
    kb.type("140")
    assert tender.tendered_tile.value.text() == "$140.00"
    assert tender.change_tile.value.text() == "$11.45"  # read aloud before Enter
    kb.enter()

    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    receipt = window.receipt
    assert receipt is not None
    assert receipt.change_tile.value.text() == "$11.45"
    qtbot.waitUntil(lambda: receipt.page_size_pt is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "1 record" in window.sync_label.text() or "records waiting to sync" in window.sync_label.text()

    kb.press(Qt.Key.Key_S, CTRL)  # save as PDF (the path comes from the file dialog port)
    saved = prompts.saved[-1]
    qtbot.waitUntil(lambda: saved.exists() and not window.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    text = " ".join(page.extract_text() for page in PdfReader(saved).pages)
    for expected in ("Utility bill", "1000-372", "$208.54", "Dog licence - altered and chipped", "$20.00",
                     "$228.54", "Debit", "****4821", "$100.00", "Cash", "$140.00", "Cash rounding", "+$0.01",
                     "Change", "$11.45", "CH1-02-000001", "Alex Martin"):
        assert expected in text, expected
    assert "Saved" in receipt.notice.text()

    (row,) = counter.payments.transactions_on()
    assert row.rounding_cents == 1 and row.change_cents == 1145
    assert row.tenders == {"debit": 10000, "cash": 14000}
    assert counter.payments.lookup_bill("1000372").amount_due_cents == 0


def test_bill_service_from_search_asks_for_the_account_and_prefills_the_amount_due(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.type("utility")
    assert payment.services.row(0).code == "UTIL"
    kb.enter()
    assert payment.bill_panel.isVisible() and payment.bill_panel.account.hasFocus()
    kb.type("1000-002")
    kb.enter()
    qtbot.waitUntil(lambda: payment.bill_panel.amount.hasFocus(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert payment.bill_panel.amount.text() == "213.35"
    assert "M. Tremblay" in payment.bill_panel.holder.text()
    kb.type("50")  # partial payment: the prefilled amount is selected, typing replaces it
    kb.enter()
    assert vm.sale.lines[0].total_cents == 5000
    assert payment.scan.hasFocus() and not payment.bill_panel.isVisible()


def test_ctrl_e_changes_the_amount_of_a_scanned_bill(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.scan("1000002")
    qtbot.waitUntil(lambda: len(vm.sale.lines) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_E, CTRL)
    assert payment.bill_panel.amount.hasFocus() and payment.bill_panel.amount.text() == "213.35"
    kb.type("100.05")
    kb.enter()
    assert vm.sale.lines[0].total_cents == 10005
    assert payment.total.text() == "$100.05"


def test_open_amount_asks_amount_gl_gst_and_description(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    payment, vm = cashier.payment, cashier.payment_vm
    assert payment is not None and vm is not None
    kb.press(Qt.Key.Key_9, CTRL)  # MISC
    assert payment.open_panel.isVisible() and payment.open_panel.amount.hasFocus()
    kb.type("12.50")
    kb.enter()
    assert payment.open_panel.description.hasFocus()
    kb.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back to the GST code
    kb.type("G")  # G5: GST 5%
    kb.press(Qt.Key.Key_Tab)
    kb.type("Photocopies of a permit")
    kb.enter()
    (line,) = vm.sale.lines
    assert line.net_cents == 1250 and line.gst_cents == 63 and line.gl_account == "100-1100-4410"
    assert line.description == "Miscellaneous receivable: Photocopies of a permit"


def test_delete_removes_the_selected_line(qtbot: object, cashier: MainWindow, kb: Keyboard) -> None:
    vm = cashier.payment_vm
    assert vm is not None
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_4, CTRL)
    kb.press(Qt.Key.Key_Up, CTRL)  # select the dog licence
    kb.press(Qt.Key.Key_Delete)
    assert [line.service_code for line in vm.sale.lines] == ["CAT"]


def test_parking_ticket_is_cash_only_and_the_other_kinds_say_why(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    vm = cashier.payment_vm
    assert vm is not None
    kb.scan("700100004")
    qtbot.waitUntil(lambda: len(vm.sale.lines) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    tender = cashier.tender
    assert tender is not None
    for key in ("debit", "credit", "cheque", "money_order"):
        from counter_app.payments.catalog import TenderKind

        button = tender.kind_buttons[TenderKind(key)]
        assert not button.isEnabled()
        assert tender.kind_reasons[TenderKind(key)].text() == "Not accepted for Parking ticket"
    kb.press(Qt.Key.Key_F6)
    assert tender.kind.value == "cash"
    assert "Debit: not accepted for parking ticket" in tender.kind_error.text()
    assert tender.amount.text() == "20.00"  # paid within 10 days: the early amount


def test_esc_on_the_tender_screen_is_refused_while_a_tender_is_entered(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    vm = cashier.payment_vm
    assert vm is not None and cashier.tender is not None
    kb.press(Qt.Key.Key_6, CTRL)  # adult transit pass $77
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("50")
    kb.enter()
    assert len(vm.sale.tenders) == 1
    kb.press(Qt.Key.Key_Escape)
    assert cashier.current == "tender"
    assert "remove the tenders" in cashier.tender.notice.text()
    kb.press(Qt.Key.Key_Delete, CTRL)
    assert not vm.sale.tenders
    kb.press(Qt.Key.Key_Escape)
    assert cashier.current == "payment"
