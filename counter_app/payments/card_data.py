"""Keep full payment card numbers out of the counter: only the last four digits are ever recorded."""

from __future__ import annotations

import re

from counter_app.errors import UserError
from counter_app.payments.check_digits import luhn_valid

_DIGIT_RUN = re.compile(r"\d[\d -]{11,}\d", re.ASCII)

CARD_NUMBER_MESSAGE = (
    "That looks like a full card number. Never type it: record only the last four digits from the terminal slip."
)


def contains_card_number(text: str) -> bool:
    """True when ``text`` holds 13-19 digits (spaces or dashes allowed between) that pass the Luhn check."""
    for match in _DIGIT_RUN.finditer(text or ""):
        digits = re.sub(r"[ -]", "", match.group())
        for size in range(13, 20):
            for start in range(0, len(digits) - size + 1):
                if luhn_valid(digits[start : start + size]):
                    return True
    return False


def refuse_card_number(text: str, field: str) -> None:
    if contains_card_number(text):
        raise UserError(CARD_NUMBER_MESSAGE, field)


def validate_last_four(text: str) -> str:
    value = (text or "").strip()
    digits = re.sub(r"[ -]", "", value)
    if digits.isdigit() and 13 <= len(digits) <= 19:
        raise UserError(CARD_NUMBER_MESSAGE, "last4")
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise UserError("Type the last four digits of the card, e.g. 4821.", "last4")
    return value
