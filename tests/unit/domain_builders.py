"""Small builders for domain tests: services and lines without a database."""

from __future__ import annotations

from counter_app.payments.catalog import ALL_TENDERS, GstCode, LineKind, Service, TenderKind

EXEMPT = GstCode("EX", "GST exempt", 0)
GST5 = GstCode("G5", "GST 5%", 500)


def fee(code: str = "DOG-AC", cents: int = 2000, *, tenders: frozenset[TenderKind] = ALL_TENDERS,
        gst: str = "EX") -> Service:
    return Service(code, f"Fee {code}", LineKind.FIXED, "100-6200-4210", gst, tenders, "Animal Services", cents)


def open_service() -> Service:
    return Service("MISC", "Miscellaneous receivable", LineKind.OPEN, "100-1100-4410", "EX", ALL_TENDERS, "311")
