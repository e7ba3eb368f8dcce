"""Nothing lost or doubled whatever the operator does: two PCs on one name, a restore from backup, another centre,
no centre at all, a record the centre refuses, a schema that does not match. Real stores, a real central database.

Each symptom of issue 10 that lived here is a test below that failed before the fix: the centre dropped sales whose
receipt number it held (and reported success), a restored store reissued numbers, an empty URL sent everything to
the demo centre and marked it sent, one bad record blocked the queue for ever, MariaDB turned text into "?".
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.drawer.session import MovementKind
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.security.pepper_source import PEPPER_ENV
from counter_app.security.pins import DEMO_PEPPER, hash_pin
from counter_app.services.container import Counter
from counter_app.services.restore import NumbersUnsafeError
from counter_app.sync import central_schema as cs
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.records import CentralRefusedError, CentralUnavailableError, NoCentralError
from counter_app.sync.seed_central import seed_central
from tests.central_servers import MARIADB_ADMIN, PG_ADMIN, fresh_database
from tests.conftest import FLOAT
from tests.integration.test_sync_faults import assert_central_matches, serve
from tests.support.city import CITY_PEPPER, CITY_PEPPER_TEXT


# -- centres and stores --------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def city_pepper(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real stores check PINs with the city's pepper, as IT provisions it (demo stores use the demo one)."""
    monkeypatch.setenv(PEPPER_ENV, CITY_PEPPER_TEXT)


def _centre(url: str, *, real: bool = False) -> str:
    """A centre with the demo staff: hashed with the city's pepper for real stores (which pull their staff from
    their centre), with the demo pepper for demo stores."""
    store = CentralStore(build_engine(url))
    store.init()
    seed_central(store, demo=True, pepper=CITY_PEPPER if real else DEMO_PEPPER)
    store.engine.dispose()
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database(PG_ADMIN) as url:
        yield _centre(url)


@pytest.fixture
def real_url() -> Iterator[str]:
    """PostgreSQL, for real stores."""
    with fresh_database(PG_ADMIN) as url:
        yield _centre(url, real=True)


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield _centre(f"sqlite:///{tmp_path / 'central.sqlite3'}")
        return
    with fresh_database(PG_ADMIN if request.param == "postgresql" else MARIADB_ADMIN) as url:
        yield _centre(url)


def real_store(folder: Path, name: str, url: str | None, clock: FixedClock) -> Counter:
    """A real (non-demo) store, named as IT would name it."""
    return build_counter(Settings(data_dir=folder, workstation=name, workstation_source="--workstation",
                                  central_url=url), clock=clock)


def demo_store(folder: Path, name: str, url: str | None, clock: FixedClock, *, drawer: bool = True) -> Counter:
    counter = build_counter(Settings(data_dir=folder, workstation=name, demo=True, central_url=url), clock=clock)
    if drawer:
        counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
    return counter


def sell(counter: Counter, n: int, totals: dict[str, int] | None = None) -> list[str]:
    """``n`` sales by the demo cashier; their receipt numbers (and totals into ``totals``)."""
    cashier = counter.auth.login("1001", "1111")
    numbers = []
    for i in range(n):
        sale = Sale()
        counter.payments.add_line(sale, counter.payments.fixed_line(["TR-DAY", "DOG-AC", "COMPOST"][i % 3]))
        if i % 2:
            sale.add_tender(make_tender(TenderKind.DEBIT, sale.total, last4="4821", auth_code="OK12"))
        else:
            sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash + 500))
        done = counter.payments.complete(sale, cashier)
        numbers.append(done.receipt_number)
        if totals is not None:
            totals[done.receipt_number] = done.settlement.total
    return numbers


def local(counter: Counter, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(counter.settings.db_path, timeout=10)) as conn:
        return conn.execute(sql, params).fetchall()


