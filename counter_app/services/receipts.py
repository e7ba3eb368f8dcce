"""Receipts on demand: render the frozen snapshot, mark copies and voids, and log every print."""

from __future__ import annotations

from typing import Protocol

from counter_app.clock import Clock
from counter_app.free_text import shown
from counter_app.payments.errors import PaymentError
from counter_app.payments.receipt import ReceiptSnapshot
from counter_app.services.audit import Auditor
from counter_app.services.payments import receipt_key
from counter_app.services.ports import UnitOfWorkFactory
from counter_app.services.records import StaffMember

LAYOUTS = ("thermal", "letter")


class ReceiptRenderer(Protocol):
    def __call__(self, snapshot: ReceiptSnapshot, *, copy: bool, void: bool, layout: str) -> bytes: ...


class ReceiptService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, renderer: ReceiptRenderer, auditor: Auditor) -> None:
        self._uow = uow
        self._clock = clock
        self._render = renderer
        self.auditor = auditor

    def preview(self, receipt_number: str, layout: str = "thermal") -> bytes:
        """What the receipt would look like printed now (a copy if it was printed before); nothing is logged."""
        receipt_number = receipt_key(receipt_number)
        with self._uow(read_only=True) as uow:
            found = uow.transactions.by_receipt(receipt_number)
            if found is None:
                raise PaymentError(f"No receipt {receipt_number[:24]} on this counter.", "receipt")
            printed = uow.transactions.print_count(found.id)
        return self._render(found.snapshot, copy=printed > 0, void=found.status == "void", layout=_check(layout))

    def issue(self, receipt_number: str, staff: StaffMember | None, layout: str = "thermal",
              force_copy: bool = False) -> bytes:
        """Render for printing or saving and log it: the first issue is the original, any later one a COPY."""
        receipt_number = receipt_key(receipt_number)
        with self._uow() as uow:
            found = uow.transactions.by_receipt(receipt_number)
            if found is None:
                raise PaymentError(f"No receipt {receipt_number[:24]} on this counter.", "receipt")
            copy = force_copy or uow.transactions.print_count(found.id) > 0
            pdf = self._render(found.snapshot, copy=copy, void=found.status == "void", layout=_check(layout))
            uow.transactions.add_print(found.id, self._clock.now(), staff.id if staff else None, copy)
            if copy:
                self.auditor.record(uow, "reprint", actor=staff.staff_no if staff else None,
                                    object_ref=f"receipt:{found.receipt_number}", layout=layout)
            uow.commit()
        return pdf


def _check(layout: str) -> str:
    if layout not in LAYOUTS:
        raise PaymentError(f"Unknown receipt layout “{shown(str(layout), 12)}”: thermal or letter.", "layout")
    return layout
