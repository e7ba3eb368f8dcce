"""The referral form (F8, or Ctrl+R from an article) and, once sent, the specialist call and the resident's slip.

The form reads top to bottom, left to right, in the order a cashier asks: where to, why and how, then the
resident's details (only with their consent). Enter moves to the next field, Ctrl+Enter sends, Esc cancels. A
refusal is shown under the field it concerns. Once recorded: a walk-in shows that the specialist has been called
(Ctrl+H records their arrival), and the slip is previewed with print, save and layout keys.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.referrals.referral import CALLBACK_WINDOWS, Mode, Referral, Urgency
from counter_app.ui.pdf_view import PdfPreview
from counter_app.ui.prompts import Prompts, paint_pages
from counter_app.ui.referral_view_model import SLIP_LAYOUTS, ReferralForm, ReferralStart, ReferralViewModel, SlipPages
from counter_app.ui.widgets import FieldError, HintBar, Notice, add_shortcut, set_state

if TYPE_CHECKING:
    from counter_app.ui.directory_view_model import DirectoryViewModel
    from counter_app.visits.model import Topic

KEYS: tuple[tuple[str, str], ...] = (
    ("Enter / Tab", "Next field (Shift+Enter: new line in the reason)"),
    ("Up / Down", "Choose in a list (department, role, topic…)"),
    ("Alt+W / Alt+C", "Walk-in hand-off / follow-up callback"),
    ("Alt+A / Space", "Tick or untick the consent box"),
    ("Ctrl+Enter", "Send the referral"),
    ("Esc", "Cancel (nothing is recorded)"),
    ("Ctrl+H", "After a walk-in: the specialist arrived"),
    ("Ctrl+P / Ctrl+S", "Print the slip / save it as PDF"),
    ("Ctrl+L", "Slip on a letter page / 80 mm roll"),
    ("Enter (slip)", "Done: back to the previous screen"),
)
HINT_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Next field"), ("Alt+W / Alt+C", "Walk-in / Callback"), ("Ctrl+Enter", "Send"), ("Esc", "Cancel"),
    ("F1", "Help"),
)

URGENCY_LABELS = {Urgency.ROUTINE: "Routine", Urgency.SOON: "Soon (within one business day)",
                  Urgency.URGENT: "Urgent (within half a business day)"}
#: The topic a referral to a department is counted under, until the cashier picks another.
DEPARTMENT_TOPICS = {"UTIL": "utilities", "ELEC": "utilities", "TAX": "tax", "PLAN": "permits_licences",
                     "BSI": "permits_licences", "TRANSIT": "transit", "WASTE": "waste_recycling", "PARK": "parking",
                     "ANIMAL": "animals", "CEM": "cemetery", "CS": "city_hall"}
#: Preview of the 80 mm slip, as for receipts: 1.75 screen pixels per point.
THERMAL_ZOOM = 1.75


def _label(text: str, name: str = "fieldLabel", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class ReasonEdit(QPlainTextEdit):
    """The reason: Enter moves on like every other field, Shift+Enter starts a new line, Tab leaves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            self.focusNextChild()
            return
        super().keyPressEvent(event)


