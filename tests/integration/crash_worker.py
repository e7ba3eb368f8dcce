"""Child process of the crash test: takes payments through the real services as fast as it can.

Usage: ``python crash_worker.py DATA_DIR SEED``. Prints ``READY`` once the store is open, then one line per
committed record, flushed at once: ``R <receipt>`` for a sale or a refund, ``V <receipt>`` for a void. A line is
printed only after ``complete``/``refund``/``void`` returned, i.e. after the commit: whatever the parent read
must be in the store, whenever the parent kills this process.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from counter_app.app import build_counter
from counter_app.config import load_settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.errors import PaymentError
from counter_app.payments.money import format_plain
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter
from counter_app.services.records import StaffMember

WORKSTATION = "CH1-02"
FLOAT = {"n20": "10"}
FIXED = ("TR-ADULT", "TR-DAY", "TR-10", "DOG-AC", "DOG-U", "CAT", "COMPOST", "CART", "TAXCERT")
TAX_ROLLS = ("4312000000008", "4312000010139", "4312000020263", "4312000030390", "4312000040522",
             "4312000050651", "4312000060782", "4312000070918")


def build_sale(counter: Counter, rng: random.Random) -> Sale:
    """1-3 lines: fixed fees, an open amount with GST, or a small partial payment on a tax roll."""
    payments = counter.payments
    sale = Sale()
    for _ in range(rng.randint(1, 3)):
        what = rng.random()
        try:
            if what < 0.5:
                line = payments.fixed_line(rng.choice(FIXED))
            elif what < 0.7:
                line = payments.open_line("MISC", format_plain(rng.randint(100, 9999)), "100-1100-4410",
                                          rng.choice(("EX", "G5")), "crash test")
            else:
                found = payments.lookup_bill(rng.choice(TAX_ROLLS))
                amount = min(rng.randint(100, 900), found.amount_due_cents)
                if amount <= 0:
                    continue
                line = payments.bill_line(found, format_plain(amount))
            payments.add_line(sale, line)
        except PaymentError:
            continue  # e.g. the same roll twice on one sale
    if not sale.lines:
        payments.add_line(sale, payments.fixed_line("TR-DAY"))
    return sale


def pay(sale: Sale, rng: random.Random) -> None:
    """Cash with notes, a card, a cheque, or a split of card and cash."""
    how = rng.choice(("cash", "card", "cheque", "split", "split"))
    if how in ("card", "split"):
        kind = rng.choice((TenderKind.DEBIT, TenderKind.CREDIT))
        if kind not in sale.allowed_tenders:
            kind = TenderKind.DEBIT
        due = sale.settlement().balance_due
        amount = due if how == "card" or due < 200 else rng.randint(100, due - 100)
        sale.add_tender(make_tender(kind, amount, last4=f"{rng.randrange(10_000):04d}", auth_code="A1B2C3"))
    elif how == "cheque":
        sale.add_tender(make_tender(TenderKind.CHEQUE, sale.settlement().balance_due, number="1234"))
    due_cash = sale.settlement().balance_due_cash
    if due_cash > 0:
        note = rng.choice((500, 1000, 2000, 5000))
        sale.add_tender(make_tender(TenderKind.CASH, -(-due_cash // note) * note))


def run(data_dir: Path, seed: int) -> None:
    counter = build_counter(load_settings(str(data_dir), WORKSTATION, demo=True))
    cashier: StaffMember = counter.auth.login("1001", "1111")
    supervisor: StaffMember = counter.auth.login("2001", "999901")
    if counter.drawers.current(cashier) is None:  # a kill may have come before or after this, in any round
        counter.drawers.open(cashier, FLOAT)
    rng = random.Random(seed)
    print("READY", flush=True)
    while True:
        sale = build_sale(counter, rng)
        pay(sale, rng)
        done = counter.payments.complete(sale, cashier)
        print(f"R {done.receipt_number}", flush=True)
        roll = rng.random()
        if roll < 0.05:
            counter.payments.void(done.receipt_number, cashier, supervisor, "crash test void")
            print(f"V {done.receipt_number}", flush=True)
        elif roll < 0.08:
            kind = counter.payments.refund_options(done.receipt_number).tender_kinds[0]
            try:
                refund = counter.payments.refund(done.receipt_number, [0], kind, cashier, supervisor,
                                                 "crash test refund", "R1")
            except PaymentError:
                continue  # the first line cost more than the card paid: no refund this time
            print(f"R {refund.receipt_number}", flush=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
