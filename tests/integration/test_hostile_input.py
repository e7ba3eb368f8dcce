"""Hostile text through every service entry point that takes free text, on a real store (issue 10, item 7).

Random Unicode (NUL and other controls, lone surrogates, noncharacters, bidi overrides, combining marks, emoji,
card numbers in disguise, 10,000 characters) goes into each field. Each call either refuses with a UserError
and leaves the store exactly as it was (every table's rows, the outbox, the audit trail and the number
sequences), or it stores exactly the NFC text the text rule makes of the input, in the table and in the outbox
record that goes central. Nothing else may be raised. The strategies live in tests/support/hostile.py.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.free_text import clean_text
from counter_app.payments.card_data import contains_card_number
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.referrals.contact import Contact
from counter_app.referrals.referral import Mode, ReferralRequest
from counter_app.services.container import Counter
from counter_app.services.records import StaffMember
from tests.conftest import COUNTER_MORNING, FLOAT
from tests.support.hostile import CARDS, hostile_reason, hostile_text, long_text

HOSTILE = settings(max_examples=35, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                          HealthCheck.data_too_large])
TABLES = ("transactions", "transaction_lines", "tenders", "voids", "cash_movements", "drawer_sessions", "z_reports",
          "referrals", "referral_notes", "visits", "interactions", "staff", "services", "departments", "outbox",
          "audit_log", "sequences", "receipt_sequences")


@dataclass
class Desk:
    """One store for the whole module and the people at it, signed in once (a PIN check costs ~50 ms)."""

    counter: Counter
    cashier: StaffMember
    closer: StaffMember  # a second cashier whose drawer is closed and opened again
    supervisor: StaffMember
    admin: StaffMember
    referral_id: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    counter = build_counter(Settings(data_dir=tmp_path_factory.mktemp("hostile"), workstation="CH1-02", demo=True),
                            clock=FixedClock(COUNTER_MORNING))
    cashier, closer = counter.auth.login("1001", "1111"), counter.auth.login("1002", "2222")
    for person in (cashier, closer):
        counter.drawers.open(person, FLOAT)
    referral = counter.referrals.create(ReferralRequest("UTIL", "UTIL-BILL", "Billing question", Mode.WALK_IN,
                                                        topic="utilities"), cashier)
    yield Desk(counter, cashier, closer, counter.auth.login("2001", "999901"), counter.auth.login("9001", "777703"),
               referral.id)
    counter.close()


def snapshot(counter: Counter) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return {table: sorted(conn.execute(f"select * from {table}").fetchall(), key=repr) for table in TABLES}


def rows(counter: Counter, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return conn.execute(sql, args).fetchall()


def outbox_payload(counter: Counter, record_type: str) -> dict[str, Any]:
    [(payload,)] = rows(counter, "select payload from outbox where record_type = ? order by seq desc limit 1",
                        record_type)
    data: dict[str, Any] = json.loads(payload)
    return data


def attempt(counter: Counter, call: Callable[[], Any]) -> Any:
    """The call's result, or None after a UserError that changed nothing in the store."""
    before = snapshot(counter)
    try:
        return call()
    except UserError as refused:
        assert refused.message and len(refused.message) < 400
        refused.message.encode("utf-8")  # the message itself can be shown and logged
        after = snapshot(counter)
        assert after == before, [t for t in TABLES if after[t] != before[t]]
        return None


def stored_as_the_rule_says(stored: str, typed: str, **rule: Any) -> None:
    """What was stored is the text rule's output for what was typed: NFC, clean, never a card number."""
    assert stored == clean_text(typed, "field", **rule)
    assert stored == unicodedata.normalize("NFC", stored) and not contains_card_number(stored)
    stored.encode("utf-8")


def day_pass(desk: Desk) -> str:
    sale = Sale()
    desk.counter.payments.add_line(sale, desk.counter.payments.fixed_line("TR-DAY"))
    sale.add_tender(make_tender(TenderKind.CASH, 750))
    return desk.counter.payments.complete(sale, desk.cashier).receipt_number


