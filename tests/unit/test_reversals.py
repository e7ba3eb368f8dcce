"""Voids and refunds: supervisor rules, same-day voids, whole-line refunds back the way the money came."""

from datetime import date

import pytest

from counter_app.payments.catalog import ALL_TENDERS, TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.reversals import ensure_approver, ensure_voidable, plan_refund, refund_tender_kinds
from counter_app.payments.sale import Sale, fixed_line, make_tender

from .domain_builders import EXEMPT, fee

TODAY = date(2026, 11, 25)


def paid_sale() -> Sale:
    sale = Sale()
    for code, cents in (("A", 2002), ("B", 1000)):
        sale.add_line(fixed_line(fee(code, cents), EXEMPT), ALL_TENDERS)
    sale.add_tender(make_tender(TenderKind.DEBIT, 1000, last4="4821", auth_code="AB12"))
    sale.add_tender(make_tender(TenderKind.CASH, 2000))
    return sale


def test_no_self_approval_and_supervisors_only() -> None:
    with pytest.raises(PaymentError, match="own"):
        ensure_approver(7, 7, True)
    with pytest.raises(PaymentError, match="Only a supervisor"):
        ensure_approver(7, 8, False)
    ensure_approver(7, 8, True)


def test_void_rules() -> None:
    ensure_voidable("completed", "sale", TODAY, TODAY, False)
    for args, words in [
        (("void", "sale", TODAY, TODAY, False), "already void"),
        (("completed", "sale", date(2026, 11, 24), TODAY, False), "today"),
        (("completed", "refund", TODAY, TODAY, False), "refund"),
        (("completed", "sale", TODAY, TODAY, True), "refund against it"),
    ]:
        with pytest.raises(PaymentError, match=words):
            ensure_voidable(*args)


def test_cash_refund_rounds_and_balances() -> None:
    sale = paid_sale()
    plan = plan_refund(sale.lines, sale.tenders, set(), [0], TenderKind.CASH)
    assert plan.settlement.total == -2002
    assert plan.tenders[0].amount_cents == -2000
    assert plan.settlement.tendered - plan.settlement.change == plan.settlement.total + plan.settlement.rounding


def test_card_refund_goes_to_the_same_card_and_not_above_it() -> None:
    sale = paid_sale()
    assert refund_tender_kinds(sale.tenders) == [TenderKind.CASH, TenderKind.DEBIT]
    plan = plan_refund(sale.lines, sale.tenders, set(), [1], TenderKind.DEBIT, "RF55")
    assert plan.tenders[0].last4 == "4821" and plan.tenders[0].amount_cents == -1000
    with pytest.raises(PaymentError, match="more than was paid by this card"):
        plan_refund(sale.lines, sale.tenders, set(), [0], TenderKind.DEBIT, "RF55")
    with pytest.raises(PaymentError, match="refunded by"):
        plan_refund(sale.lines, sale.tenders, set(), [1], TenderKind.CREDIT, "RF55")


def test_a_line_is_refunded_once() -> None:
    sale = paid_sale()
    with pytest.raises(PaymentError, match="already refunded"):
        plan_refund(sale.lines, sale.tenders, {0}, [0], TenderKind.CASH)
    with pytest.raises(PaymentError, match="at least one line"):
        plan_refund(sale.lines, sale.tenders, set(), [], TenderKind.CASH)
