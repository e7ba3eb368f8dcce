"""Drawer sessions, cash movements, Z reports and exports in the local store."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from counter_app.drawer.denominations import CashCount, count_of
from counter_app.drawer.reconciliation import ReconLine, ReconTender, ReconTransaction
from counter_app.services.records_drawer import DrawerSession, MovementRecord
from counter_app.store.schema import (
    CashMovementRow,
    DrawerSessionRow,
    ExportRow,
    LineRow,
    StaffRow,
    TenderRow,
    TransactionRow,
    ZReportRow,
)


class SqlDrawers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, *where: Any) -> list[DrawerSession]:
        query = (
            select(DrawerSessionRow, StaffRow.name)
            .join(StaffRow, StaffRow.id == DrawerSessionRow.cashier_id)
            .where(*where)
            .order_by(DrawerSessionRow.opened_at)
        )
        return [_session(row, name) for row, name in self.session.execute(query)]

    def open_for(self, workstation: str, cashier_id: int) -> DrawerSession | None:
        found = self._rows(DrawerSessionRow.workstation == workstation, DrawerSessionRow.cashier_id == cashier_id,
                           DrawerSessionRow.status == "open")
        return found[0] if found else None

    def get(self, session_id: str) -> DrawerSession | None:
        found = self._rows(DrawerSessionRow.id == session_id)
        return found[0] if found else None

    def add(self, s: DrawerSession) -> None:
        self.session.add(DrawerSessionRow(
            id=s.id, workstation=s.workstation, cashier_id=s.cashier_id, business_date=s.business_date,
            status=s.status, opened_at=s.opened_at, float_cents=s.float_cents,
            float_count=json.dumps(s.float_count.as_dict()), float_verified_by=s.float_verified_by,
        ))
        self.session.flush()

    def close(self, s: DrawerSession) -> None:
        row = self.session.get(DrawerSessionRow, s.id)
        assert row is not None
        row.status = s.status
        row.closed_at = s.closed_at
        row.counted_cents = s.counted.total_cents if s.counted else None
        row.close_count = json.dumps(s.counted.as_dict()) if s.counted else None
        row.expected_cents = s.expected_cents
        row.over_short_cents = s.over_short_cents
        row.close_supervisor_id = s.close_supervisor_id
        row.close_note = s.close_note
        row.debit_batch_cents = s.debit_batch_cents
        row.credit_batch_cents = s.credit_batch_cents
        row.cheques_checked = s.cheques_checked
        row.z_number = s.z_number
        self.session.flush()

    def add_movement(self, m: MovementRecord) -> None:
        self.session.add(CashMovementRow(
            id=m.id, session_id=m.session_id, kind=m.kind, amount_cents=m.amount_cents, reason=m.reason,
            gl_account=m.gl_account, at=m.at, staff_id=m.staff_id, supervisor_id=m.supervisor_id,
        ))
        self.session.flush()

    def movements(self, session_ids: list[str]) -> list[MovementRecord]:
        if not session_ids:
            return []
        staff, supervisor = aliased(StaffRow), aliased(StaffRow)
        query = (
            select(CashMovementRow, staff.name, supervisor.name)
            .join(staff, staff.id == CashMovementRow.staff_id)
            .outerjoin(supervisor, supervisor.id == CashMovementRow.supervisor_id)
            .where(CashMovementRow.session_id.in_(session_ids))
            .order_by(CashMovementRow.at)
        )
        return [
            MovementRecord(r.id, r.session_id, r.kind, r.amount_cents, r.reason, r.gl_account, r.at, r.staff_id,
                           r.supervisor_id, name, sup or "")
            for r, name, sup in self.session.execute(query)
        ]

    def sessions_on(self, business_date: date, workstation: str | None) -> list[DrawerSession]:
        where = [DrawerSessionRow.business_date == business_date]
        if workstation:
            where.append(DrawerSessionRow.workstation == workstation)
        return self._rows(*where)

    def recon_transactions(self, session_ids: list[str]) -> list[ReconTransaction]:
        """Plain column reads (no ORM objects): a busy drawer holds thousands of receipts and this runs at close."""
        if not session_ids:
            return []
        t, line, tender = TransactionRow.__table__, LineRow.__table__, TenderRow.__table__
        header = self.session.execute(
            select(t.c.id, t.c.receipt_number, t.c.created_at, t.c.workstation, StaffRow.name, t.c.kind, t.c.status,
                   t.c.total_cents, t.c.rounding_cents, t.c.change_cents)
            .join(StaffRow, StaffRow.id == t.c.cashier_id)
            .where(t.c.drawer_session_id.in_(session_ids))
            .order_by(t.c.workstation, t.c.sequence)
        ).all()
        lines: dict[str, list[ReconLine]] = {}
        for tid, code, description, gl, net, gst in self.session.execute(
            select(line.c.transaction_id, line.c.service_code, line.c.description, line.c.gl_account, line.c.net_cents,
                   line.c.gst_cents)
            .join(t, t.c.id == line.c.transaction_id)
            .where(t.c.drawer_session_id.in_(session_ids))
            .order_by(line.c.transaction_id, line.c.line_no)
        ):
            lines.setdefault(tid, []).append(ReconLine(code, description, gl, net, gst))
        tenders: dict[str, list[ReconTender]] = {}
        for tid, kind, amount, number, last4 in self.session.execute(
            select(tender.c.transaction_id, tender.c.kind, tender.c.amount_cents, tender.c.number, tender.c.last4)
            .join(t, t.c.id == tender.c.transaction_id)
            .where(t.c.drawer_session_id.in_(session_ids))
            .order_by(tender.c.transaction_id, tender.c.seq)
        ):
            tenders.setdefault(tid, []).append(ReconTender(kind, amount, number, last4))
        return [
            ReconTransaction(
                receipt_number=number, created_at=created, workstation=ws, cashier=name, kind=kind, status=status,
                total_cents=total, rounding_cents=rounding, change_cents=change,
                lines=tuple(lines.get(tid, ())), tenders=tuple(tenders.get(tid, ())),
            )
            for tid, number, created, ws, name, kind, status, total, rounding, change in header
        ]

    def add_z_report(self, z_id: str, s: DrawerSession, at: datetime, report: dict[str, Any]) -> None:
        self.session.add(ZReportRow(id=z_id, session_id=s.id, workstation=s.workstation, z_number=s.z_number or "",
                                    created_at=at, report_json=json.dumps(report, sort_keys=True)))
        self.session.flush()

    def z_report(self, session_id: str) -> dict[str, Any] | None:
        row = self.session.scalar(select(ZReportRow).where(ZReportRow.session_id == session_id))
        return json.loads(row.report_json) if row else None

    def add_export(self, export_id: str, scope: str, business_date: date, session_id: str | None, at: datetime,
                   staff_id: int | None, folder: str, files: list[dict[str, Any]]) -> None:
        self.session.add(ExportRow(id=export_id, scope=scope, business_date=business_date, session_id=session_id,
                                   at=at, staff_id=staff_id, folder=folder, files_json=json.dumps(files)))
        self.session.flush()


def _count(text: str | None) -> CashCount | None:
    return count_of(json.loads(text)) if text else None


def _session(row: DrawerSessionRow, cashier: str) -> DrawerSession:
    return DrawerSession(
        id=row.id, workstation=row.workstation, cashier_id=row.cashier_id, cashier=cashier,
        business_date=row.business_date, status=row.status, opened_at=row.opened_at,
        float_count=_count(row.float_count) or count_of({}), float_verified_by=row.float_verified_by,
        closed_at=row.closed_at, counted=_count(row.close_count), expected_cents=row.expected_cents,
        over_short_cents=row.over_short_cents, close_supervisor_id=row.close_supervisor_id,
        close_note=row.close_note, debit_batch_cents=row.debit_batch_cents,
        credit_batch_cents=row.credit_batch_cents, cheques_checked=row.cheques_checked, z_number=row.z_number,
    )
