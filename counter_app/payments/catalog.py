"""What the counter sells: services, the fee schedule, GST codes and tender kinds, all as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TenderKind(StrEnum):
    CASH = "cash"
    DEBIT = "debit"
    CREDIT = "credit"
    CHEQUE = "cheque"
    MONEY_ORDER = "money_order"

    @property
    def label(self) -> str:
        return _TENDER_LABELS[self]

    @property
    def is_card(self) -> bool:
        return self in (TenderKind.DEBIT, TenderKind.CREDIT)


_TENDER_LABELS = {
    TenderKind.CASH: "Cash",
    TenderKind.DEBIT: "Debit",
    TenderKind.CREDIT: "Credit card",
    TenderKind.CHEQUE: "Cheque",
    TenderKind.MONEY_ORDER: "Money order",
}

ALL_TENDERS = frozenset(TenderKind)


class LineKind(StrEnum):
    BILL = "bill"  # payment against an account: reduces a receivable, amount due looked up
    FIXED = "fixed"  # a fee from the fee schedule
    OPEN = "open"  # miscellaneous receivable: amount typed, GL chosen by the cashier


class BillType(StrEnum):
    UTILITY = "utility"
    TAX_ROLL = "tax_roll"
    PARKING = "parking"
    INVOICE = "invoice"


@dataclass(frozen=True, slots=True)
class GstCode:
    code: str
    description: str
    rate_bp: int  # basis points: 500 is 5%

    @property
    def taxable(self) -> bool:
        return self.rate_bp > 0


@dataclass(frozen=True, slots=True)
class GlAccount:
    code: str  # FFF-DDDD-OOOO: fund, department, object
    name: str


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    name: str
    kind: LineKind
    gl_account: str
    gst_code: str
    allowed_tenders: frozenset[TenderKind]
    department: str
    amount_cents: int | None = None  # fixed fees only
    bill_type: BillType | None = None  # bill payments only
    quick_key: int | None = None  # Ctrl+1..Ctrl+9 on the payment screen
    keywords: str = ""
    sort_order: int = 0
    topic: str = "other"  # what the city counts a payment for this service as
    max_cents: int | None = None  # a transaction above this for the service needs a supervisor (payments.limits)

    def matches(self, words: list[str]) -> bool:
        """Every typed word appears in the code, name or keywords (search as you type)."""
        haystack = f"{self.code} {self.name} {self.keywords}".casefold()
        return all(word in haystack for word in words)


def search_services(services: list[Service], text: str, limit: int = 30) -> list[Service]:
    """Rank: exact code, code prefix, name prefix, then any match; stable by the catalogue order."""
    words = text.casefold().split()
    if not words:
        return list(services[:limit])
    query = text.strip().casefold()

    def rank(service: Service) -> int:
        code, name = service.code.casefold(), service.name.casefold()
        if code == query:
            return 0
        if code.startswith(query):
            return 1
        if name.startswith(query):
            return 2
        return 3

    found = [s for s in services if s.matches(words)]
    found.sort(key=rank)
    return found[:limit]
