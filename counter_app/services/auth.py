"""Who is at the counter: PIN login with lockout, and another person's approval for controlled actions.

PINs are verified (argon2id, tens of milliseconds) before any write lock is taken; every login, failure, lockout
and approval is written to the audit trail.
"""

from __future__ import annotations

from datetime import timedelta

from counter_app.clock import Clock
from counter_app.errors import UserError
from counter_app.security.pins import DUMMY_HASH, verify_pin
from counter_app.services.audit import Auditor
from counter_app.services.ports import UnitOfWorkFactory
from counter_app.services.records import StaffCredentials, StaffMember

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)


class AuthError(UserError):
    """A login or approval was refused."""


class AuthService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, auditor: Auditor, *, max_failures: int = MAX_FAILURES,
                 lockout: timedelta = LOCKOUT) -> None:
        self._uow = uow
        self.clock = clock
        self.auditor = auditor
        self.max_failures = max_failures
        self.lockout = lockout

    def login(self, staff_no: str, pin: str, *, purpose: str = "login") -> StaffMember:
        """The staff member whose number and PIN match; one message for any wrong number or PIN."""
        number, secret = (staff_no or "").strip()[:10], (pin or "").strip()
        if not number or not secret:
            raise AuthError("Type your staff number and PIN.", "pin")
        with self._uow(read_only=True) as uow:
            found = uow.staff.by_number(number)
        now = self.clock.now()
        if found is not None and found.locked_until is not None and found.locked_until > now:
            self._audit(purpose, number, "refused", reason="locked")
            raise AuthError(f"Staff number {number} is locked after {self.max_failures} wrong PINs. "
                            "An administrator can unlock it.", "pin")
        matched = verify_pin(found.pin_hash if found else DUMMY_HASH, secret[:64])
        if found is None or not matched or not found.member.active:
            self._failure(purpose, number, found)
            raise AuthError("Staff number or PIN is wrong.", "pin")
        if found.failed_attempts or purpose == "login":
            with self._uow() as uow:
                uow.staff.clear_failures(found.member.id)
                if purpose == "login":
                    self.auditor.record(uow, "login", actor=number)
                uow.commit()
        return found.member

    def _failure(self, purpose: str, number: str, found: StaffCredentials | None) -> None:
        with self._uow() as uow:
            if found is not None and found.member.active:
                attempts = found.failed_attempts + 1
                lock_until = self.clock.now() + self.lockout if attempts >= self.max_failures else None
                uow.staff.record_failure(found.member.id, lock_until)
                if lock_until is not None:
                    self.auditor.record(uow, "lockout", actor=number, outcome="refused", object_ref=f"staff:{number}",
                                        attempts=attempts, until=lock_until.isoformat())
            self.auditor.record(uow, purpose, actor=number, outcome="failed", reason="wrong number or PIN")
            uow.commit()

    def _audit(self, action: str, actor: str, outcome: str, **detail: str) -> None:
        with self._uow() as uow:
            self.auditor.record(uow, action, actor=actor, outcome=outcome, **detail)
            uow.commit()

    def approve(self, staff_no: str, pin: str, requester: StaffMember, permission: str = "approve_void",
                object_ref: str | None = None) -> StaffMember:
        """Another person with ``permission`` approves what ``requester`` asked for; never themselves."""
        try:
            approver = self.login(staff_no, pin, purpose="approval")
        except AuthError as exc:
            raise AuthError(exc.message.replace("Staff number or PIN", "Supervisor number or PIN"), "supervisor") \
                from exc
        refusal = None
        if approver.id == requester.id:
            refusal = "A supervisor cannot approve their own request: ask another supervisor."
        elif not approver.can(permission):
            refusal = "Only a supervisor can approve this."
        self._audit("override", approver.staff_no, "refused" if refusal else "ok", permission=permission,
                    requester=requester.staff_no, object=object_ref or "")
        if refusal:
            raise AuthError(refusal, "supervisor")
        return approver
