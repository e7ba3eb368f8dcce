"""Who is asking and who approves, as the store knows them now: never as a caller built them.

A :class:`StaffMember` handed to a service could be made up (any id, any permissions) or out of date (disabled,
role changed since sign-in). Every controlled action therefore reads the people again inside its own unit of
work and applies the domain's rule (:func:`counter_app.payments.reversals.ensure_approver`) to what it read.
"""

from __future__ import annotations

from counter_app.errors import UserError
from counter_app.payments.reversals import ensure_approver
from counter_app.services.ports import UnitOfWork
from counter_app.services.records import StaffMember


def current_staff(uow: UnitOfWork, member: object, field: str, error: type[UserError] = UserError) -> StaffMember:
    """The staff member as stored now: active, with the role and permissions the store gives them."""
    if not isinstance(member, StaffMember) or isinstance(member.id, bool) or not isinstance(member.id, int):
        raise error("Sign in again: that staff member is not known on this counter.", field)
    found = uow.staff.by_id(member.id)
    if found is None or found.member.staff_no != member.staff_no:
        raise error("Sign in again: that staff member is not known on this counter.", field)
    if not found.member.active:
        raise error(f"Staff number {found.member.staff_no} is disabled.", field)
    return found.member


def approved_by(uow: UnitOfWork, requester: StaffMember, approver: object, permission: str,
                error: type[UserError] = UserError) -> StaffMember:
    """The approver as stored, holding ``permission`` and not the requester (the domain's rule)."""
    stored = current_staff(uow, approver, "supervisor", error)
    try:
        ensure_approver(requester.id, stored.id, stored.can(permission))
    except UserError as exc:
        raise error(exc.message, exc.field) from None
    return stored
