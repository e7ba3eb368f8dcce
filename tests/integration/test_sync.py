"""Sync through the real services to a real central database: exactly once, conflicts kept, changes pulled."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter
from counter_app.sync import central_schema as cs
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.records import CentralRecordError, OutgoingRecord
from counter_app.sync.seed_central import seed_central
from tests.central_servers import MARIADB_ADMIN, PG_ADMIN, fresh_database
from tests.conftest import FLOAT


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    with fresh_database(PG_ADMIN if request.param == "postgresql" else MARIADB_ADMIN) as url:
        yield url


@pytest.fixture
def central(central_url: str) -> Iterator[CentralStore]:
    store = CentralStore(build_engine(central_url))
    store.init()
    seed_central(store, demo=True)
    yield store
    store.engine.dispose()


def workstation(tmp_path: Path, name: str, central_url: str, clock: FixedClock) -> Counter:
    counter = build_counter(Settings(data_dir=tmp_path / name, workstation=name, demo=True, central_url=central_url),
                            clock=clock)
    counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
    return counter


def take_payments(counter: Counter, n: int) -> None:
    cashier = counter.auth.login("1001", "1111")
    for i in range(n):
        sale = Sale()
        counter.payments.add_line(sale, counter.payments.fixed_line(["TR-DAY", "DOG-AC", "COMPOST"][i % 3]))
        if i % 2:
            sale.add_tender(make_tender(TenderKind.DEBIT, sale.total, last4="4821", auth_code="OK12"))
        else:
            sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash + 500))
        counter.payments.complete(sale, cashier)


def local_outbox(counter: Counter) -> dict[str, int]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return dict(conn.execute("select status, count(*) from outbox group by status").fetchall())


def test_push_is_exactly_once_and_totals_match(tmp_path: Path, central: CentralStore, central_url: str,
                                               clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 12)
    report = counter.sync.sync_once()
    assert report.pushed == local_outbox(counter)["sent"] and report.remaining == 0
    # resending everything is harmless: every record is recognised by its UUID
    with sqlite3.connect(counter.settings.db_path) as conn:
        conn.execute("update outbox set status='pending', sent_at=null")
    again = counter.sync.sync_once()
    assert again.pushed == 0 and again.duplicates == report.pushed
    with central.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cs.transactions)).scalar_one() == 12
        central_total = conn.execute(select(func.sum(cs.transactions.c.total_cents))).scalar_one()
        central_cash = conn.execute(select(func.sum(cs.tenders.c.amount_cents)).where(cs.tenders.c.kind == "cash"))
        central_cash_total = central_cash.scalar_one()
    with sqlite3.connect(counter.settings.db_path) as conn:
        assert conn.execute("select sum(total_cents) from transactions").fetchone()[0] == central_total
        assert conn.execute("select sum(amount_cents) from tenders where kind='cash'").fetchone()[0] == \
            central_cash_total
    counter.close()


def test_changed_payload_is_refused_and_flagged(tmp_path: Path, central: CentralStore, central_url: str,
                                                clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 1)
    counter.sync.sync_once()
    with sqlite3.connect(counter.settings.db_path) as conn:
        seq, payload = conn.execute("select seq, payload from outbox where record_type='transaction'").fetchone()
        tampered = json.loads(payload)
        tampered["total_cents"] += 100
        conn.execute("update outbox set status='pending', payload=? where seq=?", (json.dumps(tampered), seq))
    report = counter.sync.sync_once()
    assert report.conflicts == 1
    assert local_outbox(counter).get("conflict") == 1
    assert counter.sync.status().conflicts == 1
    [conflict] = central.conflicts()
    assert json.loads(conflict["payload"])["total_cents"] == tampered["total_cents"]
    with central.engine.connect() as conn:
        kept = conn.execute(select(cs.transactions.c.total_cents)).scalar_one()
    assert kept == tampered["total_cents"] - 100  # the original is kept
    counter.close()


def test_two_workstations_one_centre_and_referral_id_flows_back(tmp_path: Path, central: CentralStore,
                                                                central_url: str, clock: FixedClock) -> None:
    from counter_app.referrals.referral import Mode, ReferralRequest

    one = workstation(tmp_path, "CH1-01", central_url, clock)
    two = workstation(tmp_path, "CH1-02", central_url, clock)
    take_payments(one, 3)
    take_payments(two, 4)
    staff = two.auth.login("1001", "1111")
    referral = two.referrals.create(ReferralRequest("UTIL", "UTIL-BILL", "Billing dispute after a leak",
                                                    Mode.WALK_IN, topic="utilities"), staff)
    one.sync.sync_once()
    two.sync.sync_once()
    with central.engine.connect() as conn:
        by_ws = dict(conn.execute(select(cs.transactions.c.workstation, func.count()).group_by(
            cs.transactions.c.workstation)).all())
    assert by_ws == {"CH1-01": 3, "CH1-02": 4}
    # the first pull assigned the central service request id; the slip now shows it instead of the token
    found = two.referrals.get(referral.id)
    assert found is not None and found.service_request_id and found.reference.startswith("SR-")
    central.set_service_request_status(referral.id, "closed", "Leak credit applied by billing")
    two.sync.sync_once()
    closed = two.referrals.get(referral.id)
    assert closed is not None and closed.status.value == "closed"
    assert any(n.source == "central" and "Leak credit" in n.note for n in two.referrals.notes(referral.id))
    one.close()
    two.close()


def test_reference_changes_flow_to_the_counter(tmp_path: Path, central: CentralStore, central_url: str,
                                               clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    counter.sync.sync_once()
    central.publish_reference("services", [("CAT", {
        "code": "CAT", "name": "Cat licence", "kind": "fixed", "amount_cents": 2500, "gl_account": "100-6200-4210",
        "gst_code": "EX", "tenders": "all", "department": "Community Animal Services", "quick_key": 4,
        "keywords": "cat licence", "topic": "animals"})])
    report = counter.sync.sync_once()
    assert report.reference_changes == {"services": 1}
    counter.payments._catalog = None
    assert counter.payments.fixed_line("CAT").net_cents == 2500
    counter.close()


def test_unreachable_centre_keeps_the_counter_working(tmp_path: Path, clock: FixedClock) -> None:
    from counter_app.sync.records import CentralUnavailableError

    counter = workstation(tmp_path, "CH1-01", "postgresql+psycopg://nobody@127.0.0.1:9/none", clock)
    take_payments(counter, 2)
    with pytest.raises(CentralUnavailableError):
        counter.sync.sync_once()
    status = counter.sync.status()
    assert status.online is False and status.pending > 0 and status.last_error
    assert "nobody@127.0.0.1" in status.central
    take_payments(counter, 1)  # sales go on
    counter.close()


def test_counter_wide_day_reads_every_workstation_from_the_centre(tmp_path: Path, central: CentralStore,
                                                                   central_url: str, clock: FixedClock) -> None:
    one = workstation(tmp_path, "CH1-01", central_url, clock)
    two = workstation(tmp_path, "CH1-02", central_url, clock)
    take_payments(one, 3)
    take_payments(two, 5)
    one.sync.sync_once()
    two.sync.sync_once()
    day = one.clock.today()
    recon = one.counter_day.reconciliation(day)
    local = one.drawers.reconciliation(day).total_cents + two.drawers.reconciliation(day).total_cents
    assert recon.receipts == 8 and recon.total_cents == local and recon.journal_balances
    assert "CH1-01, CH1-02" in recon.scope
    one.close()
    two.close()


def outgoing(counter: Counter) -> list[OutgoingRecord]:
    """The counter's whole outbox as the sender reads it."""
    with sqlite3.connect(counter.settings.db_path) as conn:
        rows = conn.execute("select seq, record_type, record_id, payload from outbox order by seq").fetchall()
    return [OutgoingRecord(*row) for row in rows]


