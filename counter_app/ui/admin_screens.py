"""Administrator screens: staff (create, disable or enable, reset PIN, unlock) and the fee schedule (name, amount,
tenders, active). Keyboard first: a list, a letter per action, a small form that Enter saves and Esc closes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.payments.catalog import LineKind, Service, TenderKind
from counter_app.payments.money import format_money, format_plain
from counter_app.ui.table_models import CENTRE, RIGHT, Column, RowsModel
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, list_table

STAFF_HINTS = (("N", "New staff member"), ("P", "Reset PIN"), ("D", "Disable / enable"), ("U", "Unlock"),
               ("Ctrl+R", "Refresh"), ("Esc", "Back"), ("F1", "Help"))
STAFF_KEYS = (
    ("Up / Down", "Choose a staff member"),
    ("N", "New staff member (number, name, role, first PIN)"),
    ("P", "Reset the chosen person's PIN"),
    ("D", "Disable or enable the chosen person"),
    ("U", "Unlock after too many wrong PINs"),
    ("Enter", "In a form: next field; in the last field: save"),
    ("Ctrl+Enter", "Save the form"),
    ("Esc", "Close the form, or back to the payment screen"),
    ("Ctrl+Shift+F", "Fee schedule and services"),
)
FEES_HINTS = (("Enter", "Change the service"), ("Ctrl+Enter", "Save"), ("Space", "Tick a tender"),
              ("Ctrl+R", "Refresh"), ("Esc", "Back"), ("F1", "Help"))
FEES_KEYS = (
    ("Up / Down", "Choose a service"),
    ("Enter", "Change the chosen service: name, amount, tenders, active"),
    ("Tab", "Next field in the form"),
    ("Space", "Tick or untick a tender or Active"),
    ("Enter / Ctrl+Enter", "Save the change (it goes in the audit trail)"),
    ("Esc", "Close the form, or back to the payment screen"),
    ("Ctrl+Shift+A", "Staff"),
)


def _label(text: str, name: str = "fieldLabel") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class _Screen(QWidget):
    """A list, a form panel beside it (hidden until asked for), a notice and the hint strip."""

    back = Signal()
    refresh_requested = Signal()

    def __init__(self, name: str, title: str, hints: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.setObjectName(name)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QHBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(14)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(hints))
        self.left = QVBoxLayout()
        self.left.setSpacing(6)
        body.addLayout(self.left, 3)
        head = QHBoxLayout()
        heading = _label(title, "sectionTitle")
        self.summary = _label("", "muted")
        head.addWidget(heading)
        head.addStretch(1)
        head.addWidget(self.summary)
        self.left.addLayout(head)
        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.panel.setFixedWidth(420)
        self.form = QVBoxLayout(self.panel)
        self.form.setContentsMargins(18, 14, 18, 14)
        self.form.setSpacing(4)
        self.panel_title = _label("", "panelTitle")
        self.panel_title.setWordWrap(True)
        self.form.addWidget(self.panel_title)
        body.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignTop)
        self.panel.hide()
        self.notice = Notice()
        self.errors: dict[str, FieldError] = {}
        add_shortcut(self, "Esc", self._escape)
        add_shortcut(self, "Ctrl+R", self.refresh_requested.emit)

    def _escape(self) -> None:
        if self.panel.isVisible():
            self.close_panel()
        else:
            self.back.emit()

    def close_panel(self) -> None:
        self.panel.hide()
        self.clear_errors()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.clear_message()

    def show_error(self, message: str, field: str = "") -> None:
        error = self.errors.get(field)
        if error is not None and self.panel.isVisible():
            error.show_message(message)
            self.notice.say("")
        else:
            self.notice.say(message, "error")

    def say(self, message: str) -> None:
        self.notice.say(message, "success")


# -- staff ------------------------------------------------------------------------------------------------------


class StaffModel(RowsModel[Any]):
    """Rows are ``StaffRow`` DTOs from :meth:`AdminService.staff`."""

    columns = (
        Column("Number", lambda r: r.staff_no),
        Column("Name", lambda r: r.name),
        Column("Role", lambda r: r.role),
        Column("Status", lambda r: "active" if r.active else "DISABLED", CENTRE),
        Column("Locked", lambda r: "LOCKED" if r.locked else "", CENTRE),
        Column("Wrong PINs", lambda r: str(r.failed_attempts) if r.failed_attempts else "", RIGHT),
    )


class StaffAdminScreen(_Screen):
    create_requested = Signal(str, str, str, str)  # staff number, name, role, PIN
    reset_pin = Signal(str, str)  # staff number, PIN
    set_active = Signal(str, bool)
    unlock = Signal(str)

    def __init__(self) -> None:
        super().__init__("staffAdminScreen", "Staff at the counter", STAFF_HINTS)
        self.model = StaffModel(self)
        self.view = list_table(self.model, "staffList", row_height=32, stretch=1, tab_moves_focus=True)
        self.left.addWidget(self.view, 1)
        self.left.addWidget(self.notice)
        self.mode = ""  # "create" | "pin"
        self.staff_no = EnterLineEdit()
        self.staff_no.setObjectName("adminStaffNo")
        self.staff_no.setMaxLength(6)
        self.staff_no.setPlaceholderText("4 to 6 digits, e.g. 1003")
        self.name = EnterLineEdit()
        self.name.setObjectName("adminStaffName")
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("e.g. Dana Whitford")
        self.role = QComboBox()
        self.role.setObjectName("adminStaffRole")
        self.pin = EnterLineEdit()
        self.pin.setObjectName("adminStaffPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.setPlaceholderText("4 to 12 digits, not 1111 or 1234")
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        for field, caption, widget in (("staff_no", "Staff number", self.staff_no), ("name", "Name", self.name),
                                       ("role", "Role", self.role), ("pin", "PIN (they can sign in with it)",
                                                                     self.pin)):
            label = _label(caption)
            label.setBuddy(widget)
            self.errors[field] = FieldError()
            self.form.addWidget(label)
            self.form.addWidget(widget)
            self.form.addWidget(self.errors[field])
            self.rows[field] = (label, widget)
        self.form_hint = _label("Enter: next field · Enter in the PIN: save · Esc: cancel", "muted")
        self.form_hint.setWordWrap(True)
        self.form.addWidget(self.form_hint)
        self.setFocusProxy(self.view)
        self.staff_no.returnPressed.connect(self.name.setFocus)
        self.name.returnPressed.connect(self.role.setFocus)
        self.pin.returnPressed.connect(self._submit)
        add_shortcut(self.role, "Return", self.pin.setFocus, focused_only=True)
        add_shortcut(self.role, "Enter", self.pin.setFocus, focused_only=True)
        add_shortcut(self.panel, "Ctrl+Return", self._submit)
        for key, action in (("N", self.open_create), ("P", self.open_reset), ("D", self._toggle_active),
                            ("U", self._unlock)):
            add_shortcut(self.view, key, action, focused_only=True)
        for field, widget in (("staff_no", self.staff_no), ("name", self.name), ("pin", self.pin)):
            widget.textEdited.connect(lambda _t, f=field: self.errors[f].clear_message())

    def set_roles(self, roles: list[str]) -> None:
        current = self.role.currentText()
        self.role.clear()
        ordered = sorted(roles, key=lambda r: ({"cashier": 0, "supervisor": 1, "administrator": 2}.get(r, 3), r))
        self.role.addItems(ordered)
        if current in ordered:
            self.role.setCurrentText(current)

    def set_rows(self, rows: list[Any]) -> None:
        chosen = self.chosen()
        self.model.set_rows(rows)
        active = sum(1 for r in rows if r.active)
        locked = sum(1 for r in rows if r.locked)
        self.summary.setText(f"{len(rows)} staff, {active} active" + (f", {locked} locked" if locked else ""))
        numbers = [r.staff_no for r in rows]
        if rows:
            self.view.selectRow(numbers.index(chosen.staff_no) if chosen and chosen.staff_no in numbers else 0)

    def chosen(self) -> Any | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row(index.row())

    def _open(self, mode: str, title: str) -> None:
        self.mode = mode
        self.clear_errors()
        self.notice.say("")
        self.panel_title.setText(title)
        creating = mode == "create"
        for field in ("staff_no", "name", "role"):
            label, widget = self.rows[field]
            label.setVisible(creating)
            widget.setVisible(creating)
        self.pin.clear()
        self.panel.show()

    def open_create(self) -> None:
        self._open("create", "New staff member")
        self.staff_no.clear()
        self.name.clear()
        self.role.setCurrentIndex(0)
        self.staff_no.setFocus()

    def open_reset(self) -> None:
        row = self.chosen()
        if row is None:
            return
        self._open("pin", f"New PIN for {row.name} ({row.staff_no})")
        self.pin.setFocus()

    def _submit(self) -> None:
        self.clear_errors()
        if self.mode == "create":
            self.create_requested.emit(self.staff_no.text(), self.name.text(), self.role.currentText(), self.pin.text())
        elif self.mode == "pin" and (row := self.chosen()) is not None:
            self.reset_pin.emit(row.staff_no, self.pin.text())

    def _toggle_active(self) -> None:
        row = self.chosen()
        if row is not None:
            self.set_active.emit(row.staff_no, not row.active)

    def _unlock(self) -> None:
        row = self.chosen()
        if row is None:
            return
        if not row.locked and not row.failed_attempts:
            self.notice.say(f"{row.name} is not locked.", "info")
            return
        self.unlock.emit(row.staff_no)

    def saved(self, message: str) -> None:
        self.pin.clear()
        self.close_panel()
        self.say(message)

    def show_error(self, message: str, field: str = "") -> None:
        if field == "pin":
            self.pin.clear()
        super().show_error(message, field)
        widget = self.rows.get(field, (None, None))[1]
        if widget is not None and widget.isVisible():
            widget.setFocus()


# -- the fee schedule ------------------------------------------------------------------------------------------


def _amount(service: Service) -> str:
    if service.kind is LineKind.FIXED and service.amount_cents is not None:
        return format_money(service.amount_cents)
    return "from the bill" if service.kind is LineKind.BILL else "typed at the counter"


def _tenders(service: Service) -> str:
    if set(TenderKind) <= set(service.allowed_tenders):
        return "all"
    return ", ".join(kind.label for kind in TenderKind if kind in service.allowed_tenders)


class FeesModel(RowsModel[tuple[Service, bool]]):
    """Rows are (service, active)."""

    columns = (
        Column("Code", lambda r: r[0].code),
        Column("Service", lambda r: r[0].name),
        Column("Amount", lambda r: _amount(r[0]), RIGHT),
        Column("Tenders", lambda r: _tenders(r[0])),
        Column("Status", lambda r: "active" if r[1] else "INACTIVE", CENTRE),
    )


class FeeScheduleScreen(_Screen):
    save = Signal(str, object)  # service code, {"name": ..., "amount_text": ..., "tenders": [...], "active": ...}

    def __init__(self) -> None:
        super().__init__("feeScheduleScreen", "Fee schedule and services", FEES_HINTS)
        self.model = FeesModel(self)
        self.view = list_table(self.model, "feeList", row_height=32, stretch=1, tab_moves_focus=True)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # tenders share it
        self.left.addWidget(self.view, 1)
        self.left.addWidget(self.notice)
        self.editing: tuple[Service, bool] | None = None
        self.name = EnterLineEdit()
        self.name.setObjectName("feeName")
        self.name.setMaxLength(120)
        self.amount = EnterLineEdit()
        self.amount.setObjectName("feeAmount")
        self.amount.setMaxLength(12)
        self.amount_note = _label("", "muted")
        self.tender_boxes: dict[TenderKind, QCheckBox] = {}
        self.active = QCheckBox("Active (offered at the counter)")
        self.active.setObjectName("feeActive")
        self.errors = {name: FieldError() for name in ("name", "amount", "tenders", "service")}
        name_label = _label("Name on the screen and the receipt")
        name_label.setBuddy(self.name)
        amount_label = _label("Amount")
        amount_label.setBuddy(self.amount)
        self.form.addWidget(name_label)
        self.form.addWidget(self.name)
        self.form.addWidget(self.errors["name"])
        self.form.addWidget(amount_label)
        self.form.addWidget(self.amount)
        self.form.addWidget(self.amount_note)
        self.form.addWidget(self.errors["amount"])
        self.form.addWidget(_label("Tenders accepted"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for n, kind in enumerate(TenderKind):
            box = QCheckBox(kind.label)
            box.setObjectName(f"feeTender_{kind.value}")
            self.tender_boxes[kind] = box
            grid.addWidget(box, n // 2, n % 2)
        self.form.addLayout(grid)
        self.form.addWidget(self.errors["tenders"])
        self.form.addWidget(self.active)
        self.form.addWidget(self.errors["service"])
        hint = _label("Tab: next field · Space: tick · Enter or Ctrl+Enter: save · Esc: cancel", "muted")
        hint.setWordWrap(True)
        self.form.addWidget(hint)
        self.setFocusProxy(self.view)
        self.name.returnPressed.connect(self._submit)
        self.amount.returnPressed.connect(self._submit)
        add_shortcut(self.view, "Return", self.open_edit, focused_only=True)
        add_shortcut(self.view, "Enter", self.open_edit, focused_only=True)
        add_shortcut(self.panel, "Ctrl+Return", self._submit)
        for widget in (*self.tender_boxes.values(), self.active):
            add_shortcut(widget, "Return", self._submit, focused_only=True)
        self.name.textEdited.connect(lambda _t: self.errors["name"].clear_message())
        self.amount.textEdited.connect(lambda _t: self.errors["amount"].clear_message())

    def set_rows(self, rows: list[tuple[Service, bool]]) -> None:
        chosen = self.chosen()
        self.model.set_rows(rows)
        inactive = sum(1 for _s, active in rows if not active)
        self.summary.setText(f"{len(rows)} services" + (f", {inactive} inactive" if inactive else ""))
        codes = [s.code for s, _a in rows]
        if rows:
            self.view.selectRow(codes.index(chosen[0].code) if chosen and chosen[0].code in codes else 0)

    def chosen(self) -> tuple[Service, bool] | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row(index.row())

    def open_edit(self) -> None:
        row = self.chosen()
        if row is None:
            return
        service, active = row
        self.editing = row
        self.clear_errors()
        self.notice.say("")
        self.panel_title.setText(f"{service.code}: change the service")
        self.name.setText(service.name)
        fixed = service.kind is LineKind.FIXED
        self.amount.setEnabled(fixed)
        self.amount.setText(format_plain(service.amount_cents) if fixed and service.amount_cents is not None else "")
        self.amount_note.setText("" if fixed else f"No fixed amount: {_amount(service)}.")
        self.amount_note.setVisible(not fixed)
        for kind, box in self.tender_boxes.items():
            box.setChecked(kind in service.allowed_tenders)
        self.active.setChecked(active)
        self.panel.show()
        if fixed:
            self.amount.setFocus()
            self.amount.selectAll()
        else:
            self.name.setFocus()

    def changes(self) -> dict[str, Any]:
        """Only what the administrator changed (the service refuses "nothing to change")."""
        if self.editing is None:
            return {}
        service, active = self.editing
        found: dict[str, Any] = {}
        if " ".join(self.name.text().split()) != service.name:
            found["name"] = self.name.text()
        if service.kind is LineKind.FIXED and self.amount.text().strip() != (
                format_plain(service.amount_cents) if service.amount_cents is not None else ""):
            found["amount_text"] = self.amount.text()
        tenders = [kind.value for kind, box in self.tender_boxes.items() if box.isChecked()]
        if set(tenders) != {k.value for k in service.allowed_tenders}:
            found["tenders"] = tenders
        if self.active.isChecked() != active:
            found["active"] = self.active.isChecked()
        return found

    def _submit(self) -> None:
        if self.editing is None or not self.panel.isVisible():
            return
        self.clear_errors()
        self.save.emit(self.editing[0].code, self.changes())

    def show_error(self, message: str, field: str = "") -> None:
        super().show_error(message, field)
        target = {"name": self.name, "amount": self.amount}.get(field)
        if target is not None and self.panel.isVisible():
            target.setFocus()
            target.selectAll()
