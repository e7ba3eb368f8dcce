"""Sync with the central 311 database, as the cashier sees it: the status bar, "Sync now" and the sync log.

The sender (:class:`counter_app.sync.worker.SyncWorker`) is a daemon thread of its own, never the GUI thread and
never the worker lane that records payments; it hands each status to the GUI through a queued signal. It starts
a few seconds after the counter opens (sign-in and the first sale are not slowed by the first connection), at
once on "Sync now", and is stopped when the application quits or the window goes away.

``COUNTER_SYNC_AUTOSTART=0`` keeps the sender from starting by itself (tests, a workstation being set up): "Sync
now" still starts it.

Keys: Ctrl+Shift+S sync now, Ctrl+Shift+L the sync log (a supervisor retries refused records there with Ctrl+T),
Ctrl+Shift+G a supervisor lets a counter whose numbers wait for the centre go on without it (after a restore).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from counter_app.services.records_sync import SyncStatus
from counter_app.ui.sync_log_screen import SYNC_LOG_HINTS, SYNC_LOG_KEYS, SyncLogScreen
from counter_app.ui.sync_status import SyncBridge, describe_sync
from counter_app.ui.widgets import set_state

if TYPE_CHECKING:
    from counter_app.sync.worker import SyncWorker
    from counter_app.ui.feature_api import FeatureContext

AUTOSTART_ENV = "COUNTER_SYNC_AUTOSTART"
#: The first sync waits this long after the counter opens.
START_DELAY_MS = 5_000
SYNC_NOW_KEY = "Ctrl+Shift+S"
SYNC_LOG_KEY = "Ctrl+Shift+L"
GO_ON_KEY = "Ctrl+Shift+G"
SCREEN = "sync_log"
MESSAGE_MS = 12_000


def autostart_enabled() -> bool:
    return os.environ.get(AUTOSTART_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


class SyncController(QObject):
    """Owns the sender thread and keeps the status bar's sync label true (found as ``syncFeature``)."""

    def __init__(self, ctx: FeatureContext, interval_s: float | None = None) -> None:
        super().__init__(ctx)
        self.setObjectName("syncFeature")
        self.ctx = ctx
        self.counter = ctx.counter
        self.label = ctx.window.sync_label
        self.interval_s = interval_s
        self.status: SyncStatus | None = None
        self.pending: int | None = None  # the outbox count read after the last status (fresher)
        self.syncing = False
        self._asked = False  # the cashier pressed Sync now: say how it went
        self.last_message = ""
        self._asked_statuses = 0
        self.worker: SyncWorker | None = None
        self.go_on_dialog: Any = None
        self.bridge = SyncBridge(self)
        self.bridge.connect_status(self._on_status)
        self.screen = SyncLogScreen(self.counter.clock.tz)
        self.screen.refresh_requested.connect(self.refresh_log)
        self.screen.back.connect(ctx.window.go_payment)
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self.start_worker)

    # -- the sender ------------------------------------------------------------------------------------------
    def start_worker(self) -> None:
        """Start the sender thread (once); it syncs at once, then every ``interval`` or when nudged."""
        self._start_timer.stop()
        if self.worker is not None:
            return
        from counter_app.sync.worker import INTERVAL_S, SenderLock, SyncWorker

        lock = SenderLock(self.counter.settings.data_dir / "sync.lock")
        self.worker = SyncWorker(self.counter.sync, lock, self.bridge.publish,
                                 interval=self.interval_s or INTERVAL_S)
        self.worker.start()

    def start_later(self, delay_ms: int = START_DELAY_MS) -> None:
        if self.worker is None:
            self._start_timer.start(delay_ms)

    def stop(self, timeout: float = 5.0) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop(timeout)
        self._start_timer.stop()

    def sync_now(self) -> None:
        """Ctrl+Shift+S: send what is waiting now (the sender is woken, the GUI never waits for it)."""
        self.syncing = True
        self._asked = True
        self._asked_statuses = 0
        self._render()
        waiting = self._pending()
        self.say(f"Syncing: sending {waiting} waiting record(s) to the central 311 database…"
                 if waiting else "Syncing with the central 311 database…")
        if self.worker is None:
            self.start_worker()
        else:
            self.worker.nudge()

    # -- statuses --------------------------------------------------------------------------------------------
    def read_status(self, force: bool = False) -> None:
        """The status as the store has it now (worker lane): shown before the first sync has run."""
        self.ctx.runner.run(self.counter.sync.status, done=self._on_status if force else self._first_status)

    def _first_status(self, status: Any) -> None:
        if self.status is None:
            self._on_status(status)

    def _on_status(self, status: Any) -> None:
        self.status = status
        self.pending = None
        self.syncing = False
        self._render()
        if self._asked:
            # a run already under way when Sync now was pressed may report records that came after it began:
            # the nudged run follows at once, so its status is the one to tell (at most one status later)
            self._asked_statuses += 1
            if not (status.online and status.pending and not status.last_error and self._asked_statuses < 2):
                self._asked = False
                self._say_result(status)
        if self.ctx.window.current == SCREEN:
            self.refresh_log()

    def say(self, text: str) -> None:
        """A passing message in the status bar: sync results arrive while the cashier works on something else,
        so they never take the keyboard or cover a field's own error."""
        self.ctx.window.statusBar().showMessage(text, MESSAGE_MS)
        self.last_message = text

    def _say_result(self, status: SyncStatus) -> None:
        if status.online and not status.last_error:
            if status.pending:
                self.say(f"Sync done: {status.pending} record(s) still waiting; they go out on the next sync.")
            elif status.conflicts:
                self.say(f"Sync done; {status.conflicts} refused by the centre (sync log: Ctrl+Shift+L).")
            else:
                self.say("Sync done: all records sent.")
        elif status.online is False:
            self.say("The central 311 database cannot be reached. Nothing is lost: the counter keeps working and "
                     "sends the waiting records when the network returns.")
        else:
            self.say(f"Sync failed: {status.last_error or 'see the sync log (Ctrl+Shift+L)'}. The records stay here "
                     "and are sent on the next try.")

    def on_outbox(self, pending: int) -> None:
        """The payment screen counted the outbox (after a payment, a void, a sign-in)."""
        self.pending = pending
        self._render()
        worker = self.worker
        if worker is not None and pending and self.status is not None and self.status.online:
            worker.nudge()  # online: send the new records now rather than at the next tick

    def _pending(self) -> int:
        if self.pending is not None:
            return self.pending
        return self.status.pending if self.status is not None else 0

    def current(self) -> SyncStatus:
        base = self.status or SyncStatus(pending=0, sent=0, conflicts=0, online=None, last_success=None,
                                         last_error=None, central=self.counter.sync.central_label,
                                         configured=self.counter.sync.configured)
        return replace(base, pending=self._pending())

    def _render(self) -> None:
        shown = describe_sync(self.current(), self.counter.clock.tz, self.counter.clock.now(), self.syncing)
        self.label.setText(shown.text)
        self.label.setToolTip(shown.tooltip)
        self.label.setAccessibleName(f"Sync: {shown.text}")
        set_state(self.label, "tone", shown.tone)
        if self.ctx.window.current == SCREEN:
            self.screen.set_state(shown.text, shown.tone, shown.tooltip)

    # -- numbers that wait for the centre ----------------------------------------------------------------------
    def go_on_without_centre(self) -> None:
        """Ctrl+Shift+G: after a restore, with the centre out of reach, a supervisor lets the counter number again.

        Every sequence jumps ahead (a gap is explained in the audit trail; a number issued twice is not)."""
        from counter_app.services.records_identity import SeriesState
        from counter_app.services.restore import RESTORE_GAP
        from counter_app.ui.approval_dialog import ApprovalDialog

        staff = self.ctx.staff
        status = self.current()
        if staff is None:
            return
        state = SeriesState(status.series_state)
        if not state.needs_centre:
            self.say("Nothing to approve: this counter's receipt numbers are confirmed.")
            return
        dialog = ApprovalDialog(
            "Go on without the central database",
            f"{state.explain(self.counter.settings.workstation)} If it cannot be reached, a supervisor may let the "
            f"counter go on: receipt, Z report and referral numbers then skip ahead by up to {RESTORE_GAP} "
            "(written in the audit trail), so that none is issued twice.", self.ctx.window)
        dialog.setObjectName("goOnDialog")
        dialog.fields.reason.setPlaceholderText("e.g. disk replaced, central database down")
        auth, sync = self.counter.auth, self.counter.sync

        def approve(reason: str, supervisor_no: str, pin: str) -> dict[str, tuple[int, int]]:
            supervisor = auth.approve(supervisor_no, pin, staff, "approve_restore", object_ref="store numbers")
            return sync.continue_without_centre(supervisor, reason)

        def done(jumped: Any) -> None:
            dialog.accept()
            self.say("Approved: receipts continue at "
                     f"{self.counter.settings.workstation}-{jumped['receipt'][1] + 1:06d}; the skipped numbers "
                     "are in the audit trail.")
            self.read_status(force=True)

        def failed(exc: BaseException) -> None:
            dialog.show_error(getattr(exc, "message", str(exc)), getattr(exc, "field", "") or "")

        dialog.submitted.connect(lambda reason, sup, pin: self.ctx.runner.run(
            approve, reason, sup, pin, done=done, error=failed))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.go_on_dialog = dialog
        dialog.open()
        dialog.fields.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _dialog_closed(self, dialog: Any) -> None:
        """Back to where the cashier was (the payment waiting on the tender screen, usually)."""
        if self.go_on_dialog is dialog:
            self.go_on_dialog = None
        dialog.deleteLater()
        window = self.ctx.window
        window.activateWindow()
        screen = window.screens.get(window.current)
        if screen is not None:
            screen.setFocus(Qt.FocusReason.OtherFocusReason)

    def retry_refused(self) -> None:
        """Ctrl+T on the sync log (a supervisor): send every refused record again, in order, at the next sync."""
        staff = self.ctx.staff
        if staff is None or not staff.can("resolve_sync_conflicts"):
            self.screen.show_error("Only a supervisor can send refused records again.")
            return
        sync = self.counter.sync

        def done(moved: Any) -> None:
            self.screen.notice.say(f"{moved} refused record(s) back in the outbox: they go with the next sync.",
                                   "success")
            self.refresh_log()
            self.sync_now()

        self.ctx.runner.run(sync.retry_refused, staff, done=done,
                            error=lambda exc: self.screen.show_error(getattr(exc, "message", str(exc))))

    # -- the sync log ----------------------------------------------------------------------------------------
    def show_log(self) -> None:
        staff = self.ctx.staff
        if staff is None:
            return
        self.screen.show_conflicts(staff.can("resolve_sync_conflicts"))
        self.ctx.show_screen(SCREEN)
        self._render()
        self.refresh_log()

    def refresh_log(self) -> None:
        staff = self.ctx.staff
        supervisor = staff is not None and staff.can("resolve_sync_conflicts")
        sync = self.counter.sync

        def read() -> tuple[Any, Any]:
            return sync.log(100), (sync.conflicts() if supervisor else [])

        def shown(result: Any) -> None:
            log, conflicts = result
            self.screen.set_log(log)
            self.screen.set_conflicts(conflicts)

        self.ctx.runner.run(read, done=shown, error=lambda exc: self.screen.show_error(
            f"The sync log could not be read: {str(exc)[:120] or type(exc).__name__}"))


