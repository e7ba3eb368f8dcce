"""Every form validator the counter has, fed arbitrary text: unicode, right-to-left marks, emoji, 100,000
characters, SQL-looking strings, card numbers. Each gives a clean result or a clear :class:`UserError` (a message
for the cashier and the field it concerns), never another exception."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.drawer.denominations import DENOMINATIONS, parse_count
from counter_app.drawer.session import MovementKind, check_movement
from counter_app.errors import UserError
from counter_app.payments.accounts import parse_account
from counter_app.payments.card_data import CARD_NUMBER_MESSAGE, contains_card_number, validate_last_four
from counter_app.payments.catalog import TenderKind
from counter_app.payments.money import parse_amount
from counter_app.payments.sale import make_tender
from counter_app.referrals.contact import make_contact
from counter_app.referrals.referral import Department, Mode, ReferralRequest, make_referral
from counter_app.services.admin import check_name, check_pin
from counter_app.services.container import Counter
from tests.conftest import COUNTER_MORNING

SQL = ("'; DROP TABLE outbox; --", "\" OR 1=1 --", "Robert'); DELETE FROM staff;--", "%' AND 1=1 AND '%'='",
       "1; SELECT * FROM audit_log", "\\x00\\x1a", "NULL", "0 UNION SELECT pin_hash FROM staff")
ODD = ("\u202eevil\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd 12\u200e", "مرحبا ١٢٣٫٤٥", "💳💰🏛️", "\x00\x01\x7f",
       "Ａ１２．５０", "१२३", "٣٤٫٥", " " * 50, "\n\t\r", "4111 1111 1111 1111", "5500-0000-0000-0004",
       "378282246310005", "6011000990139424", "é" * 300)
TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(SQL + ODD),
    st.text(alphabet=st.characters(categories=("Nd", "Zs", "Pd", "Sc", "Po")), max_size=60),
    st.builds(lambda s, n: s * n, st.sampled_from(("9", "a", "💳", "\u202e", "1,", "' OR ")), st.integers(1, 2000)),
)
HUGE = "4" * 100_000
HUGE_TEXT = ("a ب 💳 " * 20_000)[:100_000]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UTIL = Department("UTIL", "Utility Services", "Room 106", "3320", 24, (("UTIL-BILL", "Billing specialist"),))


def clean_or_user_error(call: Callable[[], Any], longest: int = 400) -> Any:
    """The call returns, or refuses with a UserError that carries a short message for the cashier."""
    try:
        return call()
    except UserError as exc:
        assert exc.message and len(exc.message) < longest and "Traceback" not in exc.message
        return exc


@FUZZ
@given(TEXT)
@example("4" * 4_000)
@example(HUGE_TEXT)
def test_parse_amount(text: str) -> None:
    result = clean_or_user_error(lambda: parse_amount(text))
    if isinstance(result, int):
        assert result > 0


@FUZZ
@given(TEXT)
@example(HUGE)
@example("4312000000008")
def test_parse_account(text: str) -> None:
    result = clean_or_user_error(lambda: parse_account(text))
    if contains_card_number(text) and not isinstance(result, UserError):
        _kind, digits = result  # a valid account number that also passes Luhn: allowed, it is an account
        assert digits.isdigit()


@FUZZ
@given(TEXT, TEXT, TEXT, TEXT, st.booleans())
@example(HUGE_TEXT, HUGE, HUGE, HUGE_TEXT, True)
def test_make_contact(first: str, last: str, phone: str, email: str, consent: bool) -> None:
    result = clean_or_user_error(lambda: make_contact(first, last, phone, email, consent))
    if not isinstance(result, UserError):
        for value in (result.first_name, result.last_name, result.phone, result.email):
            assert not contains_card_number(value)


@FUZZ
@given(TEXT, TEXT, TEXT, TEXT)
@example(HUGE_TEXT, HUGE, HUGE_TEXT, HUGE)
def test_make_referral_description_and_free_text(description: str, address: str, account: str,
                                                 receipt: str) -> None:
    request = ReferralRequest("UTIL", "UTIL-BILL", description, Mode.WALK_IN, address=address,
                              account_number=account, related_receipt=receipt)
    now = datetime(2026, 11, 25, 16, 15, tzinfo=UTC)
    result = clean_or_user_error(lambda: make_referral(request, {"UTIL": UTIL}, id="r1", token="T-1", now=now,
                                                       workstation="CH1-02", staff_id=1))
    if not isinstance(result, UserError):
        for value in (result.description, result.address, result.related_receipt):
            assert not contains_card_number(value)


@FUZZ
@given(st.sampled_from(list(MovementKind)), st.integers(-10**9, 10**9), TEXT, st.integers(0, 10**8))
@example(MovementKind.PAID_OUT, 500, HUGE_TEXT, 10_000)
@example(MovementKind.PAID_IN, 500, "4111111111111111 change", 10_000)
def test_check_movement_reason(kind: MovementKind, amount: int, reason: str, cash: int) -> None:
    result = clean_or_user_error(lambda: check_movement(kind, amount, reason, cash))
    if isinstance(result, str):
        assert not contains_card_number(result)


@FUZZ
@given(st.dictionaries(st.one_of(st.sampled_from([d.code for d in DENOMINATIONS]), st.text(max_size=12)), TEXT,
                       max_size=8))
@example({"n20": "9" * 4_000})
@example({"n20": "١٢"})
def test_parse_count(typed: dict[str, str]) -> None:
    clean_or_user_error(lambda: parse_count(typed), longest=10**6)  # see the long-message test below


@FUZZ
@given(TEXT)
@example(HUGE)
def test_validate_last_four(text: str) -> None:
    result = clean_or_user_error(lambda: validate_last_four(text))
    if isinstance(result, str):
        assert len(result) == 4 and result.isdigit()
    elif text.strip().isascii() and text.strip().isdigit() and 13 <= len(text.strip()) <= 19:
        assert result.message == CARD_NUMBER_MESSAGE


@FUZZ
@given(st.sampled_from(list(TenderKind)), st.integers(-100, 10**9), TEXT, TEXT, TEXT, TEXT, TEXT)
@example(TenderKind.CREDIT, 2000, "4111111111111111", "A1B2C3", "Visa", "", "")
@example(TenderKind.CHEQUE, 2000, "", "", "", "", "6011000990139424")
@example(TenderKind.DEBIT, 2000, "4821", HUGE, HUGE_TEXT, HUGE, HUGE)
def test_make_tender_fields(kind: TenderKind, amount: int, last4: str, auth: str, brand: str, ref: str,
                            number: str) -> None:
    result = clean_or_user_error(lambda: make_tender(kind, amount, last4=last4, auth_code=auth, card_brand=brand,
                                                     terminal_ref=ref, number=number))
    if not isinstance(result, UserError):
        for value in (result.last4, result.auth_code, result.terminal_ref, result.cheque_number):
            assert not contains_card_number(value or "")


@FUZZ
@given(TEXT, TEXT)
@example(HUGE_TEXT, HUGE)
def test_staff_name_and_pin_checks(name: str, pin: str) -> None:
    clean_or_user_error(lambda: check_name(name))
    clean_or_user_error(lambda: check_pin(pin))


# 100,000 digits: Python refuses to turn more than 4,300 digits into an int (a ValueError, not a UserError).
# Known defects in the domain (reported); strict, so the markers must go when they are fixed.
def test_parse_amount_of_100000_digits() -> None:
    clean_or_user_error(lambda: parse_amount(HUGE))


def test_parse_count_of_100000_digits() -> None:
    clean_or_user_error(lambda: parse_count({"n20": HUGE}))


def test_parse_count_message_stays_short() -> None:
    clean_or_user_error(lambda: parse_count({"n20": "9" * 4_000}))


# -- through the services, on a real store ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Counter]:
    built = build_counter(Settings(data_dir=tmp_path_factory.mktemp("fuzz"), workstation="CH1-02", demo=True),
                          clock=FixedClock(COUNTER_MORNING))
    yield built
    built.close()


_numbers = itertools.count(10_000)
_admins: dict[int, Any] = {}


def administrator(store: Counter) -> Any:
    """Morgan Admin, signed in once per store (a PIN check costs tens of milliseconds)."""
    if id(store) not in _admins:
        _admins[id(store)] = store.auth.login("9001", "777703")
    return _admins[id(store)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=TEXT)
@example(name=HUGE_TEXT)
@example(name="Robert'); DROP TABLE staff;--")
@example(name="Dana 4111111111111111")
def test_admin_create_staff_name(store: Counter, name: str) -> None:
    admin = administrator(store)
    staff_no = str(next(_numbers))
    result = clean_or_user_error(lambda: store.admin.create_staff(admin, staff_no, name, "cashier", "4826"))
    if not isinstance(result, UserError):
        row = next(r for r in store.admin.staff(admin) if r.staff_no == staff_no)
        assert not contains_card_number(row.name)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=TEXT)
@example(text=HUGE_TEXT)
@example(text="\" OR \"1\"=\"1")
@example(text="NEAR(water bill) AND * OR -")
@example(text="4111111111111111")
def test_question_search(store: Counter, text: str) -> None:
    clean_or_user_error(lambda: store.questions.search(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=TEXT)
@example(text=HUGE_TEXT)
def test_payment_search_and_fee_schedule_name(store: Counter, text: str) -> None:
    clean_or_user_error(lambda: store.payments.search(text))
    admin = administrator(store)
    clean_or_user_error(lambda: store.admin.update_service(admin, "COMPOST", name=text, amount_text=text))


def test_the_fuzz_really_covers_huge_and_odd_text(tmp_path: Path) -> None:
    assert len(HUGE) == 100_000 and len(HUGE_TEXT) == 100_000
    assert any("\u202e" in s for s in ODD) and any("💳" in s for s in ODD) and any("DROP TABLE" in s for s in SQL)
