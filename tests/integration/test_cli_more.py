"""The headless commands beyond payments: referrals and interactions for 311, the drawer and end-of-day
reconciliation, sync with the central database, and the audit trail; run in-process on real stores.

Why these tests: finance posts what ``eod export`` writes, the city counts what ``interactions`` lists and other
311 systems read what ``referrals export`` writes, so their shapes are contracts; PINs and passwords must never
pass through the command line or its output; and a failed sync must say plainly that nothing was lost.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import sqlite3
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from counter_app import cli
from counter_app.cli import main
from counter_app.sync.worker import SenderLock

DAY = "2026-11-25"  # a Wednesday
CITY = ZoneInfo("America/Edmonton")
STATION = "CH1-02"
GEOREPORT_FIELDS = ("service_request_id", "status", "service_code", "description", "agency_responsible",
                    "service_notice", "requested_datetime", "expected_datetime", "address_string", "first_name",
                    "last_name", "phone", "email", "attributes")
SECRETS = ("COUNTER_PIN", "COUNTER_SUPERVISOR_PIN", "COUNTER_CENTRAL_PASSWORD")
UNREACHABLE = "postgresql://counter@127.0.0.1:1/counter311"  # nothing listens on port 1: refused at once


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's environment must not leak in; whatever ``main`` sets is undone after each test."""
    for name in ("COUNTER_DATA_DIR", "COUNTER_WORKSTATION", "COUNTER_T0", "COUNTER_CENTRAL_URL", *SECRETS):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("COUNTER_CENTRAL_TIMEOUT_S", "2")


def run(*argv: str) -> tuple[int, str, str]:
    """``main`` in-process with stdout and stderr captured (usable from module-scoped fixtures too)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def at(folder: Path, *argv: str) -> tuple[int, str, str]:
    return run("--data-dir", str(folder), "--workstation", STATION, *argv)


def simulate(folder: Path, n: int, seed: int, *extra: str) -> str:
    code, out, err = run("--data-dir", str(folder), "--workstation", STATION, "--demo", "simulate",
                         "--transactions", str(n), "--seed", str(seed), "--date", DAY, *extra)
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def busy_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 200-receipt day with questions and referrals, every drawer closed, one of them $1.35 short."""
    folder = tmp_path_factory.mktemp("busy")
    return folder, simulate(folder, 200, 7, "--close", "--short-cents", "135")


def store_state(folder: Path) -> tuple[list[str], list[str]]:
    files = sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        return files, list(conn.iterdump())


def test_help_lists_the_new_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    shown = capsys.readouterr().out
    for command in ("referrals", "interactions", "eod", "sync", "central", "audit"):
        assert command in shown