# -- payments ------------------------------------------------------------------------------------------------------
@HOSTILE
@given(reason=hostile_reason())
@example(reason="4111111111111111")
@example(reason="keyed twice \x00")
@example(reason="wrong bill \ud83d")
@example(reason="ok " + "é" * 9_997)
def test_void_reason(desk: Desk, reason: str) -> None:
    number = day_pass(desk)
    done = attempt(desk.counter, lambda: desk.counter.payments.void(number, desk.cashier, desk.supervisor, reason)
                   or True)
    if done:
        [(stored,)] = rows(desk.counter, "select v.reason from voids v join transactions t on t.id = v.transaction_id"
                                         " where t.receipt_number = ?", number)
        stored_as_the_rule_says(stored, reason, max_len=200, min_len=3)
        assert outbox_payload(desk.counter, "void")["reason"] == stored


@HOSTILE
@given(reason=hostile_reason())
@example(reason="returned \u202eevil")
def test_refund_reason(desk: Desk, reason: str) -> None:
    number = day_pass(desk)
    refund = attempt(desk.counter, lambda: desk.counter.payments.refund(number, [0], TenderKind.CASH, desk.cashier,
                                                                        desk.supervisor, reason))
    if refund is not None:
        [(stored,)] = rows(desk.counter, "select reason from transactions where receipt_number = ?",
                           refund.receipt_number)
        stored_as_the_rule_says(stored, reason, max_len=200, min_len=3)
        assert outbox_payload(desk.counter, "transaction")["reason"] == stored


@HOSTILE
@given(description=hostile_text(80), brand=hostile_text(30), auth=hostile_text(16), ref=hostile_text(24),
       cheque=hostile_text(12))
@example(description="", brand="4111111111111111", auth="A1B2C3", ref="", cheque="")
@example(description="paint", brand="Visa\x00", auth="A1B2C3", ref="T-1", cheque="")
@example(description="ok", brand="שלום", auth="ZZ99", ref="", cheque="١٢٣")
def test_open_line_and_tender_fields(desk: Desk, description: str, brand: str, auth: str, ref: str,
                                     cheque: str) -> None:
    payments = desk.counter.payments

    def pay() -> Any:
        sale = Sale()
        payments.add_line(sale, payments.open_line("MISC", "12.00", "100-1100-4410", "EX", description))
        payments.add_line(sale, payments.fixed_line("TR-DAY"))
        sale.add_tender(make_tender(TenderKind.CREDIT, 1_200, last4="4821", auth_code=auth, card_brand=brand,
                                    terminal_ref=ref))
        sale.add_tender(make_tender(TenderKind.CHEQUE, 750, number=cheque))
        return payments.complete(sale, desk.cashier)

    done = attempt(desk.counter, pay)
    if done is not None:
        [(line,)] = rows(desk.counter, "select l.description from transaction_lines l join transactions t on "
                                       "t.id = l.transaction_id where t.receipt_number = ? and l.service_code = 'MISC'",
                         done.receipt_number)
        typed = clean_text(description, "description", max_len=60)
        assert line == (f"Miscellaneous receivable: {typed}" if typed else "Miscellaneous receivable")
        [(stored_brand,)] = rows(desk.counter, "select p.card_brand from tenders p join transactions t on t.id = "
                                               "p.transaction_id where t.receipt_number = ? and p.kind = 'credit'",
                                 done.receipt_number)
        assert (stored_brand or "") == clean_text(brand, "card_brand", max_len=20)
        sent = outbox_payload(desk.counter, "transaction")
        assert [t["card_brand"] for t in sent["tenders"] if t["kind"] == "credit"] == [stored_brand]


