"""Voids and refunds: the rules that keep public money under control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from counter_app.free_text import clean_text
from counter_app.payments.catalog import TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.rounding import round_cash
from counter_app.payments.sale import SaleLine, Settlement, Tender, make_tender, negate_line, settle

_REASON_MIN = 3
#: transactions.reason and voids.reason, locally and centrally.
REASON_MAX = 200


def check_reason(reason: str, field: str = "reason") -> str:
    """A void or refund reason: the text rule, 3 to 200 characters (never cut short in silence)."""
    return clean_text(reason, field, max_len=REASON_MAX, min_len=_REASON_MIN, error=PaymentError,
                      required_message="Give a short reason (it goes in the journal).")


def ensure_approver(requester_id: int, supervisor_id: int, supervisor_is_supervisor: bool) -> None:
    """A supervisor approves, and never their own transaction."""
    if not supervisor_is_supervisor:
        raise PaymentError("Only a supervisor can approve this.", "supervisor")
    if supervisor_id == requester_id:
        raise PaymentError("A supervisor cannot approve their own void or refund: ask another supervisor.",
                           "supervisor")


def ensure_voidable(status: str, kind: str, business_date: date, today: date, has_refunds: bool) -> None:
    if status == "void":
        raise PaymentError("This receipt is already void.", "receipt")
    if kind != "sale":
        raise PaymentError("A refund cannot be voided; take a new payment instead.", "receipt")
    if business_date != today:
        raise PaymentError("Only today's receipts can be voided; refund an earlier receipt instead.", "receipt")
    if has_refunds:
        raise PaymentError("This receipt has a refund against it and cannot be voided.", "receipt")


@dataclass(frozen=True, slots=True)
class RefundPlan:
    lines: tuple[SaleLine, ...]  # negative amounts, same services and GL as the original
    tenders: tuple[Tender, ...]  # negative amounts: money handed back
    settlement: Settlement


def refund_tender_kinds(original_tenders: list[Tender]) -> list[TenderKind]:
    """Money goes back the way it came: to the same card, or in cash for cash, cheque and money order."""
    kinds = [TenderKind.CASH] if any(not t.kind.is_card for t in original_tenders) else []
    kinds += [k for k in (TenderKind.DEBIT, TenderKind.CREDIT) if any(t.kind is k for t in original_tenders)]
    return kinds


def plan_refund(
    original_lines: list[SaleLine],
    original_tenders: list[Tender],
    refunded: set[int],
    chosen: list[int],
    kind: TenderKind,
    auth_code: str = "",
) -> RefundPlan:
    """Refund whole lines of an original receipt, each at most once, to an allowed tender."""
    if original_lines and original_lines[0].net_cents + original_lines[0].gst_cents < 0:
        raise PaymentError("A refund receipt cannot itself be refunded.", "receipt")
    if not chosen:
        raise PaymentError("Choose at least one line to refund.", "lines")
    for index in chosen:
        if not 0 <= index < len(original_lines):
            raise PaymentError("That line is not on the original receipt.", "lines")
        if index in refunded:
            raise PaymentError(f"Line {index + 1} was already refunded.", "lines")
    if len(set(chosen)) != len(chosen):
        raise PaymentError("A line can be refunded once.", "lines")
    allowed = refund_tender_kinds(original_tenders)
    if kind not in allowed:
        names = ", ".join(k.label.lower() for k in allowed)
        raise PaymentError(f"This receipt can be refunded by: {names}.", "tender_kind")
    lines = tuple(negate_line(original_lines[i]) for i in sorted(chosen))
    total = sum(line.total_cents for line in lines)
    if kind is TenderKind.CASH:
        tender = Tender(TenderKind.CASH, round_cash(total))
    else:
        card = next(t for t in original_tenders if t.kind is kind)
        paid_by_card = sum(t.amount_cents for t in original_tenders if t.kind is kind)
        if -total > paid_by_card:
            raise PaymentError("The refund is more than was paid by this card: refund the rest in cash.",
                               "tender_kind")
        checked = make_tender(kind, -total, last4=card.last4 or "", auth_code=auth_code,
                              card_brand=card.card_brand or "")
        tender = Tender(kind, total, checked.card_brand, checked.last4, checked.auth_code)
    return RefundPlan(lines, (tender,), settle(total, [tender]))
