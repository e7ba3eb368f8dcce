"""Keyboard-only driving for the UI tests: a counting keyboard, a scanner, canned dialog answers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.ui.main_window import MainWindow
from counter_app.ui.prompts import Prompts

WAIT_MS = 5_000


class FakePrompts(Prompts):
    """Canned answers for the questions a real cashier would answer in a dialog; the print dialog stays real."""

    def __init__(self, save_dir: Path) -> None:
        self.save_dir = save_dir
        self.confirm_answer = True
        self.confirmed: list[str] = []
        self.saved: list[Path] = []

    def confirm(self, parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
        self.confirmed.append(text)
        return self.confirm_answer

    def save_path(self, parent: QWidget, suggested: str) -> str | None:
        path = self.save_dir / suggested
        self.saved.append(path)
        return str(path)


class Keyboard:
    def __init__(self, qtbot: object, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.actions = 0
        self.log: list[str] = []

    def target(self) -> QWidget:
        modal = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if modal is not None and (focus is None or not modal.isAncestorOf(focus)):
            return modal
        return focus or self.window

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              count: bool = True) -> None:
        """One key action (a key, or a key chord such as Ctrl+3)."""
        if count:
            self.actions += 1
            self.log.append(f"{modifier.name}+{key.name}" if modifier != Qt.KeyboardModifier.NoModifier
                            else key.name)
        self.qtbot.keyClick(self.target(), key, modifier)  # type: ignore[attr-defined]

    def type(self, text: str) -> None:
        """Typed text (data, not commands): not counted as key actions."""
        self.qtbot.keyClicks(self.target(), text)  # type: ignore[attr-defined]

    def enter(self) -> None:
        self.press(Qt.Key.Key_Return)

    def scan(self, digits: str) -> None:
        """The keyboard-wedge scanner: digits then Enter into the focused field; not the cashier's keys."""
        self.type(digits)
        self.press(Qt.Key.Key_Return, count=False)

    def select_all(self) -> None:
        """Ctrl+A: clear what a field holds before typing (counted; tests of budgets do not need it)."""
        self.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)


def sign_in(qtbot: object, kb: Keyboard, window: MainWindow, staff_no: str = "1001", pin: str = "1111") -> None:
    kb.type(staff_no)
    kb.press(Qt.Key.Key_Return, count=False)
    kb.type(pin)
    kb.press(Qt.Key.Key_Return, count=False)
    qtbot.waitUntil(lambda: window.current == "payment", timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.actions = 0
    kb.log.clear()
