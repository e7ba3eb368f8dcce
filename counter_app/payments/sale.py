"""A sale at the counter: lines owed, tenders offered, and how they settle to the cent.

Invariant for every accepted sale: ``sum(tenders) - change == total + rounding``, where ``rounding`` is the
adjustment applied to the cash part (``round_cash(cash_due) - cash_due``); change comes only from cash.
A cash tender of $0.00 is allowed only when the cents left after other tenders round away (1 or 2 cents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from counter_app.free_text import clean_text
from counter_app.payments.accounts import BillAccount
from counter_app.payments.card_data import validate_last_four
from counter_app.payments.catalog import GstCode, LineKind, Service, TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import MAX_AMOUNT_CENTS, format_money, included_tax, percent_of
from counter_app.payments.rounding import round_cash

MAX_LINES = 40
#: Change of a $100 note or more means the amount tendered was mistyped.
MAX_CHANGE_CENTS = 10_000
_AUTH = re.compile(r"[A-Z0-9]{2,12}")
_CHEQUE = re.compile(r"[0-9]{1,10}")
_REFERENCE = re.compile(r"[A-Z0-9-]{1,20}")
_GL = re.compile(r"[0-9]{3}-[0-9]{4}-[0-9]{4}")
#: What a typed open-line description may hold; the line's description (service name, ": ", this) fits the
#: 200 characters of c_transaction_lines.description.
DESCRIPTION_MAX = 60
#: c_tenders.card_brand
CARD_BRAND_MAX = 20


@dataclass(frozen=True, slots=True)
class SaleLine:
    service_code: str
    description: str
    kind: LineKind
    net_cents: int
    gst_code: str
    gst_rate_bp: int
    gst_cents: int
    gl_account: str
    account_number: str | None = None  # bare digits, for bill payments
    reference: str | None = None  # what the receipt prints: account as formatted on the bill
    amount_due_cents: int | None = None

    @property
    def total_cents(self) -> int:
        return self.net_cents + self.gst_cents


def fixed_line(service: Service, gst: GstCode) -> SaleLine:
    if service.kind is not LineKind.FIXED or service.amount_cents is None:
        raise PaymentError(f"{service.name} is not a fixed fee.", "service")
    return SaleLine(
        service_code=service.code,
        description=service.name,
        kind=LineKind.FIXED,
        net_cents=service.amount_cents,
        gst_code=gst.code,
        gst_rate_bp=gst.rate_bp,
        gst_cents=percent_of(service.amount_cents, gst.rate_bp),
        gl_account=service.gl_account,
    )


def bill_line(service: Service, gst: GstCode, account: BillAccount, amount_cents: int, today: date) -> SaleLine:
    """A payment against a bill: partial payment allowed, never more than the amount due.

    Bills are tax-inclusive (GST was charged on the invoice): the GST is shown, not added.
    """
    if service.kind is not LineKind.BILL:
        raise PaymentError(f"{service.name} is not a bill payment.", "service")
    _check_amount(amount_cents)
    due = account.amount_due(today)
    if due <= 0:
        raise PaymentError(f"{account.display_number} has nothing owing.", "account")
    if amount_cents > due:
        raise PaymentError(
            f"{format_money(amount_cents)} is more than the {format_money(due)} owing on "
            f"{account.display_number}.",
            "amount",
        )
    gst_cents = included_tax(amount_cents, gst.rate_bp)
    return SaleLine(
        service_code=service.code,
        description=service.name,
        kind=LineKind.BILL,
        net_cents=amount_cents - gst_cents,
        gst_code=gst.code,
        gst_rate_bp=gst.rate_bp,
        gst_cents=gst_cents,
        gl_account=service.gl_account,
        account_number=account.number,
        reference=account.display_number,
        amount_due_cents=due,
    )


def open_line(
    service: Service, gst: GstCode, amount_cents: int, gl_account: str, description: str = ""
) -> SaleLine:
    """A miscellaneous receivable: the cashier types the amount (before GST) and picks the GL account."""
    if service.kind is not LineKind.OPEN:
        raise PaymentError(f"{service.name} does not take an open amount.", "service")
    _check_amount(amount_cents)
    if not isinstance(gl_account, str) or not _GL.fullmatch(gl_account):
        raise PaymentError("Choose a GL account (fund-department-object, e.g. 100-1100-4410).", "gl")
    text = clean_text(description, "description", max_len=DESCRIPTION_MAX, error=PaymentError)
    return SaleLine(
        service_code=service.code,
        description=f"{service.name}: {text}" if text else service.name,
        kind=LineKind.OPEN,
        net_cents=amount_cents,
        gst_code=gst.code,
        gst_rate_bp=gst.rate_bp,
        gst_cents=percent_of(amount_cents, gst.rate_bp),
        gl_account=gl_account,
    )


def _check_amount(amount_cents: int) -> None:
    if amount_cents <= 0:
        raise PaymentError("The amount must be more than $0.00.", "amount")
    if amount_cents > MAX_AMOUNT_CENTS:
        raise PaymentError("The amount is above the counter's limit.", "amount")


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount_cents: int
    card_brand: str | None = None
    last4: str | None = None
    auth_code: str | None = None
    terminal_ref: str | None = None
    cheque_number: str | None = None  # cheque or money order number

    @property
    def detail(self) -> str:
        """What the receipt prints beside the tender: never more than the last four digits."""
        if self.kind.is_card:
            brand = self.card_brand or ("Interac" if self.kind is TenderKind.DEBIT else "Card")
            return f"{brand} ****{self.last4}  Auth {self.auth_code}"
        if self.kind is TenderKind.CHEQUE:
            return f"Cheque no. {self.cheque_number}"
        if self.kind is TenderKind.MONEY_ORDER:
            return f"Money order no. {self.cheque_number}"
        return ""


def make_tender(
    kind: TenderKind,
    amount_cents: int,
    *,
    last4: str = "",
    auth_code: str = "",
    card_brand: str = "",
    terminal_ref: str = "",
    number: str = "",
) -> Tender:
    """Validate what the cashier typed for one tender; card fields take the last four digits only."""
    try:
        kind = TenderKind(kind)
    except ValueError:
        raise PaymentError("Choose how the resident pays (cash, debit, credit, cheque, money order).",
                           "tender_kind") from None
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise PaymentError("The tender amount must be a whole number of cents.", "tender_amount")
    if amount_cents > MAX_AMOUNT_CENTS:
        raise PaymentError(f"The amount is above the counter's limit of {format_money(MAX_AMOUNT_CENTS)}.",
                           "tender_amount")
    if amount_cents < 0 or (amount_cents == 0 and kind is not TenderKind.CASH):
        raise PaymentError("The tender amount must be more than $0.00.", "tender_amount")
    if kind is TenderKind.CASH:
        if amount_cents % 5:
            raise PaymentError("Cash is counted in nickels: the amount must end in 0 or 5 cents.", "tender_amount")
        return Tender(kind, amount_cents)
    if kind.is_card:
        auth = clean_text(auth_code, "auth_code", max_len=40, error=PaymentError).upper()
        if not _AUTH.fullmatch(auth):
            raise PaymentError("Type the authorisation code from the terminal slip (2-12 letters or digits).",
                               "auth_code")
        ref = clean_text(terminal_ref, "terminal_ref", max_len=40, error=PaymentError).upper()
        if ref and not _REFERENCE.fullmatch(ref):
            raise PaymentError("The terminal reference is letters, digits or dashes (up to 20).", "terminal_ref")
        brand = clean_text(card_brand, "card_brand", max_len=CARD_BRAND_MAX, error=PaymentError) or None
        return Tender(kind, amount_cents, brand, validate_last_four(last4), auth, ref or None)
    value = clean_text(number, "number", max_len=40, error=PaymentError).upper()
    label = "cheque" if kind is TenderKind.CHEQUE else "money order"
    pattern = _CHEQUE if kind is TenderKind.CHEQUE else _REFERENCE
    if not pattern.fullmatch(value):
        raise PaymentError(f"Type the {label} number.", "number")
    return Tender(kind, amount_cents, cheque_number=value)


@dataclass(frozen=True, slots=True)
class Settlement:
    """Where a sale stands: what is owed, offered, rounded and handed back, all in cents."""

    total: int
    non_cash: int
    cash_tendered: int
    rounding: int
    change: int
    balance_due: int  # still owed if paid by card or cheque (to the cent)
    balance_due_cash: int  # still owed if paid in cash (rounded to the nickel)

    @property
    def is_paid(self) -> bool:
        return self.balance_due == 0 and self.total != 0

    @property
    def tendered(self) -> int:
        return self.non_cash + self.cash_tendered


def settle(total: int, tenders: tuple[Tender, ...] | list[Tender]) -> Settlement:
    """Apply the tenders to the total: non-cash to the cent, the cash part rounded to the nickel."""
    non_cash = sum(t.amount_cents for t in tenders if t.kind is not TenderKind.CASH)
    cash = sum(t.amount_cents for t in tenders if t.kind is TenderKind.CASH)
    paid_in_cash = any(t.kind is TenderKind.CASH for t in tenders)
    cash_due = total - non_cash
    if paid_in_cash and abs(cash) >= abs(round_cash(cash_due)) and (cash >= 0) == (cash_due >= 0):
        rounded = round_cash(cash_due)
        return Settlement(total, non_cash, cash, rounded - cash_due, cash - rounded, 0, 0)
    balance = cash_due - cash
    return Settlement(total, non_cash, cash, 0, 0, balance, round_cash(balance))


@dataclass
class Sale:
    """The transaction in progress at the counter; nothing is stored until it is completed."""

    lines: list[SaleLine] = field(default_factory=list)
    tenders: list[Tender] = field(default_factory=list)
    _allowed: list[frozenset[TenderKind]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(line.net_cents for line in self.lines)

    @property
    def gst(self) -> int:
        return sum(line.gst_cents for line in self.lines)

    @property
    def allowed_tenders(self) -> frozenset[TenderKind]:
        allowed = frozenset(TenderKind)
        for kinds in self._allowed:
            allowed &= kinds
        return allowed

    def add_line(self, line: SaleLine, allowed: frozenset[TenderKind]) -> None:
        if self.tenders:
            raise PaymentError("Tenders are already entered: remove them before adding a line.", "service")
        if len(self.lines) >= MAX_LINES:
            raise PaymentError(f"A transaction holds at most {MAX_LINES} lines.", "service")
        if not allowed & self.allowed_tenders:
            raise PaymentError(
                f"{line.description} cannot be paid with the same tenders as the other lines: take it "
                "as a separate transaction.",
                "service",
            )
        if line.account_number and any(x.account_number == line.account_number for x in self.lines):
            raise PaymentError(f"{line.reference} is already on this transaction.", "account")
        self.lines.append(line)
        self._allowed.append(allowed)

    def replace_line_amount(self, index: int, line: SaleLine) -> None:
        if self.tenders:
            raise PaymentError("Tenders are already entered: remove them before changing a line.", "amount")
        self.lines[index] = line

    def remove_line(self, index: int) -> SaleLine:
        if self.tenders:
            raise PaymentError("Tenders are already entered: remove them before removing a line.", "service")
        del self._allowed[index]
        return self.lines.pop(index)

    def settlement(self) -> Settlement:
        return settle(self.total, self.tenders)

    def add_tender(self, tender: Tender) -> Settlement:
        """Accept a tender only if the rules allow it; the sale is unchanged when it raises."""
        if not self.lines:
            raise PaymentError("Add something to pay for first.", "service")
        if tender.kind not in self.allowed_tenders:
            accepted = ", ".join(k.label.lower() for k in TenderKind if k in self.allowed_tenders)
            raise PaymentError(f"{tender.kind.label} is not accepted for this payment. Accepted: {accepted}.",
                               "tender_kind")
        before = self.settlement()
        if before.balance_due <= 0:
            raise PaymentError("Nothing is owing: complete the payment.", "tender_amount")
        if tender.kind is TenderKind.CASH and tender.amount_cents == 0 and before.balance_due_cash != 0:
            raise PaymentError("The tender amount must be more than $0.00.", "tender_amount")
        if tender.kind is not TenderKind.CASH and tender.amount_cents > before.balance_due:
            raise PaymentError(
                f"{tender.kind.label} cannot be more than the {format_money(before.balance_due)} owing; "
                "change is given from cash only.",
                "tender_amount",
            )
        after = settle(self.total, [*self.tenders, tender])
        if after.change >= MAX_CHANGE_CENTS:
            raise PaymentError(
                f"Change would be {format_money(after.change)}: check the cash tendered.", "tender_amount"
            )
        self.tenders.append(tender)
        return after

    def remove_tender(self, index: int) -> Tender:
        return self.tenders.pop(index)

    def finalize(self) -> Settlement:
        """The settlement to record, or a clear reason why the sale cannot complete yet."""
        if not self.lines:
            raise PaymentError("Add something to pay for first.", "service")
        result = self.settlement()
        if result.balance_due > 0:
            raise PaymentError(
                f"{format_money(result.balance_due)} is still owing "
                f"({format_money(result.balance_due_cash)} in cash).",
                "tender_amount",
            )
        return result


def negate_line(line: SaleLine) -> SaleLine:
    """The refund image of an original line: same service, account and GL, amounts reversed."""
    return replace(line, net_cents=-line.net_cents, gst_cents=-line.gst_cents, amount_due_cents=None)