def test_a_record_twice_in_one_batch_goes_in_once_and_a_changed_copy_is_a_conflict(
        tmp_path: Path, central: CentralStore, central_url: str, clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 1)
    [sale] = [r for r in outgoing(counter) if r.record_type == "transaction"]
    changed = json.loads(sale.payload)
    changed["total_cents"] += 1
    again = OutgoingRecord(sale.seq + 100, sale.record_type, sale.record_id, sale.payload)
    other = OutgoingRecord(sale.seq + 101, sale.record_type, sale.record_id, json.dumps(changed))
    result = central.apply(counter.sync.greet(), [sale, again, other])
    assert (result.applied, result.duplicates, result.conflicts) == ([sale.seq], [again.seq], [other.seq])
    with central.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cs.sync_inbox)).scalar_one() == 1
        assert conn.execute(select(cs.transactions.c.total_cents)).scalar_one() == changed["total_cents"] - 1
    assert [c["payload_hash"] for c in central.conflicts()] == [other.payload_hash]
    counter.close()


def test_a_receipt_number_the_centre_holds_under_another_id_is_refused_in_words_and_the_rest_goes_in(
        tmp_path: Path, central: CentralStore, central_url: str, clock: FixedClock) -> None:
    """It used to vanish: ON CONFLICT DO NOTHING on any key dropped the sale and kept its lines as orphans.

    On PostgreSQL the batch is first copied straight in; the clash sends it down the checked path, which refuses
    exactly the clashing sale (with its reason) and admits everything else whole.
    """
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 60)  # more rows a table than the COPY threshold
    records = outgoing(counter)
    sales = [json.loads(r.payload) for r in records if r.record_type == "transaction"]
    taken = sales[1]  # its receipt number is already held centrally, under another id (loaded from elsewhere)
    with central.engine.begin() as conn:
        conn.execute(insert(cs.transactions).values(
            id="00000000-0000-4000-8000-000000000001", workstation="CH1-01", sequence=999_999,
            receipt_number=taken["receipt_number"], kind="sale", status="completed", business_date=clock.today(),
            created_at=clock.now().replace(tzinfo=None), cashier="9999", total_cents=1, rounding_cents=0,
            change_cents=0, local_seq=0))
    result = central.apply(counter.sync.greet(), records)
    [refused] = [r for r in records if r.record_id == taken["id"]]
    assert result.conflicts == [refused.seq] and len(result.applied) == len(records) - 1
    assert taken["receipt_number"] in result.reasons[refused.seq]
    with central.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cs.sync_inbox)).scalar_one() == len(records) - 1
        held = dict(conn.execute(select(cs.transactions.c.receipt_number, cs.transactions.c.total_cents)).all())
        lines = conn.execute(select(func.count()).select_from(cs.transaction_lines)).scalar_one()
        orphans = conn.execute(select(func.count()).select_from(cs.transaction_lines).where(
            cs.transaction_lines.c.transaction_id == taken["id"])).scalar_one()
    assert held[taken["receipt_number"]] == 1  # the original is kept
    assert {s["receipt_number"]: s["total_cents"] for s in sales if s is not taken}.items() <= held.items()
    assert orphans == 0 and lines == sum(len(s["lines"]) for s in sales if s is not taken)
    assert [c["record_id"] for c in central.conflicts()] == [taken["id"]]
    counter.close()


