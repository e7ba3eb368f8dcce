"""Departments, specialist roles and who is on duty."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.referrals.referral import Department
from counter_app.services.records_people import Specialist
from counter_app.store.schema import DepartmentRow, SpecialistRoleRow, SpecialistRow


class SqlDirectory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def departments(self) -> dict[str, Department]:
        roles: dict[str, list[tuple[str, str]]] = {}
        for role in self.session.scalars(select(SpecialistRoleRow).order_by(SpecialistRoleRow.code)):
            roles.setdefault(role.department_code, []).append((role.code, role.name))
        return {
            row.code: Department(row.code, row.name, row.room, row.extension, row.response_hours,
                                 tuple(roles.get(row.code, ())))
            for row in self.session.scalars(
                select(DepartmentRow).where(DepartmentRow.active.is_(True)).order_by(DepartmentRow.name)
            )
        }

    def specialists(self) -> list[Specialist]:
        query = (
            select(SpecialistRow, SpecialistRoleRow, DepartmentRow)
            .join(SpecialistRoleRow, SpecialistRoleRow.code == SpecialistRow.role_code)
            .join(DepartmentRow, DepartmentRow.code == SpecialistRoleRow.department_code)
            .order_by(DepartmentRow.name, SpecialistRow.name)
        )
        return [
            Specialist(s.id, s.name, r.code, r.name, d.code, d.name, s.extension, s.on_duty)
            for s, r, d in self.session.execute(query)
        ]

    def set_on_duty(self, specialist_id: int, on_duty: bool) -> None:
        self.session.execute(update(SpecialistRow).where(SpecialistRow.id == specialist_id).values(on_duty=on_duty))

    def update_department(self, code: str, room: str, extension: str, response_hours: int) -> None:
        self.session.execute(
            update(DepartmentRow).where(DepartmentRow.code == code)
            .values(room=room, extension=extension, response_hours=response_hours)
        )
