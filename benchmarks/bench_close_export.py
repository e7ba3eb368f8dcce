"""Closing a busy drawer: a session of 5,000 transactions closed and exported (CSV, PDF with charts, XLSX).

Not a test: run it on the counter PC and compare with the target (<= 2 s for the close and every export).

    .venv/bin/python benchmarks/bench_close_export.py [--transactions 5000] [--runs 3]

The store is filled once through the real payment service (one cashier, one drawer, mixed services and split
tenders, a few cheques); each run starts from a copy of that store, so every run closes the same drawer.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender

CODES = ("TR-ADULT", "DOG-AC", "CAT", "COMPOST", "TR-DAY", "CART", "TAXCERT", "TR-10")


def fill(folder: Path, transactions: int) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 8, 30))
    counter = build_counter(Settings(data_dir=folder, workstation="CH1-01", demo=True), clock=clock)
    cashier = counter.auth.login("1001", "1111")
    counter.drawers.open(cashier, {"n20": "10"})
    payments = counter.payments
    for i in range(transactions):
        sale = Sale()
        payments.add_line(sale, payments.fixed_line(CODES[i % len(CODES)]))
        if i % 3 == 0:
            payments.add_line(sale, payments.fixed_line(CODES[(i + 3) % len(CODES)]))
        kind = i % 5
        if kind == 1:
            sale.add_tender(make_tender(TenderKind.DEBIT, sale.total, last4="4821", auth_code="AB12"))
        elif kind == 2:
            sale.add_tender(make_tender(TenderKind.CREDIT, sale.total // 2, last4="1881", auth_code="CD34"))
            sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash))
        elif kind == 3 and i % 50 == 3:
            sale.add_tender(make_tender(TenderKind.CHEQUE, sale.total, number=str(1000 + i)))
        else:
            sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash + 500))
        payments.complete(sale, cashier)
        clock.advance(seconds=5)
    counter.close()


def close_and_export(folder: Path, out: Path) -> tuple[float, float]:
    clock = FixedClock(datetime(2026, 11, 25, 16, 40))
    counter = build_counter(Settings(data_dir=folder, workstation="CH1-01", demo=True), clock=clock)
    cashier = counter.auth.login("1001", "1111")
    _, running = counter.drawers.x_report(cashier)  # what the cashier counts (the count itself is blind)
    expected = running.cash.expected
    counted = {"n100": str(expected // 10_000), "c5": str(expected % 10_000 // 5)}
    start = time.perf_counter()
    closed, recon = counter.drawers.close(cashier, counted, cheques_checked=True)
    middle = time.perf_counter()
    counter.drawers.export(closed.business_date, out, cashier, session_id=closed.id, recon=recon)
    end = time.perf_counter()
    counter.close()
    return middle - start, end - middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="counter-close-"))
    source = base / "source"
    started = time.perf_counter()
    fill(source, args.transactions)
    print(f"filled {args.transactions} transactions in {time.perf_counter() - started:.1f} s")
    closes, exports = [], []
    for run in range(args.runs):
        copy = base / f"run{run}"
        shutil.copytree(source, copy)
        close_s, export_s = close_and_export(copy, base / f"out{run}")
        closes.append(close_s)
        exports.append(export_s)
        print(f"run {run + 1}: close {close_s * 1000:.0f} ms, export {export_s * 1000:.0f} ms, "
              f"total {(close_s + export_s) * 1000:.0f} ms")
    total = [c + e for c, e in zip(closes, exports, strict=True)]
    print(f"median: close {statistics.median(closes) * 1000:.0f} ms, export {statistics.median(exports) * 1000:.0f} "
          f"ms, close + every export {statistics.median(total) * 1000:.0f} ms (target <= 2000 ms)")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
