"""Reconciliation exports read back as finance reads them: CSV in the ledger, the workbook, the PDF on paper.

Every figure must equal the :class:`Reconciliation` to the cent, in every format, and a failed export must leave
nothing half-written behind.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from counter_app.drawer.denominations import CashCount, count_of
from counter_app.drawer.reconciliation import (
    DrawerClose,
    Movement,
    Reconciliation,
    ReconLine,
    ReconTender,
    ReconTransaction,
    reconcile,
)
from counter_app.drawer.session import MovementKind
from counter_app.errors import UserError
from counter_app.export import (
    CSV_NAMES,
    ExportedFile,
    ExportError,
    ReconciliationExporter,
    check_writable,
    write_atomically,
)
from counter_app.export import atomic as atomic_module
from counter_app.export.xlsx_workbook import COUNTER_TOTAL, FORMULA_TOTAL, SHEETS
from counter_app.payments.money import format_money, format_plain

TZ = ZoneInfo("America/Edmonton")
DAY = date(2026, 11, 25)
FLOAT = 20_000
BASENAME = "Z-CH1-02-00001"
GENERATED = datetime(2026, 11, 25, 17, 42, tzinfo=TZ)

UTILITY_GL = "510-2200-1210"
TAX_GL = "100-1100-1220"
DOG_GL = "100-6200-4210"
COMPOST_GL = "540-5200-4410"
FINE_GL = "100-5100-4310"
TRANSIT_GL = "560-5100-4410"


def _at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=TZ).astimezone(ZoneInfo("UTC"))


def _txn(n: int, at: datetime, lines: tuple[ReconLine, ...], tenders: tuple[ReconTender, ...], *, change: int = 0,
         rounding: int = 0, kind: str = "sale", status: str = "completed", cashier: str = "Alex Tran") -> (
        ReconTransaction):
    total = sum(x.total_cents for x in lines)
    assert sum(t.amount_cents for t in tenders) - change == total + rounding, "a settled receipt"
    return ReconTransaction(f"CH1-02-{n:06d}", at, "CH1-02", cashier, kind, status, total, rounding, change, lines,
                            tenders)


UTILITY = ReconLine("UTIL-PAY", "Utility bill payment: 1000-013", UTILITY_GL, 12_347, 0)
COMPOSTER = ReconLine("COMPOST", "Backyard composter", COMPOST_GL, 4_000, 200)
DOG = ReconLine("DOG-AC", "Dog licence - altered and chipped", DOG_GL, 2_000, 0)


def day_transactions() -> list[ReconTransaction]:
    """A small but complete day: every tender, cash with change and rounding, a split, a void and a refund."""
    return [
        # $165.47 in cash rounds down to $165.45: $200 handed over, $34.55 change
        _txn(1, _at(9, 5), (UTILITY, COMPOSTER), (ReconTender("cash", 20_000),), change=3_455, rounding=-2),
        _txn(2, _at(9, 40), (DOG,), (ReconTender("debit", 2_000, last4="4821"),)),
        _txn(3, _at(10, 15), (ReconLine("TAX-PAY", "Property tax payment: 4455-200", TAX_GL, 125_000, 0),),
             (ReconTender("credit", 125_000, last4="1881"),)),
        _txn(4, _at(11, 30), (ReconLine("UTIL-PAY", "Utility bill payment: 2210-778", UTILITY_GL, 31_025, 0),),
             (ReconTender("cheque", 31_025, number="004512"),)),
        _txn(5, _at(13, 10), (ReconLine("PARK-FINE", "Parking fine: P-77120", FINE_GL, 7_500, 0),),
             (ReconTender("money_order", 7_500, number="MO-88123"),)),
        _txn(6, _at(13, 12), (DOG,), (ReconTender("cash", 2_000),), status="void"),
        _txn(7, _at(14, 45), (ReconLine("COMPOST", "Backyard composter", COMPOST_GL, -4_000, -200),),
             (ReconTender("cash", -4_200),), kind="refund", cashier="Priya Singh"),
        _txn(8, _at(15, 20), (ReconLine("TRANSIT-M", "Monthly transit pass", TRANSIT_GL, 9_800, 0),
                              ReconLine("COMPOST", "Backyard composter", COMPOST_GL, 4_000, 200)),
             (ReconTender("debit", 5_000, last4="0042"), ReconTender("cash", 10_000)), change=1_000),
    ]


def day_movements() -> list[Movement]:
    return [
        Movement(MovementKind.PAID_IN, 5_000, "Change from the safe", _at(10, 0), "100-1100-1010", "Alex Tran",
                 "Sam Okafor"),
        Movement(MovementKind.PAID_OUT, 1_250, "Postage stamps", _at(12, 5), "100-1100-6990", "Alex Tran",
                 "Sam Okafor"),
        Movement(MovementKind.PICKUP, 10_000, "Midday pickup to safe", _at(13, 0), None, "Alex Tran", ""),
    ]


def _count(cents: int) -> CashCount:
    """Notes and coins adding up to ``cents`` (a multiple of 5), as a cashier would count them."""
    pieces: dict[str, int] = {}
    for code, value in (("n100", 10_000), ("n50", 5_000), ("n20", 2_000), ("n10", 1_000), ("n5", 500),
                        ("c200", 200), ("c100", 100), ("c25", 25), ("c10", 10), ("c5", 5)):
        pieces[code], cents = divmod(cents, value)
    assert cents == 0
    return count_of({k: v for k, v in pieces.items() if v})


def day_recon(short_by: int = 35) -> Reconciliation:
    """The sample day closed with the drawer ``short_by`` cents short; the credit batch is $10 off."""
    txns, moves = day_transactions(), day_movements()
    expected = reconcile("probe", txns, moves, [], FLOAT, TZ).cash.expected
    close = DrawerClose("s1", "Alex Tran", "CH1-02", _count(FLOAT), _count(expected - short_by), expected,
                        debit_batch_cents=7_000, credit_batch_cents=124_000, z_number=BASENAME)
    return reconcile(f"Drawer Alex Tran, CH1-02, {BASENAME}", txns, moves, [close], FLOAT, TZ)


def export(recon: Reconciliation, folder: Path, **kwargs: object) -> list[ExportedFile]:
    options: dict[str, object] = {"business_date": DAY, "basename": BASENAME, "title": "Z report",
                                  "prepared_by": "Alex Tran", "approved_by": "Sam Okafor", "tz": TZ,
                                  "generated_at": GENERATED}
    options.update(kwargs)
    return ReconciliationExporter().export(recon, folder, **options)  # type: ignore[arg-type]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def money_cell(value: object) -> int:
    assert isinstance(value, int | float), value
    return round(value * 100)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def leftovers(folder: Path) -> list[str]:
    """Hidden staging, aside or temporary files an export must never leave behind."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


