"""Drawer sessions: open with a counted float, move cash under control, close on a blind count, issue a Z report.

Every record here goes to the central 311 database through the outbox, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any

from counter_app.clock import Clock
from counter_app.drawer.denominations import CashCount, parse_count
from counter_app.drawer.reconciliation import DrawerClose, Movement, Reconciliation, ReconTransaction, reconcile
from counter_app.drawer.session import (
    NOTE_MAX,
    CloseCheck,
    DrawerError,
    MovementKind,
    check_close,
    check_movement,
)
from counter_app.errors import UserError
from counter_app.free_text import clean_text, clean_uuid, shown
from counter_app.payments.money import parse_amount
from counter_app.services.approvals import current_staff
from counter_app.services.audit import Auditor
from counter_app.services.ports import ReconciliationWriter, UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_drawer import DrawerSession, MovementRecord
from counter_app.services.restore import ensure_numbers_safe

PAID_IN_GL = "100-1100-1010"
PAID_OUT_GL = "100-1100-6990"


def session_payload(session: DrawerSession) -> dict[str, Any]:
    data = asdict(session)
    data["float_count"] = session.float_count.as_dict()
    data["counted"] = session.counted.as_dict() if session.counted else None
    for key in ("opened_at", "closed_at"):
        data[key] = data[key].isoformat() if data[key] else None
    data["business_date"] = session.business_date.isoformat()
    return data


def to_movements(records: list[MovementRecord]) -> list[Movement]:
    return [Movement(MovementKind(m.kind), m.amount_cents, m.reason, m.at, m.gl_account, m.staff, m.supervisor)
            for m in records]


class DrawerService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str, *, tolerance_cents: int = 25,
                 verify_float: bool = False, auditor: Auditor | None = None,
                 writer: ReconciliationWriter | None = None) -> None:
        self._uow = uow
        self.writer = writer
        self.auditor = auditor or Auditor(clock, workstation)
        self.clock = clock
        self.workstation = workstation
        self.tolerance_cents = tolerance_cents
        self.verify_float = verify_float

    def current(self, cashier: StaffMember) -> DrawerSession | None:
        with self._uow(read_only=True) as uow:
            return uow.drawers.open_for(self.workstation, cashier.id)

    def open(self, cashier: StaffMember, float_typed: dict[str, str], verifier: StaffMember | None = None
             ) -> DrawerSession:
        """Open the cashier's drawer with its float counted by denomination (verified when configured)."""
        count = parse_count(float_typed)
        if self.verify_float:
            if verifier is None:
                raise DrawerError("A second person must verify the float.", "verifier")
            if verifier.id == cashier.id:
                raise DrawerError("The float is verified by someone other than the cashier.", "verifier")
        now = self.clock.now()
        with self._uow() as uow:
            cashier = current_staff(uow, cashier, "cashier", DrawerError)
            if verifier is not None:
                verifier = current_staff(uow, verifier, "verifier", DrawerError)
                if verifier.id == cashier.id or not verifier.can("verify_float"):
                    raise DrawerError("The float is verified by a supervisor other than the cashier.", "verifier")
            if uow.drawers.open_for(self.workstation, cashier.id) is not None:
                raise DrawerError("Your drawer is already open on this workstation.", "drawer")
            session = DrawerSession(
                id=str(uuid.uuid4()), workstation=self.workstation, cashier_id=cashier.id, cashier=cashier.name,
                business_date=self.clock.today(), status="open", opened_at=now, float_count=count,
                float_verified_by=verifier.id if verifier else None,
            )
            uow.drawers.add(session)
            uow.outbox.add("drawer_opened", session.id, session_payload(session), now)
            self.auditor.record(uow, "drawer_open", actor=cashier.staff_no, object_ref=f"drawer:{session.id}",
                                float_cents=count.total_cents, verified_by=verifier.staff_no if verifier else "")
            uow.commit()
        return session

    def _require_open(self, uow: UnitOfWork, cashier: StaffMember) -> DrawerSession:
        session = uow.drawers.open_for(self.workstation, cashier.id)
        if session is None:
            raise DrawerError("Open your drawer first (count the float).", "drawer")
        return session

    def move_cash(
        self,
        cashier: StaffMember,
        kind: MovementKind,
        amount_text: str,
        reason: str,
        supervisor: StaffMember | None = None,
        gl_account: str | None = None,
    ) -> MovementRecord:
        """Paid in, paid out, pickup or no-sale; the first two and no-sale need another person's approval.

        The cashier and the supervisor are read again from the store (a caller cannot make up an approval), and
        a GL account given by the caller must be in the chart of accounts.
        """
        try:
            kind = MovementKind(kind)
        except ValueError:
            raise DrawerError("Choose paid in, paid out, pickup or no sale.", "kind") from None
        amount = 0 if kind is MovementKind.NO_SALE else parse_amount(amount_text)
        if kind.needs_supervisor:
            if supervisor is None or not supervisor.can(f"approve_{kind.value}"):
                raise DrawerError(f"{kind.label} needs a supervisor's approval.", "supervisor")
            if supervisor.id == cashier.id:
                raise DrawerError("A supervisor cannot approve their own drawer.", "supervisor")
        now = self.clock.now()
        with self._uow() as uow:
            cashier = current_staff(uow, cashier, "cashier", DrawerError)
            if kind.needs_supervisor:
                supervisor = current_staff(uow, supervisor, "supervisor", DrawerError)
                if supervisor.id == cashier.id or not supervisor.can(f"approve_{kind.value}"):
                    raise DrawerError(f"{kind.label} needs a supervisor's approval (not the cashier's own).",
                                      "supervisor")
            else:
                supervisor = None
            session = self._require_open(uow, cashier)
            in_drawer = self._flows(uow, session).cash.expected
            text = check_movement(kind, amount, reason, in_drawer)
            if gl_account is not None and gl_account not in {a.code for a in uow.catalog.gl_accounts()}:
                raise DrawerError("That GL account is not in the chart of accounts.", "gl")
            gl = gl_account or {MovementKind.PAID_IN: PAID_IN_GL, MovementKind.PAID_OUT: PAID_OUT_GL}.get(kind)
            record = MovementRecord(str(uuid.uuid4()), session.id, kind.value, amount, text, gl, now, cashier.id,
                                    supervisor.id if supervisor else None, cashier.name,
                                    supervisor.name if supervisor else "")
            uow.drawers.add_movement(record)
            payload = asdict(record)
            payload["at"] = now.isoformat()
            uow.outbox.add("cash_movement", record.id, payload, now)
            self.auditor.record(uow, kind.value, actor=cashier.staff_no, object_ref=f"drawer:{session.id}",
                                amount_cents=amount, reason=text, supervisor=supervisor.staff_no if supervisor else "")
            uow.commit()
        return record

    def _flows(self, uow: UnitOfWork, session: DrawerSession, counted: CashCount | None = None,
               records: tuple[list[ReconTransaction], list[Movement]] | None = None) -> Reconciliation:
        """Reconcile one drawer; ``records`` lets the close reuse what it already read (thousands of receipts)."""
        transactions, movements = records or (uow.drawers.recon_transactions([session.id]),
                                              to_movements(uow.drawers.movements([session.id])))
        closes = []
        if counted is not None:
            closes.append(DrawerClose(session.id, session.cashier, session.workstation, session.float_count, counted,
                                      session.expected_cents or 0, session.debit_batch_cents,
                                      session.credit_batch_cents, session.z_number or ""))
        return reconcile(f"Drawer {session.cashier} {session.workstation}", transactions, movements, closes,
                         session.float_cents, self.clock.tz)

    def x_report(self, cashier: StaffMember) -> tuple[DrawerSession, Reconciliation]:
        """Running totals of the open drawer, any time; nothing is closed or numbered."""
        with self._uow(read_only=True) as uow:
            session = self._require_open(uow, cashier)
            return session, self._flows(uow, session)

    def close(
        self,
        cashier: StaffMember,
        counted_typed: dict[str, str],
        *,
        debit_batch: str = "",
        credit_batch: str = "",
        cheques_checked: bool = False,
        supervisor: StaffMember | None = None,
        note: str = "",
        sale_in_progress: bool = False,
    ) -> tuple[DrawerSession, Reconciliation]:
        """Close on a blind count; beyond tolerance a supervisor approves. Issues the numbered Z report."""
        if sale_in_progress:
            raise DrawerError("Finish or cancel the payment in progress before closing the drawer.", "drawer")
        counted = parse_count(counted_typed)
        note = clean_text(note, "note", max_len=NOTE_MAX, error=DrawerError)  # bad text is no refused close
        batches = {name: _batch(text, name) for name, text in (("debit", debit_batch), ("credit", credit_batch))}
        now = self.clock.now()
        with self._uow() as uow:
            session = uow.drawers.open_for(self.workstation, cashier.id)
            if session is None:
                raise DrawerError("There is no open drawer to close: it may already be closed.", "drawer")
            records = (uow.drawers.recon_transactions([session.id]), to_movements(uow.drawers.movements([session.id])))
            running = self._flows(uow, session, records=records)
            if running.cheques and not cheques_checked:
                raise DrawerError(f"Check the {len(running.cheques)} cheque(s) against the list, then tick the box.",
                                  "cheques")
            check = CloseCheck(running.cash.expected, counted.total_cents, self.tolerance_cents)
            if supervisor is not None:
                supervisor = current_staff(uow, supervisor, "supervisor", DrawerError)
            approver = supervisor.id if supervisor and supervisor.can("approve_over_short") else None
            try:
                text = check_close(check, approver, cashier.id, note)
            except DrawerError:
                refused = check.over_short
                uow.rollback()
                self._audit_refused_close(cashier, session.id, refused)
                raise
            ensure_numbers_safe(uow, self.workstation)
            number = uow.sequences.next_number(f"z:{self.workstation}")
            closed = replace(
                session, status="closed", closed_at=now, counted=counted, expected_cents=check.expected_cents,
                over_short_cents=check.over_short, close_supervisor_id=approver, close_note=text or None,
                debit_batch_cents=batches["debit"], credit_batch_cents=batches["credit"],
                cheques_checked=cheques_checked, z_number=f"Z-{self.workstation}-{number:05d}",
            )
            uow.drawers.close(closed)
            final = self._flows(uow, closed, counted, records=records)
            report = z_report_data(closed, final)
            z_id = str(uuid.uuid4())
            uow.drawers.add_z_report(z_id, closed, now, report)
            close_id = str(uuid.uuid5(uuid.UUID(closed.id), "close"))
            uow.outbox.add("drawer_closed", close_id, session_payload(closed), now)
            uow.outbox.add("z_report", z_id, report, now)
            self.auditor.record(uow, "drawer_close", actor=cashier.staff_no, object_ref=f"drawer:{closed.id}",
                                z_number=closed.z_number or "", over_short_cents=check.over_short,
                                supervisor=supervisor.staff_no if approver and supervisor else "")
            uow.commit()
        return closed, final

    def _audit_refused_close(self, cashier: StaffMember, session_id: str, over_short: int) -> None:
        """Each refused close is on record: repeated counts cannot quietly probe the expected cash."""
        with self._uow() as uow:
            self.auditor.record(uow, "drawer_close", actor=cashier.staff_no, outcome="refused",
                                object_ref=f"drawer:{session_id}", over_short_cents=over_short)
            uow.commit()

    def sessions_on(self, day: date | None = None) -> list[DrawerSession]:
        with self._uow(read_only=True) as uow:
            return uow.drawers.sessions_on(day or self.clock.today(), self.workstation)

    def reconciliation(self, day: date, session_id: str | None = None) -> Reconciliation:
        """One drawer session, or every drawer of this workstation on ``day`` (closed or still open)."""
        if session_id is not None:
            try:
                session_id = clean_uuid(session_id, "session")
            except UserError:
                raise DrawerError(f"No drawer session {shown(str(session_id), 36)} on this workstation.",
                                  "session") from None
        with self._uow(read_only=True) as uow:
            if session_id:
                found = uow.drawers.get(session_id)
                if found is None or found.workstation != self.workstation:
                    raise DrawerError(f"No drawer session {session_id[:36]} on this workstation.", "session")
                sessions = [found]
            else:
                sessions = uow.drawers.sessions_on(day, self.workstation)
            ids = [s.id for s in sessions]
            closes = [
                DrawerClose(s.id, s.cashier, s.workstation, s.float_count, s.counted, s.expected_cents or 0,
                            s.debit_batch_cents, s.credit_batch_cents, s.z_number or "")
                for s in sessions if s.counted is not None
            ]
            scope = (f"Drawer {sessions[0].cashier}, {self.workstation}, {sessions[0].z_number or 'open'}"
                     if session_id else f"Counter day {day.isoformat()}, {self.workstation}")
            recon = reconcile(scope, uow.drawers.recon_transactions(ids), to_movements(uow.drawers.movements(ids)),
                              closes if len(closes) == len(sessions) else [], sum(s.float_cents for s in sessions),
                              self.clock.tz)
        return recon


    def export(
        self,
        day: date,
        folder: Path,
        staff: StaffMember | None,
        *,
        session_id: str | None = None,
        recon: Reconciliation | None = None,
        scope_name: str | None = None,
        progress: Callable[[int, str], None] | None = None,
    ) -> list[dict[str, object]]:
        """Write the reconciliation for one drawer or the day; log it, audit it and send the record central."""
        if self.writer is None:
            raise DrawerError("Exports are not available on this workstation.", "out")
        if staff is not None:
            with self._uow(read_only=True) as uow:
                staff = current_staff(uow, staff, "export", DrawerError)
        if staff is not None and not staff.can("export") and session_id is None:
            raise DrawerError("Only a supervisor can export the counter's day.", "export")
        recon = recon or self.reconciliation(day, session_id)
        basename = scope_name or (f"{day.isoformat()}_{self.workstation}" if session_id is None else
                                  f"{day.isoformat()}_{self.workstation}_drawer-{session_id[:8]}")
        files = self.writer.export(recon, folder, business_date=day, basename=basename,
                                   title="End-of-day reconciliation", prepared_by=staff.name if staff else "",
                                   progress=progress, tz=self.clock.tz)
        records = [f.as_record() for f in files]
        now = self.clock.now()
        export_id = str(uuid.uuid4())
        with self._uow() as uow:
            uow.drawers.add_export(export_id, recon.scope[:60], day, session_id, now, staff.id if staff else None,
                                   str(folder), records)
            uow.outbox.add("export", export_id, {"id": export_id, "scope": recon.scope, "business_date":
                           day.isoformat(), "session_id": session_id, "workstation": self.workstation,
                           "files": [{k: v for k, v in r.items() if k != "path"} for r in records],
                           "at": now.isoformat()}, now)
            self.auditor.record(uow, "export", actor=staff.staff_no if staff else None, object_ref=basename,
                                files=len(records), folder=str(folder)[:200])
            uow.commit()
        return records


