"""Administration: staff (create, disable, reset PIN, unlock) and the fee schedule. Audited, and sent central."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counter_app.clock import Clock
from counter_app.errors import UserError
from counter_app.free_text import clean_code, clean_text, shown
from counter_app.payments.catalog import TenderKind
from counter_app.payments.money import format_plain, parse_amount
from counter_app.security.pins import NoPepper, Pepper, hash_pin
from counter_app.services.approvals import current_staff
from counter_app.services.audit import Auditor
from counter_app.services.ports import UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import StaffMember

_STAFF_NO = re.compile(r"[0-9]{4,6}")
_PIN = re.compile(r"[0-9]{4,12}")
#: A role that may approve or administer needs a longer PIN: its hash is worth more to an attacker.
PRIVILEGED_PIN_DIGITS = 6
_PRIVILEGED = ("approve_", "manage_", "edit_", "unlock_", "verify_")


class AdminError(UserError):
    """An administration rule refused the change."""


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: int
    staff_no: str
    name: str
    role: str
    active: bool
    locked: bool
    failed_attempts: int


def pin_digits_for(permissions: frozenset[str]) -> int:
    """How many digits a PIN needs: 6 for a role that approves or administers, else 4."""
    return PRIVILEGED_PIN_DIGITS if any(p.startswith(_PRIVILEGED) for p in permissions) else 4


def check_pin(pin: str, *, min_digits: int = 4) -> str:
    """A PIN is ASCII digits 0-9 (other scripts' digits look alike but are other characters), 4 to 12 of them
    (``min_digits`` for privileged roles), and not a repeated or running sequence."""
    value = pin.strip() if isinstance(pin, str) else ""
    if not _PIN.fullmatch(value):
        if value and all(ch.isdigit() for ch in value):
            raise AdminError("Type the PIN with the digits 0 to 9 (check the keyboard layout).", "pin")
        raise AdminError("A PIN is 4 to 12 digits.", "pin")
    if len(value) < min_digits:
        raise AdminError(f"A supervisor's or administrator's PIN is at least {min_digits} digits.", "pin")
    if len(set(value)) == 1 or value in "0123456789012" or value in "9876543210":
        raise AdminError("Choose a PIN that is not a repeated or running sequence of digits.", "pin")
    return value


#: staff.name (local), the staff reference data and staff_change records (central).
NAME_MAX = 80
#: services.name; a line's description (name, ": ", typed text) stays within c_transaction_lines' 200.
SERVICE_NAME_MAX = 120


def check_name(name: str) -> str:
    value = clean_text(name, "name", max_len=NAME_MAX, label="the person's name", error=AdminError)
    if not 2 <= len(value) <= NAME_MAX or any(ch.isdigit() for ch in value):
        raise AdminError("Type the person's name (2 to 80 letters, no digits).", "name")
    return value


class AdminService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, auditor: Auditor,
                 on_catalog_change: Callable[[], None] = lambda: None, *,
                 pepper: Pepper | NoPepper | None = None) -> None:
        self._uow = uow
        self._pepper = pepper
        self.clock = clock
        self.auditor = auditor
        self._on_catalog_change = on_catalog_change

    def _require(self, admin: StaffMember, permission: str) -> None:
        """The administrator as the store knows them now (not as the caller built them) holds ``permission``."""
        with self._uow(read_only=True) as uow:
            stored = current_staff(uow, admin, "admin", AdminError)
        if not stored.can(permission):
            raise AdminError("Only an administrator can do this.", "admin")

    def staff(self, admin: StaffMember) -> list[StaffRow]:
        self._require(admin, "manage_staff")
        now = self.clock.now()
        with self._uow(read_only=True) as uow:
            return [StaffRow(c.member.id, c.member.staff_no, c.member.name, c.member.role, c.member.active,
                             bool(c.locked_until and c.locked_until > now), c.failed_attempts)
                    for c in uow.staff.all()]

    def roles(self) -> list[str]:
        with self._uow(read_only=True) as uow:
            return sorted(uow.staff.roles())

    def create_staff(self, admin: StaffMember, staff_no: str, name: str, role: str, pin: str) -> int:
        self._require(admin, "manage_staff")
        number = staff_no.strip() if isinstance(staff_no, str) else ""
        if not _STAFF_NO.fullmatch(number):
            raise AdminError("A staff number is 4 to 6 digits.", "staff_no")
        person = check_name(name)
        with self._uow(read_only=True) as uow:
            roles = uow.staff.roles()
        if not isinstance(role, str) or role not in roles:
            raise AdminError("Choose a role: cashier, supervisor or administrator.", "role")
        secret = check_pin(pin, min_digits=pin_digits_for(roles[role]))
        digest = hash_pin(secret, self._pepper)
        with self._uow() as uow:
            if uow.staff.by_number(number) is not None:
                raise AdminError(f"Staff number {number} is already used.", "staff_no")
            staff_id = uow.staff.add(number, person, role, digest)
            self._publish(uow, number, admin, "staff_create", name=person, role=role)
            uow.commit()
        return staff_id

    def set_active(self, admin: StaffMember, staff_no: str, active: bool) -> None:
        self._require(admin, "manage_staff")
        with self._uow() as uow:
            target = self._target(uow, staff_no)
            if target.id == admin.id and not active:
                raise AdminError("You cannot disable your own account.", "staff_no")
            uow.staff.update(target.id, active=active)
            self._publish(uow, target.staff_no, admin, "staff_enable" if active else "staff_disable")
            uow.commit()

    def reset_pin(self, admin: StaffMember, staff_no: str, new_pin: str) -> None:
        self._require(admin, "manage_staff")
        with self._uow(read_only=True) as uow:
            target = self._target(uow, staff_no)
        digest = hash_pin(check_pin(new_pin, min_digits=pin_digits_for(target.permissions)), self._pepper)
        with self._uow() as uow:
            target = self._target(uow, staff_no)
            uow.staff.update(target.id, pin_hash=digest)
            self._publish(uow, target.staff_no, admin, "staff_reset_pin")
            uow.commit()

    def change_role(self, admin: StaffMember, staff_no: str, role: str, new_pin: str = "") -> None:
        """Give someone another role. A role that approves or administers needs a 6-digit PIN, and the length of
        the current one cannot be read from its hash, so such a change always sets a new PIN with it."""
        self._require(admin, "manage_staff")
        with self._uow(read_only=True) as uow:
            roles = uow.staff.roles()
            target = self._target(uow, staff_no)
        if not isinstance(role, str) or role not in roles:
            raise AdminError("Choose a role: cashier, supervisor or administrator.", "role")
        if target.id == admin.id:
            raise AdminError("You cannot change your own role.", "role")
        digits = pin_digits_for(roles[role])
        digest = None
        if new_pin or digits > pin_digits_for(target.permissions):
            if not new_pin:
                raise AdminError(f"A {role} needs a PIN of at least {digits} digits: set a new PIN with the role.",
                                 "pin")
            digest = hash_pin(check_pin(new_pin, min_digits=digits), self._pepper)
        with self._uow() as uow:
            target = self._target(uow, staff_no)
            uow.staff.update(target.id, role=role, pin_hash=digest)
            self._publish(uow, target.staff_no, admin, "staff_role", role=role, new_pin=digest is not None)
            uow.commit()

    def unlock(self, admin: StaffMember, staff_no: str) -> None:
        self._require(admin, "unlock_staff")
        with self._uow() as uow:
            target = self._target(uow, staff_no)
            uow.staff.clear_failures(target.id)
            self.auditor.record(uow, "staff_unlock", actor=admin.staff_no, object_ref=f"staff:{target.staff_no}")
            uow.commit()

    def _target(self, uow: UnitOfWork, staff_no: str) -> StaffMember:
        number = staff_no.strip() if isinstance(staff_no, str) else ""
        found = uow.staff.by_number(number) if _STAFF_NO.fullmatch(number) else None
        if found is None:
            raise AdminError(f"No staff number {shown(number, 10)}.", "staff_no")
        return found.member

    def _publish(self, uow: UnitOfWork, staff_no: str, admin: StaffMember, action: str, **detail: Any) -> None:
        """Staff changes go central (with the PIN hash, never the PIN) and into the audit trail."""
        found = uow.staff.by_number(staff_no)
        assert found is not None
        member = found.member
        payload = {"staff_no": member.staff_no, "name": member.name, "role": member.role, "active": member.active,
                   "pin_hash": found.pin_hash, "changed_by": admin.staff_no, "change": action}
        entry = self.auditor.record(uow, action, actor=admin.staff_no, object_ref=f"staff:{staff_no}", **detail)
        uow.outbox.add("staff_change", entry.id, payload, self.clock.now())

    # -- fee schedule ---------------------------------------------------------------------------------------
    def update_service(self, admin: StaffMember, code: str, *, name: str | None = None,
                       amount_text: str | None = None, tenders: list[str] | None = None,
                       active: bool | None = None) -> None:
        """Change a fee or which tenders a service accepts; the old and new values go in the audit trail."""
        self._require(admin, "edit_fee_schedule")
        changes: dict[str, Any] = {}
        if name is not None:
            text = clean_text(name, "name", max_len=SERVICE_NAME_MAX, label="the service name", error=AdminError)
            if not 3 <= len(text) <= SERVICE_NAME_MAX:
                raise AdminError("A service name is 3 to 120 characters.", "name")
            changes["name"] = text
        if amount_text is not None:
            changes["amount_cents"] = parse_amount(amount_text)
        if tenders is not None:
            try:
                kinds = sorted({TenderKind(t).value for t in tenders})
            except ValueError:
                raise AdminError("Unknown tender kind.", "tenders") from None
            if not kinds:
                raise AdminError("A service accepts at least one tender.", "tenders")
            changes["allowed_tenders"] = ",".join(kinds)
        if active is not None:
            changes["active"] = active
        if not changes:
            raise AdminError("Nothing to change.", "service")
        code = clean_code(code, "service", max_len=16, label="service code")
        with self._uow() as uow:
            before = uow.catalog.service_fields(code)
            if before is None:
                raise AdminError(f"No service with code {code[:16]}.", "service")
            if "amount_cents" in changes and before.get("kind") != "fixed":
                raise AdminError("Only fixed fees have an amount in the fee schedule.", "amount")
            uow.catalog.update_service(code, changes)
            shown = {k: (format_plain(v) if k == "amount_cents" else v) for k, v in changes.items()}
            entry = self.auditor.record(uow, "fee_change", actor=admin.staff_no, object_ref=f"service:{code}",
                                        before={k: before.get(k) for k in changes}, after=shown)
            uow.outbox.add("fee_change", entry.id, {"code": code, "changes": changes, "changed_by": admin.staff_no},
                           self.clock.now())
            uow.commit()
        self._on_catalog_change()
