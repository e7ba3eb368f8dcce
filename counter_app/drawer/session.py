"""A cashier's drawer from open to close: the float, movements in and out, and what should be in it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from counter_app.errors import UserError
from counter_app.free_text import clean_text
from counter_app.payments.money import format_money

#: c_cash_movements.reason
REASON_MAX = 200
#: The close note travels in the drawer session and Z report payloads.
NOTE_MAX = 500


class MovementKind(StrEnum):
    PAID_IN = "paid_in"  # cash added (e.g. change from the safe, a found overage returned)
    PAID_OUT = "paid_out"  # cash taken out for a purpose (petty expense, refund by cash outside a receipt)
    PICKUP = "pickup"  # cash dropped to the safe during the day
    NO_SALE = "no_sale"  # the drawer opened with no money moving

    @property
    def label(self) -> str:
        return {"paid_in": "Paid in", "paid_out": "Paid out", "pickup": "Pickup to safe", "no_sale": "No sale"}[
            self.value
        ]

    @property
    def needs_supervisor(self) -> bool:
        return self in (MovementKind.PAID_IN, MovementKind.PAID_OUT, MovementKind.NO_SALE)


class DrawerError(UserError):
    """A drawer rule refused the action."""


@dataclass(frozen=True, slots=True)
class CashFlows:
    """The cash side of a drawer session, in cents; the inputs of the expected-cash formula."""

    float_cents: int
    cash_received: int  # cash tendered on completed sales (refund payouts are negative here)
    change_given: int
    paid_in: int
    paid_out: int
    pickups: int

    @property
    def expected(self) -> int:
        """float + cash received - change given + paid-ins - paid-outs - pickups (rounding is in the cash)."""
        return (self.float_cents + self.cash_received - self.change_given + self.paid_in - self.paid_out
                - self.pickups)


def check_movement(kind: MovementKind, amount_cents: int, reason: str, cash_in_drawer: int) -> str:
    text = clean_text(reason, "reason", max_len=REASON_MAX, min_len=3, error=DrawerError,
                      required_message="Give the reason (it is printed on the X and Z reports).")
    if kind is MovementKind.NO_SALE:
        if amount_cents:
            raise DrawerError("A no-sale moves no money.", "amount")
        return text
    if amount_cents <= 0:
        raise DrawerError("The amount must be more than $0.00.", "amount")
    if amount_cents % 5:
        raise DrawerError("Cash is counted in nickels: the amount must end in 0 or 5 cents.", "amount")
    if kind in (MovementKind.PAID_OUT, MovementKind.PICKUP) and amount_cents > cash_in_drawer:
        raise DrawerError(
            f"{format_money(amount_cents)} is more than the {format_money(cash_in_drawer)} that should be in the "
            "drawer.",
            "amount",
        )
    return text


@dataclass(frozen=True, slots=True)
class CloseCheck:
    """The outcome of a blind count against the books."""

    expected_cents: int
    counted_cents: int
    tolerance_cents: int

    @property
    def over_short(self) -> int:
        return self.counted_cents - self.expected_cents

    @property
    def needs_approval(self) -> bool:
        return abs(self.over_short) > self.tolerance_cents

    @property
    def label(self) -> str:
        if self.over_short == 0:
            return "Balanced"
        return f"{'Over' if self.over_short > 0 else 'Short'} {format_money(abs(self.over_short))}"


def check_close(check: CloseCheck, supervisor_id: int | None, cashier_id: int, note: str) -> str:
    """A difference beyond tolerance needs another person's approval and a note."""
    text = clean_text(note, "note", max_len=NOTE_MAX, error=DrawerError)
    if check.needs_approval:
        if supervisor_id is None:
            raise DrawerError(f"{check.label} is beyond the {format_money(check.tolerance_cents)} tolerance: "
                              "a supervisor must approve the close.", "supervisor")
        if supervisor_id == cashier_id:
            raise DrawerError("A supervisor cannot approve their own drawer.", "supervisor")
        if len(text) < 5:
            raise DrawerError("Explain the difference in a note (what was checked).", "note")
    return text
