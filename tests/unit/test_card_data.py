"""Full card numbers are refused wherever they are typed; last four digits only."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.errors import UserError
from counter_app.payments.card_data import contains_card_number, validate_last_four


@pytest.mark.parametrize("text", ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004",
                                  "note 378282246310005 here", "6011000990139424"])
def test_detects_card_numbers(text: str) -> None:
    assert contains_card_number(text)


@pytest.mark.parametrize("text", ["4821", "1000002", "4312000000009", "call 403-320-3111", ""])
def test_ignores_ordinary_numbers(text: str) -> None:
    assert not contains_card_number(text)


def test_last_four_refuses_a_full_number_with_its_own_message() -> None:
    with pytest.raises(UserError, match="full card number"):
        validate_last_four("4111111111111111")
    with pytest.raises(UserError, match="last four digits"):
        validate_last_four("482")
    assert validate_last_four(" 4821 ") == "4821"


@given(st.text(max_size=200))
def test_detector_never_crashes(text: str) -> None:
    assert contains_card_number(text) in (True, False)
