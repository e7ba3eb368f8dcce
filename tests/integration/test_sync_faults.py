"""Sync under network and process faults, against a real central database, through a TCP proxy of our own.

Each test: a fresh central database (created, migrated and seeded directly, not through the proxy), one or two
counters whose ``central_url`` points at the proxy (``tests/support/tcp_proxy.py``), residents served through the
real services (cash with change and rounding, debit, split card and cash, cheque, questions, referrals), then a
fault. After each test ``assert_central_matches`` checks that every local outbox record is central exactly once and
that the money agrees to the cent by workstation, tender kind and GL account.

Timeouts: ``COUNTER_CENTRAL_TIMEOUT_S=3`` (read by ``build_engine``) shortens the statement, lock, TCP and
client-side answer deadlines from 15-20 s to 3-4 s, so the black-hole test gives up in seconds, not half a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.referrals.referral import Mode, ReferralRequest
from counter_app.services.container import Counter
from counter_app.services.records_sync import SyncReport, SyncStatus
from counter_app.sync import central_schema as cs
from counter_app.sync.central_store import TIMEOUT_ENV, CentralStore, build_engine
from counter_app.sync.records import CentralUnavailableError
from counter_app.sync.seed_central import seed_central
from counter_app.sync.worker import SenderLock, SyncWorker
from tests.central_servers import MARIADB_ADMIN, PG_ADMIN, fresh_database
from tests.conftest import COUNTER_MORNING, FLOAT
from tests.support.stores import copy_store
from tests.support.tcp_proxy import Mode as NetMode
from tests.support.tcp_proxy import TcpProxy

KILLER = Path(__file__).with_name("sync_killer_worker.py")
TIMEOUT_S = 3  # COUNTER_CENTRAL_TIMEOUT_S in these tests
BLACK_HOLE_BUDGET_S = 30.0  # a black-holed sync must have given up by then


# -- the central database and the proxy in front of it -----------------------------------------------------
@dataclass
class Centre:
    url: str  # direct, for checks
    engine: Engine  # direct, plain (no application_name: never mistaken for a counter's session)
    proxy: TcpProxy

    @property
    def via_proxy(self) -> str:
        return self.proxy.url_through(self.url)


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, str(TIMEOUT_S))


def open_centre(admin_url: str) -> Iterator[Centre]:
    """A fresh database, migrated and seeded directly (a fault must never hit the setup), and a proxy before it."""
    with fresh_database(admin_url) as url:
        setup = CentralStore(build_engine(url))
        setup.init()
        seed_central(setup, demo=True)
        setup.engine.dispose()
        engine = create_engine(url, poolclass=NullPool)
        try:
            with TcpProxy.for_url(url) as proxy:
                yield Centre(url, engine, proxy)
        finally:
            engine.dispose()


@pytest.fixture
def pg_centre() -> Iterator[Centre]:
    yield from open_centre(PG_ADMIN)


@pytest.fixture(params=["postgresql", "mariadb"])
def any_centre(request: pytest.FixtureRequest) -> Iterator[Centre]:
    yield from open_centre(PG_ADMIN if request.param == "postgresql" else MARIADB_ADMIN)


# -- counters ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded demo store, built once: copying it saves the ~1 s of seeding (argon2 PINs) for every counter."""
    folder = tmp_path_factory.mktemp("template-store")
    build_counter(Settings(data_dir=folder, workstation="CH1-01", demo=True), clock=FixedClock(COUNTER_MORNING)).close()
    return folder


@pytest.fixture
def open_counter(template_store: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Callable[..., Counter]]:
    """Build counters on copies of the template store (or on an existing folder); closes them all afterwards."""
    built: list[Counter] = []

    def build(name: str, central_url: str, *, folder: Path | None = None, drawer: bool = True) -> Counter:
        data_dir = folder or tmp_path / name
        if folder is None:
            copy_store(template_store, data_dir)
        counter = build_counter(Settings(data_dir=data_dir, workstation=name, demo=True, central_url=central_url),
                                clock=clock)
        if drawer:
            counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
        built.append(counter)
        return counter

    yield build
    for counter in built:
        counter.close()


