"""End of day for the screens: the X report, cash movements, the blind close, the Z report and the export.

Every service call runs in the window's worker lane; results come back as signals on the GUI thread. A refusal
arrives as ``failed(message, field)`` with the service's own words. The expected cash of a close is only ever
sent to a screen after the count has been submitted (:class:`OverShort`, :class:`ZReport`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from counter_app.drawer.denominations import parse_count
from counter_app.drawer.session import CloseCheck, DrawerError, MovementKind, check_close, check_movement
from counter_app.payments.money import parse_amount
from counter_app.security.permissions import Permission
from counter_app.ui.eod_reports import OverShort, XReport, ZReport
from counter_app.ui.view_models import describe
from counter_app.ui.workers import TaskRunner

if TYPE_CHECKING:
    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.services.records_drawer import DrawerSession

#: What a supervisor approves for each movement that needs one.
APPROVALS = {
    MovementKind.PAID_IN: Permission.APPROVE_PAID_IN,
    MovementKind.PAID_OUT: Permission.APPROVE_PAID_OUT,
    MovementKind.NO_SALE: Permission.APPROVE_NO_SALE,
}


@dataclass(frozen=True, slots=True)
class CloseRequest:
    """A blind count as submitted; kept so the supervisor's approval closes exactly what was counted."""

    counts: dict[str, str]
    debit_batch: str
    credit_batch: str
    cheques_checked: bool


@dataclass(frozen=True, slots=True)
class Moved:
    kind: MovementKind
    amount_cents: int
    supervisor: str


@dataclass(frozen=True, slots=True)
class ExportResult:
    folder: Path
    files: list[dict[str, object]]
    receipts: int


def _note_check(note: str, cashier_id: int) -> None:
    """The close note's rule, checked before a supervisor's PIN is spent on it (the domain's own wording)."""
    check_close(CloseCheck(0, 1, 0), cashier_id + 1, cashier_id, note)


