"""Taking payments: building lines from the catalogue, completing a sale, voids and refunds.

Each write is one SQLite transaction (BEGIN IMMEDIATE): the receipt number, the transaction, its lines and
tenders, the account balances and the outbox records commit together or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from counter_app.clock import Clock
from counter_app.free_text import shown
from counter_app.payments.accounts import BillAccount, format_account, parse_account
from counter_app.payments.card_data import refuse_card_number
from counter_app.payments.catalog import (
    BillType,
    GlAccount,
    GstCode,
    LineKind,
    Service,
    TenderKind,
    search_services,
)
from counter_app.payments.errors import PaymentError
from counter_app.payments.limits import (
    DEFAULT_MAX_TRANSACTION_CENTS,
    OVERRIDE_PERMISSION,
    cap_breaches,
    ensure_override,
)
from counter_app.payments.money import format_money, parse_amount
from counter_app.payments.receipt import Issuer, ReceiptSnapshot, snapshot_of
from counter_app.payments.reversals import (
    check_reason,
    ensure_approver,
    ensure_voidable,
    plan_refund,
    refund_tender_kinds,
)
from counter_app.payments.sale import Sale, SaleLine, Settlement, bill_line, fixed_line, open_line
from counter_app.payments.verify import check_settlement, rebuild_sale, verify_line, verify_tender
from counter_app.services.approvals import approved_by, current_staff
from counter_app.services.audit import Auditor
from counter_app.services.ports import UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import (
    StaffMember,
    StoredTransaction,
    TransactionRecord,
    TransactionSummary,
    VoidRecord,
)
from counter_app.services.restore import ensure_numbers_safe
from counter_app.services.visits import ensure_visit, log_interaction
from counter_app.visits.model import Interaction, InteractionKind

#: transactions.receipt_number (c_transactions.receipt_number).
RECEIPT_NUMBER_MAX = 20


@dataclass(frozen=True, slots=True)
class Catalog:
    services: tuple[Service, ...]
    gst_codes: dict[str, GstCode]
    gl_accounts: tuple[GlAccount, ...]

    def service(self, code: str) -> Service:
        wanted = code.strip().upper() if isinstance(code, str) else ""
        for service in self.services:
            if service.code == wanted:
                return service
        raise PaymentError(f"There is no service with code “{shown(wanted, 16)}”.", "service")

    def by_code(self) -> dict[str, Service]:
        return {service.code: service for service in self.services}


@dataclass(frozen=True, slots=True)
class BillLookup:
    service: Service
    account: BillAccount
    amount_due_cents: int


@dataclass(frozen=True, slots=True)
class CompletedPayment:
    transaction_id: str
    receipt_number: str
    snapshot: ReceiptSnapshot
    settlement: Settlement


@dataclass(frozen=True, slots=True)
class RefundOptions:
    original: StoredTransaction
    tender_kinds: tuple[TenderKind, ...]


class PaymentService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str, issuer: Issuer | None = None,
                 auditor: Auditor | None = None, *,
                 max_transaction_cents: int = DEFAULT_MAX_TRANSACTION_CENTS) -> None:
        self._uow = uow
        self.max_transaction_cents = max_transaction_cents
        self.auditor = auditor or Auditor(clock, workstation)
        self.clock = clock
        self.workstation = workstation
        self.issuer = issuer or Issuer()
        self._catalog: Catalog | None = None

    # -- catalogue -------------------------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """Reference data, read once and kept: it changes only when the city updates the fee schedule."""
        if self._catalog is None:
            with self._uow(read_only=True) as uow:
                self._catalog = Catalog(
                    tuple(uow.catalog.services()), uow.catalog.gst_codes(), tuple(uow.catalog.gl_accounts())
                )
        return self._catalog

    def refresh_catalog(self) -> None:
        """Read the fee schedule again at next use (after an administrator's change or a reference pull)."""
        self._catalog = None

    def search(self, text: str, limit: int = 30) -> list[Service]:
        refuse_card_number(text or "", "search")
        return search_services(list(self.catalog().services), text[:100], limit)

    def quick_key(self, number: int) -> Service | None:
        return next((s for s in self.catalog().services if s.quick_key == number), None)

    # -- building lines (nothing stored) ---------------------------------------------------------------------
    def lookup_bill(self, text: str, service_code: str | None = None) -> BillLookup:
        """Check a typed or scanned number and find what is owing on it."""
        expected: BillType | None = None
        if service_code:
            expected = self.catalog().service(service_code).bill_type
        _kind, digits = parse_account(text, expected)
        with self._uow(read_only=True) as uow:
            account = uow.accounts.get(digits)
        if account is None:
            raise PaymentError(f"No bill on file for {format_account(digits)}: check the bill.", "account")
        service = self.catalog().service(service_code or account.service_code)
        if service_code and account.service_code != service.code:
            actual = self.catalog().service(account.service_code)
            raise PaymentError(f"{account.display_number} is a {actual.name.lower()} bill, not {service.name}.",
                               "account")
        return BillLookup(service, account, account.amount_due(self.clock.today()))

    def bill_line(self, lookup: BillLookup, amount_text: str | None = None) -> SaleLine:
        amount = lookup.amount_due_cents if amount_text is None else parse_amount(amount_text)
        gst = self.catalog().gst_codes[lookup.service.gst_code]
        return bill_line(lookup.service, gst, lookup.account, amount, self.clock.today())

    def fixed_line(self, service_code: str) -> SaleLine:
        service = self.catalog().service(service_code)
        return fixed_line(service, self.catalog().gst_codes[service.gst_code])

    def open_line(
        self, service_code: str, amount_text: str, gl_account: str, gst_code: str, description: str = ""
    ) -> SaleLine:
        service = self.catalog().service(service_code)
        gst = self.catalog().gst_codes.get(gst_code)
        if gst is None:
            raise PaymentError("Choose a GST code.", "gst")
        if gl_account not in {a.code for a in self.catalog().gl_accounts}:
            raise PaymentError(f"GL account “{shown(str(gl_account), 20)}” is not in the chart of accounts.", "gl")
        return open_line(service, gst, parse_amount(amount_text), gl_account, description)

    def add_line(self, sale: Sale, line: SaleLine) -> None:
        sale.add_line(line, self.catalog().service(line.service_code).allowed_tenders)

    # -- completing ------------------------------------------------------------------------------------------
    def complete(
        self,
        sale: Sale,
        cashier: StaffMember,
        *,
        visit_id: str | None = None,
        started_at: datetime | None = None,
        override: StaffMember | None = None,
    ) -> CompletedPayment:
        """Record the sale, whole, with the next receipt number of this workstation.

        Nothing a caller built is trusted: the cashier and any supervisor are read again from the store, and the
        sale is rebuilt from its lines and tenders through the catalogue and the sale's own rules
        (:mod:`counter_app.payments.verify`). Above an amount cap (:mod:`counter_app.payments.limits`) it needs
        ``override``, a supervisor with ``approve_price_override`` other than the cashier; the override is
        audited. The payment is also logged as a payment interaction of the resident's visit (a new visit if none
        is open), in the same transaction.
        """
        if not isinstance(sale, Sale) or not sale.lines:
            raise PaymentError("Add something to pay for first.", "service")
        sale.finalize()  # the common refusal (still owing) before the write lock is taken
        today = self.clock.today()
        catalog = self.catalog()
        services = catalog.by_code()
        charts = {account.code for account in catalog.gl_accounts}
        with self._uow() as uow:
            staff = current_staff(uow, cashier, "cashier", PaymentError)
            if not staff.can("take_payment"):
                raise PaymentError("Only a cashier or supervisor can take payments.", "cashier")
            lines = [verify_line(n, line, services, catalog.gst_codes, charts, uow.accounts.get, today)
                     for n, line in enumerate(sale.lines, 1)]
            tenders = [verify_tender(n, tender) for n, tender in enumerate(sale.tenders, 1)]
            settlement = rebuild_sale(lines, tenders, services).finalize()
            check_settlement(settlement)
            breaches = cap_breaches(lines, services, self.max_transaction_cents)
            approver = None
            if breaches:
                approver = current_staff(uow, override, "override", PaymentError) if override is not None else None
                ensure_override(breaches, staff.id, approver.id if approver else None,
                                approver.can(OVERRIDE_PERMISSION) if approver else False)
            drawer = _open_drawer(uow, self.workstation, staff)
            reductions: list[int | None] = []
            for line in lines:
                reductions.append(self._apply_to_account(uow, line, today))
            record = self._record(uow, "sale", lines, tenders, settlement, staff,
                                  balance_reductions=tuple(reductions), drawer_session_id=drawer)
            uow.transactions.add(record)
            uow.outbox.add("transaction", record.id, transaction_payload(record, staff), record.created_at)
            self._log_payment(uow, record, staff, visit_id, started_at)
            if approver is not None:
                self.auditor.record(uow, "price_override", actor=staff.staff_no,
                                    object_ref=f"receipt:{record.receipt_number}", supervisor=approver.staff_no,
                                    total_cents=settlement.total,
                                    limits="; ".join(breach.message for breach in breaches))
            uow.commit()
        return CompletedPayment(record.id, record.receipt_number, record.snapshot, settlement)

    def _log_payment(self, uow: UnitOfWork, record: TransactionRecord, staff: StaffMember, visit_id: str | None,
                     started_at: datetime | None) -> None:
        start = min(started_at or record.created_at, record.created_at)
        visit = ensure_visit(uow, visit_id, staff, self.workstation, start, record.business_date)
        topic = self.catalog().service(record.lines[0].service_code).topic
        item = Interaction(str(uuid.uuid4()), visit, InteractionKind.PAYMENT, topic, self.workstation, staff.id,
                           start, record.created_at, transaction_id=record.id, note=record.kind)
        log_interaction(uow, item, record.business_date)

    def _apply_to_account(self, uow: UnitOfWork, line: SaleLine, today: date) -> int | None:
        if line.kind is not LineKind.BILL or not line.account_number:
            return None
        account = uow.accounts.get(line.account_number)
        if account is None:
            raise PaymentError(f"No bill on file for {line.reference}.", "account")
        due = account.amount_due(today)
        if line.total_cents > due:
            raise PaymentError(f"{line.reference} now has only {format_money(due)} owing: scan it again.", "account")
        reduction = account.reduction_for(line.total_cents, today)
        uow.accounts.set_balance(account.number, account.balance_cents - reduction)
        return reduction

    def _record(
        self,
        uow: UnitOfWork,
        kind: str,
        lines: list[SaleLine] | tuple[SaleLine, ...],
        tenders: Any,
        settlement: Settlement,
        cashier: StaffMember,
        **extra: Any,
    ) -> TransactionRecord:
        ensure_numbers_safe(uow, self.workstation)
        sequence = uow.transactions.next_sequence(self.workstation)
        number = f"{self.workstation}-{sequence:06d}"
        now = self.clock.now()
        refund_of = extra.pop("refund_of_number", None)
        snapshot = snapshot_of(
            receipt_number=number,
            kind=kind,
            issued_at=now.astimezone(self.clock.tz),
            workstation=self.workstation,
            cashier=cashier.name,
            lines=lines,
            tenders=tenders,
            settlement=settlement,
            issuer=self.issuer,
            refund_of=refund_of,
        )
        return TransactionRecord(
            id=str(uuid.uuid4()),
            workstation=self.workstation,
            sequence=sequence,
            receipt_number=number,
            kind=kind,
            business_date=now.astimezone(self.clock.tz).date(),
            created_at=now,
            cashier_id=cashier.id,
            lines=tuple(lines),
            tenders=tuple(tenders),
            settlement=settlement,
            snapshot=snapshot,
            **extra,
        )

    # -- voids and refunds -----------------------------------------------------------------------------------
    def find(self, receipt_number: str) -> StoredTransaction:
        number = receipt_key(receipt_number)
        with self._uow(read_only=True) as uow:
            found = uow.transactions.by_receipt(number)
        if found is None:
            raise PaymentError(f"No receipt {number[:24]} on this counter.", "receipt")
        return found

    def void(self, receipt_number: str, cashier: StaffMember, supervisor: StaffMember, reason: str) -> None:
        """Void today's receipt: it is kept, marked void, and the bill balances it reduced are restored.

        The cashier and the supervisor are read again from the store and the approval rule applied to them.
        """
        why = check_reason(reason)
        ensure_approver(cashier.id, supervisor.id, supervisor.can("approve_void"))
        receipt_number = receipt_key(receipt_number)
        today = self.clock.today()
        with self._uow() as uow:
            cashier = current_staff(uow, cashier, "cashier", PaymentError)
            supervisor = approved_by(uow, cashier, supervisor, "approve_void", PaymentError)
            original = uow.transactions.by_receipt(receipt_number)
            if original is None:
                raise PaymentError(f"No receipt {receipt_number[:24]} on this counter.", "receipt")
            ensure_voidable(original.status, original.kind, original.business_date, today, original.has_refunds)
            if original.drawer_session_id:
                drawer = uow.drawers.get(original.drawer_session_id)
                if drawer is not None and not drawer.is_open:
                    raise PaymentError("The drawer for this receipt is closed (Z report issued): refund it instead.",
                                       "receipt")
            self._restore_accounts(uow, original, range(len(original.lines)))
            void = VoidRecord(str(uuid.uuid4()), original.id, self.clock.now(), cashier.id, supervisor.id, why)
            uow.transactions.add_void(void)
            uow.outbox.add("void", void.id, {
                "id": void.id, "transaction_id": original.id, "receipt_number": original.receipt_number,
                "voided_at": void.voided_at.isoformat(), "cashier": cashier.staff_no,
                "supervisor": supervisor.staff_no, "reason": why, "workstation": self.workstation,
            }, void.voided_at)
            self.auditor.record(uow, "void", actor=cashier.staff_no, object_ref=f"receipt:{original.receipt_number}",
                                supervisor=supervisor.staff_no, reason=why, total_cents=sum(
                                    ln.total_cents for ln in original.lines))
            uow.commit()

    def _restore_accounts(self, uow: UnitOfWork, original: StoredTransaction, indexes: Any) -> None:
        for index in indexes:
            line = original.lines[index]
            reduction = original.balance_reductions[index] if original.balance_reductions else None
            if line.account_number and reduction:
                account = uow.accounts.get(line.account_number)
                if account is not None:
                    uow.accounts.set_balance(account.number, account.balance_cents + reduction)

    def refund_options(self, receipt_number: str) -> RefundOptions:
        original = self.find(receipt_number)
        if original.kind != "sale" or original.status != "completed":
            raise PaymentError("Only a completed sale can be refunded.", "receipt")
        return RefundOptions(original, tuple(refund_tender_kinds(list(original.tenders))))

    def refund(
        self,
        receipt_number: str,
        line_indexes: list[int],
        kind: TenderKind,
        cashier: StaffMember,
        supervisor: StaffMember,
        reason: str,
        auth_code: str = "",
        *,
        visit_id: str | None = None,
    ) -> CompletedPayment:
        """A new refund transaction against the original receipt, with its own receipt number.

        The cashier and the supervisor are read again from the store and the approval rule applied to them.
        """
        why = check_reason(reason)
        ensure_approver(cashier.id, supervisor.id, supervisor.can("approve_refund"))
        receipt_number = receipt_key(receipt_number)
        with self._uow() as uow:
            cashier = current_staff(uow, cashier, "cashier", PaymentError)
            supervisor = approved_by(uow, cashier, supervisor, "approve_refund", PaymentError)
            original = uow.transactions.by_receipt(receipt_number)
            if original is None:
                raise PaymentError(f"No receipt {receipt_number[:24]} on this counter.", "receipt")
            if original.kind != "sale" or original.status != "completed":
                raise PaymentError("Only a completed sale can be refunded.", "receipt")
            drawer = _open_drawer(uow, self.workstation, cashier)
            plan = plan_refund(list(original.lines), list(original.tenders), set(original.refunded_line_nos),
                               line_indexes, kind, auth_code)
            chosen = sorted(line_indexes)
            self._restore_accounts(uow, original, chosen)
            record = self._record(
                uow, "refund", plan.lines, plan.tenders, plan.settlement, cashier,
                supervisor_id=supervisor.id, refund_of_id=original.id, reason=why,
                original_line_nos=tuple(chosen), refund_of_number=original.receipt_number,
                drawer_session_id=drawer,
            )
            uow.transactions.add(record)
            payload = transaction_payload(record, cashier)
            payload.update(supervisor=supervisor.staff_no, refund_of_receipt=original.receipt_number)
            uow.outbox.add("transaction", record.id, payload, record.created_at)
            self._log_payment(uow, record, cashier, visit_id, None)
            self.auditor.record(uow, "refund", actor=cashier.staff_no, object_ref=f"receipt:{record.receipt_number}",
                                original=original.receipt_number, supervisor=supervisor.staff_no, reason=why,
                                total_cents=plan.settlement.total)
            uow.commit()
        return CompletedPayment(record.id, record.receipt_number, record.snapshot, plan.settlement)

    # -- lists -----------------------------------------------------------------------------------------------
    def transactions_on(self, day: date | None = None, all_workstations: bool = False) -> list[TransactionSummary]:
        with self._uow(read_only=True) as uow:
            return uow.transactions.summaries(day or self.clock.today(),
                                              None if all_workstations else self.workstation)

    def pending_outbox(self) -> int:
        with self._uow(read_only=True) as uow:
            return uow.outbox.pending_count()


def receipt_key(text: object) -> str:
    """A typed or scanned receipt number as the store keys it, or a refusal (never a failed lookup)."""
    value = text.strip().upper() if isinstance(text, str) else ""
    if not (value.isascii() and value.isprintable()) or not 1 <= len(value) <= RECEIPT_NUMBER_MAX:
        raise PaymentError(f"No receipt {shown(value, 24)} on this counter.", "receipt")
    return value


def _open_drawer(uow: UnitOfWork, workstation: str, cashier: StaffMember) -> str:
    """Every payment goes into the cashier's open drawer, so each drawer reconciles on its own."""
    drawer = uow.drawers.open_for(workstation, cashier.id)
    if drawer is None:
        raise PaymentError("Open your drawer first: count the float (F7), then take the payment.", "drawer")
    return drawer.id


def transaction_payload(record: TransactionRecord, cashier: StaffMember) -> dict[str, Any]:
    """The transaction as the central 311 database receives it (plain JSON; amounts in cents)."""
    return {
        "id": record.id,
        "workstation": record.workstation,
        "sequence": record.sequence,
        "receipt_number": record.receipt_number,
        "kind": record.kind,
        "business_date": record.business_date.isoformat(),
        "created_at": record.created_at.isoformat(),
        "cashier": cashier.staff_no,
        "refund_of_id": record.refund_of_id,
        "drawer_session_id": record.drawer_session_id,
        "reason": record.reason,
        "total_cents": record.settlement.total,
        "rounding_cents": record.settlement.rounding,
        "change_cents": record.settlement.change,
        "lines": [
            {
                "line_no": i, "service_code": ln.service_code, "description": ln.description, "kind": ln.kind.value,
                "account_number": ln.account_number, "net_cents": ln.net_cents, "gst_code": ln.gst_code,
                "gst_cents": ln.gst_cents, "total_cents": ln.total_cents, "gl_account": ln.gl_account,
            }
            for i, ln in enumerate(record.lines)
        ],
        "tenders": [
            {
                "seq": i, "kind": t.kind.value, "amount_cents": t.amount_cents, "card_brand": t.card_brand,
                "last4": t.last4, "auth_code": t.auth_code, "terminal_ref": t.terminal_ref,
                "number": t.cheque_number,
            }
            for i, t in enumerate(record.tenders)
        ],
    }
