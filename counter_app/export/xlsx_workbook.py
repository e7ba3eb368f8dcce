"""The reconciliation as a workbook for finance staff who check and annotate figures in a spreadsheet.

Amounts are numbers in dollars (formatted ``#,##0.00``) made from exact cents, so ``round(value * 100)`` gives
back the cents. Each totals row comes twice: a SUM formula that follows any edit, and the total Counter computed,
as a literal, so the figures show even in readers that do not calculate formulas.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.export.figures import (
    batch_status,
    card_batch_rows,
    cheque_rows,
    dollars,
    local_time,
    movement_label,
    summary_rows,
    tender_label,
    tenders_in_order,
)
from counter_app.free_text import safe_text as visible

__all__ = ["SHEETS", "xlsx_workbook"]

SHEETS = ("Summary", "Tenders", "Services", "GL accounts", "GL journal", "Cheques", "Deposit slip", "Movements",
          "Card batches")
MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMULA_TOTAL = "Total (formula)"
COUNTER_TOTAL = "Total (Counter)"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DCE3EC")
_TOTAL_FILL = PatternFill("solid", fgColor="F1F3F5")


class Money(int):
    """Cents marked for writing as a dollar amount cell."""


def _value(cell_value: Any) -> Any:
    if isinstance(cell_value, Money):
        return float(dollars(int(cell_value)))
    if isinstance(cell_value, datetime) and cell_value.tzinfo is not None:
        return cell_value.replace(tzinfo=None)  # Excel has no time zones: local wall time, as printed
    if isinstance(cell_value, str):
        return visible(cell_value)  # a control character in old text would make openpyxl refuse the workbook
    return cell_value


class _Sheet:
    """A sheet filled top to bottom: a title, a blank row, a header row, data rows, totals rows."""

    def __init__(self, book: Workbook, name: str, title: str, widths: Sequence[int]) -> None:
        self.ws: Worksheet = book.create_sheet(name)
        self.row = 0
        self.first_data = 0
        self.add(title)
        self.ws.cell(1, 1).font = _TITLE
        for n, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = width

    def header(self, *names: str) -> None:
        self.row += 1  # a blank row under the title
        self.add(*names, bold=True, fill=_HEAD_FILL)
        self.ws.freeze_panes = self.ws.cell(self.row + 1, 1)
        self.first_data = self.row + 1

    def add(self, *values: Any, bold: bool = False, fill: PatternFill | None = None, formulas: bool = False) -> None:
        self.row += 1
        for column, raw in enumerate(values, start=1):
            if raw is None and not fill:
                continue
            cell = self.ws.cell(self.row, column, _value(raw))
            if isinstance(raw, Money):
                cell.number_format = MONEY_FORMAT
            elif isinstance(raw, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(raw, str) and raw.startswith("=") and not formulas:
                cell.data_type = "s"  # typed text, never a formula
            if bold:
                cell.font = _BOLD
            if fill is not None:
                cell.fill = fill

    def totals(self, label_column: int, sums: dict[int, int]) -> None:
        """A SUM row over the data rows and a literal row with Counter's totals (column -> cents)."""
        first, last = self.first_data, self.row
        width = max([label_column, *sums])
        formula: list[Any] = [None] * width
        literal: list[Any] = [None] * width
        formula[label_column - 1], literal[label_column - 1] = FORMULA_TOTAL, COUNTER_TOTAL
        for column, cents in sums.items():
            letter = get_column_letter(column)
            formula[column - 1] = f"=SUM({letter}{first}:{letter}{last})" if last >= first else 0
            literal[column - 1] = Money(cents)
        self.add(*formula, bold=True, fill=_TOTAL_FILL, formulas=True)
        for column in sums:
            self.ws.cell(self.row, column).number_format = MONEY_FORMAT
        self.add(*literal, bold=True, fill=_TOTAL_FILL)


