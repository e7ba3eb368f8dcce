"""Full card numbers never get into the counter: an application-wide guard on every text field.

Any ``QLineEdit``, ``QPlainTextEdit`` or ``QTextEdit`` that gets the keyboard is watched. When its text holds a
13-19 digit number passing the Luhn check (the domain's rule, :mod:`counter_app.payments.card_data`: any Unicode
digits, any spaces, dashes, dots or slashes between them), the number is taken out of the field and the cashier
is told why, right under the field. In a line edit the key (or paste) that would complete such a number is
stopped before it reaches the field, so search-as-you-type and other per-change handlers never see it. Every
field is also checked before Enter or Tab act (a form never submits it), when it loses the keyboard, and shortly
after typing stops (or at once when a change inserts many characters).

A field's ``cardGuard`` property (or its object name) changes the rule:

* ``account`` (``scanField``, ``billAccount``, any object name containing "account"): a number that is a valid
  account number (Damm check digit, see :func:`counter_app.payments.accounts.parse_account`) is allowed even
  when it also passes Luhn; anything else is refused as above.
* ``screen`` (``last4``): the screen refuses full card numbers itself, with the same message next to the field,
  before anything is recorded; the guard leaves it to the screen.
* ``off``: not watched (read-only fields are never watched either).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from counter_app.payments.card_data import CARD_NUMBER_MESSAGE, contains_card_number, remove_card_numbers

TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit)
#: Object names of fields with their own rule (the payment screen's scan field and account field, the tender
#: screen's last four digits).
NAMED_MODES = {"scanField": "account", "billAccount": "account", "last4": "screen"}
#: Typing stopped this long ago: look at the field.
SETTLE_MS = 1_200
#: A single change inserting this many characters (a paste, a scan) is looked at at once.
BURST = 12
MESSAGE_MS = 10_000

_SUBMIT_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab})


def strip_card_numbers(text: str) -> str:
    """``text`` without any run of digits that holds a card number: the domain's one rule
    (:func:`counter_app.payments.card_data.remove_card_numbers`), never a copy of it."""
    return remove_card_numbers(text)


def field_mode(widget: QWidget) -> str:
    mode = widget.property("cardGuard")
    if isinstance(mode, str) and mode:
        return mode
    name = widget.objectName()
    if name in NAMED_MODES:
        return NAMED_MODES[name]
    return "account" if "account" in name.lower() else "refuse"


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    return ""


def _set_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(text)
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        widget.setPlainText(text)


def _read_only(widget: QWidget) -> bool:
    return bool(getattr(widget, "isReadOnly", lambda: False)())


def _is_account(text: str) -> bool:
    from counter_app.errors import UserError
    from counter_app.payments.accounts import parse_account

    try:
        parse_account(text)
    except (UserError, ValueError):
        return False
    return True


class CardMessage(QLabel):
    """The refusal, shown just under the field for a few seconds."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(CARD_NUMBER_MESSAGE, parent)
        self.setObjectName("cardGuardMessage")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(self.close)
        timer.start(MESSAGE_MS)

    def place_under(self, field: QWidget) -> None:
        parent = self.parentWidget()
        assert parent is not None
        width = max(360, min(620, field.width()))
        self.setFixedWidth(min(width, max(200, parent.width() - 16)))
        self.adjustSize()
        spot = field.mapTo(parent, QPoint(0, field.height() + 2))
        x = max(8, min(spot.x(), parent.width() - self.width() - 8))
        y = spot.y() if spot.y() + self.height() <= parent.height() else max(0, spot.y() - field.height()
                                                                                - self.height() - 4)
        self.move(x, y)
        self.raise_()
        self.show()


