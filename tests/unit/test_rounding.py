"""Canadian cash rounding, checked for all 100 cent endings."""

import pytest

from counter_app.payments.rounding import round_cash

EXPECTED_LAST_DIGIT = {0: 0, 1: 0, 2: 0, 3: 5, 4: 5, 5: 5, 6: 5, 7: 5, 8: 10, 9: 10}


@pytest.mark.parametrize("cents", range(100))
def test_every_cent_ending(cents: int) -> None:
    amount = 1_200 + cents
    rounded = round_cash(amount)
    assert rounded % 5 == 0
    assert abs(rounded - amount) <= 2
    assert rounded == amount - amount % 10 + EXPECTED_LAST_DIGIT[amount % 10]


def test_examples_from_the_brief() -> None:
    assert [round_cash(c) for c in (1001, 1002, 1003, 1004, 1006, 1007, 1008, 1009)] == [
        1000, 1000, 1005, 1005, 1005, 1005, 1010, 1010]


def test_refunds_mirror_payments() -> None:
    assert round_cash(-1002) == -1000
    assert round_cash(-1003) == -1005