def install(ctx: FeatureContext) -> None:
    controller = SyncController(ctx)
    ctx.register_screen(SCREEN, controller.screen, "Sync log", SYNC_LOG_KEYS, SYNC_LOG_HINTS)
    ctx.add_shortcut(SYNC_NOW_KEY, controller.sync_now, "Sync now")
    ctx.add_shortcut(SYNC_LOG_KEY, controller.show_log, "Sync log")
    ctx.add_shortcut(GO_ON_KEY, controller.go_on_without_centre,
                     "After a restore: go on offline (supervisor)")
    controller.screen.retry_requested.connect(controller.retry_refused)

    # The label now tells the whole sync state: take over the outbox count the window used to show there.
    window = ctx.window
    vm = window.payment_vm
    if vm is not None:
        with contextlib.suppress(RuntimeError, TypeError):
            vm.outbox_changed.disconnect(window._show_outbox)
        vm.outbox_changed.connect(controller.on_outbox)
    ctx.screen_shown.connect(lambda name: controller._render() if name == SCREEN else None)

    def staff_changed(staff: Any) -> None:  # a switch of user on the sync log: conflicts for supervisors only
        controller.screen.show_conflicts(staff.can("resolve_sync_conflicts"))

    ctx.signed_in.connect(staff_changed)

    # Stop the sender when the application quits or the window goes away, whichever comes first. The function
    # holds the controller's Python side only: a QWidget's children are deleted before ``destroyed`` is sent.
    app = QApplication.instance()

    def stop_sender(*_args: object) -> None:
        _stop_thread(controller)

    def window_gone(*_args: object) -> None:
        _stop_thread(controller)
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.aboutToQuit.disconnect(stop_sender)

    if app is not None:
        app.aboutToQuit.connect(stop_sender)
    window.destroyed.connect(window_gone)

    controller.read_status()
    if autostart_enabled():
        controller.start_later()


def _stop_thread(controller: SyncController) -> None:
    """Stop the sender; works when the controller's C++ side is already gone (its thread is plain Python)."""
    worker = controller.__dict__.get("worker")
    controller.__dict__["worker"] = None
    if worker is not None:
        worker.stop(5.0)
