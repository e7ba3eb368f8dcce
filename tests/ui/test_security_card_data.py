"""THE CARD TEST: Luhn-valid test card numbers typed into every text field of every screen and dialog a key opens;
then a sale, a reprint and the day's export; then the database file, the logs, the receipts and the exports are
scanned for any 13-19 digit Luhn-valid number. None may be found.

Screens are walked through ``window.screens`` (so screens other features add are covered as they land); within
each, every visible, editable ``QLineEdit`` / ``QPlainTextEdit`` / ``QTextEdit`` gets a number typed and then Tab.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from counter_app.errors import UserError
from counter_app.logging_setup import configure_logging
from counter_app.payments.accounts import parse_account
from counter_app.payments.card_data import CARD_NUMBER_MESSAGE, contains_card_number
from counter_app.payments.check_digits import luhn_valid
from counter_app.services.container import Counter
from counter_app.ui.lock_card_guard import field_mode
from counter_app.ui.main_window import MainWindow
from counter_app.ui.security_feature import card_guard
from counter_app.ui.sync_feature import AUTOSTART_ENV
from tests.conftest import FLOAT

from .helpers import WAIT_MS, FakePrompts, Keyboard, sign_in

CARDS = ("4111111111111111", "5500 0000 0000 0004", "378282246310005", "6011000990139424",
         "4111.1111.1111.1111")  # dots
CTRL = Qt.KeyboardModifier.ControlModifier
#: A card number as it is written: 13-19 digits, or groups split by single spaces or dashes; not part of a longer
#: alphanumeric run.
_CARD = re.compile(r"(?<![0-9A-Za-z])\d+(?:[ -]\d+)*(?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def _no_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOSTART_ENV, "0")


@pytest.fixture
def logs(counter: Counter) -> Iterator[Path]:
    path = configure_logging(counter.settings.data_dir)
    yield path.parent
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", "").startswith(str(path.parent)):
            root.removeHandler(handler)
            handler.close()


def card_numbers_in(text: str) -> list[str]:
    """Every 13-19 digit Luhn-valid number written as a card number is written (all digits, or groups of digits
    split by single spaces or dashes) and standing on its own (not inside a longer run of letters and digits such
    as a hash, or two columns packed together in the database file). A run of one repeated digit is not a card
    number, nor is a valid account number of the counter's own (Damm check digit, e.g. a 13-digit tax roll)."""
    found = []
    for match in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1 and not _is_account(digits):
            found.append(digits)
    return found


def test_the_scanner_finds_card_numbers_however_they_are_written() -> None:
    blob = ('{"note":"4111111111111111"} ref 5500 0000 0000 0004; 3782-822463-10005\x00\x176011000990139424\x01 '
            "hash a4548a8bc17463332d9f05681943588679e roll 4312000000008 zeros 0000000000000000")
    assert card_numbers_in(blob) == ["4111111111111111", "5500000000000004", "378282246310005", "6011000990139424"]


def _is_account(digits: str) -> bool:
    try:
        parse_account(digits)
    except UserError:
        return False
    return True


class Typist:
    """Types the test card numbers into fields, one after the other, and records what each field kept."""

    def __init__(self, qtbot: object, kb: Keyboard) -> None:
        self.qtbot = qtbot
        self.kb = kb
        self.n = 0
        self.typed: list[str] = []
        self.kept: list[str] = []
        self.capacity: list[int] = []

    def card(self) -> str:
        self.n += 1
        return CARDS[self.n % len(CARDS)]

    def fields(self, root: QWidget) -> list[QWidget]:
        found: list[QWidget] = []
        for kind in (QLineEdit, QPlainTextEdit, QTextEdit):
            for field in root.findChildren(kind):
                if (field.isVisible() and field.isEnabled() and not field.isReadOnly()
                        and field_mode(field) != "screen" and field.focusPolicy() != Qt.FocusPolicy.NoFocus):
                    found.append(field)
        return found

    def into(self, field: QWidget, where: str) -> None:
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.qtbot.waitUntil(field.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
        card = self.card()
        self.kb.type(card)
        self.kb.press(Qt.Key.Key_Tab, count=False)
        text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()  # type: ignore[attr-defined]
        self.typed.append(f"{where}/{field.objectName() or type(field).__name__}")
        self.capacity.append(field.maxLength() if isinstance(field, QLineEdit) else 1_000_000)
        if contains_card_number(text):
            self.kept.append(f"{where}/{field.objectName() or type(field).__name__}: {text!r}")

    def all_in(self, root: QWidget, where: str) -> int:
        fields = self.fields(root)
        for field in fields:
            self.into(field, where)
        return len(fields)


def idle(qtbot: object, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]


def modal(qtbot: object) -> QWidget:
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)  # type: ignore
    found = QApplication.activeModalWidget()
    assert found is not None
    return found


