"""A realistic day at the counter, recorded through the real payment services.

Why: demos need a full journal, load tests need volume, and the journal/reconciliation tests need receipts that
went through exactly the code a cashier's keystrokes go through (``PaymentService.complete``, ``void``,
``refund``), not rows forged into the database. Everything random comes from one ``random.Random(seed)``, and
the clock is a :class:`FixedClock` moved by the simulation, so the same seed on the same empty store records
the same journal.

Besides payments, a day at the counter has residents who only ask something (information) or need a specialist
(referral), in the city's 311 proportion of about four answers for each service request, and drawers that open
on a float, drop cash to the safe, pay out a little and, with ``close``, balance at the end of the day. Those
come from a second random stream seeded from the same seed, so the payments of a seed stay what they were.
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
from counter_app.drawer.denominations import DENOMINATIONS
from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.journal import TENDER_COLUMNS, journal_rows, journal_totals
from counter_app.payments.accounts import BillAccount
from counter_app.payments.catalog import BillType, TenderKind
from counter_app.payments.check_digits import damm_check_digit
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import format_money, format_plain
from counter_app.payments.sale import Sale, SaleLine, Tender, make_tender
from counter_app.referrals.contact import make_contact
from counter_app.referrals.referral import CALLBACK_WINDOWS, Mode, ReferralRequest, Urgency
from counter_app.resources import resource_path
from counter_app.services.container import Counter
from counter_app.services.payments import BillLookup, CompletedPayment
from counter_app.services.records import StaffMember
from counter_app.services.records_people import VisitRef

#: City Hall hours: the simulated day never runs past closing.
OPENING = time(8, 30)
CLOSING = time(16, 30)
#: Each cashier's opening float, by denomination ($200: what the city's cash office hands out).
FLOAT = {"n20": "3", "n10": "3", "n5": "4", "r200": "1", "r100": "1", "r25": "1", "r10": "1"}
#: Share of voids and of refunds in a simulated day (each at least one on a day of 10 receipts or more).
REVERSAL_RATE = 0.02
#: Questions answered per payment taken; referrals come about one for every four answers (the city's 311 ratio).
QUESTION_RATE = 0.4
ANSWERS_PER_REFERRAL = 4.0
#: A pickup to the safe when a drawer holds more than this, leaving about ``PICKUP_KEEP``: at most two a drawer,
#: two hours apart at least (the cash office walks the counter mid-morning and mid-afternoon).
PICKUP_AT = 60_000
PICKUP_KEEP = 20_000
MAX_PICKUPS = 2
PICKUP_GAP = timedelta(hours=2)
PAID_OUT = ("12.50", "Postage for mailed receipts")
NO_SALE_REASON = "Change for a $20 note (coins for the bus fare box)"
SHORT_NOTE = "Recounted twice with the supervisor; the difference is reported to the cash office"

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

# What residents ask about, weighted like the city's 311 data (utilities, waste and recycling and transit lead),
# and the words they use: each phrase finds its article through the same search the cashier types into.
_QUESTION_TOPICS = (("utilities", 26), ("waste_recycling", 21), ("transit", 15), ("tax", 8), ("animals", 6),
                    ("parking", 6), ("permits_licences", 6), ("payments", 5), ("city_hall", 4), ("other", 2),
                    ("cemetery", 1))
_PHRASES: dict[str, tuple[str, ...]] = {
    "utilities": ("move out final bill", "start utility service new house", "bill higher than usual",
                  "estimated meter reading", "payment arrangement utility", "power outage"),
    "waste_recycling": ("holiday collection", "what goes in blue cart", "green cart organics", "cart not emptied",
                        "bigger garbage cart", "mattress pickup", "landfill hours", "paint disposal"),
    "transit": ("monthly bus pass", "senior yearly pass", "semester pass", "lost fare card", "access a ride",
                "bus schedule lost and found"),
    "tax": ("tax due date penalty", "monthly tax plan", "tax certificate", "assessment appeal"),
    "animals": ("dog licence", "lost cat", "found dog"),
    "parking": ("pay parking ticket", "appeal parking ticket"),
    "permits_licences": ("business licence renewal", "building permit deck", "book inspection",
                         "development permit fence"),
    "payments": ("online banking payee", "pre authorized payment", "nsf cheque"),
    "city_hall": ("city hall hours",),
    "other": ("pothole", "streetlight out", "noise complaint", "snow sidewalk", "swimming pool"),
    "cemetery": ("cemetery plot",),
}
# Why residents are referred: topic weight, the phrase searched, what the cashier writes, and whether it is urgent.
_REFERRALS: tuple[tuple[int, str, str, bool], ...] = (
    (7, "bill higher than usual", "High water use on the last bill; resident suspects a leak or a misread meter.",
     False),
    (5, "estimated meter reading", "Three estimated reads in a row; asks for an actual read and a corrected bill.",
     False),
    (5, "payment arrangement utility", "Cannot pay the full utility balance this month; asks for an arrangement.",
     False),
    (2, "power outage", "Power out on the block since this morning; a pole in the lane is leaning.", True),
    (6, "cart not emptied", "Blue cart missed on collection day two weeks running.", False),
    (4, "stolen cart", "Black cart stolen from the alley; needs a replacement cart.", False),
    (3, "bigger garbage cart", "Family of six: asks to exchange for a larger black cart.", False),
    (4, "mattress pickup", "Needs a large item pick-up for a sofa and a mattress.", False),
    (4, "lost fare card", "Lost a loaded fare card; asks to move the balance to a new card.", False),
    (3, "access a ride", "Asks how to register for Access-A-Ride after hip surgery.", False),
    (3, "assessment appeal", "Disagrees with the new assessment; wants to talk before filing a complaint.", False),
    (2, "monthly tax plan", "Wants to join the monthly tax plan (TIPP) from next month.", False),
    (1, "tax due date penalty", "Asks to review a late penalty: the payment was mailed before the due date.", False),
    (2, "lost cat", "Lost a grey cat near the river bottom; wants a call if it is brought in.", False),
    (3, "appeal parking ticket", "Disputes a ticket: the meter was paid by app at the time.", False),
    (2, "building permit deck", "Planning a deck over 0.6 m high; needs a safety codes officer's advice.", False),
    (2, "business licence renewal", "Home-based bakery: asks about licence conditions before renewing.", False),
    (1, "cemetery plot", "Family wishes to buy two adjacent plots.", False),
    (2, "pothole", "Deep pothole in the lane behind the house; it damaged a tire.", False),
    (1, "noise complaint", "Ongoing late-night noise from a neighbouring property.", False),
)
_FIRST_NAMES = ("Avery", "Brooke", "Carmen", "Dylan", "Emeka", "Farah", "Gwen", "Harpreet", "Ian", "Jasmine",
                "Kenji", "Lena", "Marco", "Nadia", "Owen", "Paloma", "Quinn", "Rosa", "Tariq", "Wren")
_LAST_NAMES = ("Anderson", "Bergeron", "Chiefmoon", "Dhillon", "Friesen", "Garcia", "Hiebert", "Ito", "Klassen",
               "Lambert", "Nguyen", "Okonkwo", "Peters", "Rempel", "Tanaka", "Wiebe", "Yellowhorn")
_STREETS = ("Street North", "Street South", "Avenue North", "Avenue South")


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


@dataclass(frozen=True)
class DrawerClosed:
    """One drawer closed at the end of the simulated day, as its Z report says."""

    z_number: str
    cashier: str
    over_short_cents: int
    approved_by: str = ""

    def describe(self) -> str:
        if not self.over_short_cents:
            return f"{self.z_number} ({self.cashier}) balanced"
        word = "over" if self.over_short_cents > 0 else "short"
        approval = f", approved by {self.approved_by}" if self.approved_by else ""
        return f"{self.z_number} ({self.cashier}) {word} {format_money(abs(self.over_short_cents))}{approval}"


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
    questions: int = 0
    referrals: int = 0
    drawers_opened: int = 0
    movements: dict[str, int] = field(default_factory=dict)  # MovementKind value -> how many
    closed: list[DrawerClosed] = field(default_factory=list)

    def summary_line(self) -> str:
        """What was simulated: the receipts on the first line, then the people served and the drawers."""
        span = f"{self.receipts[0]}..{self.receipts[-1]}" if self.receipts else "none"
        tenders = ", ".join(f"{TenderKind(k).label.lower()} {format_money(v)}" for k, v in self.by_tender.items())
        lines = [(f"Simulated {_count(len(self.receipts), 'receipt')} on {self.day.isoformat()} at {self.workstation} "
                  f"({span}): {_count(self.sales, 'sale')}, {_count(self.refunds, 'refund')}, {self.voids} voided; "
                  f"net {format_money(self.collected_cents)} ({tenders}; cash after change)")]
        moved = ", ".join(_count(self.movements.get(kind, 0), noun)
                          for kind, noun in (("pickup", "pickup"), ("paid_out", "paid-out"), ("no_sale", "no-sale")))
        lines.append(f"Also {_count(self.questions, 'question')} answered and {_count(self.referrals, 'referral')} "
                     f"to specialists; drawers: {self.drawers_opened} opened, {moved}")
        if self.closed:
            lines.append("Closed " + "; ".join(done.describe() for done in self.closed))
        return "\n".join(lines)


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
    """Plays one counter day: residents paying, asking and being referred, cashiers taking turns at their own
    drawers, supervisors approving, and (with ``close``) every drawer balanced at the end of the day."""

    def __init__(self, counter: Counter, clock: FixedClock, issuer: BillIssuer, seed: int) -> None:
        self.counter = counter
        self.payments = counter.payments
        self.clock = clock
        self.rng = random.Random(seed)
        # Questions, referrals, visit lengths and cash movements: their own stream, so payments stay as they were.
        self.side = random.Random(f"counter-day:{seed}")
        self.day = clock.today()
        self.bills = BillBook(counter, issuer, self.rng, self.day)
        self.cashiers, self.supervisors = self._sign_in()
        self.receipts: list[_Receipt] = []
        self._cash: dict[int, int] = {}  # cashier id -> cash the drawer should hold, roughly (checked before a pickup)
        self._pickups: dict[int, list[datetime]] = {}  # cashier id -> when their drawer's cash went to the safe
        self._opened = 0
        self._moved: dict[str, int] = {}
        self._questions = self._referrals = 0
        self._role_department = {role: code for code, department in counter.directory.departments().items()
                                 for role, _name in department.roles}

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
    def run(self, transactions: int, *, close: bool = False, short_cents: int = 0) -> SimulationResult:
        """Record the day; ``close`` closes every open drawer on an exact count (one drawer ``short_cents`` short,
        approved by a supervisor when beyond tolerance)."""
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
        self._move_to(start)
        offsets = sorted(rng.randrange(span) for _ in events)
        timeline = sorted([(offset, 0, n, event) for n, (offset, event) in enumerate(zip(offsets, events, strict=True))]
                          + self._side_events(transactions, span))
        numbers: list[str] = []
        voids = refunds = 0
        for offset, _order, count, event in timeline:
            at = start + timedelta(seconds=offset)
            if event == "question":
                self._question_visit(at, count)
                continue
            if event == "referral":
                self._referral_visit(at)
                continue
            if event in ("paid_out", "no_sale"):
                self._move_to(at)
                self._movement(MovementKind(event), count)
                continue
            cashier = self.cashiers[len(numbers) % len(self.cashiers)]
            supervisor = self.supervisors[(voids + refunds) % len(self.supervisors)]
            if event == "void":
                self._move_to(at)
                voids += self._void(supervisor)
                continue
            visit = self._begin_visit(cashier, at, self.side.randint(60, 240))
            self._move_to(at)
            self._ensure_drawer(cashier)
            number = self._refund(cashier, supervisor, visit) if event == "refund" else None
            if number:
                refunds += 1
            else:
                done = self._sale(cashier, visit)
                number = done.receipt_number
                self._after_cash(cashier, done.settlement.cash_tendered - done.settlement.change)
            self.counter.visits.end_visit(visit.id)
            numbers.append(number)
        closed = self._close_drawers(short_cents) if close else []
        return self._result(numbers, voids, refunds, closed)

    def _side_events(self, transactions: int, span: int) -> list[tuple[int, int, int, str]]:
        """Residents who only ask or are referred, and the day's paid-out and no-sale, at random times."""
        side = self.side
        questions = round(transactions * QUESTION_RATE * side.uniform(0.85, 1.15))
        referrals = round(questions / (ANSWERS_PER_REFERRAL * side.uniform(0.85, 1.15))) if questions >= 3 else 0
        found: list[tuple[int, int, int, str]] = []
        left = questions
        while left > 0:  # one resident in five asks two things
            asked = 2 if left >= 2 and side.random() < 0.2 else 1
            found.append((side.randrange(span), 1, asked, "question"))
            left -= asked
        found.extend((side.randrange(span), 1, 1, "referral") for _ in range(referrals))
        if transactions >= 10:
            found.append((side.randrange(span // 5, span * 4 // 5), 1, self.side.randrange(len(self.cashiers)),
                          "paid_out"))
        if transactions >= 20 and side.random() < 0.6:
            found.append((side.randrange(span), 1, self.side.randrange(len(self.cashiers)), "no_sale"))
        return found

    def _move_to(self, at: datetime) -> None:
        """The clock only moves forward."""
        ahead = (at - self.clock.now()).total_seconds()
        if ahead > 0:
            self.clock.advance(seconds=ahead)

    def _begin_visit(self, cashier: StaffMember, ends: datetime, seconds: int) -> VisitRef:
        """The resident steps up ``seconds`` before ``ends`` (or when the one before them left)."""
        self._move_to(ends - timedelta(seconds=seconds))
        return self.counter.visits.start_visit(cashier)

    # -- drawers ---------------------------------------------------------------------------------------------
    def _ensure_drawer(self, cashier: StaffMember) -> None:
        """A cashier counts a float into their own drawer before their first sale (a supervisor verifies it)."""
        if cashier.id in self._cash:
            return
        if self.counter.drawers.current(cashier) is None:
            verifier = self.supervisors[self.cashiers.index(cashier) % len(self.supervisors)]
            self.counter.drawers.open(cashier, FLOAT, verifier)
            self._opened += 1
        self._cash[cashier.id] = self.counter.drawers.x_report(cashier)[1].cash.expected

    def _after_cash(self, cashier: StaffMember, cents: int) -> None:
        """Drop cash to the safe when the drawer holds too much (at most twice a drawer, two hours apart)."""
        self._cash[cashier.id] = self._cash.get(cashier.id, 0) + cents
        done = self._pickups.setdefault(cashier.id, [])
        now = self.clock.now()
        if self._cash[cashier.id] <= PICKUP_AT or len(done) >= MAX_PICKUPS or (done and now - done[-1] < PICKUP_GAP):
            return
        expected = self.counter.drawers.x_report(cashier)[1].cash.expected
        self._cash[cashier.id] = expected
        if expected <= PICKUP_AT:
            return
        amount = (expected - PICKUP_KEEP) // 5_000 * 5_000  # in $50s, leaving $200 to $250 to make change
        self.counter.drawers.move_cash(cashier, MovementKind.PICKUP, format_plain(amount), "Cash drop to the safe")
        self._cash[cashier.id] -= amount
        done.append(now)
        self._moved["pickup"] = self._moved.get("pickup", 0) + 1

    def _movement(self, kind: MovementKind, cashier_index: int) -> None:
        """The day's paid-out (postage) or a no-sale, approved by a supervisor; skipped if the drawer cannot."""
        cashier = self.cashiers[cashier_index % len(self.cashiers)]
        supervisor = self.supervisors[cashier_index % len(self.supervisors)]
        self._ensure_drawer(cashier)
        amount, reason = PAID_OUT if kind is MovementKind.PAID_OUT else ("0", NO_SALE_REASON)
        try:
            record = self.counter.drawers.move_cash(cashier, kind, amount, reason, supervisor)
        except UserError:
            return  # e.g. less cash in the drawer than the postage: nobody pays out of an empty drawer
        self._cash[cashier.id] -= record.amount_cents
        self._moved[kind.value] = self._moved.get(kind.value, 0) + 1

    def _close_drawers(self, short_cents: int) -> list[DrawerClosed]:
        """Close every open drawer on an exact blind count, card batches as the terminal prints them; the first
        drawer is ``short_cents`` short (a supervisor approves a difference beyond tolerance)."""
        closing = datetime.combine(self.day, CLOSING, self.clock.tz)
        self._move_to(min(closing, self.clock.now() + timedelta(minutes=5)))
        closed: list[DrawerClosed] = []
        drawers = self.counter.drawers
        for cashier in self.cashiers:
            if drawers.current(cashier) is None:
                continue
            _session, running = drawers.x_report(cashier)
            short = short_cents if not closed else 0
            counted = running.cash.expected - short
            if counted < 0:
                raise SimulationError(f"the drawer of {cashier.name} holds {format_money(running.cash.expected)}: "
                                      f"it cannot be {format_money(short)} short")
            supervisor = self.supervisors[0] if abs(short) > drawers.tolerance_cents else None
            batches = {kind: format_plain(max(running.by_tender.get(kind, 0), 0)) for kind in ("debit", "credit")}
            session, _final = drawers.close(
                cashier, cash_count(counted), debit_batch=batches["debit"], credit_batch=batches["credit"],
                cheques_checked=True, supervisor=supervisor, note=SHORT_NOTE if supervisor else "")
            closed.append(DrawerClosed(session.z_number or "", cashier.name, session.over_short_cents or 0,
                                       supervisor.name if supervisor else ""))
        return closed

    def _start_time(self) -> datetime:
        """08:30, or just after this workstation's last receipt of the day when the store already has some."""
        opening = datetime.combine(self.day, OPENING, self.clock.tz)
        earlier = self.payments.transactions_on(self.day)
        if not earlier:
            return opening
        last = max(s.created_at for s in earlier).astimezone(self.clock.tz)
        return max(opening, last.replace(microsecond=0) + timedelta(minutes=1))

    def _result(self, numbers: list[str], voids: int, refunds: int, closed: list[DrawerClosed]) -> SimulationResult:
        mine = set(numbers)
        rows = journal_rows([s for s in self.payments.transactions_on(self.day) if s.receipt_number in mine],
                            self.clock.tz)
        totals = journal_totals(rows)
        by_tender = {k: v for k, v in totals.tenders.items() if v}
        if TenderKind.CASH.value in by_tender:
            by_tender[TenderKind.CASH.value] -= totals.change_cents
        ordered = {k: by_tender[k] for k in TENDER_COLUMNS if k in by_tender}
        return SimulationResult(self.day, self.payments.workstation, numbers, len(numbers) - refunds, refunds, voids,
                                totals.total_cents + totals.rounding_cents, ordered, self._questions,
                                self._referrals, self._opened, dict(self._moved), closed)

    # -- questions and referrals -----------------------------------------------------------------------------
    def _article_for(self, phrase: str) -> tuple[str | None, str | None, str | None]:
        """(article id, its topic, the role it refers to) for what the cashier typed; Nones when nothing fits."""
        hits = self.counter.questions.search(phrase, limit=1)
        if not hits:
            return None, None, None
        article = hits[0].article
        return article.id, article.topic, article.refer_role

    def _question_visit(self, ends: datetime, asked: int) -> None:
        """A resident with one or two questions, each answered from the knowledge base."""
        side = self.side
        cashier = side.choice(self.cashiers)
        visit = self._begin_visit(cashier, ends, sum(side.randint(45, 200) for _ in range(asked)))
        started = visit.started_at
        for n in range(asked):
            topic = _weighted(side, _QUESTION_TOPICS)
            article_id, article_topic, _role = self._article_for(side.choice(_PHRASES[topic]))
            self._move_to(visit.started_at + (ends - visit.started_at) * (n + 1) / asked)
            logged = self.counter.visits.log_information(cashier, article_topic or topic, visit_id=visit.id,
                                                         article_id=article_id, started_at=started)
            started = logged.ended_at
            self._questions += 1
        self.counter.visits.end_visit(visit.id)

    def _referral_visit(self, ends: datetime) -> None:
        """A resident who needs a specialist: a walk-in hand-off (City Hall departments) or a callback."""
        side = self.side
        cashier = side.choice(self.cashiers)
        visit = self._begin_visit(cashier, ends, side.randint(240, 720))
        phrase, description, urgent = _weighted(side, tuple(((p, d, u), w) for w, p, d, u in _REFERRALS))
        _article, topic, role = self._article_for(phrase)
        role = role or "CS-SPEC"
        department = self.counter.directory.departments()[self._role_department[role]]
        walk_in = "City Hall" in department.room and not urgent and side.random() < 0.35
        first, last = side.choice(_FIRST_NAMES), side.choice(_LAST_NAMES)
        phone = email = window = ""
        if walk_in:
            if side.random() < 0.3:  # gives no name: the specialist meets them at the counter
                first = last = ""
        else:
            reach = side.random()
            phone = f"403-555-01{side.randrange(100):02d}" if reach < 0.85 else ""
            email = f"{first}.{last}@example.ca".lower() if reach > 0.6 else ""
            window = side.choice(CALLBACK_WINDOWS)
        urgency = Urgency.URGENT if urgent else _weighted(side, ((Urgency.ROUTINE, 80), (Urgency.SOON, 20)))
        address = f"{side.randrange(100, 3200)} {side.randrange(1, 44)} {side.choice(_STREETS)}"
        request = ReferralRequest(
            department_code=department.code, role_code=role, description=description,
            mode=Mode.WALK_IN if walk_in else Mode.CALLBACK, urgency=urgency,
            contact=make_contact(first, last, phone, email, consent=True), callback_window=window,
            address=address, topic=topic or "other",
        )
        self._move_to(visit.started_at + (ends - visit.started_at) * 0.6)
        referral = self.counter.referrals.create(request, cashier, visit_id=visit.id, started_at=visit.started_at)
        self._referrals += 1
        self._move_to(ends)
        if walk_in:
            self.counter.referrals.record_handoff(referral.id, cashier)
        self.counter.visits.end_visit(visit.id)

    # -- a sale ----------------------------------------------------------------------------------------------
    def _sale(self, cashier: StaffMember, visit: VisitRef) -> CompletedPayment:
        for _attempt in range(5):
            try:
                sale = self._build_sale()
                self._pay(sale)
                done = self.payments.complete(sale, cashier, visit_id=visit.id, started_at=visit.started_at)
            except UserError:
                continue  # a rule refused this mix (e.g. a card above what is owing): serve the next resident
            self.receipts.append(_Receipt(done.receipt_number, cashier, len(sale.lines)))
            return done
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

    def _refund(self, cashier: StaffMember, supervisor: StaffMember, visit: VisitRef) -> str | None:
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
                                            rng.choice(_REFUND_REASONS), auth, visit_id=visit.id)
            except UserError:
                continue  # e.g. more than the card paid: try the next way back
            target.refunded.update(chosen)
            self._after_cash(cashier, done.settlement.cash_tendered - done.settlement.change)
            return done.receipt_number
        return None


def _weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in choices]
    return rng.choices(values, weights=[weight for _, weight in choices])[0]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cash_count(cents: int) -> dict[str, str]:
    """A count by denomination (notes and loose coins, largest first) that adds up to ``cents`` exactly."""
    if cents < 0 or cents % 5:
        raise SimulationError(f"{format_money(cents)} cannot be counted in Canadian cash")
    typed: dict[str, str] = {}
    for denomination in DENOMINATIONS:
        if denomination.kind == "roll":
            continue
        pieces, cents = divmod(cents, denomination.value_cents)
        if pieces:
            typed[denomination.code] = str(pieces)
    return typed
