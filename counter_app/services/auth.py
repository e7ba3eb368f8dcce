"""Who is at the counter: PIN login with lockout, and another person's approval for controlled actions.

PINs are verified (argon2id of the peppered PIN, tens of milliseconds) before any write lock is taken; every
login, failure, lockout and approval is written to the audit trail. A staff number and a PIN are ASCII digits:
anything else is refused before any lookup. A legacy (un-peppered) hash is replaced by a peppered one at the
next good PIN.
"""

from __future__ import annotations

import re
from datetime import timedelta

from counter_app.clock import Clock
from counter_app.errors import UserError
from counter_app.security.pins import (
    DUMMY_HASH,
    NoPepper,
    Pepper,
    PepperMissingError,
    hash_pin,
    key_id_of,
    needs_rehash,
    require_pepper,
    verify_pin,
)
from counter_app.services.audit import Auditor
from counter_app.services.ports import UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import StaffCredentials, StaffMember

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)
_STAFF_NO = re.compile(r"[0-9]{1,10}")
_PIN = re.compile(r"[0-9]{1,64}")


class AuthError(UserError):
    """A login or approval was refused."""


class AuthService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, auditor: Auditor, *, max_failures: int = MAX_FAILURES,
                 lockout: timedelta = LOCKOUT, pepper: Pepper | NoPepper | None = None) -> None:
        self._uow = uow
        self._pepper = pepper
        self.clock = clock
        self.auditor = auditor
        self.max_failures = max_failures
        self.lockout = lockout

    def login(self, staff_no: str, pin: str, *, purpose: str = "login") -> StaffMember:
        """The staff member whose number and PIN match; one message for any wrong number or PIN."""
        number = staff_no.strip() if isinstance(staff_no, str) else ""
        secret = pin.strip() if isinstance(pin, str) else ""
        if not number or not secret:
            raise AuthError("Type your staff number and PIN.", "pin")
        if not _STAFF_NO.fullmatch(number):
            raise AuthError("A staff number is digits only: type it with the digits 0 to 9.", "staff_no")
        if not _PIN.fullmatch(secret):
            raise AuthError("A PIN is digits only: type it with the digits 0 to 9 (check the keyboard layout).",
                            "pin")
        pepper = self._key()
        with self._uow(read_only=True) as uow:
            found = uow.staff.by_number(number)
        now = self.clock.now()
        if found is not None and found.locked_until is not None and found.locked_until > now:
            self._audit(purpose, number, "refused", reason="locked")
            raise AuthError(f"Staff number {number} is locked after {self.max_failures} wrong PINs. "
                            "An administrator can unlock it.", "pin")
        made_with = key_id_of(found.pin_hash) if found else None
        if found is not None and found.member.active and made_with not in (None, pepper.key_id):
            verify_pin(DUMMY_HASH, secret, pepper)  # the same work as a real check
            self._audit(purpose, number, "failed", reason="PIN made with another pepper")
            raise AuthError(f"Staff number {number}'s PIN was set with another PIN pepper (key {made_with}; this "
                            f"workstation has {pepper.key_id}). IT must provision the city's pepper here, or an "
                            "administrator resets the PIN (docs/security.md).", "pin")
        matched = verify_pin(found.pin_hash if found else DUMMY_HASH, secret, pepper)
        if found is None or not matched or not found.member.active:
            self._failure(purpose, number, found)
            raise AuthError("Staff number or PIN is wrong.", "pin")
        upgrade = hash_pin(secret, pepper) if needs_rehash(found.pin_hash, pepper) else None
        if found.failed_attempts or purpose == "login" or upgrade:
            with self._uow() as uow:
                uow.staff.clear_failures(found.member.id)
                if upgrade:
                    self._upgrade(uow, found, upgrade)
                if purpose == "login":
                    self.auditor.record(uow, "login", actor=number)
                uow.commit()
        return found.member

    @property
    def pin_problem(self) -> str | None:
        """Why PINs cannot be checked here (no pepper provisioned), for the sign-in screen; None when they can."""
        try:
            self._key()
        except AuthError as exc:
            return exc.message
        return None

    def _key(self) -> Pepper:
        try:
            return require_pepper(self._pepper)
        except PepperMissingError as exc:
            raise AuthError(exc.message, "pin") from None

    def _upgrade(self, uow: UnitOfWork, found: StaffCredentials, pin_hash: str) -> None:
        """A legacy hash (made before peppering) is replaced after a good PIN; the centre gets the new one."""
        member = found.member
        uow.staff.update(member.id, pin_hash=pin_hash)
        entry = self.auditor.record(uow, "pin_rehash", actor=member.staff_no, object_ref=f"staff:{member.staff_no}")
        uow.outbox.add("staff_change", entry.id, {
            "staff_no": member.staff_no, "name": member.name, "role": member.role, "active": member.active,
            "pin_hash": pin_hash, "changed_by": member.staff_no, "change": "pin_rehash"}, self.clock.now())

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
