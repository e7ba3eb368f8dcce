"""Sign in: staff number, PIN, Enter. Usable while the counter opens in the background (sign-in waits for it)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.config import Settings
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice


def demo_logins(settings: Settings) -> list[dict[str, str]]:
    """The demo staff (resources/demo/staff.json), shown on the sign-in screen in demo mode only."""
    if not settings.demo:
        return []
    from counter_app.resources import resource_path

    try:
        rows = json.loads(resource_path("demo", "staff.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [{k: str(v) for k, v in row.items()} for row in rows if isinstance(row, dict)]


class LoginScreen(QWidget):
    submitted = Signal(str, str)  # staff number, PIN

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)

        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(520)
        box = QVBoxLayout(card)
        box.setContentsMargins(36, 28, 36, 28)
        box.setSpacing(6)
        title = QLabel("Sign in to the counter")
        title.setObjectName("screenTitle")
        station = QLabel(f"Workstation {settings.workstation}")
        station.setObjectName("muted")
        box.addWidget(title)
        box.addWidget(station)
        box.addSpacing(14)

        staff_label = QLabel("Staff number")
        staff_label.setObjectName("fieldLabel")
        self.staff_no = EnterLineEdit()
        self.staff_no.setObjectName("staffNo")
        self.staff_no.setMaxLength(10)
        self.staff_no.setPlaceholderText("e.g. 1001")
        staff_label.setBuddy(self.staff_no)
        pin_label = QLabel("PIN")
        pin_label.setObjectName("fieldLabel")
        self.pin = EnterLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        pin_label.setBuddy(self.pin)
        self.error = FieldError()
        self.status = Notice()
        box.addWidget(staff_label)
        box.addWidget(self.staff_no)
        box.addSpacing(8)
        box.addWidget(pin_label)
        box.addWidget(self.pin)
        box.addWidget(self.error)
        box.addSpacing(8)
        box.addWidget(self.status)
        hint = QLabel("Enter in the PIN field signs you in.")
        hint.setObjectName("muted")
        box.addWidget(hint)

        logins = demo_logins(settings)
        if logins:
            demo = QFrame()
            demo.setObjectName("demoBox")
            grid = QGridLayout(demo)
            grid.setContentsMargins(14, 10, 14, 10)
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(2)
            head = QLabel("DEMO logins (staff number / PIN)")
            head.setObjectName("demoTitle")
            grid.addWidget(head, 0, 0, 1, 4)
            for row, login in enumerate(logins, start=1):
                for col, key in enumerate(("staff_no", "pin", "name", "role")):
                    cell = QLabel(login.get(key, ""))
                    cell.setObjectName("demoCell")
                    grid.addWidget(cell, row, col)
            box.addSpacing(10)
            box.addWidget(demo)

        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.staff_no.returnPressed.connect(self._staff_entered)
        self.pin.returnPressed.connect(self._submit)
        self.staff_no.textEdited.connect(lambda _t: self.error.clear_message())
        self.pin.textEdited.connect(lambda _t: self.error.clear_message())
        self.setFocusProxy(self.staff_no)

    def _staff_entered(self) -> None:
        self.pin.setFocus()

    def _submit(self) -> None:
        if not self.staff_no.text().strip():
            self.error.show_message("Type your staff number first.")
            self.staff_no.setFocus()
            return
        self.submitted.emit(self.staff_no.text(), self.pin.text())

    def set_opening(self) -> None:
        self.status.say("Opening the counter…", "info")

    def set_ready(self, problem: str | None = None) -> None:
        """The counter is open; ``problem`` says why PINs cannot be checked yet (no PIN pepper provisioned)."""
        self.status.say(problem or "", "error" if problem else "info")
        self._fit(self.status)

    def _fit(self, label: QLabel) -> None:
        """A message of several lines gets the height they need (the card's layout would clip it)."""
        width = self.staff_no.width() if self.staff_no.isVisible() else 448  # the card's column
        label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)

    def set_start_failed(self, message: str) -> None:
        self.status.say(message, "error")

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.status.say("Checking…", "info")
        elif self.status.text() == "Checking…":
            self.status.say("", "info")
        self._fit(self.status)

    def show_error(self, message: str, field: str = "") -> None:
        self.error.show_message(message)
        self._fit(self.error)
        self.pin.clear()
        self.pin.setFocus()

    def reset(self) -> None:
        self.staff_no.clear()
        self.pin.clear()
        self.error.clear_message()
        self.staff_no.setFocus()