# -- the drawer ----------------------------------------------------------------------------------------------------
@HOSTILE
@given(reason=hostile_reason())
@example(reason="Change \x1b[2J from the safe")
def test_cash_movement_reason(desk: Desk, reason: str) -> None:
    record = attempt(desk.counter, lambda: desk.counter.drawers.move_cash(
        desk.cashier, MovementKind.PAID_IN, "1.00", reason, desk.supervisor))
    if record is not None:
        [(stored,)] = rows(desk.counter, "select reason from cash_movements where id = ?", record.id)
        stored_as_the_rule_says(stored, reason, max_len=200, min_len=3)
        assert stored == record.reason == outbox_payload(desk.counter, "cash_movement")["reason"]


@settings(HOSTILE, max_examples=15)
@given(note=hostile_text(60))
@example(note="counted twice \x00")
def test_close_note(desk: Desk, note: str) -> None:
    drawers = desk.counter.drawers
    expected = drawers.x_report(desk.closer)[1].cash.expected
    count = {"n20": str(expected // 2000), "c5": str(expected % 2000 // 5)}
    closed = attempt(desk.counter, lambda: drawers.close(desk.closer, count, note=note))
    if closed is not None:
        session, _recon = closed
        [(stored,)] = rows(desk.counter, "select coalesce(close_note, '') from drawer_sessions where id = ?",
                           session.id)
        stored_as_the_rule_says(stored, note, max_len=500)
        drawers.open(desk.closer, FLOAT)


# -- referrals -----------------------------------------------------------------------------------------------------
_phones = itertools.cycle(("403-555-0123", "(403) 555 0199", "4035550142"))


@HOSTILE
@given(description=hostile_reason(), first=hostile_text(20), last=hostile_text(20), address=hostile_text(40),
       account=hostile_text(20), receipt=hostile_text(20), window=hostile_text(30), email=hostile_text(30))
@example(description="Needs a callback \u2066about\u2069 the bill", first="Dana", last="Roe", address="", account="",
         receipt="", window="Morning 8:30-12:00", email="")
@example(description="Card " + CARDS[4], first="", last="", address="", account="", receipt="", window="x", email="")
def test_referral_texts(desk: Desk, description: str, first: str, last: str, address: str, account: str,
                        receipt: str, window: str, email: str) -> None:
    request = ReferralRequest("UTIL", "UTIL-BILL", description, Mode.CALLBACK,
                              contact=Contact(first, last, next(_phones), email), callback_window=window,
                              address=address, account_number=account, related_receipt=receipt, topic="utilities")
    referral = attempt(desk.counter, lambda: desk.counter.referrals.create(request, desk.cashier))
    if referral is not None:
        [row] = rows(desk.counter, "select description, first_name, last_name, address, callback_window, email "
                                   "from referrals where id = ?", referral.id)
        stored_as_the_rule_says(row[0], description, max_len=1000)
        stored_as_the_rule_says(row[1], first, max_len=60)
        stored_as_the_rule_says(row[2], last, max_len=60)
        stored_as_the_rule_says(row[3], address, max_len=120)
        stored_as_the_rule_says(row[4], window, max_len=60)
        assert outbox_payload(desk.counter, "referral")["description"] == row[0]


_statuses = itertools.cycle(("acknowledged", "open", "acknowledged", "closed", "acknowledged"))


@HOSTILE
@given(note=hostile_reason())
@example(note="called back \x07")
def test_referral_status_note(desk: Desk, note: str) -> None:
    updated = attempt(desk.counter, lambda: desk.counter.referrals.update_status(
        desk.referral_id, next(_statuses), note, desk.supervisor))
    if updated is not None:
        [(stored,)] = rows(desk.counter, "select note from referral_notes where referral_id = ? order by at desc, "
                                         "rowid desc limit 1", desk.referral_id)
        stored_as_the_rule_says(stored, note, max_len=500)
        assert outbox_payload(desk.counter, "referral_note")["note"] == stored


# -- questions and visits ------------------------------------------------------------------------------------------
@HOSTILE
@given(note=hostile_text(60), article=st.one_of(st.none(), hostile_text(90), st.just("utilities-start-stop-service")))
@example(note="asked twice", article="x" * 81)
@example(note="", article="nope\x00")
def test_information_note_and_article(desk: Desk, note: str, article: str | None) -> None:
    item = attempt(desk.counter, lambda: desk.counter.visits.log_information(desk.cashier, "utilities",
                                                                            article_id=article, note=note))
    if item is not None:
        [(stored_note, stored_article)] = rows(desk.counter, "select note, article_id from interactions where id = ?",
                                               item.id)
        stored_as_the_rule_says(stored_note or "", note, max_len=200)
        assert stored_article is None or desk.counter.questions.article(stored_article) is not None


# -- administration ------------------------------------------------------------------------------------------------
_staff_numbers = itertools.count(30_000)


@HOSTILE
@given(name=hostile_text(40), service_name=hostile_text(60), room=hostile_text(60))
@example(name="Zoë O'Brien‍", service_name="Backyard composter \u202e", room="Room 106 \x00")
def test_admin_names_and_rooms(desk: Desk, name: str, service_name: str, room: str) -> None:
    counter, admin = desk.counter, desk.admin
    number = str(next(_staff_numbers))
    if attempt(counter, lambda: counter.admin.create_staff(admin, number, name, "cashier", "4826")) is not None:
        [(stored,)] = rows(counter, "select name from staff where staff_no = ?", number)
        stored_as_the_rule_says(stored, name, max_len=80)
    if attempt(counter, lambda: counter.admin.update_service(admin, "COMPOST", name=service_name) or True):
        [(stored,)] = rows(counter, "select name from services where code = 'COMPOST'")
        stored_as_the_rule_says(stored, service_name, max_len=120)
    if attempt(counter, lambda: counter.directory.update_department("UTIL", room, "3320", "24", desk.supervisor)
               or True):
        [(stored,)] = rows(counter, "select room from departments where code = 'UTIL'")
        stored_as_the_rule_says(stored, room, max_len=120)


# -- lookups and searches: answer or refuse, never crash, never write -----------------------------------------------
@HOSTILE
@given(text=hostile_text())
@example(text="\ud800")
@example(text="CH1-02-000001\x00")
@example(text=str(uuid.uuid4()) + "\udfff")
def test_lookups_and_searches(desk: Desk, text: str) -> None:
    counter = desk.counter
    calls: list[Callable[[], Any]] = [
        lambda: counter.payments.search(text),
        lambda: counter.payments.lookup_bill(text),
        lambda: counter.payments.find(text),
        lambda: counter.payments.refund_options(text),
        lambda: counter.payments.fixed_line(text),
        lambda: counter.receipts.preview(text),
        lambda: counter.questions.search(text),
        lambda: counter.questions.article(text),
        lambda: counter.referrals.find(text),
        lambda: counter.referrals.get(text),
        lambda: counter.referrals.notes(text),
        lambda: counter.audit.search(actor=text),
        lambda: counter.drawers.reconciliation(COUNTER_MORNING.date(), text),
        lambda: counter.auth.login(text, "1111"),
        lambda: counter.auth.login("1001", text),
    ]
    for call in calls:
        before = snapshot(counter)
        try:
            call()
        except UserError as refused:
            refused.message.encode("utf-8")
        after = snapshot(counter)
        if after != before:  # only a wrong PIN for a real staff number is written down: the audit trail
            changed = {t for t in TABLES if after[t] != before[t]}
            assert changed <= {"audit_log", "outbox", "staff"}, changed
            assert all("\x00" not in repr(row) for row in after["audit_log"])


def test_the_strategies_cover_what_the_issue_lists() -> None:
    from tests.support import hostile

    pieces = "".join(hostile.PIECES)
    for needed in ("\x00", "\x1b", "\ud800", "\u202e", "\u2066", "👩\u200d👩", "\u0301", "𝄞"):
        assert needed in pieces


@settings(max_examples=10, deadline=None)
@given(text=long_text())
def test_long_text_is_ten_thousand_characters(text: str) -> None:
    assert len(text) >= 10_000