def _batch(text: str, name: str) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    return parse_amount(value, f"{name}_batch", allow_zero=True)


def z_report_data(session: DrawerSession, recon: Reconciliation) -> dict[str, Any]:
    """The Z report as issued: frozen figures, kept locally and sent central."""
    return {
        "z_number": session.z_number,
        "session_id": session.id,
        "workstation": session.workstation,
        "cashier": session.cashier,
        "business_date": session.business_date.isoformat(),
        "opened_at": session.opened_at.isoformat(),
        "closed_at": session.closed_at.isoformat() if session.closed_at else None,
        "receipts": recon.receipts,
        "completed": recon.completed,
        "refunds": recon.refunds,
        "voids": recon.voids,
        "total_cents": recon.total_cents,
        "gst_cents": recon.gst_cents,
        "rounding_cents": recon.rounding_cents,
        "change_cents": recon.change_cents,
        "by_tender": recon.by_tender,
        "float_cents": session.float_cents,
        "expected_cents": session.expected_cents,
        "counted_cents": session.counted.total_cents if session.counted else None,
        "over_short_cents": session.over_short_cents,
        "debit_batch_cents": session.debit_batch_cents,
        "credit_batch_cents": session.credit_batch_cents,
        "supervisor_id": session.close_supervisor_id,
        "note": session.close_note,
    }
