"""End-of-day arithmetic for finance: totals, deposit slip and a GL journal that balances to the cent.

Built from plain records so one drawer, one workstation's day or the whole counter's day reconcile the same way.
Voided receipts are listed but add nothing: their money went back to the resident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from counter_app.drawer.denominations import CashCount
from counter_app.drawer.session import CashFlows, MovementKind

UNDEPOSITED_FUNDS = "100-1100-1020"
CARD_CLEARING = "100-1100-1030"
GST_PAYABLE = "100-1100-2150"
OVER_SHORT_ROUNDING = "100-1100-5990"
CARD_KINDS = ("debit", "credit")
DEPOSIT_KINDS = ("cheque", "money_order")


@dataclass(frozen=True, slots=True)
class ReconLine:
    service_code: str
    description: str
    gl_account: str
    net_cents: int
    gst_cents: int

    @property
    def total_cents(self) -> int:
        return self.net_cents + self.gst_cents


@dataclass(frozen=True, slots=True)
class ReconTender:
    kind: str
    amount_cents: int
    number: str | None = None  # cheque or money order number
    last4: str | None = None


@dataclass(frozen=True, slots=True)
class ReconTransaction:
    receipt_number: str
    created_at: datetime
    workstation: str
    cashier: str
    kind: str  # sale | refund
    status: str  # completed | void
    total_cents: int
    rounding_cents: int
    change_cents: int
    lines: tuple[ReconLine, ...]
    tenders: tuple[ReconTender, ...]

    @property
    def counts(self) -> bool:
        return self.status != "void"


@dataclass(frozen=True, slots=True)
class Movement:
    kind: MovementKind
    amount_cents: int
    reason: str
    at: datetime
    gl_account: str | None = None
    staff: str = ""
    supervisor: str = ""


@dataclass(frozen=True, slots=True)
class DrawerClose:
    """One closed drawer's figures that are not in the transactions: float, count and terminal batch."""

    session_id: str
    cashier: str
    workstation: str
    float_count: CashCount
    counted: CashCount
    expected_cents: int
    debit_batch_cents: int | None = None
    credit_batch_cents: int | None = None
    z_number: str = ""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    account: str
    description: str
    debit_cents: int
    credit_cents: int


@dataclass(frozen=True, slots=True)
class DepositLine:
    label: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class ServiceTotal:
    service_code: str
    description: str
    count: int
    net_cents: int
    gst_cents: int

    @property
    def total_cents(self) -> int:
        return self.net_cents + self.gst_cents


@dataclass(frozen=True, slots=True)
class Reconciliation:
    scope: str
    receipts: int
    completed: int
    refunds: int
    voids: int
    by_tender: dict[str, int]  # money kept per tender kind (cash net of change)
    by_service: tuple[ServiceTotal, ...]
    by_gl: dict[str, int]  # net credited to each GL account
    gst_cents: int
    total_cents: int
    rounding_cents: int
    change_cents: int
    cash: CashFlows
    counted_cents: int | None
    over_short_cents: int | None
    cheques: tuple[tuple[str, str, int], ...]  # (receipt, number, amount)
    money_orders: tuple[tuple[str, str, int], ...]
    deposit: tuple[DepositLine, ...]
    card_batches: dict[str, tuple[int, int | None]]  # kind -> (system total, typed batch total)
    journal: tuple[JournalEntry, ...]
    movements: tuple[Movement, ...]
    hourly: dict[int, tuple[int, int]] = field(default_factory=dict)  # local hour -> (receipts, cents)

    @property
    def journal_balances(self) -> bool:
        return sum(e.debit_cents for e in self.journal) == sum(e.credit_cents for e in self.journal)

    @property
    def deposit_total(self) -> int:
        return self.deposit[-1].amount_cents if self.deposit else 0


def _entry(account: str, description: str, signed: int) -> JournalEntry:
    """Positive is a debit, negative a credit."""
    return JournalEntry(account, description, max(signed, 0), max(-signed, 0))


