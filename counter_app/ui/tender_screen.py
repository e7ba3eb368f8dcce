"""The tender screen: amount due, amount tendered and change due, as large as the screen allows.

F5-F9 choose the tender kind; the amount is prefilled with what is still owing (for cash, rounded to the nickel).
Enter in the last field adds the tender; when nothing is owing any more the payment completes by itself.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.money import format_money, format_plain, parse_amount
from counter_app.ui.keymap import HINTS
from counter_app.ui.table_models import TendersModel
from counter_app.ui.view_models import PaymentViewModel
from counter_app.ui.widgets import AmountTile, EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, set_state

TENDER_KEYS: tuple[tuple[str, TenderKind], ...] = (
    ("F5", TenderKind.CASH),
    ("F6", TenderKind.DEBIT),
    ("F7", TenderKind.CREDIT),
    ("F8", TenderKind.CHEQUE),
    ("F9", TenderKind.MONEY_ORDER),
)
CARD_BRANDS = ("Visa", "Mastercard", "Amex")


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class TenderScreen(QWidget):
    back = Signal()

    def __init__(self, vm: PaymentViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tenderScreen")
        self.vm = vm
        self.kind = TenderKind.CASH

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(12)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS["tender"]))

        tiles = QHBoxLayout()
        tiles.setSpacing(14)
        self.due_tile = AmountTile("AMOUNT DUE", "due")
        self.tendered_tile = AmountTile("TENDERED", "tendered")
        self.change_tile = AmountTile("CHANGE DUE", "change")
        for tile in (self.due_tile, self.tendered_tile, self.change_tile):
            tiles.addWidget(tile, 1)
        body.addLayout(tiles)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        body.addLayout(columns, 1)

        # tender kinds
        kinds = QVBoxLayout()
        kinds.setSpacing(4)
        kinds.addWidget(_label("Tender", "sectionTitle"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.setExclusive(True)
        self.kind_buttons: dict[TenderKind, QPushButton] = {}
        self.kind_reasons: dict[TenderKind, QLabel] = {}
        for key, kind in TENDER_KEYS:
            button = QPushButton(f"{key}   {kind.label}")
            button.setObjectName("kindButton")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, k=kind: self.select_kind(k))
            self.kind_group.addButton(button)
            reason = _label("", "kindReason")
            reason.hide()
            kinds.addWidget(button)
            kinds.addWidget(reason)
            self.kind_buttons[kind] = button
            self.kind_reasons[kind] = reason
        self.kind_error = FieldError()
        kinds.addWidget(self.kind_error)
        kinds.addStretch(1)
        kinds_box = QWidget()
        kinds_box.setLayout(kinds)
        kinds_box.setFixedWidth(290)
        columns.addWidget(kinds_box)

        # the entry form
        form = QFrame()
        form.setObjectName("panel")
        grid = QGridLayout(form)
        grid.setContentsMargins(18, 12, 18, 12)
        grid.setVerticalSpacing(3)
        self.form_title = _label("Cash", "panelTitle")
        grid.addWidget(self.form_title, 0, 0, 1, 2)
        self.amount = EnterLineEdit()
        self.amount.setObjectName("tenderAmount")
        self.brand = QComboBox()
        self.brand.setObjectName("cardBrand")
        self.brand.addItems(CARD_BRANDS)
        self.last4 = EnterLineEdit()
        self.last4.setObjectName("last4")
        self.last4.setMaxLength(24)  # long enough to catch (and refuse) a full card number typed by mistake
        self.last4.setPlaceholderText("from the terminal slip, e.g. 4821")
        self.auth = EnterLineEdit()
        self.auth.setObjectName("authCode")
        self.auth.setMaxLength(24)
        self.terminal_ref = EnterLineEdit()
        self.terminal_ref.setObjectName("terminalRef")
        self.terminal_ref.setMaxLength(24)
        self.number = EnterLineEdit()
        self.number.setObjectName("tenderNumber")
        self.number.setMaxLength(24)
        self.rows: dict[str, tuple[QLabel, QWidget, FieldError]] = {}
        self.number_label = _label("Cheque number")
        # (name, caption, widget, grid row, column, column span): two columns keep the form short at 768 px
        placement = (
            ("tender_amount", _label("Amount"), self.amount, 1, 0, 2),
            ("last4", _label("Last four digits of the card"), self.last4, 4, 0, 1),
            ("number", self.number_label, self.number, 4, 0, 1),
            ("auth_code", _label("Authorisation code"), self.auth, 4, 1, 1),
            ("brand", _label("Card brand"), self.brand, 7, 0, 1),
            ("terminal_ref", _label("Terminal ref. (optional)"), self.terminal_ref, 7, 1, 1),
        )
        for name, caption, widget, row, col, span in placement:
            error = FieldError()
            grid.addWidget(caption, row, col, 1, span)
            grid.addWidget(widget, row + 1, col, 1, span)
            grid.addWidget(error, row + 2, col, 1, span)
            self.rows[name] = (caption, widget, error)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        row = 10
        self.rounding = _label("", "rounding")
        grid.addWidget(self.rounding, row, 0, 1, 2)
        self.notice = Notice()
        grid.addWidget(self.notice, row + 1, 0, 1, 2)
        grid.setRowStretch(row + 2, 1)
        columns.addWidget(form, 4)

        # tenders so far
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(_label("Tenders entered", "sectionTitle"))
        self.tenders = TendersModel(self)
        self.tender_view = QTableView()
        self.tender_view.setObjectName("tenderList")
        self.tender_view.setModel(self.tenders)
        self.tender_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tender_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tender_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tender_view.setShowGrid(False)
        self.tender_view.verticalHeader().hide()
        self.tender_view.verticalHeader().setDefaultSectionSize(34)
        th = self.tender_view.horizontalHeader()
        th.setSectionResizeMode(TendersModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        th.setSectionResizeMode(TendersModel.KIND, QHeaderView.ResizeMode.ResizeToContents)
        th.setSectionResizeMode(TendersModel.AMOUNT, QHeaderView.ResizeMode.ResizeToContents)
        right.addWidget(self.tender_view, 1)
        self.summary = _label("", "muted")
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)
        columns.addLayout(right, 5)

        for first, second in ((self.amount, self.last4), (self.last4, self.number), (self.number, self.auth),
                              (self.auth, self.brand), (self.brand, self.terminal_ref)):
            QWidget.setTabOrder(first, second)
        self._show_fields(TenderKind.CASH)
        self.setFocusProxy(self.amount)
        self.amount.textEdited.connect(lambda _t: self._update_tiles())
        self.amount.returnPressed.connect(lambda: self._advance("tender_amount"))
        self.last4.returnPressed.connect(lambda: self._advance("last4"))
        self.auth.returnPressed.connect(lambda: self._advance("auth_code"))
        self.terminal_ref.returnPressed.connect(self.add_tender)
        self.number.returnPressed.connect(self.add_tender)
        self.brand.installEventFilter(self)
        for widget in (self.amount, self.last4, self.auth, self.terminal_ref, self.number):
            widget.textEdited.connect(lambda _t, w=widget: self._clear_error_of(w))
        vm.changed.connect(self.refresh)
        vm.busy_changed.connect(self._busy)

        for key, kind in TENDER_KEYS:
            add_shortcut(self, key, partial(self.select_kind, kind))
        add_shortcut(self, "Ctrl+Delete", self.remove_selected_tender)
        add_shortcut(self, "Esc", self._escape)
        add_shortcut(self.tender_view, "Delete", self.remove_selected_tender, focused_only=True)

    # -- kinds ---------------------------------------------------------------------------------------------
    def enter(self) -> None:
        """Coming from the payment screen: the default kind (cash when allowed), amount prefilled and selected."""
        self.notice.say("")
        self.refresh()
        allowed = self.vm.sale.allowed_tenders
        if self.kind not in allowed or not self.vm.has_tenders:
            self.kind = TenderKind.CASH if TenderKind.CASH in allowed else next(
                (k for _key, k in TENDER_KEYS if k in allowed), TenderKind.CASH)
        self.select_kind(self.kind)

    def select_kind(self, kind: TenderKind) -> None:
        refusal = self.vm.tender_refusals().get(kind)
        if refusal:
            self.kind_error.show_message(f"{kind.label}: {refusal.lower()}.")
            return
        self.kind_error.clear_message()
        self.kind = kind
        self.kind_buttons[kind].setChecked(True)
        self.form_title.setText(kind.label)
        self._show_fields(kind)
        for widget in (self.last4, self.auth, self.terminal_ref, self.number):
            widget.clear()
        due = self.vm.amount_due_for(kind)
        self.amount.setText(format_plain(due) if due > 0 else "")
        self.amount.setFocus()
        self.amount.selectAll()
        self._update_tiles()

    def _show_fields(self, kind: TenderKind) -> None:
        card = kind.is_card
        visible = {
            "tender_amount": True,
            "brand": kind is TenderKind.CREDIT,
            "last4": card,
            "auth_code": card,
            "terminal_ref": card,
            "number": kind in (TenderKind.CHEQUE, TenderKind.MONEY_ORDER),
        }
        for name, (caption, widget, error) in self.rows.items():
            caption.setVisible(visible[name])
            widget.setVisible(visible[name])
            error.clear_message()
        self.number_label.setText("Money order number" if kind is TenderKind.MONEY_ORDER else "Cheque number")

    # -- entering --------------------------------------------------------------------------------------------
    def _advance(self, field: str) -> None:
        kind = self.kind
        if field == "tender_amount":
            if kind is TenderKind.CASH:
                self.add_tender()
            elif kind.is_card:
                self.last4.setFocus()
            else:
                self.number.setFocus()
        elif field == "last4":
            self.auth.setFocus()
        elif field == "auth_code":
            if kind is TenderKind.CREDIT:
                self.brand.setFocus()  # the brand is the last field of a credit card: Enter there adds
            else:
                self.add_tender()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.brand and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.add_tender()
            return True
        return super().eventFilter(watched, event)

    def add_tender(self) -> None:
        if self.vm.busy:
            return
        if self.vm.settlement().is_paid:  # recording failed earlier: Enter tries again
            self.vm.complete()
            return
        for _caption, _widget, error in self.rows.values():
            error.clear_message()
        self.notice.say("")
        kind = self.kind
        added = self.vm.add_tender(
            kind,
            self.amount.text(),
            last4=self.last4.text() if kind.is_card else "",
            auth_code=self.auth.text() if kind.is_card else "",
            card_brand=self.brand.currentText() if kind is TenderKind.CREDIT else "",
            number=self.number.text(),
        )
        if added and not self.vm.busy and not self.vm.settlement().is_paid:
            # a split: go on with the rest, in cash when the sale allows it
            self.kind = TenderKind.CASH if TenderKind.CASH in self.vm.sale.allowed_tenders else kind
            self.select_kind(self.kind)
            left = self.vm.settlement()
            cash = f" ({format_money(left.balance_due_cash)} in cash)" if left.balance_due_cash != left.balance_due \
                else ""
            self.notice.say(f"{kind.label} added. {format_money(left.balance_due)} still owing{cash}.", "success")

    def _escape(self) -> None:
        if self.vm.busy:
            return
        if self.vm.has_tenders:
            self.notice.say("A tender is entered: remove the tenders (Ctrl+Delete) to go back to the lines.",
                            "error")
            return
        self.back.emit()

    def remove_selected_tender(self) -> None:
        if not self.vm.sale.tenders:
            return
        rows = self.tender_view.selectionModel().selectedRows()
        index = rows[0].row() if rows else len(self.vm.sale.tenders) - 1
        tender = self.vm.sale.tenders[index]
        if self.vm.remove_tender(index):
            self.notice.say(f"Removed {tender.kind.label} {format_money(tender.amount_cents)}.", "info")
            self.select_kind(self.kind)

    # -- showing ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        sale = self.vm.sale
        self.tenders.set_rows(sale.tenders)
        if sale.tenders:
            self.tender_view.selectRow(len(sale.tenders) - 1)
        refusals = self.vm.tender_refusals()
        for kind, button in self.kind_buttons.items():
            reason = refusals.get(kind, "")
            button.setEnabled(not reason)
            self.kind_reasons[kind].setText(reason)
            self.kind_reasons[kind].setVisible(bool(reason))
        lines = len(sale.lines)
        self.summary.setText(f"{lines} line{'s' if lines != 1 else ''} · total {format_money(sale.total)}"
                             + (f" · GST {format_money(sale.gst)}" if sale.gst else ""))
        self._update_tiles()

    def typed_amount(self) -> int | None:
        try:
            return parse_amount(self.amount.text(), "tender_amount")
        except UserError:
            return None

    def _update_tiles(self) -> None:
        settlement = self.vm.settlement()
        kind = self.kind
        due = self.vm.amount_due_for(kind)
        paid = settlement.tendered
        detail = f"Total {format_money(settlement.total)}"
        if paid:
            detail += f" · paid {format_money(paid)}"
        self.due_tile.set_amount(format_money(due), detail)
        rounding = settlement.balance_due_cash - settlement.balance_due
        if kind is TenderKind.CASH and rounding and settlement.balance_due > 0:
            self.rounding.setText(f"Cash rounding {format_money(rounding, sign=True)}   "
                                  f"({format_money(settlement.balance_due)} rounds to {format_money(due)})")
            self.rounding.show()
        else:
            self.rounding.setText("")
            self.rounding.hide()
        if settlement.is_paid and self.vm.has_tenders:  # paid, waiting to be recorded (or for an approval)
            self.tendered_tile.set_amount(format_money(settlement.tendered), "paid")
            self.change_tile.set_amount(format_money(settlement.change), "from cash" if settlement.change else "exact")
            set_state(self.change_tile, "active", settlement.change > 0)
            return
        typed = self.typed_amount()
        if typed is None:
            self.tendered_tile.set_amount(format_money(0), "type the amount handed over")
            self.change_tile.set_amount(format_money(0), "")
            set_state(self.change_tile, "active", False)
            return
        self.tendered_tile.set_amount(format_money(typed), f"{kind.label}" + (" · Enter to accept" if due else ""))
        if kind is TenderKind.CASH and typed >= due:
            change = typed - due
            self.change_tile.set_amount(format_money(change), "from cash" if change else "exact")
            set_state(self.change_tile, "active", change > 0)
        else:
            left = max(0, due - typed)
            self.change_tile.set_amount(format_money(0), f"{format_money(left)} still owing after this" if left
                                        else "")
            set_state(self.change_tile, "active", False)

    def _busy(self, busy: bool) -> None:
        for _caption, widget, _error in self.rows.values():
            widget.setEnabled(not busy)
        if busy and self.vm.settlement().is_paid:
            self.notice.say("Recording the payment…", "info")
        elif not busy and self.isVisible():
            self.amount.setFocus()

    def _clear_error_of(self, widget: QWidget) -> None:
        for _caption, field_widget, error in self.rows.values():
            if field_widget is widget:
                error.clear_message()

    def show_error(self, message: str, field: str) -> None:
        field = {"card_brand": "brand"}.get(field, field)  # the domain's name for the brand field
        if field in self.rows and self.rows[field][1].isVisible():
            _caption, widget, error = self.rows[field]
            error.show_message(message)
            widget.setFocus()
            if hasattr(widget, "selectAll"):
                widget.selectAll()
        elif field == "tender_kind":
            self.kind_error.show_message(message)
        else:
            self.notice.say(message, "error")
            if not self.vm.busy:
                self.amount.setEnabled(True)
                self.amount.setFocus()
