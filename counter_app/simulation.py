"""A realistic day at the counter, recorded through the real payment services.

Why: demos need a full journal, load tests need volume, and the journal/reconciliation tests need receipts that
went through exactly the code a cashier's keystrokes go through (``PaymentService.complete``, ``void``,
``refund``), not rows forged into the database. Everything random comes from one ``random.Random(seed)``, and
the clock is a :class:`FixedClock` moved by the simulation, so the same seed on the same empty store records
the same journal.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from counter_app.clock import FixedClock
from counter_app.errors import UserError
from counter_app.journal import TENDER_COLUMNS, journal_rows, journal_totals
from counter_app.payments.accounts import BillAccount
from counter_app.payments.catalog import BillType, TenderKind
from counter_app.payments.check_digits import damm_check_digit
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import format_money, format_plain
from counter_app.payments.sale import Sale, SaleLine, Tender, make_tender
from counter_app.resources import resource_path
from counter_app.services.container import Counter
from counter_app.services.payments import BillLookup
from counter_app.services.records import StaffMember

#: City Hall hours: the simulated day never runs past closing.
OPENING = time(8, 30)
CLOSING = time(16, 30)
#: Each cashier's opening float, by denomination ($200: what the city's cash office hands out).
FLOAT = {"n20": "3", "n10": "3", "n5": "4", "r200": "1", "r100": "1", "r25": "1", "r10": "1"}
#: Share of voids and of refunds in a simulated day (each at least one on a day of 10 receipts or more).
REVERSAL_RATE = 0.02

# What walks up to the counter, by weight (first line of a transaction).
_LINE_MIX: tuple[tuple[str, int], ...] = (
    ("utility", 30), ("transit", 24), ("tax", 8), ("dog", 8), ("parking", 7), ("cat", 4), ("composter", 4),
    ("misc", 4), ("invoice", 3), ("cart", 3), ("taxcert", 2), ("nsf", 1),
)
_TRANSIT = (("TR-ADULT", 30), ("TR-YOUTH", 15), ("TR-SENIOR", 15), ("TR-10", 15), ("TR-DAY", 10),
            ("TR-CARD", 7), ("TR-SEM", 5), ("TR-SENIOR-Y", 3))
_DOGS = (("DOG-AC", 45), ("DOG-A", 25), ("DOG-U", 15), ("DOG-UC", 10), ("DOG-AGG", 5))
_FIXED = {"cat": "CAT", "composter": "COMPOST", "cart": "CART", "taxcert": "TAXCERT", "nsf": "NSF"}
_LINE_COUNTS = ((1, 65), (2, 25), (3, 10))
_MISC = (("Photocopies of records", "100-1100-4410", "EX"), ("Replacement recycling lid", "540-5200-4410", "G5"),
         ("Memorial bench plaque", "100-7100-4410", "G5"), ("Assessment map printout", "100-3100-4410", "EX"))
# Notes a resident hands over, by how often they come out of a wallet.
_NOTES = ((500, 1), (1000, 2), (2000, 5), (5000, 2), (10000, 2))
_CARD_BRANDS = ("Visa", "Mastercard", "Amex")
_AUTH_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_HOLDERS = ("G. Roy", "N. Patel", "F. Crow Shoe", "V. Dueck", "Y. Chen", "I. Gagnon", "O. Bull Shields",
            "W. Janzen", "Z. Haddad", "U. Morin")
_VOID_REASONS = ("Wrong account keyed", "Wrong tender entered", "Resident changed their mind")
_REFUND_REASONS = ("Paid twice", "Licence issued in error", "Pass not needed after all")
# New bills (when the demo bills are paid off): number prefix and length without the check digit.
_NEW_BILL_PREFIX = {BillType.UTILITY: ("19", 6), BillType.PARKING: ("79", 8), BillType.INVOICE: ("2009", 9),
                    BillType.TAX_ROLL: ("43129", 12)}
_INVOICE_SERVICES = ("BUSLIC", "BLDG", "DEVP", "CEM")
_BILL_SERVICE = {BillType.UTILITY: "UTIL", BillType.TAX_ROLL: "PTAX", BillType.PARKING: "PARK",
                 BillType.INVOICE: "BUSLIC"}
_NEW_BILL_RANGE = {BillType.UTILITY: (4500, 42000), BillType.TAX_ROLL: (150000, 520000),
                   BillType.INVOICE: (15000, 250000)}


T = TypeVar("T")


class SimulationError(RuntimeError):
    """The simulation cannot run on this store; the message says what to do."""


class BillIssuer(Protocol):
    """Puts a new bill on file, as the city's billing feed would (the counter itself never creates bills)."""

    def issue(self, account: BillAccount) -> None: ...