def central_rows(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


def back_up(folder: Path, backup: Path) -> None:
    backup.mkdir()
    shutil.copy2(folder / "counter.sqlite3", backup / "counter.sqlite3")


def restore(backup: Path, folder: Path) -> None:
    for leftover in folder.glob("counter.sqlite3*"):
        leftover.unlink()
    shutil.copy2(backup / "counter.sqlite3", folder / "counter.sqlite3")


def restored_day(tmp_path: Path, url: str, clock: FixedClock, before: int, after: int, *,
                 totals: dict[str, int] | None = None, sync_after: bool = True,
                 keep_witness: bool = False) -> list[str]:
    """A real store's day, then a restore: ``before`` sales and a sync, a backup (with the witness beside the
    folder when ``keep_witness``: a backup of the whole profile), ``after`` more sales (synced unless told not to),
    and the backup put back. Returns the receipt numbers the restore lost."""
    folder = tmp_path / "CH1-01"
    counter = opened_real_store(folder, url, clock)
    sell(counter, before, totals)
    counter.sync.sync_once()
    counter.close()
    back_up(folder, tmp_path / "backup")
    if keep_witness:
        shutil.copytree(tmp_path / ".counter-witness", tmp_path / "backup-witness")
    counter = real_store(folder, "CH1-01", url, clock)
    lost = sell(counter, after, totals)
    if sync_after:
        counter.sync.sync_once()
    counter.close()
    restore(tmp_path / "backup", folder)
    if keep_witness:
        shutil.rmtree(tmp_path / ".counter-witness")
        shutil.copytree(tmp_path / "backup-witness", tmp_path / ".counter-witness")
    return lost


def opened_real_store(folder: Path, url: str, clock: FixedClock) -> Counter:
    """A real store's first day: registered centrally, staff pulled, the cashier's drawer open."""
    counter = real_store(folder, "CH1-01", url, clock)
    counter.sync.sync_once()
    counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
    return counter


# -- 1. two stores, one workstation name ---------------------------------------------------------------------
def test_a_second_store_claiming_a_workstation_name_is_refused_and_loses_nothing(
        any_url: str, tmp_path: Path, clock: FixedClock) -> None:
    """Both kept the default name: the centre used to keep 60 of 120 sales and both syncs said conflicts 0."""
    first = demo_store(tmp_path / "pc1", "CH1-01", any_url, clock)
    second = demo_store(tmp_path / "pc2", "CH1-01", any_url, clock)
    sell(first, 60)
    sell(second, 60)
    first.sync.sync_once()
    with pytest.raises(CentralRefusedError, match="registered in the central database to another counter"):
        second.sync.sync_once()
    assert "CH1-01" in (second.sync.status().last_error or "")
    [(held,)] = central_rows(any_url, "SELECT count(*) FROM c_transactions")
    [(orphans,)] = central_rows(any_url, "SELECT count(*) FROM c_transaction_lines l WHERE NOT EXISTS "
                                         "(SELECT 1 FROM c_transactions t WHERE t.id = l.transaction_id)")
    assert (held, orphans) == (60, 0)
    assert dict(local(second, "SELECT status, count(*) FROM outbox GROUP BY status")).keys() == {"pending"}
    assert_central_matches([first], create_engine(any_url))
    first.close()
    second.close()


def test_a_new_real_store_numbers_nothing_before_its_name_is_registered(real_url: str, tmp_path: Path,
                                                                          clock: FixedClock) -> None:
    counter = real_store(tmp_path / "pc", "CH1-02", real_url, clock)
    assert counter.sync.status().series_state == "new"
    counter.sync.sync_once()  # registers CH1-02 and pulls the staff
    counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
    assert sell(counter, 2) == ["CH1-02-000001", "CH1-02-000002"]
    counter.close()


# -- 2. a restore from backup --------------------------------------------------------------------------------
@pytest.mark.parametrize("witness", ["kept", "lost with the disk"])
def test_a_store_restored_from_a_backup_issues_no_number_twice(real_url: str, tmp_path: Path, clock: FixedClock,
                                                               witness: str) -> None:
    """50 sales, sync, back up, 40 more, sync, restore, 30 more, sync: the day's money was missing centrally."""
    folder = tmp_path / "CH1-01"
    totals: dict[str, int] = {}
    lost = restored_day(tmp_path, real_url, clock, 50, 40, totals=totals)
    if witness != "kept":
        shutil.rmtree(tmp_path / ".counter-witness")

    counter = real_store(folder, "CH1-01", real_url, clock)
    assert counter.sync.status().series_state == ("restored" if witness == "kept" else "unverified")
    with pytest.raises(NumbersUnsafeError, match="central 311 database must"):
        sell(counter, 1)
    assert local(counter, "SELECT count(*) FROM transactions") == [(50,)]
    counter.sync.sync_once()  # reconciles before anything is sent
    done = counter.sync.last_reconcile
    assert done is not None and done.numbers["receipt"] == (50, 90)
    if witness == "kept":
        assert done.restored
        assert {r.label.split()[1] for r in done.lacking if r.record_type == "transaction"} == set(lost)
        assert counter.sync.status().lacking == len(done.lacking)
    after = sell(counter, 30, totals)
    assert after[0] == "CH1-01-000091" and after[-1] == "CH1-01-000120"
    report = counter.sync.sync_once()
    assert report.conflicts == 0 and report.quarantined == 0
    numbers = central_rows(real_url, "SELECT receipt_number, total_cents FROM c_transactions")
    assert len(numbers) == 120 and dict(numbers) == totals  # every sale central once, to the cent
    assert counter.audit.verify(use_central=True) is None and counter.audit.central_checked
    counter.close()


def test_a_restore_the_store_cannot_see_is_caught_by_the_centre_and_reported(real_url: str, tmp_path: Path,
                                                                                clock: FixedClock) -> None:
    """The backup held the witness too (the whole profile was restored): the store cannot tell; the centre can.
    Numbers reused before the next sync are refused as conflicts, in words: kept here, never dropped."""
    folder = tmp_path / "CH1-01"
    restored_day(tmp_path, real_url, clock, 10, 20, keep_witness=True)

    counter = real_store(folder, "CH1-01", real_url, clock)
    assert counter.sync.status().series_state == "ok"
    reused = sell(counter, 5)
    assert reused[0] == "CH1-01-000011"
    report = counter.sync.sync_once()
    assert report.conflicts == 5
    refused = counter.sync.refused()
    assert len(refused) == 5 and all("receipt number" in r.reason for r in refused)
    assert sell(counter, 1) == ["CH1-01-000031"]  # after the centre's highest, never again a reused one
    counter.close()


def test_a_supervisor_lets_a_restored_store_go_on_when_the_centre_is_out_of_reach(
        real_url: str, tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "CH1-01"
    restored_day(tmp_path, real_url, clock, 3, 4, sync_after=False)
    offline = "postgresql://counter@127.0.0.1:9/none"
    counter = build_counter(Settings(data_dir=folder, central_url=offline), clock=clock)
    with pytest.raises(NumbersUnsafeError):
        sell(counter, 1)
    supervisor = counter.auth.login("2001", "999901")
    jumped = counter.sync.continue_without_centre(supervisor, "centre down after the disk was replaced")
    assert jumped["receipt"] == (3, 1000)
    assert sell(counter, 1) == ["CH1-01-001001"]
    [entry] = counter.audit.search(action="restore_override")
    assert entry.actor == "2001" and entry.detail["skipped"]["receipt"] == [4, 1000]
    counter.close()


# -- 3. another centre, no centre --------------------------------------------------------------------------
def test_a_counter_pointed_at_another_centre_sends_everything_there_too(pg_url: str, tmp_path: Path,
                                                                          clock: FixedClock) -> None:
    first_url = _centre(f"sqlite:///{tmp_path / 'old-centre.sqlite3'}")
    counter = demo_store(tmp_path / "ws", "CH1-02", first_url, clock)
    serve(counter, 6, seed=3)
    counter.sync.sync_once()
    counter.close()
    counter = demo_store(tmp_path / "ws", "CH1-02", pg_url, clock, drawer=False)
    report = counter.sync.sync_once()
    assert report.pushed == len(local(counter, "SELECT seq FROM outbox")) and report.remaining == 0
    assert_central_matches([counter], create_engine(pg_url))
    assert any("Another central database" in entry.message for entry in counter.sync.log())
    counter.close()


def test_a_real_store_with_no_central_url_sends_nothing_marks_nothing_and_pulls_no_demo_staff(
        real_url: str, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from counter_app.cli import main

    folder = tmp_path / "CH1-01"
    counter = opened_real_store(folder, real_url, clock)
    sell(counter, 12)
    counter.close()
    sent = local(counter, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    monkeypatch.setenv("COUNTER_CENTRAL_URL", "")
    assert main(["sync", "--once", "--data-dir", str(folder)]) == 1
    assert local(counter, "SELECT count(*) FROM outbox WHERE status = 'sent'") == sent  # nothing marked sent
    assert not list(tmp_path.glob("**/demo-central.sqlite3"))  # nothing went to (or made) a demo centre
    assert main(["sync", "--once", "--data-dir", str(folder), "--central", real_url]) == 0
    assert local(counter, "SELECT count(*) FROM outbox WHERE status = 'pending'") == [(0,)]
    [(held,)] = central_rows(real_url, "SELECT count(*) FROM c_transactions")
    assert held == 12


def test_a_real_store_never_meets_the_demo_staff(tmp_path: Path, clock: FixedClock) -> None:
    counter = real_store(tmp_path / "CH1-03", "CH1-03", None, clock)
    with pytest.raises(NoCentralError):
        counter.sync.sync_once()
    assert local(counter, "SELECT count(*) FROM staff") == [(0,)]
    with pytest.raises(ValueError, match="Staff number or PIN is wrong"):
        counter.auth.login("9001", "777703")
    assert counter.sync.status().configured is False
    assert not list(tmp_path.glob("**/demo-central.sqlite3"))
    counter.close()


def test_a_real_store_that_an_earlier_version_gave_the_demo_staff_loses_them(tmp_path: Path,
                                                                           clock: FixedClock) -> None:
    """An earlier version pulled them from the demo centre when no URL was set; they stayed after a real URL."""
    counter = real_store(tmp_path / "CH1-03", "CH1-03", None, clock)
    counter.close()
    with closing(sqlite3.connect(counter.settings.db_path)) as conn, conn:
        conn.execute("INSERT INTO staff (staff_no, name, role, pin_hash, active, failed_attempts) "
                     "VALUES ('9001', 'Morgan Admin', 'administrator', ?, 1, 0)", (hash_pin("777703", DEMO_PEPPER),))
        conn.execute("INSERT INTO staff (staff_no, name, role, pin_hash, active, failed_attempts) "
                     "VALUES ('4711', 'Dana Real', 'cashier', ?, 1, 0)", (hash_pin("4826", CITY_PEPPER),))
        conn.execute("UPDATE store_identity SET demo = NULL")  # as the upgrade to identities leaves such a store
    counter = build_counter(Settings(data_dir=tmp_path / "CH1-03"), clock=clock)  # plain start, no --demo
    with pytest.raises(ValueError, match="Staff number or PIN is wrong"):
        counter.auth.login("9001", "777703")
    assert counter.auth.login("4711", "4826").name == "Dana Real"  # the city's own staff are untouched
    counter.close()


# -- 4. records the centre refuses ---------------------------------------------------------------------------
@pytest.fixture(params=["postgresql", "mariadb"])
def strict_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with fresh_database(PG_ADMIN if request.param == "postgresql" else MARIADB_ADMIN) as url:
        yield _centre(url)


def _poison(counter: Counter, seq: int) -> str:
    """Turn one queued record into one no centre can store (written by an older version, say)."""
    [(record_id, payload)] = local(counter, "SELECT record_id, payload FROM outbox WHERE seq = ?", seq)
    data = json.loads(payload)
    data["topic"] = "utilities\x00" + "x" * 40  # NUL for PostgreSQL, too long for a strict MariaDB
    with closing(sqlite3.connect(counter.settings.db_path)) as conn, conn:
        conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(data), seq))
    return str(record_id)


def test_a_poison_record_in_the_middle_of_the_queue_is_set_aside_and_the_rest_goes(
        strict_url: str, tmp_path: Path, clock: FixedClock) -> None:
    from counter_app.cli import main

    counter = demo_store(tmp_path / "ws", "CH1-01", strict_url, clock)
    serve(counter, 12, seed=5)
    kinds = [seq for seq, in local(counter, "SELECT seq FROM outbox WHERE record_type = 'interaction' ORDER BY seq")]
    poisoned = _poison(counter, kinds[len(kinds) // 2])
    report = counter.sync.sync_once()
    assert report.quarantined == 1 and report.remaining == 0
    [refused] = counter.sync.refused()
    assert refused.record_id == poisoned and refused.status == "quarantined"
    assert "refused" in refused.reason
    status = local(counter, "SELECT status, count(*) FROM outbox GROUP BY status")
    assert dict(status)["quarantined"] == 1 and dict(status).keys() == {"sent", "quarantined"}
    [(inbox,)] = central_rows(strict_url, "SELECT count(*) FROM sync_inbox")
    assert inbox == sum(n for s, n in status if s == "sent")
    counter.close()
    # the command says so: the records are not all central, so it is not a success
    assert main(["sync", "--once", "--data-dir", str(tmp_path / "ws"), "--central", strict_url]) == 1
    counter = build_counter(Settings(data_dir=tmp_path / "ws", central_url=strict_url), clock=clock)
    supervisor = counter.auth.login("2001", "999901")
    assert counter.sync.retry_refused(supervisor) == 1
    assert counter.sync.sync_once().quarantined == 1  # still bad: set aside again, the queue is not blocked
    exported = counter.sync.export_refused(supervisor)
    assert [r["record_id"] for r in exported] == [poisoned]
    counter.close()


HOSTILE_TEXTS = ["אגרת רישיון כלב", "رسوم رخصة الكلب", "Café 🐕‍🦺 𝄞 𠜎 👩🏽‍💻", "ZWJ‍test — “quotes” \\ back"]


@pytest.mark.parametrize("charset", ["latin1", "utf8mb4"])
def test_mariadb_keeps_every_character_whatever_the_server_default(charset: str, tmp_path: Path,
                                                                   clock: FixedClock) -> None:
    with fresh_database(MARIADB_ADMIN, charset=charset) as url:
        _centre(url)
        counter = demo_store(tmp_path / "ws", "CH1-01", url, clock)
        cashier = counter.auth.login("1001", "1111")
        for reason in HOSTILE_TEXTS:
            counter.drawers.move_cash(cashier, MovementKind.PICKUP, "1.00", reason)
        counter.sync.sync_once()
        held = {row[0] for row in central_rows(url, "SELECT reason FROM c_cash_movements")}
        assert held == set(HOSTILE_TEXTS)
        tables = central_rows(url, "SELECT table_name, table_collation FROM information_schema.tables "
                                   "WHERE table_schema = DATABASE() AND table_name LIKE 'c\\_%'")
        assert tables and all(collation == "utf8mb4_bin" for _, collation in tables)
        counter.close()


def test_postgresql_keeps_every_character(pg_url: str, tmp_path: Path, clock: FixedClock) -> None:
    counter = demo_store(tmp_path / "ws", "CH1-01", pg_url, clock)
    cashier = counter.auth.login("1001", "1111")
    for reason in HOSTILE_TEXTS:
        counter.drawers.move_cash(cashier, MovementKind.PICKUP, "1.00", reason)
    counter.sync.sync_once()
    assert {row[0] for row in central_rows(pg_url, "SELECT reason FROM c_cash_movements")} == set(HOSTILE_TEXTS)
    counter.close()


# -- 5. a workstation is its store's -------------------------------------------------------------------------
def test_the_workstation_is_the_stores_for_every_command(tmp_path: Path) -> None:
    from counter_app.cli import main

    folder, central = tmp_path / "ws", f"sqlite:///{tmp_path / 'central.sqlite3'}"
    assert main(["--workstation", "CH1-05", "simulate", "--demo", "--data-dir", str(folder), "--transactions", "6",
                 "--seed", "2", "--date", "2026-11-25", "--close"]) == 0
    assert main(["central", "init", "--url", central, "--data-dir", str(folder)]) == 0
    assert main(["sync", "--once", "--data-dir", str(folder), "--central", central]) == 0
    for table in ("sync_inbox", "c_transactions", "c_drawer_sessions", "c_z_reports", "c_interactions", "sync_heads",
                  "c_workstations"):
        found = {row[0] for row in central_rows(central, f"SELECT DISTINCT workstation FROM {table}")}
        assert found == {"CH1-05"}, table
    assert main(["journal", "--data-dir", str(folder), "--date", "2026-11-25", "--format", "csv"]) == 0
    assert main(["journal", "--data-dir", str(folder), "--workstation", "CH1-01"]) == 2


def test_a_name_that_disagrees_with_the_store_is_refused_in_words(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import main

    folder = tmp_path / "ws"
    assert main(["--workstation", "CH1-05", "simulate", "--demo", "--data-dir", str(folder), "--transactions",
                 "1"]) == 0
    capsys.readouterr()
    (folder / "settings.json").write_text(json.dumps({"workstation": "CH1-01"}), encoding="utf-8")
    assert main(["sync", "status", "--data-dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "holds the store of workstation CH1-05" in err and "settings.json names CH1-01" in err


def test_a_new_real_store_has_no_default_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import main

    folder = tmp_path / "new"
    assert main(["eod", "x-report", "--staff", "1001", "--data-dir", str(folder)]) == 2
    assert not (folder / "counter.sqlite3").exists()
    with pytest.raises(ValueError, match="give its workstation name"):
        build_counter(Settings(data_dir=folder))


# -- 6. the audit trail anchored for real --------------------------------------------------------------------
def test_a_rewritten_and_rechained_history_is_caught_by_the_centres_anchors(pg_url: str, tmp_path: Path,
                                                                             clock: FixedClock) -> None:
    from dataclasses import replace

    from counter_app.security.audit_chain import entry_hash

    counter = demo_store(tmp_path / "ws", "CH1-01", pg_url, clock)
    sell(counter, 3)
    counter.sync.sync_once()
    entries = list(counter.audit.search(limit=1000))[::-1]
    rewritten, previous = [], None
    for entry in entries:  # the attacker edits entry 3 and recomputes every hash after it
        if entry.seq == 3:
            entry = replace(entry, detail={**entry.detail, "reason": "nothing to see"})
        if previous is not None:
            entry = replace(entry, prev_hash=previous)
        entry = replace(entry, entry_hash=entry_hash(entry))
        rewritten.append(entry)
        previous = entry.entry_hash
    with closing(sqlite3.connect(counter.settings.db_path)) as conn, conn:
        for entry in rewritten:
            conn.execute("UPDATE audit_log SET detail = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?",
                         (json.dumps(entry.detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                          entry.prev_hash, entry.entry_hash, entry.seq))
        conn.execute("UPDATE sync_state SET value = ? WHERE key = 'audit_head'",
                     (f"{rewritten[-1].seq}:{rewritten[-1].entry_hash}",))
    counter.auth.login("1002", "2222")  # and one new entry on top
    assert counter.audit.verify(use_central=False) is None  # the local chain alone is fooled
    found = counter.audit.verify(use_central=True)
    assert found is not None and found.seq == 3 and "rewritten" in found.reason
    counter.close()


def test_audit_verify_says_when_the_centre_was_not_checked(tmp_path: Path, clock: FixedClock,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import EXIT_CENTRE_NOT_CHECKED, main

    counter = demo_store(tmp_path / "ws", "CH1-01", None, clock)
    counter.close()
    code = main(["audit", "verify", "--data-dir", str(tmp_path / "ws"), "--central",
                 "postgresql://counter@127.0.0.1:9/none"])
    out = capsys.readouterr().out
    assert code == EXIT_CENTRE_NOT_CHECKED == 3
    assert out.startswith("Local chain intact: ") and "centre not checked" in out


def test_the_centres_audit_anchors_cannot_be_changed(pg_url: str, tmp_path: Path, clock: FixedClock) -> None:
    counter = demo_store(tmp_path / "ws", "CH1-01", pg_url, clock)
    counter.sync.sync_once()
    counter.close()
    engine = create_engine(pg_url)
    try:
        for statement in ("UPDATE c_audit_events SET action = 'x'", "DELETE FROM c_audit_events",
                          "TRUNCATE c_audit_events"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        engine.dispose()


# -- 7. schemas that do not match ----------------------------------------------------------------------------
def test_a_centre_on_another_schema_version_is_refused_before_anything_is_sent(pg_url: str, tmp_path: Path,
                                                                               clock: FixedClock) -> None:
    counter = demo_store(tmp_path / "ws", "CH1-01", pg_url, clock)
    sell(counter, 2)
    engine = create_engine(pg_url)
    try:
        for version, words in (("c0001", "older than this Counter"), ("c0099", "newer Counter")):
            with engine.begin() as conn:
                conn.execute(text("UPDATE central_alembic_version SET version_num = :v"), {"v": version})
            with pytest.raises(CentralRefusedError, match=words):
                counter.sync.sync_once()
            with engine.connect() as conn:
                assert conn.execute(select(func.count()).select_from(cs.sync_inbox)).scalar_one() == 0
    finally:
        engine.dispose()
    counter.close()


def test_central_init_refuses_a_newer_or_drifted_schema_in_words(pg_url: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import main

    args = ["central", "init", "--url", pg_url, "--data-dir", str(tmp_path / "any")]
    assert main(args) == 0
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE c_transactions ALTER COLUMN reason TYPE VARCHAR(40)"))
            conn.execute(text("ALTER TABLE c_tenders DROP COLUMN auth_code"))
        capsys.readouterr()
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "does not match the schema Counter expects" in err and "c_tenders.auth_code is missing" in err
        assert "c_transactions.reason" in err
        with engine.begin() as conn:
            conn.execute(text("UPDATE central_alembic_version SET version_num = 'c0099'"))
        assert main(args) == 1
        assert "c0099" in capsys.readouterr().err
    finally:
        engine.dispose()


# -- 8. a sync that ends on time ------------------------------------------------------------------------------
def test_the_central_timeout_bounds_the_whole_attempt(pg_url: str, tmp_path: Path, clock: FixedClock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Replies delayed 0.5 s each, a 3 s timeout: one attempt used to run for minutes, holding central
    transactions open; now it gives up after about 3 s and the next attempt goes on from there."""
    from tests.support.tcp_proxy import TcpProxy

    monkeypatch.setenv("COUNTER_CENTRAL_TIMEOUT_S", "3")
    with TcpProxy.for_url(pg_url) as proxy:
        counter = demo_store(tmp_path / "ws", "CH1-01", proxy.url_through(pg_url), clock)
        serve(counter, 40, seed=8)
        proxy.delay_replies(0.5)
        started = time.monotonic()
        with pytest.raises(CentralUnavailableError) as failure:
            counter.sync.sync_once()
        took = time.monotonic() - started
        assert "COUNTER_CENTRAL_TIMEOUT_S" in str(failure.value)
        assert took < 3 + 5.5, f"one attempt took {took:.1f} s"
        proxy.delay_replies(0)
        time.sleep(0.5)
        idle = central_rows(pg_url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                    "'counter-sync' AND state LIKE 'idle in transaction%' "
                                    "AND now() - state_change > interval '6 seconds'")
        assert idle == [(0,)]
        counter.sync.sync_once()
        assert counter.sync.status().pending == 0
        counter.close()


# -- 9. the commands, in words -------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["sync", "--once", "--central", "not a url"], ["sync", "status", "--central",
                                                                                   "garbage"]])
def test_a_central_url_that_is_not_one_is_one_line_and_changes_nothing(
        args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import main

    folder = tmp_path / "ws"
    assert main(["simulate", "--demo", "--data-dir", str(folder), "--transactions", "2"]) == 0
    capsys.readouterr()
    before = (folder / "counter.sqlite3").read_bytes()
    assert main([*args, "--data-dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("counter-app: ") and err.count("\n") == 1 and "is not a database URL" in err
    assert (folder / "counter.sqlite3").read_bytes() == before


def test_it_frees_the_name_of_a_pc_gone_for_good_and_the_next_store_continues_its_numbers(
        real_url: str, tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]) -> None:
    from counter_app.cli import main

    old = opened_real_store(tmp_path / "old", real_url, clock)
    sell(old, 4)
    old.sync.sync_once()
    old.close()
    new = real_store(tmp_path / "new", "CH1-01", real_url, clock)  # the disk died, there is no backup
    with pytest.raises(CentralRefusedError, match="central release-workstation CH1-01"):
        new.sync.sync_once()
    assert main(["central", "release-workstation", "CH1-01", "--url", real_url, "--data-dir", str(tmp_path / "x")]) == 0
    assert "Workstation CH1-01 is free" in capsys.readouterr().out
    new.sync.sync_once()
    new.drawers.open(new.auth.login("1001", "1111"), FLOAT)
    assert sell(new, 1) == ["CH1-01-000005"]
    new.close()


def test_sync_refused_lists_them_and_a_supervisor_exports_them(strict_url: str, tmp_path: Path, clock: FixedClock,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from counter_app.cli import main

    counter = demo_store(tmp_path / "ws", "CH1-01", strict_url, clock)
    serve(counter, 4, seed=2)
    kinds = [seq for seq, in local(counter, "SELECT seq FROM outbox WHERE record_type = 'interaction'")]
    poisoned = _poison(counter, kinds[0])
    counter.close()
    folder = ["--data-dir", str(tmp_path / "ws"), "--central", strict_url]
    assert main(["sync", "--once", *folder]) == 1
    err = capsys.readouterr().err
    assert "refused by the central database wait for a supervisor" in err
    assert main(["sync", "refused", *folder]) == 0
    assert "quarantined" in capsys.readouterr().out
    monkeypatch.setenv("COUNTER_PIN", "1111")
    assert main(["sync", "refused", "--export", str(tmp_path / "refused.json"), "--staff", "1001", *folder]) == 2
    assert "Only a supervisor" in capsys.readouterr().err
    monkeypatch.setenv("COUNTER_PIN", "999901")
    assert main(["sync", "refused", "--export", str(tmp_path / "refused.json"), "--staff", "2001", *folder]) == 0
    exported = json.loads((tmp_path / "refused.json").read_text(encoding="utf-8"))
    assert [r["record_id"] for r in exported] == [poisoned] and exported[0]["reason"]


@pytest.mark.slow
def test_killed_while_reconciling_after_a_restore_nothing_is_lost_or_issued_twice(
        real_url: str, tmp_path: Path, clock: FixedClock) -> None:
    """SIGKILL the sync of a restored store at random moments (hello, reconciliation, push), then let it finish."""
    import os
    import random
    import signal
    import subprocess
    import sys

    folder = tmp_path / "CH1-01"
    restored_day(tmp_path, real_url, clock, 20, 15)
    rng = random.Random(10)
    command = [sys.executable, "-m", "counter_app", "sync", "--once", "--data-dir", str(folder), "--central", real_url]
    env = {**os.environ, "COUNTER_SYNC_AUTOSTART": "0"}
    for _ in range(6):
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.3, 2.0))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
    counter = real_store(folder, "CH1-01", real_url, clock)
    counter.sync.sync_once()
    assert counter.sync.status().series_state == "ok"
    after = sell(counter, 3)
    assert after == ["CH1-01-000036", "CH1-01-000037", "CH1-01-000038"]
    counter.sync.sync_once()
    numbers = [n for (n,) in central_rows(real_url, "SELECT receipt_number FROM c_transactions")]
    assert len(numbers) == len(set(numbers)) == 38
    assert counter.audit.verify(use_central=True) is None and counter.audit.central_checked
    assert counter.sync.refused() == []
    counter.close()
