"""Settling a sale: split tenders, cash rounding on the cash part only, change only from cash."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from counter_app.errors import UserError
from counter_app.payments.catalog import ALL_TENDERS, TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.rounding import round_cash
from counter_app.payments.sale import MAX_CHANGE_CENTS, Sale, fixed_line, make_tender, open_line, settle

from .domain_builders import EXEMPT, GST5, fee, open_service


def sale_of(*amounts: int) -> Sale:
    sale = Sale()
    for index, cents in enumerate(amounts):
        sale.add_line(fixed_line(fee(f"F{index}", cents), EXEMPT), ALL_TENDERS)
    return sale


def card(kind: TenderKind, cents: int) -> object:
    return make_tender(kind, cents, last4="4821", auth_code="A1B2C3")


def test_exact_cash_rounds_down() -> None:
    sale = sale_of(1002)
    result = sale.add_tender(make_tender(TenderKind.CASH, 1000))
    assert (result.rounding, result.change, result.balance_due) == (-2, 0, 0)


def test_debit_then_cash_rounds_only_the_cash_part() -> None:
    sale = sale_of(12347, 2000)  # 143.47
    sale.add_tender(card(TenderKind.DEBIT, 10000))  # type: ignore[arg-type]
    before = sale.settlement()
    assert (before.balance_due, before.balance_due_cash) == (4347, 4345)
    result = sale.add_tender(make_tender(TenderKind.CASH, 5000))
    assert (result.rounding, result.change) == (-2, 655)
    assert result.tendered - result.change == result.total + result.rounding


def test_cash_then_card_pays_the_rest_to_the_cent() -> None:
    sale = sale_of(4347)
    sale.add_tender(make_tender(TenderKind.CASH, 2000))
    result = sale.add_tender(card(TenderKind.CREDIT, 2347))  # type: ignore[arg-type]
    assert (result.rounding, result.change, result.balance_due) == (0, 0, 0)


def test_two_cents_left_after_a_card_round_away_in_cash() -> None:
    sale = sale_of(1002)
    sale.add_tender(card(TenderKind.DEBIT, 1000))  # type: ignore[arg-type]
    assert (sale.settlement().balance_due, sale.settlement().balance_due_cash) == (2, 0)
    result = sale.add_tender(make_tender(TenderKind.CASH, 0))
    assert result.is_paid and result.rounding == -2 and result.change == 0


def test_card_cannot_exceed_what_is_owed() -> None:
    sale = sale_of(2000)
    with pytest.raises(PaymentError, match=r"cannot be more than the \$20.00 owing"):
        sale.add_tender(card(TenderKind.DEBIT, 2001))  # type: ignore[arg-type]
    assert sale.tenders == []


def test_tender_the_service_does_not_accept() -> None:
    sale = Sale()
    parking = fee("PARK", 4000, tenders=frozenset({TenderKind.CASH}))
    sale.add_line(fixed_line(parking, EXEMPT), parking.allowed_tenders)
    with pytest.raises(PaymentError, match="not accepted"):
        sale.add_tender(card(TenderKind.DEBIT, 4000))  # type: ignore[arg-type]


def test_completing_with_a_balance_due_is_refused() -> None:
    sale = sale_of(2000)
    sale.add_tender(make_tender(TenderKind.CASH, 1000))
    with pytest.raises(PaymentError, match="still owing"):
        sale.finalize()


def test_cash_must_be_in_nickels_and_change_sane() -> None:
    sale = sale_of(2000)
    with pytest.raises(PaymentError, match="nickels"):
        make_tender(TenderKind.CASH, 2001)
    with pytest.raises(PaymentError, match="check the cash tendered"):
        sale.add_tender(make_tender(TenderKind.CASH, 2000 + MAX_CHANGE_CENTS))


def test_lines_with_no_common_tender_are_refused() -> None:
    sale = Sale()
    cash_only = fee("PARK", 4000, tenders=frozenset({TenderKind.CASH}))
    card_only = fee("X", 100, tenders=frozenset({TenderKind.CREDIT}))
    sale.add_line(fixed_line(cash_only, EXEMPT), cash_only.allowed_tenders)
    with pytest.raises(PaymentError, match="separate transaction"):
        sale.add_line(fixed_line(card_only, EXEMPT), card_only.allowed_tenders)


def test_gst_is_added_to_taxable_fees() -> None:
    line = fixed_line(fee("COMPOST", 4000, gst="G5"), GST5)
    assert (line.net_cents, line.gst_cents, line.total_cents) == (4000, 200, 4200)


def test_open_amount_needs_a_gl_account() -> None:
    with pytest.raises(PaymentError, match="GL account"):
        open_line(open_service(), EXEMPT, 1000, "nope")
    with pytest.raises(UserError, match="full card number"):
        open_line(open_service(), EXEMPT, 1000, "100-1100-4410", "card 4111111111111111")


tender_kind = st.sampled_from(list(TenderKind))


@given(
    lines=st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=6),
    attempts=st.lists(st.tuples(tender_kind, st.integers(min_value=1, max_value=600_000)), max_size=8),
)
def test_settlement_invariants(lines: list[int], attempts: list[tuple[TenderKind, int]]) -> None:
    """For any lines and any tenders the sale accepts: tenders - change == total + rounding."""
    sale = sale_of(*lines)
    for kind, cents in attempts:
        try:
            tender = make_tender(kind, cents if kind is not TenderKind.CASH else cents - cents % 5 or 5,
                                 last4="4821", auth_code="AB12", number="1234")
            sale.add_tender(tender)
        except PaymentError:
            continue
    result = sale.settlement()
    cash = sum(t.amount_cents for t in sale.tenders if t.kind is TenderKind.CASH)
    non_cash = sum(t.amount_cents for t in sale.tenders if t.kind is not TenderKind.CASH)
    assert non_cash <= result.total
    assert 0 <= result.change <= cash
    assert abs(result.rounding) <= 2
    if result.is_paid:
        assert result.tendered - result.change == result.total + result.rounding
        if cash:
            assert (cash - result.change) % 5 == 0
        else:
            assert result.rounding == 0
        assert sale.finalize() == result
    else:
        assert result.balance_due > 0
        assert result.change == 0 and result.rounding == 0
        assert result.balance_due_cash == round_cash(result.balance_due)


@given(total=st.integers(min_value=1, max_value=500_000), non_cash=st.integers(min_value=0, max_value=500_000))
def test_exact_cash_for_the_rest_always_settles(total: int, non_cash: int) -> None:
    assume(non_cash <= total)
    rest = round_cash(total - non_cash)
    tenders = []
    if non_cash:
        tenders.append(make_tender(TenderKind.DEBIT, non_cash, last4="1234", auth_code="OK1"))
    if total > non_cash:
        tenders.append(make_tender(TenderKind.CASH, rest))  # may be $0.00 when 1 or 2 cents round away
    result = settle(total, tenders)
    assert result.is_paid and result.change == 0
    assert result.tendered - result.change == total + result.rounding
