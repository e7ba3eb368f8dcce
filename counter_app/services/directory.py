"""The directory of departments and specialists; a supervisor keeps who is on duty up to date."""

from __future__ import annotations

from counter_app.errors import UserError
from counter_app.free_text import clean_text
from counter_app.referrals.referral import Department
from counter_app.services.approvals import current_staff
from counter_app.services.ports import UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_people import Specialist

#: departments.room (and the departments reference data centrally).
ROOM_MAX = 120


class DirectoryService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def departments(self) -> dict[str, Department]:
        with self._uow(read_only=True) as uow:
            return uow.directory.departments()

    def specialists(self) -> list[Specialist]:
        with self._uow(read_only=True) as uow:
            return uow.directory.specialists()

    def on_duty(self, role_code: str) -> list[Specialist]:
        return [s for s in self.specialists() if s.role_code == role_code and s.on_duty]

    def set_on_duty(self, specialist_id: int, on_duty: bool, supervisor: StaffMember) -> None:
        _supervisor_only(supervisor)
        with self._uow() as uow:
            _supervisor_only(current_staff(uow, supervisor, "supervisor"))
            uow.directory.set_on_duty(specialist_id, on_duty)
            uow.commit()

    def update_department(self, code: str, room: str, extension: str, response_hours: str,
                          supervisor: StaffMember) -> None:
        _supervisor_only(supervisor)
        room_text = clean_text(room, "room", max_len=ROOM_MAX, min_len=2,
                               required_message="Type where the department is (2 to 120 characters).")
        if not isinstance(extension, str) or not isinstance(response_hours, str):
            raise UserError("Type the extension and the response time as digits.", "extension")
        if not (extension.isascii() and extension.isdigit() and 3 <= len(extension) <= 6):
            raise UserError("The extension is 3 to 6 digits.", "extension")
        if not (response_hours.isascii() and response_hours.isdigit() and 1 <= int(response_hours) <= 240):
            raise UserError("Response time is a whole number of business hours, 1 to 240.", "response_hours")
        with self._uow() as uow:
            _supervisor_only(current_staff(uow, supervisor, "supervisor"))
            if not isinstance(code, str) or code not in uow.directory.departments():
                raise UserError("Unknown department.", "department")
            uow.directory.update_department(code, room_text, extension, int(response_hours))
            uow.commit()


def _supervisor_only(staff: StaffMember) -> None:
    if not staff.can("manage_directory"):
        raise UserError("Only a supervisor can change the directory.", "supervisor")
