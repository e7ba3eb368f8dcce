"""The payment screen: scan or search on the left, the resident's lines and totals on the right.

The "Scan or search" field has the focus. Typing searches the fee schedule; digits + Enter (what a bill
scanner types) look the bill up and add it for the full amount due. Picking a bill service asks for its account
number in a panel; a fixed fee is added at once; an open amount asks amount, GL account, GST code and description.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.errors import UserError
from counter_app.payments.catalog import LineKind, Service
from counter_app.payments.money import format_money, format_plain
from counter_app.ui.keymap import HINTS
from counter_app.ui.table_models import LinesModel, ServicesModel
from counter_app.ui.view_models import PaymentViewModel
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, ScanField, add_shortcut, list_table

#: What a keyboard-wedge scanner or a cashier types for a bill: digits, maybe spaced or dashed, maybe P / INV.
_BILL_NUMBER = re.compile(r"^(?:P|INV)?[\d\s-]*\d[\d\s-]*$", re.IGNORECASE)


def looks_like_bill_number(text: str) -> bool:
    return bool(_BILL_NUMBER.match(text.strip()))


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class BillPanel(QFrame):
    """Account number, then the amount prefilled with the amount due; Enter adds, Esc closes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 14)
        box.setSpacing(4)
        self.title = _label("", "panelTitle")
        box.addWidget(self.title)
        box.addWidget(_label("Account number (scan the stub or type it)"))
        self.account = EnterLineEdit()
        self.account.setObjectName("billAccount")
        box.addWidget(self.account)
        self.account_error = FieldError()
        box.addWidget(self.account_error)
        self.holder = _label("", "billHolder")
        self.holder.setWordWrap(True)
        box.addWidget(self.holder)
        box.addSpacing(6)
        self.amount_label = _label("Amount to pay")
        box.addWidget(self.amount_label)
        self.amount = EnterLineEdit()
        self.amount.setObjectName("billAmount")
        box.addWidget(self.amount)
        self.amount_error = FieldError()
        box.addWidget(self.amount_error)
        box.addSpacing(6)
        box.addWidget(_label("Enter: look up / add     Esc: close", "muted"))
        box.addStretch(1)
        self.service: Service | None = None
        self.lookup: Any = None
        self.edit_index: int | None = None

    def start(self, service: Service) -> None:
        self.service, self.lookup, self.edit_index = service, None, None
        self.title.setText(service.name)
        self.account.setReadOnly(False)
        self.account.clear()
        self.holder.setText("")
        self.amount.clear()
        self.amount.setEnabled(False)
        self.clear_errors()
        self.account.setFocus()

    def show_lookup(self, lookup: Any, amount_cents: int | None = None, edit_index: int | None = None) -> None:
        self.lookup, self.edit_index = lookup, edit_index
        self.service = lookup.service
        account = lookup.account
        if edit_index is not None:
            self.title.setText(f"Change amount: {lookup.service.name}")
            self.account.setText(account.display_number)
            self.account.setReadOnly(True)
        self.holder.setText(f"{account.holder} · {account.display_number} · "
                            f"{format_money(lookup.amount_due_cents)} due")
        self.amount.setEnabled(True)
        self.amount.setText(format_plain(lookup.amount_due_cents if amount_cents is None else amount_cents))
        self.clear_errors()
        self.amount.setFocus()
        self.amount.selectAll()

    def clear_errors(self) -> None:
        self.account_error.clear_message()
        self.amount_error.clear_message()

    def show_error(self, message: str, field: str) -> None:
        if field == "amount" and self.amount.isEnabled():
            self.amount_error.show_message(message)
            self.amount.setFocus()
            self.amount.selectAll()
        else:
            self.account_error.show_message(message)
            self.account.setFocus()
            self.account.selectAll()