def test_a_malformed_record_leaves_nothing_of_its_batch_central(tmp_path: Path, central: CentralStore,
                                                                  central_url: str, clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 60)
    records = outgoing(counter)
    broken = next(r for r in records if r.record_type == "transaction")
    payload = json.loads(broken.payload)
    del payload["lines"]
    records[records.index(broken)] = OutgoingRecord(broken.seq, broken.record_type, broken.record_id,
                                                    json.dumps(payload))
    store = counter.sync.greet()
    with pytest.raises(CentralRecordError):
        central.apply(store, records)
    counts = central.counts()
    assert counts["sync_inbox"] == 0 and counts["c_transactions"] == 0 and counts["c_interactions"] == 0
    assert central.apply(store, outgoing(counter)).applied  # the connection is fine afterwards
    counter.close()


def test_records_flagged_between_pending_ones_stay_flagged_when_the_rest_is_sent(
        tmp_path: Path, central: CentralStore, central_url: str, clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 10)
    with sqlite3.connect(counter.settings.db_path) as conn:
        seqs = [s for (s,) in conn.execute("select seq from outbox order by seq")]
        flagged = seqs[3:5] + seqs[9:10]
        conn.executemany("update outbox set status='conflict' where seq=?", [(s,) for s in flagged])
    report = counter.sync.push(batch_size=4)  # batches with gaps, marked while the next one is sent
    assert report.pushed == len(seqs) - len(flagged) and report.remaining == 0
    with sqlite3.connect(counter.settings.db_path) as conn:
        status = dict(conn.execute("select seq, status from outbox").fetchall())
    assert {s for s, state in status.items() if state == "conflict"} == set(flagged)
    assert all(status[s] == "sent" for s in seqs if s not in flagged)
    counter.close()


