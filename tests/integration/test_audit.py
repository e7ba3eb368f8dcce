"""The audit trail: one entry per audited action, lockout with a controllable clock, tampering detected."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter
from counter_app.sync.central_store import CentralStore, build_engine
from tests.conftest import FLOAT


def actions(counter: Counter) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return conn.execute("select action, outcome, actor from audit_log order by seq").fetchall()


def new_actions(counter: Counter, before: int) -> list[tuple[str, str, str | None]]:
    return actions(counter)[before:]


def sell_cash(counter: Counter, code: str = "TR-DAY") -> str:
    cashier = counter.auth.login("1001", "1111")
    sale = Sale()
    counter.payments.add_line(sale, counter.payments.fixed_line(code))
    sale.add_tender(make_tender(TenderKind.CASH, sale.settlement().balance_due_cash))
    return counter.payments.complete(sale, cashier).receipt_number


def test_each_audited_action_leaves_exactly_one_entry(counter: Counter) -> None:
    alex = counter.auth.login("1001", "1111")
    n = len(actions(counter))
    counter.auth.login("1001", "1111")
    assert new_actions(counter, n) == [("login", "ok", "1001")]
    n = len(actions(counter))
    with pytest.raises(UserError):
        counter.auth.login("1001", "0000")
    assert new_actions(counter, n) == [("login", "failed", "1001")]
    receipt = sell_cash(counter)
    n = len(actions(counter))
    boss = counter.auth.approve("2001", "999901", alex, "approve_void", receipt)
    assert new_actions(counter, n) == [("override", "ok", "2001")]
    n = len(actions(counter))
    counter.payments.void(receipt, alex, boss, "wrong pass")
    assert new_actions(counter, n) == [("void", "ok", "1001")]
    other = sell_cash(counter, "CAT")
    n = len(actions(counter))
    counter.payments.refund(other, [0], TenderKind.CASH, alex, boss, "cat moved away")
    assert [a for a, _, _ in new_actions(counter, n)] == ["refund"]
    n = len(actions(counter))
    counter.receipts.issue(other, alex)
    counter.receipts.issue(other, alex)
    assert [a for a, _, _ in new_actions(counter, n)] == ["reprint"]  # the first print is the original
    for kind, amount in ((MovementKind.PAID_IN, "20.00"), (MovementKind.PAID_OUT, "5.00"),
                         (MovementKind.PICKUP, "50.00"), (MovementKind.NO_SALE, "")):
        n = len(actions(counter))
        counter.drawers.move_cash(alex, kind, amount, "reason here", boss if kind.needs_supervisor else None)
        assert [a for a, _, _ in new_actions(counter, n)] == [kind.value]
    n = len(actions(counter))
    _, x = counter.drawers.x_report(alex)
    counted = {"n100": str(x.cash.expected // 10_000), "c5": str(x.cash.expected % 10_000 // 5)}
    counter.drawers.close(alex, counted)
    assert [a for a, _, _ in new_actions(counter, n)] == ["drawer_close"]
    n = len(actions(counter))
    counter.drawers.open(alex, FLOAT)
    assert [a for a, _, _ in new_actions(counter, n)] == ["drawer_open"]
    admin = counter.auth.login("9001", "777703")
    n = len(actions(counter))
    counter.admin.create_staff(admin, "1003", "Chris Wong", "cashier", "4826")
    counter.admin.reset_pin(admin, "1003", "5937")
    counter.admin.set_active(admin, "1003", False)
    counter.admin.update_service(admin, "TR-DAY", amount_text="8.00")
    assert [a for a, _, _ in new_actions(counter, n)] == ["staff_create", "staff_reset_pin", "staff_disable",
                                                          "fee_change"]
    assert counter.audit.verify(use_central=False) is None


def test_lockout_after_five_failures_for_thirty_minutes(counter: Counter, clock: FixedClock) -> None:
    for _ in range(5):
        with pytest.raises(UserError, match="wrong"):
            counter.auth.login("1002", "0000")
    with pytest.raises(UserError, match="locked"):
        counter.auth.login("1002", "2222")
    assert ("lockout", "refused", "1002") in actions(counter)
    clock.advance(minutes=29)
    with pytest.raises(UserError, match="locked"):
        counter.auth.login("1002", "2222")
    admin = counter.auth.login("9001", "777703")
    counter.admin.unlock(admin, "1002")
    assert counter.auth.login("1002", "2222").name == "Priya Singh"


def test_lock_expires_after_thirty_minutes(counter: Counter, clock: FixedClock) -> None:
    for _ in range(5):
        with pytest.raises(UserError):
            counter.auth.login("1002", "1234")
    clock.advance(minutes=30, seconds=1)
    assert counter.auth.login("1002", "2222").staff_no == "1002"


def test_no_self_approval(counter: Counter) -> None:
    boss = counter.auth.login("2001", "999901")
    with pytest.raises(UserError, match="own"):
        counter.auth.approve("2001", "999901", boss)
    assert ("override", "refused", "2001") in actions(counter)


def test_admin_rules(counter: Counter) -> None:
    cashier = counter.auth.login("1001", "1111")
    admin = counter.auth.login("9001", "777703")
    with pytest.raises(UserError, match="administrator"):
        counter.admin.create_staff(cashier, "1004", "Sam Roe", "cashier", "4826")
    with pytest.raises(UserError, match="sequence"):
        counter.admin.create_staff(admin, "1004", "Sam Roe", "cashier", "1234")
    with pytest.raises(UserError, match="already used"):
        counter.admin.create_staff(admin, "1001", "Sam Roe", "cashier", "4826")
    with pytest.raises(UserError, match="own account"):
        counter.admin.set_active(admin, "9001", False)
    with pytest.raises(UserError, match="fixed fees"):
        counter.admin.update_service(admin, "UTIL", amount_text="5.00")
    counter.admin.create_staff(admin, "1004", "Sam Roe", "cashier", "4826")
    assert counter.auth.login("1004", "4826").role == "cashier"


def _tamper(counter: Counter, sql: str) -> None:
    with sqlite3.connect(counter.settings.db_path) as conn:
        conn.execute(sql)


@pytest.mark.parametrize(
    ("sql", "first_broken"),
    [
        ("update audit_log set detail = '{\"reason\":\"nothing\"}' where seq = 3", 3),
        ("delete from audit_log where seq = 3", 3),
        ("insert into audit_log (seq, id, at, workstation, actor, action, outcome, object_ref, detail, prev_hash, "
         "entry_hash) select 100, 'x', at, workstation, actor, action, outcome, object_ref, detail, prev_hash, "
         "entry_hash from audit_log where seq = 2", None),
        ("update audit_log set seq = seq + 1000 where seq >= 4", 4),
    ],
)
def test_verify_names_the_first_broken_entry(counter: Counter, sql: str, first_broken: int | None) -> None:
    sell_cash(counter)
    counter.auth.login("1001", "1111")
    assert counter.audit.verify(use_central=False) is None
    _tamper(counter, sql)
    found = counter.audit.verify(use_central=False)
    assert found is not None
    if first_broken is not None:
        assert found.seq == first_broken


def test_cut_tail_is_detected_locally_and_centrally(tmp_path: Path, clock: FixedClock) -> None:
    central = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    store = CentralStore(build_engine(central))
    store.init()
    store.engine.dispose()
    counter = build_counter(Settings(data_dir=tmp_path / "ws", workstation="CH1-02", demo=True, central_url=central),
                            clock=clock)
    counter.drawers.open(counter.auth.login("1001", "1111"), FLOAT)
    sell_cash(counter)
    counter.sync.sync_once()
    total = len(actions(counter))
    _tamper(counter, f"delete from audit_log where seq > {total - 2}")
    found = counter.audit.verify(use_central=False)
    assert found is not None and "tail was cut" in found.reason
    # an attacker who also rewinds the local head is still caught by the central copy
    with sqlite3.connect(counter.settings.db_path) as conn:
        seq, digest = conn.execute("select seq, entry_hash from audit_log order by seq desc limit 1").fetchone()
        conn.execute("update sync_state set value = ? where key = 'audit_head'", (f"{seq}:{digest}",))
    assert counter.audit.verify(use_central=False) is None
    central_found = counter.audit.verify(use_central=True)
    assert central_found is not None and "tail was cut" in central_found.reason
    counter.close()
