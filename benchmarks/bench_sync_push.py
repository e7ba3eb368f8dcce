"""How fast a counter empties a full outbox into the central database, and whether the GUI stays responsive meanwhile.

Not a test (nothing is asserted): run it on the counter PC against the real central server, compare with the
targets and the baselines.

    .venv/bin/python benchmarks/bench_sync_push.py [--records 10000] [--runs 3] [--admin URL] [--profile]
                                                   [--no-freeze] [--stall [--stall-runs 3] [--gui] [--freeze]]
                                                   [--json]

* ``push``: a real counter store holding ``--records`` pending outbox records (half transactions with the exact
  shape of ``transaction_payload``, 2 lines and 2 tenders, half their payment interactions), generated in one
  SQLite transaction from a payment taken through the real services; then ``SyncService.push()`` to a fresh,
  migrated and seeded PostgreSQL database, as the sync worker does on its first run (connecting included).
  Median of ``--runs``, each on a fresh database. Target: >= 20,000 records/s. As in the app, the start-up heap
  is frozen (``counter_app.heap``) before the push; ``--no-freeze`` measures without.
* baselines with no app code, same 10,000 (id, payload) rows into a bare two-column table: psycopg
  ``executemany`` of ``INSERT ... ON CONFLICT DO NOTHING`` and ``COPY``.
* ``--profile``: cProfile of one push (top functions by cumulative and by own time).
* ``--stall``: the push in a background thread of a fresh process while the GUI thread's Qt event loop runs a 5 ms
  ``QTimer`` (``QT_QPA_PLATFORM=offscreen``): the longest gap between ticks, against the same loop idle, and the
  longest full garbage collection seen meanwhile (it holds the GIL). Target: < 50 ms. ``--gui`` opens the real main
  window on a demo store first (the app's heap); ``--freeze`` calls ``gc.freeze()`` just before the push.

``--admin`` is a PostgreSQL URL allowed to CREATE/DROP DATABASE (default: ``COUNTER_TEST_PG`` or
postgresql+psycopg://postgres@127.0.0.1:5432/test); each database made here is dropped again.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.heap import freeze_start_up_heap
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter
from counter_app.services.records_sync import SyncReport
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.seed_central import seed_central

ADMIN_URL = os.environ.get("COUNTER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKSTATION = "CH1-01"
MORNING = datetime(2026, 11, 25, 9, 15)
TICK_MS = 5


# -- the central database ----------------------------------------------------------------------------------
@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """CREATE DATABASE bench_push_<random>, yield its URL, DROP it afterwards."""
    name = f"bench_push_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def prepare_centre(url: str) -> None:
    store = CentralStore(build_engine(url))
    store.init()
    seed_central(store, demo=True)
    store.engine.dispose()


# -- the counter's full outbox ------------------------------------------------------------------------------
def make_store(folder: Path, records: int) -> None:
    """A real demo store whose outbox holds exactly ``records`` pending records shaped like real ones."""
    counter = build_counter(Settings(data_dir=folder, workstation=WORKSTATION, demo=True),
                            clock=FixedClock(MORNING))
    cashier = counter.auth.login("1001", "1111")
    counter.drawers.open(cashier, {"n20": "10"})
    payments = counter.payments
    sale = Sale()
    payments.add_line(sale, payments.fixed_line("DOG-AC"))
    payments.add_line(sale, payments.open_line("MISC", "12.34", "540-5200-4410", "G5", "Recycling lid"))
    sale.add_tender(make_tender(TenderKind.DEBIT, 1_000, last4="4821", auth_code="A1B2C3", card_brand="Interac"))
    sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash + 500))
    payments.complete(sale, cashier)
    counter.close()
    with closing(sqlite3.connect(folder / "counter.sqlite3")) as conn:
        templates = dict(conn.execute("SELECT record_type, payload FROM outbox "
                                      "WHERE record_type IN ('transaction', 'interaction')").fetchall())
        transaction, interaction = json.loads(templates["transaction"]), json.loads(templates["interaction"])
        created = datetime.fromisoformat(transaction["created_at"])
        rows: list[tuple[str, str, str, str]] = []
        for n in range(records // 2):
            at = (created + timedelta(seconds=7 * n)).isoformat()
            txn_id, sequence = str(uuid.uuid4()), 1_000 + n
            extra = n % 997  # amounts vary a little, as real ones do
            lines = [dict(transaction["lines"][0]), dict(transaction["lines"][1])]
            lines[1].update(net_cents=lines[1]["net_cents"] + extra, total_cents=lines[1]["total_cents"] + extra)
            tenders = [dict(transaction["tenders"][0]), dict(transaction["tenders"][1])]
            tenders[1]["amount_cents"] += extra
            payload = {**transaction, "id": txn_id, "sequence": sequence, "created_at": at, "lines": lines,
                       "tenders": tenders, "receipt_number": f"{WORKSTATION}-{sequence:06d}",
                       "total_cents": transaction["total_cents"] + extra}
            rows.append(("transaction", txn_id, _dump(payload), at))
            item_id = str(uuid.uuid4())
            item = {**interaction, "id": item_id, "transaction_id": txn_id, "visit_id": str(uuid.uuid4()),
                    "started_at": at, "ended_at": at}
            rows.append(("interaction", item_id, _dump(item), at))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM outbox")
        conn.executemany("INSERT INTO outbox (record_type, record_id, payload, created_at, status, attempts) "
                         "VALUES (?, ?, ?, ?, 'pending', 0)", rows)
        conn.commit()


def _dump(payload: dict[str, Any]) -> str:
    """As ``SqlOutbox.add`` writes it."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


