"""Full card numbers are refused wherever they are typed; last four digits only."""

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.errors import UserError
from counter_app.payments.card_data import contains_card_number, remove_card_numbers, validate_last_four


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


@pytest.mark.parametrize("text", [
    "4111.1111.1111.1111",  # dots
    "4111/1111/1111/1111",  # slashes
    "４１１１１１１１１１１１１１１１",  # full-width digits
    "٤١١١١١١١١١١١١١١١",  # Arabic-Indic digits
    "۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱",  # extended Arabic-Indic (Persian) digits
    "4111\u00a01111\u202f1111\u30001111",  # no-break, narrow and ideographic spaces
    "4111\u20131111\u20141111\u22121111",  # en dash, em dash (Pd) and a minus sign
    "4111\u200b1111\u200b1111\u200b1111",  # zero-width spaces between the groups
    "card ４１１１－１１１１－１１１１－１１１１ thanks",  # full-width dashes too
    "4111\n1111\n1111\n1111",  # split over lines
])
def test_detects_card_numbers_through_unicode(text: str) -> None:
    assert contains_card_number(text)


def test_the_screen_guard_uses_the_domain_rule() -> None:
    from counter_app.ui import lock_card_guard

    source = Path(lock_card_guard.__file__).read_text(encoding="utf-8")
    assert "luhn_valid" not in source and "re.compile" not in source and "import re" not in source
    assert lock_card_guard.strip_card_numbers("paid ４１１１.１１１１.１１１１.１１１１ today") == "paid today"


def test_a_huge_paste_is_checked_quickly() -> None:
    started = time.perf_counter()
    contains_card_number("1234567890" * 10_000)
    assert not contains_card_number("٣" * 100_000)  # 333... never passes Luhn: every window is checked
    assert time.perf_counter() - started < 3


def test_remove_card_numbers_keeps_the_rest() -> None:
    assert remove_card_numbers("refund 4111-1111-1111-1111 to the resident") == "refund to the resident"
    assert remove_card_numbers("no number here") == "no number here"


def test_the_rule_is_fast_enough_for_every_keystroke() -> None:
    note = "Resident paid by cheque 104 for 2026-11-25 tax; call 403-320-3111 ext. 22 or 403 555 0123 — Ünïcödé ok"
    started = time.perf_counter()
    for end in range(1, len(note) + 1):
        for _ in range(20):
            contains_card_number(note[:end])
    per_call = (time.perf_counter() - started) / (20 * len(note))
    assert per_call < 0.001, f"{per_call * 1e6:.0f} µs per keystroke"
