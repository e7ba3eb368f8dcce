"""Staff security at the counter: the idle lock and switch user, administrator screens, the audit viewer, and the
guard that keeps full card numbers out of every text field.

Keys:
* Ctrl+Alt+L or Pause: lock now (the idle lock comes by itself after ``idle_lock_minutes``, default 5).
* Ctrl+Shift+A: staff (manage_staff). Ctrl+Shift+F: fee schedule and services (edit_fee_schedule).
* Ctrl+Shift+U: audit trail (view_audit).

PINs are checked in the worker lane (argon2id takes tens of milliseconds); the window never waits for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QGraphicsBlurEffect, QMessageBox, QWidget

from counter_app.payments.catalog import Service, TenderKind
from counter_app.payments.money import format_money
from counter_app.ui.admin_screens import (
    FEES_HINTS,
    FEES_KEYS,
    STAFF_HINTS,
    STAFF_KEYS,
    FeeScheduleScreen,
    StaffAdminScreen,
)
from counter_app.ui.audit_viewer import AUDIT_HINTS, AUDIT_KEYS, AuditScreen
from counter_app.ui.lock_card_guard import CardGuard
from counter_app.ui.lock_screen import POLL_MS, IdleWatch, LockOverlay, idle_minutes
from counter_app.ui.view_models import describe

if TYPE_CHECKING:
    from counter_app.services.records import StaffMember
    from counter_app.ui.feature_api import FeatureContext

LOCK_KEYS = ("Ctrl+Alt+L", "Pause")
STAFF_KEY = "Ctrl+Shift+A"
FEES_KEY = "Ctrl+Shift+F"
AUDIT_KEY = "Ctrl+Shift+U"
AUDIT_LIMIT = 500


# -- the idle lock and switch user ---------------------------------------------------------------------------


class LockController(QObject):
    """Locks the window after the idle time or on the lock key; unlocks on a PIN (found as ``lockFeature``)."""

    def __init__(self, ctx: FeatureContext, minutes: float, clock: Callable[[], float] = time.monotonic,
                 poll_ms: int = POLL_MS) -> None:
        super().__init__(ctx)
        self.setObjectName("lockFeature")
        self.ctx = ctx
        self.window = ctx.window
        self.locked = False
        self.locked_staff: StaffMember | None = None
        self.checking = False
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self.idle = IdleWatch(minutes * 60, clock, poll_ms, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)  # removed by Qt when the watch is deleted with the window
        self.overlay = LockOverlay(self.window)
        self.overlay.submitted.connect(self.check_pin)
        self.window.installEventFilter(self)
        if app is not None:
            app.focusChanged.connect(self._focus_moved)  # type: ignore[attr-defined]
        ctx.signed_in.connect(self._staff_in)
        ctx.signed_out.connect(self._staff_out)
        if ctx.staff is not None:
            self._staff_in(ctx.staff)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self._place()
        return False

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """While locked, nothing behind the card keeps the keyboard (e.g. a screen shown when a payment that was
        being recorded completes takes the focus): it goes back to the PIN."""
        if (self.locked and new is not None and self.window.isAncestorOf(new)
                and not self.overlay.isAncestorOf(new)):
            self.overlay.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place(self) -> None:
        central = self.window.centralWidget()
        if central is not None:
            self.overlay.setGeometry(central.geometry())

    def _staff_in(self, _staff: Any) -> None:
        if not self.locked:
            self.idle.arm(True)

    def _staff_out(self) -> None:
        self.idle.arm(False)
        if self.locked:
            self._release()

    # -- locking ---------------------------------------------------------------------------------------------
    def kept_text(self) -> str:
        vm = self.window.payment_vm
        if vm is not None and vm.has_lines:
            tenders = f", {len(vm.sale.tenders)} tender(s)" if vm.sale.tenders else ""
            return (f"The sale in progress is kept: {len(vm.sale.lines)} line(s){tenders}, "
                    f"{format_money(vm.sale.total)}.")
        return "Nothing is lost: the screen stays as it was."

    def lock(self) -> None:
        staff = self.window.staff
        if staff is None or self.locked:
            return
        self.locked = True
        self.locked_staff = staff
        self.idle.arm(False)
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self.window.isAncestorOf(focus) else None
        self._hide_dialogs()
        if self.window.overlay.isVisible():
            self.window.overlay.close_overlay()
        self.window.set_locked(True)
        stack = self.window.stack
        # The stack stays enabled (disabling and re-enabling every widget costs ~20 ms each way): keys cannot reach
        # it because the window's keys are off, Tab stays on the card and focus is pulled back (_focus_moved).
        blur = QGraphicsBlurEffect()
        blur.setBlurRadius(9)
        stack.setGraphicsEffect(blur)
        self._place()
        self.overlay.open_for(staff.name, staff.staff_no, self.kept_text())

    def _hide_dialogs(self) -> None:
        """Dialogs of this window hide with the work (and come back on unlock); a question is answered "keep"."""
        self._hidden = []
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QDialog) or not widget.isVisible() or widget.parentWidget() is not self.window:
                continue
            if isinstance(widget, QMessageBox):
                widget.reject()  # e.g. "discard the sale?": the answer that loses nothing
                continue
            widget.hide()
            self._hidden.append(widget)

    # -- unlocking -------------------------------------------------------------------------------------------
    def check_pin(self, staff_no: str, pin: str) -> None:
        if self.checking or not self.locked:
            return
        self.checking = True
        self.overlay.set_busy(True)
        self.ctx.runner.run(self.ctx.counter.auth.login, staff_no, pin, done=self._pin_ok, error=self._pin_failed)

    def _pin_ok(self, member: Any) -> None:
        self.checking = False
        previous = self.locked_staff
        if not self.locked:
            return
        if previous is None or member.id != previous.id:
            self.window.switch_staff(member)
            message = (f"{member.name} is now signed in at this workstation. The sale in progress is kept and will "
                       f"be recorded under {member.name}.")
        else:
            message = f"Welcome back, {member.name}."
        self._release()
        self.ctx.tell(message, "success")

    def _pin_failed(self, exc: BaseException) -> None:
        self.checking = False
        message, _field = describe(exc, "pin")
        self.overlay.show_error(message)

    def _release(self) -> None:
        self.locked = False
        self.locked_staff = None
        self.overlay.hide()
        stack = self.window.stack
        stack.setGraphicsEffect(None)  # type: ignore[arg-type]
        self.window.set_locked(False)
        hidden, self._hidden = self._hidden, []
        for dialog in hidden:
            try:
                dialog.show()
                dialog.raise_()
                dialog.activateWindow()
            except RuntimeError:  # closed meanwhile
                continue
        if not hidden:
            screen = self.window.screens.get(self.window.current)
            focus = self._focus
            try:
                if focus is not None and focus.isVisible() and focus.isEnabled():
                    focus.setFocus(Qt.FocusReason.OtherFocusReason)
                elif screen is not None:
                    screen.setFocus(Qt.FocusReason.OtherFocusReason)
            except RuntimeError:
                if screen is not None:
                    screen.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus = None
        if self.window.staff is not None:
            self.idle.arm(True)


# -- administration --------------------------------------------------------------------------------------------


class AdminController(QObject):
    """Staff and fee schedule screens; every change through :class:`AdminService`, in the worker lane."""

    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx)
        self.setObjectName("adminFeature")
        self.ctx = ctx
        self.admin = ctx.counter.admin
        self.staff_screen = StaffAdminScreen()
        self.fee_screen = FeeScheduleScreen()
        self._services: dict[str, tuple[Service, bool]] = {}  # changed here: the catalogue is read once
        s = self.staff_screen
        s.back.connect(ctx.window.go_payment)
        s.refresh_requested.connect(self.refresh_staff)
        s.create_requested.connect(self.create_staff)
        s.reset_pin.connect(self.reset_pin)
        s.set_active.connect(self.set_active)
        s.unlock.connect(self.unlock)
        f = self.fee_screen
        f.back.connect(ctx.window.go_payment)
        f.refresh_requested.connect(self.refresh_fees)
        f.save.connect(self.save_service)

    def _me(self, permission: str, what: str) -> StaffMember | None:
        staff = self.ctx.staff
        if staff is None:
            return None
        if not staff.can(permission):
            self.ctx.tell(f"Only an administrator can {what}. You are signed in as {staff.role} {staff.staff_no}.")
            return None
        return staff

    def _run(self, screen: Any, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None]) -> None:
        self.ctx.runner.run(fn, *args, done=done, error=lambda exc: screen.show_error(*describe(exc)))

    # -- staff -----------------------------------------------------------------------------------------------
    def show_staff(self) -> None:
        if self._me("manage_staff", "manage staff") is None:
            return
        self.staff_screen.close_panel()
        self.ctx.show_screen("admin_staff")
        self.refresh_staff()

    def refresh_staff(self) -> None:
        me = self.ctx.staff
        if me is None:
            return
        admin = self.admin

        def read() -> tuple[Any, Any]:
            return admin.staff(me), admin.roles()

        def shown(result: Any) -> None:
            rows, roles = result
            self.staff_screen.set_roles(roles)
            self.staff_screen.set_rows(rows)

        self._run(self.staff_screen, read, done=shown)

    def create_staff(self, staff_no: str, name: str, role: str, pin: str) -> None:
        me = self._me("manage_staff", "manage staff")
        if me is None:
            return

        def done(_id: Any) -> None:
            self.staff_screen.saved(f"{' '.join(name.split())} ({staff_no.strip()}) is a {role} and can sign in now "
                                    "with the PIN you typed.")
            self.refresh_staff()

        self._run(self.staff_screen, self.admin.create_staff, me, staff_no, name, role, pin, done=done)

    def reset_pin(self, staff_no: str, pin: str) -> None:
        me = self._me("manage_staff", "manage staff")
        if me is None:
            return

        def done(_r: Any) -> None:
            self.staff_screen.saved(f"New PIN set for {staff_no}. Tell them in person; it is not shown again.")
            self.refresh_staff()

        self._run(self.staff_screen, self.admin.reset_pin, me, staff_no, pin, done=done)

    def set_active(self, staff_no: str, active: bool) -> None:
        me = self._me("manage_staff", "manage staff")
        if me is None:
            return

        def done(_r: Any) -> None:
            state = "enabled: they can sign in" if active else "disabled: they can no longer sign in"
            self.staff_screen.say(f"{staff_no} is {state}.")
            self.refresh_staff()

        self._run(self.staff_screen, self.admin.set_active, me, staff_no, active, done=done)

    def unlock(self, staff_no: str) -> None:
        me = self._me("unlock_staff", "unlock staff")
        if me is None:
            return

        def done(_r: Any) -> None:
            self.staff_screen.say(f"{staff_no} is unlocked: they can sign in with their PIN again.")
            self.refresh_staff()

        self._run(self.staff_screen, self.admin.unlock, me, staff_no, done=done)

    # -- the fee schedule ------------------------------------------------------------------------------------
    def show_fees(self) -> None:
        if self._me("edit_fee_schedule", "change the fee schedule") is None:
            return
        self.fee_screen.close_panel()
        self.ctx.show_screen("admin_fees")
        self.refresh_fees()

    def refresh_fees(self) -> None:
        payments = self.ctx.counter.payments

        def shown(catalog: Any) -> None:
            codes = {s.code for s in catalog.services}
            rows = [self._services.get(s.code, (s, True)) for s in catalog.services]
            rows += [row for code, row in self._services.items() if code not in codes]
            self.fee_screen.set_rows(rows)

        self._run(self.fee_screen, payments.catalog, done=shown)

    def save_service(self, code: str, changes: dict[str, Any]) -> None:
        me = self._me("edit_fee_schedule", "change the fee schedule")
        row = self.fee_screen.editing
        if me is None or row is None:
            return

        def done(_r: Any) -> None:
            service, active = row
            changed = service
            if "name" in changes:
                changed = replace(changed, name=" ".join(changes["name"].split()))
            if "amount_text" in changes:
                from counter_app.payments.money import parse_amount

                changed = replace(changed, amount_cents=parse_amount(changes["amount_text"]))
            if "tenders" in changes:
                changed = replace(changed, allowed_tenders=frozenset(TenderKind(t) for t in changes["tenders"]))
            self._services[code] = (changed, changes.get("active", active))
            self.fee_screen.close_panel()
            self.fee_screen.say(f"{code} saved: {', '.join(_change_words(changes))}. The change is in the audit "
                                "trail and goes to the central database.")
            self.refresh_fees()

        admin = self.admin
        self._run(self.fee_screen, lambda: admin.update_service(me, code, **changes), done=done)


def _change_words(changes: dict[str, Any]) -> list[str]:
    words = {"name": "name", "amount_text": "amount", "tenders": "tenders", "active": "active"}
    return [words[k] for k in changes if k in words] or ["nothing"]


# -- the audit trail -------------------------------------------------------------------------------------------


class AuditController(QObject):
    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx)
        self.setObjectName("auditFeature")
        self.ctx = ctx
        self.screen = AuditScreen(ctx.counter.clock.tz, ctx.counter.clock.today())
        self.screen.search.connect(self.search)
        self.screen.verify.connect(self.verify)
        self.screen.back.connect(ctx.window.go_payment)
        self.verifying = False

    def show(self) -> None:
        staff = self.ctx.staff
        if staff is None:
            return
        if not staff.can("view_audit"):
            self.ctx.tell(f"Only a supervisor can see the audit trail. You are signed in as {staff.role} "
                          f"{staff.staff_no}.")
            return
        self.ctx.show_screen("audit")
        self.screen.request()

    def search(self, filters: dict[str, Any]) -> None:
        audit = self.ctx.counter.audit
        self.ctx.runner.run(lambda: audit.search(limit=AUDIT_LIMIT, **filters),
                            done=lambda rows: self.screen.set_entries(rows, AUDIT_LIMIT),
                            error=lambda exc: self.screen.show_error(describe(exc)[0]))

    def verify(self) -> None:
        """Check every entry's hash and link (worker lane). The centre's copy is compared by `audit verify`."""
        if self.verifying:
            return
        self.verifying = True
        self.screen.set_chain("Verifying the audit chain…", "info")
        audit = self.ctx.counter.audit

        def done(found: Any) -> None:
            self.verifying = False
            if found is None:
                self.screen.set_chain("Audit chain intact: no entry was edited, deleted, inserted or cut.", "ok")
            else:
                self.screen.set_chain(f"Audit chain BROKEN at entry {found.seq}: {found.reason}. Call the "
                                      "administrator; do not change anything.", "error")

        def failed(exc: BaseException) -> None:
            self.verifying = False
            self.screen.set_chain(f"The check could not run: {describe(exc)[0]}", "error")

        self.ctx.runner.run(audit.verify, False, done=done, error=failed)


# -- the card guard: one per application ---------------------------------------------------------------------


def card_guard() -> CardGuard | None:
    """The application's guard, installed on first use (every window shares it)."""
    app = QApplication.instance()
    if app is None:
        return None
    guard = app.findChild(CardGuard, "cardGuard")
    if guard is None:
        guard = CardGuard(app)
        guard.setObjectName("cardGuard")
        app.installEventFilter(guard)
    return guard


