"""The directory (Ctrl+D): departments with where they are, their extension and how fast they answer; their
specialists and who is on duty today. A supervisor changes who is on duty (Space) or a department's details
(Enter on a department); a cashier is asked for a supervisor's number and PIN once per visit to this screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.ui.questions_tables import DepartmentsModel, SpecialistsModel, hours_text
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, list_table

if TYPE_CHECKING:
    from counter_app.referrals.referral import Department
    from counter_app.services.records_people import Specialist
    from counter_app.ui.directory_view_model import DirectoryViewModel

KEYS: tuple[tuple[str, str], ...] = (
    ("Tab", "Departments / specialists"),
    ("Up / Down", "Choose a row"),
    ("Space", "Specialist on or off duty (supervisor)"),
    ("Enter", "Change a department's room, extension, response time (supervisor)"),
    ("Esc", "Back to the referral list"),
)
HINT_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab", "Departments / specialists"), ("Space", "On / off duty"), ("Enter", "Edit department"),
    ("Esc", "Back"), ("F1", "Help"),
)


def _label(text: str, name: str = "fieldLabel", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class SupervisorDialog(QDialog):
    """A few fields to change, then (unless a supervisor is already known) the supervisor's number and PIN."""

    submitted = Signal(dict)  # field name -> text; "supervisor" and "pin" too

    def __init__(self, title: str, summary: str, fields: list[tuple[str, str, str]], needs_supervisor: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(560)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(4)
        box.addWidget(_label(title, "panelTitle"))
        box.addWidget(_label(summary, "dialogSummary", wrap=True))
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        rows = list(fields)
        if needs_supervisor:
            rows += [("supervisor", "Supervisor staff number", ""), ("pin", "Supervisor PIN", "")]
        for name, caption, value in rows:
            edit = EnterLineEdit()
            edit.setObjectName(f"dialog_{name}")
            edit.setText(value)
            edit.setMaxLength(120)
            if name == "pin":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            box.addWidget(_label(caption))
            box.addWidget(edit)
            self.errors[name] = FieldError()
            box.addWidget(self.errors[name])
            self.edits[name] = edit
        names = list(self.edits)
        for name, following in zip(names, [*names[1:], None], strict=True):
            self.edits[name].returnPressed.connect(self.edits[following].setFocus if following else self._submit)
        self.notice = Notice()
        box.addWidget(self.notice)
        box.addWidget(_label("Enter: next field · Enter in the last field: save · Esc: cancel", "muted"))
        if names:
            self.edits[names[0]].setFocus()
            self.edits[names[0]].selectAll()

    def _submit(self) -> None:
        for label in self.errors.values():
            label.clear_message()
        self.notice.say("Saving…", "info")
        self.submitted.emit({name: edit.text() for name, edit in self.edits.items()})

    def show_error(self, message: str, field: str) -> None:
        self.notice.say("")
        name = "pin" if field == "supervisor" and "pin" in self.errors else field
        if name in self.errors:
            self.errors[name].show_message(message)
            edit = self.edits["supervisor" if name == "pin" else name]
            if name == "pin":
                self.edits["pin"].clear()
            edit.setFocus()
            edit.selectAll()
        else:
            self.notice.say(message, "error")


class DirectoryScreen(QWidget):
    back = Signal()

    def __init__(self, vm: DirectoryViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryScreen")
        self.vm = vm
        self._dialog: SupervisorDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 8)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINT_KEYS))

        body.addWidget(_label("Departments", "sectionTitle"))
        self.departments = DepartmentsModel(self)
        self.department_view = list_table(self.departments, "departmentList")
        header = self.department_view.horizontalHeader()
        for col in range(self.departments.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DepartmentsModel.ROLES, QHeaderView.ResizeMode.Stretch)
        self.department_view.verticalHeader().setDefaultSectionSize(30)
        body.addWidget(self.department_view, 11)
        self.editor_label = _label("", "muted")
        body.addWidget(_label("Specialists · who is on duty today", "sectionTitle"))
        self.specialists = SpecialistsModel(self)
        self.specialist_view = list_table(self.specialists, "specialistList")
        header = self.specialist_view.horizontalHeader()
        for col in range(self.specialists.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SpecialistsModel.DEPARTMENT, QHeaderView.ResizeMode.Stretch)
        self.specialist_view.verticalHeader().setDefaultSectionSize(30)
        body.addWidget(self.specialist_view, 10)
        body.addWidget(self.editor_label)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.setFocusProxy(self.specialist_view)
        self.specialist_view.clicked.connect(self._clicked)

        vm.loaded.connect(self._loaded)
        vm.saved.connect(self._saved)
        vm.failed.connect(self._failed)
        add_shortcut(self.specialist_view, "Space", self.toggle_on_duty, focused_only=True)
        add_shortcut(self.department_view, "Return", self.edit_department, focused_only=True)
        add_shortcut(self.department_view, "Enter", self.edit_department, focused_only=True)
        add_shortcut(self, "Esc", self.back.emit)

    def enter(self) -> None:
        self.vm.refresh()
        self._show_editor()
        self.specialist_view.setFocus()

    def leave(self) -> None:
        self.vm.end_editing()

    def _loaded(self) -> None:
        departments = sorted(self.vm.departments.values(), key=lambda d: d.name)
        specialists = sorted(self.vm.specialists, key=lambda s: (s.department_name, s.name))
        for view, count, fill in ((self.department_view, len(departments),
                                   lambda: self.departments.set_rows(departments)),
                                  (self.specialist_view, len(specialists),
                                   lambda: self.specialists.set_rows(specialists))):
            keep = view.currentIndex().row()
            fill()
            if count:
                view.selectRow(min(max(keep, 0), count - 1))

    def _show_editor(self) -> None:
        editor = self.vm.editor
        self.editor_label.setText(f"Changes approved by {editor.name} until you leave this screen." if editor
                                  else "Changes need a supervisor (their number and PIN, once).")

    def _specialist(self) -> Specialist | None:
        row = self.specialist_view.currentIndex().row()
        return self.specialists.row(row) if 0 <= row < self.specialists.rowCount() else None

    def _department(self) -> Department | None:
        row = self.department_view.currentIndex().row()
        return self.departments.row(row) if 0 <= row < self.departments.rowCount() else None

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == SpecialistsModel.ON_DUTY:
            self.toggle_on_duty()

    def toggle_on_duty(self) -> None:
        person = self._specialist()
        if person is None or self.vm.busy:
            return
        state = "off duty" if person.on_duty else "on duty"
        if not self.vm.needs_approval():
            self.notice.say("Saving…", "info")
            self.vm.set_on_duty(person, not person.on_duty)
            return
        self._open(SupervisorDialog(f"{person.name}: {state}", f"{person.role_name}, {person.department_name}. "
                                    "A supervisor approves changes to the directory.", [], True, self),
                   lambda values: self.vm.set_on_duty(person, not person.on_duty, values.get("supervisor", ""),
                                                      values.get("pin", "")))

    def edit_department(self) -> None:
        department = self._department()
        if department is None or self.vm.busy:
            return
        fields = [("room", "Where (room or address)", department.room),
                  ("extension", "Phone extension", department.extension),
                  ("response_hours", "Responds within (business hours)", str(round(department.response_hours)))]
        self._open(SupervisorDialog(department.name, f"Now {hours_text(department.response_hours)}. Referrals use "
                                    "the response time for their expected date.", fields,
                                    self.vm.needs_approval(), self),
                   lambda values: self.vm.update_department(department.code, values["room"], values["extension"],
                                                            values["response_hours"], values.get("supervisor", ""),
                                                            values.get("pin", "")))

    def _open(self, dialog: SupervisorDialog, submit: Callable[[dict[str, str]], None]) -> None:
        dialog.submitted.connect(submit)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self._dialog = dialog
        dialog.open()

    def _closed(self, dialog: SupervisorDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()
        self.window().activateWindow()
        self.specialist_view.setFocus()

    def _saved(self, message: str) -> None:
        if self._dialog is not None:
            self._dialog.accept()
        self._show_editor()
        self.notice.say(message, "success")

    def _failed(self, message: str, field: str) -> None:
        if self._dialog is not None:
            self._dialog.show_error(message, field)
        else:
            self.notice.say(message, "error")

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