@pytest.fixture(scope="module")
def recon() -> Reconciliation:
    return day_recon()


@pytest.fixture
def exported(recon: Reconciliation, tmp_path: Path) -> Path:
    export(recon, tmp_path)
    return tmp_path / BASENAME


# --- the sample day is what the test means it to be --------------------------------------------------------


def test_the_sample_day_exercises_every_part(recon: Reconciliation) -> None:
    assert (recon.receipts, recon.completed, recon.refunds, recon.voids) == (8, 6, 1, 1)
    assert recon.rounding_cents == -2 and recon.change_cents == 4_455 and recon.gst_cents == 200
    assert recon.over_short_cents == -35 and recon.journal_balances
    assert set(recon.by_tender) == {"cash", "debit", "credit", "cheque", "money_order"}


# --- CSV --------------------------------------------------------------------------------------------------------


def test_the_export_folder_holds_every_file(recon: Reconciliation, tmp_path: Path) -> None:
    files = export(recon, tmp_path)
    folder = tmp_path / BASENAME
    names = [f.name for f in files]
    assert names == [*CSV_NAMES, f"{BASENAME}.pdf", f"{BASENAME}.xlsx"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    for item in files:
        data = item.path.read_bytes()
        assert item.path.parent == folder and item.size == len(data) > 0
        assert item.sha256 == hashlib.sha256(data).hexdigest()
        assert item.as_record()["sha256"] == item.sha256
    assert leftovers(tmp_path) == []


def test_summary_csv_equals_the_reconciliation(recon: Reconciliation, exported: Path) -> None:
    rows = read_csv(exported / "summary.csv")
    assert list(rows[0]) == ["key", "value"]
    summary = {r["key"]: r["value"] for r in rows}
    assert summary["scope"] == recon.scope and summary["business_date"] == "2026-11-25"
    counts = {"receipts": recon.receipts, "completed": recon.completed, "refunds": recon.refunds,
              "voids": recon.voids}
    assert {k: int(summary[k]) for k in counts} == counts
    amounts = {
        "total": recon.total_cents, "gst": recon.gst_cents, "rounding": recon.rounding_cents,
        "change": recon.change_cents, "float": recon.cash.float_cents, "cash_received": recon.cash.cash_received,
        "change_given": recon.cash.change_given, "paid_in": recon.cash.paid_in, "paid_out": recon.cash.paid_out,
        "pickups": recon.cash.pickups, "expected_cash": recon.cash.expected, "counted_cash": recon.counted_cents,
        "over_short": recon.over_short_cents, "deposit_total": recon.deposit_total,
    }
    assert {k: cents(summary[k]) for k in amounts} == amounts
    assert summary["over_short"] == "-0.35" and summary["rounding"] == "-0.02"
    assert not any("$" in value for value in summary.values())


def test_table_csvs_equal_the_reconciliation(recon: Reconciliation, exported: Path) -> None:
    assert {r["tender"]: cents(r["amount"]) for r in read_csv(exported / "tenders.csv")} == recon.by_tender
    services = read_csv(exported / "services.csv")
    assert list(services[0]) == ["service_code", "description", "count", "net", "gst", "total"]
    assert [(r["service_code"], r["description"], int(r["count"]), cents(r["net"]), cents(r["gst"]),
             cents(r["total"])) for r in services] == [
        (s.service_code, s.description, s.count, s.net_cents, s.gst_cents, s.total_cents) for s in recon.by_service]
    assert sum(cents(r["total"]) for r in services) == recon.total_cents
    assert {r["gl_account"]: cents(r["net"]) for r in read_csv(exported / "gl_accounts.csv")} == recon.by_gl
    cheques = read_csv(exported / "cheques.csv")
    assert [(r["receipt_number"], r["kind"], r["number"], cents(r["amount"])) for r in cheques] == [
        ("CH1-02-000004", "cheque", "004512", 31_025), ("CH1-02-000005", "money_order", "MO-88123", 7_500)]
    assert [(r["item"], cents(r["amount"])) for r in read_csv(exported / "deposit_slip.csv")] == [
        (d.label, d.amount_cents) for d in recon.deposit]
    movements = read_csv(exported / "movements.csv")
    assert list(movements[0]) == ["time", "kind", "amount", "reason", "gl_account", "staff", "supervisor"]
    assert [(r["kind"], cents(r["amount"]), r["reason"], r["supervisor"]) for r in movements] == [
        (m.kind.value, m.amount_cents, m.reason, m.supervisor) for m in recon.movements]
    assert datetime.fromisoformat(movements[0]["time"]) == recon.movements[0].at
    assert movements[0]["time"] == "2026-11-25T10:00:00-07:00"  # local time, with its offset
    batches = {r["tender"]: r for r in read_csv(exported / "card_batches.csv")}
    assert cents(batches["debit"]["difference"]) == 0
    assert cents(batches["credit"]["terminal_batch"]) == 124_000
    assert cents(batches["credit"]["difference"]) == 124_000 - recon.by_tender["credit"]


def test_the_journal_csv_balances_and_is_import_ready(recon: Reconciliation, exported: Path) -> None:
    journal = read_csv(exported / "gl_journal.csv")
    assert list(journal[0]) == ["line", "account", "description", "debit", "credit"]
    assert [int(r["line"]) for r in journal] == list(range(1, len(recon.journal) + 1))  # lines only, no totals
    assert [(r["account"], cents(r["debit"]), cents(r["credit"])) for r in journal] == [
        (e.account, e.debit_cents, e.credit_cents) for e in recon.journal]
    debits, credits = sum(cents(r["debit"]) for r in journal), sum(cents(r["credit"]) for r in journal)
    assert debits == credits > 0


def test_csvs_are_plain_utf8_with_plain_decimals(exported: Path) -> None:
    for name in CSV_NAMES:
        text = (exported / name).read_bytes().decode("utf-8")
        assert not text.startswith("\ufeff") and "$" not in text, name
    assert "1250.00" in (exported / "tenders.csv").read_text(encoding="utf-8")


# --- XLSX -------------------------------------------------------------------------------------------------------


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return [r for r in sheet.iter_rows(min_row=4, values_only=True)]  # type: ignore[attr-defined]


def test_workbook_equals_the_reconciliation(recon: Reconciliation, exported: Path) -> None:
    book = load_workbook(exported / f"{BASENAME}.xlsx")  # formulas as written, literal totals as numbers
    assert book.sheetnames == list(SHEETS)
    summary = {r[2]: r[1] for r in _rows(book["Summary"])}
    assert summary["scope"] == recon.scope and summary["receipts"] == recon.receipts
    for key, value in (("total", recon.total_cents), ("gst", recon.gst_cents), ("over_short", recon.over_short_cents),
                       ("expected_cash", recon.cash.expected), ("deposit_total", recon.deposit_total)):
        assert money_cell(summary[key]) == value, key
    assert summary["journal_balanced"] == "Balanced"

    tenders = {r[2]: money_cell(r[1]) for r in _rows(book["Tenders"]) if r[2]}
    assert tenders == recon.by_tender
    services = [r for r in _rows(book["Services"]) if r[0]]
    assert [(r[0], r[2], money_cell(r[3]), money_cell(r[4]), money_cell(r[5])) for r in services] == [
        (s.service_code, s.count, s.net_cents, s.gst_cents, s.total_cents) for s in recon.by_service]
    gl = [r for r in _rows(book["GL accounts"]) if r[0] and r[0] not in (FORMULA_TOTAL, COUNTER_TOTAL)]
    assert {r[0]: money_cell(r[1]) for r in gl} == recon.by_gl

    journal = _rows(book["GL journal"])
    lines = [r for r in journal if isinstance(r[0], int)]
    assert [(r[1], money_cell(r[3]), money_cell(r[4])) for r in lines] == [
        (e.account, e.debit_cents, e.credit_cents) for e in recon.journal]
    formula = next(r for r in journal if r[2] == FORMULA_TOTAL)
    literal = next(r for r in journal if r[2] == COUNTER_TOTAL)
    first, last = 4, 3 + len(recon.journal)
    assert formula[3:5] == (f"=SUM(D{first}:D{last})", f"=SUM(E{first}:E{last})")
    debits = sum(e.debit_cents for e in recon.journal)
    assert money_cell(literal[3]) == money_cell(literal[4]) == debits
    assert any(r[2] == "Balanced" for r in journal)

    cheques = [r for r in _rows(book["Cheques"]) if r[0] and str(r[0]).startswith("CH1")]
    assert [(r[2], money_cell(r[3])) for r in cheques] == [("004512", 31_025), ("MO-88123", 7_500)]
    assert [(r[0], money_cell(r[1])) for r in _rows(book["Deposit slip"])] == [
        (d.label, d.amount_cents) for d in recon.deposit]
    movements = _rows(book["Movements"])
    assert [money_cell(r[2]) for r in movements] == [m.amount_cents for m in recon.movements]
    assert movements[0][0] == datetime(2026, 11, 25, 10, 0)  # local wall time: Excel has no zones
    batches = {r[0]: r for r in _rows(book["Card batches"])}
    assert money_cell(batches["Credit card"][3]) == -1_000 and batches["Credit card"][4] == "Differs"
    assert batches["Debit"][4] == "Matches"


def test_workbook_amounts_are_formatted_and_frozen(exported: Path) -> None:
    book = load_workbook(exported / f"{BASENAME}.xlsx")
    sheet = book["GL journal"]
    assert sheet.freeze_panes == "A4"
    assert sheet["D4"].number_format == "#,##0.00" and sheet["A3"].font.bold
    assert sheet.column_dimensions["C"].width > 30


# --- PDF --------------------------------------------------------------------------------------------------------


def test_pdf_shows_the_figures_a_clerk_checks(recon: Reconciliation, exported: Path) -> None:
    pdf = exported / f"{BASENAME}.pdf"
    reader = PdfReader(pdf)
    assert reader.pages[0].mediabox.width == 612 and reader.pages[0].mediabox.height == 792
    text = pdf_text(pdf)
    for expected in (
        "City of Lethbridge", "311 Payments and Customer Service", "End-of-day reconciliation", recon.scope,
        "2026-11-25", "Generated 2026-11-25 17:42",
        format_money(recon.total_cents), format_money(recon.gst_cents), format_money(recon.cash.expected),
        format_money(recon.counted_cents or 0), "Short $0.35", format_money(recon.deposit_total),
        "004512", "MO-88123", "Balanced", "Totals by tender", "Totals by service", "Totals by GL account",
        "Card batch check", "Deposit slip", "Cash movements", "GL journal", "Sign-off", "Prepared by", "Supervisor",
        "Finance", "Alex Tran", "Sam Okafor", "Postage stamps", "Receipts per hour", UTILITY_GL, "Differs",
    ):
        assert expected in text, expected
    debits = sum(e.debit_cents for e in recon.journal)
    assert text.count(format_money(debits)) >= 2  # the debit and the credit totals
    assert "NOT BALANCED" not in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_pdf_is_the_same_bytes_for_the_same_figures(recon: Reconciliation, tmp_path: Path) -> None:
    first = export(recon, tmp_path / "a")
    second = export(recon, tmp_path / "b")
    assert [f.sha256 for f in first if f.name.endswith(".pdf")] == [f.sha256 for f in second if f.name.endswith(".pdf")]


# --- empty day ----------------------------------------------------------------------------------------------


def test_an_empty_day_gives_valid_empty_files(tmp_path: Path) -> None:
    recon = reconcile("Counter day 2026-11-25, CH1-02", [], [], [], FLOAT, TZ)
    files = export(recon, tmp_path, basename="2026-11-25_CH1-02")
    folder = tmp_path / "2026-11-25_CH1-02"
    assert {f.name for f in files} >= set(CSV_NAMES)
    for name in ("tenders.csv", "services.csv", "gl_accounts.csv", "cheques.csv", "movements.csv"):
        assert read_csv(folder / name) == [], name
        assert (folder / name).read_text(encoding="utf-8").count("\n") == 1, name  # the header row
    journal = read_csv(folder / "gl_journal.csv")
    assert sum(cents(r["debit"]) for r in journal) == sum(cents(r["credit"]) for r in journal)
    summary = {r["key"]: r["value"] for r in read_csv(folder / "summary.csv")}
    assert summary["total"] == "0.00" and summary["receipts"] == "0" and summary["counted_cash"] == ""
    assert summary["deposit_total"] == format_plain(recon.deposit_total)
    text = pdf_text(folder / "2026-11-25_CH1-02.pdf")
    assert "No receipts on this date" in text and "Balanced" in text and "Not counted" in text
    book = load_workbook(folder / "2026-11-25_CH1-02.xlsx")
    assert book.sheetnames == list(SHEETS)
    literal = next(r for r in _rows(book["Tenders"]) if r[0] == COUNTER_TOTAL)
    assert money_cell(literal[1]) == 0


# --- failures leave nothing behind ----------------------------------------------------------------------------


def test_an_unwritable_folder_is_refused_clearly(recon: Reconciliation, tmp_path: Path) -> None:
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file where a folder should be")
    target = blocker / "exports"
    with pytest.raises(ExportError) as caught:
        export(recon, target)
    error = caught.value
    assert isinstance(error, UserError) and error.field == "out"
    assert str(target) in error.message and "Choose another folder" in error.message
    assert "not a folder" in error.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_a_permission_error_reads_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod cannot refuse: the probe is made to fail as a locked share would."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_module.tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError, match=r"^Cannot write to .*: permission denied\. Choose another folder\.$"):
        check_writable(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []  # the folders made for the probe are gone again


def test_a_failed_write_keeps_the_previous_export(recon: Reconciliation, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    export(recon, tmp_path)
    folder = tmp_path / BASENAME
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    calls = []

    def full_disk(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        write_atomically(path, data)

    monkeypatch.setattr(atomic_module, "write_atomically", full_disk)
    with pytest.raises(ExportError, match="the disk is full") as caught:
        export(day_recon(short_by=0), tmp_path)
    assert caught.value.message.startswith(f"Could not save the export in {tmp_path}: the disk is full.")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_exporting_again_replaces_the_previous_export(tmp_path: Path) -> None:
    export(day_recon(short_by=35), tmp_path)
    stray = tmp_path / BASENAME / "notes-from-last-time.txt"
    stray.write_text("old")
    export(day_recon(short_by=0), tmp_path)
    folder = tmp_path / BASENAME
    assert not stray.exists()
    assert {r["key"]: r["value"] for r in read_csv(folder / "summary.csv")}["over_short"] == "0.00"
    assert leftovers(tmp_path) == []


def test_write_atomically_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two" and os.listdir(tmp_path) == ["a.csv"]
    assert target.stat().st_mode & 0o644 == 0o644 & ~_umask()  # readable by finance, like any new file


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- progress and typed text ----------------------------------------------------------------------------------


def test_progress_rises_to_100(recon: Reconciliation, tmp_path: Path) -> None:
    seen: list[tuple[int, str]] = []
    export(recon, tmp_path, progress=lambda percent, label: seen.append((percent, label)))
    percents = [p for p, _ in seen]
    assert percents == sorted(set(percents)) and percents[-1] == 100 and len(percents) >= 4
    assert all(label for _, label in seen)


def test_typed_text_never_becomes_a_formula(tmp_path: Path) -> None:
    sneaky = Movement(MovementKind.PAID_OUT, 500, "=HYPERLINK(\"http://x\")", _at(9, 0), "100-1100-6990", "Alex", "Sam")
    recon = reconcile("CH1-02", [], [sneaky], [], FLOAT, TZ)
    export(recon, tmp_path)
    folder = tmp_path / BASENAME
    assert read_csv(folder / "movements.csv")[0]["reason"].startswith("'=")
    cell = load_workbook(folder / f"{BASENAME}.xlsx")["Movements"]["D4"]
    assert cell.data_type == "s" and cell.value == sneaky.reason


def test_day_sizes_stay_small(tmp_path: Path) -> None:
    """A busy day exports the same aggregated tables: no per-receipt rows, so the files stay small."""
    base = day_transactions()
    many = [_txn(n, base[n % 8].created_at + timedelta(seconds=n), base[n % 8].lines, base[n % 8].tenders,
                 change=base[n % 8].change_cents, rounding=base[n % 8].rounding_cents, kind=base[n % 8].kind,
                 status=base[n % 8].status) for n in range(1, 2_001)]
    recon = reconcile("CH1-02", many, day_movements(), [], FLOAT, TZ)
    files = {f.name: f for f in export(recon, tmp_path)}
    assert files[f"{BASENAME}.pdf"].size < 150_000
    assert files["cheques.csv"].size < 60_000  # one row per cheque is the only list that grows with the day


def test_a_long_cheque_list_prints_every_cheque(tmp_path: Path) -> None:
    """A tax-deadline day: the cheque list runs over pages in two columns, and not one cheque is lost."""
    cheques = [_txn(n, _at(9, 0) + timedelta(minutes=n), (UTILITY,),
                    (ReconTender("cheque", 12_347, number=f"77{n:04d}"),)) for n in range(1, 131)]
    recon = reconcile("CH1-02", cheques, [], [], FLOAT, TZ)
    export(recon, tmp_path)
    text = pdf_text(tmp_path / BASENAME / f"{BASENAME}.pdf")
    for n in range(1, 131):
        assert text.count(f"77{n:04d}") == 1, n
    assert "Total (130)" in text and format_money(130 * 12_347) in text


def test_an_unbalanced_journal_is_flagged_everywhere(recon: Reconciliation, tmp_path: Path) -> None:
    broken = replace(recon, journal=recon.journal[:-1])  # as if a line were lost: the report must say so
    export(broken, tmp_path)
    folder = tmp_path / BASENAME
    assert "NOT BALANCED" in pdf_text(folder / f"{BASENAME}.pdf")
    summary = {r[2]: r[1] for r in _rows(load_workbook(folder / f"{BASENAME}.xlsx")["Summary"])}
    assert summary["journal_balanced"] == "NOT BALANCED"


def test_cancelling_from_progress_writes_nothing(recon: Reconciliation, tmp_path: Path) -> None:
    class CancelledError(Exception):
        pass

    def cancel_at_saving(percent: int, label: str) -> None:
        if label.startswith("Saving"):
            raise CancelledError

    with pytest.raises(CancelledError):
        export(recon, tmp_path / "new-folder", progress=cancel_at_saving)
    assert list(tmp_path.iterdir()) == []  # not even the folder the export created for itself
