"""End of day: for any day of sales, refunds, voids and cash movements the books balance to the cent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.drawer.denominations import count_of, parse_count
from counter_app.drawer.reconciliation import (
    DrawerClose,
    Movement,
    ReconLine,
    ReconTender,
    ReconTransaction,
    reconcile,
)
from counter_app.drawer.session import CloseCheck, DrawerError, MovementKind, check_close, check_movement
from counter_app.errors import UserError
from counter_app.payments.catalog import ALL_TENDERS, TenderKind
from counter_app.payments.money import percent_of
from counter_app.payments.rounding import round_cash
from counter_app.payments.sale import Sale, SaleLine, fixed_line, make_tender

from .domain_builders import EXEMPT, GST5, fee

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
GLS = ("510-2200-1210", "100-6200-4210", "560-5100-4410", "540-5200-4410")


@st.composite
def sales(draw: st.DrawFn, index: int) -> ReconTransaction:
    sale = Sale()
    for n in range(draw(st.integers(1, 3))):
        cents = draw(st.integers(1, 60_000))
        taxable = draw(st.booleans())
        line = fixed_line(fee(f"S{n}", cents, gst="G5" if taxable else "EX"), GST5 if taxable else EXEMPT)
        gl = draw(st.sampled_from(GLS))
        sale.add_line(SaleLine(**{**_fields(line), "gl_account": gl}), ALL_TENDERS)
    split = draw(st.sampled_from(["cash", "debit", "credit", "cheque", "money_order", "debit+cash", "cheque+cash"]))
    total = sale.total
    if "+" in split:
        first = draw(st.integers(1, total))
        kind = TenderKind(split.split("+")[0])
        sale.add_tender(make_tender(kind, first, last4="4821", auth_code="AB12", number="1001"))
    if split in ("debit", "credit", "cheque", "money_order"):
        sale.add_tender(make_tender(TenderKind(split), total, last4="4821", auth_code="AB12", number="1002"))
    elif sale.settlement().balance_due > 0:
        due = sale.settlement().balance_due_cash
        extra = draw(st.sampled_from([0, 0, 5, 100, 500, 2000]))
        sale.add_tender(make_tender(TenderKind.CASH, due + extra if due + extra else 0))
    result = sale.finalize()
    status = draw(st.sampled_from(["completed"] * 9 + ["void"]))
    return ReconTransaction(
        receipt_number=f"CH1-02-{index:06d}", created_at=START + timedelta(minutes=7 * index), workstation="CH1-02",
        cashier="Alex", kind="sale", status=status, total_cents=result.total, rounding_cents=result.rounding,
        change_cents=result.change,
        lines=tuple(ReconLine(x.service_code, x.description, x.gl_account, x.net_cents, x.gst_cents)
                    for x in sale.lines),
        tenders=tuple(ReconTender(t.kind.value, t.amount_cents, t.cheque_number) for t in sale.tenders),
    )


def _fields(line: SaleLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in SaleLine.__slots__}  # type: ignore[attr-defined]


def refund_of(original: ReconTransaction, index: int) -> ReconTransaction:
    total = -original.total_cents
    cash = round_cash(total)
    return ReconTransaction(
        receipt_number=f"CH1-02-{index:06d}", created_at=original.created_at + timedelta(minutes=1),
        workstation="CH1-02", cashier="Priya", kind="refund", status="completed", total_cents=total,
        rounding_cents=cash - total, change_cents=0,
        lines=tuple(ReconLine(x.service_code, x.description, x.gl_account, -x.net_cents, -x.gst_cents)
                    for x in original.lines),
        tenders=(ReconTender("cash", cash),),
    )


@st.composite
def days(draw: st.DrawFn) -> tuple[list[ReconTransaction], list[Movement], int]:
    count = draw(st.integers(0, 25))
    txns = [draw(sales(i + 1)) for i in range(count)]
    refunds = [refund_of(t, 100 + i) for i, t in enumerate(txns) if t.counts and draw(st.booleans()) and i % 4 == 0]
    float_cents = draw(st.sampled_from([10_000, 20_000, 25_000]))
    moves = [
        Movement(MovementKind(kind), amount, "reason", START, "100-1100-6990" if kind == "paid_out" else None)
        for kind, amount in draw(st.lists(
            st.tuples(st.sampled_from(["paid_in", "paid_out", "pickup"]), st.integers(1, 400).map(lambda n: n * 5)),
            max_size=4,
        ))
    ]
    return txns + refunds, moves, float_cents


@given(days(), st.integers(-500, 500))
@settings(max_examples=120, deadline=None)
def test_a_random_day_balances(day: tuple[list[ReconTransaction], list[Movement], int], difference: int) -> None:
    txns, moves, float_cents = day
    live = [t for t in txns if t.counts]
    flows_expected = (
        float_cents
        + sum(tn.amount_cents for t in live for tn in t.tenders if tn.kind == "cash")
        - sum(t.change_cents for t in live)
        + sum(m.amount_cents for m in moves if m.kind is MovementKind.PAID_IN)
        - sum(m.amount_cents for m in moves if m.kind is MovementKind.PAID_OUT)
        - sum(m.amount_cents for m in moves if m.kind is MovementKind.PICKUP)
    )
    counted_cents = max(0, flows_expected + difference * 5)
    counted = count_of({"n100": counted_cents // 10_000, "c5": counted_cents % 10_000 // 5})
    close = DrawerClose("s1", "Alex", "CH1-02", count_of({"n20": float_cents // 2000}), counted, flows_expected)
    recon = reconcile("CH1-02", txns, moves, [close], float_cents)

    # the books balance to the cent
    assert recon.journal_balances
    # expected cash follows the formula, change counted once, rounding inside the cash
    assert recon.cash.expected == flows_expected
    assert recon.over_short_cents == counted_cents - flows_expected
    # the Z report equals the sum of the electronic journal (each receipt's tenders - change = total + rounding)
    assert recon.total_cents == sum(t.total_cents for t in live)
    assert sum(recon.by_tender.values()) == sum(t.total_cents + t.rounding_cents for t in live)
    for t in live:
        assert sum(tn.amount_cents for tn in t.tenders) - t.change_cents == t.total_cents + t.rounding_cents
    # every total can be recomputed from its parts
    assert sum(s.total_cents for s in recon.by_service) == recon.total_cents
    assert sum(recon.by_gl.values()) + recon.gst_cents == recon.total_cents
    assert recon.gst_cents == sum(x.gst_cents for t in live for x in t.lines)
    assert recon.voids == sum(1 for t in txns if not t.counts)


def test_empty_day_is_valid_and_balanced() -> None:
    recon = reconcile("CH1-02", [], [], [], 20_000)
    assert recon.journal_balances and recon.receipts == 0 and recon.total_cents == 0
    assert recon.deposit_total == 0


def test_gst_rounds_per_line() -> None:
    assert percent_of(4000, 500) == 200


@pytest.mark.parametrize(("typed", "field"), [({"n20": "-1"}, "n20"), ({"c25": "2.5"}, "c25"),
                                              ({"n5": "abc"}, "n5"), ({"xx": "1"}, "xx"), ({"n100": "20000"}, "n100")])
def test_bad_denomination_counts(typed: dict[str, str], field: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_count(typed)
    assert caught.value.field == field


def test_counts_add_up() -> None:
    count = parse_count({"n20": "10", "c5": "3", "r200": "1", "n100": ""})
    assert count.total_cents == 20_000 + 15 + 5_000
    assert (count.by_kind("note"), count.by_kind("coin"), count.by_kind("roll")) == (20_000, 15, 5_000)


def test_movement_rules() -> None:
    with pytest.raises(DrawerError, match="more than the"):
        check_movement(MovementKind.PAID_OUT, 5_000, "stamps", 4_000)
    with pytest.raises(DrawerError, match="reason"):
        check_movement(MovementKind.PICKUP, 5_000, "", 40_000)
    with pytest.raises(DrawerError, match="no money"):
        check_movement(MovementKind.NO_SALE, 5, "change for a $20", 100)
    assert check_movement(MovementKind.NO_SALE, 0, " make change ", 0) == "make change"


def test_close_beyond_tolerance_needs_another_person() -> None:
    short = CloseCheck(expected_cents=50_000, counted_cents=49_965, tolerance_cents=25)
    assert short.over_short == -35 and short.needs_approval and short.label == "Short $0.35"
    with pytest.raises(DrawerError, match="supervisor must approve"):
        check_close(short, None, 1, "")
    with pytest.raises(DrawerError, match="own drawer"):
        check_close(short, 1, 1, "recounted twice")
    with pytest.raises(DrawerError, match="note"):
        check_close(short, 2, 1, "")
    assert check_close(short, 2, 1, "Recounted twice, coin missing") == "Recounted twice, coin missing"
    assert not CloseCheck(100, 100, 25).needs_approval
