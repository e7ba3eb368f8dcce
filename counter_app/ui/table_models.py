"""Table models that hold frozen rows (DTOs and domain values), never sessions; testable without a widget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from counter_app.payments.catalog import LineKind, Service, TenderKind
from counter_app.payments.money import format_money
from counter_app.payments.sale import SaleLine, Tender

T = TypeVar("T")

Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    align: Qt.AlignmentFlag = LEFT


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of frozen rows; ``set_rows`` replaces them all (the view keeps no stale objects)."""

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row(self, index: int) -> T:
        return self._rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def text(self, row: int, column: int) -> str:
        return self.columns[column].text(self._rows[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].align.value)
        return None


def price_text(service: Service) -> str:
    if service.kind is LineKind.FIXED and service.amount_cents is not None:
        return format_money(service.amount_cents)
    if service.kind is LineKind.BILL:
        return "amount due"
    return "you enter"


class ServicesModel(RowsModel[Service]):
    KEY, CODE, NAME, PRICE = range(4)
    columns = (
        Column("Key", lambda s: f"Ctrl+{s.quick_key}" if s.quick_key else "", CENTRE),
        Column("Code", lambda s: s.code),
        Column("Service", lambda s: s.name),
        Column("Price", price_text, RIGHT),
    )


def _gst_text(line: SaleLine) -> str:
    if line.gst_cents:
        return format_money(line.gst_cents)
    return "exempt" if line.gst_rate_bp == 0 else format_money(0)


def line_text(line: SaleLine) -> str:
    """The line as the screen shows it: "Utility bill (electric, water, ...)" reads "Utility bill" (the receipt
    keeps the full name)."""
    head, _sep, _rest = line.description.partition(" (")
    return head


class LinesModel(RowsModel[SaleLine]):
    DESCRIPTION, REFERENCE, GST, AMOUNT = range(4)
    columns = (
        Column("Description", line_text),
        Column("Reference", lambda ln: ln.reference or ""),
        Column("GST", _gst_text, RIGHT),
        Column("Amount", lambda ln: format_money(ln.total_cents), RIGHT),
    )


def tender_detail(tender: Tender) -> str:
    if tender.kind.is_card:
        brand = tender.card_brand or ("Interac" if tender.kind is TenderKind.DEBIT else "Card")
        return f"{brand} ****{tender.last4} · {tender.auth_code}"
    return tender.detail or "—"


class TendersModel(RowsModel[Tender]):
    KIND, DETAIL, AMOUNT = range(3)
    columns = (
        Column("Tender", lambda t: t.kind.label),
        Column("Detail", tender_detail),
        Column("Amount", lambda t: format_money(t.amount_cents), RIGHT),
    )


def tenders_text(tenders: dict[str, int]) -> str:
    parts = []
    for kind, cents in tenders.items():
        try:
            label = TenderKind(kind).label
        except ValueError:
            label = kind
        parts.append(f"{label} {format_money(cents)}")
    return ", ".join(parts)


STATUS_TEXT = {"completed": "completed", "void": "VOID"}


class TransactionsModel(RowsModel[Any]):
    """Rows are ``TransactionSummary`` DTOs; times are shown in the counter's time zone."""

    TIME, RECEIPT, KIND, STATUS, CASHIER, TOTAL, TENDERS = range(7)

    def __init__(self, tz: tzinfo | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.columns = (
            Column("Time", lambda t: t.created_at.astimezone(self.tz).strftime("%H:%M:%S")),
            Column("Receipt", lambda t: t.receipt_number),
            Column("Kind", _kind_text),
            Column("Status", lambda t: STATUS_TEXT.get(t.status, t.status)),
            Column("Cashier", lambda t: t.cashier),
            Column("Total", lambda t: format_money(t.total_cents), RIGHT),
            Column("Tenders", lambda t: tenders_text(t.tenders)),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self._rows)
                and self._rows[index.row()].status == "void"):
            return QColor("#9b1c1c")
        return super().data(index, role)


def _kind_text(summary: Any) -> str:
    if summary.kind == "refund":
        return f"refund of {summary.refund_of}" if summary.refund_of else "refund"
    return summary.kind