def reset_outbox(folder: Path) -> None:
    with closing(sqlite3.connect(folder / "counter.sqlite3")) as conn, conn:
        conn.execute("UPDATE outbox SET status = 'pending', sent_at = NULL, attempts = 0, last_error = NULL")


def open_counter(folder: Path, url: str) -> Counter:
    return build_counter(Settings(data_dir=folder, workstation=WORKSTATION, demo=True, central_url=url),
                         clock=FixedClock(MORNING))


# -- measurements -------------------------------------------------------------------------------------------
def push_once(folder: Path, admin_url: str, wrap: Callable[[Callable[[], Any]], Any] | None = None,
              freeze: bool = True) -> float:
    """Seconds for one ``SyncService.push()`` of the whole outbox to a fresh central database.

    ``freeze``: as the app does once started (the main window when ready, ``counter-app sync`` after opening the
    store), the start-up heap is frozen first, so a full garbage collection during the push walks only what the
    push made.
    """
    reset_outbox(folder)
    with fresh_database(admin_url) as url:
        prepare_centre(url)
        counter = open_counter(folder, url)
        if freeze:
            freeze_start_up_heap()
        try:
            started = time.perf_counter()
            report = wrap(counter.sync.push) if wrap else counter.sync.push()
            elapsed = time.perf_counter() - started
        finally:
            counter.close()
            gc.unfreeze()
    if isinstance(report, SyncReport) and report.remaining:
        raise RuntimeError(f"push left {report.remaining} records behind")
    return elapsed


def bare_baselines(admin_url: str, folder: Path) -> dict[str, float]:
    """psycopg alone, same rows: executemany INSERT ... ON CONFLICT DO NOTHING, and COPY (seconds)."""
    import psycopg

    with closing(sqlite3.connect(folder / "counter.sqlite3")) as conn:
        rows = conn.execute("SELECT record_id, payload FROM outbox ORDER BY seq").fetchall()
    results: dict[str, float] = {}
    with fresh_database(admin_url) as url:
        parsed = make_url(url)
        conninfo = f"host={parsed.host} port={parsed.port or 5432} user={parsed.username} dbname={parsed.database}"
        with psycopg.connect(conninfo) as conn:
            conn.execute("CREATE TABLE bench_rows (id varchar(36) PRIMARY KEY, payload text NOT NULL)")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO bench_rows (id, payload) VALUES (%s, %s) ON CONFLICT DO NOTHING", rows)
            conn.commit()
            results["executemany"] = time.perf_counter() - started
            conn.execute("TRUNCATE bench_rows")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy("COPY bench_rows (id, payload) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            results["copy"] = time.perf_counter() - started
    return results


def profile_push(folder: Path, admin_url: str, limit: int = 25) -> str:
    profiler = cProfile.Profile()

    def profiled(push: Callable[[], Any]) -> Any:
        return profiler.runcall(push)

    push_once(folder, admin_url, profiled)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def stall_child(folder: Path, admin_url: str, gui: bool, freeze: bool) -> dict[str, float]:
    """In a fresh process (the first push after start, as when a counter comes back online with a backlog): the
    gaps between 5 ms QTimer ticks, idle for 1 s, then while ``SyncService.push`` runs in a worker thread.

    ``gui``: the real main window on its own demo store is open first, so the heap is the app's (a full garbage
    collection walks all of it while holding the GIL). ``freeze``: ``gc.freeze()`` just before the push.
    """
    import gc

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    ticks: list[float] = []
    full_collections: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            full_collections.append((time.perf_counter() - started.pop()) * 1000)

    def gaps_during(run: Callable[[], object]) -> list[float]:
        ticks.clear()
        done = threading.Event()
        loop = QEventLoop()
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)

        def tick() -> None:
            ticks.append(time.perf_counter())
            if done.is_set():
                loop.quit()

        def body() -> None:
            try:
                run()
            finally:
                done.set()

        timer.timeout.connect(tick)
        worker = threading.Thread(target=body, name="bench-push")
        timer.start()
        worker.start()
        loop.exec()
        worker.join()
        timer.stop()
        return [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]

    with tempfile.TemporaryDirectory(prefix="bench-gui-") as gui_dir:
        window = open_main_window(Path(gui_dir), app) if gui else None
        idle = gaps_during(lambda: time.sleep(1.0))
        reset_outbox(folder)
        with fresh_database(admin_url) as url:
            prepare_centre(url)
            counter = open_counter(folder, url)
            if freeze:
                gc.collect()
                gc.freeze()
            gc.callbacks.append(on_gc)
            try:
                busy = gaps_during(lambda: counter.sync.push())
            finally:
                gc.callbacks.remove(on_gc)
                counter.close()
        objects = len(gc.get_objects()) + gc.get_freeze_count()
        if window is not None:
            window.close()
    return {"idle_max_ms": max(idle), "push_max_ms": max(busy),
            "push_p99_ms": statistics.quantiles(busy, n=100)[98] if len(busy) >= 100 else max(busy),
            "full_gc_max_ms": max(full_collections, default=0.0), "full_gcs": float(len(full_collections)),
            "gc_objects": float(objects)}


