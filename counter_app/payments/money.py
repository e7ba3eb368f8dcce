"""Money as integer cents: parsing what a cashier types and formatting what a resident reads."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from counter_app.payments.errors import PaymentError

#: The largest single amount the counter accepts ($999,999.99): a property tax bill fits, a typo does not.
MAX_AMOUNT_CENTS = 99_999_999

_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$", re.ASCII)


def parse_amount(text: str, field: str = "amount", *, allow_zero: bool = False) -> int:
    """Turn typed text such as ``"1,234.5"`` or ``"$20"`` into cents, or raise a clear :class:`PaymentError`."""
    raw = (text or "").strip()
    if not raw:
        raise PaymentError("Enter an amount.", field)
    if len(raw) > 20:
        raise PaymentError("That is too long for an amount: type digits, e.g. 25.00.", field)
    if raw.startswith("-") or raw.startswith("(") or raw.startswith("$-"):
        raise PaymentError("The amount cannot be negative.", field)
    match = _AMOUNT.match(raw)
    if not match or (match.group(1) is None and not match.group(2)):
        raise PaymentError(f"“{_clip(raw)}” is not an amount: type digits, e.g. 25.00.", field)
    whole, fraction = match.group(1) or "0", match.group(2) or ""
    if len(fraction) > 2:
        raise PaymentError("Amounts have at most two decimals (cents).", field)
    cents = int(whole.replace(",", "")) * 100 + int(fraction.ljust(2, "0") or "0")
    if cents == 0 and not allow_zero:
        raise PaymentError("The amount must be more than $0.00.", field)
    if cents > MAX_AMOUNT_CENTS:
        raise PaymentError(f"The amount is above the counter's limit of {format_money(MAX_AMOUNT_CENTS)}.", field)
    return cents


def format_money(cents: int, *, sign: bool = False) -> str:
    """``123456 -> "$1,234.56"``; negatives as ``-$1.00``; ``sign`` adds ``+`` to positives."""
    prefix = "-" if cents < 0 else ("+" if sign and cents > 0 else "")
    whole, part = divmod(abs(cents), 100)
    return f"{prefix}${whole:,}.{part:02d}"


def format_plain(cents: int) -> str:
    """``123456 -> "1234.56"``: for CSV files and input fields (no symbol, no separators)."""
    prefix = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{prefix}{whole}.{part:02d}"


def to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def percent_of(cents: int, rate_bp: int) -> int:
    """``rate_bp`` basis points of ``cents``, rounded half up to the cent (5% is 500 bp)."""
    exact = Decimal(cents) * Decimal(rate_bp) / Decimal(10_000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def included_tax(gross_cents: int, rate_bp: int) -> int:
    """The tax contained in a tax-inclusive amount, rounded half up to the cent."""
    exact = Decimal(gross_cents) * Decimal(rate_bp) / Decimal(10_000 + rate_bp)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
