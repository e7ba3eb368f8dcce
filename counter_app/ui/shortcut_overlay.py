"""F1: a translucent panel over the window listing every key of the current screen and the global ones."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.ui import keymap
from counter_app.ui.keymap import SCREEN_KEYS, TITLES


class ShortcutOverlay(QWidget):
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self._restore: QWidget | None = None
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.panel = QFrame()
        self.panel.setObjectName("helpPanel")
        self.panel.setMaximumWidth(1180)
        self._panel_box = QVBoxLayout(self.panel)
        self._panel_box.setContentsMargins(30, 22, 30, 22)
        self._panel_box.setSpacing(10)
        self.title = QLabel("Keys")
        self.title.setObjectName("helpTitle")
        self._panel_box.addWidget(self.title)
        self._columns = QHBoxLayout()
        self._columns.setSpacing(40)
        self._panel_box.addLayout(self._columns)
        footer = QLabel("F1 or Esc closes this help.")
        footer.setObjectName("helpFooter")
        self._panel_box.addWidget(footer)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def _column(self, heading: str, keys: tuple[tuple[str, str], ...]) -> QWidget:
        widget = QWidget()
        grid = QGridLayout(widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(7)
        head = QLabel(heading)
        head.setObjectName("helpHeading")
        grid.addWidget(head, 0, 0, 1, 2)
        for row, (key, text) in enumerate(keys, start=1):
            cap = QLabel(key)
            cap.setObjectName("helpKey")
            label = QLabel(text)
            label.setObjectName("helpText")
            label.setWordWrap(True)
            grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(keys) + 1, 1)
        return widget

    def open_for(self, screen: str, signed_in: bool) -> None:
        while self._columns.count():
            item = self._columns.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.title.setText(f"Keys · {TITLES.get(screen, screen)}")
        self._columns.addWidget(self._column("On this screen", SCREEN_KEYS.get(screen, ())), 1)
        if signed_in:
            self._columns.addWidget(self._column("Everywhere", keymap.GLOBAL_KEYS), 1)  # features add keys later
        parent = self.parentWidget()
        assert parent is not None
        focus = parent.focusWidget()
        self._restore = focus if focus is not self else None
        self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._restore is not None:
            self._restore.setFocus(Qt.FocusReason.OtherFocusReason)
        self._restore = None
        self.closed.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # while the help is up, keys come here and no shortcut fires behind it
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_F1, Qt.Key.Key_Escape):
            self.close_overlay()
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(12, 28, 48, 205))
        painter.end()
