"""Keep full payment card numbers out of the counter: only the last four digits are ever recorded.

This is the one card-number rule: every free-text field (through :mod:`counter_app.free_text`), the account
parser and the screens' keystroke guard call it. It sees through Unicode: any decimal digit counts (full-width
``４``, Arabic-Indic ``٤``, ...), and digits may be split by spaces of any kind, dashes of any kind, dots, slashes
and invisible characters, because a number typed as ``4111.1111.1111.1111`` is still a card number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from counter_app.errors import UserError

CARD_NUMBER_MESSAGE = (
    "That looks like a full card number. Never type it: record only the last four digits from the terminal slip."
)

CARD_MIN_DIGITS = 13
CARD_MAX_DIGITS = 19

_SEP = " "  # the class of a character that may sit between the digits of one number
_BREAK = ""  # the class of a character that ends a run of digits
_SEPARATOR_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Pd", "Cf", "Mn", "Me"})
_ASCII_SEPARATORS = " -./\t\n\r\v\f"
#: Dashes, slashes and dots that are not in the categories above: minus sign, fraction and division slashes,
#: middle dot and bullet.
_OTHER_SEPARATORS = frozenset("\u2212\u2044\u2215\u00b7\u2022\u2219")
_GAPS = re.compile(r"[ \t]{2,}")
_ASCII = tuple(chr(c) if chr(c).isdigit() else (_SEP if chr(c) in _ASCII_SEPARATORS else _BREAK)
               for c in range(128))


@lru_cache(maxsize=4096)
def _class_of(char: str) -> str:
    """The ASCII digits a non-ASCII character stands for, ``_SEP`` for a separator, ``_BREAK`` otherwise."""
    value = unicodedata.decimal(char, None)
    if value is not None:
        return str(value)
    compatible = unicodedata.normalize("NFKC", char)
    if compatible.isascii() and compatible.isdigit():  # circled and parenthesised digits, ...
        return compatible
    if (unicodedata.category(char) in _SEPARATOR_CATEGORIES or char in _OTHER_SEPARATORS
            or (compatible and compatible in _ASCII_SEPARATORS)):
        return _SEP
    return _BREAK


def _digit_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """Each run of digits (separators allowed between them) as (start, end, its ASCII digits)."""
    start = end = -1
    digits: list[str] = []
    for index, char in enumerate(text):
        code = ord(char)
        kind = _ASCII[code] if code < 128 else _class_of(char)
        if kind == _SEP:
            continue
        if kind:
            if start < 0:
                start = index
            digits.append(kind)
            end = index + 1
        elif start >= 0:
            yield start, end, "".join(digits)
            start, digits = -1, []
    if start >= 0:
        yield start, end, "".join(digits)


def _has_card_window(digits: str) -> bool:
    """True when some 13-19 digit stretch of ``digits`` passes the Luhn check.

    Prefix sums by position parity make each stretch O(1), so a 100,000-digit paste costs milliseconds.
    """
    size = len(digits)
    plain = [[0] * (size + 1), [0] * (size + 1)]
    doubled = [[0] * (size + 1), [0] * (size + 1)]
    for index, char in enumerate(digits):
        value = ord(char) - 48
        twice = value * 2 - 9 if value > 4 else value * 2
        for parity in (0, 1):
            hit = index % 2 == parity
            plain[parity][index + 1] = plain[parity][index] + (value if hit else 0)
            doubled[parity][index + 1] = doubled[parity][index] + (twice if hit else 0)
    for end in range(CARD_MIN_DIGITS, size + 1):
        last = (end - 1) % 2  # the rightmost digit is never doubled, nor any at the same parity
        for length in range(CARD_MIN_DIGITS, min(CARD_MAX_DIGITS, end) + 1):
            start = end - length
            total = (plain[last][end] - plain[last][start]) + (doubled[1 - last][end] - doubled[1 - last][start])
            if total % 10 == 0:
                return True
    return False


def card_number_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a card number: (start, end) of each run of digits that contains one."""
    if not text or len(text) < CARD_MIN_DIGITS:
        return []
    return [(start, end) for start, end, digits in _digit_runs(text)
            if len(digits) >= CARD_MIN_DIGITS and _has_card_window(digits)]


def contains_card_number(text: str) -> bool:
    """True when ``text`` holds 13-19 digits (any separators between) that pass the Luhn check."""
    return bool(card_number_spans(text or ""))


def remove_card_numbers(text: str) -> str:
    """``text`` without any run of digits that holds a card number (the rest of a note is kept)."""
    spans = card_number_spans(text)
    if not spans:
        return text
    kept, position = [], 0
    for start, end in spans:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    cleaned = _GAPS.sub(" ", "".join(kept)).strip()
    return "" if contains_card_number(cleaned) else cleaned


def refuse_card_number(text: str, field: str) -> None:
    if contains_card_number(text):
        raise UserError(CARD_NUMBER_MESSAGE, field)


def validate_last_four(text: str) -> str:
    value = (text or "").strip()
    digits = "".join(ch for ch in value if ch not in " -")
    if contains_card_number(value) or (digits.isdigit() and CARD_MIN_DIGITS <= len(digits) <= CARD_MAX_DIGITS):
        raise UserError(CARD_NUMBER_MESSAGE, "last4")
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise UserError("Type the last four digits of the card, e.g. 4821.", "last4")
    return value
