"""Payments through the real services and a real SQLite file: whole transactions, gapless receipts, controls."""

from __future__ import annotations

import json
import sqlite3

import pytest

from counter_app.clock import FixedClock
from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.check_digits import damm_check_digit
from counter_app.payments.errors import PaymentError
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter

UTILITY = "1000002"  # demo account, balance $213.35


def pay_cash(counter: Counter, *codes: str) -> str:
    payments = counter.payments
    sale = Sale()
    for code in codes:
        payments.add_line(sale, payments.fixed_line(code))
    sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash))
    cashier = counter.auth.login("1001", "1111")
    return payments.complete(sale, cashier).receipt_number


def rows(counter: Counter, sql: str) -> list[tuple]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return conn.execute(sql).fetchall()


def test_split_payment_is_stored_whole_with_outbox(counter: Counter) -> None:
    payments = counter.payments
    cashier = counter.auth.login("1001", "1111")
    sale = Sale()
    lookup = payments.lookup_bill(UTILITY)
    assert lookup.service.code == "UTIL" and lookup.amount_due_cents == 21335
    payments.add_line(sale, payments.bill_line(lookup, "100.02"))
    payments.add_line(sale, payments.fixed_line("COMPOST"))
    sale.add_tender(make_tender(TenderKind.DEBIT, 10000, last4="4821", auth_code="A1B2C3"))
    sale.add_tender(make_tender(TenderKind.CASH, 5000))
    done = payments.complete(sale, cashier)
    assert done.receipt_number == "CH1-02-000001"
    assert (done.settlement.total, done.settlement.rounding, done.settlement.change) == (14202, -2, 800)
    [txn] = rows(counter, "select total_cents, rounding_cents, change_cents, gst_cents from transactions")
    assert txn == (14202, -2, 800, 200)
    assert rows(counter, "select sum(total_cents) from transaction_lines") == [(14202,)]
    assert rows(counter, "select sum(amount_cents) from tenders") == [(15000,)]
    outbox = rows(counter, "select record_type, payload from outbox where record_type not like 'drawer%' "
                  "and record_type != 'audit_event' order by seq")
    assert [kind for kind, _ in outbox] == ["transaction", "interaction"]
    payload = outbox[0][1]
    assert json.loads(payload)["receipt_number"] == "CH1-02-000001"
    interaction = json.loads(outbox[1][1])
    assert (interaction["kind"], interaction["topic"]) == ("payment", "utilities")
    assert interaction["transaction_id"] == done.transaction_id
    assert "4821" in payload and "A1B2C3" in payload
    assert payments.lookup_bill(UTILITY).amount_due_cents == 21335 - 10002  # partial payment reduced the bill


def test_receipt_numbers_are_gapless_per_workstation(counter: Counter) -> None:
    numbers = [pay_cash(counter, "TR-DAY") for _ in range(5)]
    assert numbers == [f"CH1-02-{n:06d}" for n in range(1, 6)]


def test_failed_payment_stores_nothing_and_uses_no_number(counter: Counter) -> None:
    payments = counter.payments
    cashier = counter.auth.login("1001", "1111")
    sale = Sale()
    payments.add_line(sale, payments.bill_line(payments.lookup_bill(UTILITY)))
    sale.add_tender(make_tender(TenderKind.CASH, 30000))
    other = Sale()
    payments.add_line(other, payments.bill_line(payments.lookup_bill(UTILITY)))
    other.add_tender(make_tender(TenderKind.CASH, 30000))
    payments.complete(sale, cashier)
    with pytest.raises(PaymentError, match="scan it again"):
        payments.complete(other, cashier)  # the bill was paid meanwhile at another screen
    assert rows(counter, "select count(*) from transactions") == [(1,)]
    assert pay_cash(counter, "TR-DAY") == "CH1-02-000002"


