"""Close the drawer on a blind count: denominations, terminal batch totals and the cheques, then Ctrl+Enter.

Nothing here shows what the drawer should hold: the expected cash is revealed only once the count is submitted
(by the over/short approval, or on the Z report).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.payments.money import format_money
from counter_app.ui.drawer_dialog import CountGrid
from counter_app.ui.eod_view_model import CloseRequest
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, set_state

KEYS = (
    ("Type", "How many of each note, coin and roll (blank is zero)"),
    ("Enter / Down", "Next count; after the last count: the batch totals"),
    ("Up", "Previous count"),
    ("Space", "In the cheque list: tick the cheque you have in hand"),
    ("Ctrl+Enter", "Submit the count and close the drawer"),
    ("Esc", "Back to the drawer screen (nothing is closed)"),
)
HINTS = (("Enter", "Next count"), ("Up", "Back"), ("Space", "Tick cheque"), ("Ctrl+Enter", "Close drawer"),
         ("Esc", "Cancel"), ("F1", "Help"))


class ChequeList(QListWidget):
    """The cheques taken in this drawer, each with a box to tick once it is in hand; Space ticks."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            item = self.currentItem()
            if item is not None:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            event.accept()
            return
        super().keyPressEvent(event)


class CloseScreen(QWidget):
    submitted = Signal(object)  # CloseRequest
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 10, 16, 8)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS))

        head = QHBoxLayout()
        self.title = QLabel("Close your drawer")
        self.title.setObjectName("screenTitle")
        blind = QLabel("Blind count: count everything in the drawer, float included. What the drawer should hold "
                       "is shown only after you submit.")
        blind.setObjectName("blindNote")
        blind.setWordWrap(True)
        head.addWidget(self.title)
        head.addSpacing(18)
        head.addWidget(blind, 1)
        body.addLayout(head)

        count_panel = QFrame()
        count_panel.setObjectName("panel")
        count_box = QVBoxLayout(count_panel)
        count_box.setContentsMargins(16, 8, 16, 8)
        count_box.setSpacing(4)
        self.grid = CountGrid(subtotals=True)
        count_box.addWidget(self.grid)
        total_row = QHBoxLayout()
        caption = QLabel("Counted")
        caption.setObjectName("countedCaption")
        self.total = QLabel("$0.00")
        self.total.setObjectName("countedTotal")
        total_row.addStretch(1)
        total_row.addWidget(caption)
        total_row.addSpacing(12)
        total_row.addWidget(self.total)
        count_box.addLayout(total_row)
        body.addWidget(count_panel)

        lower = QHBoxLayout()
        lower.setSpacing(14)
        batch_panel = QFrame()
        batch_panel.setObjectName("panel")
        batch = QGridLayout(batch_panel)
        batch.setContentsMargins(16, 8, 16, 8)
        batch.setHorizontalSpacing(12)
        batch.setVerticalSpacing(2)
        batch_title = QLabel("Card terminal batch report")
        batch_title.setObjectName("sectionTitle")
        batch.addWidget(batch_title, 0, 0, 1, 2)
        self.batch: dict[str, EnterLineEdit] = {}
        self.batch_errors: dict[str, FieldError] = {}
        for n, (name, label_text) in enumerate((("debit_batch", "Debit total"), ("credit_batch", "Credit total"))):
            label = QLabel(label_text)
            label.setObjectName("countLabel")
            field = EnterLineEdit()
            field.setObjectName(name)
            field.setMaxLength(12)
            field.setFixedWidth(150)
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setPlaceholderText("0.00")
            label.setBuddy(field)
            error = FieldError()
            batch.addWidget(label, 1 + n * 2, 0)
            batch.addWidget(field, 1 + n * 2, 1)
            batch.addWidget(error, 2 + n * 2, 0, 1, 2)
            field.textEdited.connect(lambda _t, k=name: self._clear(k))
            self.batch[name] = field
            self.batch_errors[name] = error
        batch_hint = QLabel("As printed by the terminal's end-of-day batch. Blank if no card was taken.")
        batch_hint.setObjectName("muted")
        batch_hint.setWordWrap(True)
        batch.addWidget(batch_hint, 5, 0, 1, 2)
        lower.addWidget(batch_panel, 2)

        cheque_panel = QFrame()
        cheque_panel.setObjectName("panel")
        cheque_box = QVBoxLayout(cheque_panel)
        cheque_box.setContentsMargins(16, 8, 16, 8)
        cheque_box.setSpacing(4)
        self.cheque_title = QLabel("Cheques to check")
        self.cheque_title.setObjectName("sectionTitle")
        cheque_box.addWidget(self.cheque_title)
        self.cheques = ChequeList()
        self.cheques.setObjectName("chequeList")
        self.cheques.setMaximumHeight(112)
        self.no_cheques = QLabel("No cheques or money orders to check in this drawer.")
        self.no_cheques.setObjectName("muted")
        self.cheque_error = FieldError()
        cheque_box.addWidget(self.cheques)
        cheque_box.addWidget(self.no_cheques)
        cheque_box.addWidget(self.cheque_error)
        cheque_box.addStretch(1)
        lower.addWidget(cheque_panel, 3)
        body.addLayout(lower)
        self.notice = Notice()
        body.addWidget(self.notice)
        body.addStretch(1)

        self.grid.changed.connect(self._total_changed)
        self.grid.finished.connect(lambda: self.batch["debit_batch"].setFocus(Qt.FocusReason.TabFocusReason))
        self.batch["debit_batch"].returnPressed.connect(
            lambda: self.batch["credit_batch"].setFocus(Qt.FocusReason.TabFocusReason))
        self.batch["credit_batch"].returnPressed.connect(self._after_batches)
        self.cheques.itemChanged.connect(lambda _i: self.cheque_error.clear_message())
        add_shortcut(self, "Ctrl+Return", self.submit)
        add_shortcut(self, "Ctrl+Enter", self.submit)
        add_shortcut(self, "Esc", self.back.emit)
        self.busy = False
        self.set_cheques([])

    # -- filling --------------------------------------------------------------------------------------------
    def start(self, cashier: str) -> None:
        """A fresh count: empty grid and fields, focus on the $100 notes."""
        self.title.setText(f"Close your drawer · {cashier}")
        self.grid.clear()
        for name, field in self.batch.items():
            field.clear()
            self._clear(name)
        self.cheque_error.clear_message()
        self.notice.say("")
        self.set_busy(False)
        self.grid.focus_count("n100")

    def set_cheques(self, cheques: list[tuple[str, str, str, int]]) -> None:
        """``(receipt, kind label, number, cents)`` per cheque or money order taken in this drawer."""
        self.cheques.clear()
        for receipt, kind, number, cents in cheques:
            item = QListWidgetItem(f"{kind} {number or '(no number)'} · {format_money(cents)} · receipt {receipt}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.cheques.addItem(item)
        has = bool(cheques)
        self.cheques.setVisible(has)
        self.no_cheques.setVisible(not has)
        total = sum(c[3] for c in cheques)
        self.cheque_title.setText(f"Cheques to check ({len(cheques)}, {format_money(total)})" if has
                                  else "Cheques to check")
        if has:
            self.cheques.setCurrentRow(0)

    def ticked(self) -> int:
        return sum(1 for i in range(self.cheques.count())
                   if self.cheques.item(i).checkState() == Qt.CheckState.Checked)

    # -- typing ---------------------------------------------------------------------------------------------
    def _total_changed(self, total: int) -> None:
        self.total.setText(format_money(total) + ("  (fix the marked counts)" if self.grid.first_error() else ""))

    def _after_batches(self) -> None:
        if self.cheques.count():
            self.cheques.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.notice.say("Ready: Ctrl+Enter submits the count and closes the drawer.", "info")

    def _clear(self, name: str) -> None:
        self.batch_errors[name].clear_message()
        set_state(self.batch[name], "state", "")

    def submit(self) -> None:
        if self.busy:
            return
        self.notice.say("")
        wrong = self.grid.first_error()
        if wrong is not None:
            code, message = wrong
            self.grid.show_error(message, code)
            self.notice.say("Fix the marked count first.", "error")
            return
        count = self.cheques.count()
        if count and self.ticked() < count:
            self.show_error(f"Tick each cheque once you have it in hand ({self.ticked()} of {count} ticked): "
                            "Space ticks the highlighted one.", "cheques")
            return
        self.submitted.emit(CloseRequest(self.grid.counts(), self.batch["debit_batch"].text(),
                                         self.batch["credit_batch"].text(), bool(count)))

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.grid.set_enabled(not busy)
        for field in self.batch.values():
            field.setEnabled(not busy)
        self.cheques.setEnabled(not busy)
        if busy:
            self.notice.say("Closing the drawer…", "info")

    def show_error(self, message: str, field: str = "") -> None:
        """Under the row, batch field or cheque list concerned; anything else on the notice line."""
        self.set_busy(False)
        if self.grid.show_error(message, field):
            self.notice.say("")
            return
        if field in self.batch:
            self.batch_errors[field].show_message(message)
            set_state(self.batch[field], "state", "error")
            self.batch[field].setFocus(Qt.FocusReason.OtherFocusReason)
            self.batch[field].selectAll()
            return
        if field == "cheques" and self.cheques.count():
            self.cheque_error.show_message(message)
            self.cheques.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.notice.say(message, "error")