class EndOfDayViewModel(QObject):
    x_loaded = Signal(object)  # XReport, or None when no drawer is open
    failed = Signal(str, str)  # drawer screen: message, field
    moved = Signal(object)  # Moved
    move_failed = Signal(str, str)
    needs_approval = Signal(object)  # OverShort
    close_failed = Signal(str, str)
    closed = Signal(object)  # ZReport
    busy_changed = Signal(bool)
    sessions_loaded = Signal(object)  # list[DrawerSession]
    export_progress = Signal(int, str)
    exported = Signal(object)  # ExportResult
    export_failed = Signal(str, str)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self.cashier: StaffMember | None = None
        self.x_report: XReport | None = None
        self.z_report: ZReport | None = None
        self.pending_close: CloseRequest | None = None
        self.busy = False

    @property
    def tz(self) -> Any:
        return self.counter.clock.tz

    @property
    def tolerance_cents(self) -> int:
        return self.counter.drawers.tolerance_cents

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    # -- the X report ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        cashier = self.cashier
        if cashier is None:
            return
        drawers = self.counter.drawers

        def work() -> XReport | None:
            if drawers.current(cashier) is None:
                return None
            session, recon = drawers.x_report(cashier)
            return XReport(session, recon)

        def done(report: Any) -> None:
            if self.cashier is cashier:
                self.x_report = report
                self.x_loaded.emit(report)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "drawer")))

    # -- paid in, paid out, pickup, no sale ------------------------------------------------------------------
    def move(self, kind: MovementKind, amount_text: str, reason: str, supervisor_no: str, pin: str) -> None:
        cashier = self.cashier
        if cashier is None or self.busy:
            return
        counter = self.counter

        def work() -> Moved:
            amount = 0 if kind is MovementKind.NO_SALE else parse_amount(amount_text)
            check_movement(kind, amount, reason, sys.maxsize)  # amount and reason before the PIN is checked
            supervisor = None
            if kind.needs_supervisor:
                if not supervisor_no.strip():
                    raise DrawerError("Type the supervisor's staff number.", "supervisor")
                supervisor = counter.auth.approve(supervisor_no.strip(), pin, cashier, APPROVALS[kind].value,
                                                  object_ref=f"{kind.value}:{cashier.staff_no}")
            record = counter.drawers.move_cash(cashier, kind, amount_text, reason, supervisor)
            return Moved(kind, record.amount_cents, supervisor.name if supervisor else "")

        def done(result: Any) -> None:
            self._set_busy(False)
            self.moved.emit(result)
            self.refresh()

        def error(exc: BaseException) -> None:
            self._set_busy(False)
            self.move_failed.emit(*describe(exc, "amount"))

        self._set_busy(True)
        self._runner.run(work, done=done, error=error)

    # -- the close ------------------------------------------------------------------------------------------
    def close(self, request: CloseRequest, sale_in_progress: bool) -> None:
        """Submit the blind count; beyond tolerance ``needs_approval`` says by how much (the count is in)."""
        cashier = self.cashier
        if cashier is None or self.busy:
            return
        drawers = self.counter.drawers

        def work() -> ZReport | OverShort:
            try:
                session, recon = drawers.close(
                    cashier, request.counts, debit_batch=request.debit_batch, credit_batch=request.credit_batch,
                    cheques_checked=request.cheques_checked, sale_in_progress=sale_in_progress)
            except DrawerError as exc:
                if exc.field != "supervisor":
                    raise
                _session, running = drawers.x_report(cashier)
                counted = parse_count(request.counts).total_cents
                return OverShort(exc.message, running.cash.expected, counted, drawers.tolerance_cents)
            return ZReport(session, recon, "", drawers.tolerance_cents)

        self.pending_close = request
        self._set_busy(True)
        self._runner.run(work, done=self._close_done, error=self._close_error)

    def approve_close(self, note: str, supervisor_no: str, pin: str, sale_in_progress: bool) -> None:
        """A supervisor approves the difference (never the cashier themselves) and the drawer closes."""
        cashier, request = self.cashier, self.pending_close
        if cashier is None or request is None or self.busy:
            return
        counter = self.counter

        def work() -> ZReport:
            _note_check(note, cashier.id)
            if not supervisor_no.strip():
                raise DrawerError("Type the supervisor's staff number.", "supervisor")
            supervisor = counter.auth.approve(supervisor_no.strip(), pin, cashier,
                                              Permission.APPROVE_OVER_SHORT.value,
                                              object_ref=f"drawer close:{cashier.staff_no}")
            session, recon = counter.drawers.close(
                cashier, request.counts, debit_batch=request.debit_batch, credit_batch=request.credit_batch,
                cheques_checked=request.cheques_checked, supervisor=supervisor, note=note,
                sale_in_progress=sale_in_progress)
            return ZReport(session, recon, supervisor.name, counter.drawers.tolerance_cents)

        self._set_busy(True)
        self._runner.run(work, done=self._close_done, error=self._close_error)

    def _close_done(self, result: Any) -> None:
        self._set_busy(False)
        if isinstance(result, OverShort):
            self.needs_approval.emit(result)
            return
        self.pending_close = None
        self.z_report = result
        self.x_report = None
        self.closed.emit(result)

    def _close_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.close_failed.emit(*describe(exc, "drawer"))

    # -- the export -----------------------------------------------------------------------------------------
    def load_sessions(self, day: date) -> None:
        drawers = self.counter.drawers

        def done(sessions: Any) -> None:
            self.sessions_loaded.emit(sessions)

        self._runner.run(drawers.sessions_on, day, done=done,
                         error=lambda e: self.export_failed.emit(*describe(e, "date")))

    def export(self, day: date, folder: Path, session: DrawerSession | None) -> None:
        """Write the export in the worker lane; its progress comes back queued, as ``export_progress``."""
        staff = self.cashier
        if staff is None or self.busy:
            return
        if session is None and not staff.can(Permission.EXPORT.value):
            self.export_failed.emit("Only a supervisor can export the counter's whole day: choose your own drawer "
                                    "session, or ask a supervisor.", "scope")
            return
        if session is not None and session.cashier_id != staff.id and not staff.can(Permission.EXPORT.value):
            self.export_failed.emit("You can export your own drawer sessions; a supervisor exports the others.",
                                    "scope")
            return
        drawers = self.counter.drawers

        def report(percent: int, label: str) -> None:  # called in the worker thread: the signal is queued
            self.export_progress.emit(percent, label)

        def work() -> ExportResult:
            recon = drawers.reconciliation(day, session.id if session else None)
            files = drawers.export(day, folder, staff, session_id=session.id if session else None, recon=recon,
                                   progress=report)
            written = Path(str(files[0]["path"])).parent if files else folder
            return ExportResult(written, files, recon.receipts)

        def done(result: Any) -> None:
            self._set_busy(False)
            self.exported.emit(result)

        def error(exc: BaseException) -> None:
            self._set_busy(False)
            self.export_failed.emit(*describe(exc, "out"))

        self._set_busy(True)
        self._runner.run(work, done=done, error=error)