# -- referrals and interactions --------------------------------------------------------------------------------
def test_referrals_export_is_open311_service_requests(busy_day: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = busy_day
    code, out, err = at(folder, "referrals", "export", "--date", DAY, "--format", "open311-json")
    assert code == 0, err
    requests = json.loads(out)
    assert isinstance(requests, list) and len(requests) >= 10
    for request in requests:
        assert set(GEOREPORT_FIELDS) <= set(request), request
        assert request["status"] in ("open", "closed")
        requested = datetime.fromisoformat(request["requested_datetime"])
        expected = datetime.fromisoformat(request["expected_datetime"])
        assert requested.tzinfo is not None and expected.tzinfo is not None
        assert requested.astimezone(CITY).date().isoformat() == DAY and expected > requested
        assert re.fullmatch(r"[A-Z]+-[A-Z]+", request["service_code"]), request["service_code"]
        assert len(request["description"]) >= 5 and request["agency_responsible"]
        attributes = request["attributes"]
        assert attributes["mode"] in ("walk_in", "callback") and attributes["workstation"] == STATION
        if attributes["mode"] == "callback":
            assert request["phone"] or request["email"], request
            assert attributes["callback_window"]
        if request["phone"]:
            assert re.fullmatch(r"403-555-01\d\d", request["phone"]), request["phone"]
        if request["email"]:
            assert request["email"].endswith("@example.ca")
    assert {r["attributes"]["mode"] for r in requests} == {"walk_in", "callback"}
    assert len({r["agency_responsible"] for r in requests}) >= 3
    saved = tmp_path / "referrals.json"
    code, said, err = at(folder, "referrals", "export", "--date", DAY, "--out", str(saved))
    assert code == 0, err
    assert str(saved) in said and json.loads(saved.read_text(encoding="utf-8")) == requests
    assert [p.name for p in tmp_path.iterdir()] == ["referrals.json"], "no temporary file left"


def test_referrals_export_of_a_quiet_day_is_an_empty_array(busy_day: tuple[Path, str]) -> None:
    code, out, err = at(busy_day[0], "referrals", "export", "--date", "2026-11-24")
    assert (code, json.loads(out)) == (0, []), err


def test_interactions_csv_has_the_citys_proportions(busy_day: tuple[Path, str]) -> None:
    folder, _ = busy_day
    code, out, err = at(folder, "interactions", "--date", DAY, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "visit_id", "kind", "topic", "workstation", "staff_id", "started_at", "ended_at",
                             "seconds", "article_id", "transaction_id", "referral_id"]
    kinds = Counter(row["kind"] for row in rows)
    assert kinds["payment"] == 200, "every receipt (sales and refunds) is a payment interaction"
    assert 2.5 <= kinds["information"] / kinds["referral"] <= 6, kinds
    for row in rows:
        assert row["workstation"] == STATION
        assert row["started_at"].startswith(f"{DAY}T") and row["started_at"].endswith("-07:00"), row
        assert row["started_at"] <= row["ended_at"] and int(row["seconds"]) >= 0
        link = {"payment": "transaction_id", "information": "article_id", "referral": "referral_id"}[row["kind"]]
        assert row[link], row
    asked = Counter(row["topic"] for row in rows if row["kind"] == "information")
    assert {"utilities", "waste_recycling"} <= {topic for topic, _ in asked.most_common(3)}, asked
    payment_visits = [row["visit_id"] for row in rows if row["kind"] == "payment"]
    assert len(set(payment_visits)) == 200, "each resident paying is a visit of their own"


def test_interactions_to_a_file(busy_day: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    code, said, err = at(busy_day[0], "interactions", "--date", DAY, "--out", str(out))
    assert code == 0, err
    assert "interactions on 2026-11-25" in said
    assert out.read_text(encoding="utf-8").startswith("id,visit_id,kind,")


# -- simulate --close and eod export ---------------------------------------------------------------------------
def test_simulated_day_moves_cash_and_closes_every_drawer(busy_day: tuple[Path, str]) -> None:
    _, said = busy_day
    assert "2 opened" in said and "1 paid-out" in said and "pickup" in said
    assert "Closed Z-CH1-02-00001 (Alex Martin) short $1.35, approved by Jordan Lee" in said
    assert "Z-CH1-02-00002 (Priya Singh) balanced" in said


def test_eod_export_after_a_closed_day_balances(busy_day: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = busy_day
    code, out, err = at(folder, "eod", "export", "--date", DAY, "--out", str(tmp_path / "finance"))
    assert code == 0, err
    export = tmp_path / "finance" / f"{DAY}_{STATION}"
    names = {p.name for p in export.iterdir()}
    assert {"gl_journal.csv", "summary.csv", "deposit_slip.csv", f"{DAY}_{STATION}.pdf",
            f"{DAY}_{STATION}.xlsx"} <= names
    for name in names:
        assert name in out
    assert "GL journal balances" in out
    journal = list(csv.DictReader(io.StringIO((export / "gl_journal.csv").read_text(encoding="utf-8"))))
    assert sum(Decimal(r["debit"]) for r in journal) == sum(Decimal(r["credit"]) for r in journal) > 0
    summary = dict(csv.reader(io.StringIO((export / "summary.csv").read_text(encoding="utf-8"))))
    assert summary["receipts"] == "200" and summary["over_short"] == "-1.35"
    assert Decimal(summary["paid_out"]) == Decimal("12.50") and Decimal(summary["pickups"]) > 0
    assert (export / f"{DAY}_{STATION}.pdf").read_bytes().startswith(b"%PDF")
    assert (export / f"{DAY}_{STATION}.xlsx").read_bytes().startswith(b"PK")


def test_eod_export_of_an_empty_day_writes_valid_empty_files(busy_day: tuple[Path, str], tmp_path: Path) -> None:
    code, out, err = at(busy_day[0], "eod", "export", "--date", "2026-11-24", "--out", str(tmp_path))
    assert code == 0, err
    export = tmp_path / f"2026-11-24_{STATION}"
    assert out.startswith(f"No receipts on 2026-11-24: empty files written to {export}")
    rows = list(csv.reader(io.StringIO((export / "gl_journal.csv").read_text(encoding="utf-8"))))
    assert rows == [["line", "account", "description", "debit", "credit"]]
    assert (export / "2026-11-24_CH1-02.pdf").read_bytes().startswith(b"%PDF")


def test_eod_export_names_the_supervisor_who_ran_it_and_refuses_a_cashier(
        busy_day: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = busy_day
    monkeypatch.setenv("COUNTER_PIN", "1111")
    code, _, err = at(folder, "eod", "export", "--date", DAY, "--out", str(tmp_path / "cashier"), "--staff", "1001")
    assert code == 2 and "Only a supervisor can export the counter's day" in err
    assert not (tmp_path / "cashier").exists(), "a refused export writes nothing"
    monkeypatch.setenv("COUNTER_PIN", "999901")
    code, out, err = at(folder, "eod", "export", "--date", DAY, "--out", str(tmp_path / "finance"), "--staff", "2001")
    assert code == 0 and "GL journal balances" in out, err
    pdf = tmp_path / "finance" / f"{DAY}_{STATION}" / f"{DAY}_{STATION}.pdf"
    assert "Jordan Lee" in "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        actor = conn.execute("select actor from audit_log where action = 'export' order by seq desc").fetchone()[0]
    assert actor == "2001"


# -- eod open / x-report / close with PINs from the environment ------------------------------------------------
def test_drawer_open_and_close_with_pins_from_the_environment(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    code, _, err = run("--data-dir", str(store), "--demo", "eod", "open", "--staff", "1001", "--float", "n20=10")
    assert code == 2 and "set COUNTER_PIN" in err and not store.exists(), "no PIN: nothing is created"
    code, _, err = run("--data-dir", str(store), "--demo", "eod", "open", "--staff", "1001", "--float", "n20=10",
                       "--pin", "1111")
    assert code == 2 and "unrecognized arguments" in err, "a PIN is never taken on the command line"

    monkeypatch.setenv("COUNTER_PIN", "1111")
    code, out, err = run("--data-dir", str(store), "--workstation", STATION, "--demo", "eod", "open",
                         "--staff", "1001", "--float", "n20=10,n5=4")
    assert code == 0, err
    assert "Opened the drawer of Alex Martin on CH1-02 with a float of $220.00" in out
    code, out, err = at(store, "eod", "x-report", "--staff", "1001")
    assert code == 0 and re.search(r"Expected cash\s+\$220\.00", out), err
    code, out, err = at(store, "eod", "close", "--staff", "1001", "--count", "n20=10,n5=4", "--cheques-checked")
    assert code == 0, err
    assert "Z report Z-CH1-02-00001" in out and re.search(r"Over/short\s+balanced", out)
    assert re.search(r"Expected cash\s+\$220\.00", out) and re.search(r"Counted\s+\$220\.00", out)
    assert "GL journal     balances" in out

    assert at(store, "eod", "open", "--staff", "1001", "--float", "n20=10")[0] == 0
    short = ("eod", "close", "--staff", "1001", "--count", "n20=9,n10=1,c25=3")  # $190.75 of $200.00
    code, out, err = at(store, *short)
    assert code == 2 and out == ""
    assert err.strip() == ("counter-app: Short $9.25 is beyond the $0.25 tolerance: a supervisor must approve "
                           "the close.")
    code, _, err = at(store, *short, "--supervisor", "2001")
    assert code == 2 and "set COUNTER_SUPERVISOR_PIN" in err
    monkeypatch.setenv("COUNTER_SUPERVISOR_PIN", "0000")
    code, _, err = at(store, *short, "--supervisor", "2001", "--note", "Recounted twice")
    assert code == 2 and "Supervisor number or PIN is wrong" in err
    monkeypatch.setenv("COUNTER_SUPERVISOR_PIN", "999901")
    code, _, err = at(store, *short, "--supervisor", "2001")
    assert code == 2 and "Explain the difference in a note" in err
    code, out, err = at(store, *short, "--supervisor", "2001", "--note", "Recounted twice with Jordan")
    assert code == 0, err
    assert "Z report Z-CH1-02-00002" in out and "short $9.25, approved by Jordan Lee" in out
    code, _, err = at(store, *short)
    assert code == 2 and "no open drawer" in err
    with sqlite3.connect(store / "counter.sqlite3") as conn:
        details = " ".join(row[0] for row in conn.execute("SELECT detail FROM audit_log"))
    assert "999901" not in details and "1111" not in details


# -- sync and the central database -----------------------------------------------------------------------------
def test_central_init_then_sync_once_to_an_embedded_sqlite_central(tmp_path: Path) -> None:
    store, url = tmp_path / "store", f"sqlite:///{tmp_path / 'central.sqlite3'}"
    simulate(store, 12, 3)
    code, out, err = at(store, "central", "init", "--url", url)
    assert code == 0, err
    assert f"Central database {url}: schema created or upgraded" in out and "Published the reference data" in out
    code, out, err = at(store, "central", "init", "--url", url, "--demo-data")
    assert code == 0 and "already published" in out, err

    code, out, err = at(store, "sync", "--once", "--central", url)
    assert code == 0, err
    pushed = int(re.search(r"pushed (\d+)", out).group(1))  # type: ignore[union-attr]
    assert pushed > 12 and out.splitlines()[-1] == "pending 0, conflicts 0"
    code, out, err = at(store, "sync", "--once", "--central", url)
    assert code == 0 and out.startswith("pushed 0,"), err

    code, out, err = at(store, "sync", "status", "--central", url)
    assert code == 0, err
    assert f"Central:       {url}" in out and re.search(r"Pending:\s+0\b", out)
    assert re.search(rf"Sent:\s+{pushed}\b", out) and "Last success:  never" not in out
    code, out, err = at(store, "audit", "verify", "--central", url)
    assert code == 0 and out.startswith("Audit trail intact:"), err


def test_sync_to_an_unreachable_central_keeps_everything(tmp_path: Path) -> None:
    simulate(tmp_path, 5, 4)
    code, out, err = at(tmp_path, "sync", "--once", "--central", UNREACHABLE)
    assert code == 1 and out == ""
    match = re.fullmatch(r"counter-app: Sync failed: (.+) \((\d+) records wait in the outbox; nothing was lost\)\n",
                         err)
    assert match, err
    assert "refused" in match.group(1).lower() or "connect" in match.group(1).lower()
    waiting = int(match.group(2))
    assert waiting > 5
    code, out, _ = at(tmp_path, "sync", "status", "--central", UNREACHABLE)
    assert code == 0 and re.search(rf"Pending:\s+{waiting}\b", out)
    assert "Last error:    none" not in out and "Last success:  never" in out
    assert "Connection:    unknown" in out


@pytest.mark.parametrize("command", [["sync", "--once"], ["sync", "status"], ["audit", "verify"]])
def test_a_central_url_with_a_password_is_refused_and_never_shown(busy_day: tuple[Path, str],
                                                                  command: list[str]) -> None:
    code, out, err = at(busy_day[0], *command, "--central", "postgresql://counter:s3cr3t@db.example.ca/c311")
    assert code == 2 and out == ""
    assert "The central database URL must not contain a password" in err and "COUNTER_CENTRAL_PASSWORD" in err
    assert "s3cr3t" not in out + err


def test_central_init_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run("--data-dir", str(tmp_path), "central", "init", "--url", UNREACHABLE)
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"counter-app: cannot set up the central database at {UNREACHABLE}: ")
    code, _, err = run("--data-dir", str(tmp_path), "central", "init", "--url", "nonsense")
    assert code == 2 and "is not a database URL" in err and len(err.splitlines()) == 1
    code, _, err = run("--data-dir", str(tmp_path), "central", "init", "--url", "postgresql://u:pw@h/db")
    assert code == 2 and "must not contain a password" in err and "pw@" not in err


def test_a_second_sender_on_the_same_folder_is_refused(busy_day: tuple[Path, str]) -> None:
    folder = busy_day[0]
    with SenderLock(folder / "sync.lock") as lock:
        assert lock.acquire()
        code, out, err = at(folder, "sync", "--once", "--central", UNREACHABLE)
    assert (code, out) == (2, "")
    assert err.strip() == "counter-app: Another Counter on this data folder is already sending; try again in a moment."


def test_sync_runs_in_the_foreground_until_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    simulate(tmp_path, 3, 5)
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    assert at(tmp_path, "central", "init", "--url", url)[0] == 0
    waits: list[float] = []

    def ctrl_c(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_wait", ctrl_c)
    code, out, err = at(tmp_path, "sync", "--central", url, "--interval", "7")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Sending to {url} every 7 s")
    assert re.match(r"\d\d:\d\d:\d\d pushed [1-9]\d*, .*; pending 0, conflicts 0$", lines[1]), lines[1]
    assert re.match(r"\d\d:\d\d:\d\d pushed 0, ", lines[2]), lines[2]
    assert lines[-1].startswith("Stopped") and waits == [7, 7]


# -- audit verify ----------------------------------------------------------------------------------------------
def test_audit_verify_then_an_edited_entry_is_named(busy_day: tuple[Path, str], tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(busy_day[0], folder)
    code, out, err = at(folder, "audit", "verify", "--no-central")
    assert code == 0, err
    found = re.fullmatch(r"Audit trail intact: (\d+) entries, head (\d+):([0-9a-f]{12}) "
                         r"\(local chain only: --no-central\)\n", out)
    assert found and found.group(1) == found.group(2) and int(found.group(1)) > 10, out
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        (detail,) = conn.execute("SELECT detail FROM audit_log WHERE seq = 7").fetchone()
        edited = {**json.loads(detail), "reason": "nothing to see"}
        conn.execute("UPDATE audit_log SET detail = ? WHERE seq = 7", (json.dumps(edited),))
    code, out, err = at(folder, "audit", "verify", "--no-central")
    assert (code, out) == (1, "")
    assert err == "counter-app: Audit trail broken at entry 7: its content was changed after it was written\n"
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        conn.execute("UPDATE audit_log SET detail = 'not json' WHERE seq = 4")
    code, _, err = at(folder, "audit", "verify")
    assert code == 1 and err.startswith("counter-app: Audit trail broken at entry 4: "), err


# -- bad input: one line, exit 2, nothing changed --------------------------------------------------------------
BAD_INPUTS: list[tuple[list[str], str]] = [
    (["referrals"], "required"),
    (["referrals", "export", "--format", "xml"], "invalid choice"),
    (["referrals", "export", "--out", "{tmp}"], "is a folder"),
    (["referrals", "export", "--out", "{tmp}/missing/r.json"], "cannot write"),
    (["interactions", "--date", "tomorrow"], "not a date"),
    (["interactions", "--format", "json"], "invalid choice"),
    (["eod"], "required"),
    (["eod", "export", "--out", "{tmp}/x"], "--date"),
    (["eod", "export", "--date", DAY], "--out"),
    (["eod", "export", "--date", DAY, "--out", "{tmp}/x", "--session", "nope"], "No drawer session nope"),
    (["eod", "open", "--staff", "1001", "--float", "n3=1"], "Unknown denomination"),
    (["eod", "close", "--staff", "1001", "--count", "n20=-1"], "whole number"),
    (["eod", "close", "--staff", "1001", "--count", "n20=1,n20=2"], "given twice"),
    (["eod", "close", "--staff", "1001"], "set COUNTER_PIN"),
    (["simulate", "--transactions", "5", "--short-cents", "10"], "needs --close"),
    (["simulate", "--transactions", "5", "--close", "--short-cents", "7"], "multiple of 5"),
    (["sync", "--interval", "0"], "at least 1"),
    (["central", "init"], "--url"),
    (["audit"], "required"),
    (["audit", "check"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    busy_day: tuple[Path, str], tmp_path: Path, argv: list[str], message: str
) -> None:
    folder = busy_day[0]
    before = store_state(folder)
    code, out, err = at(folder, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("counter-app: "), err
    assert message in err and "Traceback" not in err
    assert store_state(folder) == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["referrals", "export"], ["interactions"], ["audit", "verify"],
                                     ["sync", "status"], ["eod", "export", "--date", DAY, "--out", "x"]])
def test_reading_a_folder_with_no_store_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "typo"
    code, _, err = run("--data-dir", str(folder), *command)
    assert code == 2 and "no counter data" in err
    assert not folder.exists()
