"""How long a cashier waits between "Complete" and the receipt: record a payment and render its receipt.

Not a test (timings are not asserted): run it on the counter PC, compare with the targets and the baselines.

    .venv/bin/python benchmarks/bench_payment.py [--iterations 500] [--dir /path/on/the/real/disk] [--json]

Measured per iteration on a real SQLite file (WAL, synchronous=FULL, as the app opens it):

* ``payment + receipt``: build a 2-line sale (a fixed fee and a taxable open amount), tender part debit part
  cash, ``PaymentService.complete``, then ``ReceiptService.issue`` (thermal). Target: median <= 15 ms.
* its parts: ``build sale``, ``complete`` (one write transaction: number, transaction, lines, tenders,
  outbox), ``issue`` (read the snapshot, render, log the print: a second write transaction);
* ``render only``: ``render_receipt`` on the same snapshots, no database;
* baselines with no app code: a bare ReportLab 80 mm receipt (~3 ms expected) and a six-row SQLite WAL commit
  with synchronous=FULL (~0.5 ms expected: the fsync floor of any payment).
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.printing.receipt_pdf import render_receipt
from counter_app.services.container import Counter
from counter_app.services.records import StaffMember

WARMUP = 20


def summarize(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": statistics.quantiles(ms, n=20)[18] if len(ms) >= 20 else ms[-1],
        "mean_ms": statistics.fmean(ms),
        "min_ms": ms[0],
    }


def one_sale(counter: Counter) -> Sale:
    payments = counter.payments
    sale = Sale()
    payments.add_line(sale, payments.fixed_line("DOG-AC"))
    payments.add_line(sale, payments.open_line("MISC", "12.34", "540-5200-4410", "G5", "Recycling lid"))
    sale.add_tender(make_tender(TenderKind.DEBIT, 1000, last4="4821", auth_code="A1B2C3", card_brand="Interac"))
    sale.add_tender(make_tender(TenderKind.CASH, 4000))
    return sale


def bench_app(folder: Path, iterations: int) -> dict[str, dict[str, float]]:
    clock = FixedClock(datetime(2026, 11, 25, 9, 0))
    counter = build_counter(Settings(data_dir=folder, workstation="CH1-02", demo=True), clock=clock)
    cashier: StaffMember = counter.auth.login("1001", "1111")
    counter.drawers.open(cashier, {"n20": "10"})
    parts: dict[str, list[int]] = {"payment + receipt": [], "build sale": [], "complete": [], "issue": []}
    snapshots = []
    try:
        for i in range(iterations + WARMUP):
            clock.advance(seconds=20)
            t0 = time.perf_counter_ns()
            sale = one_sale(counter)
            t1 = time.perf_counter_ns()
            done = counter.payments.complete(sale, cashier)
            t2 = time.perf_counter_ns()
            pdf = counter.receipts.issue(done.receipt_number, cashier, "thermal")
            t3 = time.perf_counter_ns()
            assert pdf.startswith(b"%PDF")
            if i >= WARMUP:
                parts["payment + receipt"].append(t3 - t0)
                parts["build sale"].append(t1 - t0)
                parts["complete"].append(t2 - t1)
                parts["issue"].append(t3 - t2)
                snapshots.append(done.snapshot)
    finally:
        counter.close()
    render: list[int] = []
    for snapshot in snapshots:
        t0 = time.perf_counter_ns()
        render_receipt(snapshot, copy=False, void=False, layout="thermal")
        render.append(time.perf_counter_ns() - t0)
    return {name: summarize(samples) for name, samples in {**parts, "render only": render}.items()}


def bench_bare_reportlab(iterations: int) -> dict[str, float]:
    """An 80 mm receipt with ReportLab alone: built-in Helvetica (no font embedding), ~25 lines, a barcode."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    def render() -> bytes:
        out = io.BytesIO()
        width, height = 80 * mm, 200 * mm
        canvas = Canvas(out, pagesize=(width, height), pageCompression=0, invariant=1)
        y = height - 10 * mm
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawCentredString(width / 2, y, "City of Lethbridge")
        canvas.setFont("Helvetica", 8)
        for n in range(24):
            y -= 10
            canvas.drawString(4 * mm, y, f"Line {n} description of the item")
            canvas.drawRightString(width - 4 * mm, y, f"${n * 3.17:,.2f}")
        Code128("CH1-02-000123", barHeight=10 * mm, barWidth=0.8).drawOn(canvas, 6 * mm, 10 * mm)
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    return summarize(_repeat(render, iterations))


def bench_sqlite_commit(folder: Path, iterations: int) -> dict[str, float]:
    """The floor under every payment: one write transaction of six small rows, durable (fsync on commit)."""
    conn = sqlite3.connect(folder / "baseline.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, parent INTEGER, kind TEXT, amount INTEGER, note TEXT)")
    counter = iter(range(10**9))

    def commit() -> None:
        conn.execute("BEGIN IMMEDIATE")
        parent = next(counter)
        for kind in ("transaction", "line", "line", "tender", "tender", "outbox"):
            conn.execute("INSERT INTO t (parent, kind, amount, note) VALUES (?, ?, ?, ?)",
                         (parent, kind, 1234, "x" * 60))
        conn.execute("COMMIT")

    try:
        return summarize(_repeat(commit, iterations))
    finally:
        conn.close()


def _repeat(work: Callable[[], object], iterations: int) -> list[int]:
    samples = []
    for i in range(iterations + WARMUP):
        t0 = time.perf_counter_ns()
        work()
        if i >= WARMUP:
            samples.append(time.perf_counter_ns() - t0)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--dir", type=Path, help="where to put the SQLite files (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="counter-bench-", dir=args.dir) as tmp:
        folder = Path(tmp)
        (folder / "app").mkdir()
        results = bench_app(folder / "app", args.iterations)
        results["baseline: bare ReportLab 80 mm"] = bench_bare_reportlab(args.iterations)
        results["baseline: SQLite 6-row WAL commit, FULL"] = bench_sqlite_commit(folder, args.iterations)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.iterations} iterations (+{WARMUP} warm-up), store in {args.dir or tempfile.gettempdir()}")
    print(f"{'':42}{'median':>9}{'p95':>9}{'mean':>9}{'min':>9}   (ms)")
    for name, figures in results.items():
        print(f"{name:42}" + "".join(f"{figures[k]:9.2f}" for k in ("median_ms", "p95_ms", "mean_ms", "min_ms")))
    target = results["payment + receipt"]["median_ms"]
    print(f"target: payment + receipt median <= 15 ms: {'met' if target <= 15 else 'MISSED'} ({target:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
