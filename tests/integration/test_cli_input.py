"""Absurd numbers and dates on the command line, and a reader that stops reading (``| head``).

Why these tests: ``--transactions 99999999999999999999999`` wrote the store and its first records and then died
with an ``OverflowError`` traceback; ``sync --interval`` of a day and more died the same way after a first sync;
years 0001 and 9999 were taken as business days; ``counter-app journal | head -1`` ended in a
``BrokenPipeError`` traceback. Each limit is checked while the command line is read, so nothing is written.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.cli import EXIT_BROKEN_PIPE, main
from tests.support.cli import forget_outside_settings, run

DAY = "2026-11-25"


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_outside_settings(monkeypatch)



def store_state(folder: Path) -> tuple[list[str], list[str]]:
    files = sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        return files, list(conn.iterdump())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("input")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(folder), "--demo", "simulate", "--transactions", "400", "--date", DAY])
    assert code == 0, err.getvalue()
    return folder


HUGE = "99999999999999999999999"
ABSURD: list[tuple[list[str], str]] = [
    (["--demo", "simulate", "--transactions", HUGE], "a number of 23 digits is more than 10,000"),
    (["--demo", "simulate", "--transactions", "10001"], "10,001 is more than 10,000"),
    (["--demo", "simulate", "--transactions", "9" * 5000], "(5000 digits) is far too large"),
    (["--demo", "simulate", "--transactions", "5", "--seed", "1" + "0" * 18], "at most 18 digits, not 19"),
    (["--demo", "simulate", "--transactions", "5", "--seed", "9" * 5000], "far too large"),
    (["--demo", "simulate", "--transactions", "5", "--close", "--short-cents", HUGE], "at most 10000"),
    (["sync", "--interval", HUGE], "is more than 3,600"),
    (["sync", "--interval", "86400"], "86,400 is more than 3,600"),
    (["--demo", "simulate", "--transactions", "5", "--date", "0001-01-01"],
     "0001-01-01 is outside the days Counter accepts (2000-01-01 to 2099-12-31)"),
    (["--demo", "simulate", "--transactions", "5", "--date", "9999-12-31"], "9999-12-31 is outside the days"),
    (["journal", "--date", "1999-12-31"], "1999-12-31 is outside the days"),
    (["journal", "--date", "2100-01-01"], "2100-01-01 is outside the days"),
    (["interactions", "--date", "0001-01-01"], "outside the days"),
    (["referrals", "export", "--date", "9999-12-31"], "outside the days"),
    (["eod", "export", "--date", "0001-01-01", "--out", "x"], "outside the days"),
]


@pytest.mark.parametrize(("argv", "message"), ABSURD, ids=[" ".join(a)[:60] for a, _ in ABSURD])
def test_absurd_numbers_and_dates_are_refused_before_anything_is_written(
    store: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    before = store_state(store)
    code, out, err = run("--data-dir", str(store), *argv)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("counter-app: "), err
    assert message in err and "Traceback" not in err, err
    assert store_state(store) == before
    fresh = tmp_path / "new"
    code, _, err = run("--data-dir", str(fresh), *argv)
    assert code == 2 and message in err, err
    assert not fresh.exists(), "not even the data folder is created"


def test_the_limits_are_said_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "1 to 10,000" in shown and "2000-01-01 to 2099-12-31" in shown and "up to 18 digits" in shown
    assert main(["sync", "--help"]) == 0
    assert "1 to 3600" in " ".join(capsys.readouterr().out.split())


def test_the_edges_of_the_range_are_accepted(store: Path) -> None:
    for day in ("2000-01-01", "2099-12-31"):
        code, out, err = run("--data-dir", str(store), "journal", "--date", day, "--format", "csv")
        assert code == 0 and out.startswith("receipt,"), err


@pytest.mark.skipif(sys.platform == "win32", reason="Windows reports a closed pipe differently (not verified)")
def test_a_reader_that_goes_away_stops_the_command_quietly(store: Path) -> None:
    """The standard output is a pipe nobody reads any more (what ``| head -1`` leaves after its first line)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        shown = subprocess.run(
            [sys.executable, "-m", "counter_app", "--data-dir", str(store), "journal", "--date", DAY],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    finally:
        os.close(write_end)
    assert shown.returncode == EXIT_BROKEN_PIPE == 141
    assert shown.stderr == "", shown.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="head and a POSIX shell")
def test_journal_piped_into_head(store: Path) -> None:
    shown = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" -m counter_app --data-dir "$1" journal --date "$2" --format csv '
                       '| head -1', sys.executable, str(store), DAY],
        capture_output=True, text=True, timeout=120, check=False)
    assert shown.stdout.splitlines() == ["receipt,datetime,workstation,cashier,status,total,cash,debit,credit,"
                                         "cheque,money_order,rounding,change,refund_of"]
    assert shown.returncode in (0, EXIT_BROKEN_PIPE), shown.stderr  # 0 when head read before it closed
    assert "Traceback" not in shown.stderr and "Exception" not in shown.stderr, shown.stderr


def test_a_broken_pipe_in_process_is_exit_141(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class GoneReader(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", GoneReader())
    assert main(["--data-dir", str(store), "journal", "--date", DAY]) == EXIT_BROKEN_PIPE
