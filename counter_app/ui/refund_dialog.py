"""Refund lines of an original receipt: tick lines (Space), choose how the money goes back, get approval."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from counter_app.payments.catalog import TenderKind
from counter_app.payments.money import format_money
from counter_app.payments.rounding import round_cash
from counter_app.ui.approval_dialog import ApprovalFields
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class RefundDialog(QDialog):
    submitted = Signal(list, object, str, str, str, str)  # line indexes, TenderKind, auth, reason, sup no, PIN

    def __init__(self, options: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        original = options.original
        self.receipt_number: str = original.receipt_number
        self.setWindowTitle(f"Refund from {original.receipt_number}")
        self.setModal(True)
        self.setMinimumWidth(640)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 18, 24, 18)
        box.setSpacing(4)
        box.addWidget(_label(f"Refund from receipt {original.receipt_number}", "panelTitle"))
        box.addWidget(_label("Lines to refund (Space ticks the highlighted line)"))
        self.lines = QListWidget()
        self.lines.setObjectName("refundLines")
        self._line_cents: list[int] = []
        for index, line in enumerate(original.lines):
            ref = f" · {line.reference}" if line.reference else ""
            done = index in original.refunded_line_nos
            text = f"{line.description}{ref}    {format_money(line.total_cents)}" + ("   (refunded)" if done else "")
            item = QListWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            if not done:
                flags |= Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.lines.addItem(item)
            self._line_cents.append(line.total_cents)
        self.lines.setFixedHeight(min(6, max(2, len(original.lines))) * 34 + 8)
        box.addWidget(self.lines)
        self.lines_error = FieldError()
        box.addWidget(self.lines_error)
        self.total = _label("Refund: $0.00", "refundTotal")
        box.addWidget(self.total)

        box.addWidget(_label("Give the money back by"))
        self.kind = QComboBox()
        self.kind.setObjectName("refundKind")
        for kind in options.tender_kinds:
            self.kind.addItem(kind.label, kind.value)
        box.addWidget(self.kind)
        self.kind_error = FieldError()
        box.addWidget(self.kind_error)
        self.auth_label = _label("Card refund authorisation code (from the terminal)")
        self.auth = EnterLineEdit()
        self.auth.setObjectName("refundAuth")
        self.auth.setMaxLength(24)
        self.auth_error = FieldError()
        box.addWidget(self.auth_label)
        box.addWidget(self.auth)
        box.addWidget(self.auth_error)
        self.fields = ApprovalFields()
        box.addWidget(self.fields)
        self.notice = Notice()
        box.addWidget(self.notice)
        if not options.tender_kinds:
            self.notice.say("This receipt cannot be refunded here.", "error")
        box.addWidget(_label("Space: tick line · Tab: next · Enter in the PIN: refund · Esc: cancel", "muted"))

        self.lines.itemChanged.connect(lambda _i: self._update())
        self.kind.currentIndexChanged.connect(lambda _i: self._update())
        self.auth.returnPressed.connect(self.fields.reason.setFocus)
        self.fields.submitted.connect(self._submit)
        first = next((i for i in range(self.lines.count())
                      if self.lines.item(i).flags() & Qt.ItemFlag.ItemIsEnabled), 0)
        self.lines.setCurrentRow(first)
        self.lines.setFocus()
        self._update()

    def chosen(self) -> list[int]:
        return [int(self.lines.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.lines.count())
                if self.lines.item(i).checkState() == Qt.CheckState.Checked]

    def chosen_kind(self) -> TenderKind | None:
        data = self.kind.currentData()
        try:
            return TenderKind(data) if data else None
        except ValueError:
            return None

    def _update(self) -> None:
        kind = self.chosen_kind()
        card = bool(kind and kind.is_card)
        self.auth_label.setVisible(card)
        self.auth.setVisible(card)
        cents = sum(self._line_cents[i] for i in self.chosen())
        shown = round_cash(cents) if kind is TenderKind.CASH else cents
        rounding = f"  (cash, rounded from {format_money(cents)})" if shown != cents else ""
        self.total.setText(f"Refund: {format_money(shown)}{rounding}")
        self.lines_error.clear_message()

    def _submit(self) -> None:
        self.fields.clear_errors()
        for label in (self.lines_error, self.kind_error, self.auth_error):
            label.clear_message()
        kind = self.chosen_kind()
        if kind is None:
            self.kind_error.show_message("This receipt cannot be refunded here.")
            return
        self.notice.say("Checking the approval…", "info")
        self.submitted.emit(self.chosen(), kind, self.auth.text() if kind.is_card else "",
                            self.fields.reason.text(), self.fields.supervisor.text(), self.fields.pin.text())

    def set_busy(self, busy: bool) -> None:
        self.fields.set_enabled(not busy)
        if not busy and self.notice.text() == "Checking the approval…":
            self.notice.say("")

    def show_error(self, message: str, field: str) -> None:
        self.set_busy(False)
        self.notice.say("")
        if field == "lines":
            self.lines_error.show_message(message)
            self.lines.setFocus()
        elif field == "tender_kind":
            self.kind_error.show_message(message)
            self.kind.setFocus()
        elif field == "auth_code":
            self.auth_error.show_message(message)
            self.auth.setFocus()
        elif not self.fields.show_error(message, field):
            self.notice.say(message, "error")