def close_modal(qtbot: object, window: MainWindow) -> None:
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        dialog.reject()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]


def pay_by_card(qtbot: object, window: MainWindow, kb: Keyboard, last4: str) -> None:
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_F7)  # credit: amount, last four, authorisation, terminal reference, brand
    kb.enter()
    kb.type(last4)
    kb.enter()
    kb.type("A1B2C3")
    kb.enter()
    kb.enter()
    kb.enter()


def test_no_card_number_survives_any_field_or_reaches_any_file(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter, prompts: FakePrompts, logs: Path,
    tmp_path: Path
) -> None:
    counter.drawers.open(counter.auth.login("9001", "777703"), FLOAT)
    sign_in(qtbot, kb, window, "9001", "777703")  # the administrator reaches every screen
    guard = card_guard()
    assert guard is not None
    typist = Typist(qtbot, kb)
    payment, vm = window.payment, window.payment_vm
    assert payment is not None and vm is not None

    # the payment screen: scan field, then the bill panel (account, amount) and the open-amount panel
    typist.all_in(payment, "payment")
    kb.press(Qt.Key.Key_1, CTRL)  # a utility bill: the account field
    typist.all_in(payment, "payment/bill")
    kb.press(Qt.Key.Key_Escape)
    payment.focus_scan()
    kb.type("miscellaneous")
    kb.enter()
    qtbot.waitUntil(payment.open_panel.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    typist.all_in(payment, "payment/open")
    assert guard.message is not None and guard.message.text() == CARD_NUMBER_MESSAGE
    kb.press(Qt.Key.Key_Escape)
    payment.focus_scan()

    # the drawer dialog (F7)
    kb.press(Qt.Key.Key_F7)
    typist.all_in(modal(qtbot), "drawer dialog")
    close_modal(qtbot, window)

    # tenders: cheque number, card authorisation and terminal reference; the last four refuse a full number
    window.go_payment()
    kb.press(Qt.Key.Key_3, CTRL)  # $20 dog licence
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    tender = window.tender
    assert tender is not None
    for key in (Qt.Key.Key_F8, Qt.Key.Key_F9, Qt.Key.Key_F6):
        kb.press(key)
        typist.all_in(tender, f"tender/{key.name}")
    pay_by_card(qtbot, window, kb, "4111111111111111")  # a full number in the last-four field
    _caption, _field, error = tender.rows["last4"]
    assert error.isVisible() and error.text() == CARD_NUMBER_MESSAGE
    assert vm.sale.tenders == []
    kb.press(Qt.Key.Key_Escape)
    window.go_payment()

    # a sale by card with the last four only, then today's list: void (approval) and refund dialogs
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_F7)
    assert tender.last4.isVisible()
    tender.amount.setFocus()
    kb.enter()
    tender.last4.clear()
    kb.type("0004")
    kb.enter()
    tender.auth.clear()
    kb.type("A1B2C3")
    kb.enter()
    tender.terminal_ref.clear()
    kb.enter()
    kb.enter()
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    idle(qtbot, window)
    kb.enter()  # next resident
    kb.press(Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: window.transactions is not None  # type: ignore[attr-defined]
                    and window.transactions.model.rowCount() == 1, timeout=WAIT_MS)
    kb.press(Qt.Key.Key_V)
    typist.all_in(modal(qtbot), "void approval")
    close_modal(qtbot, window)
    assert window.transactions is not None
    window.transactions.view.setFocus()
    kb.press(Qt.Key.Key_F)
    refund = modal(qtbot)
    typist.all_in(refund, "refund")
    close_modal(qtbot, window)

    # every screen registered in the window, including those other features add
    walked = []
    for name in list(window.screens):
        if name in ("login", "receipt"):
            continue
        window.show_screen(name)
        idle(qtbot, window)
        walked.append((name, typist.all_in(window.screens[name], name)))
        idle(qtbot, window)
    assert {"payment", "tender", "transactions", "sync_log", "admin_staff", "admin_fees", "audit"} <= \
        {name for name, _n in walked}
    staff = window.screens["admin_staff"]
    window.show_screen("admin_staff")
    idle(qtbot, window)
    staff.open_create()  # type: ignore[attr-defined]
    typist.all_in(staff, "admin_staff/new")
    staff.close_panel()  # type: ignore[attr-defined]
    fees = window.screens["admin_fees"]
    window.show_screen("admin_fees")
    idle(qtbot, window)
    fees.open_edit()  # type: ignore[attr-defined]
    typist.all_in(fees, "admin_fees/edit")
    fees.close_panel()  # type: ignore[attr-defined]

    assert not typist.kept, "fields kept a card number: " + "; ".join(typist.kept)
    # short fields (PINs, staff numbers, amounts, counts) cannot hold 13 digits; every other one refused it
    long_fields = sum(1 for n in typist.capacity if n >= 13)
    assert len(typist.typed) >= 40 and guard.refusals >= long_fields >= 20, (len(typist.typed), long_fields,
                                                                              guard.refusals)

    # reprint the sale and save it as PDF; export the day
    window.go_transactions()
    qtbot.waitUntil(lambda: window.transactions.model.rowCount() == 1, timeout=WAIT_MS)  # type: ignore
    window.transactions.view.setFocus()
    kb.enter()  # reprint
    qtbot.waitUntil(lambda: window.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: any(prompts.save_dir.glob("*.pdf")), timeout=WAIT_MS)  # type: ignore[attr-defined]
    idle(qtbot, window)
    exports = tmp_path / "exports"
    exports.mkdir()
    admin = counter.auth.login("9001", "777703")
    files = counter.drawers.export(counter.clock.today(), exports, admin)
    assert files and any(exports.iterdir())
    logging.getLogger("counter.test").warning("card test typed %s into %d fields", CARDS[0], len(typist.typed))
    for handler in logging.getLogger().handlers:
        handler.flush()

    # scan every file the counter wrote
    data = counter.settings.data_dir
    scanned: dict[str, list[str]] = {}
    for path in sorted(data.glob("counter.sqlite3*")):  # the raw files: free pages and the WAL included
        scanned[path.name] = card_numbers_in(path.read_bytes().decode("latin-1"))
    with closing(sqlite3.connect(f"file:{data / 'counter.sqlite3'}?mode=ro", uri=True)) as conn:  # each value
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            for row in conn.execute(f'select * from "{table}"'):
                for value in row:
                    if isinstance(value, str | bytes):
                        text = value.decode("latin-1") if isinstance(value, bytes) else value
                        scanned.setdefault(f"table/{table}", []).extend(card_numbers_in(text))
    assert len([n for n in scanned if n.startswith("table/")]) >= 10
    for path in sorted(logs.iterdir()):
        scanned[f"logs/{path.name}"] = card_numbers_in(path.read_text(encoding="utf-8", errors="replace"))
    pdfs = sorted({*prompts.save_dir.glob("*.pdf"), *data.rglob("*.pdf")})
    assert pdfs
    from pypdf import PdfReader

    for path in pdfs:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        scanned[f"pdf/{path.name}"] = card_numbers_in(text)  # the raw file is compressed streams and offsets
    for path in sorted(p for p in exports.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                raw = b"\n".join(archive.read(name) for name in archive.namelist())
        elif path.suffix.lower() == ".pdf":
            raw = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages).encode()
        scanned[f"export/{path.name}"] = card_numbers_in(raw.decode("latin-1"))
    assert any(name.startswith("logs/") for name in scanned) and any(n.startswith("export/") for n in scanned)
    assert "counter.test" in (logs / "counter.log").read_text(encoding="utf-8")  # the log was written to
    found = {name: numbers for name, numbers in scanned.items() if numbers}
    assert not found, f"card numbers found: {found}"


def _type_unicode(field: QWidget, text: str) -> None:
    """Key presses carrying any character (QTest's keyClicks only types Latin-1)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(field, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


@pytest.mark.parametrize("number", ["４１１１１１１１１１１１１１１１", "٤١١١ ١١١١ ١١١١ ١١١١",
                                    "4111\u00a01111\u20131111.1111", "4111/1111/1111/1111"])
def test_the_keystroke_guard_sees_through_unicode(qtbot: object, window: MainWindow, number: str) -> None:
    guard = card_guard()
    assert guard is not None
    before = guard.refusals
    host = QWidget(window)
    field = QLineEdit(host)
    field.setObjectName("reasonUnderTest")
    host.show()
    field.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(field.hasFocus, timeout=WAIT_MS)  # type: ignore[attr-defined]
    _type_unicode(field, "paid by " + number)
    assert guard.refusals == before + 1
    assert not contains_card_number(field.text()) and field.text().startswith("paid by")
    host.deleteLater()