def open_main_window(folder: Path, app: Any) -> Any:
    """The app's main window, shown (offscreen) on a demo store of its own, once its counter is open."""
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.theme import apply_theme

    apply_theme(app)
    window = MainWindow(Settings(data_dir=folder, workstation="CH1-02", demo=True),
                        lambda settings: build_counter(settings, clock=FixedClock(MORNING)))
    window.resize(1366, 768)
    window.show()
    window.start()
    deadline = time.monotonic() + 60
    while not getattr(window, "ready", False) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    settle = time.monotonic() + 2  # let the first paints and the sign-in screen's own loading finish
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
    return window


def event_loop_stall(folder: Path, admin_url: str, runs: int, gui: bool, freeze: bool) -> dict[str, Any]:
    """``stall_child`` in ``runs`` fresh processes; the worst of each figure."""
    results = []
    for _ in range(runs):
        command = [sys.executable, __file__, "--stall-child", str(folder), "--admin", admin_url]
        command += ["--gui"] if gui else []
        command += ["--freeze"] if freeze else []
        child = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    worst: dict[str, Any] = {key: max(r[key] for r in results) for key in results[0]}
    worst["runs"] = float(runs)
    worst["push_max_ms_each"] = [r["push_max_ms"] for r in results]
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--admin", default=ADMIN_URL)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-freeze", action="store_true",
                        help="push without freezing the start-up heap first (the app freezes it once started)")
    parser.add_argument("--stall", action="store_true")
    parser.add_argument("--stall-runs", type=int, default=3)
    parser.add_argument("--gui", action="store_true", help="--stall with the real main window open")
    parser.add_argument("--freeze", action="store_true", help="--stall with gc.freeze() before the push")
    parser.add_argument("--stall-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.stall_child:
        print(json.dumps(stall_child(args.stall_child, args.admin, args.gui, args.freeze)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-push-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        make_store(folder, args.records)
        generated = time.perf_counter() - started
        runs = [push_once(folder, args.admin, freeze=not args.no_freeze) for _ in range(args.runs)]
        bare = bare_baselines(args.admin, folder)
        result: dict[str, Any] = {
            "records": args.records, "generate_s": generated, "push_runs_s": runs,
            "push_median_s": statistics.median(runs), "push_records_per_s": args.records / statistics.median(runs),
            "start_up_heap_frozen": not args.no_freeze,
            "bare_executemany_records_per_s": args.records / bare["executemany"],
            "bare_copy_records_per_s": args.records / bare["copy"],
        }
        if args.stall:
            result["stall"] = event_loop_stall(folder, args.admin, args.stall_runs, args.gui, args.freeze)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print(f"generated {args.records} pending records in {generated:.2f} s")
            print(f"push{' (start-up heap not frozen)' if args.no_freeze else ''}: runs "
                  f"{', '.join(f'{r:.3f}' for r in runs)} s; median {result['push_median_s']:.3f} s "
                  f"= {result['push_records_per_s']:,.0f} records/s (target >= 20,000)")
            print(f"bare psycopg executemany ON CONFLICT DO NOTHING: {result['bare_executemany_records_per_s']:,.0f}"
                  f" rows/s; COPY: {result['bare_copy_records_per_s']:,.0f} rows/s")
            if args.stall:
                stall = result["stall"]
                each = ", ".join(f"{gap:.0f}" for gap in stall["push_max_ms_each"])
                print(f"event loop ({TICK_MS} ms timer, worst of {args.stall_runs} fresh processes"
                      f"{', main window open' if args.gui else ''}{', gc.freeze()' if args.freeze else ''}): "
                      f"idle max gap {stall['idle_max_ms']:.1f} ms; during push max {stall['push_max_ms']:.1f} ms "
                      f"({each}), p99 {stall['push_p99_ms']:.1f} ms (target < 50); longest full garbage collection "
                      f"{stall['full_gc_max_ms']:.1f} ms over {stall['gc_objects']:,.0f} objects")
        if args.profile:
            print(profile_push(folder, args.admin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
