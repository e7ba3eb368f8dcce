"""The thermal receipt printer and its cash drawer from the window: a cash payment prints and kicks the drawer, a
dead printer never loses or repeats the payment, a no sale opens the drawer, and the settings are saved safely."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from escpos.constants import CD_KICK_2
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.printing.printer_config import parse_printer_config
from counter_app.services.container import Counter
from counter_app.ui.end_of_day_feature import EndOfDayFeature, feature_of
from counter_app.ui.eod_dialogs import MovementDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.printer_settings import PrinterSettingsDialog

from .helpers import WAIT_MS, Keyboard, sign_in

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def counter(counter: Counter) -> Counter:
    """The demo counter with a test (Dummy) ESC/POS printer in its settings, as settings.json would give it."""
    counter.settings = replace(counter.settings, printer={"kind": "escpos-dummy"})
    return counter


def _feature(window: MainWindow) -> EndOfDayFeature:
    feature = feature_of(window)
    assert feature is not None
    return feature


def _output(feature: EndOfDayFeature) -> bytes:
    thermal = feature.printer.thermal
    return (thermal.last_output if thermal is not None else None) or b""


def _cash_sale(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    kb.press(Qt.Key.Key_3, CTRL)  # dog licence $20.00
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("50")
    kb.enter()
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_a_cash_payment_prints_and_kicks_the_drawer_and_so_does_an_approved_no_sale(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    feature = _feature(cashier)
    assert feature.printer.config.kind == "escpos-dummy"
    _cash_sale(qtbot, cashier, kb)
    qtbot.waitUntil(lambda: b"CH1-02-000001" in _output(feature), timeout=WAIT_MS)  # type: ignore[attr-defined]
    out = _output(feature)
    assert out.count(CD_KICK_2) == 1 and out.index(CD_KICK_2) < out.index(b"CH1-02-000001")  # opens, then prints
    assert b"COPY" not in out and b"$30.00" in out  # the original, with the change
    # the print is logged like any other: the next one is a copy
    qtbot.waitUntil(lambda: not cashier.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.waitUntil(lambda: b"COPY" in _output(feature), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert CD_KICK_2 not in _output(feature)  # a reprint never opens the drawer
    assert cashier.receipt is not None
    qtbot.waitUntil(lambda: "printed on the receipt printer (marked COPY)" in cashier.receipt.notice.text(),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    assert len(counter.payments.transactions_on()) == 1

    # an approved no sale opens the drawer
    kb.press(Qt.Key.Key_F7, CTRL)
    qtbot.waitUntil(lambda: feature.vm.x_report is not None and cashier.current == "drawer",  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    kb.press(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MovementDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, MovementDialog)
    qtbot.waitUntil(dialog.inputs["reason"].hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("Change for a $20 note")
    kb.enter()
    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(lambda: CD_KICK_2 in _output(feature) and b"CH1-02" not in _output(feature),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)  # a kick of its own, nothing printed
    qtbot.waitUntil(lambda: "The drawer is open" in feature.drawer.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "No sale recorded, approved by Jordan Lee" in feature.drawer.notice.text()


def test_a_printer_that_does_not_answer_leaves_the_payment_recorded_once_and_says_so(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    feature = _feature(cashier)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feature.printer.configure(parse_printer_config(
        {"kind": "escpos-network", "host": "127.0.0.1", "port": port, "timeout": 1}))
    _cash_sale(qtbot, cashier, kb)
    receipt = cashier.receipt
    assert receipt is not None
    qtbot.waitUntil(lambda: "did not answer" in receipt.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    message = receipt.notice.text()
    assert f"127.0.0.1:{port}" in message and "The payment is saved" in message and "Ctrl+Shift+R" in message
    assert receipt.notice.property("tone") == "error"
    (row,) = counter.payments.transactions_on()
    assert row.receipt_number == "CH1-02-000001" and row.status == "completed"

    # the printer is back: the reprint is the original (it never printed), and the payment is still recorded once
    feature.printer.configure(parse_printer_config({"kind": "escpos-dummy"}))
    kb.press(Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.waitUntil(lambda: b"CH1-02-000001" in _output(feature), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert b"COPY" not in _output(feature)
    assert len(counter.payments.transactions_on()) == 1


def test_printer_settings_are_checked_next_to_the_field_and_saved_beside_the_other_settings(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    settings_file = Path(counter.settings.data_dir) / "settings.json"
    settings_file.write_text(json.dumps({"workstation": "CH1-02", "drawer_tolerance_cents": 25}), encoding="utf-8")
    sign_in(qtbot, kb, window)  # a cashier may not change the printer
    kb.press(Qt.Key.Key_P, CTRL_SHIFT)
    assert QApplication.activeModalWidget() is None
    assert window.payment is not None and "supervisor or an administrator" in window.payment.scan_error.text()
    kb.press(Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: window.current == "login", timeout=WAIT_MS)  # type: ignore[attr-defined]

    sign_in(qtbot, kb, window, "2001", "999901")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_Escape)  # the float dialog: later
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_P, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PrinterSettingsDialog),  # type: ignore[attr-defined]
                    timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PrinterSettingsDialog)
    assert dialog.chosen_kind() == "escpos-dummy"
    qtbot.waitUntil(dialog.kind.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    for _ in range(4):
        kb.press(Qt.Key.Key_Up)  # dummy -> file -> serial -> USB -> network
    assert dialog.chosen_kind() == "escpos-network"
    kb.enter()
    assert dialog.fields["host"].hasFocus()
    kb.type("10.1.2.3:9100")
    kb.press(Qt.Key.Key_Return, CTRL)
    host_error = dialog.errors["host"]
    assert host_error.isVisible() and "put the port in printer.port" in host_error.text()
    kb.select_all()
    kb.type("10.1.2.3")
    kb.enter()
    kb.select_all()
    kb.type("9100")
    kb.enter()
    kb.select_all()
    kb.type("3")
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "Saved" in dialog.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Thermal printer at 10.1.2.3:9100" in dialog.notice.text()
    stored = json.loads(settings_file.read_text(encoding="utf-8"))
    assert stored["workstation"] == "CH1-02" and stored["drawer_tolerance_cents"] == 25
    assert stored["printer"] == {"kind": "escpos-network", "host": "10.1.2.3", "port": 9100, "timeout": 3,
                                 "drawer_pin": 2, "width": 48, "open_drawer_on_cash": True}
    assert [p.name for p in settings_file.parent.iterdir() if p.name.startswith(".settings-")] == []
    feature = _feature(window)
    assert feature.printer.config.host == "10.1.2.3" and feature.printer.config.timeout == 3.0
    kb.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_a_settings_file_that_cannot_be_read_is_left_alone_and_a_bad_section_falls_back_to_pdf(
    qapp: object, tmp_path: Path
) -> None:
    from counter_app.ui.printer_lane import ReceiptPrinter
    from counter_app.ui.printer_settings import SettingsFileError, save_printer_section

    broken = tmp_path / "settings.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsFileError, match="nothing was saved"):
        save_printer_section(tmp_path, {"kind": "escpos-dummy"})
    assert broken.read_text(encoding="utf-8") == "{not json"
    with pytest.raises(ValueError, match=r"printer\.port"):
        save_printer_section(tmp_path, {"kind": "escpos-network", "host": "10.1.2.3", "port": 0})

    printer = ReceiptPrinter({"kind": "escpos-network"})
    assert printer.config.kind == "pdf" and printer.thermal is None
    assert "printer.host is missing" in printer.problem and "Ctrl+Shift+P" in printer.problem
