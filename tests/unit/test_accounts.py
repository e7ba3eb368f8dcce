"""Account numbers: Damm check digits catch a mistyped digit and a swap of neighbours; date rules set the amount."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.payments.accounts import BillAccount, format_account, parse_account
from counter_app.payments.catalog import BillType
from counter_app.payments.check_digits import damm_check_digit, damm_valid, luhn_valid
from counter_app.payments.errors import PaymentError


@given(st.text(alphabet="0123456789", min_size=1, max_size=15), st.data())
def test_damm_catches_any_single_digit_error(body: str, data: st.DataObject) -> None:
    number = body + damm_check_digit(body)
    assert damm_valid(number)
    index = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[index]]))
    assert not damm_valid(number[:index] + wrong + number[index + 1 :])


@given(st.text(alphabet="0123456789", min_size=2, max_size=15), st.data())
def test_damm_catches_adjacent_swaps(body: str, data: st.DataObject) -> None:
    number = body + damm_check_digit(body)
    index = data.draw(st.integers(0, len(number) - 2))
    if number[index] == number[index + 1]:
        return
    swapped = number[:index] + number[index + 1] + number[index] + number[index + 2 :]
    assert not damm_valid(swapped)


def test_length_tells_the_bill_type_and_format() -> None:
    utility = "100000" + damm_check_digit("100000")
    assert parse_account(utility) == (BillType.UTILITY, utility)
    assert parse_account(f" {utility[:4]}-{utility[4:]} ") == (BillType.UTILITY, utility)
    assert format_account(utility) == f"{utility[:4]}-{utility[4:]}"
    roll = "431200000000" + damm_check_digit("431200000000")
    assert parse_account(roll)[0] is BillType.TAX_ROLL


def test_wrong_check_digit_message_names_the_number() -> None:
    with pytest.raises(PaymentError) as caught:
        parse_account("1234-567")
    assert caught.value.message == "Utility account 1234-567 failed its check digit: re-scan or re-type."
    assert caught.value.field == "account"


@pytest.mark.parametrize("text", ["", "12", "abcd", "12345678901234567890", "1234-56A"])
def test_refuses_what_is_not_an_account(text: str) -> None:
    with pytest.raises(PaymentError):
        parse_account(text)


def test_expected_type_is_enforced() -> None:
    utility = "100000" + damm_check_digit("100000")
    with pytest.raises(PaymentError, match="tax roll number has 13 digits"):
        parse_account(utility, BillType.TAX_ROLL)


def test_luhn_is_the_card_scheme() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_parking_early_payment_window() -> None:
    ticket = BillAccount("x", BillType.PARKING, "PARK", "ABC", 4000, issued_date=date(2026, 11, 1), early_cents=2000)
    assert ticket.amount_due(date(2026, 11, 11)) == 2000
    assert ticket.amount_due(date(2026, 11, 12)) == 4000
    assert ticket.reduction_for(2000, date(2026, 11, 5)) == 4000  # early payment clears the ticket


def test_property_tax_penalty_after_june_30() -> None:
    roll = BillAccount("x", BillType.TAX_ROLL, "PTAX", "A", 300_000, due_date=date(2026, 6, 30))
    assert roll.amount_due(date(2026, 6, 30)) == 300_000
    assert roll.amount_due(date(2026, 7, 1)) == 321_000
    assert roll.reduction_for(100_000, date(2026, 7, 1)) == 100_000