class SqlBillIssuer:
    """Writes simulated bills into the local store.

    A stand-in until the store offers an ``AccountRepository.upsert`` (asked for): the real feed of account
    balances comes from the central 311 database, so no service creates bills today.
    """

    def __init__(self, db_path: Path) -> None:
        from counter_app.store.db import make_engine, session_factories

        self._engine = make_engine(db_path)
        self._writer, _reader = session_factories(self._engine)

    def issue(self, account: BillAccount) -> None:
        from counter_app.store.schema import BillAccountRow

        with self._writer() as session:
            session.merge(BillAccountRow(
                number=account.number, bill_type=account.bill_type.value, service_code=account.service_code,
                holder=account.holder, balance_cents=account.balance_cents, due_date=account.due_date,
                issued_date=account.issued_date, early_cents=account.early_cents,
            ))
            session.commit()

    def close(self) -> None:
        self._engine.dispose()


def store_has_staff(db_path: Path) -> bool:
    """Read-only peek (no migration, no write) so a bad ``simulate`` call changes nothing."""
    if not db_path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT 1 FROM staff LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


def demo_staff() -> list[dict[str, str]]:
    """The demo logins (staff number, PIN, name, role) shipped with the app."""
    data: list[dict[str, str]] = json.loads(resource_path("demo", "staff.json").read_text(encoding="utf-8"))
    return data


def opening_time(day: date) -> datetime:
    return datetime.combine(day, OPENING)


@dataclass
class SimulationResult:
    day: date
    workstation: str
    receipts: list[str]
    sales: int
    refunds: int
    voids: int
    collected_cents: int  # net of change and voids: what the drawers and card batches should hold
    by_tender: dict[str, int]  # cash net of change

    def summary_line(self) -> str:
        span = f"{self.receipts[0]}..{self.receipts[-1]}" if self.receipts else "none"
        tenders = ", ".join(f"{TenderKind(k).label.lower()} {format_money(v)}" for k, v in self.by_tender.items())
        return (f"Simulated {len(self.receipts)} receipts on {self.day.isoformat()} at {self.workstation} ({span}): "
                f"{_count(self.sales, 'sale')}, {_count(self.refunds, 'refund')}, {self.voids} voided; "
                f"net {format_money(self.collected_cents)} ({tenders}; cash after change)")


@dataclass
class _Receipt:
    number: str
    cashier: StaffMember
    lines: int
    refunded: set[int] = field(default_factory=set)
    void: bool = False


