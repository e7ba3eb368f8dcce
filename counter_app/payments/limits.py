"""Amount caps: how much one transaction, and one service within it, may take before a supervisor approves.

Why caps at all: a mistyped amount (an extra zero, a scanner repeating digits) is the costliest mistake at a
counter, and every amount field already stops at :data:`~counter_app.payments.money.MAX_AMOUNT_CENTS`. The caps
sit far above a normal day so they never bite one:

* per transaction, :data:`DEFAULT_MAX_TRANSACTION_CENTS` ($50,000.00), the ``max_transaction_cents`` setting. A
  residential property tax bill is a few thousand dollars and a year of a business's utilities or a commercial
  tax instalment rarely passes $50,000; anything larger is unusual enough for a second look.
* per service, ``max_cents`` in ``services.json`` (optional; none by default). The shipped data caps only the
  miscellaneous receivable, whose amount the cashier types and whose GL account they choose.

Above a cap the sale completes only with a supervisor's price override (``approve_price_override``), never the
cashier's own, and the override is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counter_app.payments.errors import PaymentError
from counter_app.payments.money import format_money

if TYPE_CHECKING:  # the settings read the default at start-up: keep this module light
    from counter_app.payments.catalog import Service
    from counter_app.payments.sale import SaleLine

#: $50,000.00: above every ordinary bill at the counter (see the module docstring).
DEFAULT_MAX_TRANSACTION_CENTS = 5_000_000
#: What the setting may be: $1.00 to $9,999,999.99.
SETTING_RANGE = (100, 999_999_999)
OVERRIDE_PERMISSION = "approve_price_override"


@dataclass(frozen=True, slots=True)
class CapBreach:
    """One cap a sale goes over."""

    what: str  # "this transaction" or the service's name
    amount_cents: int
    limit_cents: int
    service_code: str | None = None

    @property
    def message(self) -> str:
        return (f"{format_money(self.amount_cents)} for {self.what} is above the counter's limit of "
                f"{format_money(self.limit_cents)}")


def cap_breaches(lines: Iterable[SaleLine], services: Mapping[str, Service],
                 max_transaction_cents: int) -> list[CapBreach]:
    """Every cap the lines go over: per service (summed over its lines), then per transaction."""
    lines = list(lines)
    by_service: dict[str, int] = {}
    for line in lines:
        by_service[line.service_code] = by_service.get(line.service_code, 0) + line.total_cents
    found = []
    for code, amount in by_service.items():
        service = services.get(code)
        if service is not None and service.max_cents is not None and amount > service.max_cents:
            found.append(CapBreach(service.name, amount, service.max_cents, code))
    total = sum(line.total_cents for line in lines)
    if total > max_transaction_cents:
        found.append(CapBreach("this transaction", total, max_transaction_cents))
    return found


def ensure_override(breaches: list[CapBreach], cashier_id: int, approver_id: int | None,
                    approver_may_override: bool) -> None:
    """Over a cap only with a supervisor's price override, and never the cashier's own."""
    if not breaches:
        return
    first = breaches[0].message
    if approver_id is None:
        raise PaymentError(f"{first}: a supervisor must approve it (price override).", "override")
    if approver_id == cashier_id:
        raise PaymentError("A supervisor cannot approve their own payment: ask another supervisor.", "override")
    if not approver_may_override:
        raise PaymentError(f"{first}: only a supervisor can approve it.", "override")
