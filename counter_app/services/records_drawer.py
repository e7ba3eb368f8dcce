"""Frozen drawer records handed to screens and commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from counter_app.drawer.denominations import CashCount


@dataclass(frozen=True, slots=True)
class DrawerSession:
    id: str
    workstation: str
    cashier_id: int
    cashier: str
    business_date: date
    status: str
    opened_at: datetime
    float_count: CashCount
    float_verified_by: int | None = None
    closed_at: datetime | None = None
    counted: CashCount | None = None
    expected_cents: int | None = None
    over_short_cents: int | None = None
    close_supervisor_id: int | None = None
    close_note: str | None = None
    debit_batch_cents: int | None = None
    credit_batch_cents: int | None = None
    cheques_checked: bool = False
    z_number: str | None = None

    @property
    def float_cents(self) -> int:
        return self.float_count.total_cents

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class MovementRecord:
    id: str
    session_id: str
    kind: str
    amount_cents: int
    reason: str
    gl_account: str | None
    at: datetime
    staff_id: int
    supervisor_id: int | None
    staff: str = ""
    supervisor: str = ""
