"""Account numbers on bills: their shapes, check digits, the scan line, and the amount due.

Every number ends in a Damm check digit (see :mod:`check_digits`). The length tells the bill type, so a
keyboard-wedge scanner that types the stub's digits and Enter needs no prefix:

========== ======= ================= =====================
bill type   digits  shown as          example
========== ======= ================= =====================
utility     7       ``1234-567``      ``1000-013``
parking     9       ``P 1234 5678 9`` ticket number
invoice     10      ``INV 123456789-0`` licences, permits, cemetery
tax roll    13      ``1234 567 890 12 3`` property tax roll
========== ======= ================= =====================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from counter_app.free_text import shown
from counter_app.payments.card_data import CARD_NUMBER_MESSAGE, contains_card_number
from counter_app.payments.catalog import BillType
from counter_app.payments.check_digits import damm_valid, luhn_valid
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import percent_of

LENGTHS = {7: BillType.UTILITY, 9: BillType.PARKING, 10: BillType.INVOICE, 13: BillType.TAX_ROLL}
_LENGTH_OF = {kind: length for length, kind in LENGTHS.items()}
_NAMES = {
    BillType.UTILITY: "Utility account",
    BillType.PARKING: "Ticket",
    BillType.INVOICE: "Invoice",
    BillType.TAX_ROLL: "Tax roll",
}

#: Parking tickets paid within this many days of issue pay the early amount.
PARKING_EARLY_DAYS = 10
#: Property tax: due June 30 of the tax year, 7% penalty on the unpaid balance after.
TAX_PENALTY_BP = 700


def digits_of(text: str) -> str:
    """Keep the digits a cashier or scanner typed, dropping spaces, dashes and the P / INV prefixes."""
    cleaned = text.strip().upper().removeprefix("INV").removeprefix("P")
    return "".join(ch for ch in cleaned if ch not in " -")


def format_account(digits: str) -> str:
    """How the number is printed on the bill and on the receipt."""
    kind = LENGTHS.get(len(digits))
    if kind is BillType.UTILITY:
        return f"{digits[:4]}-{digits[4:]}"
    if kind is BillType.PARKING:
        return f"P {digits[:4]} {digits[4:8]} {digits[8:]}"
    if kind is BillType.INVOICE:
        return f"INV {digits[:9]}-{digits[9:]}"
    if kind is BillType.TAX_ROLL:
        return f"{digits[:4]} {digits[4:7]} {digits[7:10]} {digits[10:12]} {digits[12:]}"
    return digits


def parse_account(text: str, expected: BillType | None = None) -> tuple[BillType, str]:
    """Validate a typed or scanned number; return its bill type and bare digits, or raise for the cashier."""
    if not isinstance(text, str):
        raise PaymentError("Scan the bill or type its account number.", "account")
    digits = digits_of(text)
    if not digits:
        raise PaymentError("Scan the bill or type its account number.", "account")
    if not (digits.isascii() and digits.isdigit()):
        if contains_card_number(text):
            raise PaymentError(CARD_NUMBER_MESSAGE, "account")
        raise PaymentError(f"“{shown(text, 30)}” is not an account number: digits only.", "account")
    kind = LENGTHS.get(len(digits))
    if 13 <= len(digits) <= 19 and luhn_valid(digits) and not (kind and damm_valid(digits)):
        raise PaymentError(CARD_NUMBER_MESSAGE, "account")
    if expected is not None and kind is not expected:
        want = _LENGTH_OF[expected]
        raise PaymentError(
            f"A {_NAMES[expected].lower()} number has {want} digits; {len(digits)} were typed.", "account"
        )
    if kind is None:
        raise PaymentError(
            f"{len(digits)} digits is not an account number (utility 7, ticket 9, invoice 10, tax roll 13).",
            "account",
        )
    if not damm_valid(digits):
        raise PaymentError(
            f"{_NAMES[kind]} {format_account(digits)} failed its check digit: re-scan or re-type.", "account"
        )
    return kind, digits


@dataclass(frozen=True, slots=True)
class BillAccount:
    """What the city knows about one bill: enough to prefill the amount due at the counter."""

    number: str
    bill_type: BillType
    service_code: str
    holder: str
    balance_cents: int
    due_date: date | None = None
    issued_date: date | None = None
    early_cents: int | None = None  # parking: the reduced amount within PARKING_EARLY_DAYS

    @property
    def display_number(self) -> str:
        return format_account(self.number)

    def amount_due(self, today: date) -> int:
        """Apply the city's date rules: early parking payment; property tax penalty after June 30."""
        if self.bill_type is BillType.PARKING and self.early_cents is not None and self.issued_date:
            in_time = today <= self.issued_date + timedelta(days=PARKING_EARLY_DAYS)
            return self.early_cents if in_time else self.balance_cents
        if self.bill_type is BillType.TAX_ROLL and self.due_date and today > self.due_date:
            return self.balance_cents + percent_of(self.balance_cents, TAX_PENALTY_BP)
        return self.balance_cents

    def reduction_for(self, paid_cents: int, today: date) -> int:
        """How much a payment takes off the balance: all of it when the amount due (with its date rules) is paid."""
        if paid_cents >= self.amount_due(today):
            return self.balance_cents
        return min(paid_cents, self.balance_cents)
