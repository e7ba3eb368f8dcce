"""The X and Z reports as sections of (label, value) rows: one wording for the screen, the roll and the page.

Pure functions of the frozen drawer records the services hand back; no Qt here, so the rows are tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.drawer.session import CloseCheck
from counter_app.export.figures import card_batch_rows, movement_label, tender_label, tenders_in_order
from counter_app.payments.money import format_money
from counter_app.services.records_drawer import DrawerSession

Rows = list[tuple[str, str]]
Section = tuple[str, Rows]


@dataclass(frozen=True, slots=True)
class XReport:
    """The running totals of an open drawer (nothing closed, nothing numbered)."""

    session: DrawerSession
    recon: Reconciliation


@dataclass(frozen=True, slots=True)
class ZReport:
    """A closed drawer as its Z report says; ``supervisor`` is the name of whoever approved the difference."""

    session: DrawerSession
    recon: Reconciliation
    supervisor: str = ""
    tolerance_cents: int = 25

    @property
    def number(self) -> str:
        return self.session.z_number or ""

    @property
    def outcome(self) -> str:
        """"Balanced", "Short $0.35" or "Over $1.00"."""
        return CloseCheck(self.session.expected_cents or 0, self.counted_cents, self.tolerance_cents).label

    @property
    def counted_cents(self) -> int:
        return self.session.counted.total_cents if self.session.counted else 0


@dataclass(frozen=True, slots=True)
class OverShort:
    """A submitted count beyond tolerance: shown once the count is in, with the service's own words."""

    message: str
    expected_cents: int
    counted_cents: int
    tolerance_cents: int

    @property
    def label(self) -> str:
        return CloseCheck(self.expected_cents, self.counted_cents, self.tolerance_cents).label


def _time(at: datetime | None, tz: tzinfo | None, fmt: str = "%H:%M") -> str:
    if at is None:
        return ""
    local = at.astimezone(tz) if tz is not None and at.tzinfo is not None else at
    return local.strftime(fmt)


def sales_section(recon: Reconciliation) -> Section:
    rows: Rows = [
        ("Receipts", f"{recon.receipts}"),
        ("Completed sales", f"{recon.completed}"),
        ("Refunds", f"{recon.refunds}"),
        ("Voided (not counted)", f"{recon.voids}"),
        ("Total taken", format_money(recon.total_cents)),
        ("GST collected", format_money(recon.gst_cents)),
        ("Cash rounding", format_money(recon.rounding_cents, sign=True)),
    ]
    return "Sales", rows


def tender_section(recon: Reconciliation) -> Section:
    rows: Rows = [(tender_label(kind), format_money(cents)) for kind, cents in tenders_in_order(recon) if cents]
    if not rows:
        rows = [("No tenders yet", "$0.00")]
    return "By tender (cash net of change)", rows


def cash_section(recon: Reconciliation, *, expected: bool = True) -> Section:
    cash = recon.cash
    rows: Rows = [
        ("Float", format_money(cash.float_cents)),
        ("Cash received", format_money(cash.cash_received)),
        ("Change given", format_money(-cash.change_given)),
        ("Paid in", format_money(cash.paid_in)),
        ("Paid out", format_money(-cash.paid_out)),
        ("Pickups to the safe", format_money(-cash.pickups)),
    ]
    if expected:
        rows.append(("Expected cash in the drawer", format_money(cash.expected)))
    return "Cash in the drawer", rows


def movement_section(recon: Reconciliation, tz: tzinfo | None) -> Section:
    rows: Rows = []
    for m in recon.movements:
        when = (m.at.astimezone(tz) if tz is not None and m.at.tzinfo is not None else m.at).strftime("%H:%M")
        amount = "" if m.kind.value == "no_sale" else f" {format_money(m.amount_cents)}"
        approved = f" (approved by {m.supervisor})" if m.supervisor else ""
        rows.append((f"{when} {movement_label(m.kind.value)}{amount}", f"{m.reason}{approved}"))
    return f"Cash movements ({len(rows)})", rows or [("None", "-")]


def x_report_sections(report: XReport, tz: tzinfo | None) -> list[Section]:
    session, recon = report.session, report.recon
    head: Rows = [
        ("Cashier", session.cashier),
        ("Workstation", session.workstation),
        ("Business date", session.business_date.isoformat()),
        ("Drawer opened", _time(session.opened_at, tz)),
    ]
    return [("Drawer", head), sales_section(recon), tender_section(recon), cash_section(recon)]


def z_report_sections(report: ZReport, tz: tzinfo | None) -> list[Section]:
    session, recon = report.session, report.recon
    head: Rows = [
        ("Z number", report.number),
        ("Cashier", session.cashier),
        ("Workstation", session.workstation),
        ("Business date", session.business_date.isoformat()),
        ("Opened", _time(session.opened_at, tz)),
        ("Closed", _time(session.closed_at, tz)),
    ]
    count: Rows = [
        ("Expected cash", format_money(session.expected_cents or 0)),
        ("Counted cash", format_money(report.counted_cents)),
        ("Over / short", report.outcome),
        ("Approved by", report.supervisor or ("Not needed (within tolerance)"
                                              if session.close_supervisor_id is None else "Supervisor")),
    ]
    if session.close_note:
        count.append(("Note", session.close_note))
    cards: Rows = []
    for kind, system, batch, difference in card_batch_rows(recon):
        label = tender_label(kind)
        cards.append((f"{label}, system", format_money(system)))
        if batch is None:
            cards.append((f"{label}, terminal", "not entered"))
        else:
            status = "matches" if difference == 0 else f"differs {format_money(difference or 0, sign=True)}"
            cards.append((f"{label}, terminal", f"{format_money(batch)} {status}"))
    cheques = sum(a for _r, _n, a in recon.cheques)
    cards.append((f"Cheques ({len(recon.cheques)})",
                  f"{format_money(cheques)}{' checked' if session.cheques_checked else ''}"))
    return [
        ("Drawer", head),
        ("Count", count),
        sales_section(recon),
        tender_section(recon),
        cash_section(recon),
        ("Cards and cheques", cards),
    ]


def flatten(sections: list[Section]) -> Rows:
    """Sections as report rows for the printer: a heading is a row with an empty value."""
    rows: Rows = []
    for heading, body in sections:
        rows.append((heading, ""))
        rows.extend(body)
    return rows
