"""Referrals as the screens see them: create one (walk-in hand-off or callback), the resident's slip, the list
with its filters, and a supervisor's status change.

Contact details are checked at once (pure domain rules, no store); the referral is recorded in the worker lane.
Refusals come back as ``failed(message, field)`` with the field the domain named, so the form shows the message
under that field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from counter_app.errors import UserError
from counter_app.referrals.contact import make_contact
from counter_app.referrals.referral import Mode, Referral, ReferralRequest, Urgency
from counter_app.ui.view_models import describe

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.services.records_people import ReferralNote
    from counter_app.ui.workers import TaskRunner

SLIP_LAYOUTS = {"thermal": "80 mm roll", "letter": "Letter page"}


@dataclass(frozen=True, slots=True)
class ReferralForm:
    """What the cashier typed into the referral form, as text."""

    department: str
    role: str
    topic: str
    mode: Mode
    urgency: Urgency
    description: str
    callback_window: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False
    address: str = ""
    account: str = ""
    related_receipt: str = ""


@dataclass(frozen=True, slots=True)
class ReferralStart:
    """How the form opens: empty (F8) or from an article (Ctrl+R on the questions screen)."""

    department: str = ""
    role: str = ""
    topic: str = "other"
    description: str = ""
    what_to_bring: str = ""
    article_title: str = ""
    started_at: datetime | None = None
    related_receipt: str = ""
    came_from: str = "payment"


@dataclass(frozen=True, slots=True)
class SlipPages:
    referral: Referral
    layout: str
    pdf: bytes
    images: list[QImage] = field(default_factory=list)
    page_size_pt: tuple[float, float] = (0.0, 0.0)


class ReferralViewModel(QObject):
    created = Signal(object)  # Referral
    failed = Signal(str, str)  # message, field
    busy_changed = Signal(bool)
    handoff_recorded = Signal(object)  # Referral
    slip_ready = Signal(object)  # SlipPages
    slip_printed = Signal(str)
    slip_saved = Signal(str)

    def __init__(self, counter: Counter, runner: TaskRunner, staff: Callable[[], StaffMember | None],
                 visit_id: Callable[[], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self._staff = staff
        self._visit_id = visit_id
        self.busy = False
        self.referral: Referral | None = None
        self.what_to_bring = ""
        self.specialist_name = ""
        self._slip_request = 0

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    def submit(self, form: ReferralForm, start: ReferralStart, specialist_name: str) -> None:
        """Check the contact details now, record the referral in the worker lane; nothing is stored on refusal."""
        staff = self._staff()
        if staff is None or self.busy:
            return
        try:
            contact = make_contact(form.first_name, form.last_name, form.phone, form.email, form.consent)
        except UserError as exc:
            self.failed.emit(exc.message, exc.field or "")
            return
        if not form.department:
            self.failed.emit("Choose the department to refer to.", "department")
            return
        request = ReferralRequest(
            department_code=form.department, role_code=form.role, description=form.description, mode=form.mode,
            urgency=form.urgency, contact=contact,
            callback_window=form.callback_window if form.mode is Mode.CALLBACK else "",
            address=form.address, account_number=form.account, related_receipt=form.related_receipt,
            topic=form.topic or "other",
        )
        referrals, visit_id, started = self.counter.referrals, self._visit_id(), start.started_at

        def work() -> Referral:
            return referrals.create(request, staff, visit_id=visit_id, started_at=started)

        def done(referral: Any) -> None:
            self._set_busy(False)
            self.referral = referral
            self.what_to_bring = start.what_to_bring
            self.specialist_name = specialist_name if form.mode is Mode.WALK_IN else ""
            self.created.emit(referral)

        def error(exc: BaseException) -> None:
            self._set_busy(False)
            self.failed.emit(*describe(exc, "description"))

        self._set_busy(True)
        self._runner.run(work, done=done, error=error)

    def record_handoff(self) -> None:
        staff, referral = self._staff(), self.referral
        if staff is None or referral is None:
            return

        def done(updated: Any) -> None:
            self.referral = updated
            self.handoff_recorded.emit(updated)

        self._runner.run(self.counter.referrals.record_handoff, referral.id, staff, done=done,
                         error=lambda e: self.failed.emit(*describe(e, "handoff")))

    # -- the slip ----------------------------------------------------------------------------------------------
    def _render(self, referral: Referral, layout: str) -> bytes:
        from counter_app.printing.referral_slip import render_referral_slip

        current = self.counter.referrals.get(referral.id) or referral  # the central id, once sync brought it
        return render_referral_slip(current, issuer=self.counter.payments.issuer, what_to_bring=self.what_to_bring,
                                    specialist_name=self.specialist_name or None, layout=layout,
                                    tz=self.counter.clock.tz)

    def slip(self, layout: str, width_px: int, max_scale: float) -> None:
        referral = self.referral
        if referral is None:
            return
        self._slip_request += 1
        request = self._slip_request

        def work() -> SlipPages:
            from counter_app.ui.pdf_view import page_size_pt, render_pages

            pdf = self._render(referral, layout)
            return SlipPages(referral, layout, pdf, render_pages(pdf, width_px=width_px, max_scale=max_scale),
                             page_size_pt(pdf))

        def done(pages: Any) -> None:
            if request == self._slip_request:  # a newer preview (layout switched) wins
                self.slip_ready.emit(pages)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "slip")))

    def print_slip(self, layout: str, dpi: float, paint: Callable[[list[QImage]], None]) -> None:
        referral = self.referral
        if referral is None:
            return

        def work() -> list[QImage]:
            from counter_app.ui.pdf_view import render_pages

            return render_pages(self._render(referral, layout), scale=dpi / 72)

        def done(images: Any) -> None:
            paint(images)
            self.slip_printed.emit(referral.reference)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "print")))

    def save_slip(self, layout: str, path: str) -> None:
        referral = self.referral
        if referral is None:
            return

        def work() -> str:
            Path(path).write_bytes(self._render(referral, layout))
            return path

        def error(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                self.failed.emit(f"Could not save the slip: {exc.strerror or exc}. Choose another folder.", "save")
            else:
                self.failed.emit(*describe(exc, "save"))

        self._runner.run(work, done=lambda p: self.slip_saved.emit(str(p)), error=error)


# --- the list -------------------------------------------------------------------------------------------------

#: The list's filters: what the cashier picks -> (only today, status for ``ReferralService.listing``).
FILTERS = {"today": "Today", "open": "Open (any day)", "all": "All days"}


@dataclass(frozen=True, slots=True)
class ReferralDetail:
    referral: Referral
    notes: list[ReferralNote]


class ReferralListViewModel(QObject):
    rows_loaded = Signal(list)  # list[Referral]
    detail_loaded = Signal(object)  # ReferralDetail
    status_updated = Signal(object)  # Referral
    failed = Signal(str, str)
    busy_changed = Signal(bool)

    def __init__(self, counter: Counter, runner: TaskRunner, staff: Callable[[], StaffMember | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self._staff = staff
        self.filter = "today"
        self.department = ""
        self._request = 0
        self.busy = False

    def refresh(self) -> None:
        self._request += 1
        request, referrals = self._request, self.counter.referrals
        day: date | None = self.counter.clock.today() if self.filter == "today" else None
        status = "open" if self.filter == "open" else None
        department = self.department or None

        def done(rows: Any) -> None:
            if request == self._request:
                self.rows_loaded.emit(list(rows))

        self._runner.run(referrals.listing, day, status, department, done=done,
                         error=lambda e: self.failed.emit(*describe(e, "list")))

    def set_filter(self, name: str) -> None:
        self.filter = name if name in FILTERS else "today"
        self.refresh()

    def set_department(self, code: str) -> None:
        self.department = code
        self.refresh()

    def open_detail(self, referral_id: str) -> None:
        referrals = self.counter.referrals

        def work() -> ReferralDetail | None:
            found = referrals.get(referral_id)
            return ReferralDetail(found, referrals.notes(referral_id)) if found is not None else None

        def done(detail: Any) -> None:
            if detail is None:
                self.failed.emit("That referral is not on this counter any more.", "list")
            else:
                self.detail_loaded.emit(detail)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "list")))

    def needs_approval(self) -> bool:
        staff = self._staff()
        return not (staff is not None and staff.can("update_referrals"))

    def update_status(self, referral_id: str, status: str, note: str, supervisor_no: str = "", pin: str = "") -> None:
        staff = self._staff()
        if staff is None or self.busy:
            return
        counter = self.counter

        def work() -> ReferralDetail:
            actor = staff
            if supervisor_no or not staff.can("update_referrals"):
                actor = counter.auth.approve(supervisor_no, pin, staff, "update_referrals", f"referral:{referral_id}")
            updated = counter.referrals.update_status(referral_id, status, note, actor)
            return ReferralDetail(updated, counter.referrals.notes(referral_id))

        def done(detail: Any) -> None:
            self._set_busy(False)
            self.status_updated.emit(detail.referral)
            self.detail_loaded.emit(detail)
            self.refresh()

        def error(exc: BaseException) -> None:
            self._set_busy(False)
            self.failed.emit(*describe(exc, "note"))

        self._set_busy(True)
        self._runner.run(work, done=done, error=error)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)