class BillBook:
    """Finds a bill with something owing: the demo bills first, then new bills once those are paid off."""

    def __init__(self, counter: Counter, issuer: BillIssuer, rng: random.Random, day: date) -> None:
        self._payments = counter.payments
        self._issuer = issuer
        self._rng = rng
        self._day = day
        self._known: dict[BillType, list[str]] = {kind: [] for kind in BillType}
        for item in json.loads(resource_path("demo", "accounts.json").read_text(encoding="utf-8")):
            self._known[BillType(item["bill_type"])].append(item["number"])
        self._issued: dict[BillType, int] = dict.fromkeys(BillType, 0)
        self.new_bills = 0

    def pick(self, kind: BillType, exclude: set[str]) -> BillLookup:
        candidates = [n for n in self._known[kind] if n not in exclude]
        self._rng.shuffle(candidates)
        for number in candidates:
            try:
                found = self._payments.lookup_bill(number)
            except PaymentError:
                found = None  # not on file in this store (e.g. a store without the demo bills)
            if found is not None and found.amount_due_cents > 0:
                return found
            self._known[kind].remove(number)  # paid off: do not look it up again
        return self._new_bill(kind)

    def _new_bill(self, kind: BillType) -> BillLookup:
        prefix, width = _NEW_BILL_PREFIX[kind]
        while True:
            self._issued[kind] += 1
            body = f"{prefix}{self._issued[kind]:0{width - len(prefix)}d}"
            number = body + damm_check_digit(body)
            try:
                found = self._payments.lookup_bill(number)
            except PaymentError:
                break  # not on file yet: issue it
            if found.amount_due_cents > 0:
                self._known[kind].append(number)
                return found
        rng, day = self._rng, self._day
        service, due, issued, early = _BILL_SERVICE[kind], None, None, None
        if kind is BillType.PARKING:
            issued = day - timedelta(days=rng.randint(0, 40))
            balance, early = rng.choice(((4000, 2000), (5000, 3500)))
        else:
            if kind is BillType.INVOICE:
                service = rng.choice(_INVOICE_SERVICES)
            if kind is BillType.TAX_ROLL:  # due June 30 (the next one): no penalty yet on a fresh bill
                due = date(day.year if day <= date(day.year, 6, 30) else day.year + 1, 6, 30)
            low, high = _NEW_BILL_RANGE[kind]
            balance = rng.randint(low, high)
        self._issuer.issue(BillAccount(number, kind, service, rng.choice(_HOLDERS), balance, due, issued, early))
        self._known[kind].append(number)
        self.new_bills += 1
        return self._payments.lookup_bill(number)


