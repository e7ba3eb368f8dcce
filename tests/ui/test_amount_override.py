"""Above an amount cap the payment service refuses the sale; on the tender screen a supervisor approves it with
their own number and PIN (a price override), and the approval is in the audit trail (issue 10, item 11)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_sale_above_the_cap_completes_with_a_supervisors_override(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    counter.payments.max_transaction_cents = 1_500  # $15 for this test: a $20 dog licence is above it
    kb.press(Qt.Key.Key_3, CTRL)
    kb.press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: cashier.current == "tender", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.type("20")
    kb.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)  # type: ignore
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "approvalDialog"
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "$20.00 for this transaction is above the counter's limit of $15.00" in texts
    assert not dialog.fields.reason.isVisible()  # type: ignore[attr-defined]
    assert counter.payments.transactions_on() == []

    kb.type("1002")  # another cashier cannot approve
    kb.enter()
    kb.type("2222")
    kb.enter()
    qtbot.waitUntil(lambda: dialog.fields.errors["pin"].isVisible(), timeout=WAIT_MS)  # type: ignore
    assert "Only a supervisor" in dialog.fields.errors["pin"].text()  # type: ignore[attr-defined]
    assert counter.payments.transactions_on() == []

    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(lambda: cashier.current == "receipt", timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore
    [sale] = counter.payments.transactions_on()
    [entry] = counter.audit.search(action="price_override")
    assert entry.object_ref == f"receipt:{sale.receipt_number}" and entry.detail["supervisor"] == "2001"
