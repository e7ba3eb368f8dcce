"""The directory as the screens see it: departments, roles, who is on duty; a supervisor changes it.

One instance is shared by the questions screen ("who to refer to"), the referral form (role and on-duty
specialist) and the directory screen. It is read in the worker lane and kept until a change is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from counter_app.ui.view_models import describe

if TYPE_CHECKING:
    from counter_app.referrals.referral import Department
    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.services.records_people import Specialist
    from counter_app.ui.workers import TaskRunner


class DirectoryViewModel(QObject):
    loaded = Signal()  # departments and specialists (re)read
    saved = Signal(str)  # what changed, in the cashier's words
    failed = Signal(str, str)  # message, field
    busy_changed = Signal(bool)

    def __init__(self, counter: Counter, runner: TaskRunner, staff: Callable[[], StaffMember | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self._staff = staff
        self.departments: dict[str, Department] = {}
        self.specialists: list[Specialist] = []
        self.editor: StaffMember | None = None  # the supervisor who approved edits on the directory screen
        self._busy = False

    # -- reading -------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        directory = self.counter.directory

        def work() -> tuple[dict[str, Department], list[Specialist]]:
            return directory.departments(), directory.specialists()

        self._runner.run(work, done=self._loaded, error=lambda e: self.failed.emit(*describe(e, "directory")))

    def _loaded(self, result: Any) -> None:
        self.departments, self.specialists = result
        self.loaded.emit()

    @property
    def ready(self) -> bool:
        return bool(self.departments)

    def department_of_role(self, role_code: str | None) -> Department | None:
        if not role_code:
            return None
        return next((d for d in self.departments.values() if any(r == role_code for r, _n in d.roles)), None)

    def role_name(self, role_code: str | None) -> str:
        department = self.department_of_role(role_code)
        return (department.role_name(role_code or "") or "") if department else ""

    def on_duty(self, role_code: str | None) -> list[Specialist]:
        return [s for s in self.specialists if s.role_code == role_code and s.on_duty]

    def on_duty_text(self, role_code: str | None) -> str:
        """"On duty: Marc Lavoie (ext. 3321)", or who to call when nobody is."""
        people = self.on_duty(role_code)
        if people:
            return "On duty: " + ", ".join(f"{p.name} (ext. {p.extension})" for p in people)
        department = self.department_of_role(role_code)
        if department is None:
            return ""
        return f"Nobody on duty today: call {department.name} at ext. {department.extension}"

    # -- changing (a supervisor) ----------------------------------------------------------------------------------
    def needs_approval(self) -> bool:
        """True when neither the signed-in person nor an earlier approval on this screen may edit the directory."""
        staff = self._staff()
        return self.editor is None and not (staff is not None and staff.can("manage_directory"))

    def end_editing(self) -> None:
        self.editor = None

    def _approved(self, supervisor_no: str, pin: str, what: str) -> StaffMember:
        """Runs in the worker lane: the editor already approved, the signed-in supervisor, or a new approval."""
        staff = self._staff()
        if staff is None:
            from counter_app.errors import UserError

            raise UserError("Sign in first.", "supervisor")
        if self.editor is not None:
            return self.editor
        if staff.can("manage_directory") and not supervisor_no:
            return staff
        return self.counter.auth.approve(supervisor_no, pin, staff, "manage_directory", what)

    def set_on_duty(self, specialist: Specialist, on_duty: bool, supervisor_no: str = "", pin: str = "") -> None:
        directory = self.counter.directory

        def work() -> StaffMember:
            editor = self._approved(supervisor_no, pin, f"specialist:{specialist.id}")
            directory.set_on_duty(specialist.id, on_duty, editor)
            return editor

        state = "on duty" if on_duty else "off duty"
        self._change(work, f"{specialist.name} is now {state}.")

    def update_department(self, code: str, room: str, extension: str, hours: str, supervisor_no: str = "",
                          pin: str = "") -> None:
        directory = self.counter.directory

        def work() -> StaffMember:
            editor = self._approved(supervisor_no, pin, f"department:{code}")
            directory.update_department(code, room, extension, hours, editor)
            return editor

        name = self.departments[code].name if code in self.departments else code
        self._change(work, f"{name} updated.")

    def _change(self, work: Callable[[], StaffMember], message: str) -> None:
        self._set_busy(True)

        def done(editor: Any) -> None:
            self.editor = editor
            self._set_busy(False)
            self.saved.emit(message)
            self.refresh()

        def error(exc: BaseException) -> None:
            self._set_busy(False)
            self.failed.emit(*describe(exc, "supervisor"))

        self._runner.run(work, done=done, error=error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)

    @property
    def busy(self) -> bool:
        return self._busy