class DaySimulator:
    """Plays one counter day: sales, a few voids and refunds, cashiers taking turns, supervisors approving."""

    def __init__(self, counter: Counter, clock: FixedClock, issuer: BillIssuer, seed: int) -> None:
        self.counter = counter
        self.payments = counter.payments
        self.clock = clock
        self.rng = random.Random(seed)
        self.day = clock.today()
        self.bills = BillBook(counter, issuer, self.rng, self.day)
        self.cashiers, self.supervisors = self._sign_in()
        self.receipts: list[_Receipt] = []

    def _sign_in(self) -> tuple[list[StaffMember], list[StaffMember]]:
        cashiers: list[StaffMember] = []
        supervisors: list[StaffMember] = []
        for person in demo_staff():
            try:
                member = self.counter.auth.login(person["staff_no"], person["pin"])
            except UserError as exc:
                raise SimulationError(
                    f"demo staff {person['staff_no']} cannot sign in here ({exc}): simulate needs a demo store "
                    "(run with --demo)") from exc
            (supervisors if member.is_supervisor else cashiers).append(member)
        if not cashiers or len(supervisors) < 1:
            raise SimulationError("simulate needs the demo cashiers and supervisors (run with --demo)")
        return cashiers, supervisors

    # -- the day ---------------------------------------------------------------------------------------------
    def run(self, transactions: int) -> SimulationResult:
        rng = self.rng
        reversals = round(transactions * REVERSAL_RATE) or (1 if transactions >= 10 else 0)
        events = ["sale"] * (transactions + reversals)
        spots = rng.sample(range(2, len(events)), min(2 * reversals, max(len(events) - 2, 0)))
        for index, spot in enumerate(spots):
            events[spot] = "void" if index % 2 == 0 else "refund"
        start = self._start_time()
        span = int((datetime.combine(self.day, CLOSING, self.clock.tz) - start).total_seconds())
        if span < 60:
            raise SimulationError(f"the counter closed at {CLOSING:%H:%M} on {self.day}: choose another --date")
        self.clock.advance(seconds=(start - self.clock.now()).total_seconds())
        self._open_drawers()
        offsets = sorted(rng.randrange(span) for _ in events)
        numbers: list[str] = []
        voids = refunds = 0
        for event, offset in zip(events, offsets, strict=True):
            at = start + timedelta(seconds=offset)
            self.clock.advance(seconds=(at - self.clock.now()).total_seconds())
            cashier = self.cashiers[len(numbers) % len(self.cashiers)]
            supervisor = self.supervisors[(voids + refunds) % len(self.supervisors)]
            if event == "void":
                voids += self._void(supervisor)
                continue
            number = self._refund(cashier, supervisor) if event == "refund" else None
            if number:
                refunds += 1
            else:
                number = self._sale(cashier)
            numbers.append(number)
        return self._result(numbers, voids, refunds)

    def _open_drawers(self) -> None:
        """Each cashier counts a float into their own drawer before serving (a supervisor verifies it)."""
        for index, cashier in enumerate(self.cashiers):
            if self.counter.drawers.current(cashier) is None:
                self.counter.drawers.open(cashier, FLOAT, self.supervisors[index % len(self.supervisors)])

    def _start_time(self) -> datetime:
        """08:30, or just after this workstation's last receipt of the day when the store already has some."""
        opening = datetime.combine(self.day, OPENING, self.clock.tz)
        earlier = self.payments.transactions_on(self.day)
        if not earlier:
            return opening
        last = max(s.created_at for s in earlier).astimezone(self.clock.tz)
        return max(opening, last.replace(microsecond=0) + timedelta(minutes=1))

    def _result(self, numbers: list[str], voids: int, refunds: int) -> SimulationResult:
        mine = set(numbers)
        rows = journal_rows([s for s in self.payments.transactions_on(self.day) if s.receipt_number in mine],
                            self.clock.tz)
        totals = journal_totals(rows)
        by_tender = {k: v for k, v in totals.tenders.items() if v}
        if TenderKind.CASH.value in by_tender:
            by_tender[TenderKind.CASH.value] -= totals.change_cents
        ordered = {k: by_tender[k] for k in TENDER_COLUMNS if k in by_tender}
        return SimulationResult(self.day, self.payments.workstation, numbers, len(numbers) - refunds, refunds, voids,
                                totals.total_cents + totals.rounding_cents, ordered)

    # -- a sale ----------------------------------------------------------------------------------------------
    def _sale(self, cashier: StaffMember) -> str:
        for _attempt in range(5):
            try:
                sale = self._build_sale()
                self._pay(sale)
                done = self.payments.complete(sale, cashier)
            except UserError:
                continue  # a rule refused this mix (e.g. a card above what is owing): serve the next resident
            self.receipts.append(_Receipt(done.receipt_number, cashier, len(sale.lines)))
            return done.receipt_number
        raise SimulationError("the simulation could not build a valid sale five times in a row")

    def _build_sale(self) -> Sale:
        sale = Sale()
        count = _weighted(self.rng, _LINE_COUNTS)
        for _ in range(count * 2):  # some picks do not fit (same bill twice, tenders that do not overlap)
            if len(sale.lines) == count:
                break
            try:
                self.payments.add_line(sale, self._line(sale))
            except PaymentError:
                continue
        if not sale.lines:
            self.payments.add_line(sale, self.payments.fixed_line("TR-ADULT"))
        return sale

    def _line(self, sale: Sale) -> SaleLine:
        rng, payments = self.rng, self.payments
        what = _weighted(rng, _LINE_MIX)
        on_sale = {line.account_number for line in sale.lines if line.account_number}
        if what == "transit":
            return payments.fixed_line(_weighted(rng, _TRANSIT))
        if what == "dog":
            return payments.fixed_line(_weighted(rng, _DOGS))
        if what in _FIXED:
            return payments.fixed_line(_FIXED[what])
        if what == "misc":
            text, gl, gst = rng.choice(_MISC)
            return payments.open_line("MISC", format_plain(rng.randint(2, 120) * 25), gl, gst, text)
        kind = {"utility": BillType.UTILITY, "tax": BillType.TAX_ROLL, "parking": BillType.PARKING,
                "invoice": BillType.INVOICE}[what]
        found = self.bills.pick(kind, on_sale)
        due = found.amount_due_cents
        partial: int | None = None
        if kind is BillType.UTILITY and rng.random() < 0.2:
            partial = rng.choice((2000, 5000, 10000))
        elif kind is BillType.TAX_ROLL and rng.random() < 0.65:
            partial = rng.choice((25000, 50000, 100000, 150000))
        amount = partial if partial is not None and partial < due else due
        return payments.bill_line(found, format_plain(amount))

    def _pay(self, sale: Sale) -> None:
        rng, allowed, total = self.rng, sale.allowed_tenders, sale.total
        weights = {"cash": 38, "debit": 30, "credit": 12, "cheque": 7, "money_order": 3, "split": 10}
        if total > 50_000:  # big bills come by cheque or debit
            weights.update(cash=6, cheque=30, debit=36, split=4)
        elif total < 2_000:  # nobody writes a cheque for a day pass
            weights.update(cheque=1, money_order=0)
        cards = [k for k in (TenderKind.DEBIT, TenderKind.CREDIT) if k in allowed]
        options = [(how, w) for how, w in weights.items()
                   if (how == "split" and cards and total >= 1000) or (how != "split" and TenderKind(how) in allowed)]
        how = _weighted(rng, tuple(options))
        if how == "split":
            card = rng.choice(cards)
            part = min(rng.choice((1000, 2000, 5000, 10000, 20000)), total - 100)
            if part < 500:
                part = total // 2
            sale.add_tender(self._tender(card, part))
            how = "cash"
        if how == "cash":
            sale.add_tender(make_tender(TenderKind.CASH, self._cash_offered(sale.settlement().balance_due_cash)))
        else:
            sale.add_tender(self._tender(TenderKind(how), sale.settlement().balance_due))

    def _cash_offered(self, due: int) -> int:
        """Exact change a quarter of the time, otherwise enough of one kind of note (so change happens)."""
        if self.rng.random() < 0.25:
            return due
        note = _weighted(self.rng, _NOTES)
        return -(-due // note) * note

    def _tender(self, kind: TenderKind, amount: int) -> Tender:
        rng = self.rng
        if kind.is_card:
            brand = "Interac" if kind is TenderKind.DEBIT else rng.choice(_CARD_BRANDS)
            return make_tender(kind, amount, last4=f"{rng.randrange(10_000):04d}", card_brand=brand,
                               auth_code="".join(rng.choice(_AUTH_CHARS) for _ in range(6)),
                               terminal_ref=f"T{rng.randrange(100_000, 1_000_000)}")
        if kind is TenderKind.CHEQUE:
            return make_tender(kind, amount, number=str(rng.randrange(100, 1_000_000)))
        if kind is TenderKind.MONEY_ORDER:
            return make_tender(kind, amount, number=f"MO{rng.randrange(10**7, 10**8)}")
        return make_tender(kind, amount)

    # -- voids and refunds -----------------------------------------------------------------------------------
    def _void(self, supervisor: StaffMember) -> int:
        """Void one of the last few sales (a cashier notices a mistake soon); 0 when none can be voided."""
        recent = [r for r in self.receipts[-10:] if not r.void and not r.refunded]
        if not recent:
            return 0
        target = self.rng.choice(recent)
        self.payments.void(target.number, target.cashier, supervisor, self.rng.choice(_VOID_REASONS))
        target.void = True
        return 1

    def _refund(self, cashier: StaffMember, supervisor: StaffMember) -> str | None:
        """Refund whole lines of an earlier sale, to a tender the rules allow; None when nothing fits."""
        rng = self.rng
        candidates = [r for r in self.receipts if not r.void and len(r.refunded) < r.lines]
        if not candidates:
            return None
        target = rng.choice(candidates)
        open_lines = [i for i in range(target.lines) if i not in target.refunded]
        chosen = open_lines if rng.random() < 0.4 else [rng.choice(open_lines)]
        kinds = list(self.payments.refund_options(target.number).tender_kinds)
        rng.shuffle(kinds)
        for kind in kinds:
            auth = "".join(rng.choice(_AUTH_CHARS) for _ in range(6)) if kind.is_card else ""
            try:
                done = self.payments.refund(target.number, chosen, kind, cashier, supervisor,
                                            rng.choice(_REFUND_REASONS), auth)
            except UserError:
                continue  # e.g. more than the card paid: try the next way back
            target.refunded.update(chosen)
            return done.receipt_number
        return None


def _weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in choices]
    return rng.choices(values, weights=[weight for _, weight in choices])[0]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