def reconcile(
    scope: str,
    transactions: list[ReconTransaction],
    movements: list[Movement],
    closes: list[DrawerClose],
    float_cents: int,
    tz: tzinfo | None = None,
) -> Reconciliation:
    """Reconcile a set of receipts and cash movements; ``closes`` are the drawers counted (may be empty)."""
    live = [t for t in transactions if t.counts]
    by_tender: dict[str, int] = defaultdict(int)
    cheques: list[tuple[str, str, int]] = []
    money_orders: list[tuple[str, str, int]] = []
    services: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    by_gl: dict[str, int] = defaultdict(int)
    hourly: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    cash_received = change = rounding = gst = total = 0
    for txn in live:
        total += txn.total_cents
        rounding += txn.rounding_cents
        change += txn.change_cents
        local = txn.created_at.astimezone(tz) if tz is not None else txn.created_at
        hourly[local.hour][0] += 1
        hourly[local.hour][1] += txn.total_cents
        for tender in txn.tenders:
            by_tender[tender.kind] += tender.amount_cents
            if tender.kind == "cash":
                cash_received += tender.amount_cents
            elif tender.kind == "cheque":
                cheques.append((txn.receipt_number, tender.number or "", tender.amount_cents))
            elif tender.kind == "money_order":
                money_orders.append((txn.receipt_number, tender.number or "", tender.amount_cents))
        by_tender["cash"] -= txn.change_cents
        for line in txn.lines:
            gst += line.gst_cents
            by_gl[line.gl_account] += line.net_cents
            bucket = services.setdefault(line.service_code, [0, 0, 0])
            bucket[0] += 1 if line.net_cents >= 0 else -1
            bucket[1] += line.net_cents
            bucket[2] += line.gst_cents
            names.setdefault(line.service_code, line.description.split(":")[0])
    paid_in = sum(m.amount_cents for m in movements if m.kind is MovementKind.PAID_IN)
    paid_out = sum(m.amount_cents for m in movements if m.kind is MovementKind.PAID_OUT)
    pickups = sum(m.amount_cents for m in movements if m.kind is MovementKind.PICKUP)
    flows = CashFlows(float_cents, cash_received, change, paid_in, paid_out, pickups)
    counted = sum(c.counted.total_cents for c in closes) if closes else None
    over_short = counted - flows.expected if counted is not None else None
    cheque_total = sum(a for _, _, a in cheques)
    mo_total = sum(a for _, _, a in money_orders)
    cash_deposit = (counted if counted is not None else flows.expected) - float_cents + pickups
    deposit = _deposit_slip(closes, float_cents, pickups, cash_deposit, cheques, money_orders)
    cards = sum(by_tender.get(k, 0) for k in CARD_KINDS)
    journal = [
        _entry(UNDEPOSITED_FUNDS, "Deposit: cash, cheques and money orders", cash_deposit + cheque_total + mo_total),
        _entry(CARD_CLEARING, "Debit and credit card settlements", cards),
        *[_entry(gl, "Receipts credited to account", -cents) for gl, cents in sorted(by_gl.items())],
        _entry(GST_PAYABLE, "GST collected", -gst),
        _entry(OVER_SHORT_ROUNDING, "Cash rounding", -rounding),
        *[_entry(m.gl_account or OVER_SHORT_ROUNDING, f"Paid in: {m.reason}", -m.amount_cents)
          for m in movements if m.kind is MovementKind.PAID_IN],
        *[_entry(m.gl_account or OVER_SHORT_ROUNDING, f"Paid out: {m.reason}", m.amount_cents)
          for m in movements if m.kind is MovementKind.PAID_OUT],
    ]
    if over_short:
        journal.append(_entry(OVER_SHORT_ROUNDING, "Cash over/short", -over_short))
    batches = {
        "debit": (by_tender.get("debit", 0), _sum_optional(c.debit_batch_cents for c in closes)),
        "credit": (by_tender.get("credit", 0), _sum_optional(c.credit_batch_cents for c in closes)),
    }
    return Reconciliation(
        scope=scope,
        receipts=len(transactions),
        completed=sum(1 for t in live if t.kind == "sale"),
        refunds=sum(1 for t in live if t.kind == "refund"),
        voids=len(transactions) - len(live),
        by_tender=dict(sorted(by_tender.items())),
        by_service=tuple(
            ServiceTotal(code, names[code], n, net, g) for code, (n, net, g) in sorted(services.items())
        ),
        by_gl=dict(sorted(by_gl.items())),
        gst_cents=gst,
        total_cents=total,
        rounding_cents=rounding,
        change_cents=change,
        cash=flows,
        counted_cents=counted,
        over_short_cents=over_short,
        cheques=tuple(cheques),
        money_orders=tuple(money_orders),
        deposit=deposit,
        card_batches=batches,
        journal=tuple(e for e in journal if e.debit_cents or e.credit_cents),
        movements=tuple(movements),
        hourly={h: (n, c) for h, (n, c) in sorted(hourly.items())},
    )


def _sum_optional(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _deposit_slip(
    closes: list[DrawerClose],
    float_cents: int,
    pickups: int,
    cash_deposit: int,
    cheques: list[tuple[str, str, int]],
    money_orders: list[tuple[str, str, int]],
) -> tuple[DepositLine, ...]:
    lines = []
    if closes:
        lines.append(DepositLine("Notes counted", sum(c.counted.by_kind("note") for c in closes)))
        lines.append(DepositLine("Coins counted", sum(c.counted.by_kind("coin") for c in closes)))
        lines.append(DepositLine("Coin rolls counted", sum(c.counted.by_kind("roll") for c in closes)))
    else:
        lines.append(DepositLine("Cash expected (not yet counted)", cash_deposit + float_cents - pickups))
    lines.append(DepositLine("Less float kept for tomorrow", -float_cents))
    lines.append(DepositLine("Pickups already in the safe", pickups))
    lines.append(DepositLine("Cash to deposit", cash_deposit))
    lines.append(DepositLine(f"Cheques ({len(cheques)})", sum(a for _, _, a in cheques)))
    lines.append(DepositLine(f"Money orders ({len(money_orders)})", sum(a for _, _, a in money_orders)))
    lines.append(DepositLine("Deposit total", cash_deposit + sum(a for _, _, a in cheques)
                             + sum(a for _, _, a in money_orders)))
    return tuple(lines)
