"""Hostile text all the way: through the services, to PostgreSQL and MariaDB, and into finance's export.

Random Unicode (NUL and other controls, lone surrogates, bidi overrides, emoji, card numbers in disguise, 10,000
characters: tests/support/hostile.py) goes into the free-text fields of payments, voids, cash movements and
referrals. Whatever the services accept is then synced and exported. Nothing may crash, nothing may change on the
way: every record is central exactly once with the very bytes the counter wrote (and its text in the typed
tables as stored locally), or set aside with its reason; the export is written whole.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import Engine, create_engine, text

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.referrals.referral import Mode, ReferralRequest
from counter_app.services.container import Counter
from counter_app.services.records import StaffMember
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.seed_central import seed_central
from tests.central_servers import MARIADB_ADMIN, PG_ADMIN, fresh_database
from tests.conftest import COUNTER_MORNING, FLOAT
from tests.support.hostile import hostile_reason, hostile_text

HOSTILE = settings(max_examples=25, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                          HealthCheck.data_too_large])


@dataclass
class Line:
    counter: Counter
    cashier: StaffMember
    supervisor: StaffMember
    central: Engine
    url: str
    exports: Path


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def line(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Line]:
    """One demo store, one central database (latin1 by default on MariaDB: the schema must not care)."""
    admin = PG_ADMIN if request.param == "postgresql" else MARIADB_ADMIN
    charset = "latin1" if request.param == "mariadb" else None
    with fresh_database(admin, charset=charset) as url:
        store = CentralStore(build_engine(url))
        store.init()
        seed_central(store, demo=True)
        store.engine.dispose()
        counter = build_counter(Settings(data_dir=tmp_path_factory.mktemp("hostile-sync"), workstation="CH1-04",
                                         demo=True, central_url=url), clock=FixedClock(COUNTER_MORNING))
        cashier = counter.auth.login("1001", "1111")
        counter.drawers.open(cashier, FLOAT)
        engine = create_engine(url)
        try:
            yield Line(counter, cashier, counter.auth.login("2001", "999901"), engine, url,
                       tmp_path_factory.mktemp("exports"))
        finally:
            engine.dispose()
            counter.close()


def _accepted(call: Any) -> Any:
    try:
        return call()
    except UserError:
        return None  # refused in words (the service property tests check that it changed nothing)


def _local(counter: Counter, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(counter.settings.db_path)) as conn:
        return conn.execute(sql).fetchall()


@HOSTILE
@given(reason=hostile_reason(), description=hostile_text(70), brand=hostile_text(24), referral=hostile_reason())
@example(reason="keyed twice \x00", description="paint \ud83d", brand="4111.1111.1111.1111", referral="\u202eevil")
@example(reason="Remboursé 🐕‍🦺 𠜎 שלום مرحبا", description="Café 👩🏽‍💻", brand="Visa",
         referral="Besoin d'aide — “ok”")
@example(reason="ok " + "é" * 9_997, description="x" * 61, brand="y" * 21, referral="z" * 1_001)
def test_hostile_text_lands_centrally_exactly_as_stored_or_is_set_aside(
        line: Line, reason: str, description: str, brand: str, referral: str) -> None:
    counter, payments = line.counter, line.counter.payments

    def pay() -> Any:
        sale = Sale()
        payments.add_line(sale, payments.open_line("MISC", "3.00", "100-1100-4410", "EX", description))
        sale.add_tender(make_tender(TenderKind.CREDIT, 300, last4="4821", auth_code="OK12", card_brand=brand))
        return payments.complete(sale, line.cashier)

    paid = _accepted(pay)
    if paid is not None:
        _accepted(lambda: payments.void(paid.receipt_number, line.cashier, line.supervisor, reason))
    _accepted(lambda: counter.drawers.move_cash(line.cashier, MovementKind.PAID_IN, "1.00", reason, line.supervisor))
    _accepted(lambda: counter.referrals.create(
        ReferralRequest("UTIL", "UTIL-BILL", referral, Mode.WALK_IN, topic="utilities"), line.cashier))

    counter.sync.sync_once()

    outbox = _local(counter, "SELECT record_id, status, payload, last_error FROM outbox")
    with line.central.connect() as conn:
        inbox = dict(conn.execute(text("SELECT id, payload_hash FROM sync_inbox")).all())
        movements = dict(conn.execute(text("SELECT id, reason FROM c_cash_movements")).all())
        voids = dict(conn.execute(text("SELECT id, reason FROM c_voids")).all())
        requests = dict(conn.execute(text("SELECT id, description FROM c_service_requests")).all())
        lines = {(t, n): d for t, n, d in conn.execute(text(
            "SELECT transaction_id, line_no, description FROM c_transaction_lines")).all()}
    for record_id, status, payload, why in outbox:
        assert status in ("sent", "quarantined", "conflict"), f"{record_id} is still {status}"
        if status == "sent":  # central exactly once, the very bytes
            assert inbox[record_id] == hashlib.sha256(payload.encode("utf-8")).hexdigest()
        else:
            assert why, f"{record_id} was set aside without a reason"
    assert set(inbox) <= {record_id for record_id, _s, _p, _w in outbox}
    for record_id, local_reason in _local(counter, "SELECT id, reason FROM cash_movements"):
        assert movements[record_id] == local_reason  # MariaDB on a latin1 server included: no "?"
    for record_id, local_reason in _local(counter, "SELECT id, reason FROM voids"):
        assert voids[record_id] == local_reason
    for record_id, local_text in _local(counter, "SELECT id, description FROM referrals"):
        assert requests[record_id] == local_text
    for transaction_id, line_no, local_text in _local(counter, "SELECT transaction_id, line_no, description "
                                                               "FROM transaction_lines"):
        assert lines[(transaction_id, line_no)] == local_text

    files = counter.drawers.export(counter.clock.today(), line.exports, line.supervisor)
    assert files and all(Path(str(f["path"])).stat().st_size > 0 for f in files)