def xlsx_workbook(recon: Reconciliation, *, business_date: date, title: str, tz: tzinfo | None = None) -> bytes:
    """The workbook as bytes; ``tz`` shows movement times in the counter's local time."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)  # the default sheet; ours are created in order
    heading = f"{title} — {recon.scope} — {business_date.isoformat()}"
    _summary(book, recon, business_date, heading)
    _tenders(book, recon, heading)
    _services(book, recon, heading)
    _gl_accounts(book, recon, heading)
    _journal(book, recon, heading)
    _cheques(book, recon, heading)
    _deposit(book, recon, heading)
    _movements(book, recon, heading, tz)
    _card_batches(book, recon, heading)
    book.properties.title = heading
    book.properties.creator = "Counter"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(book: Workbook, recon: Reconciliation, business_date: date, heading: str) -> None:
    sheet = _Sheet(book, "Summary", heading, (34, 30, 18))
    sheet.header("Item", "Value", "Key")
    for row in summary_rows(recon, business_date):
        value: Any = row.value
        if row.kind in ("money", "optional_money"):
            value = Money(row.value) if isinstance(row.value, int) else "Not counted"
        sheet.add(row.label, value, row.key, bold=row.key in ("expected_cash", "over_short", "deposit_total"))
    sheet.add("Journal balanced", "Balanced" if recon.journal_balances else "NOT BALANCED", "journal_balanced",
              bold=True)
    for cell in sheet.ws["B"]:
        cell.alignment = Alignment(horizontal="right")


def _tenders(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "Tenders", heading, (22, 16, 16))
    sheet.header("Tender", "Amount", "Key")
    for kind, cents in tenders_in_order(recon):
        sheet.add(tender_label(kind), Money(cents), kind)
    sheet.totals(1, {2: sum(recon.by_tender.values())})


def _services(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "Services", heading, (16, 44, 10, 14, 12, 14))
    sheet.header("Service code", "Description", "Count", "Net", "GST", "Total")
    for s in recon.by_service:
        sheet.add(s.service_code, s.description, s.count, Money(s.net_cents), Money(s.gst_cents), Money(s.total_cents))
    sheet.totals(2, {4: sum(s.net_cents for s in recon.by_service), 5: sum(s.gst_cents for s in recon.by_service),
                     6: sum(s.total_cents for s in recon.by_service)})


def _gl_accounts(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "GL accounts", heading, (20, 16))
    sheet.header("GL account", "Net")
    for account, cents in recon.by_gl.items():
        sheet.add(account, Money(cents))
    sheet.totals(1, {2: sum(recon.by_gl.values())})


def _journal(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "GL journal", heading, (8, 20, 46, 14, 14))
    sheet.header("Line", "Account", "Description", "Debit", "Credit")
    for n, e in enumerate(recon.journal, start=1):
        sheet.add(n, e.account, e.description, Money(e.debit_cents), Money(e.credit_cents))
    sheet.totals(3, {4: sum(e.debit_cents for e in recon.journal), 5: sum(e.credit_cents for e in recon.journal)})
    sheet.add(None, None, "Balanced" if recon.journal_balances else "NOT BALANCED", bold=True)


def _cheques(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "Cheques", heading, (18, 16, 16, 14))
    sheet.header("Receipt", "Kind", "Number", "Amount")
    rows = cheque_rows(recon)
    for receipt, kind, number, cents in rows:
        sheet.add(receipt, tender_label(kind), number, Money(cents))
    sheet.totals(3, {4: sum(r[3] for r in rows)})


def _deposit(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "Deposit slip", heading, (36, 16))
    sheet.header("Item", "Amount")
    for n, line in enumerate(recon.deposit):
        last = n == len(recon.deposit) - 1
        sheet.add(line.label, Money(line.amount_cents), bold=last, fill=_TOTAL_FILL if last else None)


def _movements(book: Workbook, recon: Reconciliation, heading: str, tz: tzinfo | None) -> None:
    sheet = _Sheet(book, "Movements", heading, (18, 16, 12, 40, 18, 18, 18))
    sheet.header("Time", "Kind", "Amount", "Reason", "GL account", "Staff", "Supervisor")
    for m in recon.movements:
        sheet.add(local_time(m.at, tz), movement_label(m.kind.value), Money(m.amount_cents), m.reason,
                  m.gl_account or "", m.staff, m.supervisor)


def _card_batches(book: Workbook, recon: Reconciliation, heading: str) -> None:
    sheet = _Sheet(book, "Card batches", heading, (16, 16, 16, 14, 20))
    sheet.header("Tender", "System total", "Terminal batch", "Difference", "Status")
    for kind, system, batch, difference in card_batch_rows(recon):
        sheet.add(tender_label(kind), Money(system), None if batch is None else Money(batch),
                  None if difference is None else Money(difference), batch_status(difference))
