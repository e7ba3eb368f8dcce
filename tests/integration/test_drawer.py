"""Drawer sessions through the real services: float, movements, blind close, Z report, locking."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.services.container import Counter

FLOAT = {"n20": "10"}  # $200.00


def rows(counter: Counter, sql: str) -> list[tuple]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return conn.execute(sql).fetchall()


def sell(counter: Counter, staff_no: str, pin: str, code: str, cash: int | None = None, debit: int = 0) -> str:
    staff = counter.auth.login(staff_no, pin)
    sale = Sale()
    counter.payments.add_line(sale, counter.payments.fixed_line(code))
    if debit:
        sale.add_tender(make_tender(TenderKind.DEBIT, debit, last4="4821", auth_code="AB12"))
    if sale.settlement().balance_due:
        sale.add_tender(make_tender(TenderKind.CASH, cash or sale.settlement().balance_due_cash))
    return counter.payments.complete(sale, staff).receipt_number


def test_no_payment_without_an_open_drawer(bare_counter: Counter) -> None:
    with pytest.raises(UserError, match="Open your drawer first"):
        sell(bare_counter, "1001", "1111", "TR-DAY")
    assert rows(bare_counter, "select count(*) from transactions") == [(0,)]


def test_one_open_drawer_per_cashier(bare_counter: Counter) -> None:
    alex = bare_counter.auth.login("1001", "1111")
    session = bare_counter.drawers.open(alex, FLOAT)
    assert session.float_cents == 20_000
    with pytest.raises(UserError, match="already open"):
        bare_counter.drawers.open(alex, FLOAT)
    with pytest.raises(UserError, match="whole number"):
        bare_counter.drawers.open(bare_counter.auth.login("1002", "2222"), {"n20": "-2"})


def test_float_verification_when_configured(bare_counter: Counter) -> None:
    bare_counter.drawers.verify_float = True
    alex = bare_counter.auth.login("1001", "1111")
    with pytest.raises(UserError, match="verify the float"):
        bare_counter.drawers.open(alex, FLOAT)
    with pytest.raises(UserError, match="someone other"):
        bare_counter.drawers.open(alex, FLOAT, verifier=alex)
    assert bare_counter.drawers.open(alex, FLOAT, verifier=bare_counter.auth.login("2001", "999901")).float_verified_by


def test_movements_need_approval_and_cash(counter: Counter) -> None:
    alex = counter.auth.login("1001", "1111")
    boss = counter.auth.login("2001", "999901")
    with pytest.raises(UserError, match="needs a supervisor"):
        counter.drawers.move_cash(alex, MovementKind.PAID_OUT, "10.00", "postage stamps")
    with pytest.raises(UserError, match="more than the"):
        counter.drawers.move_cash(alex, MovementKind.PAID_OUT, "500.00", "postage stamps", boss)
    counter.drawers.move_cash(alex, MovementKind.PAID_OUT, "10.00", "postage stamps", boss)
    counter.drawers.move_cash(alex, MovementKind.PICKUP, "100.00", "mid-day drop to safe")
    counter.drawers.move_cash(alex, MovementKind.NO_SALE, "", "change for a $50", boss)
    _, x = counter.drawers.x_report(alex)
    assert x.cash.expected == 20_000 - 1_000 - 10_000
    kinds = [k for (k,) in rows(counter, "select record_type from outbox where record_type='cash_movement'")]
    assert len(kinds) == 3


def test_close_short_35_cents_needs_a_supervisor_then_locks(counter: Counter) -> None:
    alex = counter.auth.login("1001", "1111")
    boss = counter.auth.login("2001", "999901")
    receipt = sell(counter, "1001", "1111", "DOG-AC", cash=5_000)  # $20 licence, $50 note, $30 change
    sell(counter, "1001", "1111", "TR-ADULT", debit=7_700)
    expected = 20_000 + 2_000
    counted = {"n20": "10", "n10": "1", "n5": "1", "c200": "2", "c25": "2", "c10": "1", "c5": "1"}
    assert sum([20_000, 1_000, 500, 400, 50, 10, 5]) == expected - 35
    with pytest.raises(UserError, match=r"Short \$0.35 is beyond"):
        counter.drawers.close(alex, counted, debit_batch="77.00")
    with pytest.raises(UserError, match="payment in progress"):
        counter.drawers.close(alex, counted, supervisor=boss, note="recounted", sale_in_progress=True)
    closed, recon = counter.drawers.close(alex, counted, debit_batch="77.00", supervisor=boss,
                                          note="Recounted twice; coin likely given as change")
    assert (closed.expected_cents, closed.over_short_cents) == (expected, -35)
    assert closed.z_number == "Z-CH1-02-00001"
    assert recon.journal_balances and recon.over_short_cents == -35
    assert recon.card_batches["debit"] == (7_700, 7_700)
    with pytest.raises(UserError, match="no open drawer"):
        counter.drawers.close(alex, counted, supervisor=boss, note="again")
    with pytest.raises(UserError, match="drawer for this receipt is closed"):
        counter.payments.void(receipt, alex, boss, "too late")
    [(report,)] = rows(counter, "select report_json from z_reports")
    assert json.loads(report)["over_short_cents"] == -35
    # a new drawer on the same workstation gets the next Z number
    counter.drawers.open(alex, FLOAT)
    closed_again, _ = counter.drawers.close(alex, FLOAT)
    assert closed_again.z_number == "Z-CH1-02-00002"


def test_cheques_must_be_checked(counter: Counter) -> None:
    alex = counter.auth.login("1001", "1111")
    sale = Sale()
    counter.payments.add_line(sale, counter.payments.fixed_line("CART"))
    sale.add_tender(make_tender(TenderKind.CHEQUE, 10_000, number="1044"))
    counter.payments.complete(sale, alex)
    with pytest.raises(UserError, match="cheque"):
        counter.drawers.close(alex, FLOAT)
    _, recon = counter.drawers.close(alex, FLOAT, cheques_checked=True)
    assert recon.cheques == (("CH1-02-000001", "1044", 10_000),)
    assert recon.deposit_total == 10_000


def test_day_reconciliation_covers_every_drawer(counter: Counter) -> None:
    sell(counter, "1001", "1111", "TR-DAY", cash=1_000)
    sell(counter, "1002", "2222", "CAT", cash=2_000)
    recon = counter.drawers.reconciliation(counter.clock.today())
    assert recon.receipts == 2 and recon.total_cents == 750 + 2_000
    assert recon.cash.float_cents == 40_000 and recon.journal_balances


def test_export_writes_files_logs_and_audits(counter: Counter, tmp_path: Path) -> None:
    import csv
    from decimal import Decimal

    sell(counter, "1001", "1111", "COMPOST", cash=5_000)
    boss = counter.auth.login("2001", "999901")
    steps: list[int] = []
    records = counter.drawers.export(counter.clock.today(), tmp_path / "out", boss,
                                     progress=lambda pct, label: steps.append(pct))
    assert steps[-1] == 100 and {r["name"] for r in records} >= {"gl_journal.csv", "summary.csv"}
    folder = tmp_path / "out" / f"{counter.clock.today().isoformat()}_CH1-02"
    with open(folder / "gl_journal.csv", encoding="utf-8") as handle:
        journal = list(csv.DictReader(handle))
    debits = sum(int(Decimal(r["debit"] or "0") * 100) for r in journal)
    assert debits == sum(int(Decimal(r["credit"] or "0") * 100) for r in journal) and debits > 0
    assert rows(counter, "select count(*) from exports") == [(1,)]
    assert ("export",) in rows(counter, "select action from audit_log")
    assert rows(counter, "select count(*) from outbox where record_type='export'") == [(1,)]


def test_export_to_an_unwritable_folder_is_refused_cleanly(counter: Counter, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    boss = counter.auth.login("2001", "999901")
    with pytest.raises(UserError, match="file, not a folder"):
        counter.drawers.export(counter.clock.today(), blocker / "out", boss)
    assert rows(counter, "select count(*) from exports") == [(0,)]
