"""Today's transactions at this workstation: reprint, void or refund the highlighted receipt."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.payments.money import format_money
from counter_app.ui.keymap import HINTS
from counter_app.ui.table_models import TransactionsModel
from counter_app.ui.view_models import TransactionsViewModel
from counter_app.ui.widgets import HintBar, Notice, add_shortcut, list_table


class TransactionsScreen(QWidget):
    reprint = Signal(object)  # TransactionSummary
    void = Signal(object)
    refund = Signal(object)
    back = Signal()

    def __init__(self, vm: TransactionsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transactionsScreen")
        self.vm = vm
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS["transactions"]))

        head = QHBoxLayout()
        self.title = QLabel("Today's transactions")
        self.title.setObjectName("sectionTitle")
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.summary)
        body.addLayout(head)

        self.model = TransactionsModel(vm.counter.clock.tz, self)
        self.view = list_table(self.model, "transactionList", stretch=TransactionsModel.TENDERS)
        body.addWidget(self.view, 1)
        self.empty = QLabel("No transactions yet today at this workstation.")
        self.empty.setObjectName("muted")
        body.addWidget(self.empty)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.setFocusProxy(self.view)

        add_shortcut(self, "Return", lambda: self._emit(self.reprint))
        add_shortcut(self, "Enter", lambda: self._emit(self.reprint))
        add_shortcut(self, "R", lambda: self._emit(self.reprint))
        add_shortcut(self, "V", lambda: self._emit(self.void))
        add_shortcut(self, "F", lambda: self._emit(self.refund))
        add_shortcut(self, "Ctrl+R", self.vm.refresh)
        add_shortcut(self, "Esc", self.back.emit)
        vm.rows_loaded.connect(self.set_rows)

    def set_rows(self, rows: list[Any]) -> None:
        keep = self.selected()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        sales = [r for r in rows if r.kind == "sale" and r.status != "void"]
        refunds = [r for r in rows if r.kind == "refund"]
        voids = [r for r in rows if r.status == "void"]
        self.summary.setText(
            f"{len(sales)} sale{'s' if len(sales) != 1 else ''} {format_money(sum(r.total_cents for r in sales))}"
            f" · {len(refunds)} refund{'s' if len(refunds) != 1 else ''}"
            f" · {len(voids)} void{'s' if len(voids) != 1 else ''}"
        )
        if rows:
            row = len(rows) - 1
            if keep is not None:
                row = next((i for i, r in enumerate(rows) if r.receipt_number == keep.receipt_number), row)
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def selected(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.model.rowCount():
            return None
        return self.model.row(rows[0].row())

    def _emit(self, signal: Any) -> None:
        summary = self.selected()
        if summary is None:
            self.notice.say("Choose a receipt first (Up / Down).", "error")
            return
        self.notice.say("")
        signal.emit(summary)

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
