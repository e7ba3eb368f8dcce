"""Small widgets shared by the screens: field errors, key hints, big amount tiles, the scan field."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the theme selects on (``[state="error"]``) and re-apply the style."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    for item in (widget, *widget.findChildren(QWidget)):  # children whose look depends on the parent's state
        style.unpolish(item)
        style.polish(item)
        item.update()


class FieldError(QLabel):
    """The message shown right under the field that caused it; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class Notice(QLabel):
    """A one-line status message under a panel: neutral, success or error (``tone`` property)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def say(self, text: str, tone: str = "info") -> None:
        set_state(self, "tone", tone)
        self.setText(text)
        self.setVisible(bool(text))


class HintBar(QFrame):
    """The strip of keys at the foot of a screen: ``F10 Pay   F4 Today``."""

    def __init__(self, hints: Iterable[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hintBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(18)
        for key, text in hints:
            pair = QHBoxLayout()
            pair.setSpacing(6)
            cap = QLabel(key)
            cap.setObjectName("keyCap")
            label = QLabel(text)
            label.setObjectName("keyText")
            pair.addWidget(cap)
            pair.addWidget(label)
            row.addLayout(pair)
        row.addStretch(1)


class AmountTile(QFrame):
    """A caption and a very large amount, read aloud to the resident (amount due, tendered, change due)."""

    def __init__(self, caption: str, tone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("amountTile")
        self.setProperty("tone", tone)
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 10, 18, 10)
        box.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.value = QLabel("$0.00")
        self.value.setObjectName("tileValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.detail = QLabel("")
        self.detail.setObjectName("tileDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        box.addWidget(self.caption)
        box.addWidget(self.value)
        box.addWidget(self.detail)

    def set_amount(self, text: str, detail: str = "") -> None:
        self.value.setText(text)
        self.detail.setText(detail)


class ScanField(QLineEdit):
    """The "Scan or search" field: Up/Down move the service list, Delete on an empty field removes a line."""

    navigate = Signal(int)  # rows to move: -1, +1, -10, +10
    delete_on_empty = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10, Qt.Key.Key_PageDown: 10}[key]
            self.navigate.emit(step)
            return
        if plain and key == Qt.Key.Key_Delete and not self.text():
            self.delete_on_empty.emit()
            return
        super().keyPressEvent(event)


class EnterLineEdit(QLineEdit):
    """A line edit whose Enter is handled by the form (``returnPressed``) and never reaches a default button."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], object], *, focused_only: bool = False) -> QShortcut:
    """A key of one screen: active while the focus is inside ``owner`` (or on ``owner`` itself: ``focused_only``)."""
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut if focused_only
                        else Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def list_table(model: QAbstractItemModel, name: str, *, row_height: int = 34, stretch: int | None = None,
               tab_moves_focus: bool = False, scroll_sideways: bool = True) -> QTableView:
    """A read-only list of whole rows (one selected at a time), as every screen of the counter shows them.

    ``stretch``: size the columns to their content and give the rest of the width to that column.
    ``tab_moves_focus``: Tab leaves the list instead of moving between cells.
    """
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    if tab_moves_focus:
        view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(row_height)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    if stretch is not None:
        for col in range(model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if not scroll_sideways:
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view
