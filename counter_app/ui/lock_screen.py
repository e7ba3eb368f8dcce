"""The idle lock: after a few idle minutes (or Ctrl+Alt+L / Pause) the work stays on screen, blurred and dimmed,
under a card that asks for the PIN again. The same person's PIN unlocks; another staff member's number and PIN
switch the workstation to them without losing the sale in progress.

:class:`IdleWatch` is the clock: ``touch()`` on every key or mouse event (an application event filter),
``check(now)`` locks once the idle time has passed. Its time source and its polling timer are injectable, so tests
move time on by hand.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice

DEFAULT_IDLE_MINUTES = 5.0
#: How often the idle time is looked at (the lock comes at most this late).
POLL_MS = 5_000

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


def idle_minutes(settings: Any) -> float:
    """``idle_lock_minutes`` from the settings (or ``settings.json`` in the data folder), else 5; 0 means never."""
    value = getattr(settings, "idle_lock_minutes", None)
    if value is None:
        try:
            stored = json.loads((Path(settings.data_dir) / "settings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, AttributeError, TypeError):
            stored = {}
        value = stored.get("idle_lock_minutes") if isinstance(stored, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 24 * 60:
        return DEFAULT_IDLE_MINUTES
    return float(value)


class IdleWatch(QObject):
    """Seconds since the last key or mouse event; emits ``idle`` once they pass ``timeout_s`` while armed."""

    idle = Signal()

    def __init__(self, timeout_s: float, clock: Callable[[], float] = time.monotonic, poll_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self.clock = clock
        self.last = clock()
        self.armed = False
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.check)

    def arm(self, armed: bool) -> None:
        """Watch only while someone is signed in and the counter is not locked."""
        self.armed = armed and self.timeout_s > 0
        self.touch()
        if self.armed:
            self.timer.start()
        else:
            self.timer.stop()

    def touch(self) -> None:
        self.last = self.clock()

    def idle_for(self, now: float | None = None) -> float:
        return (self.clock() if now is None else now) - self.last

    def check(self, now: float | None = None) -> bool:
        """True (and ``idle`` emitted) when the counter has been idle long enough to lock."""
        if not self.armed or self.idle_for(now) < self.timeout_s:
            return False
        self.arm(False)
        self.idle.emit()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.last = self.clock()
        return False


class LockOverlay(QWidget):
    """Covers the window's work area (the status bar stays): dimmed, with the sign-in card in the middle."""

    submitted = Signal(str, str)  # staff number, PIN

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.card = QFrame()
        self.card.setObjectName("lockCard")
        self.card.setFixedWidth(620)
        box = QVBoxLayout(self.card)
        box.setContentsMargins(36, 26, 36, 26)
        box.setSpacing(6)
        self.title = QLabel("Counter locked")
        self.title.setObjectName("lockTitle")
        self.who = QLabel("")
        self.who.setObjectName("lockWho")
        self.who.setWordWrap(True)
        self.kept = QLabel("")
        self.kept.setObjectName("lockKept")
        self.kept.setWordWrap(True)
        box.addWidget(self.title)
        box.addWidget(self.who)
        box.addWidget(self.kept)
        box.addSpacing(10)
        staff_label = QLabel("Staff number")
        staff_label.setObjectName("fieldLabel")
        self.staff_no = EnterLineEdit()
        self.staff_no.setObjectName("lockStaffNo")
        self.staff_no.setMaxLength(10)
        staff_label.setBuddy(self.staff_no)
        pin_label = QLabel("PIN")
        pin_label.setObjectName("fieldLabel")
        self.pin = EnterLineEdit()
        self.pin.setObjectName("lockPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        pin_label.setBuddy(self.pin)
        self.error = FieldError()
        self.error.setObjectName("fieldError")
        self.status = Notice()
        box.addWidget(staff_label)
        box.addWidget(self.staff_no)
        box.addSpacing(6)
        box.addWidget(pin_label)
        box.addWidget(self.pin)
        box.addWidget(self.error)
        box.addWidget(self.status)
        box.addSpacing(4)
        for line in ("Type your PIN and press Enter to go on.",
                     "Someone else taking over: Tab to the staff number, type your own",
                     "number and PIN. The sale stays and is recorded under your name."):
            hint = QLabel(line)
            hint.setObjectName("lockHint")
            box.addWidget(hint)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.staff_no.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        self.staff_no.textEdited.connect(lambda _t: self.error.clear_message())
        self.pin.textEdited.connect(lambda _t: self.error.clear_message())
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(16, 34, 54, 150))
        painter.end()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab stays on the card: nothing behind the lock can take the keyboard."""
        target = self.pin if self.staff_no.hasFocus() else self.staff_no
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def open_for(self, name: str, staff_no: str, kept: str) -> None:
        self.who.setText(f"{name} ({staff_no}) was signed in.")
        self.kept.setText(kept)
        self.staff_no.setText(staff_no)
        self.pin.clear()
        self.error.clear_message()
        self.status.say("")
        self.set_busy(False)
        self.raise_()
        self.show()
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        if not self.staff_no.text().strip():
            self.error.show_message("Type your staff number first.")
            self.staff_no.setFocus()
            return
        if not self.pin.text().strip():
            self.error.show_message("Type your PIN.")
            return
        self.error.clear_message()
        self.submitted.emit(self.staff_no.text().strip(), self.pin.text())

    def set_busy(self, busy: bool) -> None:
        self.staff_no.setReadOnly(busy)
        self.pin.setReadOnly(busy)
        if busy:
            self.status.say("Checking…", "info")
        elif self.status.text() == "Checking…":
            self.status.say("")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.show_message(message)
        self.pin.clear()
        self.pin.setFocus()
