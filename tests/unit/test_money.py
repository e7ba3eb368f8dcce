"""Parsing what a cashier types: every bad amount gets a clear message, good ones become exact cents."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.payments.errors import PaymentError
from counter_app.payments.money import (
    MAX_AMOUNT_CENTS,
    format_money,
    format_plain,
    included_tax,
    parse_amount,
    percent_of,
)


@pytest.mark.parametrize(
    ("text", "cents"),
    [("20", 2000), ("20.5", 2050), ("20.05", 2005), ("$1,234.56", 123456), (" 7.50 ", 750), (".99", 99),
     ("0.05", 5), ("999999.99", MAX_AMOUNT_CENTS)],
)
def test_parses_amounts(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "words"),
    [("0", "more than $0.00"), ("0.00", "more than $0.00"), ("-5", "negative"), ("12.345", "two decimals"),
     ("abc", "not an amount"), ("", "Enter an amount"), ("1000000.00", "limit"), ("12,34", "not an amount"),
     ("1e5", "not an amount"), ("١٢", "not an amount")],
)
def test_refuses_bad_amounts_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(PaymentError) as caught:
        parse_amount(text)
    assert words in caught.value.message


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_CENTS))
def test_format_and_parse_round_trip(cents: int) -> None:
    assert parse_amount(format_money(cents)) == cents
    assert parse_amount(format_plain(cents)) == cents


@given(st.text(max_size=40))
def test_parse_never_crashes_on_any_text(text: str) -> None:
    try:
        assert 0 < parse_amount(text) <= MAX_AMOUNT_CENTS
    except PaymentError as exc:
        assert exc.message


def test_gst_half_up_to_the_cent() -> None:
    assert percent_of(4000, 500) == 200
    assert percent_of(1, 500) == 0
    assert percent_of(10, 500) == 1  # 0.5 cent rounds half up
    assert included_tax(4200, 500) == 200
    assert format_money(-150) == "-$1.50"
