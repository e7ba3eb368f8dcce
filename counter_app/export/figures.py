"""The rows every export format shares, worded once, so the CSV, the spreadsheet and the PDF cannot disagree.

Amounts stay integer cents here; each format turns them into its own notation at the last moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.free_text import safe_text as visible
from counter_app.payments.catalog import TenderKind

__all__ = [
    "CARD_BATCH_KINDS",
    "SummaryRow",
    "batch_status",
    "card_batch_rows",
    "cheque_rows",
    "dollars",
    "local_time",
    "movement_label",
    "safe_text",
    "summary_rows",
    "tender_label",
    "tenders_in_order",
]

CARD_BATCH_KINDS = ("debit", "credit")
ValueKind = Literal["text", "count", "money", "optional_money"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    key: str  # stable snake_case name for the ledger CSV
    label: str  # what a person reads
    kind: ValueKind
    value: str | int | None


def tender_label(kind: str) -> str:
    try:
        return TenderKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


def tenders_in_order(recon: Reconciliation) -> list[tuple[str, int]]:
    """Tenders as the counter lists them (cash, debit, credit, cheque, money order), then any others by name."""
    order = {kind.value: n for n, kind in enumerate(TenderKind)}
    return sorted(recon.by_tender.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def movement_label(kind: str) -> str:
    return {"paid_in": "Paid in", "paid_out": "Paid out", "pickup": "Pickup to safe", "no_sale": "No sale"}.get(
        kind, kind.replace("_", " ").capitalize())


def dollars(cents: int) -> Decimal:
    """Exact dollars from cents: spreadsheets get ``float(dollars(c))``, which round-trips to the same cents."""
    return Decimal(cents).scaleb(-2)


def local_time(at: datetime, tz: tzinfo | None) -> datetime:
    return at.astimezone(tz) if tz is not None and at.tzinfo is not None else at


def safe_text(text: str) -> str:
    """Typed text (a movement's reason, a name) that a spreadsheet will not run as a formula when opened, with any
    control character an older version let in shown as a visible stand-in (``␛``), never dropped."""
    text = visible(text)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def summary_rows(recon: Reconciliation, business_date: date) -> list[SummaryRow]:
    cash = recon.cash
    return [
        SummaryRow("scope", "Scope", "text", recon.scope),
        SummaryRow("business_date", "Business date", "text", business_date.isoformat()),
        SummaryRow("receipts", "Receipts issued", "count", recon.receipts),
        SummaryRow("completed", "Completed sales", "count", recon.completed),
        SummaryRow("refunds", "Refunds", "count", recon.refunds),
        SummaryRow("voids", "Voided receipts (no money)", "count", recon.voids),
        SummaryRow("total", "Total taken (incl. GST)", "money", recon.total_cents),
        SummaryRow("gst", "GST collected", "money", recon.gst_cents),
        SummaryRow("rounding", "Cash rounding", "money", recon.rounding_cents),
        SummaryRow("change", "Change given", "money", recon.change_cents),
        SummaryRow("float", "Float", "money", cash.float_cents),
        SummaryRow("cash_received", "Cash received", "money", cash.cash_received),
        SummaryRow("change_given", "Less change given", "money", cash.change_given),
        SummaryRow("paid_in", "Paid in", "money", cash.paid_in),
        SummaryRow("paid_out", "Less paid out", "money", cash.paid_out),
        SummaryRow("pickups", "Less pickups to safe", "money", cash.pickups),
        SummaryRow("expected_cash", "Expected cash in drawer", "money", cash.expected),
        SummaryRow("counted_cash", "Counted cash", "optional_money", recon.counted_cents),
        SummaryRow("over_short", "Over (+) / short (-)", "optional_money", recon.over_short_cents),
        SummaryRow("deposit_total", "Deposit total", "money", recon.deposit_total),
    ]


def cheque_rows(recon: Reconciliation) -> list[tuple[str, str, str, int]]:
    """Cheques then money orders as (receipt, kind, number, cents): one list for the bank deposit."""
    return [(r, "cheque", n, a) for r, n, a in recon.cheques] + [
        (r, "money_order", n, a) for r, n, a in recon.money_orders]


def card_batch_rows(recon: Reconciliation) -> list[tuple[str, int, int | None, int | None]]:
    """(tender, system total, terminal batch or None, batch - system or None) for each card kind."""
    rows = []
    for kind in CARD_BATCH_KINDS:
        system, batch = recon.card_batches.get(kind, (recon.by_tender.get(kind, 0), None))
        rows.append((kind, system, batch, None if batch is None else batch - system))
    for kind, (system, batch) in recon.card_batches.items():
        if kind not in CARD_BATCH_KINDS:
            rows.append((kind, system, batch, None if batch is None else batch - system))
    return rows


def batch_status(difference: int | None) -> str:
    if difference is None:
        return "Batch not entered"
    return "Matches" if difference == 0 else "Differs"
