"""The ``counter-app`` command line, run in-process on a real store in a temporary folder.

Why these tests: finance reads the journal the CLI writes, so every row must balance to the cent; the same seed
must replay the same day (bug reports come with a seed); and bad input must never leave a traceback or a
half-changed store behind.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from counter_app import __version__
from counter_app.cli import main
from tests.support.cli import forget_outside_settings, run

DAY = "2026-11-25"  # a Wednesday, before the June 30 due date of the demo tax rolls
STATION = "CH1-02"
TENDERS = ("cash", "debit", "credit", "cheque", "money_order")


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_outside_settings(monkeypatch)



def simulate(data_dir: Path, n: int = 60, seed: int = 11, station: str = STATION) -> str:
    code, out, err = run("--data-dir", str(data_dir), "--workstation", station, "--demo",
                         "simulate", "--transactions", str(n), "--seed", str(seed), "--date", DAY)
    assert code == 0, err
    return out


def journal_csv(data_dir: Path, *extra: str) -> list[dict[str, str]]:
    code, out, err = run("--data-dir", str(data_dir), "--workstation", STATION, "journal", "--date", DAY,
                         "--format", "csv", *extra)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def store_state(data_dir: Path) -> tuple[list[str], list[str]]:
    """What "nothing changed" means: the same files (SQLite's -wal/-shm aside) and the same rows."""
    files = sorted(p.name for p in data_dir.iterdir() if not p.name.endswith(("-wal", "-shm")))
    db = data_dir / "counter.sqlite3"
    if not db.exists():
        return files, []
    with sqlite3.connect(db) as conn:
        return files, list(conn.iterdump())


@pytest.fixture(scope="module")
def day_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One simulated day of 60 receipts, shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("day")
    simulate(folder)
    return folder


# -- --version and help ----------------------------------------------------------------------------------------
def test_version_runs_as_a_module_without_loading_qt_or_sqlalchemy() -> None:
    shown = subprocess.run([sys.executable, "-m", "counter_app", "--version"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"counter-app {__version__}"
    probe = ("import sys\nfrom counter_app.cli import main\ncode = main(['--version'])\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlalchemy', 'alembic', "
             "'reportlab', 'argon2'})\nprint(code, heavy)\n")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().splitlines()[-1] == "0 []"


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"counter-app {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    shown = capsys.readouterr().out
    for command in ("simulate", "journal", "receipt"):
        assert command in shown
    assert "startup-probe" not in shown


# -- simulate + journal ----------------------------------------------------------------------------------------
def test_simulated_day_balances_row_by_row(day_store: Path) -> None:
    rows = journal_csv(day_store)
    assert len(rows) == 60
    for row in rows:
        amount = {k: Decimal(row[k]) for k in ("total", "rounding", "change", *TENDERS)}
        tendered = sum(amount[k] for k in TENDERS)
        assert tendered - amount["change"] == amount["total"] + amount["rounding"], row
        assert amount["change"] >= 0 and abs(amount["rounding"]) <= Decimal("0.02"), row
        assert amount["change"] == 0 or amount["cash"] > 0, row  # change comes from cash only
        assert row["workstation"] == STATION
        assert row["datetime"].startswith(f"{DAY}T") and row["datetime"].endswith("-07:00"), row
        assert "08:30:00" <= row["datetime"][11:19] <= "16:30:00", row
        assert Decimal(row["total"]) < 0 if row["status"] == "refund" else Decimal(row["total"]) > 0
    assert [r["receipt"] for r in rows] == [f"{STATION}-{n:06d}" for n in range(1, 61)]
    assert {"completed", "void", "refund"} <= {r["status"] for r in rows}
    assert all(r["refund_of"] for r in rows if r["status"] == "refund")
    assert len({r["cashier"] for r in rows}) == 2, "the two demo cashiers take turns"
    times = [r["datetime"] for r in rows]
    assert times == sorted(times)


def test_simulated_day_has_a_realistic_mix(day_store: Path) -> None:
    rows = journal_csv(day_store)
    used = {k for r in rows for k in TENDERS if Decimal(r[k]) != 0}
    assert {"cash", "debit", "cheque"} <= used
    assert any(Decimal(r["change"]) > 0 for r in rows), "residents hand over notes and get change"
    assert any(Decimal(r["cash"]) > 0 and any(Decimal(r[k]) > 0 for k in ("debit", "credit")) for r in rows), \
        "some pay part by card, part in cash"
    assert any(Decimal(r["rounding"]) != 0 for r in rows), "cash totals round to the nickel"


def test_same_seed_same_journal_in_fresh_stores(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert simulate(first, 40, seed=5) == simulate(second, 40, seed=5)
    simulate(other, 40, seed=6)
    assert journal_csv(first) == journal_csv(second)
    assert journal_csv(first) != journal_csv(other)


def test_simulate_keeps_going_after_the_demo_bills_are_paid(tmp_path: Path) -> None:
    """500 receipts pay off the 35 demo bills; the simulation then issues new bills (and stays balanced)."""
    out = simulate(tmp_path, 500, seed=2)
    assert f"{STATION}-000001..{STATION}-000500" in out
    with sqlite3.connect(tmp_path / "counter.sqlite3") as conn:
        (extra,) = conn.execute("SELECT count(*) FROM bill_accounts").fetchone()
    assert extra > 35
    rows = journal_csv(tmp_path)
    assert len(rows) == 500
    assert max(r["datetime"][11:19] for r in rows) <= "16:30:00"


def test_a_second_run_continues_the_day(tmp_path: Path) -> None:
    simulate(tmp_path, 10, seed=1)
    simulate(tmp_path, 10, seed=2)
    rows = journal_csv(tmp_path)
    assert [r["receipt"] for r in rows] == [f"{STATION}-{n:06d}" for n in range(1, 21)]
    assert [r["datetime"] for r in rows] == sorted(r["datetime"] for r in rows)


def test_text_journal_is_aligned_with_a_totals_line(day_store: Path) -> None:
    code, out, err = run("--data-dir", str(day_store), "journal", "--date", DAY, "--workstation", STATION)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"Journal for {DAY} - workstation {STATION}"
    table = [line for line in lines if line.startswith(f"{STATION}-")]
    assert len(table) == 60
    header, totals = lines[1], next(line for line in lines if line.startswith("Totals"))
    assert len({len(line) for line in (totals, lines[2])}) == 1, "money columns end at the same place"
    assert header.split()[:6] == ["Receipt", "Time", "Cashier", "Status", "Total", "Cash"]
    assert "void, left out of the totals" in lines[-1]
    rows = journal_csv(day_store)
    standing = sum(Decimal(r["total"]) for r in rows if r["status"] != "void")
    assert f"${standing:,.2f}" in totals


def test_a_store_keeps_its_workstation_and_the_journal_lists_it(tmp_path: Path) -> None:
    """A store used to take receipts under any --workstation given (then a plain sync labelled them CH1-01)."""
    simulate(tmp_path, 12, seed=3, station="CH1-02")
    before = store_state(tmp_path)
    code, out, err = run("--data-dir", str(tmp_path), "--workstation", "CH1-03", "--demo", "simulate",
                         "--transactions", "8", "--seed", "4", "--date", DAY)
    assert (code, out) == (2, "")
    assert "holds the store of workstation CH1-02" in err and "--workstation names CH1-03" in err
    assert store_state(tmp_path) == before
    assert {r["workstation"] for r in journal_csv(tmp_path)} == {"CH1-02"}
    assert len(journal_csv(tmp_path, "--all-workstations")) == 12


def test_environment_names_the_folder_and_the_workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COUNTER_WORKSTATION", "CH1-05")
    code, out, err = run("--demo", "simulate", "--transactions", "3", "--date", DAY)
    assert code == 0, err
    assert "CH1-05-000001..CH1-05-000003" in out
    assert (tmp_path / "counter.sqlite3").exists()


def test_empty_day_journal(day_store: Path) -> None:
    code, out, _ = run("--data-dir", str(day_store), "--workstation", STATION, "journal", "--date", "2026-11-24",
                       "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["receipt,datetime,workstation,cashier,status,total,cash,debit,credit,cheque,"
                                "money_order,rounding,change,refund_of"]


# -- receipt ---------------------------------------------------------------------------------------------------
def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_receipt_writes_a_readable_pdf_original_then_copy(tmp_path: Path) -> None:
    simulate(tmp_path / "store", 5, seed=9)
    out = tmp_path / "pdfs" / "r1.pdf"
    out.parent.mkdir()
    number = f"{STATION}-000001"
    code, said, err = run("--data-dir", str(tmp_path / "store"), "receipt", number.lower(), "--out", str(out))
    assert code == 0, err
    assert str(out) in said
    text = pdf_text(out)
    assert number in text and "COPY" not in text
    copy = tmp_path / "pdfs" / "r1-copy.pdf"
    code, _, err = run("--data-dir", str(tmp_path / "store"), "receipt", number, "--out", str(copy), "--copy",
                       "--letter")
    assert code == 0, err
    text = pdf_text(copy)
    assert number in text and "COPY" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["r1-copy.pdf", "r1.pdf"], "no temporary file left"


def test_receipt_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    simulate(tmp_path / "store", 3, seed=9)
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    code, _, err = run("--data-dir", str(tmp_path / "store"), "receipt", f"{STATION}-000002", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and f"{STATION}-000002" in pdf_text(out)


# -- bad input: one line, exit 2, nothing changed --------------------------------------------------------------
BAD_INPUTS: list[tuple[list[str], str]] = [
    (["simulate", "--transactions", "0"], "at least 1"),
    (["simulate", "--transactions", "-4"], "at least 1"),
    (["simulate", "--transactions", "many"], "not a whole number"),
    (["simulate", "--transactions", "5", "--date", "2026-02-30"], "not a date"),
    (["simulate", "--transactions", "5", "--seed", "x"], "not a whole number"),
    (["journal", "--date", "yesterday"], "not a date"),
    (["journal", "--format", "xml"], "invalid choice"),
    (["receipt", f"{STATION}-999999", "--out", "{tmp}/x.pdf"], f"No receipt {STATION}-999999"),
    (["receipt", "nonsense", "--out", "{tmp}/x.pdf"], "No receipt NONSENSE"),
    (["receipt", f"{STATION}-000001", "--out", "{tmp}/missing/folder/x.pdf"], "cannot write"),
    (["receipt", f"{STATION}-000001", "--out", "{tmp}"], "is a folder"),
    (["receipt", f"{STATION}-000001"], "--out"),
    (["--workstation", "CH1-2", "journal"], "must look like CH1-02"),
    (["--workstation", "lobby", "simulate", "--transactions", "3"], "must look like CH1-02"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    day_store: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    before = store_state(day_store)
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run("--data-dir", str(day_store), *args)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("counter-app: "), err
    assert message in err
    assert "Traceback" not in err
    assert store_state(day_store) == before
    assert list(tmp_path.iterdir()) == []


def test_unwritable_out_file_changes_nothing(day_store: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if _can_write(locked):
        pytest.skip("running as a user who can write anywhere (root)")
    before = store_state(day_store)
    code, _, err = run("--data-dir", str(day_store), "receipt", f"{STATION}-000001", "--out", str(locked / "r.pdf"))
    assert code == 2 and "cannot write" in err
    assert store_state(day_store) == before


def _can_write(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


def test_simulate_without_staff_asks_for_demo_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    code, out, err = run("--data-dir", str(folder), "simulate", "--transactions", "5")
    assert (code, out, err.strip()) == (2, "", "counter-app: no staff: run with --demo")
    assert not folder.exists()


@pytest.mark.parametrize("command", [["journal"], ["receipt", f"{STATION}-000001", "--out", "x.pdf"]])
def test_reading_a_folder_with_no_store_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "typo"
    code, _, err = run("--data-dir", str(folder), *command)
    assert code == 2 and "no counter data" in err
    assert not folder.exists()


def test_broken_settings_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text("{not json", encoding="utf-8")
    code, _, err = run("--data-dir", str(tmp_path), "journal")
    assert code == 2 and "settings.json is not valid JSON" in err and len(err.splitlines()) == 1


# -- the GUI hand-off ------------------------------------------------------------------------------------------
def test_no_command_starts_the_gui_with_the_probe_and_demo_logins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[object, ...]] = []

    def run_gui(settings: object, build: object, argv: object = None, startup_probe: bool = False) -> int:
        calls.append((settings, build, startup_probe))
        return 0

    fake = types.ModuleType("counter_app.ui.main")
    fake.run_gui = run_gui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "counter_app.ui.main", fake)
    assert main(["--demo", "--data-dir", str(tmp_path), "--workstation", "CH1-04", "--startup-probe"]) == 0
    (settings, build, probe), = calls
    assert probe is True
    assert settings.workstation == "CH1-04" and settings.demo and settings.data_dir == tmp_path  # type: ignore[attr-defined]
    built = build(settings)  # type: ignore[operator]
    try:
        assert built.settings == settings and built.payments.workstation == "CH1-04"
    finally:
        built.close()
    shown = capsys.readouterr().out
    assert "1001 / 1111" in shown and "2001 / 999901" in shown
    assert float(os.environ["COUNTER_T0"]) > 0


def test_a_damaged_store_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "counter.sqlite3").write_bytes(b"this is not a database" * 100)
    code, out, err = run("--data-dir", str(tmp_path), "journal")
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "Restore it from backup" in err, err