def test_bill_lookups_and_bad_numbers(counter: Counter) -> None:
    payments = counter.payments
    with pytest.raises(PaymentError, match="failed its check digit"):
        payments.lookup_bill("1000-003")
    with pytest.raises(PaymentError, match="No bill on file"):
        payments.lookup_bill("999999" + damm_check_digit("999999"))
    with pytest.raises(PaymentError, match="more than the"):
        payments.bill_line(payments.lookup_bill(UTILITY), "999.99")
    with pytest.raises(PaymentError, match="no service"):
        payments.fixed_line("NOPE")


def test_void_needs_another_supervisor_and_restores_the_bill(counter: Counter) -> None:
    payments = counter.payments
    cashier = counter.auth.login("1001", "1111")
    sale = Sale()
    payments.add_line(sale, payments.bill_line(payments.lookup_bill(UTILITY)))
    sale.add_tender(make_tender(TenderKind.CASH, 21335 + 5 - 21335 % 5))
    number = payments.complete(sale, cashier).receipt_number
    assert payments.lookup_bill(UTILITY).amount_due_cents == 0
    with pytest.raises(UserError, match="Supervisor number or PIN is wrong"):
        counter.auth.approve("2001", "0000", cashier)
    with pytest.raises(UserError, match="Only a supervisor"):
        counter.auth.approve("1002", "2222", cashier)
    supervisor = counter.auth.approve("2001", "999901", cashier)
    with pytest.raises(UserError, match="own"):
        counter.auth.approve("2001", "999901", supervisor)
    payments.void(number, cashier, supervisor, "keyed the wrong bill")
    assert payments.lookup_bill(UTILITY).amount_due_cents == 21335
    assert rows(counter, "select status from transactions") == [("void",)]
    assert rows(counter, "select cashier_id != supervisor_id, reason from voids") == [(1, "keyed the wrong bill")]
    with pytest.raises(PaymentError, match="already void"):
        payments.void(number, cashier, supervisor, "again")


def test_void_is_same_day_only(counter: Counter, clock: FixedClock) -> None:
    number = pay_cash(counter, "CAT")
    clock.advance(days=1)
    cashier = counter.auth.login("1001", "1111")
    supervisor = counter.auth.approve("2001", "999901", cashier)
    with pytest.raises(PaymentError, match="Only today's receipts"):
        counter.payments.void(number, cashier, supervisor, "late")


def test_refund_against_an_original_receipt(counter: Counter) -> None:
    payments = counter.payments
    number = pay_cash(counter, "TR-ADULT", "COMPOST")
    cashier = counter.auth.login("1002", "2222")
    supervisor = counter.auth.approve("2002", "888802", cashier)
    options = payments.refund_options(number)
    assert options.tender_kinds == (TenderKind.CASH,)
    refund = payments.refund(number, [1], TenderKind.CASH, cashier, supervisor, "composter returned unused")
    assert refund.receipt_number == "CH1-02-000002"
    assert refund.snapshot.kind == "refund" and refund.snapshot.refund_of == number
    assert refund.settlement.total == -4200
    with pytest.raises(PaymentError, match="already refunded"):
        payments.refund(number, [1], TenderKind.CASH, cashier, supervisor, "twice")
    with pytest.raises(PaymentError, match="refund against it"):
        payments.void(number, cashier, supervisor, "after refund")
    kinds = {s.kind for s in payments.transactions_on()}
    assert kinds == {"sale", "refund"}


def test_receipt_issue_marks_copies_and_voids(counter: Counter) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    number = pay_cash(counter, "DOG-AC")
    cashier = counter.auth.login("1001", "1111")
    first = PdfReader(BytesIO(counter.receipts.issue(number, cashier))).pages[0].extract_text()
    again = PdfReader(BytesIO(counter.receipts.issue(number, cashier))).pages[0].extract_text()
    assert "COPY" not in first and "COPY" in again
    counter.payments.void(number, cashier, counter.auth.approve("2001", "999901", cashier), "duplicate")
    voided = PdfReader(BytesIO(counter.receipts.preview(number))).pages[0].extract_text()
    assert "VOID" in voided
    assert rows(counter, "select count(*), sum(copy) from receipt_prints") == [(2, 1)]