class ReferralFormPage(QFrame):
    """The fields, each with its own error line under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralForm")
        self.department = QComboBox()
        self.department.setObjectName("refDepartment")
        self.role = QComboBox()
        self.role.setObjectName("refRole")
        self.on_duty = _label("", "refOnDuty", wrap=True)
        self.topic = QComboBox()
        self.topic.setObjectName("refTopic")
        self.urgency = QComboBox()
        self.urgency.setObjectName("refUrgency")
        for urgency, text in URGENCY_LABELS.items():
            self.urgency.addItem(text, urgency.value)
        self.walk_in = QRadioButton("Walk-in: specialist comes now  (Alt+W)")
        self.walk_in.setObjectName("refWalkIn")
        self.callback = QRadioButton("Callback: specialist calls back  (Alt+C)")
        self.callback.setObjectName("refCallback")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.walk_in)
        self.modes.addButton(self.callback)
        self.walk_in.setChecked(True)
        self.description = ReasonEdit()
        self.description.setObjectName("refDescription")
        self.description.setPlaceholderText("Why the resident needs the specialist, in a sentence or two")
        self.callback_window = QComboBox()
        self.callback_window.setObjectName("refWindow")
        self.callback_window.addItem("(choose when to call back)", "")
        for text in CALLBACK_WINDOWS:
            self.callback_window.addItem(text, text)
        self.address = QLineEdit()
        self.address.setObjectName("refAddress")
        self.address.setMaxLength(200)
        self.account = QLineEdit()
        self.account.setObjectName("refAccount")
        self.account.setMaxLength(40)
        self.receipt = QLineEdit()
        self.receipt.setObjectName("refReceipt")
        self.receipt.setMaxLength(40)
        self.consent = QCheckBox("Resident agrees: consent given  (Alt+A)")
        self.consent.setObjectName("refConsent")
        self.first_name = QLineEdit()
        self.first_name.setObjectName("refFirstName")
        self.last_name = QLineEdit()
        self.last_name.setObjectName("refLastName")
        self.phone = QLineEdit()
        self.phone.setObjectName("refPhone")
        self.phone.setPlaceholderText("403-555-0123")
        self.email = QLineEdit()
        self.email.setObjectName("refEmail")
        self.email.setPlaceholderText("name@example.ca")
        for edit in (self.first_name, self.last_name, self.phone, self.email):
            edit.setMaxLength(254)
        self.errors: dict[str, FieldError] = {}
        self.consent_hint = _label("Ask first: may the City keep these contact details for this request? "
                                   "Without consent, leave name, phone and email empty.", "muted", wrap=True)

        grid = QGridLayout(self)
        grid.setContentsMargins(18, 10, 18, 10)
        grid.setHorizontalSpacing(22)
        grid.setVerticalSpacing(0)
        columns = (
            ("Refer to", (("Department", self.department, "department"), ("Specialist role", self.role, "role"),
                          ("", self.on_duty, ""), ("Topic (what the city counts)", self.topic, "topic"),
                          ("Urgency", self.urgency, "urgency"), ("How", self.walk_in, ""),
                          ("", self.callback, "mode"))),
            ("Why", (("Reason for the referral", self.description, "description"),
                     ("Best time to call back (callback only)", self.callback_window, "callback_window"),
                     ("Address (if it concerns a property)", self.address, "address"),
                     ("Account or roll number", self.account, "account"),
                     ("Related receipt", self.receipt, "related_receipt"))),
            ("The resident (only what is needed)", (("", self.consent, "consent"), ("", self.consent_hint, ""),
                                                     ("First name", self.first_name, "first_name"),
                                                     ("Last name", self.last_name, "last_name"),
                                                     ("Phone", self.phone, "phone"),
                                                     ("Email", self.email, "email"))),
        )
        for column, (title, fields) in enumerate(columns):
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(_label(title, "sectionTitle"))
            for caption, widget, name in fields:
                if caption:
                    box.addWidget(_label(caption))
                box.addWidget(widget)
                if name:
                    self.errors[name] = FieldError()
                    box.addWidget(self.errors[name])
            box.addStretch(1)
            grid.addLayout(box, 0, column)
            grid.setColumnStretch(column, 1)
        self.description.setFixedHeight(112)
        self.fields: dict[str, QWidget] = {
            "department": self.department, "role": self.role, "topic": self.topic, "urgency": self.urgency,
            "mode": self.callback, "description": self.description, "callback_window": self.callback_window,
            "address": self.address, "account": self.account, "related_receipt": self.receipt,
            "consent": self.consent, "first_name": self.first_name, "last_name": self.last_name,
            "phone": self.phone, "email": self.email,
        }
        order: list[QWidget] = [self.department, self.role, self.topic, self.urgency, self.walk_in, self.callback,
                                self.description, self.callback_window, self.address, self.account, self.receipt,
                                self.consent, self.first_name, self.last_name, self.phone, self.email]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        for name, field_widget in self.fields.items():
            if isinstance(field_widget, QLineEdit):
                field_widget.textEdited.connect(lambda _t, n=name: self.errors[n].clear_message())
            elif isinstance(field_widget, QComboBox):
                field_widget.currentIndexChanged.connect(lambda _i, n=name: self.errors[n].clear_message())
        self.description.textChanged.connect(self.errors["description"].clear_message)
        self.consent.toggled.connect(lambda _on: self.errors["consent"].clear_message())

    def mode(self) -> Mode:
        return Mode.CALLBACK if self.callback.isChecked() else Mode.WALK_IN

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear_message()

    def show_error(self, message: str, field: str) -> bool:
        name = {"contact": "phone", "expected": "urgency", "callback": "callback_window"}.get(field, field)
        label = self.errors.get(name)
        if label is None:
            return False
        label.show_message(message)
        widget = self.fields[name]
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)):
            self.focusNextChild()  # Enter moves on, in combo boxes and check boxes too
            return
        super().keyPressEvent(event)


class SlipPage(QFrame):
    """After sending: the reference, the specialist called to the counter, and the slip to print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slipPage")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(18)
        side = QVBoxLayout()
        side.setSpacing(8)
        side.addWidget(_label("Referral recorded", "sectionTitle"))
        self.reference_caption = _label("Reference for the resident", "muted")
        side.addWidget(self.reference_caption)
        self.reference = _label("", "refReference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(self.reference)
        self.referred = _label("", "refReferred", wrap=True)
        side.addWidget(self.referred)
        self.call = QFrame()
        self.call.setObjectName("specialistCall")
        call_box = QVBoxLayout(self.call)
        call_box.setContentsMargins(16, 12, 16, 12)
        call_box.setSpacing(6)
        self.call_text = _label("", "callText", wrap=True)
        self.call_key = _label("", "callKey", wrap=True)
        call_box.addWidget(self.call_text)
        call_box.addWidget(self.call_key)
        side.addWidget(self.call)
        self.service_notice = _label("", "refNotice", wrap=True)
        side.addWidget(self.service_notice)
        self.layout_label = _label("", "muted")
        side.addWidget(self.layout_label)
        self.notice = Notice()
        side.addWidget(self.notice)
        keys = QFrame()
        keys.setObjectName("panel")
        grid = QGridLayout(keys)
        grid.setContentsMargins(16, 10, 16, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        self.handoff_key = QLabel("Specialist arrived")
        for index, (key, text) in enumerate((("Ctrl+P", QLabel("Print the slip")), ("Ctrl+S", QLabel("Save as PDF")),
                                             ("Ctrl+L", QLabel("Letter page / 80 mm roll")),
                                             ("Enter", QLabel("Done")))):
            cap = _label(key, "bigKeyCap")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text.setObjectName("bigKeyText")
            grid.addWidget(cap, index // 2, (index % 2) * 2)
            grid.addWidget(text, index // 2, (index % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        side.addWidget(keys)
        side.addStretch(1)
        row.addLayout(side, 9)
        self.preview = PdfPreview()
        self.preview.setMinimumWidth(440)
        row.addWidget(self.preview, 8)


class ReferralScreen(QWidget):
    finished = Signal(str)  # the screen to go back to
    created = Signal(object)  # Referral (the dashboard counts it)

    def __init__(self, vm: ReferralViewModel, directory: DirectoryViewModel, prompts: Prompts,
                 topics: Callable[[], list[Topic]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralScreen")
        self.vm = vm
        self.directory = directory
        self.prompts = prompts
        self.topics = topics
        self.start = ReferralStart()
        self.layout_name = "thermal"
        self.slip: SlipPages | None = None
        self._topic_touched = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 10, 16, 8)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        self.hints = QStackedWidget()
        form_hints = HintBar(HINT_KEYS)
        self.hints.addWidget(form_hints)
        self.hints.addWidget(HintBar((("Ctrl+H", "Specialist arrived"), ("Ctrl+P", "Print slip"),
                                      ("Ctrl+S", "Save PDF"), ("Ctrl+L", "Letter / roll"), ("Enter", "Done"),
                                      ("F1", "Help"))))
        self.hints.setFixedHeight(form_hints.sizeHint().height())
        outer.addWidget(self.hints)

        head = QHBoxLayout()
        self.title = _label("New referral", "panelTitle")
        self.origin = _label("", "muted")
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.origin, 1)
        body.addLayout(head)
        self.pages = QStackedWidget()
        self.form = ReferralFormPage()
        self.done_page = SlipPage()
        self.pages.addWidget(self.form)
        self.pages.addWidget(self.done_page)
        body.addWidget(self.pages, 1)
        self.notice = Notice()
        body.addWidget(self.notice)

        self.form.department.currentIndexChanged.connect(self._department_changed)
        self.form.role.currentIndexChanged.connect(self._role_changed)
        self.form.topic.activated.connect(lambda _i: setattr(self, "_topic_touched", True))
        self.form.callback.toggled.connect(self._mode_changed)
        directory.loaded.connect(self._directory_loaded)
        vm.failed.connect(self.show_error)
        vm.created.connect(self._created)
        vm.busy_changed.connect(self._busy)
        vm.handoff_recorded.connect(self._handoff_recorded)
        vm.slip_ready.connect(self._show_slip)
        vm.slip_printed.connect(lambda ref: self.done_page.notice.say(f"Slip {ref} sent to the printer.", "success"))
        vm.slip_saved.connect(lambda path: self.done_page.notice.say(f"Saved {path}", "success"))

        add_shortcut(self.form, "Ctrl+Return", self.submit)
        add_shortcut(self.form, "Ctrl+Enter", self.submit)
        add_shortcut(self.form, "Esc", self.cancel)
        add_shortcut(self.form, "Alt+W", lambda: self._choose(self.form.walk_in))
        add_shortcut(self.form, "Alt+C", lambda: self._choose(self.form.callback))
        add_shortcut(self.form, "Alt+A", self.form.consent.toggle)
        add_shortcut(self.done_page, "Ctrl+H", self.vm.record_handoff)
        add_shortcut(self.done_page, "Ctrl+P", self.print_slip)
        add_shortcut(self.done_page, "Ctrl+S", self.save_slip)
        add_shortcut(self.done_page, "Ctrl+L", self.toggle_layout)
        self.done_page.installEventFilter(self)
        self._mode_changed(False)

    # -- opening -----------------------------------------------------------------------------------------------
    def open_form(self, start: ReferralStart) -> None:
        """A fresh form, prefilled from ``start`` (an article's department, role, topic and the question)."""
        self.start = start
        form = self.form
        self.pages.setCurrentWidget(form)
        self.hints.setCurrentIndex(0)
        self.title.setText("New referral")
        self.origin.setText(f"from the article “{start.article_title}”" if start.article_title else "")
        self.notice.say("")
        form.clear_errors()
        self._fill_departments()
        self._fill_topics()
        index = form.department.findData(start.department) if start.department else -1
        form.department.setCurrentIndex(index if index >= 0 else 0 if start.department else -1)
        self._department_changed()
        if start.role:
            role = form.role.findData(start.role)
            if role >= 0:
                form.role.setCurrentIndex(role)
        self._topic_touched = bool(start.department)
        topic = form.topic.findData(start.topic or "other")
        form.topic.setCurrentIndex(max(0, topic))
        form.urgency.setCurrentIndex(0)
        form.walk_in.setChecked(True)
        form.description.setPlainText(start.description)
        form.callback_window.setCurrentIndex(0)
        for edit in (form.address, form.account, form.first_name, form.last_name, form.phone, form.email):
            edit.clear()
        form.receipt.setText(start.related_receipt)
        form.consent.setChecked(False)
        self.setFocusProxy(form.department if not start.department else form.description)

    def focus_first(self) -> None:
        form = self.form
        if self.pages.currentWidget() is self.done_page:
            self.done_page.setFocus()
        elif self.start.department:
            form.description.setFocus()
            form.description.moveCursor(form.description.textCursor().MoveOperation.End)
        else:
            form.department.setFocus()

    def _fill_departments(self) -> None:
        combo = self.form.department
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for code, department in sorted(self.directory.departments.items(), key=lambda item: item[1].name):
            combo.addItem(department.name, code)
        combo.setCurrentIndex(combo.findData(current) if current else -1)
        combo.blockSignals(False)

    def _fill_topics(self) -> None:
        combo = self.form.topic
        if combo.count():
            return
        for topic in self.topics():
            combo.addItem(topic.label, topic.code)

    def _directory_loaded(self) -> None:
        if self.pages.currentWidget() is self.form:
            role = self.form.role.currentData()
            self._fill_departments()
            self._department_changed()
            index = self.form.role.findData(role)
            if index >= 0:
                self.form.role.setCurrentIndex(index)

    def _department_changed(self, _index: int = -1) -> None:
        form = self.form
        department = self.directory.departments.get(str(form.department.currentData() or ""))
        form.role.blockSignals(True)
        form.role.clear()
        if department is not None:
            for code, name in department.roles:
                form.role.addItem(name, code)
            form.role.setCurrentIndex(0)
        form.role.blockSignals(False)
        if department is not None and not self._topic_touched:
            index = form.topic.findData(DEPARTMENT_TOPICS.get(department.code, "other"))
            if index >= 0:
                form.topic.setCurrentIndex(index)
        self._role_changed()

    def _role_changed(self, _index: int = -1) -> None:
        role = self.form.role.currentData()
        text = self.directory.on_duty_text(str(role)) if role else ""
        self.form.on_duty.setText(text)
        set_state(self.form.on_duty, "tone", "ok" if self.directory.on_duty(str(role or "")) else "none")

    def _choose(self, button: QRadioButton) -> None:
        button.setChecked(True)
        button.setFocus()

    def _mode_changed(self, callback: bool) -> None:
        self.form.callback_window.setEnabled(callback)
        if not callback:
            self.form.errors["callback_window"].clear_message()

    # -- sending -----------------------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.vm.busy or self.pages.currentWidget() is not self.form:
            return
        form = self.form
        form.clear_errors()
        self.notice.say("")
        data = ReferralForm(
            department=str(form.department.currentData() or ""), role=str(form.role.currentData() or ""),
            topic=str(form.topic.currentData() or "other"), mode=form.mode(),
            urgency=Urgency(str(form.urgency.currentData() or "routine")),
            description=form.description.toPlainText(), callback_window=str(form.callback_window.currentData() or ""),
            first_name=form.first_name.text(), last_name=form.last_name.text(), phone=form.phone.text(),
            email=form.email.text(), consent=form.consent.isChecked(), address=form.address.text(),
            account=form.account.text(), related_receipt=form.receipt.text(),
        )
        people = self.directory.on_duty(data.role)
        self.vm.submit(data, self.start, people[0].name if people else "")

    def _busy(self, busy: bool) -> None:
        if busy:
            self.notice.say("Recording the referral…", "info")
        elif self.notice.text() == "Recording the referral…":
            self.notice.say("")

    def _created(self, referral: Referral) -> None:
        page = self.done_page
        self.title.setText(f"Referral {referral.reference}")
        self.origin.setText(f"{referral.mode.label} · {referral.role_name}, {referral.department_name}")
        self.notice.say("")
        page.reference.setText(referral.reference)
        page.reference_caption.setText("Reference for the resident (until 311 numbers the request)"
                                       if referral.service_request_id is None else "311 service request no.")
        page.referred.setText(f"Referred to: {referral.role_name}, {referral.department_name}")
        page.service_notice.setText(referral.service_notice)
        page.notice.say("")
        if referral.mode is Mode.WALK_IN:
            page.call.show()
            page.call_text.setText(self._call_text(referral))
            page.call_key.setText("Ctrl+H  when the specialist arrives: records the hand-off")
            set_state(page.call, "tone", "calling")
        else:
            page.call.hide()
        self.pages.setCurrentWidget(page)
        self.hints.setCurrentIndex(1)
        self.layout_name = "thermal"
        self.slip = None
        self._request_slip()
        page.setFocus()
        self.created.emit(referral)

    def _call_text(self, referral: Referral) -> str:
        people = self.directory.on_duty(referral.role_code)
        if people:
            person = people[0]
            return f"Specialist {person.name} (ext. {person.extension}) has been called to the counter."
        department = self.directory.departments.get(referral.department_code)
        ext = f" at ext. {department.extension}" if department else ""
        return (f"No {referral.role_name.lower()} is on duty: call {referral.department_name}{ext} and ask for "
                "someone to come to the counter.")

    def _handoff_recorded(self, referral: Referral) -> None:
        page = self.done_page
        when = referral.handoff_at.astimezone(self.vm.counter.clock.tz).strftime("%H:%M") \
            if referral.handoff_at else ""
        page.call_text.setText(f"The specialist arrived at {when}: hand-off recorded.")
        page.call_key.setText("Give the resident the slip (Ctrl+P), then Enter.")
        set_state(page.call, "tone", "arrived")
        page.notice.say("Hand-off recorded.", "success")

    # -- the slip ----------------------------------------------------------------------------------------------
    def _request_slip(self) -> None:
        page = self.done_page
        page.layout_label.setText(f"Slip layout: {SLIP_LAYOUTS[self.layout_name]}")
        page.preview.clear("Preparing the slip…")
        ratio = self.devicePixelRatioF() or 1.0
        width = max(300, page.preview.viewport().width() - 24)
        max_scale = THERMAL_ZOOM if self.layout_name == "thermal" else 3.0
        self.vm.slip(self.layout_name, int(width * ratio), max_scale * ratio)

    def _show_slip(self, pages: SlipPages) -> None:
        self.slip = pages
        self.done_page.preview.show_pages(pages.images, self.devicePixelRatioF() or 1.0)

    def toggle_layout(self) -> None:
        self.layout_name = "letter" if self.layout_name == "thermal" else "thermal"
        self._request_slip()

    def print_slip(self) -> None:
        page = self.done_page
        size = self.slip.page_size_pt if self.slip is not None and self.slip.layout == self.layout_name else None
        printer = self.prompts.printer(self, size)
        page.setFocus()
        if printer is None:
            page.notice.say("Not printed.", "info")
            return

        def paint(images: list[Any]) -> None:
            try:
                paint_pages(printer, images)
            except OSError as exc:
                page.notice.say(f"The printer did not take the slip ({exc}). Check it and press Ctrl+P.", "error")

        page.notice.say("Printing…", "info")
        self.vm.print_slip(self.layout_name, min(float(printer.resolution()), 300.0), paint)

    def save_slip(self) -> None:
        referral = self.vm.referral
        if referral is None:
            return
        suffix = "-letter" if self.layout_name == "letter" else ""
        path = self.prompts.save_path(self, f"referral-{referral.reference}{suffix}.pdf")
        self.done_page.setFocus()
        if path:
            self.done_page.notice.say("Saving…", "info")
            self.vm.save_slip(self.layout_name, path)

    # -- leaving -----------------------------------------------------------------------------------------------
    def cancel(self) -> None:
        self.finished.emit(self.start.came_from)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.done_page and event.type() == event.Type.KeyPress:
            key = Qt.Key(event.key())
            plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                self.finished.emit(self.start.came_from)
                return True
            if plain and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                step = {Qt.Key.Key_Down: 60, Qt.Key.Key_Up: -60, Qt.Key.Key_PageDown: 400,
                        Qt.Key.Key_PageUp: -400}[key]
                self.done_page.preview.scroll_by(step)
                return True
        return super().eventFilter(watched, event)

    def show_error(self, message: str, field: str = "") -> None:
        if self.pages.currentWidget() is self.done_page:
            self.done_page.notice.say(message, "error")
            return
        if not self.form.show_error(message, field):
            self.notice.say(message, "error")
