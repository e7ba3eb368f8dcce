"""The services check what the screens check (issue 10, symptom 15 and item 11): a hand-built sale, tender,
approval or reason is refused by the service itself, on a real store, and nothing is stored or queued."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.config import ConfigError, load_settings
from counter_app.drawer.session import DrawerError, MovementKind
from counter_app.errors import UserError
from counter_app.payments.card_data import CARD_NUMBER_MESSAGE
from counter_app.payments.catalog import LineKind, TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.limits import DEFAULT_MAX_TRANSACTION_CENTS
from counter_app.payments.sale import Sale, SaleLine, Tender, make_tender
from counter_app.services.container import Counter
from counter_app.services.records import StaffMember

TAX_ROLL = "4312000040522"  # demo property tax roll, $5,038.82 owing


def counts(counter: Counter) -> tuple[int, int, int, int]:
    """Transactions, voids, cash movements and outbox records: what a refused call must leave as it was."""
    with sqlite3.connect(counter.settings.db_path) as conn:
        return tuple(conn.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[return-value]
                     for table in ("transactions", "voids", "cash_movements", "outbox"))


def cashier_of(counter: Counter) -> StaffMember:
    return counter.auth.login("1001", "1111")


def day_pass_sale(counter: Counter) -> Sale:
    sale = Sale()
    counter.payments.add_line(sale, counter.payments.fixed_line("TR-DAY"))  # $7.50
    return sale


def refused(counter: Counter, sale: Sale, match: str, **kwargs: object) -> UserError:
    cashier = cashier_of(counter)  # signing in is audited: before counting
    before = counts(counter)
    with pytest.raises(UserError, match=match) as caught:
        counter.payments.complete(sale, cashier, **kwargs)  # type: ignore[arg-type]
    assert counts(counter) == before
    return caught.value


def test_a_negative_cash_tender_cannot_act_as_a_paid_out(counter: Counter) -> None:
    sale = day_pass_sale(counter)
    sale.tenders += [make_tender(TenderKind.DEBIT, 50_750, last4="4821", auth_code="A1B2C3"),
                     Tender(TenderKind.CASH, -50_000)]  # the screens would refuse both; a caller skipped them
    assert sale.finalize().balance_due == 0  # the sale's own arithmetic settles: $500 handed out in cash
    refused(counter, sale, "more than")


def test_ten_million_dollars_of_change_and_a_huge_cash_tender_are_refused(counter: Counter) -> None:
    sale = day_pass_sale(counter)
    sale.tenders.append(Tender(TenderKind.CASH, 1_000_000_000))
    refused(counter, sale, "above the counter's limit")
    sale.tenders[:] = [Tender(TenderKind.CASH, 50_000)]  # within an amount, but $492.50 of change
    refused(counter, sale, "Change would be")


def test_a_line_is_rebuilt_from_the_fee_schedule(counter: Counter) -> None:
    huge = SaleLine("MISC", "Miscellaneous receivable", LineKind.OPEN, 10**12, "EX", 0, 0, "100-1100-4410")
    sale = Sale(lines=[huge], tenders=[Tender(TenderKind.CASH, 10**12)])
    refused(counter, sale, "Line 1 does not follow the fee schedule")
    cheap = replace(counter.payments.fixed_line("CART"), net_cents=5)  # a $100 cart exchange for 5 cents
    refused(counter, Sale(lines=[cheap], tenders=[Tender(TenderKind.CASH, 5)]), "Line 1 does not match")
    lookup = counter.payments.lookup_bill("1000002")
    bill = counter.payments.bill_line(lookup, "100.00")
    wrong_tax = replace(bill, net_cents=9_500, gst_cents=500, gst_rate_bp=500)  # GST on an exempt bill
    refused(counter, Sale(lines=[wrong_tax], tenders=[Tender(TenderKind.CASH, 10_000)]), "does not match")
    other_gl = replace(counter.payments.open_line("MISC", "20.00", "100-1100-4410", "EX"), gl_account="999-9999-9999")
    refused(counter, Sale(lines=[other_gl], tenders=[Tender(TenderKind.CASH, 2_000)]), "chart of accounts")


def test_tenders_go_through_the_same_rules_as_the_screen(counter: Counter) -> None:
    sale = day_pass_sale(counter)
    sale.tenders.append(Tender(TenderKind.CREDIT, 750, "4111111111111111", "1111", "A1B2"))
    assert refused(counter, sale, "full card number").field == "card_brand"
    sale.tenders[:] = [Tender(TenderKind.CASH, 752)]  # cash not in nickels
    refused(counter, sale, "nickels")
    sale.tenders[:] = [Tender(TenderKind.CHEQUE, 2_000, cheque_number="123")]  # a cheque above what is owed
    refused(counter, sale, "cannot be more than")
    park = Sale()
    counter.payments.add_line(park, counter.payments.bill_line(counter.payments.lookup_bill(_parking(counter))))
    park.tenders.append(make_tender(TenderKind.DEBIT, park.total, last4="4821", auth_code="A1B2C3"))
    refused(counter, park, "not accepted")  # parking tickets: cash only at this counter


def _parking(counter: Counter) -> str:
    import json

    from counter_app.resources import resource_path

    accounts = json.loads(resource_path("demo", "accounts.json").read_text(encoding="utf-8"))
    return next(a["number"] for a in accounts if a["service_code"] == "PARK")


def test_a_card_number_as_card_brand_never_lands(counter: Counter) -> None:
    with pytest.raises(UserError) as caught:
        make_tender(TenderKind.CREDIT, 750, last4="4821", auth_code="A1B2C3", card_brand="4111111111111111")
    assert caught.value.message == CARD_NUMBER_MESSAGE
    with pytest.raises(UserError, match="20 characters"):  # no longer cut to 20 in silence
        make_tender(TenderKind.CREDIT, 750, last4="4821", auth_code="A1B2C3", card_brand="V" * 21)


def test_a_made_up_or_disabled_staff_member_is_not_trusted(counter: Counter) -> None:
    sale = day_pass_sale(counter)
    sale.tenders.append(make_tender(TenderKind.CASH, 750))
    cashier = cashier_of(counter)
    impostor = replace(cashier, staff_no="2001")
    before = counts(counter)
    with pytest.raises(PaymentError, match="Sign in again"):
        counter.payments.complete(sale, impostor)
    number = counter.payments.complete(sale, cashier).receipt_number
    boss = counter.auth.approve("2001", "999901", cashier)
    fake_boss = StaffMember(cashier.id + 100, "2999", "Nobody", "supervisor", True, frozenset({"approve_void"}))
    with pytest.raises(PaymentError, match="Sign in again"):
        counter.payments.void(number, cashier, fake_boss, "keyed twice")
    promoted = replace(counter.auth.login("1002", "2222"), permissions=boss.permissions)  # a cashier's own claim
    with pytest.raises(PaymentError, match="Only a supervisor"):
        counter.payments.void(number, cashier, promoted, "keyed twice")
    with pytest.raises(PaymentError, match="Only a supervisor"):
        counter.payments.refund(number, [0], TenderKind.CASH, cashier, promoted, "returned")
    admin = counter.auth.login("9001", "777703")
    counter.admin.set_active(admin, "2001", False)
    with pytest.raises(PaymentError, match="disabled"):
        counter.payments.void(number, cashier, boss, "keyed twice")
    after = counts(counter)
    assert after[:3] == (before[0] + 1, 0, 0)


@pytest.mark.parametrize("reason", ["4111111111111111", "card 4111.1111.1111.1111", "４１１１１１１１１１１１１１１１"])
def test_void_and_refund_reasons_are_screened_for_card_numbers(counter: Counter, reason: str) -> None:
    payments = counter.payments
    sale = day_pass_sale(counter)
    sale.tenders.append(make_tender(TenderKind.CASH, 750))
    cashier = cashier_of(counter)
    number = payments.complete(sale, cashier).receipt_number
    boss = counter.auth.approve("2001", "999901", cashier)
    before = counts(counter)
    for attempt in (lambda: payments.void(number, cashier, boss, reason),
                    lambda: payments.refund(number, [0], TenderKind.CASH, cashier, boss, reason)):
        with pytest.raises(UserError) as caught:
            attempt()
        assert caught.value.message == CARD_NUMBER_MESSAGE and caught.value.field == "reason"
    assert counts(counter) == before
    with sqlite3.connect(counter.settings.db_path) as conn:
        stored = conn.execute("select coalesce(group_concat(reason), '') from transactions").fetchone()[0]
        queued = [row[0] for row in conn.execute("select payload from outbox")]
    assert stored == ""
    assert not any(reason in payload or json.dumps(reason)[1:-1] in payload for payload in queued)


def test_a_normal_day_never_meets_the_cap(counter: Counter) -> None:
    payments = counter.payments
    assert payments.max_transaction_cents == DEFAULT_MAX_TRANSACTION_CENTS == 5_000_000
    sale = Sale()
    payments.add_line(sale, payments.bill_line(payments.lookup_bill(TAX_ROLL)))  # $5,038.82 of property tax
    sale.add_tender(make_tender(TenderKind.CHEQUE, sale.total, number="104"))
    assert payments.complete(sale, cashier_of(counter)).settlement.total == 503_882


def test_above_the_transaction_cap_a_supervisor_approves_and_it_is_audited(counter: Counter) -> None:
    payments = counter.payments
    payments.max_transaction_cents = 5_000  # $50 for this test
    sale = Sale()
    payments.add_line(sale, payments.fixed_line("CART"))  # $100
    sale.add_tender(make_tender(TenderKind.CASH, 10_000))
    cashier = cashier_of(counter)
    assert refused(counter, sale, "above the counter's limit of \\$50.00: a supervisor must approve").field == \
        "override"
    refused(counter, sale, "only a supervisor", override=counter.auth.login("1002", "2222"))
    done = payments.complete(sale, cashier, override=counter.auth.login("2001", "999901"))
    [entry] = counter.audit.search(action="price_override")
    assert (entry.actor, entry.detail["supervisor"], entry.object_ref) == ("1001", "2001",
                                                                            f"receipt:{done.receipt_number}")


def test_a_supervisor_cannot_override_their_own_payment(counter: Counter) -> None:
    payments = counter.payments
    payments.max_transaction_cents = 5_000
    boss = counter.auth.login("2001", "999901")
    counter.drawers.open(boss, {"n20": "10"})
    sale = Sale()
    payments.add_line(sale, payments.fixed_line("CART"))
    sale.add_tender(make_tender(TenderKind.CASH, 10_000))
    with pytest.raises(PaymentError, match="their own payment"):
        payments.complete(sale, boss, override=boss)


def test_the_per_service_cap_is_data(counter: Counter) -> None:
    payments = counter.payments
    misc = payments.catalog().service("MISC")
    assert misc.max_cents == 500_000  # resources/reference/services.json
    sale = Sale()
    payments.add_line(sale, payments.open_line("MISC", "3000.00", "100-1100-4410", "EX"))
    payments.add_line(sale, payments.open_line("MISC", "2000.05", "100-1100-4410", "EX"))
    sale.add_tender(make_tender(TenderKind.CHEQUE, sale.total, number="881"))
    refused(counter, sale, "\\$5,000.05 for Miscellaneous receivable is above")
    assert payments.complete(sale, cashier_of(counter), override=counter.auth.login("2002", "888802")).receipt_number


def test_the_cap_setting_is_checked(tmp_path: Path) -> None:
    folder = tmp_path
    assert load_settings(str(folder)).max_transaction_cents == DEFAULT_MAX_TRANSACTION_CENTS
    for bad in ('"lots"', "0", "true", "12.5", "10000000000"):
        (folder / "settings.json").write_text(f'{{"max_transaction_cents": {bad}}}', encoding="utf-8")
        with pytest.raises(ConfigError, match="max_transaction_cents must be a whole number of cents"):
            load_settings(str(folder))
    (folder / "settings.json").write_text('{"max_transaction_cents": 2500000}', encoding="utf-8")
    assert load_settings(str(folder)).max_transaction_cents == 2_500_000


def test_cash_movements_recheck_approval_gl_and_reason(counter: Counter) -> None:
    drawers = counter.drawers
    cashier = cashier_of(counter)
    boss = counter.auth.login("2001", "999901")
    before = counts(counter)
    fake = StaffMember(boss.id, boss.staff_no, boss.name, "supervisor", True, boss.permissions | {"x"})
    counter.admin.set_active(counter.auth.login("9001", "777703"), "2001", False)
    with pytest.raises(DrawerError, match="disabled"):
        drawers.move_cash(cashier, MovementKind.PAID_OUT, "5.00", "Postage", fake)
    boss = counter.auth.login("2002", "888802")
    with pytest.raises(DrawerError, match="chart of accounts"):
        drawers.move_cash(cashier, MovementKind.PAID_OUT, "5.00", "Postage", boss, gl_account="100-1100-99999")
    with pytest.raises(DrawerError, match="NUL"):
        drawers.move_cash(cashier, MovementKind.PAID_OUT, "5.00", "Post\x00age", boss)
    with pytest.raises(DrawerError, match="control character"):
        drawers.move_cash(cashier, MovementKind.PICKUP, "5.00", "Drop \x1b[2J to safe")
    assert counts(counter)[:3] == before[:3]
    assert drawers.move_cash(cashier, MovementKind.PAID_OUT, "5.00", "Postage", boss).reason == "Postage"


def test_admin_and_directory_changes_reread_who_asks(counter: Counter) -> None:
    cashier = cashier_of(counter)
    admin = counter.auth.login("9001", "777703")
    self_made = replace(cashier, permissions=admin.permissions)  # a cashier claiming an administrator's rights
    before = counts(counter)
    with pytest.raises(UserError, match="Only an administrator"):
        counter.admin.create_staff(self_made, "1600", "Kim Lau", "cashier", "4826")
    with pytest.raises(UserError, match="Only an administrator"):
        counter.admin.update_service(self_made, "CART", amount_text="1.00")
    with pytest.raises(UserError, match="Only a supervisor"):
        counter.directory.update_department("UTIL", "Room 1", "3320", "24", self_made)
    assert counts(counter) == before
    assert counter.payments.fixed_line("CART").net_cents == 10_000
