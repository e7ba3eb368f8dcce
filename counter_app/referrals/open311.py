"""Referrals as Open311 GeoReport v2 service requests: the standard field names, ISO 8601 with time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from counter_app.referrals.referral import Referral


def service_request(referral: Referral, updated_at: datetime | None = None, status_notes: str = "",
                    tz: tzinfo | None = None) -> dict[str, Any]:
    """One GeoReport v2 service request; counter-specific facts ride in ``attributes``. Times are ISO 8601 with
    the offset of ``tz`` (the city's zone) when given, as the counter states them to the resident."""

    def _iso(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return (moment.astimezone(tz) if tz is not None else moment).isoformat(timespec="seconds")

    contact = referral.contact
    return {
        "service_request_id": referral.service_request_id,
        "token": referral.token,
        "status": "closed" if referral.status.value == "closed" else "open",
        "status_notes": status_notes or None,
        "service_name": f"Referral to {referral.department_name}: {referral.role_name}",
        "service_code": referral.role_code,
        "description": referral.description,
        "agency_responsible": referral.department_name,
        "service_notice": referral.service_notice,
        "requested_datetime": _iso(referral.requested_at),
        "updated_datetime": _iso(updated_at or referral.requested_at),
        "expected_datetime": _iso(referral.expected_at),
        "address": referral.address or None,
        "address_string": referral.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        "first_name": contact.first_name or None,
        "last_name": contact.last_name or None,
        "phone": contact.phone_display or None,
        "email": contact.email or None,
        "attributes": {
            "role": referral.role_name,
            "urgency": referral.urgency.value,
            "mode": referral.mode.value,
            "callback_window": referral.callback_window or None,
            "account_number": referral.account_number or None,
            "related_receipt": referral.related_receipt or None,
            "workstation": referral.workstation,
            "topic": referral.topic,
            "handoff_datetime": _iso(referral.handoff_at),
        },
    }
