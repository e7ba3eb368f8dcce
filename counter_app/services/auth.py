"""Who is at the counter: PIN login and supervisor approval. PINs are checked before any write lock is taken."""

from __future__ import annotations

from counter_app.payments.errors import PaymentError
from counter_app.payments.reversals import ensure_approver
from counter_app.security.pins import DUMMY_HASH, verify_pin
from counter_app.services.ports import UnitOfWorkFactory
from counter_app.services.records import StaffMember


class AuthError(PaymentError):
    """A login or approval was refused."""


class AuthService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def login(self, staff_no: str, pin: str) -> StaffMember:
        """The staff member whose number and PIN match; one message for every failure (no hints)."""
        number, secret = (staff_no or "").strip(), (pin or "").strip()
        if not number or not secret:
            raise AuthError("Type your staff number and PIN.", "pin")
        with self._uow(read_only=True) as uow:
            found = uow.staff.by_number(number[:10])
        if found is None:
            verify_pin(DUMMY_HASH, secret)
            raise AuthError("Staff number or PIN is wrong.", "pin")
        if not verify_pin(found.pin_hash, secret) or not found.member.active:
            raise AuthError("Staff number or PIN is wrong.", "pin")
        return found.member

    def approve(self, staff_no: str, pin: str, requester: StaffMember) -> StaffMember:
        """A supervisor's approval for something ``requester`` asked for; never their own."""
        try:
            supervisor = self.login(staff_no, pin)
        except AuthError as exc:
            raise AuthError("Supervisor number or PIN is wrong.", "supervisor") from exc
        ensure_approver(requester.id, supervisor.id, supervisor.is_supervisor)
        return supervisor