class CardGuard(QObject):
    """Install once on the application: ``app.installEventFilter(CardGuard(app))``."""

    refused = Signal(object)  # the field a card number was taken out of

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watched: dict[int, Any] = {}
        self._dirty: dict[int, Any] = {}
        self._lengths: dict[int, int] = {}
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._check_dirty)
        self.message: CardMessage | None = None
        self.refusals = 0

    # -- watching ----------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            if isinstance(watched, TEXT_FIELDS) and isinstance(event, QKeyEvent):
                if event.key() in _SUBMIT_KEYS:
                    return self.check(watched)  # refused: the form does not act on what the field held
                if isinstance(watched, QLineEdit):
                    return self._before_typing(watched, event)
        elif kind == QEvent.Type.FocusIn:
            if isinstance(watched, TEXT_FIELDS):
                self.watch(watched)
        elif kind == QEvent.Type.FocusOut and isinstance(watched, TEXT_FIELDS):
            self.check(watched)
        return False

    def watch(self, field: QWidget) -> None:
        key = id(field)
        if key in self._watched or field_mode(field) in ("off", "screen"):
            return
        self._watched[key] = field
        self._lengths[key] = len(_text(field))
        field.destroyed.connect(lambda *_a, k=key: self._forget(k))
        field.textChanged.connect(lambda *_a, f=field, k=key: self._changed(f, k))  # type: ignore[attr-defined]

    def _forget(self, key: int) -> None:
        self._watched.pop(key, None)
        self._dirty.pop(key, None)
        self._lengths.pop(key, None)

    def _changed(self, field: QWidget, key: int) -> None:
        length = len(_text(field))
        grew = length - self._lengths.get(key, 0)
        self._lengths[key] = length
        if grew >= BURST:
            self.check(field)
            return
        self._dirty[key] = field
        self._settle.start()

    def _check_dirty(self) -> None:
        dirty, self._dirty = self._dirty, {}
        for field in dirty.values():
            try:
                self.check(field)
            except RuntimeError:  # the field was deleted meanwhile
                continue

    def _before_typing(self, field: QLineEdit, event: QKeyEvent) -> bool:
        """A key (or a paste) that would complete a card number never reaches the field, so nothing that reacts
        to each change (search as you type) ever sees the number; the field keeps the rest of its text."""
        if event.matches(QKeySequence.StandardKey.Paste):
            clipboard = QGuiApplication.clipboard()
            insert = clipboard.text() if clipboard is not None else ""
        else:
            insert = event.text()
        if not insert or not insert.isprintable() or field.isReadOnly():
            return False
        mode = field_mode(field)
        if mode in ("off", "screen"):
            return False
        text = field.text()
        if field.hasSelectedText():
            start = field.selectionStart()
            end = start + len(field.selectedText())
        else:
            start = end = field.cursorPosition()
        after = text[:start] + insert + text[end:]
        if not contains_card_number(after) or (mode == "account" and _is_account(after)):
            return False
        self._refuse(field, after)
        return True

    # -- refusing ----------------------------------------------------------------------------------------------
    def check(self, field: QWidget) -> bool:
        """Take a card number out of ``field`` and say why; True when something was refused."""
        if _read_only(field):
            return False
        mode = field_mode(field)
        if mode in ("off", "screen"):
            return False
        text = _text(field)
        if not contains_card_number(text):
            return False
        if mode == "account" and _is_account(text):
            return False
        self._refuse(field, text)
        return True

    def _refuse(self, field: QWidget, text: str) -> None:
        self._dirty.pop(id(field), None)
        _set_text(field, strip_card_numbers(text))
        self._lengths[id(field)] = len(_text(field))
        self.refusals += 1
        self._say(field)
        self.refused.emit(field)

    def _say(self, field: QWidget) -> None:
        window = field.window()
        previous = self.message
        if previous is not None:
            with contextlib.suppress(RuntimeError):
                previous.close()
        message = CardMessage(window)
        self.message = message
        message.destroyed.connect(lambda *_a, m=message: self._message_gone(m))
        message.place_under(field)

    def _message_gone(self, message: CardMessage) -> None:
        if self.message is message:
            self.message = None
