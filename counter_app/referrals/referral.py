"""Referral rules: a reason, a department and role, urgency, how the resident will be reached, and by when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from counter_app.free_text import clean_text
from counter_app.payments.accounts import LENGTHS, digits_of, format_account
from counter_app.payments.check_digits import damm_valid
from counter_app.referrals.business_hours import add_business_hours
from counter_app.referrals.contact import Contact, ReferralError, check_contact

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 1000
#: The local referral columns the texts land in (centrally they travel in the service request's payload).
CALLBACK_WINDOW_MAX = 60
ADDRESS_MAX = 120
ACCOUNT_MAX = 20
RECEIPT_MAX = 20
#: A status note (c_referral_notes.note).
NOTE_MAX = 500


class Mode(StrEnum):
    WALK_IN = "walk_in"  # the specialist comes to the counter now
    CALLBACK = "callback"  # the specialist calls or writes back

    @property
    def label(self) -> str:
        return "Walk-in hand-off" if self is Mode.WALK_IN else "Follow-up callback"


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"

    @property
    def hours_cap(self) -> float | None:
        """Urgent requests are answered within half a business day, soon ones within one."""
        return {"routine": None, "soon": 8.0, "urgent": 4.0}[self.value]


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


CALLBACK_WINDOWS = ("Any time 8:30-4:30", "Morning 8:30-12:00", "Afternoon 12:00-4:30", "After 3:00 pm")


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    room: str
    extension: str
    response_hours: float
    roles: tuple[tuple[str, str], ...]  # (role code, role name)

    def role_name(self, code: str) -> str | None:
        return next((name for role, name in self.roles if role == code), None)


@dataclass(frozen=True, slots=True)
class ReferralRequest:
    """What the cashier typed; validated into a :class:`Referral` by :func:`make_referral`."""

    department_code: str
    role_code: str
    description: str
    mode: Mode
    urgency: Urgency = Urgency.ROUTINE
    contact: Contact = field(default_factory=Contact)
    callback_window: str = ""
    address: str = ""
    account_number: str = ""
    related_receipt: str = ""
    topic: str = "other"
    expected_override: datetime | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    id: str
    token: str  # the counter's reference until the central 311 database assigns its service request id
    department_code: str
    department_name: str
    role_code: str
    role_name: str
    description: str
    mode: Mode
    urgency: Urgency
    contact: Contact
    callback_window: str
    address: str
    account_number: str
    related_receipt: str
    topic: str
    requested_at: datetime
    expected_at: datetime
    service_notice: str
    workstation: str
    staff_id: int
    status: Status = Status.OPEN
    service_request_id: str | None = None
    handoff_at: datetime | None = None

    @property
    def reference(self) -> str:
        return self.service_request_id or self.token


def expected_datetime(requested: datetime, department: Department, urgency: Urgency) -> datetime:
    hours = department.response_hours
    if urgency.hours_cap is not None:
        hours = min(hours, urgency.hours_cap)
    return add_business_hours(requested, hours)


def service_notice(department: Department, role_name: str, mode: Mode, expected: datetime) -> str:
    """The sentence the slip prints and Open311 carries as ``service_notice``."""
    when = expected.strftime("%A, %B %-d at %-I:%M %p").replace("AM", "am").replace("PM", "pm")
    if mode is Mode.WALK_IN:
        return f"A {role_name.lower()} from {department.name} is coming to the counter to see you now."
    return f"A {role_name.lower()} from {department.name} will contact you by {when}."


def _text(value: str, field: str, limit: int) -> str:
    return clean_text(value, field, max_len=limit, error=ReferralError)


def _account(value: str) -> str:
    """An account or roll number the counter can check is kept as typed (a roll number may pass Luhn too)."""
    text = clean_text(value, "account", max_len=40, screen_cards=False, error=ReferralError)
    digits = digits_of(text)
    if len(digits) in LENGTHS and digits.isascii() and damm_valid(digits):
        return format_account(digits)
    return _text(text, "account", ACCOUNT_MAX)


def make_referral(
    request: ReferralRequest,
    departments: dict[str, Department],
    *,
    id: str,
    token: str,
    now: datetime,
    workstation: str,
    staff_id: int,
) -> Referral:
    """Check every rule and fix the dates; nothing is stored when this raises."""
    description = _text(request.description, "description", DESCRIPTION_MAX)
    if len(description) < DESCRIPTION_MIN:
        raise ReferralError("Say why the resident is referred (a few words at least).", "description")
    department = departments.get(request.department_code)
    if department is None:
        raise ReferralError("Choose the department to refer to.", "department")
    role_name = department.role_name(request.role_code)
    if role_name is None:
        raise ReferralError(f"Choose a specialist role in {department.name}.", "role")
    contact = check_contact(request.contact)
    window = _text(request.callback_window, "callback_window", CALLBACK_WINDOW_MAX)
    if request.mode is Mode.CALLBACK:
        if not (contact.phone or contact.email):
            raise ReferralError("A callback needs a phone number or an email (with the resident's consent).",
                                "phone")
        if not window:
            raise ReferralError("Choose when the resident can be called back.", "callback_window")
    expected = expected_datetime(now, department, request.urgency)
    if request.expected_override is not None:
        if request.expected_override <= now:
            raise ReferralError("The expected date is in the past: choose a later time.", "expected")
        expected = request.expected_override
    return Referral(
        id=id,
        token=token,
        department_code=department.code,
        department_name=department.name,
        role_code=request.role_code,
        role_name=role_name,
        description=description,
        mode=request.mode,
        urgency=request.urgency,
        contact=contact,
        callback_window=window if request.mode is Mode.CALLBACK else "",
        address=_text(request.address, "address", ADDRESS_MAX),
        account_number=_account(request.account_number),
        related_receipt=_text(_text(request.related_receipt, "related_receipt", RECEIPT_MAX).upper(),
                              "related_receipt", RECEIPT_MAX),
        topic=request.topic,
        requested_at=now,
        expected_at=expected,
        service_notice=service_notice(department, role_name, request.mode, expected),
        workstation=workstation,
        staff_id=staff_id,
    )


def check_status_change(current: Status, new: Status, note: str) -> str:
    text = clean_text(note, "note", max_len=NOTE_MAX, error=ReferralError)
    if new == current and not text:
        raise ReferralError("Add a note or choose a different status.", "note")
    if current is Status.CLOSED and new is not Status.CLOSED and len(text) < 5:
        raise ReferralError("Say why the referral is re-opened.", "note")
    if new is Status.CLOSED and len(text) < 3:
        raise ReferralError("Closing needs a note (what was done).", "note")
    return text
