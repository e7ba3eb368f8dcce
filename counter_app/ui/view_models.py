"""View-models: ``QObject``s that hold the screen state, call the services and emit what happened.

Widgets only lay out and forward keys; they never call a service themselves. Anything that reads or writes the
store (or hashes a PIN) runs in the :class:`~counter_app.ui.workers.TaskRunner` lane. Building lines from the
cached catalogue is pure domain work and runs at once. Refusals arrive as ``failed(message, field)``: the
message is the domain's own words for the cashier; ``field`` names where to show it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from counter_app.config import Settings
from counter_app.errors import UserError
from counter_app.payments.catalog import LineKind, Service, TenderKind
from counter_app.payments.money import parse_amount
from counter_app.payments.reversals import check_reason
from counter_app.payments.sale import Sale, SaleLine, Settlement, make_tender
from counter_app.security.permissions import Permission
from counter_app.ui.workers import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from counter_app.services.container import Counter
    from counter_app.services.payments import BillLookup, CompletedPayment
    from counter_app.services.records import StaffMember


def describe(exc: BaseException, default_field: str = "") -> tuple[str, str]:
    """The cashier's message and field for an error; anything unexpected is logged, never shown as a trace."""
    if isinstance(exc, UserError):
        return exc.message, exc.field or default_field
    traceback.print_exception(exc, file=sys.stderr)
    from counter_app.failures import disk_full, is_disk_full  # sqlite3: not needed before the first paint

    if is_disk_full(exc):
        return disk_full(None), default_field
    detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    return f"Something went wrong ({detail}). Nothing was recorded: try again, or call a supervisor.", default_field


# --- sign in ----------------------------------------------------------------------------------------------------