def serve(counter: Counter, residents: int, seed: int) -> None:
    """Residents at the counter: payments of every kind, questions and referrals, each visit ended as it would be."""
    rng = random.Random(seed)
    cashier = counter.auth.login("1001", "1111")
    payments = counter.payments
    for i in range(residents):
        visit = counter.visits.start_visit(cashier)
        sale = Sale()
        style = i % 4
        if style == 0:  # cash with change and nickel rounding, a taxable composter
            payments.add_line(sale, payments.fixed_line("COMPOST"))
            payments.add_line(sale, payments.open_line("MISC", f"{rng.randint(1, 30)}.{rng.randint(0, 99):02d}",
                                                       "100-1100-4410", "EX", "Photocopies"))
            sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash + 500))
        elif style == 1:  # debit, to the cent
            payments.add_line(sale, payments.fixed_line(rng.choice(("DOG-AC", "CAT", "TR-ADULT"))))
            payments.add_line(sale, payments.open_line("MISC", f"{rng.randint(1, 9)}.{rng.randint(0, 99):02d}",
                                                       "540-5200-4410", "G5", "Recycling lid"))
            sale.add_tender(make_tender(TenderKind.DEBIT, sale.total, last4="4821", auth_code="OK12"))
        elif style == 2:  # split: part on the card, the rest in cash with a $20 note's change
            payments.add_line(sale, payments.fixed_line("CART"))
            payments.add_line(sale, payments.fixed_line("TR-DAY"))
            sale.add_tender(make_tender(TenderKind.DEBIT, 5_000, last4="1234", auth_code="SPLIT1"))
            due = sale.settlement().balance_due_cash
            sale.add_tender(make_tender(TenderKind.CASH, (due // 2_000 + 1) * 2_000))
        else:  # cheque
            payments.add_line(sale, payments.fixed_line("TAXCERT"))
            sale.add_tender(make_tender(TenderKind.CHEQUE, sale.total, number=f"{100 + i}"))
        payments.complete(sale, cashier, visit_id=visit.id)
        if i % 3 == 0:
            counter.visits.log_information(cashier, rng.choice(("transit", "waste_recycling", "tax")),
                                           visit_id=visit.id)
        if i % 5 == 0:
            # quotes, a backslash and accents: the bytes must arrive exactly as written (COPY escapes them)
            reason = f'Billing question {i}: "leak" at meter C:\\{rng.randint(1, 99)} – café'
            counter.referrals.create(ReferralRequest("UTIL", "UTIL-BILL", reason, Mode.WALK_IN, topic="utilities"),
                                     cashier, visit_id=visit.id)
        counter.visits.end_visit(visit.id)


def clone_sales(counter: Counter, copies: int) -> None:
    """Many more sales, fast (the services take ~5 ms each): copies of this counter's sales with new ids and receipt
    numbers, with their lines, tenders and outbox records, in one SQLite transaction, so store and outbox agree."""
    workstation = counter.settings.workstation
    with closing(sqlite3.connect(counter.settings.db_path, timeout=10)) as conn:
        conn.execute("BEGIN IMMEDIATE")

        def columns(table: str, *skip: str) -> list[str]:
            return [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in skip]

        txn_cols = columns("transactions", "id", "sequence", "receipt_number")
        line_cols = columns("transaction_lines", "id", "transaction_id")
        tender_cols = columns("tenders", "id", "transaction_id")
        originals = conn.execute(
            "SELECT t.id, o.payload, o.created_at FROM transactions t JOIN outbox o ON o.record_id = t.id "
            "WHERE t.kind = 'sale' AND t.workstation = ? ORDER BY t.sequence", (workstation,)).fetchall()
        last = conn.execute("SELECT last_number FROM receipt_sequences WHERE workstation = ?",
                            (workstation,)).fetchone()[0]
        for n in range(copies):
            original_id, payload_text, created_at = originals[n % len(originals)]
            last += 1
            new_id, number = str(uuid.uuid4()), f"{workstation}-{last:06d}"
            conn.execute(f"INSERT INTO transactions (id, sequence, receipt_number, {', '.join(txn_cols)}) "
                         f"SELECT ?, ?, ?, {', '.join(txn_cols)} FROM transactions WHERE id = ?",
                         (new_id, last, number, original_id))
            for table, cols in (("transaction_lines", line_cols), ("tenders", tender_cols)):
                conn.execute(f"INSERT INTO {table} (transaction_id, {', '.join(cols)}) "
                             f"SELECT ?, {', '.join(cols)} FROM {table} WHERE transaction_id = ?",
                             (new_id, original_id))
            payload = {**json.loads(payload_text), "id": new_id, "sequence": last, "receipt_number": number}
            conn.execute("INSERT INTO outbox (record_type, record_id, payload, created_at, status, attempts) "
                         "VALUES ('transaction', ?, ?, ?, 'pending', 0)",
                         (new_id, json.dumps(payload, separators=(",", ":"), sort_keys=True), created_at))
        conn.execute("UPDATE receipt_sequences SET last_number = ? WHERE workstation = ?", (last, workstation))
        conn.commit()


def local_rows(counter: Counter, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(counter.settings.db_path, timeout=10)) as conn:
        return conn.execute(sql, params).fetchall()


def outbox_status(counter: Counter) -> dict[str, int]:
    return dict(local_rows(counter, "SELECT status, count(*) FROM outbox GROUP BY status"))


def pending_ids(counter: Counter) -> set[str]:
    return {r[0] for r in local_rows(counter, "SELECT record_id FROM outbox WHERE status = 'pending'")}


def central_ids(centre: Centre) -> set[str]:
    with centre.engine.connect() as conn:
        return set(conn.execute(select(cs.sync_inbox.c.id)).scalars())


# -- the check after every test ----------------------------------------------------------------------------
def _grouped(rows: Any) -> dict[Any, tuple[int, ...]]:
    """{key: (count, sums...)} with every sum an int: PostgreSQL and MariaDB return SUM(BIGINT) as Decimal."""
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in rows}


def _add(into: dict[Any, tuple[int, ...]], more: dict[Any, tuple[int, ...]]) -> None:
    for key, values in more.items():
        into[key] = tuple(a + b for a, b in zip(into.get(key, (0,) * len(values)), values, strict=True))


def assert_central_matches(counters: Sequence[Counter], central: Engine) -> None:
    """Every local outbox record is central exactly once (the very bytes, or flagged as a conflict); counts and
    sums by workstation, tender kind and GL account agree between the local stores and the centre, to the cent."""
    with central.connect() as conn:
        inbox = {r.id: (r.workstation, r.payload_hash, r.payload) for r in conn.execute(
            select(cs.sync_inbox.c.id, cs.sync_inbox.c.workstation, cs.sync_inbox.c.payload_hash,
                   cs.sync_inbox.c.payload))}
        conflicts = {(r.record_id, r.payload_hash) for r in conn.execute(
            select(cs.sync_conflicts.c.record_id, cs.sync_conflicts.c.payload_hash))}
        central_ws = _grouped(conn.execute(
            select(cs.transactions.c.workstation, func.count(), func.sum(cs.transactions.c.total_cents),
                   func.sum(cs.transactions.c.rounding_cents), func.sum(cs.transactions.c.change_cents))
            .group_by(cs.transactions.c.workstation)))
        central_tenders = _grouped(conn.execute(
            select(cs.tenders.c.kind, func.count(), func.sum(cs.tenders.c.amount_cents)).group_by(cs.tenders.c.kind)))
        central_gl = _grouped(conn.execute(
            select(cs.transaction_lines.c.gl_account, func.count(), func.sum(cs.transaction_lines.c.net_cents),
                   func.sum(cs.transaction_lines.c.gst_cents), func.sum(cs.transaction_lines.c.total_cents))
            .group_by(cs.transaction_lines.c.gl_account)))
        central_interactions = _grouped(conn.execute(
            select(cs.interactions.c.workstation, func.count()).group_by(cs.interactions.c.workstation)))
        central_requests = _grouped(conn.execute(
            select(cs.service_requests.c.workstation, func.count()).group_by(cs.service_requests.c.workstation)))
    local_ids: set[str] = set()
    local_ws: dict[Any, tuple[int, ...]] = {}
    local_tenders: dict[Any, tuple[int, ...]] = {}
    local_gl: dict[Any, tuple[int, ...]] = {}
    local_interactions: dict[Any, tuple[int, ...]] = {}
    local_requests: dict[Any, tuple[int, ...]] = {}
    for counter in counters:
        workstation = counter.settings.workstation
        outbox = local_rows(counter, "SELECT record_id, status, payload FROM outbox")
        ids = [record_id for record_id, _, _ in outbox]
        assert len(ids) == len(set(ids)), f"{workstation}: an outbox record id appears twice"
        for record_id, status, payload in outbox:
            assert status in ("sent", "conflict"), f"{workstation}: {record_id} is still {status}"
            assert record_id in inbox, f"{workstation}: {record_id} ({status}) is not in the central database"
            central_workstation, central_hash, central_payload = inbox[record_id]
            assert central_workstation == workstation
            sent_hash = _sha256(payload)
            assert central_hash == _sha256(central_payload)
            if status == "sent":
                assert central_payload == payload, f"{record_id} was marked sent but the centre holds other bytes"
            else:
                assert central_hash != sent_hash and (record_id, sent_hash) in conflicts
        local_ids.update(ids)
        _add(local_ws, _grouped(local_rows(counter, "SELECT workstation, count(*), sum(total_cents), "
                                                    "sum(rounding_cents), sum(change_cents) FROM transactions "
                                                    "GROUP BY workstation")))
        _add(local_tenders, _grouped(local_rows(counter, "SELECT kind, count(*), sum(amount_cents) FROM tenders "
                                                         "GROUP BY kind")))
        _add(local_gl, _grouped(local_rows(counter, "SELECT gl_account, count(*), sum(net_cents), sum(gst_cents), "
                                                    "sum(total_cents) FROM transaction_lines GROUP BY gl_account")))
        _add(local_interactions, _grouped(local_rows(counter, "SELECT workstation, count(*) FROM interactions "
                                                              "GROUP BY workstation")))
        _add(local_requests, _grouped(local_rows(counter, "SELECT workstation, count(*) FROM referrals "
                                                          "GROUP BY workstation")))
    assert set(inbox) == local_ids, "the centre holds records that no counter sent"
    assert local_ws == central_ws, "transactions by workstation (count, total, rounding, change)"
    assert local_tenders == central_tenders, "tenders by kind (count, amount)"
    assert local_gl == central_gl, "lines by GL account (count, net, GST, total)"
    assert local_interactions == central_interactions, "interactions by workstation"
    assert local_requests == central_requests, "referrals = central service requests, by workstation"


def _sha256(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def assert_nothing_sent_wrongly(counter: Counter, centre: Centre) -> None:
    """After a failure: every record marked sent is central (a record may be central and still pending, not the
    other way round)."""
    sent = {r[0] for r in local_rows(counter, "SELECT record_id FROM outbox WHERE status = 'sent'")}
    assert sent <= central_ids(centre)


def failing_sync(counter: Counter) -> CentralUnavailableError:
    with pytest.raises(CentralUnavailableError) as failure:
        counter.sync.sync_once()
    status = counter.sync.status()
    assert status.online is False and status.last_error and status.pending > 0
    return failure.value


# -- the scenarios ------------------------------------------------------------------------------------------
def test_connection_cut_in_the_middle_of_a_batch(any_centre: Centre, open_counter: Callable[..., Counter]) -> None:
    centre, proxy = any_centre, any_centre.proxy
    counter = open_counter("CH1-01", centre.via_proxy)
    serve(counter, 8, seed=1)
    counter.sync.sync_once()
    serve(counter, 40, seed=2)
    waiting = pending_ids(counter)
    payload_bytes = sum(r[0] for r in local_rows(counter, "SELECT sum(length(payload)) FROM outbox "
                                                          "WHERE status = 'pending'"))
    # the batch sends every pending payload at least once: half of them lands well inside it
    cut = proxy.cut_after_bytes(payload_bytes // 2)
    failing_sync(counter)
    assert cut.is_set() and proxy.mode is NetMode.CUT
    assert pending_ids(counter) == waiting, "nothing of the cut batch may be marked sent"
    assert not waiting & central_ids(centre), "the cut batch was rolled back as a whole"
    assert_nothing_sent_wrongly(counter, centre)
    failing_sync(counter)  # still cut: new connections are reset at once
    proxy.pass_through()
    report = counter.sync.sync_once()
    assert (report.pushed, report.duplicates, report.remaining) == (len(waiting), 0, 0)
    assert_central_matches([counter], centre.engine)


def test_commit_reached_the_server_but_its_reply_was_lost(any_centre: Centre,
                                                          open_counter: Callable[..., Counter]) -> None:
    centre, proxy = any_centre, any_centre.proxy
    counter = open_counter("CH1-01", centre.via_proxy)
    serve(counter, 6, seed=3)
    counter.sync.sync_once()
    serve(counter, 30, seed=4)
    waiting = pending_ids(counter)
    lost = proxy.drop_replies_after(b"COMMIT", cut_after_s=0.3)
    failing_sync(counter)
    assert lost.is_set() and proxy.bytes_dropped > 0
    # the dangerous window: applied centrally, still pending locally
    assert waiting <= central_ids(centre) and pending_ids(counter) == waiting
    report = counter.sync.sync_once()
    assert (report.pushed, report.duplicates, report.remaining) == (0, len(waiting), 0)
    assert_central_matches([counter], centre.engine)


def test_black_holed_network_fails_in_time_sales_go_on_and_the_backlog_drains(
        pg_centre: Centre, open_counter: Callable[..., Counter]) -> None:
    centre, proxy = pg_centre, pg_centre.proxy
    counter = open_counter("CH1-01", centre.via_proxy)
    serve(counter, 6, seed=5)
    counter.sync.sync_once()  # a pooled connection is now open: the black hole swallows its next statement
    serve(counter, 10, seed=6)
    proxy.blackhole()
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        sync = pool.submit(counter.sync.sync_once)
        served = 0
        while not sync.done() and time.monotonic() - started < BLACK_HOLE_BUDGET_S:
            began = time.monotonic()
            serve(counter, 1, seed=100 + served)  # the counter keeps serving while the sync waits
            assert time.monotonic() - began < 2.0, "a payment waited on the black-holed sync"
            served += 1
            time.sleep(0.25)
        with pytest.raises(CentralUnavailableError):
            sync.result(timeout=max(0.1, BLACK_HOLE_BUDGET_S - (time.monotonic() - started)))
    elapsed = time.monotonic() - started
    assert elapsed < BLACK_HOLE_BUDGET_S and served >= 1
    status = counter.sync.status()
    assert status.online is False and status.pending > 0 and status.last_error
    proxy.pass_through()
    report = counter.sync.sync_once()
    assert report.remaining == 0 and report.pushed == status.pending
    assert counter.sync.status().online is True
    assert_central_matches([counter], centre.engine)


def test_backend_killed_while_a_large_batch_is_in_flight(pg_centre: Centre,
                                                         open_counter: Callable[..., Counter]) -> None:
    centre, proxy = pg_centre, pg_centre.proxy
    counter = open_counter("CH1-01", centre.via_proxy)
    serve(counter, 12, seed=7)
    clone_sales(counter, 3_000)
    waiting = pending_ids(counter)
    assert len(waiting) > 3_000
    paused = proxy.pause_after_bytes(400_000)  # well inside the first 2,000-record batch (~1.5 MB)
    admin = create_engine(centre.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with ThreadPoolExecutor(1) as pool:
            sync = pool.submit(counter.sync.sync_once)
            assert paused.wait(20), "the batch never got going"
            with admin.connect() as conn:
                killed = conn.execute(text(
                    "SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'counter-sync' AND datname = current_database()")).all()
            proxy.resume()
            with pytest.raises(CentralUnavailableError):
                sync.result(timeout=30)
    finally:
        admin.dispose()
    assert killed and all(ok for _, ok in killed)
    assert {state for state, _ in killed} & {"active", "idle in transaction"}, "no transaction was in flight"
    assert pending_ids(counter) == waiting and not central_ids(centre), "the killed batch left nothing behind"
    report = counter.sync.sync_once()
    assert (report.pushed, report.remaining) == (len(waiting), 0)
    assert_central_matches([counter], centre.engine)


def test_counter_killed_between_the_central_commit_and_marking_sent(pg_centre: Centre,
                                                                    open_counter: Callable[..., Counter]) -> None:
    centre = pg_centre
    counter = open_counter("CH1-02", centre.via_proxy)
    serve(counter, 24, seed=8)
    waiting = pending_ids(counter)
    data_dir = counter.settings.data_dir
    counter.close()
    child = subprocess.run([sys.executable, str(KILLER), str(data_dir), "CH1-02", centre.via_proxy],
                           env={**os.environ, "COUNTER_TEST_KILL_AFTER_APPLY": "1"}, capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    # committed centrally, never marked sent: the exact window a crash must not turn into a loss or a double
    stranded = pending_ids(counter)  # read from the file (the child's own start may have queued a record too)
    assert waiting <= stranded <= central_ids(centre)
    assert child.stdout.strip() == f"APPLIED {len(stranded)}"
    restarted = open_counter("CH1-02", centre.via_proxy, folder=data_dir, drawer=False)
    new_since = len(pending_ids(restarted) - stranded)
    report = restarted.sync.sync_once()
    assert (report.pushed, report.duplicates, report.remaining) == (new_since, len(stranded), 0)
    assert_central_matches([restarted], centre.engine)


def test_two_workstations_sync_at_the_same_time(pg_centre: Centre, open_counter: Callable[..., Counter]) -> None:
    centre = pg_centre
    counters = [open_counter(name, centre.via_proxy) for name in ("CH1-01", "CH1-02")]
    start = threading.Barrier(2, timeout=30)

    def work(counter: Counter, seed: int) -> list[SyncReport]:
        reports = []
        try:
            for round_ in range(3):
                serve(counter, 8, seed=seed + round_)
                start.wait()
                reports.append(counter.sync.sync_once())
        except BaseException:
            start.abort()  # the other thread must not wait for this one
            raise
        return reports

    with ThreadPoolExecutor(2) as pool:
        done = [pool.submit(work, counter, 10 * n) for n, counter in enumerate(counters)]
        results = [future.result(timeout=60) for future in done]
    for counter, reports in zip(counters, results, strict=True):
        assert sum(r.pushed for r in reports) == outbox_status(counter)["sent"]
        assert all(r.duplicates == 0 and r.conflicts == 0 for r in reports)
    assert_central_matches(counters, centre.engine)


def test_two_senders_on_one_workstation(pg_centre: Centre, open_counter: Callable[..., Counter],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    centre = pg_centre
    first = open_counter("CH1-01", centre.via_proxy)
    second = open_counter("CH1-01", centre.via_proxy, folder=first.settings.data_dir, drawer=False)
    serve(first, 20, seed=9)
    # 1. as the app runs them: each sender takes the data folder's lock first; only one gets it
    calls: Tally[int] = Tally()
    published = [threading.Event(), threading.Event()]
    workers = []
    for n, counter in enumerate((first, second)):
        real = counter.sync.sync_once

        def counted(n: int = n, real: Callable[[], SyncReport] = real) -> SyncReport:
            calls[n] += 1
            return real()

        def publish(_status: SyncStatus, n: int = n) -> None:
            published[n].set()

        monkeypatch.setattr(counter.sync, "sync_once", counted)
        lock = SenderLock(counter.settings.data_dir / "sync.lock")
        workers.append(SyncWorker(counter.sync, lock, publish, interval=60, seed=n))
    for worker in workers:
        worker.start()
    try:
        assert all(event.wait(30) for event in published)
    finally:
        for worker in workers:
            worker.stop()
    assert sorted(calls.values()) == [1], f"exactly one sender may run: {dict(calls)}"
    assert outbox_status(first) == {"sent": sum(outbox_status(first).values())}
    # 2. and without the lock: two pushes of the same outbox at once still leave one copy centrally
    serve(first, 20, seed=10)
    waiting = pending_ids(first)
    start = threading.Barrier(2, timeout=30)

    def push(counter: Counter) -> SyncReport:
        start.wait()
        return counter.sync.push()

    with ThreadPoolExecutor(2) as pool:
        reports = [f.result(timeout=60) for f in [pool.submit(push, c) for c in (first, second)]]
    assert sum(r.pushed for r in reports) == len(waiting)
    assert all(r.conflicts == 0 for r in reports)
    assert_central_matches([first], centre.engine)


def test_same_uuid_with_a_changed_payload_is_refused_and_flagged(pg_centre: Centre,
                                                                 open_counter: Callable[..., Counter]) -> None:
    centre = pg_centre
    counter = open_counter("CH1-01", centre.via_proxy)
    serve(counter, 8, seed=11)
    counter.sync.sync_once()
    seq, record_id, payload = local_rows(counter, "SELECT seq, record_id, payload FROM outbox "
                                                  "WHERE record_type = 'transaction' ORDER BY seq LIMIT 1")[0]
    tampered = json.loads(payload)
    tampered["total_cents"] += 100
    tampered["lines"][0]["total_cents"] += 100
    with closing(sqlite3.connect(counter.settings.db_path)) as local, local:
        local.execute("UPDATE outbox SET status = 'pending', sent_at = NULL, payload = ? WHERE seq = ?",
                      (json.dumps(tampered), seq))
    report = counter.sync.sync_once()
    assert (report.pushed, report.duplicates, report.conflicts) == (0, 0, 1)
    assert outbox_status(counter).get("conflict") == 1 and counter.sync.status().conflicts == 1
    assert [c[2] for c in counter.sync.conflicts()] == [record_id]
    [flagged] = CentralStore(centre.engine).conflicts()
    assert flagged["record_id"] == record_id and not flagged["resolved"]
    assert json.loads(flagged["payload"])["total_cents"] == tampered["total_cents"]
    with centre.engine.connect() as conn:
        kept = conn.execute(select(cs.transactions.c.total_cents).where(cs.transactions.c.id == record_id))
        assert kept.scalar_one() == tampered["total_cents"] - 100, "the original is kept"
    again = counter.sync.sync_once()  # flagged records are not sent again and again
    assert (again.pushed, again.conflicts) == (0, 0) and len(CentralStore(centre.engine).conflicts()) == 1
    assert_central_matches([counter], centre.engine)


def test_the_proxy_only_forwards_to_this_machine() -> None:
    for host in ("10.0.0.5", "db.example.ca", "0.0.0.0"):
        with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
            TcpProxy(host, 5432)