class OpenPanel(QFrame):
    """Miscellaneous receivable: amount (before GST), GL account, GST code, description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        grid = QGridLayout(self)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        self.title = _label("", "panelTitle")
        grid.addWidget(self.title, 0, 0, 1, 2)
        self.amount = EnterLineEdit()
        self.amount.setObjectName("openAmount")
        self.gl = QComboBox()
        self.gl.setObjectName("openGl")
        self.gst = QComboBox()
        self.gst.setObjectName("openGst")
        self.description = EnterLineEdit()
        self.description.setObjectName("openDescription")
        self.description.setMaxLength(60)
        self.errors = {name: FieldError() for name in ("amount", "gl", "gst", "description")}
        row = 1
        for text, widget, name in (("Amount (before GST)", self.amount, "amount"), ("GL account", self.gl, "gl"),
                                   ("GST code", self.gst, "gst"), ("Description", self.description, "description")):
            grid.addWidget(_label(text), row, 0, 1, 2)
            grid.addWidget(widget, row + 1, 0, 1, 2)
            grid.addWidget(self.errors[name], row + 2, 0, 1, 2)
            row += 3
        grid.addWidget(_label("Enter: next field / add     Tab: GL and GST     Esc: close", "muted"), row, 0, 1, 2)
        grid.setRowStretch(row + 1, 1)
        self.service: Service | None = None
        self.amount.returnPressed.connect(self.description.setFocus)

    def start(self, service: Service, gl_accounts: list[tuple[str, str]], gst_codes: list[tuple[str, str]]) -> None:
        self.service = service
        self.title.setText(service.name)
        self.gl.clear()
        for code, name in gl_accounts:
            self.gl.addItem(f"{code}  {name}", code)
        self.gl.setCurrentIndex(max(0, self.gl.findData(service.gl_account)))
        self.gst.clear()
        for code, description in gst_codes:
            self.gst.addItem(f"{code}  {description}", code)
        self.gst.setCurrentIndex(max(0, self.gst.findData(service.gst_code)))
        self.amount.clear()
        self.description.clear()
        self.clear_errors()
        self.amount.setFocus()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear_message()

    def show_error(self, message: str, field: str) -> None:
        name = field if field in self.errors else "amount"
        self.errors[name].show_message(message)
        widget = {"amount": self.amount, "gl": self.gl, "gst": self.gst, "description": self.description}[name]
        widget.setFocus()


class PaymentScreen(QWidget):
    LIST, BILL, OPEN = range(3)
    drawer_requested = Signal()

    def __init__(self, vm: PaymentViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentScreen")
        self.vm = vm
        self._browsed = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QHBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(16)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS["payment"]))

        # left: scan or search, the service list or an entry panel
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(_label("Scan or search", "sectionTitle"))
        self.scan = ScanField()
        self.scan.setObjectName("scanField")
        self.scan.setPlaceholderText("Scan a bill, or type a service: dog, transit, tax…")
        self.scan.setClearButtonEnabled(False)
        left.addWidget(self.scan)
        self.scan_error = FieldError()
        left.addWidget(self.scan_error)
        self.notice = Notice()
        left.addWidget(self.notice)
        self.pages = QStackedWidget()
        self.services = ServicesModel(self)
        self.service_view = list_table(self.services, "serviceList", scroll_sideways=False)
        self.service_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.service_view.horizontalHeader()
        header.setSectionResizeMode(ServicesModel.NAME, QHeaderView.ResizeMode.Stretch)
        for col in (ServicesModel.KEY, ServicesModel.CODE, ServicesModel.PRICE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.bill_panel = BillPanel()
        self.open_panel = OpenPanel()
        self.pages.addWidget(self.service_view)
        self.pages.addWidget(self.bill_panel)
        self.pages.addWidget(self.open_panel)
        left.addWidget(self.pages, 1)
        body.addLayout(left, 9)

        # right: the resident's lines and totals
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(_label("This resident", "sectionTitle"))
        self.lines = LinesModel(self)
        self.line_view = list_table(self.lines, "lineList", scroll_sideways=False)
        lh = self.line_view.horizontalHeader()
        lh.setSectionResizeMode(LinesModel.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for col in (LinesModel.REFERENCE, LinesModel.GST, LinesModel.AMOUNT):
            lh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        right.addWidget(self.line_view, 1)
        self.lines_error = FieldError()
        right.addWidget(self.lines_error)
        totals = QFrame()
        totals.setObjectName("totals")
        grid = QGridLayout(totals)
        grid.setContentsMargins(18, 10, 18, 10)
        grid.setVerticalSpacing(2)
        self.subtotal = _label("$0.00", "totalSmall")
        self.gst = _label("$0.00", "totalSmall")
        self.total = _label("$0.00", "totalBig")
        self.count = _label("No lines yet", "muted")
        for row, (caption, value, name) in enumerate((("Subtotal", self.subtotal, "totalCaption"),
                                                      ("GST", self.gst, "totalCaption"),
                                                      ("TOTAL", self.total, "totalBigCaption"))):
            grid.addWidget(_label(caption, name), row, 0)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, 1)
        grid.addWidget(self.count, 3, 0)
        pay = _label("F10  Pay", "payHint")
        pay.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(pay, 3, 1)
        right.addWidget(totals)
        body.addLayout(right, 11)

        self.setFocusProxy(self.scan)
        self.scan.textEdited.connect(self._search)
        self.scan.returnPressed.connect(self._enter)
        self.scan.navigate.connect(self._move_in_list)
        self.scan.delete_on_empty.connect(self.remove_selected_line)
        self.bill_panel.account.returnPressed.connect(self._bill_account_entered)
        self.bill_panel.amount.returnPressed.connect(self._bill_amount_entered)
        self.open_panel.description.returnPressed.connect(self._open_entered)
        vm.changed.connect(self.refresh)
        vm.bill_found.connect(self._bill_found)
        vm.line_added.connect(self._line_added)

        for n in range(1, 10):
            add_shortcut(self, f"Ctrl+{n}", partial(self.quick_key, n))
        add_shortcut(self, "Ctrl+E", self.change_selected_amount)
        add_shortcut(self, "Ctrl+Up", lambda: self._move_line(-1))
        add_shortcut(self, "Ctrl+Down", lambda: self._move_line(1))
        add_shortcut(self, "Esc", self.close_panel)
        add_shortcut(self, "F7", self.drawer_requested.emit)
        add_shortcut(self.line_view, "Delete", self.remove_selected_line, focused_only=True)
        self._search("")
        self.refresh()

    # -- entering ----------------------------------------------------------------------------------------------
    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def _search(self, text: str) -> None:
        self.scan_error.clear_message()
        if self.pages.currentIndex() != self.LIST:
            self.pages.setCurrentIndex(self.LIST)
        self._browsed = False
        if looks_like_bill_number(text):
            self.services.set_rows([])
            self.notice.say("Enter looks up this bill.", "info")
            return
        if self.notice.text() == "Enter looks up this bill.":
            self.notice.say("")
        try:
            rows = self.vm.search(text)
        except UserError as exc:  # e.g. a full card number typed into the search field
            self.services.set_rows([])
            self.scan_error.show_message(exc.message)
            return
        self.services.set_rows(rows)
        if self.services.rowCount():
            self.service_view.selectRow(0)
            self.service_view.scrollToTop()

    def _move_in_list(self, step: int) -> None:
        count = self.services.rowCount()
        if not count or self.pages.currentIndex() != self.LIST:
            return
        current = self.service_view.currentIndex().row()
        row = min(max(0, (current if current >= 0 else 0) + step), count - 1)
        self.service_view.selectRow(row)
        self.service_view.scrollTo(self.services.index(row, 0))
        self._browsed = True

    def _enter(self) -> None:
        text = self.scan.text().strip()
        if text and looks_like_bill_number(text):
            self.scan_error.clear_message()
            self.notice.say("Looking up the bill…", "info")
            self.vm.scan(text)
            return
        if not text and not self._browsed:
            return
        row = self.service_view.currentIndex().row()
        if row < 0 or row >= self.services.rowCount():
            self.scan_error.show_message(f"No service matches “{text[:30]}”. Try another word, or F1 for help.")
            return
        self.pick(self.services.row(row))

    def pick(self, service: Service) -> None:
        self.scan_error.clear_message()
        if service.kind is LineKind.FIXED:
            if self.vm.add_fixed(service.code):
                self._reset_search()
        elif service.kind is LineKind.BILL:
            self.pages.setCurrentIndex(self.BILL)
            self.bill_panel.start(service)
        else:
            self.pages.setCurrentIndex(self.OPEN)
            self.open_panel.start(service, self.vm.gl_accounts(), self.vm.gst_codes())

    def quick_key(self, number: int) -> None:
        service = self.vm.quick_key(number)
        if service is None:
            self.scan_error.show_message(f"Ctrl+{number} is not set for any service.")
            return
        self.close_panel()
        self.scan.clear()
        self.pick(service)

    def _bill_account_entered(self) -> None:
        panel = self.bill_panel
        if panel.service is None or panel.edit_index is not None:
            return
        panel.clear_errors()
        panel.holder.setText("Looking up…")
        self.vm.find_bill(panel.account.text(), panel.service.code)

    def _bill_found(self, lookup: Any) -> None:
        if self.pages.currentIndex() == self.BILL:
            self.bill_panel.show_lookup(lookup)

    def _bill_amount_entered(self) -> None:
        panel = self.bill_panel
        if panel.lookup is None:
            return
        if panel.edit_index is not None:
            index = panel.edit_index
            if self.vm.change_amount(index, panel.amount.text()):
                self.close_panel()
                self.line_view.selectRow(index)
                self.notice.say(f"Amount changed: {self.lines.text(index, LinesModel.AMOUNT)}", "success")
        elif self.vm.add_bill(panel.lookup, panel.amount.text()):
            self._reset_search()

    def _open_entered(self) -> None:
        panel = self.open_panel
        if panel.service is None:
            return
        panel.clear_errors()
        if self.vm.add_open(panel.service.code, panel.amount.text(), str(panel.gl.currentData() or ""),
                            str(panel.gst.currentData() or ""), panel.description.text()):
            self._reset_search()

    def close_panel(self) -> None:
        if self.pages.currentIndex() != self.LIST:
            self.pages.setCurrentIndex(self.LIST)
            self.bill_panel.service = None
            self.open_panel.service = None
        self.focus_scan()

    def _reset_search(self) -> None:
        self.pages.setCurrentIndex(self.LIST)
        self.scan.clear()
        self._search("")
        self.scan.setFocus()

    def reset(self) -> None:
        """A new resident: empty field, full list, no messages."""
        self._reset_search()
        self.notice.say("")
        self.lines_error.clear_message()

    # -- the lines ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        sale = self.vm.sale
        self.lines.set_rows(sale.lines)
        self.subtotal.setText(format_money(sale.subtotal))
        self.gst.setText(format_money(sale.gst))
        self.total.setText(format_money(sale.total))
        n = len(sale.lines)
        self.count.setText("No lines yet" if n == 0 else f"{n} line{'s' if n != 1 else ''}")
        self.lines_error.clear_message()
        if n:
            self.line_view.selectRow(n - 1)

    def _line_added(self, index: int, message: str) -> None:
        self.line_view.selectRow(index)
        self.line_view.scrollTo(self.lines.index(index, 0))
        self.notice.say(message, "success")
        if self.scan.text().strip() and looks_like_bill_number(self.scan.text()):
            self._reset_search()

    def selected_line(self) -> int:
        rows = self.line_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _move_line(self, step: int) -> None:
        count = self.lines.rowCount()
        if count:
            row = self.selected_line()
            self.line_view.selectRow(min(max(0, (row if row >= 0 else count) + step), count - 1))

    def remove_selected_line(self) -> None:
        row = self.selected_line()
        if row < 0:
            return
        description = self.lines.text(row, LinesModel.DESCRIPTION)
        if self.vm.remove_line(row):
            self.notice.say(f"Removed {description}", "info")
            if self.lines.rowCount():
                self.line_view.selectRow(min(row, self.lines.rowCount() - 1))

    def change_selected_amount(self) -> None:
        row = self.selected_line()
        lookup = self.vm.lookup_of(row)
        if lookup is None:
            self.lines_error.show_message("Select a bill payment line (Ctrl+Up / Ctrl+Down) to change its amount.")
            return
        self.pages.setCurrentIndex(self.BILL)
        self.bill_panel.show_lookup(lookup, self.vm.sale.lines[row].total_cents, edit_index=row)

    # -- messages -------------------------------------------------------------------------------------------------
    def show_error(self, message: str, field: str) -> None:
        page = self.pages.currentIndex()
        if page == self.BILL:
            self.bill_panel.show_error(message, field)
        elif page == self.OPEN:
            self.open_panel.show_error(message, field)
        elif field in ("lines",) or (field in ("service", "amount") and not self.scan.text()):
            self.lines_error.show_message(message)
        else:
            self.notice.say("")
            self.scan_error.show_message(message)
            self.scan.setFocus()
            self.scan.selectAll()