class SessionViewModel(QObject):
    """Opens the counter in the background at start-up, then signs staff in (argon2 off the GUI thread)."""

    ready = Signal(object)  # Counter
    start_failed = Signal(str)
    signed_in = Signal(object)  # StaffMember
    failed = Signal(str, str)
    busy_changed = Signal(bool)

    def __init__(self, settings: Settings, build: Callable[[Settings], Counter], runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._build = build
        self._runner = runner
        self.counter: Counter | None = None
        self._pending: tuple[str, str] | None = None
        self.signing_in = False

    def start(self) -> None:
        self._runner.run(self._open, done=self._opened, error=self._open_failed)

    def _open(self) -> Counter:
        counter = self._build(self.settings)
        counter.payments.catalog()  # the fee schedule is read once, here, so searching never waits
        return counter

    def _opened(self, counter: Any) -> None:
        self.counter = counter
        self.ready.emit(counter)
        if self._pending is not None:
            staff_no, pin = self._pending
            self._pending = None
            self.login(staff_no, pin)

    def _open_failed(self, exc: BaseException) -> None:
        from counter_app.failures import explain

        words = explain(exc, Path(self.settings.data_dir))  # a full disk, a read-only store: what to do about it
        if words is not None:
            self.start_failed.emit(words)
            return
        message, _ = describe(exc)
        if not isinstance(exc, UserError):
            message = f"The counter could not open its data: {str(exc).strip() or type(exc).__name__}"
        self.start_failed.emit(message)

    def login(self, staff_no: str, pin: str) -> None:
        if self.signing_in:
            return
        if self.counter is None:  # typed during start-up: sign in as soon as the counter is open
            self._pending = (staff_no, pin)
            return
        self.signing_in = True
        self.busy_changed.emit(True)
        self._runner.run(self.counter.auth.login, staff_no, pin, done=self._logged_in, error=self._login_failed)

    def _logged_in(self, staff: Any) -> None:
        self.signing_in = False
        self.busy_changed.emit(False)
        self.signed_in.emit(staff)

    def _login_failed(self, exc: BaseException) -> None:
        self.signing_in = False
        self.busy_changed.emit(False)
        self.failed.emit(*describe(exc, "pin"))


# --- the sale -------------------------------------------------------------------------------------------------


def short_name(service: Service) -> str:
    """"Utility bill (electric, water, ...)" -> "Utility bill": for one-line messages."""
    return service.name.split(" (")[0]


class PaymentViewModel(QObject):
    """The sale in progress at this workstation: lines, tenders, and completing it."""

    changed = Signal()  # lines or tenders changed
    line_added = Signal(int, str)  # index, what to tell the cashier ("M. Tremblay: $213.35 due")
    bill_found = Signal(object)  # BillLookup, for the account panel
    failed = Signal(str, str)  # message, field
    completed = Signal(object)  # CompletedPayment
    busy_changed = Signal(bool)
    outbox_changed = Signal(int)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self.payments = counter.payments
        self._runner = runner
        self.cashier: StaffMember | None = None
        self.sale = Sale()
        self._lookups: list[BillLookup | None] = []
        self.last: CompletedPayment | None = None
        self._busy = 0
        self._after_idle: list[Callable[[], None]] = []
        self.completing = False  # the sale is being recorded in the worker lane: it must not change meanwhile
        self.visit_id: Callable[[], str | None] = lambda: None  # the window's current visit, once features load
        self.started_at: Any = None  # when the first line went on: the start of the payment interaction

    # -- state -----------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy > 0

    def when_idle(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the look-up or completion in flight has finished (keys typed ahead)."""
        if self.busy:
            self._after_idle.append(action)
        else:
            action()

    def _start(self) -> None:
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)

    def _finish(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self.busy_changed.emit(False)
            actions, self._after_idle = self._after_idle, []
            for action in actions:
                action()

    def settlement(self) -> Settlement:
        return self.sale.settlement()

    @property
    def has_lines(self) -> bool:
        return bool(self.sale.lines)

    @property
    def has_tenders(self) -> bool:
        return bool(self.sale.tenders)

    def new_sale(self) -> None:
        self.started_at = None
        self.sale = Sale()
        self._lookups = []
        self._after_idle = []
        self.changed.emit()

    # -- catalogue -------------------------------------------------------------------------------------------
    def search(self, text: str) -> list[Service]:
        return self.payments.search(text, limit=40)

    def quick_key(self, number: int) -> Service | None:
        return self.payments.quick_key(number)

    def service(self, code: str) -> Service:
        return self.payments.catalog().service(code)

    def gl_accounts(self) -> list[tuple[str, str]]:
        return [(a.code, a.name) for a in self.payments.catalog().gl_accounts]

    def gst_codes(self) -> list[tuple[str, str]]:
        return [(c.code, c.description) for c in self.payments.catalog().gst_codes.values()]

    # -- lines -----------------------------------------------------------------------------------------------
    def _refuse_while_recording(self, field: str) -> bool:
        if self.completing:
            self.failed.emit("The payment is being recorded: one moment, then scan the next bill.", field)
        return self.completing

    def scan(self, text: str) -> None:
        """A scanned or typed bill number: look it up and add it with the full amount due."""
        if self._refuse_while_recording("account"):
            return
        self._start()
        self._runner.run(self.payments.lookup_bill, text, done=self._scanned, error=self._lookup_failed)

    def _scanned(self, lookup: Any) -> None:
        try:
            self._add(self.payments.bill_line(lookup), lookup)
        except UserError as exc:
            self.failed.emit(exc.message, exc.field or "account")
        finally:
            self._finish()

    def _lookup_failed(self, exc: BaseException) -> None:
        self.failed.emit(*describe(exc, "account"))
        self._finish()

    def find_bill(self, text: str, service_code: str) -> None:
        """Look up the account typed in the panel of a bill service; ``bill_found`` prefills the amount."""
        self._start()

        def found(lookup: Any) -> None:
            self.bill_found.emit(lookup)
            self._finish()

        self._runner.run(self.payments.lookup_bill, text, service_code, done=found, error=self._lookup_failed)

    def add_bill(self, lookup: BillLookup, amount_text: str) -> bool:
        return self._try(lambda: self._add(self.payments.bill_line(lookup, amount_text), lookup), "amount")

    def add_fixed(self, code: str) -> bool:
        return self._try(lambda: self._add(self.payments.fixed_line(code), None), "service")

    def add_open(self, code: str, amount_text: str, gl_account: str, gst_code: str, description: str) -> bool:
        return self._try(
            lambda: self._add(self.payments.open_line(code, amount_text, gl_account, gst_code, description), None),
            "amount",
        )

    def _add(self, line: SaleLine, lookup: BillLookup | None) -> None:
        self.payments.add_line(self.sale, line)
        if self.started_at is None:
            self.started_at = self.counter.clock.now()
        self._lookups.append(lookup)
        self.changed.emit()
        message = ""
        if lookup is not None:
            due = lookup.amount_due_cents
            paid = "in full" if line.total_cents == due else f"partial, {_money(due)} due"
            message = f"{lookup.account.holder} · {lookup.account.display_number} · {_money(line.total_cents)} {paid}"
        else:
            message = f"Added {line.description} · {_money(line.total_cents)}"
        self.line_added.emit(len(self.sale.lines) - 1, message)

    def lookup_of(self, index: int) -> BillLookup | None:
        if 0 <= index < len(self._lookups):
            return self._lookups[index]
        return None

    def change_amount(self, index: int, amount_text: str) -> bool:
        lookup = self.lookup_of(index)
        if lookup is None:
            self.failed.emit("Only a bill payment's amount can be changed: remove the line and add it again.",
                             "amount")
            return False

        def change() -> None:
            self.sale.replace_line_amount(index, self.payments.bill_line(lookup, amount_text))
            self.changed.emit()

        return self._try(change, "amount")

    def remove_line(self, index: int) -> bool:
        if not 0 <= index < len(self.sale.lines):
            return False

        def remove() -> None:
            self.sale.remove_line(index)
            del self._lookups[index]
            self.changed.emit()

        return self._try(remove, "service")

    def _try(self, action: Callable[[], None], field: str) -> bool:
        if self._refuse_while_recording(field):
            return False
        try:
            action()
        except UserError as exc:
            self.failed.emit(exc.message, exc.field or field)
            return False
        return True

    # -- tenders ---------------------------------------------------------------------------------------------
    def tender_refusals(self) -> dict[TenderKind, str]:
        """Why a tender kind cannot pay this sale, in a few words ("Parking ticket: cash only")."""
        refusals: dict[TenderKind, str] = {}
        allowed = self.sale.allowed_tenders
        for kind in TenderKind:
            if kind in allowed:
                continue
            names = []
            for line in self.sale.lines:
                service = self.service(line.service_code)
                if kind not in service.allowed_tenders and short_name(service) not in names:
                    names.append(short_name(service))
            refusals[kind] = "Not accepted for " + ", ".join(names) if names else "Not accepted"
        return refusals

    def amount_due_for(self, kind: TenderKind) -> int:
        settlement = self.settlement()
        return settlement.balance_due_cash if kind is TenderKind.CASH else settlement.balance_due

    def add_tender(self, kind: TenderKind, amount_text: str, *, last4: str = "", auth_code: str = "",
                   card_brand: str = "", number: str = "") -> bool:
        if self.busy:
            return False

        def add() -> None:
            amount = parse_amount(amount_text, "tender_amount")
            tender = make_tender(kind, amount, last4=last4, auth_code=auth_code, card_brand=card_brand,
                                 number=number)
            self.sale.add_tender(tender)
            self.changed.emit()

        if not self._try(add, "tender_amount"):
            return False
        if self.settlement().is_paid:
            self.complete()
        return True

    def remove_tender(self, index: int) -> bool:
        if self.busy or not 0 <= index < len(self.sale.tenders):
            return False
        self.sale.remove_tender(index)
        self.changed.emit()
        return True

    def complete(self) -> None:
        """Record the paid sale (one store transaction, in the worker lane), then start a fresh one."""
        if self.busy or self.cashier is None:
            return
        try:
            self.sale.finalize()
        except UserError as exc:
            self.failed.emit(exc.message, exc.field or "tender_amount")
            return
        self.completing = True
        self._start()
        self._runner.run(self._record, self.sale, self.cashier, self.visit_id(), self.started_at,
                         done=self._completed, error=self._complete_failed)

    def _record(self, sale: Sale, cashier: StaffMember, visit_id: str | None, started_at: Any) -> Any:
        """Worker lane: the payment is a payment interaction of the resident's visit."""
        return self.payments.complete(sale, cashier, visit_id=visit_id, started_at=started_at)

    def complete_with_override(self, supervisor_no: str, pin: str) -> None:
        """Record a sale above an amount cap: another supervisor approves with their number and PIN."""
        if self.busy or self.cashier is None:
            return
        cashier, auth = self.cashier, self.counter.auth

        def work(sale: Sale, visit_id: str | None, started_at: Any) -> Any:
            approver = auth.approve(supervisor_no.strip(), pin, cashier, "approve_price_override",
                                    object_ref="price override")
            return self.payments.complete(sale, cashier, visit_id=visit_id, started_at=started_at, override=approver)

        self.completing = True
        self._start()
        self._runner.run(work, self.sale, self.visit_id(), self.started_at, done=self._completed,
                         error=self._complete_failed)

    def _completed(self, result: Any) -> None:
        self.completing = False
        self.last = result
        self.sale = Sale()
        self._lookups = []
        self.changed.emit()
        self.completed.emit(result)
        self.refresh_outbox()
        self._finish()

    def _complete_failed(self, exc: BaseException) -> None:
        self.completing = False
        self.failed.emit(*describe(exc, "tender_amount"))
        self._finish()

    def refresh_outbox(self) -> None:
        self._runner.run(self.payments.pending_outbox, done=lambda n: self.outbox_changed.emit(int(n)))


def _money(cents: int) -> str:
    from counter_app.payments.money import format_money

    return format_money(cents)


# --- today's transactions, voids and refunds --------------------------------------------------------------------


class TransactionsViewModel(QObject):
    rows_loaded = Signal(list)
    failed = Signal(str, str)
    voided = Signal(str)
    refund_ready = Signal(object)  # RefundOptions
    refunded = Signal(object)  # CompletedPayment
    busy_changed = Signal(bool)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self.cashier: StaffMember | None = None
        self.working = False

    def refresh(self) -> None:
        self._runner.run(self.counter.payments.transactions_on, done=self._loaded,
                         error=lambda e: self.failed.emit(*describe(e, "list")))

    def _loaded(self, rows: Any) -> None:
        self.rows_loaded.emit(list(rows))

    def _own_approval(self, staff_no: str) -> bool:
        if self.cashier is not None and staff_no.strip() == self.cashier.staff_no:
            self.failed.emit("You cannot approve your own void or refund: a supervisor types their own number "
                             "and PIN.", "supervisor")
            return True
        return False

    def _begin(self) -> bool:
        if self.working or self.cashier is None:
            return False
        self.working = True
        self.busy_changed.emit(True)
        return True

    def _end(self) -> None:
        self.working = False
        self.busy_changed.emit(False)

    def void(self, receipt_number: str, reason: str, supervisor_no: str, supervisor_pin: str) -> None:
        if self._own_approval(supervisor_no) or not self._begin():
            return
        cashier = self.cashier
        assert cashier is not None
        counter = self.counter

        def work() -> str:
            why = check_reason(reason)
            supervisor = counter.auth.approve(supervisor_no, supervisor_pin, cashier,
                                              permission=Permission.APPROVE_VOID.value,
                                              object_ref=f"receipt:{receipt_number}")
            counter.payments.void(receipt_number, cashier, supervisor, why)
            return receipt_number

        def done(number: Any) -> None:
            self._end()
            self.voided.emit(str(number))

        def error(exc: BaseException) -> None:
            self._end()
            self.failed.emit(*describe(exc, "supervisor"))

        self._runner.run(work, done=done, error=error)

    def load_refund(self, receipt_number: str) -> None:
        self._runner.run(self.counter.payments.refund_options, receipt_number, done=self.refund_ready.emit,
                         error=lambda e: self.failed.emit(*describe(e, "receipt")))

    def refund(self, receipt_number: str, line_indexes: list[int], kind: TenderKind, auth_code: str,
               reason: str, supervisor_no: str, supervisor_pin: str) -> None:
        if self._own_approval(supervisor_no) or not self._begin():
            return
        cashier = self.cashier
        assert cashier is not None
        counter = self.counter

        def work() -> CompletedPayment:
            why = check_reason(reason)
            if not line_indexes:
                raise UserError("Choose at least one line to refund (Space ticks a line).", "lines")
            supervisor = counter.auth.approve(supervisor_no, supervisor_pin, cashier,
                                              permission=Permission.APPROVE_REFUND.value,
                                              object_ref=f"receipt:{receipt_number}")
            return counter.payments.refund(receipt_number, line_indexes, kind, cashier, supervisor, why, auth_code)

        def done(result: Any) -> None:
            self._end()
            self.refunded.emit(result)

        def error(exc: BaseException) -> None:
            self._end()
            self.failed.emit(*describe(exc, "supervisor"))

        self._runner.run(work, done=done, error=error)


# --- the cashier's drawer --------------------------------------------------------------------------------------


class DrawerViewModel(QObject):
    """Whether the signed-in cashier has a drawer open here, and opening one with a counted float."""

    missing = Signal()  # no drawer open for this cashier: count the float before the first payment
    opened = Signal(object)  # DrawerSession
    failed = Signal(str, str)
    busy_changed = Signal(bool)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self.cashier: StaffMember | None = None

    def check(self) -> None:
        cashier = self.cashier
        if cashier is None:
            return

        def checked(session: Any) -> None:
            if session is None and self.cashier is cashier:
                self.missing.emit()

        self._runner.run(self.counter.drawers.current, cashier, done=checked,
                         error=lambda e: self.failed.emit(*describe(e, "drawer")))

    def open(self, counts: dict[str, str]) -> None:
        if self.cashier is None:
            return
        self.busy_changed.emit(True)

        def done(session: Any) -> None:
            self.busy_changed.emit(False)
            self.opened.emit(session)

        def error(exc: BaseException) -> None:
            self.busy_changed.emit(False)
            self.failed.emit(*describe(exc, "drawer"))

        self._runner.run(self.counter.drawers.open, self.cashier, counts, done=done, error=error)


# --- receipts ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptPages:
    receipt_number: str
    layout: str
    images: list[QImage]
    page_size_pt: tuple[float, float]


class ReceiptViewModel(QObject):
    """Previews, prints and saves receipts; every print or save is logged by ``ReceiptService.issue``."""

    preview_ready = Signal(object)  # ReceiptPages
    printed = Signal(str)
    saved = Signal(str)
    failed = Signal(str, str)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self.cashier: StaffMember | None = None
        self._request = 0

    def preview(self, receipt_number: str, layout: str, width_px: int, max_scale: float) -> None:
        self._request += 1
        request = self._request
        receipts = self.counter.receipts

        def work() -> ReceiptPages:
            from counter_app.ui.pdf_view import page_size_pt, render_pages

            pdf = receipts.preview(receipt_number, layout)
            return ReceiptPages(receipt_number, layout, render_pages(pdf, width_px=width_px, max_scale=max_scale),
                                page_size_pt(pdf))

        def done(pages: Any) -> None:
            if request == self._request:  # a newer preview (layout switched) wins
                self.preview_ready.emit(pages)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "preview")))

    def issue_for_print(self, receipt_number: str, layout: str, dpi: float,
                        paint: Callable[[list[QImage]], None]) -> None:
        receipts, staff = self.counter.receipts, self.cashier

        def work() -> list[QImage]:
            from counter_app.ui.pdf_view import render_pages

            return render_pages(receipts.issue(receipt_number, staff, layout), scale=dpi / 72)

        def done(images: Any) -> None:
            paint(images)
            self.printed.emit(receipt_number)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "print")))

    def issue_to_file(self, receipt_number: str, layout: str, path: str) -> None:
        receipts, staff = self.counter.receipts, self.cashier

        def work() -> str:
            Path(path).write_bytes(receipts.issue(receipt_number, staff, layout))
            return path

        self._runner.run(work, done=lambda p: self.saved.emit(str(p)),
                         error=lambda e: self.failed.emit(*_save_error(e)))


def _save_error(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, OSError):
        return f"Could not save the receipt: {exc.strerror or exc}. Choose another folder.", "save"
    return describe(exc, "save")


def is_bill(service: Service) -> bool:
    return service.kind is LineKind.BILL
