"""Key budgets, counted: the common payments must take very few keys from scan to printed receipt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def print_dialog(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kb: Keyboard) -> Path:
    """The print dialog, accepted as the cashier's Enter would (one key action), printing to a PDF file."""
    out = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        kb.actions += 1  # Enter in the print dialog
        kb.log.append("Return (print dialog)")
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return out


def _printed(qtbot: object, window: MainWindow, out: Path) -> None:
    qtbot.waitUntil(lambda: out.exists() and out.stat().st_size > 0 and not window.runner.busy(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert len(PdfReader(out).pages) == 1


def _copy_marked_now(counter: Counter, number: str) -> bool:
    """A preview after the print says COPY: the print was logged by ReceiptService.issue."""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(counter.receipts.preview(number))).pages)
    return "COPY" in text


def test_scanned_utility_bill_in_exact_cash_takes_at_most_4_keys(
    qtbot: object, cashier: MainWindow, kb: Keyboard, print_dialog: Path, counter: Counter
) -> None:
    kb.scan("1000002")  # the scanner types the stub's digits and Enter: not counted
    kb.press(Qt.Key.Key_F10)  # 1: pay (waits for the look-up if it is still running)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert cashier.tender is not None and cashier.tender.amount.text() == "213.35"
    kb.enter()  # 2: exact cash, prefilled -> completes by itself
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_P, CTRL)  # 3: print; 4: Enter in the print dialog
    _printed(qtbot, cashier, print_dialog)

    assert kb.actions <= 4, kb.log
    assert kb.actions == 4
    (row,) = counter.payments.transactions_on()
    assert row.total_cents == 21335 and row.tenders == {"cash": 21335}
    assert _copy_marked_now(counter, row.receipt_number)


def test_dog_licence_by_quick_key_takes_at_most_5_keys(
    qtbot: object, cashier: MainWindow, kb: Keyboard, print_dialog: Path, counter: Counter
) -> None:
    kb.press(Qt.Key.Key_3, CTRL)  # 1: DOG-AC $20
    kb.press(Qt.Key.Key_F10)  # 2
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # 3: $20.00 cash
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_P, CTRL)  # 4, and 5 in the dialog
    _printed(qtbot, cashier, print_dialog)

    assert kb.actions <= 5, kb.log
    assert kb.actions == 5
    (row,) = counter.payments.transactions_on()
    assert row.description.startswith("Dog licence - altered and chipped") and row.total_cents == 2000


def test_next_resident_after_the_receipt_is_one_key_and_the_scan_field_has_focus(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.actions = 0
    kb.enter()
    assert kb.actions == 1
    assert cashier.current == "payment"
    assert cashier.payment is not None and cashier.payment.scan.hasFocus()
    assert cashier.payment_vm is not None and not cashier.payment_vm.has_lines
