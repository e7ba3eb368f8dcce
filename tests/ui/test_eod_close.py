"""A cashier's day at the drawer, by keyboard only: open on a counted float, take payments, close on a blind
count that is $0.35 short, a supervisor approves (never the cashier), and the Z report says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from counter_app.services.container import Counter
from counter_app.ui.drawer_dialog import DrawerDialog
from counter_app.ui.end_of_day_feature import EndOfDayFeature, feature_of
from counter_app.ui.eod_dialogs import CloseApprovalDialog
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, FakePrompts, Keyboard, sign_in

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def counter(bare_counter: Counter) -> Counter:
    """No drawer open yet: the cashier counts the float on screen."""
    return bare_counter


def _feature(window: MainWindow) -> EndOfDayFeature:
    feature = feature_of(window)
    assert feature is not None
    return feature


def _texts(widget: QWidget) -> str:
    return " | ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def _pay(qtbot: object, window: MainWindow, kb: Keyboard, cash: str = "") -> None:
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    if cash:
        kb.type(cash)
    kb.enter()
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()  # next resident
    qtbot.waitUntil(lambda: window.current == "payment", timeout=WAIT_MS)  # type: ignore[attr-defined]


def _open_drawer_with_float(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DrawerDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DrawerDialog)
    qtbot.waitUntil(dialog.fields["n20"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("10")  # ten $20 notes
    assert dialog.total.text() == "Float: $200.00"
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_blind_close_35_cents_short_needs_another_supervisor_and_the_z_report_says_so(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter, prompts: FakePrompts,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sign_in(qtbot, kb, window)
    _open_drawer_with_float(qtbot, window, kb)
    feature = _feature(window)
    qtbot.waitUntil(lambda: feature.status.text() == "Drawer open", timeout=WAIT_MS)  # type: ignore[attr-defined]

    # two residents: a dog licence in exact cash ($20.00), a utility bill ($208.54 -> $208.55 cash) paid with $220
    kb.press(Qt.Key.Key_3, CTRL)
    _pay(qtbot, window, kb)
    kb.scan("1000372")
    assert window.payment_vm is not None
    qtbot.waitUntil(lambda: len(window.payment_vm.sale.lines) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    _pay(qtbot, window, kb, "220")

    # the X report, any time: the running totals and the cash the drawer should hold ($200 + $20 + $208.55)
    kb.press(Qt.Key.Key_F7, CTRL)
    qtbot.waitUntil(lambda: window.current == "drawer"  # type: ignore[attr-defined]
                    and feature.drawer.sections.value("Expected cash in the drawer") == "$428.55", timeout=WAIT_MS)
    assert feature.drawer.sections.value("Cash") == "$228.55"
    assert feature.drawer.sections.value("Receipts") == "2"

    # close: a blind count, nothing on the screen says what the drawer should hold
    kb.press(Qt.Key.Key_C)
    close = feature.close_screen
    qtbot.waitUntil(lambda: window.current == "drawer_close" and close.grid.fields["n100"].hasFocus(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert "428.55" not in _texts(close)
    for count in ("4", "", "1", "", "1", "1", "1", "", "2"):  # $100 $50 $20 $10 $5 $2 $1 25c 10c
        kb.type(count)
        kb.enter()
    assert close.total.text() == "$428.20"
    assert close.grid.subtotals["n100"].text() == "$400.00"
    assert "428.55" not in _texts(close)
    kb.press(Qt.Key.Key_Return, CTRL)

    # $0.35 short is beyond the $0.25 tolerance: the count is in, the difference is shown, a supervisor approves
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CloseApprovalDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CloseApprovalDialog)
    assert dialog.outcome.text() == "SHORT $0.35"
    assert "expected $428.55" in _texts(dialog)
    qtbot.waitUntil(dialog.inputs["note"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("Recounted twice with the supervisor")
    kb.enter()
    kb.type("1001")  # the cashier's own number and PIN: refused
    kb.enter()
    kb.type("1111")
    kb.enter()
    error = dialog.errors["pin"]
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "cannot approve their own" in error.text()
    assert counter.drawers.sessions_on()[0].status == "open"
    assert dialog.inputs["supervisor"].hasFocus() and dialog.inputs["pin"].text() == ""
    kb.type("2001")  # Jordan Lee, supervisor
    kb.enter()
    kb.type("999901")
    kb.enter()

    qtbot.waitUntil(lambda: window.current == "z_report", timeout=WAIT_MS)  # type: ignore[attr-defined]
    z = feature.z_screen
    assert z.outcome_tile.value.text() == "Short $0.35"
    assert z.number_tile.value.text() == "Z-CH1-02-00001"
    assert z.sections.value("Over / short") == "Short $0.35"
    assert z.sections.value("Approved by") == "Jordan Lee"
    assert z.sections.value("Expected cash") == "$428.55"
    assert z.sections.value("Counted cash") == "$428.20"
    (session,) = counter.drawers.sessions_on()
    assert session.status == "closed" and session.over_short_cents == -35 and session.z_number == "Z-CH1-02-00001"
    assert session.close_note == "Recounted twice with the supervisor"
    qtbot.waitUntil(lambda: feature.status.text() == "Drawer closed", timeout=WAIT_MS)  # type: ignore[attr-defined]

    # no receipt printer here: Ctrl+S saves the Z report as PDF, Ctrl+P prints it through the print dialog
    kb.press(Qt.Key.Key_S, CTRL)
    saved = prompts.saved[-1]
    assert saved.name == "Z-CH1-02-00001.pdf" and saved.exists()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(saved).pages)
    for expected in ("Z report Z-CH1-02-00001", "Short $0.35", "Jordan Lee", "$428.55", "$428.20", "Alex Martin"):
        assert expected in text, expected
    printed = tmp_path / "z-printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    kb.press(Qt.Key.Key_P, CTRL)
    assert "sent to the printer" in z.notice.text()
    assert "Short $0.35" in " ".join(" ".join(page.extract_text().split()) for page in PdfReader(printed).pages)
