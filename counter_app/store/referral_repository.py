"""Referrals and their status notes in the local store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from counter_app.referrals.contact import Contact
from counter_app.referrals.referral import Mode, Referral, Status, Urgency
from counter_app.services.records_people import ReferralNote
from counter_app.store.schema import DepartmentRow, ReferralNoteRow, ReferralRow, SpecialistRoleRow


class SqlReferrals:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, referral: Referral, visit_id: str | None, business_date: date) -> None:
        c = referral.contact
        self.session.add(ReferralRow(
            id=referral.id, token=referral.token, workstation=referral.workstation, staff_id=referral.staff_id,
            visit_id=visit_id, business_date=business_date, department_code=referral.department_code,
            role_code=referral.role_code, description=referral.description, mode=referral.mode.value,
            urgency=referral.urgency.value, first_name=c.first_name, last_name=c.last_name, phone=c.phone,
            email=c.email, callback_window=referral.callback_window, address=referral.address,
            account_number=referral.account_number, related_receipt=referral.related_receipt, topic=referral.topic,
            requested_at=referral.requested_at, expected_at=referral.expected_at,
            service_notice=referral.service_notice, status=referral.status.value,
            service_request_id=referral.service_request_id, handoff_at=referral.handoff_at,
            updated_at=referral.requested_at,
        ))
        self.session.flush()

    def _query(self) -> Any:  # a Select of (row, department name, role name); its generic form differs by SA version
        return (
            select(ReferralRow, DepartmentRow.name, SpecialistRoleRow.name)
            .join(DepartmentRow, DepartmentRow.code == ReferralRow.department_code)
            .join(SpecialistRoleRow, SpecialistRoleRow.code == ReferralRow.role_code)
        )

    def get(self, referral_id: str) -> Referral | None:
        row = self.session.execute(self._query().where(ReferralRow.id == referral_id)).first()
        return _referral(row[0], row[1], row[2]) if row else None

    def find(self, reference: str) -> Referral | None:
        ref = reference.strip().upper()
        row = self.session.execute(
            self._query().where(or_(ReferralRow.token == ref, ReferralRow.service_request_id == reference.strip()))
        ).first()
        return _referral(row[0], row[1], row[2]) if row else None

    def listing(self, business_date: date | None, status: str | None, department: str | None) -> list[Referral]:
        query = self._query().order_by(ReferralRow.requested_at.desc(), ReferralRow.token.desc())
        if business_date is not None:
            query = query.where(ReferralRow.business_date == business_date)
        if status == "open":
            query = query.where(ReferralRow.status != "closed")
        elif status:
            query = query.where(ReferralRow.status == status)
        if department:
            query = query.where(ReferralRow.department_code == department)
        return [_referral(row[0], row[1], row[2]) for row in self.session.execute(query)]

    def add_note(self, note: ReferralNote) -> None:
        self.session.add(ReferralNoteRow(id=note.id, referral_id=note.referral_id, status=note.status, note=note.note,
                                         at=note.at, staff_id=note.staff_id, source=note.source))
        self.session.flush()

    def notes(self, referral_id: str) -> list[ReferralNote]:
        rows = self.session.scalars(
            select(ReferralNoteRow).where(ReferralNoteRow.referral_id == referral_id).order_by(ReferralNoteRow.at)
        )
        return [ReferralNote(r.id, r.referral_id, r.status, r.note, r.at, r.staff_id, r.source) for r in rows]

    def set_status(self, referral_id: str, status: str, at: datetime) -> None:
        self.session.execute(update(ReferralRow).where(ReferralRow.id == referral_id).values(status=status,
                                                                                            updated_at=at))

    def set_handoff(self, referral_id: str, at: datetime) -> None:
        self.session.execute(update(ReferralRow).where(ReferralRow.id == referral_id).values(handoff_at=at,
                                                                                            updated_at=at))

    def departments_of(self, referral_ids: list[str]) -> dict[str, str]:
        if not referral_ids:
            return {}
        rows = self.session.execute(
            select(ReferralRow.id, DepartmentRow.name)
            .join(DepartmentRow, DepartmentRow.code == ReferralRow.department_code)
            .where(ReferralRow.id.in_(referral_ids))
        )
        return {rid: name for rid, name in rows}


def _referral(row: ReferralRow, department_name: str, role_name: str) -> Referral:
    return Referral(
        id=row.id, token=row.token, department_code=row.department_code, department_name=department_name,
        role_code=row.role_code, role_name=role_name, description=row.description, mode=Mode(row.mode),
        urgency=Urgency(row.urgency), contact=Contact(row.first_name, row.last_name, row.phone, row.email),
        callback_window=row.callback_window, address=row.address, account_number=row.account_number,
        related_receipt=row.related_receipt, topic=row.topic, requested_at=row.requested_at,
        expected_at=row.expected_at, service_notice=row.service_notice, workstation=row.workstation,
        staff_id=row.staff_id, status=Status(row.status), service_request_id=row.service_request_id,
        handoff_at=row.handoff_at,
    )
