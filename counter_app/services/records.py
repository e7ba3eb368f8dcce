"""Frozen data that crosses the service boundary: what services hand the UI and what they ask the store to keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from counter_app.payments.receipt import ReceiptSnapshot
from counter_app.payments.sale import SaleLine, Settlement, Tender


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    staff_no: str
    name: str
    role: str  # cashier | supervisor | administrator
    active: bool = True
    permissions: frozenset[str] = frozenset()

    def can(self, permission: str) -> bool:
        """Roles and their permissions are data (resources/reference/roles.json)."""
        return permission in self.permissions

    @property
    def is_supervisor(self) -> bool:
        return self.can("approve_void")


@dataclass(frozen=True, slots=True)
class StaffCredentials:
    member: StaffMember
    pin_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """One completed sale or refund, whole, as the payment service asks the store to keep it."""

    id: str
    workstation: str
    sequence: int
    receipt_number: str
    kind: str  # sale | refund
    business_date: date
    created_at: datetime
    cashier_id: int
    lines: tuple[SaleLine, ...]
    tenders: tuple[Tender, ...]
    settlement: Settlement
    snapshot: ReceiptSnapshot
    supervisor_id: int | None = None
    refund_of_id: str | None = None
    reason: str | None = None
    original_line_nos: tuple[int, ...] = ()  # refunds: the original line index of each line
    balance_reductions: tuple[int | None, ...] = ()  # bill lines: how much this payment took off the account
    status: str = "completed"
    drawer_session_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredTransaction:
    id: str
    receipt_number: str
    kind: str
    status: str
    business_date: date
    created_at: datetime
    cashier_id: int
    lines: tuple[SaleLine, ...]
    tenders: tuple[Tender, ...]
    snapshot: ReceiptSnapshot
    refunded_line_nos: frozenset[int] = frozenset()
    has_refunds: bool = False
    balance_reductions: tuple[int | None, ...] = ()
    drawer_session_id: str | None = None


@dataclass(frozen=True, slots=True)
class VoidRecord:
    id: str
    transaction_id: str
    voided_at: datetime
    cashier_id: int
    supervisor_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class TransactionSummary:
    """A row of today's list: enough to find, reprint, void or refund a receipt."""

    id: str
    receipt_number: str
    created_at: datetime
    kind: str
    status: str
    cashier: str
    total_cents: int
    rounding_cents: int
    change_cents: int
    tenders: dict[str, int] = field(default_factory=dict)
    workstation: str = ""
    refund_of: str | None = None
    description: str = ""
    business_date: date | None = None
