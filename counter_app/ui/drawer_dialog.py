"""Open the cashier's drawer: count the float by denomination (blank is zero); Ctrl+Enter opens it."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QVBoxLayout, QWidget

from counter_app.drawer.denominations import DENOMINATIONS
from counter_app.payments.money import format_money
from counter_app.ui.widgets import EnterLineEdit, Notice, add_shortcut, set_state

_COLUMNS = (("note", "Notes"), ("coin", "Coins"), ("roll", "Coin rolls"))


class DrawerDialog(QDialog):
    submitted = Signal(dict)  # denomination code -> count as typed

    def __init__(self, cashier_name: str, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawerDialog")
        self.setWindowTitle("Open your drawer")
        self.setModal(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(8)
        title = QLabel(f"Open your drawer · {cashier_name}")
        title.setObjectName("panelTitle")
        box.addWidget(title)
        about = QLabel(reason or "Count the float in your drawer before the first payment. Blank is zero.")
        about.setObjectName("dialogSummary")
        about.setWordWrap(True)
        box.addWidget(about)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.fields: dict[str, EnterLineEdit] = {}
        for col, (kind, heading) in enumerate(_COLUMNS):
            head = QLabel(heading)
            head.setObjectName("sectionTitle")
            grid.addWidget(head, 0, col * 2, 1, 2)
            for row, denomination in enumerate((d for d in DENOMINATIONS if d.kind == kind), start=1):
                label = QLabel(denomination.label)
                label.setObjectName("countLabel")
                field = EnterLineEdit()
                field.setObjectName(f"count_{denomination.code}")
                field.setMaxLength(5)
                field.setFixedWidth(86)
                field.setAlignment(Qt.AlignmentFlag.AlignRight)
                label.setBuddy(field)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(field, row, col * 2 + 1)
                self.fields[denomination.code] = field
        box.addLayout(grid)
        ordered = [self.fields[d.code] for d in DENOMINATIONS]
        for first, second in pairwise(ordered):
            QWidget.setTabOrder(first, second)
            first.returnPressed.connect(second.setFocus)
        ordered[-1].returnPressed.connect(self._submit)
        for field in ordered:
            field.textEdited.connect(lambda _t: self._update_total())

        self.total = QLabel("Float: $0.00")
        self.total.setObjectName("refundTotal")
        box.addWidget(self.total)
        self.notice = Notice()
        box.addWidget(self.notice)
        hint = QLabel("Enter: next count · Ctrl+Enter: open the drawer · Esc: later")
        hint.setObjectName("muted")
        box.addWidget(hint)
        add_shortcut(self, "Ctrl+Return", self._submit)
        add_shortcut(self, "Ctrl+Enter", self._submit)
        self.fields["n20"].setFocus()

    def counts(self) -> dict[str, str]:
        return {code: field.text() for code, field in self.fields.items() if field.text().strip()}

    def _update_total(self) -> None:
        total = 0
        for denomination in DENOMINATIONS:
            text = self.fields[denomination.code].text().strip()
            if text.isdigit():
                total += int(text) * denomination.value_cents
        self.total.setText(f"Float: {format_money(total)}")

    def _submit(self) -> None:
        for field in self.fields.values():
            set_state(field, "state", "")
        self.notice.say("Opening the drawer…", "info")
        self.submitted.emit(self.counts())

    def set_busy(self, busy: bool) -> None:
        for field in self.fields.values():
            field.setEnabled(not busy)

    def show_error(self, message: str, field: str) -> None:
        self.set_busy(False)
        self.notice.say(message, "error")
        target = self.fields.get(field)
        if target is not None:
            set_state(target, "state", "error")
            target.setFocus()
            target.selectAll()
