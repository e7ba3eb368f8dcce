"""Referral rules: reason, department, consent, phone and email, callbacks, and dates in business hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.errors import UserError
from counter_app.referrals.business_hours import add_business_hours
from counter_app.referrals.contact import Contact, ReferralError, make_contact, normalise_email, normalise_phone
from counter_app.referrals.open311 import service_request
from counter_app.referrals.referral import (
    Department,
    Mode,
    ReferralRequest,
    Status,
    Urgency,
    check_status_change,
    make_referral,
)

TZ = ZoneInfo("America/Edmonton")
WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)
UTIL = Department("UTIL", "Utility Services", "Room 106", "3320", 24, (("UTIL-BILL", "Billing specialist"),))
DEPARTMENTS = {"UTIL": UTIL}


def refer(**changes: object) -> object:
    base = dict(department_code="UTIL", role_code="UTIL-BILL", description="High water bill after a leak",
                mode=Mode.CALLBACK, contact=Contact("Ann", "Fehr", "4035550123", ""),
                callback_window="Morning 8:30-12:00", topic="utilities")
    base.update(changes)
    request = ReferralRequest(**base)  # type: ignore[arg-type]
    return make_referral(request, DEPARTMENTS, id="r1", token="CH1-02-R00001", now=WEDNESDAY_10,
                         workstation="CH1-02", staff_id=1)


def test_business_hours_skip_nights_and_weekends() -> None:
    assert add_business_hours(WEDNESDAY_10, 4) == WEDNESDAY_10.replace(hour=14)
    assert add_business_hours(WEDNESDAY_10, 8) == datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=TZ)
    assert add_business_hours(friday_4pm, 1) == datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=TZ)
    assert add_business_hours(saturday, 0.5) == datetime(2026, 11, 30, 9, 0, tzinfo=TZ)


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
       st.integers(min_value=0, max_value=200))
def test_business_hours_land_inside_open_hours(start: datetime, hours: int) -> None:
    result = add_business_hours(start.replace(tzinfo=TZ), hours)
    assert result >= start.replace(tzinfo=TZ)
    assert result.weekday() < 5
    assert (8, 30) <= (result.hour, result.minute) <= (16, 30)


def test_callback_expected_from_department_response_time() -> None:
    referral = refer()
    # 24 business hours from Wednesday 10:00: 6.5 h Wed, 8 h Thu, 8 h Fri, 1.5 h Monday.
    assert referral.expected_at == datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
    assert "will contact you by Monday, November 30 at 10:00 am" in referral.service_notice


def test_urgent_caps_the_response_time() -> None:
    assert refer(urgency=Urgency.URGENT).expected_at == WEDNESDAY_10 + timedelta(hours=4)


def test_walk_in_needs_no_contact() -> None:
    referral = refer(mode=Mode.WALK_IN, contact=Contact(), callback_window="")
    assert "coming to the counter" in referral.service_notice and referral.callback_window == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "hi"}, "description"),
        ({"department_code": ""}, "department"),
        ({"role_code": "TAX-CLERK"}, "role"),
        ({"contact": Contact()}, "phone"),
        ({"callback_window": ""}, "callback_window"),
        ({"expected_override": WEDNESDAY_10 - timedelta(minutes=1)}, "expected"),
        ({"description": "card 4111 1111 1111 1111 declined"}, "description"),
    ],
)
def test_bad_referrals_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(UserError) as caught:
        refer(**changes)
    assert caught.value.field == field and caught.value.message


def test_contact_details_need_consent() -> None:
    with pytest.raises(ReferralError, match="consent"):
        make_contact("Ann", "Fehr", "403 555 0123", "", consent=False)
    assert make_contact("", "", "", "", consent=False).is_empty
    contact = make_contact(" Ann ", "Fehr", "+1 (403) 555-0123", "Ann@Example.ca", consent=True)
    assert (contact.phone, contact.email, contact.phone_display) == ("4035550123", "ann@example.ca", "403-555-0123")


@pytest.mark.parametrize("phone", ["555-0123", "403-555-01234", "phone me", "0035550123", "403555012x"])
def test_malformed_phone(phone: str) -> None:
    with pytest.raises(ReferralError, match="10-digit"):
        normalise_phone(phone)


@pytest.mark.parametrize("email", ["ann", "ann@", "@x.ca", "ann@x", "a b@x.ca", "ánn@x.ca"])
def test_malformed_email(email: str) -> None:
    with pytest.raises(ReferralError, match="email"):
        normalise_email(email)


def test_status_changes_need_notes() -> None:
    with pytest.raises(ReferralError, match="Closing needs a note"):
        check_status_change(Status.OPEN, Status.CLOSED, "")
    assert check_status_change(Status.OPEN, Status.CLOSED, "  Credit applied  ") == "Credit applied"
    with pytest.raises(ReferralError, match="re-opened"):
        check_status_change(Status.CLOSED, Status.OPEN, "")


def test_open311_field_names_and_iso_datetimes() -> None:
    data = service_request(refer())
    for key in ("service_request_id", "status", "service_code", "description", "agency_responsible",
                "service_notice", "requested_datetime", "expected_datetime", "address_string", "first_name",
                "last_name", "phone", "email", "attributes"):
        assert key in data
    assert data["status"] == "open" and data["agency_responsible"] == "Utility Services"
    assert datetime.fromisoformat(data["requested_datetime"]).utcoffset() is not None
    assert data["requested_datetime"].endswith("-07:00")
    assert data["attributes"]["role"] == "Billing specialist"
