"""The electronic journal: one row per receipt, as CSV for finance or as an aligned table for a supervisor.

Pure functions over :class:`TransactionSummary` lists, so the CLI, the GUI and the tests format the very same
journal. Every row keeps the settlement invariant visible: ``sum(tenders) - change == total + rounding``.
The day's interactions (payments, questions, referrals) are listed the same way, for the city's 311 counts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from counter_app.payments.catalog import TenderKind
from counter_app.payments.money import format_money, format_plain
from counter_app.services.records import TransactionSummary
from counter_app.visits.model import Interaction

#: Tender columns in the order finance reads them (the values of :class:`TenderKind`).
TENDER_COLUMNS: tuple[str, ...] = tuple(kind.value for kind in TenderKind)
CSV_COLUMNS: tuple[str, ...] = (
    "receipt", "datetime", "workstation", "cashier", "status", "total", *TENDER_COLUMNS, "rounding", "change",
    "refund_of",
)
INTERACTION_COLUMNS: tuple[str, ...] = (
    "id", "visit_id", "kind", "topic", "workstation", "staff_id", "started_at", "ended_at", "seconds", "article_id",
    "transaction_id", "referral_id",
)


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One receipt as the journal shows it; amounts in cents, the date-time local and timezone-aware."""

    receipt: str
    local_time: str  # ISO 8601 with offset, to the second
    workstation: str
    cashier: str
    status: str  # completed | void | refund
    total_cents: int
    tenders: dict[str, int]
    rounding_cents: int
    change_cents: int
    refund_of: str = ""

    @property
    def counts(self) -> bool:
        """A voided receipt stays in the journal but its money went back: it is left out of the totals."""
        return self.status != "void"


def status_of(summary: TransactionSummary) -> str:
    """Refunds are their own receipts (and cannot be voided); a sale is completed or void."""
    if summary.kind == "refund":
        return "refund"
    return "void" if summary.status == "void" else "completed"


def journal_rows(summaries: Iterable[TransactionSummary], tz: tzinfo) -> list[JournalRow]:
    return [
        JournalRow(
            receipt=s.receipt_number,
            local_time=s.created_at.astimezone(tz).isoformat(timespec="seconds"),
            workstation=s.workstation,
            cashier=s.cashier,
            status=status_of(s),
            total_cents=s.total_cents,
            tenders={kind: s.tenders.get(kind, 0) for kind in TENDER_COLUMNS},
            rounding_cents=s.rounding_cents,
            change_cents=s.change_cents,
            refund_of=s.refund_of or "",
        )
        for s in summaries
    ]


@dataclass(frozen=True, slots=True)
class JournalTotals:
    receipts: int
    voids: int
    total_cents: int
    tenders: dict[str, int]
    rounding_cents: int
    change_cents: int


def journal_totals(rows: Sequence[JournalRow]) -> JournalTotals:
    """Net totals of the receipts that stand (refunds are negative, voids are left out)."""
    counted = [row for row in rows if row.counts]
    return JournalTotals(
        receipts=len(rows),
        voids=len(rows) - len(counted),
        total_cents=sum(row.total_cents for row in counted),
        tenders={kind: sum(row.tenders[kind] for row in counted) for kind in TENDER_COLUMNS},
        rounding_cents=sum(row.rounding_cents for row in counted),
        change_cents=sum(row.change_cents for row in counted),
    )


def to_csv(rows: Sequence[JournalRow]) -> str:
    """Plain decimals ("12.34"), no symbols or separators: what a spreadsheet or the ledger import expects."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([
            row.receipt, row.local_time, row.workstation, row.cashier, row.status, format_plain(row.total_cents),
            *(format_plain(row.tenders[kind]) for kind in TENDER_COLUMNS),
            format_plain(row.rounding_cents), format_plain(row.change_cents), row.refund_of,
        ])
    return out.getvalue()


_TEXT_HEADERS = ("Receipt", "Time", "Cashier", "Status", "Total", "Cash", "Debit", "Credit", "Cheque",
                 "Money order", "Rounding", "Change")


def to_text(rows: Sequence[JournalRow], day: date, scope: str) -> str:
    """An aligned table a supervisor can read on a terminal, closed by a totals line."""
    title = f"Journal for {day.isoformat()} - {scope}"
    if not rows:
        return f"{title}\nNo receipts.\n"
    table: list[tuple[str, ...]] = [_TEXT_HEADERS]
    for row in rows:
        table.append((
            row.receipt, row.local_time[11:19], row.cashier, row.status, format_money(row.total_cents),
            *(_money_or_blank(row.tenders[kind]) for kind in TENDER_COLUMNS),
            _money_or_blank(row.rounding_cents), _money_or_blank(row.change_cents),
        ))
    totals = journal_totals(rows)
    table.append((
        "Totals", "", "", "", format_money(totals.total_cents),
        *(format_money(totals.tenders[kind]) for kind in TENDER_COLUMNS),
        format_money(totals.rounding_cents), format_money(totals.change_cents),
    ))
    widths = [max(len(line[i]) for line in table) for i in range(len(_TEXT_HEADERS))]
    first_money = _TEXT_HEADERS.index("Total")  # text columns to the left, money to the right, as in a ledger

    def render(line: tuple[str, ...]) -> str:
        cells = [cell.rjust(widths[i]) if i >= first_money else cell.ljust(widths[i]) for i, cell in enumerate(line)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    voids = f"; {totals.voids} void, left out of the totals" if totals.voids else ""
    note = f"{totals.receipts} receipts{voids}; cash is as tendered, change is given back from it."
    body = [render(line) for line in table[1:-1]]
    return "\n".join([title, render(table[0]), rule, *body, rule, render(table[-1]), note]) + "\n"


def _money_or_blank(cents: int) -> str:
    return format_money(cents) if cents else ""


def interactions_csv(items: Iterable[Interaction], tz: tzinfo) -> str:
    """One row per interaction; times local ISO 8601 with the offset, to the second; blanks where none applies."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INTERACTION_COLUMNS)
    for item in items:
        writer.writerow([
            item.id, item.visit_id, item.kind.value, item.topic, item.workstation, item.staff_id,
            item.started_at.astimezone(tz).isoformat(timespec="seconds"),
            item.ended_at.astimezone(tz).isoformat(timespec="seconds"),
            round(item.seconds), item.article_id or "", item.transaction_id or "", item.referral_id or "",
        ])
    return out.getvalue()