def test_a_batch_of_old_and_new_records_settles_both_exactly_once(tmp_path: Path, central: CentralStore,
                                                                   central_url: str, clock: FixedClock) -> None:
    """As after a lost reply with more records written since: on PostgreSQL the straight copy meets the records
    already held and the batch goes in by ON CONFLICT instead."""
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    take_payments(counter, 30)
    records = outgoing(counter)
    store = counter.sync.greet()
    first = central.apply(store, records[: len(records) // 2])
    result = central.apply(store, records)
    assert sorted(result.duplicates) == sorted(first.applied)
    assert sorted(result.applied) == [r.seq for r in records[len(records) // 2 :]]
    counts = central.counts()
    assert counts["sync_inbox"] == len(records) and counts["c_transactions"] == 30
    with central.engine.connect() as conn:
        central_total = conn.execute(select(func.sum(cs.tenders.c.amount_cents))).scalar_one()
    with sqlite3.connect(counter.settings.db_path) as conn:
        assert conn.execute("select sum(amount_cents) from tenders").fetchone()[0] == central_total
    counter.close()


def test_an_upgrade_reloading_the_shipped_fees_does_not_undo_a_central_change(
        tmp_path: Path, central: CentralStore, central_url: str, clock: FixedClock) -> None:
    counter = workstation(tmp_path, "CH1-01", central_url, clock)
    counter.sync.sync_once()
    [dog] = [c.payload for c in central.reference_changes("services", 0) if c.key == "DOG-AC"]
    central.publish_reference("services", [("DOG-AC", {**dog, "amount_cents": 2100})])  # the city raised the fee
    counter.sync.sync_once()
    assert counter.payments.fixed_line("DOG-AC").net_cents == 2100
    counter.close()
    with sqlite3.connect(tmp_path / "CH1-01" / "counter.sqlite3") as conn:  # as if a new version shipped new files
        conn.execute("update sync_state set value = 'an older installer' where key = 'reference_hash'")
    upgraded = build_counter(Settings(data_dir=tmp_path / "CH1-01", workstation="CH1-01", demo=True,
                                      central_url=central_url), clock=clock)
    assert upgraded.payments.fixed_line("DOG-AC").net_cents == 2000  # the installer's value, until the next pull
    report = upgraded.sync.sync_once()
    assert report.reference_changes["services"] == len(central.reference_changes("services", 0))
    assert upgraded.payments.fixed_line("DOG-AC").net_cents == 2100
    upgraded.close()


def test_only_the_embedded_demo_centre_follows_new_shipped_files(tmp_path: Path) -> None:
    store = CentralStore(build_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}"))
    store.init()
    assert seed_central(store, demo=True)
    assert not seed_central(store, demo=True, follow_shipped=True)  # the same files: nothing to publish
    store.publish_reference("shipped", [("files", {"hash": "an older installer"})])
    cursor = max(c.seq for c in store.reference_changes("services", 0))
    assert not seed_central(store, demo=True)  # a real centre: the city's data is never overwritten
    assert seed_central(store, demo=True, follow_shipped=True)
    assert min(c.seq for c in store.reference_changes("services", 0)) > cursor  # published again: counters pull it
    store.engine.dispose()
