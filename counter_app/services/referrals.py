"""Referring a resident to a specialist: the referral, its interaction and the outbox, in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from counter_app.clock import Clock
from counter_app.errors import UserError
from counter_app.free_text import clean_uuid
from counter_app.referrals.contact import ReferralError
from counter_app.referrals.open311 import service_request
from counter_app.referrals.referral import Referral, ReferralRequest, Status, check_status_change, make_referral
from counter_app.services.approvals import current_staff
from counter_app.services.ports import UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_people import ReferralNote
from counter_app.services.restore import ensure_numbers_safe
from counter_app.services.visits import ensure_visit, log_interaction
from counter_app.visits.model import Interaction, InteractionKind


def referral_payload(referral: Referral) -> dict[str, Any]:
    data = asdict(referral)
    for key in ("requested_at", "expected_at", "handoff_at"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, datetime) else value
    data.update(mode=referral.mode.value, urgency=referral.urgency.value, status=referral.status.value)
    return data


class ReferralService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str) -> None:
        self._uow = uow
        self.clock = clock
        self.workstation = workstation

    def create(
        self,
        request: ReferralRequest,
        staff: StaffMember,
        *,
        visit_id: str | None = None,
        started_at: datetime | None = None,
    ) -> Referral:
        """Validate and record the referral with its referral interaction; nothing is stored when it raises.

        The topic must be one of the city's topics (c_interactions.topic), like the department and role.
        """
        now = self.clock.now()
        local_now = now.astimezone(self.clock.tz)
        today = local_now.date()
        with self._uow() as uow:
            if not isinstance(request.topic, str) or request.topic not in {t.code for t in uow.catalog.topics()}:
                raise ReferralError("Choose the topic of the referral.", "topic")
            departments = uow.directory.departments()
            ensure_numbers_safe(uow, self.workstation)
            number = uow.sequences.next_number(f"referral:{self.workstation}")
            referral = make_referral(
                request, departments, id=str(uuid.uuid4()), token=f"{self.workstation}-R{number:05d}",
                now=local_now, workstation=self.workstation, staff_id=staff.id,
            )
            visit = ensure_visit(uow, visit_id, staff, self.workstation, started_at or now, today)
            uow.referrals.add(referral, visit, today)
            uow.outbox.add("referral", referral.id, referral_payload(referral), now)
            item = Interaction(str(uuid.uuid4()), visit, InteractionKind.REFERRAL, request.topic, self.workstation,
                               staff.id, min(started_at or now, now), now, referral_id=referral.id)
            log_interaction(uow, item, today)
            uow.commit()
        return referral

    def record_handoff(self, referral_id: str, staff: StaffMember) -> Referral:
        """The specialist arrived at the counter: the hand-off time is kept and sent central."""
        referral_id = _referral_id(referral_id)
        now = self.clock.now()
        with self._uow() as uow:
            referral = uow.referrals.get(referral_id)
            if referral is None:
                raise ReferralError("That referral is not on this counter.", "referral")
            if referral.handoff_at is not None:
                raise ReferralError("The hand-off was already recorded.", "referral")
            uow.referrals.set_handoff(referral_id, now)
            note = ReferralNote(str(uuid.uuid4()), referral_id, referral.status.value,
                                "Specialist arrived at the counter", now, staff.id)
            uow.referrals.add_note(note)
            uow.outbox.add("referral_note", note.id, _note_payload(note, handoff=True), now)
            uow.commit()
        found = self.get(referral_id)
        assert found is not None
        return found

    def update_status(self, referral_id: str, status: str, note: str, supervisor: StaffMember) -> Referral:
        """A supervisor's local status change; the central database's own updates arrive through sync."""
        if not supervisor.can("update_referrals"):
            raise ReferralError("Only a supervisor can change a referral's status.", "supervisor")
        try:
            new = Status(status)
        except ValueError:
            raise ReferralError("Choose open, acknowledged or closed.", "status") from None
        referral_id = _referral_id(referral_id)
        now = self.clock.now()
        with self._uow() as uow:
            supervisor = current_staff(uow, supervisor, "supervisor", ReferralError)
            if not supervisor.can("update_referrals"):
                raise ReferralError("Only a supervisor can change a referral's status.", "supervisor")
            referral = uow.referrals.get(referral_id)
            if referral is None:
                raise ReferralError("That referral is not on this counter.", "referral")
            text = check_status_change(referral.status, new, note)
            uow.referrals.set_status(referral_id, new.value, now)
            entry = ReferralNote(str(uuid.uuid4()), referral_id, new.value, text, now, supervisor.id)
            uow.referrals.add_note(entry)
            uow.outbox.add("referral_note", entry.id, _note_payload(entry), now)
            uow.commit()
        found = self.get(referral_id)
        assert found is not None
        return found

    def get(self, referral_id: str) -> Referral | None:
        with self._uow(read_only=True) as uow:
            return uow.referrals.get(_referral_id(referral_id))

    def find(self, reference: str) -> Referral | None:
        """A referral by its token or service request id as typed; None for anything that is not one."""
        text = reference.strip() if isinstance(reference, str) else ""
        if not (text.isascii() and text.isprintable()) or not 1 <= len(text) <= REFERENCE_MAX:
            return None
        with self._uow(read_only=True) as uow:
            return uow.referrals.find(text)

    def notes(self, referral_id: str) -> list[ReferralNote]:
        with self._uow(read_only=True) as uow:
            return uow.referrals.notes(_referral_id(referral_id))

    def listing(self, day: date | None = None, status: str | None = None,
                department: str | None = None) -> list[Referral]:
        with self._uow(read_only=True) as uow:
            return uow.referrals.listing(day, status, department)

    def open311(self, day: date) -> list[dict[str, Any]]:
        """The day's referrals as GeoReport v2 service requests, with the latest status note of each."""
        with self._uow(read_only=True) as uow:
            result = []
            for referral in reversed(uow.referrals.listing(day, None, None)):
                notes = uow.referrals.notes(referral.id)
                updated = notes[-1].at.astimezone(self.clock.tz) if notes else None
                result.append(service_request(referral, updated, notes[-1].note if notes else "", self.clock.tz))
        return result


#: referrals.service_request_id (the token is shorter).
REFERENCE_MAX = 40


def _referral_id(value: object) -> str:
    try:
        return clean_uuid(value, "referral")
    except UserError:
        raise ReferralError("That referral is not on this counter.", "referral") from None


def _note_payload(note: ReferralNote, handoff: bool = False) -> dict[str, Any]:
    data = asdict(note)
    data.update(at=note.at.isoformat(), handoff=handoff)
    return data
