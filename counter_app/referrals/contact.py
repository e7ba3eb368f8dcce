"""A resident's contact details: only what the referral needs, and only with their consent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from counter_app.errors import UserError
from counter_app.free_text import clean_text

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_NAME_MAX = 60  # referrals.first_name / last_name
_EMAIL_MAX = 254
_PHONE_TYPED_MAX = 30


class ReferralError(UserError):
    """A referral rule refused what was typed."""


@dataclass(frozen=True, slots=True)
class Contact:
    first_name: str = ""
    last_name: str = ""
    phone: str = ""  # stored as 10 digits, shown as 403-555-0123
    email: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.first_name or self.last_name or self.phone or self.email)

    @property
    def phone_display(self) -> str:
        p = self.phone
        return f"{p[:3]}-{p[3:6]}-{p[6:]}" if len(p) == 10 else p

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def normalise_phone(text: str) -> str:
    """North American numbers: ten digits, an optional leading 1, any punctuation."""
    raw = clean_text(text, "phone", max_len=_PHONE_TYPED_MAX, label="the phone number", error=ReferralError)
    if not raw:
        return ""
    digits = "".join(ch for ch in raw if ch.isascii() and ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    allowed = set("0123456789 ()-.+")
    if len(digits) != 10 or not set(raw) <= allowed or digits[0] in "01":
        raise ReferralError("Type a 10-digit phone number, e.g. 403-555-0123.", "phone")
    return digits


def normalise_email(text: str) -> str:
    value = clean_text(text, "email", max_len=_EMAIL_MAX, label="the email address", error=ReferralError)
    if not value:
        return ""
    if not _EMAIL.fullmatch(value) or not value.isascii():
        raise ReferralError("Type an email address such as name@example.ca.", "email")
    return value.lower()


def _name(text: str, field: str) -> str:
    value = clean_text(text, field, max_len=_NAME_MAX, error=ReferralError)
    if any(ch.isdigit() for ch in value):
        raise ReferralError("A name has no digits.", field)
    return value


def check_contact(contact: Contact) -> Contact:
    """Contact details handed to the service checked again by the same rules (consent is the screen's)."""
    if not isinstance(contact, Contact):
        raise ReferralError("The resident's contact details are not valid: type them again.", "first_name")
    return Contact(_name(contact.first_name, "first_name"), _name(contact.last_name, "last_name"),
                   normalise_phone(contact.phone), normalise_email(contact.email))


def make_contact(first_name: str, last_name: str, phone: str, email: str, consent: bool) -> Contact:
    """Validated contact details; any detail without the resident's consent is refused, not silently dropped."""
    contact = Contact(
        _name(first_name, "first_name"), _name(last_name, "last_name"), normalise_phone(phone), normalise_email(email)
    )
    if not contact.is_empty and not consent:
        raise ReferralError("Tick the consent box (the resident agrees we keep these details), or clear them.",
                            "consent")
    return contact
