"""Checking a finished sale again before it is recorded: the service trusts nothing a caller built.

The screens build lines with :func:`~counter_app.payments.sale.fixed_line` and friends and tenders with
:func:`~counter_app.payments.sale.make_tender`, and add them through :class:`~counter_app.payments.sale.Sale`,
whose rules refuse what the cashier must not do. A caller can skip all of that and hand over a ``Sale`` with a
-$500 cash tender, $10M of change or a 1e12-cent line. So the sale is rebuilt here from its parts, through the
very same rules: each line must be what the catalogue makes of it, each tender what ``make_tender`` makes of it,
and the tenders are added again one by one (allowed tenders, nothing above what is owed, the change limit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date

from counter_app.errors import UserError
from counter_app.payments.accounts import BillAccount
from counter_app.payments.catalog import GstCode, LineKind, Service
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import format_money
from counter_app.payments.rounding import round_cash
from counter_app.payments.sale import (
    MAX_CHANGE_CENTS,
    Sale,
    SaleLine,
    Settlement,
    Tender,
    bill_line,
    fixed_line,
    make_tender,
    open_line,
)


def _refuse(number: int, what: str, cause: UserError | None = None) -> PaymentError:
    detail = f" ({cause.message})" if cause is not None else ""
    return PaymentError(f"Line {number} {what}{detail}: remove it and add it again.", "lines")


def verify_line(
    number: int,
    line: SaleLine,
    services: Mapping[str, Service],
    gst_codes: Mapping[str, GstCode],
    gl_accounts: set[str],
    account_of: Callable[[str], BillAccount | None],
    today: date,
) -> SaleLine:
    """The line exactly as the catalogue builds it, or a PaymentError naming the line."""
    if not isinstance(line, SaleLine):
        raise _refuse(number, "is not a payment line")
    service = services.get(line.service_code) if isinstance(line.service_code, str) else None
    if service is None:
        raise _refuse(number, "is for a service that is not in the fee schedule")
    amounts = (line.net_cents, line.gst_cents)
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in amounts) or \
            not isinstance(line.description, str):
        raise _refuse(number, "is not as the counter records it")
    gst = gst_codes.get(service.gst_code if line.kind is not LineKind.OPEN else line.gst_code)
    if gst is None:
        raise _refuse(number, "has a GST code that is not in the reference data")
    try:
        if line.kind is LineKind.FIXED:
            expected = fixed_line(service, gst)
        elif line.kind is LineKind.BILL:
            account = account_of(line.account_number) if isinstance(line.account_number, str) else None
            if account is None or account.service_code != service.code:
                raise PaymentError(f"No bill on file for {line.reference}: scan it again.", "account")
            due = account.amount_due(today)
            if line.net_cents + line.gst_cents > due:
                raise PaymentError(f"{line.reference} now has only {format_money(due)} owing: scan it again.",
                                   "account")
            expected = bill_line(service, gst, account, line.net_cents + line.gst_cents, today)
            line = replace(line, amount_due_cents=expected.amount_due_cents)  # owing now, not when scanned
        elif line.kind is LineKind.OPEN:
            if line.gl_account not in gl_accounts:
                raise PaymentError("The line's GL account is not in the chart of accounts.", "gl")
            typed = line.description.removeprefix(f"{service.name}: ") if line.description != service.name else ""
            expected = open_line(service, gst, line.net_cents, line.gl_account, typed)
        else:
            raise _refuse(number, "is of an unknown kind")
    except PaymentError as exc:
        if exc.field == "account":
            raise
        raise _refuse(number, "does not follow the fee schedule", exc) from None
    if line != expected:
        raise _refuse(number, "does not match the fee schedule")
    return expected


def verify_tender(number: int, tender: Tender) -> Tender:
    """The tender exactly as ``make_tender`` makes it from its own fields."""
    if not isinstance(tender, Tender):
        raise PaymentError(f"Tender {number} is not a tender: enter it again.", "tender_amount")
    try:
        expected = make_tender(tender.kind, tender.amount_cents, last4=tender.last4 or "",
                               auth_code=tender.auth_code or "", card_brand=tender.card_brand or "",
                               terminal_ref=tender.terminal_ref or "", number=tender.cheque_number or "")
    except UserError as exc:
        raise PaymentError(f"Tender {number}: {exc.message}", exc.field or "tender_amount") from None
    if expected != tender:
        raise PaymentError(f"Tender {number} is not as the counter records it: remove it and enter it again.",
                           "tender_amount")
    return expected


def rebuild_sale(lines: list[SaleLine], tenders: list[Tender], services: Mapping[str, Service]) -> Sale:
    """The same sale, added again line by line and tender by tender through the sale's own rules."""
    fresh = Sale()
    for line in lines:
        fresh.add_line(line, services[line.service_code].allowed_tenders)
    for tender in tenders:
        fresh.add_tender(tender)
    return fresh


def check_settlement(settlement: Settlement) -> None:
    """The invariant of every recorded sale: tendered - change = total + rounding, change from cash only."""
    cash_due = settlement.total - settlement.non_cash
    ok = (
        settlement.balance_due == 0
        and settlement.tendered - settlement.change == settlement.total + settlement.rounding
        and 0 <= settlement.change < MAX_CHANGE_CENTS
        and settlement.change <= max(settlement.cash_tendered, 0)
        and (settlement.rounding == 0 or settlement.rounding == round_cash(cash_due) - cash_due)
        and settlement.non_cash <= settlement.total
    )
    if not ok:
        raise PaymentError("The tenders do not settle this payment: remove them and tender again.",
                           "tender_amount")
