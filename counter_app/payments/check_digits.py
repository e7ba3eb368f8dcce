"""Damm check digits for the city's account numbers.

Why Damm: one decimal check digit that catches every single-digit error and every swap of two adjacent
digits, the two mistakes a cashier makes when typing a number from a bill. It is also deliberately *not*
the Luhn scheme of payment cards, so a valid account number is not mistaken for a card number.
"""

_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def _interim(digits: str) -> int:
    state = 0
    for char in digits:
        state = _TABLE[state][int(char)]
    return state


def damm_check_digit(digits: str) -> str:
    """The check digit to append to ``digits`` (a string of 0-9)."""
    if not digits.isdigit():
        raise ValueError("digits only")
    return str(_interim(digits))


def damm_valid(number: str) -> bool:
    """True when the last digit of ``number`` is its Damm check digit."""
    return len(number) >= 2 and number.isascii() and number.isdigit() and _interim(number) == 0


def luhn_valid(number: str) -> bool:
    """The payment-card checksum: used only to *refuse* full card numbers typed where they do not belong."""
    if not (number.isascii() and number.isdigit()) or len(number) < 2:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
