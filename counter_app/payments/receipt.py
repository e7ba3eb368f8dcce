"""The receipt as data: a frozen snapshot taken when the payment completes, rendered later as often as needed.

A snapshot never changes after issue; reprints and voids are marks added when rendering, not edits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from counter_app.payments.sale import SaleLine, Settlement, Tender


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues the receipt: printed at the top and bottom of every receipt."""

    city: str = "City of Lethbridge"
    counter: str = "311 Payments and Customer Service"
    address: str = "City Hall, 910 4 Avenue South, Lethbridge AB"
    gst_number: str = "GST 12345 6789 RT0001"
    phone_311: str = "311 (403-320-3111 outside city limits)"
    hours: str = "Open Monday to Friday, 8:30 am to 4:30 pm"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    description: str
    reference: str | None
    net_cents: int
    gst_code: str
    gst_cents: int
    total_cents: int


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    kind: str
    label: str
    amount_cents: int
    detail: str


@dataclass(frozen=True, slots=True)
class ReceiptSnapshot:
    receipt_number: str
    kind: str  # "sale" or "refund"
    issued_at: datetime  # local time, timezone-aware
    workstation: str
    cashier: str
    lines: tuple[ReceiptLine, ...]
    subtotal_cents: int
    gst_cents: int
    total_cents: int
    rounding_cents: int
    tenders: tuple[ReceiptTender, ...]
    change_cents: int
    issuer: Issuer = field(default_factory=Issuer)
    refund_of: str | None = None  # the original receipt number, for refunds

    @property
    def amount_paid_cents(self) -> int:
        """What the resident actually paid (or got back): the total with the cash rounding applied."""
        return self.total_cents + self.rounding_cents

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_at"] = self.issued_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReceiptSnapshot:
        return cls(
            receipt_number=data["receipt_number"],
            kind=data["kind"],
            issued_at=datetime.fromisoformat(data["issued_at"]),
            workstation=data["workstation"],
            cashier=data["cashier"],
            lines=tuple(ReceiptLine(**line) for line in data["lines"]),
            subtotal_cents=data["subtotal_cents"],
            gst_cents=data["gst_cents"],
            total_cents=data["total_cents"],
            rounding_cents=data["rounding_cents"],
            tenders=tuple(ReceiptTender(**t) for t in data["tenders"]),
            change_cents=data["change_cents"],
            issuer=Issuer(**data["issuer"]),
            refund_of=data.get("refund_of"),
        )


def snapshot_of(
    *,
    receipt_number: str,
    kind: str,
    issued_at: datetime,
    workstation: str,
    cashier: str,
    lines: list[SaleLine] | tuple[SaleLine, ...],
    tenders: list[Tender] | tuple[Tender, ...],
    settlement: Settlement,
    issuer: Issuer,
    refund_of: str | None = None,
) -> ReceiptSnapshot:
    return ReceiptSnapshot(
        receipt_number=receipt_number,
        kind=kind,
        issued_at=issued_at,
        workstation=workstation,
        cashier=cashier,
        lines=tuple(
            ReceiptLine(ln.description, ln.reference, ln.net_cents, ln.gst_code, ln.gst_cents, ln.total_cents)
            for ln in lines
        ),
        subtotal_cents=sum(ln.net_cents for ln in lines),
        gst_cents=sum(ln.gst_cents for ln in lines),
        total_cents=settlement.total,
        rounding_cents=settlement.rounding,
        tenders=tuple(ReceiptTender(t.kind.value, t.kind.label, t.amount_cents, t.detail) for t in tenders),
        change_cents=settlement.change,
        issuer=issuer,
        refund_of=refund_of,
    )
