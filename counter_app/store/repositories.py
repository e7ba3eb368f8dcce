"""SQLAlchemy repositories: map rows to domain objects and back. They never commit; the unit of work does."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from counter_app.payments.accounts import BillAccount
from counter_app.payments.catalog import BillType, GlAccount, GstCode, LineKind, Service, TenderKind
from counter_app.payments.receipt import ReceiptSnapshot
from counter_app.payments.sale import SaleLine, Tender
from counter_app.services.records import (
    StaffCredentials,
    StaffMember,
    StoredTransaction,
    TransactionRecord,
    TransactionSummary,
    VoidRecord,
)
from counter_app.store.schema import (
    BillAccountRow,
    GlAccountRow,
    GstCodeRow,
    LineRow,
    OutboxRow,
    ReceiptPrintRow,
    ReceiptSequenceRow,
    RolePermissionRow,
    ServiceRow,
    StaffRow,
    TenderRow,
    TopicRow,
    TransactionRow,
    VoidRow,
)
from counter_app.visits.model import Topic


class SqlCatalog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def services(self) -> list[Service]:
        rows = self.session.scalars(
            select(ServiceRow).where(ServiceRow.active.is_(True)).order_by(ServiceRow.sort_order, ServiceRow.code)
        )
        return [_service(row) for row in rows]

    def gst_codes(self) -> dict[str, GstCode]:
        return {r.code: GstCode(r.code, r.description, r.rate_bp) for r in self.session.scalars(select(GstCodeRow))}

    def gl_accounts(self) -> list[GlAccount]:
        return [GlAccount(r.code, r.name) for r in self.session.scalars(select(GlAccountRow).order_by("code"))]

    def service_fields(self, code: str) -> dict[str, Any] | None:
        row = self.session.get(ServiceRow, code)
        if row is None:
            return None
        return {"name": row.name, "kind": row.kind, "amount_cents": row.amount_cents,
                "allowed_tenders": row.allowed_tenders, "active": row.active}

    def update_service(self, code: str, changes: dict[str, Any]) -> None:
        self.session.execute(update(ServiceRow).where(ServiceRow.code == code).values(**changes))

    def topics(self) -> list[Topic]:
        rows = self.session.scalars(select(TopicRow).order_by(TopicRow.sort_order))
        return [Topic(r.code, r.label, r.quick_key) for r in rows]


def _service(row: ServiceRow) -> Service:
    return Service(
        code=row.code,
        name=row.name,
        kind=LineKind(row.kind),
        gl_account=row.gl_account,
        gst_code=row.gst_code,
        allowed_tenders=frozenset(TenderKind(k) for k in row.allowed_tenders.split(",") if k),
        department=row.department,
        amount_cents=row.amount_cents,
        bill_type=BillType(row.bill_type) if row.bill_type else None,
        quick_key=row.quick_key,
        keywords=row.keywords,
        sort_order=row.sort_order,
        topic=row.topic,
        max_cents=row.max_cents,
    )


class SqlAccounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, number: str) -> BillAccount | None:
        row = self.session.get(BillAccountRow, number)
        if row is None:
            return None
        return BillAccount(
            number=row.number,
            bill_type=BillType(row.bill_type),
            service_code=row.service_code,
            holder=row.holder,
            balance_cents=row.balance_cents,
            due_date=row.due_date,
            issued_date=row.issued_date,
            early_cents=row.early_cents,
        )

    def set_balance(self, number: str, balance_cents: int) -> None:
        self.session.execute(
            update(BillAccountRow).where(BillAccountRow.number == number).values(balance_cents=balance_cents)
        )


class SqlStaff:
    def __init__(self, session: Session) -> None:
        self.session = session

    def roles(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for role, permission in self.session.execute(
            select(RolePermissionRow.role_code, RolePermissionRow.permission)
        ):
            found.setdefault(role, set()).add(permission)
        return {role: frozenset(perms) for role, perms in found.items()}

    def _credentials(self, row: StaffRow) -> StaffCredentials:
        permissions = frozenset(self.session.scalars(
            select(RolePermissionRow.permission).where(RolePermissionRow.role_code == row.role)
        ))
        member = StaffMember(row.id, row.staff_no, row.name, row.role, row.active, permissions)
        return StaffCredentials(member, row.pin_hash, row.failed_attempts, row.locked_until)

    def by_number(self, staff_no: str) -> StaffCredentials | None:
        row = self.session.scalar(select(StaffRow).where(StaffRow.staff_no == staff_no))
        return self._credentials(row) if row else None

    def by_id(self, staff_id: int) -> StaffCredentials | None:
        row = self.session.get(StaffRow, staff_id)
        return self._credentials(row) if row else None

    def record_failure(self, staff_id: int, locked_until: datetime | None) -> int:
        row = self.session.get(StaffRow, staff_id)
        assert row is not None
        row.failed_attempts += 1
        if locked_until is not None:
            row.locked_until = locked_until
        self.session.flush()
        return row.failed_attempts

    def clear_failures(self, staff_id: int) -> None:
        self.session.execute(update(StaffRow).where(StaffRow.id == staff_id).values(failed_attempts=0,
                                                                                    locked_until=None))

    def all(self) -> list[StaffCredentials]:
        return [self._credentials(row) for row in self.session.scalars(select(StaffRow).order_by(StaffRow.staff_no))]

    def add(self, staff_no: str, name: str, role: str, pin_hash: str) -> int:
        row = StaffRow(staff_no=staff_no, name=name, role=role, pin_hash=pin_hash, active=True)
        self.session.add(row)
        self.session.flush()
        return row.id

    def update(self, staff_id: int, *, active: bool | None = None, pin_hash: str | None = None,
               role: str | None = None) -> None:
        values: dict[str, object] = {}
        if active is not None:
            values["active"] = active
        if pin_hash is not None:
            values.update(pin_hash=pin_hash, failed_attempts=0, locked_until=None)
        if role is not None:
            values["role"] = role
        if values:
            self.session.execute(update(StaffRow).where(StaffRow.id == staff_id).values(**values))


class SqlTransactions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_sequence(self, workstation: str) -> int:
        """Bump the workstation's counter inside the caller's transaction: no gaps, no repeats."""
        bumped = self.session.execute(
            update(ReceiptSequenceRow)
            .where(ReceiptSequenceRow.workstation == workstation)
            .values(last_number=ReceiptSequenceRow.last_number + 1)
            .returning(ReceiptSequenceRow.last_number)
        ).scalar()
        if bumped is None:
            self.session.add(ReceiptSequenceRow(workstation=workstation, last_number=1))
            self.session.flush()
            return 1
        return int(bumped)

    def last_sequence(self, workstation: str) -> int:
        return int(self.session.scalar(select(ReceiptSequenceRow.last_number)
                                       .where(ReceiptSequenceRow.workstation == workstation)) or 0)

    def raise_sequence(self, workstation: str, value: int) -> int:
        """Continue receipt numbers after ``value`` at least (never go back); returns the last number before."""
        before = self.last_sequence(workstation)
        if value > before:
            self.session.merge(ReceiptSequenceRow(workstation=workstation, last_number=value))
            self.session.flush()
        return before

    def add(self, record: TransactionRecord) -> None:
        row = TransactionRow(
            id=record.id,
            workstation=record.workstation,
            sequence=record.sequence,
            receipt_number=record.receipt_number,
            kind=record.kind,
            status=record.status,
            business_date=record.business_date,
            created_at=record.created_at,
            cashier_id=record.cashier_id,
            supervisor_id=record.supervisor_id,
            refund_of_id=record.refund_of_id,
            reason=record.reason,
            subtotal_cents=sum(line.net_cents for line in record.lines),
            gst_cents=sum(line.gst_cents for line in record.lines),
            total_cents=record.settlement.total,
            rounding_cents=record.settlement.rounding,
            change_cents=record.settlement.change,
            snapshot_json=json.dumps(record.snapshot.to_dict(), separators=(",", ":")),
            drawer_session_id=record.drawer_session_id,
        )
        originals = record.original_line_nos or (None,) * len(record.lines)
        balances = record.balance_reductions or (None,) * len(record.lines)
        row.lines = [
            LineRow(
                line_no=index,
                service_code=line.service_code,
                description=line.description,
                kind=line.kind.value,
                account_number=line.account_number,
                reference=line.reference,
                net_cents=line.net_cents,
                gst_code=line.gst_code,
                gst_rate_bp=line.gst_rate_bp,
                gst_cents=line.gst_cents,
                total_cents=line.total_cents,
                gl_account=line.gl_account,
                amount_due_cents=line.amount_due_cents,
                balance_reduction_cents=balances[index],
                original_line_no=originals[index],
            )
            for index, line in enumerate(record.lines)
        ]
        row.tenders = [
            TenderRow(
                seq=index,
                kind=tender.kind.value,
                amount_cents=tender.amount_cents,
                card_brand=tender.card_brand,
                last4=tender.last4,
                auth_code=tender.auth_code,
                terminal_ref=tender.terminal_ref,
                number=tender.cheque_number,
            )
            for index, tender in enumerate(record.tenders)
        ]
        self.session.add(row)
        self.session.flush()

    def by_receipt(self, receipt_number: str) -> StoredTransaction | None:
        row = self.session.scalar(
            select(TransactionRow)
            .where(TransactionRow.receipt_number == receipt_number)
            .options(selectinload(TransactionRow.lines), selectinload(TransactionRow.tenders))
        )
        if row is None:
            return None
        refunds = self.session.scalars(
            select(LineRow.original_line_no)
            .join(TransactionRow, TransactionRow.id == LineRow.transaction_id)
            .where(TransactionRow.refund_of_id == row.id, TransactionRow.status == "completed")
        ).all()
        any_refund = self.session.scalar(
            select(func.count()).select_from(TransactionRow).where(TransactionRow.refund_of_id == row.id)
        )
        return StoredTransaction(
            id=row.id,
            receipt_number=row.receipt_number,
            kind=row.kind,
            status=row.status,
            business_date=row.business_date,
            created_at=row.created_at,
            cashier_id=row.cashier_id,
            lines=tuple(_line(line) for line in row.lines),
            tenders=tuple(_tender(t) for t in row.tenders),
            snapshot=ReceiptSnapshot.from_dict(json.loads(row.snapshot_json)),
            refunded_line_nos=frozenset(n for n in refunds if n is not None),
            has_refunds=bool(any_refund),
            balance_reductions=tuple(line.balance_reduction_cents for line in row.lines),
            drawer_session_id=row.drawer_session_id,
        )

    def add_void(self, void: VoidRecord) -> None:
        self.session.add(
            VoidRow(
                id=void.id,
                transaction_id=void.transaction_id,
                voided_at=void.voided_at,
                cashier_id=void.cashier_id,
                supervisor_id=void.supervisor_id,
                reason=void.reason,
            )
        )
        self.session.execute(
            update(TransactionRow).where(TransactionRow.id == void.transaction_id).values(status="void")
        )
        self.session.flush()

    def add_print(self, transaction_id: str, at: datetime, staff_id: int | None, copy: bool) -> None:
        self.session.add(ReceiptPrintRow(transaction_id=transaction_id, printed_at=at, staff_id=staff_id, copy=copy))

    def print_count(self, transaction_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(ReceiptPrintRow).where(
                    ReceiptPrintRow.transaction_id == transaction_id
                )
            )
            or 0
        )

    def summaries(self, business_date: date, workstation: str | None = None) -> list[TransactionSummary]:
        query = (
            select(TransactionRow, StaffRow.name)
            .join(StaffRow, StaffRow.id == TransactionRow.cashier_id)
            .where(TransactionRow.business_date == business_date)
            .options(selectinload(TransactionRow.tenders), selectinload(TransactionRow.lines))
            .order_by(TransactionRow.workstation, TransactionRow.sequence)
        )
        if workstation:
            query = query.where(TransactionRow.workstation == workstation)
        originals: dict[str, str] = {}
        result = []
        rows = self.session.execute(query).all()
        refund_ids = {row.refund_of_id for row, _ in rows if row.refund_of_id}
        if refund_ids:
            found = self.session.execute(
                select(TransactionRow.id, TransactionRow.receipt_number).where(TransactionRow.id.in_(refund_ids))
            )
            originals = {txn_id: number for txn_id, number in found}
        for row, cashier in rows:
            tenders: dict[str, int] = {}
            for tender in row.tenders:
                tenders[tender.kind] = tenders.get(tender.kind, 0) + tender.amount_cents
            result.append(
                TransactionSummary(
                    id=row.id,
                    receipt_number=row.receipt_number,
                    created_at=row.created_at,
                    kind=row.kind,
                    status=row.status,
                    cashier=cashier,
                    total_cents=row.total_cents,
                    rounding_cents=row.rounding_cents,
                    change_cents=row.change_cents,
                    tenders=tenders,
                    workstation=row.workstation,
                    refund_of=originals.get(row.refund_of_id or ""),
                    description=", ".join(line.description for line in row.lines),
                    business_date=row.business_date,
                )
            )
        return result


def _line(row: LineRow) -> SaleLine:
    return SaleLine(
        service_code=row.service_code,
        description=row.description,
        kind=LineKind(row.kind),
        net_cents=row.net_cents,
        gst_code=row.gst_code,
        gst_rate_bp=row.gst_rate_bp,
        gst_cents=row.gst_cents,
        gl_account=row.gl_account,
        account_number=row.account_number,
        reference=row.reference,
        amount_due_cents=row.amount_due_cents,
    )


def _tender(row: TenderRow) -> Tender:
    return Tender(
        kind=TenderKind(row.kind),
        amount_cents=row.amount_cents,
        card_brand=row.card_brand,
        last4=row.last4,
        auth_code=row.auth_code,
        terminal_ref=row.terminal_ref,
        cheque_number=row.number,
    )


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.last_added: OutboxRow | None = None  # its seq, once committed, moves the restore witness on

    def add(self, record_type: str, record_id: str, payload: dict[str, Any], at: datetime) -> None:
        row = OutboxRow(
            record_type=record_type,
            record_id=record_id,
            payload=json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str),
            created_at=at,
        )
        self.session.add(row)
        self.last_added = row

    def pending_count(self) -> int:
        return int(
            self.session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))) or 0
        )
