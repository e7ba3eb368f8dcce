"""Count cash by denomination: the grid shared by opening a drawer (the float) and closing it (the blind count).

:class:`CountGrid` adds up as the cashier types, says next to the row when a count is not a whole number, and
moves on with Enter or Down (Up goes back). :class:`DrawerDialog` opens the cashier's drawer with it: blank is
zero, Ctrl+Enter opens the drawer.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QVBoxLayout, QWidget

from counter_app.drawer.denominations import BY_CODE, DENOMINATIONS, parse_count
from counter_app.errors import UserError
from counter_app.payments.money import format_money
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice, add_shortcut, set_state

_COLUMNS = (("note", "Notes"), ("coin", "Coins"), ("roll", "Coin rolls"))


def count_error(code: str, text: str) -> str:
    """The refusal for one typed count, in the domain's own words; "" when the count is fine (blank is zero)."""
    try:
        parse_count({code: text})
    except UserError as exc:
        return exc.message
    return ""


class CountField(EnterLineEdit):
    """One count: Enter or Down moves to the next count, Up to the previous one."""

    step = Signal(int)  # +1 next, -1 previous

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if plain and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.step.emit(1 if key == Qt.Key.Key_Down else -1)
            event.accept()
            return
        super().keyPressEvent(event)


class CountGrid(QWidget):
    """Notes, coins and rolls in three columns; a running total; a message under any row that is not a count."""

    changed = Signal(int)  # the total of the counts typed so far, in cents (rows in error count as zero)
    finished = Signal()  # Enter or Down in the last count

    def __init__(self, subtotals: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countGrid")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        span = 3 if subtotals else 2  # label, count (, subtotal); then a gap column between the groups
        self.fields: dict[str, CountField] = {}
        self.errors: dict[str, FieldError] = {}
        self.subtotals: dict[str, QLabel] = {}
        for col, (kind, heading) in enumerate(_COLUMNS):
            start = col * (span + 1)
            head = QLabel(heading)
            head.setObjectName("sectionTitle")
            grid.addWidget(head, 0, start, 1, span)
            rows = (d for d in DENOMINATIONS if d.kind == kind)
            for n, denomination in enumerate(rows):
                row = 1 + n * 2
                label = QLabel(denomination.label)
                label.setObjectName("countLabel")
                field = CountField()
                field.setObjectName(f"count_{denomination.code}")
                field.setMaxLength(5)
                field.setFixedWidth(86)
                field.setAlignment(Qt.AlignmentFlag.AlignRight)
                field.setAccessibleName(denomination.label)
                label.setBuddy(field)
                grid.addWidget(label, row, start)
                grid.addWidget(field, row, start + 1)
                if subtotals:
                    amount = QLabel("")
                    amount.setObjectName("countSubtotal")
                    amount.setMinimumWidth(84)
                    amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    grid.addWidget(amount, row, start + 2)
                    self.subtotals[denomination.code] = amount
                error = FieldError()
                error.setMaximumWidth(420)
                grid.addWidget(error, row + 1, start, 1, span)
                self.fields[denomination.code] = field
                self.errors[denomination.code] = error
            if col < len(_COLUMNS) - 1:
                grid.setColumnMinimumWidth(start + span, 22 if subtotals else 8)
                grid.setColumnStretch(start + span, 1 if subtotals else 0)
        self.ordered = [self.fields[d.code] for d in DENOMINATIONS]
        for first, second in pairwise(self.ordered):
            QWidget.setTabOrder(first, second)
        for index, field in enumerate(self.ordered):
            field.returnPressed.connect(lambda i=index: self._move(i, 1))
            field.step.connect(lambda step, i=index: self._move(i, step))
            field.textEdited.connect(lambda _t, code=DENOMINATIONS[index].code: self._edited(code))

    # -- typing ---------------------------------------------------------------------------------------------
    def _move(self, index: int, step: int) -> None:
        target = index + step
        if target >= len(self.ordered):
            self.finished.emit()
        elif target >= 0:
            self.ordered[target].setFocus(Qt.FocusReason.TabFocusReason)
            self.ordered[target].selectAll()

    def _edited(self, code: str) -> None:
        field = self.fields[code]
        message = count_error(code, field.text())
        self.errors[code].show_message(message)
        set_state(field, "state", "error" if message else "")
        if code in self.subtotals:
            text = field.text().strip()
            pieces = int(text) if text and not message else 0
            self.subtotals[code].setText(format_money(pieces * BY_CODE[code].value_cents) if pieces else "")
        self.changed.emit(self.total_cents())

    # -- reading --------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, str]:
        """What was typed, by denomination code (blank rows left out), for the drawer service to parse."""
        return {code: field.text() for code, field in self.fields.items() if field.text().strip()}

    def total_cents(self) -> int:
        """The total of the valid counts (a row in error adds nothing until it is fixed)."""
        total = 0
        for code, field in self.fields.items():
            text = field.text().strip()
            if text and not count_error(code, text):
                total += int(text) * BY_CODE[code].value_cents
        return total

    def first_error(self) -> tuple[str, str] | None:
        """The first row that is not a count, as ``(code, message)``."""
        for denomination in DENOMINATIONS:
            message = count_error(denomination.code, self.fields[denomination.code].text())
            if message:
                return denomination.code, message
        return None

    # -- showing --------------------------------------------------------------------------------------------
    def show_error(self, message: str, code: str) -> bool:
        """The message under the row of ``code`` (focused and selected); False when ``code`` is not a row."""
        field = self.fields.get(code)
        if field is None:
            return False
        self.errors[code].show_message(message)
        set_state(field, "state", "error")
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        field.selectAll()
        return True

    def clear(self) -> None:
        for code, field in self.fields.items():
            field.clear()
            self.errors[code].clear_message()
            set_state(field, "state", "")
            if code in self.subtotals:
                self.subtotals[code].setText("")
        self.changed.emit(0)

    def set_enabled(self, enabled: bool) -> None:
        for field in self.fields.values():
            field.setEnabled(enabled)

    def focus_count(self, code: str = "n100") -> None:
        self.fields[code].setFocus(Qt.FocusReason.OtherFocusReason)
        self.fields[code].selectAll()


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

        self.grid = CountGrid()
        self.fields = self.grid.fields
        box.addWidget(self.grid)
        self.grid.changed.connect(self._update_total)
        self.grid.finished.connect(self._submit)

        self.total = QLabel("Float: $0.00")
        self.total.setObjectName("refundTotal")
        box.addWidget(self.total)
        self.notice = Notice()
        box.addWidget(self.notice)
        hint = QLabel("Enter / Down: next count · Up: back · Ctrl+Enter: open the drawer · Esc: later")
        hint.setObjectName("muted")
        box.addWidget(hint)
        add_shortcut(self, "Ctrl+Return", self._submit)
        add_shortcut(self, "Ctrl+Enter", self._submit)
        self.fields["n20"].setFocus()

    def counts(self) -> dict[str, str]:
        return self.grid.counts()

    def _update_total(self, total: int) -> None:
        suffix = " (fix the marked counts)" if self.grid.first_error() else ""
        self.total.setText(f"Float: {format_money(total)}{suffix}")

    def _submit(self) -> None:
        self.notice.say("Opening the drawer…", "info")
        self.submitted.emit(self.counts())

    def set_busy(self, busy: bool) -> None:
        self.grid.set_enabled(not busy)

    def show_error(self, message: str, field: str) -> None:
        self.set_busy(False)
        self.notice.say(message, "error")
        self.grid.show_error(message, field)