# -- installing ---------------------------------------------------------------------------------------------------


def install(ctx: FeatureContext) -> None:
    card_guard()

    lock = LockController(ctx, idle_minutes(ctx.counter.settings))
    ctx.add_shortcut(LOCK_KEYS[0], lock.lock, "Lock the counter (also Pause)")
    ctx.add_shortcut(LOCK_KEYS[1], lock.lock)

    admin = AdminController(ctx)
    ctx.register_screen("admin_staff", admin.staff_screen, "Staff", STAFF_KEYS, STAFF_HINTS)
    ctx.register_screen("admin_fees", admin.fee_screen, "Fee schedule", FEES_KEYS, FEES_HINTS)
    ctx.add_shortcut(STAFF_KEY, admin.show_staff, "Staff administration")
    ctx.add_shortcut(FEES_KEY, admin.show_fees, "Fee schedule and services")

    audit = AuditController(ctx)
    ctx.register_screen("audit", audit.screen, "Audit trail", AUDIT_KEYS, AUDIT_HINTS)
    ctx.add_shortcut(AUDIT_KEY, audit.show, "Audit trail")

    needs = {"admin_staff": "manage_staff", "admin_fees": "edit_fee_schedule", "audit": "view_audit"}

    def staff_changed(staff: Any) -> None:
        """After a switch of user, a screen the new person may not see goes back to the payment screen."""
        permission = needs.get(ctx.window.current)
        if permission is not None and not staff.can(permission):
            ctx.window.go_payment()

    ctx.signed_in.connect(staff_changed)
