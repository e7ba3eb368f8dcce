"""A supervisor's approval: reason, supervisor number and PIN. The PIN is checked off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class ApprovalFields(QWidget):
    """Reason, supervisor staff number, supervisor PIN; Enter moves on, Enter in the PIN submits."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_reason: bool = True) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        self.reason = EnterLineEdit()
        self.reason.setObjectName("approvalReason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("e.g. wrong account scanned")
        self.supervisor = EnterLineEdit()
        self.supervisor.setObjectName("supervisorNo")
        self.supervisor.setMaxLength(10)
        self.pin = EnterLineEdit()
        self.pin.setObjectName("supervisorPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.errors = {name: FieldError() for name in ("reason", "supervisor", "pin")}
        for caption, widget, name in (("Reason (goes in the journal)", self.reason, "reason"),
                                      ("Supervisor staff number", self.supervisor, "supervisor"),
                                      ("Supervisor PIN", self.pin, "pin")):
            if widget is self.reason and not with_reason:
                self.reason.hide()  # an approval with nothing to explain (an amount above a cap)
                continue
            box.addWidget(_label(caption))
            box.addWidget(widget)
            box.addWidget(self.errors[name])
        self.reason.returnPressed.connect(self.supervisor.setFocus)
        self.supervisor.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submitted.emit)
        for name, widget in (("reason", self.reason), ("supervisor", self.supervisor), ("pin", self.pin)):
            widget.textEdited.connect(lambda _t, n=name: self.errors[n].clear_message())

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear_message()

    def show_error(self, message: str, field: str) -> bool:
        """Show the message next to its field; False when the field is not one of these."""
        if field == "reason":
            self.errors["reason"].show_message(message)
            self.reason.setFocus()
            self.reason.selectAll()
            return True
        if field in ("supervisor", "pin"):
            # the PIN is never kept after a refusal; the message sits under the PIN, where the eye is
            self.errors["pin"].show_message(message)
            self.pin.clear()
            self.supervisor.setFocus()
            self.supervisor.selectAll()
            return True
        return False

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.reason, self.supervisor, self.pin):
            widget.setEnabled(enabled)


class ApprovalDialog(QDialog):
    """Void (or any action) that needs a different supervisor's number and PIN."""

    submitted = Signal(str, str, str)  # reason, supervisor number, PIN

    def __init__(self, title: str, summary: str, parent: QWidget | None = None, *, with_reason: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(6)
        heading = _label(title, "panelTitle")
        box.addWidget(heading)
        about = _label(summary, "dialogSummary")
        about.setWordWrap(True)
        box.addWidget(about)
        box.addSpacing(6)
        self.fields = ApprovalFields(with_reason=with_reason)
        box.addWidget(self.fields)
        self.notice = Notice()
        box.addWidget(self.notice)
        box.addWidget(_label("Enter: next field · Enter in the PIN: approve · Esc: cancel", "muted"))
        self.fields.submitted.connect(self._submit)
        (self.fields.reason if with_reason else self.fields.supervisor).setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        self.fields.clear_errors()
        self.notice.say("Checking the approval…", "info")
        self.submitted.emit(self.fields.reason.text(), self.fields.supervisor.text(), self.fields.pin.text())

    def set_busy(self, busy: bool) -> None:
        self.fields.set_enabled(not busy)
        if not busy and self.notice.text() == "Checking the approval…":
            self.notice.say("")

    def show_error(self, message: str, field: str) -> None:
        self.set_busy(False)
        if not self.fields.show_error(message, field):
            self.notice.say(message, "error")
        else:
            self.notice.say("")
