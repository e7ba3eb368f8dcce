"""Small drawer dialogs: a cash movement (amount, reason, supervisor) and a supervisor's approval of an over/short.

Enter moves to the next field and submits from the last one; Esc cancels. Each refusal is shown under the field
it concerns; a supervisor refusal sits under the PIN, which is cleared.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.drawer.session import MovementKind
from counter_app.payments.money import format_money
from counter_app.ui.eod_reports import OverShort
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice, set_state

ABOUT = {
    MovementKind.PAID_IN: "Cash put into your drawer (for example change from the safe). A supervisor approves "
                          "with their own staff number and PIN.",
    MovementKind.PAID_OUT: "Cash taken out of your drawer for a purpose (for example postage). It cannot be more "
                           "than the cash in the drawer. A supervisor approves with their own number and PIN.",
    MovementKind.PICKUP: "Cash dropped to the safe during the day. Count it with the cash office; it leaves your "
                         "drawer's expected cash.",
    MovementKind.NO_SALE: "Open the drawer with no money moving (for example change for a note). Logged with who "
                          "and why; a supervisor approves with their own number and PIN.",
}


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class _FormDialog(QDialog):
    """Fields in a column, each with its error under it; Enter moves on, Enter in the last field submits."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(560)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(24, 20, 24, 20)
        self.box.setSpacing(4)
        self.heading = _label(title, "panelTitle")
        self.box.addWidget(self.heading)
        self.inputs: dict[str, EnterLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        self.notice = Notice()

    def add_field(self, name: str, caption: str, *, secret: bool = False, width: int = 0,
                  placeholder: str = "", max_length: int = 200) -> EnterLineEdit:
        field = EnterLineEdit()
        field.setObjectName(f"eod_{name}")
        field.setMaxLength(max_length)
        field.setPlaceholderText(placeholder)
        if secret:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        if width:
            field.setMaximumWidth(width)
        caption_label = _label(caption)
        caption_label.setBuddy(field)
        error = FieldError()
        self.box.addWidget(caption_label)
        self.box.addWidget(field)
        self.box.addWidget(error)
        field.returnPressed.connect(lambda: self._enter(name))
        field.textEdited.connect(lambda _t: self._clear(name))
        self.inputs[name] = field
        self.errors[name] = error
        return field

    def finish(self, hint: str) -> None:
        self.box.addWidget(self.notice)
        self.box.addWidget(_label(hint, "muted"))
        first = next(iter(self.inputs.values()))
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _enter(self, name: str) -> None:
        names = list(self.inputs)
        index = names.index(name)
        if index + 1 < len(names):
            self.inputs[names[index + 1]].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self._submit()

    def _clear(self, name: str) -> None:
        self.errors[name].clear_message()
        set_state(self.inputs[name], "state", "")

    def _submit(self) -> None:
        raise NotImplementedError

    def set_busy(self, busy: bool) -> None:
        for field in self.inputs.values():
            field.setEnabled(not busy)
        if busy:
            self.notice.say("Checking…", "info")
        elif self.notice.text() == "Checking…":
            self.notice.say("")

    def show_error(self, message: str, field: str) -> None:
        """Under the field named ``field``; a supervisor refusal goes under the PIN. The PIN is always cleared."""
        self.set_busy(False)
        if "pin" in self.inputs:
            self.inputs["pin"].clear()  # never left for another attempt: the supervisor types it again
        name = "pin" if field in ("supervisor", "pin") and "pin" in self.inputs else field
        if name not in self.inputs:
            self.notice.say(message, "error")
            return
        self.notice.say("")
        self.errors[name].show_message(message)
        if name == "pin":
            target = self.inputs.get("supervisor", self.inputs["pin"])
        else:
            target = self.inputs[name]
            set_state(target, "state", "error")
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        target.selectAll()

    def text(self, name: str) -> str:
        field = self.inputs.get(name)
        return field.text() if field is not None else ""


class MovementDialog(_FormDialog):
    """Paid in, paid out, pickup or no sale: amount (not for a no sale), reason, and a supervisor when needed."""

    submitted = Signal(str, str, str, str)  # amount, reason, supervisor number, PIN

    def __init__(self, kind: MovementKind, cash_hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(kind.label, parent)
        self.setObjectName("movementDialog")
        self.kind = kind
        about = _label(ABOUT[kind] + (f" {cash_hint}" if cash_hint else ""), "dialogSummary")
        self.box.addWidget(about)
        self.box.addSpacing(4)
        if kind is not MovementKind.NO_SALE:
            self.add_field("amount", "Amount", width=220, placeholder="e.g. 12.50", max_length=12)
        self.add_field("reason", "Reason (printed on the X and Z reports)",
                       placeholder="e.g. change from the safe" if kind is MovementKind.PAID_IN else "")
        if kind.needs_supervisor:
            self.add_field("supervisor", "Supervisor staff number", width=220, max_length=10)
            self.add_field("pin", "Supervisor PIN", secret=True, width=220, max_length=12)
        last = "record it" if not kind.needs_supervisor else "approve"
        self.finish(f"Enter: next field · Enter in the last field: {last} · Esc: cancel")

    def _submit(self) -> None:
        for name in self.inputs:
            self._clear(name)
        self.submitted.emit(self.text("amount"), self.text("reason"), self.text("supervisor"), self.text("pin"))


class CloseApprovalDialog(_FormDialog):
    """The count is in and beyond tolerance: the difference, then a note, supervisor number and PIN."""

    submitted = Signal(str, str, str)  # note, supervisor number, PIN

    def __init__(self, over: OverShort, parent: QWidget | None = None) -> None:
        super().__init__("Supervisor approval to close", parent)
        self.setObjectName("closeApprovalDialog")
        self.setMinimumWidth(660)
        self.outcome = QLabel(over.label.upper())
        self.outcome.setObjectName("overShortBig")
        self.outcome.setProperty("tone", "short" if over.counted_cents < over.expected_cents else "over")
        self.box.addWidget(self.outcome)
        figures = _label(f"Counted {format_money(over.counted_cents)} · expected {format_money(over.expected_cents)}"
                         f" · tolerance {format_money(over.tolerance_cents)}", "overShortFigures")
        self.box.addWidget(figures)
        about = _label("The difference is more than the tolerance, so a supervisor approves the close with their "
                       "own staff number and PIN (not yours). Esc goes back to recount.", "dialogSummary")
        self.box.addWidget(about)
        self.box.addSpacing(4)
        self.add_field("note", "Note: what was checked (goes on the Z report)",
                       placeholder="e.g. recounted twice with the supervisor", max_length=500)
        self.add_field("supervisor", "Supervisor staff number", width=220, max_length=10)
        self.add_field("pin", "Supervisor PIN", secret=True, width=220, max_length=12)
        self.finish("Enter: next field · Enter in the PIN: approve and close the drawer · Esc: back to the count")

    def _submit(self) -> None:
        for name in self.inputs:
            self._clear(name)
        self.submitted.emit(self.text("note"), self.text("supervisor"), self.text("pin"))
