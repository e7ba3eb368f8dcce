"""The referral list (Ctrl+F8): today's, the open ones or all, by department; Enter shows one with its notes, and a
supervisor changes its status with a note (Ctrl+U)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.referrals.referral import Mode, Referral, Status
from counter_app.ui.questions_tables import STATUS_LABELS, NotesModel, ReferralsModel
from counter_app.ui.referral_view_model import FILTERS, ReferralDetail, ReferralListViewModel
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, list_table

if TYPE_CHECKING:
    from counter_app.ui.directory_view_model import DirectoryViewModel

KEYS: tuple[tuple[str, str], ...] = (
    ("Up / Down", "Choose a referral"),
    ("Enter", "Show it with its notes"),
    ("T / O / A", "Today / open (any day) / all days"),
    ("D / Shift+D", "Next / previous department (or all)"),
    ("Ctrl+U", "Change the status, with a note (supervisor)"),
    ("Ctrl+D", "The directory of departments and specialists"),
    ("Ctrl+R", "Refresh the list"),
    ("Esc", "Back to the payment screen"),
)
HINT_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Details"), ("T / O / A", "Today / Open / All"), ("D", "Department"), ("Ctrl+U", "Status"),
    ("Ctrl+D", "Directory"), ("Esc", "Back"), ("F1", "Help"),
)


def _label(text: str, name: str = "fieldLabel", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class StatusDialog(QDialog):
    """New status, a note, and (unless the signed-in person is a supervisor) a supervisor's number and PIN."""

    submitted = Signal(str, str, str, str)  # status, note, supervisor number, PIN

    def __init__(self, referral: Referral, needs_supervisor: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusDialog")
        self.setWindowTitle(f"Referral {referral.reference}: status")
        self.setModal(True)
        self.setMinimumWidth(560)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(4)
        box.addWidget(_label(f"Referral {referral.reference}", "panelTitle"))
        box.addWidget(_label(f"{referral.role_name}, {referral.department_name} · now "
                             f"{STATUS_LABELS.get(referral.status.value, referral.status.value)}",
                             "dialogSummary", wrap=True))
        self.status = QComboBox()
        self.status.setObjectName("statusChoice")
        for status in Status:
            self.status.addItem(STATUS_LABELS[status.value], status.value)
        following = {Status.OPEN: Status.ACKNOWLEDGED, Status.ACKNOWLEDGED: Status.CLOSED}.get(referral.status,
                                                                                               referral.status)
        self.status.setCurrentIndex(self.status.findData(following.value))
        self.note = EnterLineEdit()
        self.note.setObjectName("statusNote")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText("e.g. Called the resident back, payment plan set up")
        self.supervisor = EnterLineEdit()
        self.supervisor.setObjectName("supervisorNo")
        self.supervisor.setMaxLength(10)
        self.pin = EnterLineEdit()
        self.pin.setObjectName("supervisorPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.errors = {name: FieldError() for name in ("status", "note", "pin")}
        rows: list[tuple[str, QWidget, str]] = [("New status", self.status, "status"),
                                                ("Note (what was done; needed to close)", self.note, "note")]
        if needs_supervisor:
            rows += [("Supervisor staff number", self.supervisor, ""), ("Supervisor PIN", self.pin, "pin")]
        for caption, widget, name in rows:
            box.addWidget(_label(caption))
            box.addWidget(widget)
            if name:
                box.addWidget(self.errors[name])
        self.needs_supervisor = needs_supervisor
        self.notice = Notice()
        box.addWidget(self.notice)
        last = "PIN" if needs_supervisor else "note"
        box.addWidget(_label(f"Enter: next field · Enter in the {last}: save · Esc: cancel", "muted"))
        self.note.returnPressed.connect(self.supervisor.setFocus if needs_supervisor else self._submit)
        self.supervisor.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        self.status.setFocus()

    def keyPressEvent(self, event: object) -> None:
        key = getattr(event, "key", lambda: None)()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.status.hasFocus():
            self.note.setFocus()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def _submit(self) -> None:
        for label in self.errors.values():
            label.clear_message()
        self.notice.say("Saving…", "info")
        self.submitted.emit(str(self.status.currentData()), self.note.text(), self.supervisor.text(),
                            self.pin.text())

    def show_error(self, message: str, field: str) -> None:
        self.notice.say("")
        if field == "note":
            self.errors["note"].show_message(message)
            self.note.setFocus()
        elif field == "status":
            self.errors["status"].show_message(message)
            self.status.setFocus()
        elif field in ("supervisor", "pin") and self.needs_supervisor:
            self.errors["pin"].show_message(message)
            self.pin.clear()
            self.supervisor.setFocus()
            self.supervisor.selectAll()
        else:
            self.notice.say(message, "error")


class DetailPanel(QFrame):
    def __init__(self, tz: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(4)
        self.title = _label("Choose a referral and press Enter", "panelTitle", wrap=True)
        self.lines = _label("", "referralDetail", wrap=True)
        self.lines.setTextFormat(Qt.TextFormat.PlainText)
        self.description = _label("", "referralReason", wrap=True)
        box.addWidget(self.title)
        box.addWidget(self.lines)
        box.addWidget(self.description)
        box.addWidget(_label("Notes", "sectionTitle"))
        self.notes = NotesModel(tz, self)  # type: ignore[arg-type]
        self.note_view = list_table(self.notes, "noteList")
        self.note_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_view.setWordWrap(True)
        header = self.note_view.horizontalHeader()
        header.setSectionResizeMode(NotesModel.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NotesModel.STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NotesModel.NOTE, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.note_view, 1)
        self.detail: ReferralDetail | None = None

    def show_detail(self, detail: ReferralDetail, tz: object) -> None:
        self.detail = detail
        r = detail.referral
        self.title.setText(f"{r.reference} · {STATUS_LABELS.get(r.status.value, r.status.value)}")
        when = r.expected_at.astimezone(tz).strftime("%a %b %-d, %H:%M")  # type: ignore[arg-type]
        lines = [f"{r.role_name}, {r.department_name}", f"{r.mode.label} · {r.urgency.value} · expected by {when}"]
        contact = r.contact
        reach = " · ".join(p for p in (contact.name, contact.phone_display, contact.email) if p)
        if reach:
            lines.append(f"Resident: {reach}")
        if r.mode is Mode.CALLBACK and r.callback_window:
            lines.append(f"Best time: {r.callback_window}")
        extras = " · ".join(p for p in (r.address, r.account_number and f"account {r.account_number}",
                                        r.related_receipt and f"receipt {r.related_receipt}") if p)
        if extras:
            lines.append(extras)
        if r.handoff_at is not None:
            lines.append(f"Specialist arrived at {r.handoff_at.astimezone(tz).strftime('%H:%M')}")  # type: ignore[arg-type]
        self.lines.setText("\n".join(lines))
        self.description.setText(f"“{r.description}”")
        self.notes.set_rows(detail.notes)
        self.note_view.resizeRowsToContents()

    def clear(self) -> None:
        self.detail = None
        self.title.setText("Choose a referral and press Enter")
        self.lines.setText("")
        self.description.setText("")
        self.notes.set_rows([])


class ReferralListScreen(QWidget):
    back = Signal()
    directory_requested = Signal()

    def __init__(self, vm: ReferralListViewModel, directory: DirectoryViewModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralListScreen")
        self.vm = vm
        self.directory = directory
        self.tz = vm.counter.clock.tz
        self._dialog: StatusDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 8)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINT_KEYS))

        head = QHBoxLayout()
        head.addWidget(_label("Referrals", "sectionTitle"))
        head.addSpacing(16)
        head.addWidget(_label("Show"))
        self.filter = QComboBox()
        self.filter.setObjectName("referralFilter")
        for name, text in FILTERS.items():
            self.filter.addItem(text, name)
        self.department = QComboBox()
        self.department.setObjectName("referralDepartment")
        self.department.setMinimumWidth(320)
        for combo in (self.filter, self.department):
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        head.addWidget(self.filter)
        head.addSpacing(10)
        head.addWidget(_label("Department"))
        head.addWidget(self.department)
        head.addStretch(1)
        self.summary = _label("", "muted")
        head.addWidget(self.summary)
        body.addLayout(head)

        row = QHBoxLayout()
        row.setSpacing(14)
        self.model = ReferralsModel(self.tz, self)
        self.view = list_table(self.model, "referralList")
        header = self.view.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ReferralsModel.DEPARTMENT, QHeaderView.ResizeMode.Stretch)
        row.addWidget(self.view, 13)
        self.detail = DetailPanel(self.tz)
        row.addWidget(self.detail, 7)
        body.addLayout(row, 1)
        self.empty = _label("No referrals to show. T: today, O: open on any day, A: all days.", "muted")
        body.addWidget(self.empty)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.setFocusProxy(self.view)

        vm.rows_loaded.connect(self.set_rows)
        vm.detail_loaded.connect(lambda detail: self.detail.show_detail(detail, self.tz))
        vm.failed.connect(self._failed)
        vm.status_updated.connect(self._updated)
        directory.loaded.connect(self._fill_departments)
        self.filter.currentIndexChanged.connect(lambda _i: vm.set_filter(str(self.filter.currentData())))
        self.department.currentIndexChanged.connect(lambda _i: vm.set_department(str(self.department.currentData())))
        for key in ("Return", "Enter"):
            add_shortcut(self, key, self.open_selected)
        add_shortcut(self, "T", lambda: self._set_filter("today"))
        add_shortcut(self, "O", lambda: self._set_filter("open"))
        add_shortcut(self, "A", lambda: self._set_filter("all"))
        add_shortcut(self, "D", lambda: self._step_department(1))
        add_shortcut(self, "Shift+D", lambda: self._step_department(-1))
        add_shortcut(self, "Ctrl+U", self.ask_status)
        add_shortcut(self, "Ctrl+R", vm.refresh)
        add_shortcut(self, "Esc", self.back.emit)
        self._fill_departments()

    def _fill_departments(self) -> None:
        combo = self.department
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All departments", "")
        for code, department in sorted(self.directory.departments.items(), key=lambda item: item[1].name):
            combo.addItem(department.name, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _set_filter(self, name: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(name))

    def _step_department(self, step: int) -> None:
        count = self.department.count()
        if count:
            self.department.setCurrentIndex((self.department.currentIndex() + step) % count)

    def enter(self) -> None:
        self.vm.refresh()
        self.view.setFocus()

    def set_rows(self, rows: list[Referral]) -> None:
        keep = self.selected()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        open_count = sum(1 for r in rows if r.status is not Status.CLOSED)
        self.summary.setText(f"{len(rows)} referral{'s' if len(rows) != 1 else ''} · {open_count} not closed")
        if rows:
            index = next((i for i, r in enumerate(rows) if keep is not None and r.id == keep.id), 0)
            self.view.selectRow(index)
            self.view.scrollTo(self.model.index(index, 0))
        else:
            self.detail.clear()

    def selected(self) -> Referral | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.model.rowCount():
            return None
        return self.model.row(rows[0].row())

    def open_selected(self) -> None:
        referral = self.selected()
        if referral is None:
            self.notice.say("Choose a referral first (Up / Down).", "error")
            return
        self.notice.say("")
        self.vm.open_detail(referral.id)

    def ask_status(self) -> None:
        referral = self.selected()
        if referral is None:
            self.notice.say("Choose a referral first (Up / Down).", "error")
            return
        dialog = StatusDialog(referral, self.vm.needs_approval(), self)
        dialog.submitted.connect(lambda status, note, sup, pin: self.vm.update_status(referral.id, status, note,
                                                                                      sup, pin))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self._dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: StatusDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()
        self.window().activateWindow()
        self.view.setFocus()

    def _updated(self, referral: Referral) -> None:
        if self._dialog is not None:
            self._dialog.accept()
        self.notice.say(f"{referral.reference} is now {STATUS_LABELS.get(referral.status.value, '')}.", "success")

    def _failed(self, message: str, field: str) -> None:
        if self._dialog is not None:
            self._dialog.show_error(message, field)
        else:
            self.notice.say(message, "error")

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
