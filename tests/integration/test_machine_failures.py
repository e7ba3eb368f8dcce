"""Failures of the machine, made for real, each in one line that says what to do, and changing nothing.

Why these tests (issue 10, symptom 10 and 13): a full disk gave a traceback on every command, and the integrity
check then called the store "not a readable counter database ... Restore it from backup"; so did a read-only data
folder, where restoring would throw away every record not yet synced. A folder that belongs to another user gave a
traceback; an empty ``counter.sqlite3`` was taken for a new store and receipts started again at 000001; a store
written by a newer Counter gave "Can't locate revision" on every command.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.store.preflight import shipped_revisions
from counter_app.store.schema_version import SCHEMA_HEAD
from tests.support.cli import forget_outside_settings, run
from tests.support.machine import (
    NOBODY,
    chown_tree,
    dump,
    fill,
    integrity,
    nobody_can_run_counter,
    run_as_nobody,
    settle,
    shared_folder,
    tiny_disk,
)

DAY = "2026-11-25"
STATION = "CH1-02"


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_outside_settings(monkeypatch)



def simulate(store: Path, n: int = 20, seed: int = 3) -> None:
    code, _, err = run("--data-dir", str(store), "--workstation", STATION, "--demo", "simulate", "--transactions",
                       str(n), "--seed", str(seed), "--date", DAY)
    assert code == 0, err


def names(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if not p.name.endswith(("-wal", "-shm")))


def one_line(err: str) -> str:
    assert len(err.splitlines()) == 1 and err.startswith("counter-app: "), err
    assert "Traceback" not in err and "Exception" not in err, err
    return err.strip()


#: Commands that write: each must fail in words on a full disk or a store this user may not write.
WRITING = [
    ["--demo", "simulate", "--transactions", "5", "--date", DAY],
    ["eod", "open", "--staff", "1002", "--float", "n20=10"],
    ["eod", "close", "--staff", "1001", "--count", "n20=10"],
]
PINS = {"COUNTER_PIN": "2222"}


# -- a full disk -----------------------------------------------------------------------------------------------
@pytest.fixture
def full_disk_store(tmp_path: Path) -> Iterator[tuple[Path, Path, list[str]]]:
    """A store on a 16 MB disk, shut down cleanly, then the disk filled: (store, filler, the store's rows)."""
    with tiny_disk(tmp_path / "disk") as disk:
        store = disk / "store"
        simulate(store)
        settle(store)
        rows = dump(store)
        yield store, fill(disk), rows


@pytest.mark.parametrize("argv", WRITING, ids=[" ".join(a[:2]) for a in WRITING])
def test_a_full_disk_is_one_line_and_the_store_stays_whole(
    full_disk_store: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    store, filler, rows = full_disk_store
    monkeypatch.setenv("COUNTER_PIN", "2222" if "1002" in argv else "1111")
    before = names(store)
    code, out, err = run("--data-dir", str(store), "--workstation", STATION, *argv)
    assert (code, out) == (1, "")
    assert one_line(err) == f"counter-app: The disk holding {store} is full: free some space; nothing was recorded."
    assert names(store) == before
    filler.unlink()
    assert integrity(store) == "ok"
    assert dump(store) == rows, "nothing was recorded"
    simulate(store, 3, seed=9)  # with room again, the counter carries on where it was
    assert len(dump(store)) > len(rows)


def test_a_disk_that_fills_while_the_store_is_open(tmp_path: Path) -> None:
    """The -wal and -shm are there (another Counter has the store open): SQLite says "database or disk is full"
    at the commit, and the transaction is rolled back whole."""
    with tiny_disk(tmp_path / "disk") as disk:
        store = disk / "store"
        simulate(store)
        holder = sqlite3.connect(store / "counter.sqlite3")  # keeps -wal and -shm in place, as an open app does
        try:
            holder.execute("SELECT count(*) FROM transactions").fetchone()
            rows = dump(store)
            filler = fill(disk)
            code, out, err = run("--data-dir", str(store), "--workstation", STATION, *WRITING[0])
            assert (code, out) == (1, "")
            assert one_line(err) == (f"counter-app: The disk holding {store} is full: free some space; "
                                     "nothing was recorded.")
            filler.unlink()
            assert dump(store) == rows
        finally:
            holder.close()
        assert integrity(store) == "ok"


def test_a_receipt_saved_to_a_full_disk_is_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    simulate(store, 3)
    with tiny_disk(tmp_path / "usb", size="1m") as usb:
        filler = fill(usb)
        out = usb / "r.pdf"
        code, said, err = run("--data-dir", str(store), "receipt", f"{STATION}-000001", "--out", str(out))
        assert (code, said) == (1, "")
        assert one_line(err) == f"counter-app: The disk holding {usb} is full: free some space; r.pdf was not written."
        assert sorted(p.name for p in usb.iterdir()) == [filler.name], "no temporary file left behind"


def test_a_read_only_command_still_works_on_a_full_disk(full_disk_store: tuple[Path, Path, list[str]]) -> None:
    store, _filler, _rows = full_disk_store
    code, out, err = run("--data-dir", str(store), "--workstation", STATION, "journal", "--date", DAY,
                         "--format", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 21


# -- a store that is not a counter store, or too new -----------------------------------------------------------
def test_an_empty_store_file_is_refused_never_replaced(tmp_path: Path) -> None:
    simulate(tmp_path)
    settle(tmp_path)
    (tmp_path / "counter.sqlite3").write_bytes(b"")
    before = names(tmp_path)
    for argv in (["journal"], WRITING[0]):
        code, out, err = run("--data-dir", str(tmp_path), "--workstation", STATION, *argv)
        assert (code, out) == (1, "")
        line = one_line(err)
        assert f"{tmp_path / 'counter.sqlite3'} is empty (0 bytes), so it is not a counter store" in line
        assert "will not start a new store over it" in line and "Restore it from backup." not in line
        assert (tmp_path / "counter.sqlite3").stat().st_size == 0
        assert names(tmp_path) == before


def test_a_sqlite_file_without_the_counter_schema_is_refused(tmp_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(tmp_path / "counter.sqlite3")) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
    rows = dump(tmp_path)
    code, _, err = run("--data-dir", str(tmp_path), *WRITING[0])
    assert code == 1 and "holds no counter schema, so it is not a counter store" in one_line(err)
    assert dump(tmp_path) == rows


def test_a_store_creation_cut_short_leaves_no_store_and_is_done_again(tmp_path: Path) -> None:
    """Creating a store is whole or nothing: a kill mid-way leaves only the temporary file, never an empty store."""
    (tmp_path / ".counter.sqlite3.creating").write_bytes(b"half a migration")
    simulate(tmp_path, 3)
    assert not (tmp_path / ".counter.sqlite3.creating").exists()
    assert integrity(tmp_path) == "ok"


def _set_revision(store: Path, revision: str) -> None:
    with contextlib.closing(sqlite3.connect(store / "counter.sqlite3")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()


@pytest.mark.parametrize(("revision", "words"), [
    ("9006", f"This store was written by a newer version of Counter (schema 9006; this version knows up to "
             f"{SCHEMA_HEAD}): install the newer version; nothing was changed."),
    ("ffe1c0", f"This store has schema 'ffe1c0', which this version of Counter does not know (it knows up to "
               f"{SCHEMA_HEAD}): install the version of Counter that wrote it; nothing was changed."),
])
def test_a_store_from_a_newer_counter_is_refused_and_left_alone(tmp_path: Path, revision: str, words: str) -> None:
    simulate(tmp_path)
    settle(tmp_path)
    _set_revision(tmp_path, revision)
    rows = dump(tmp_path)
    for argv in (["journal", "--date", DAY], WRITING[0], ["audit", "verify", "--no-central"]):
        code, out, err = run("--data-dir", str(tmp_path), "--workstation", STATION, *argv)
        assert (code, out) == (1, "")
        assert one_line(err) == f"counter-app: {words}"
    assert dump(tmp_path) == rows, "not migrated, not seeded, not touched"


def test_the_newer_store_check_knows_every_shipped_revision() -> None:
    """The check reads the versions folder cheaply; it must agree with Alembic's own script directory."""
    from alembic.script import ScriptDirectory

    from counter_app.store.migrations_config import alembic_config

    alembic = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    assert shipped_revisions() == alembic
    assert SCHEMA_HEAD in alembic


# -- permissions: run as a user who is not root ----------------------------------------------------------------
@pytest.fixture
def nobody_store() -> Iterator[Path]:
    """A real store with a day on it in a folder user 65534 can reach, given to that user."""
    nobody_can_run_counter()
    with shared_folder() as base:
        home = base / "home"  # every command makes the embedded centre's folder under HOME
        home.mkdir()
        chown_tree(home)
        store = base / "store"
        simulate(store)
        settle(store)
        chown_tree(store)
        yield store


def _nobody(store: Path, *argv: str) -> tuple[int, str, str]:
    done = run_as_nobody(store.parent / "home", "--data-dir", str(store), "--workstation", STATION, *argv,
                         env=PINS)
    return done.returncode, done.stdout, done.stderr


def _refused(store: Path, argv: list[str], expected: str) -> str:
    rows, before = dump(store), names(store)
    code, out, err = _nobody(store, *argv)
    assert (code, out) == (1, ""), err
    line = one_line(err)
    assert expected in line, line
    assert "Restore it from backup" not in line
    settle(store)  # root's look at the store must leave nothing behind for user 65534 to trip over
    assert names(store) == before and dump(store) == rows
    return line


@pytest.mark.parametrize("argv", WRITING[:2], ids=["simulate", "eod open"])
def test_a_read_only_data_folder_says_fix_permissions_not_restore(nobody_store: Path, argv: list[str]) -> None:
    os.chmod(nobody_store, 0o500)
    try:
        line = _refused(nobody_store, argv, f"The data folder {nobody_store} is read-only for this user")
        assert "do not restore it from backup" in line and "chmod 700" in line
    finally:
        os.chmod(nobody_store, 0o700)


def test_a_read_only_store_file_says_fix_permissions_not_restore(nobody_store: Path) -> None:
    db = nobody_store / "counter.sqlite3"
    os.chmod(db, 0o400)
    line = _refused(nobody_store, WRITING[0], f"{db} is read-only for this user")
    assert f"chmod 600 {db}" in line and "do not restore it from backup" in line


@pytest.mark.parametrize("mode", [0o700, 0o755])
def test_a_folder_that_belongs_to_another_user_is_named(nobody_store: Path, mode: int) -> None:
    chown_tree(nobody_store, 0, 0)
    os.chmod(nobody_store, mode)
    for argv in (["journal", "--date", DAY], WRITING[0]):
        if mode == 0o700 or argv != ["journal", "--date", DAY]:
            line = _refused(nobody_store, argv, f"The data folder {nobody_store} belongs to another user (root) "
                                                "and this user (nobody) may not use it")
            assert "run Counter as root, or have IT give the folder to nobody" in line


def test_a_wal_left_by_root_is_named(nobody_store: Path) -> None:
    """Someone ran Counter once with sudo: its -wal file belongs to root."""
    wal = nobody_store / "counter.sqlite3-wal"
    wal.write_bytes(b"")
    os.chmod(wal, 0o644)
    try:
        code, _, err = _nobody(nobody_store, *WRITING[0])
        assert code == 1
        line = one_line(err)
        assert f"{wal} is read-only for this user (it belongs to root" in line and "Restore it from" not in line
    finally:
        wal.unlink()


def test_settings_another_user_locked_are_a_permissions_error(nobody_store: Path) -> None:
    settings = nobody_store / "settings.json"
    settings.write_text('{"workstation": "CH1-02"}', encoding="utf-8")
    os.chmod(settings, 0o600)  # root's
    code, out, err = _nobody(nobody_store, "journal", "--date", DAY)
    assert (code, out) == (1, "")
    assert f"{settings} cannot be read by this user (it belongs to root" in one_line(err)


def test_an_unwritable_output_folder_is_one_line(nobody_store: Path) -> None:
    out = nobody_store.parent / "root-only"
    out.mkdir(mode=0o755)
    code, said, err = _nobody(nobody_store, "receipt", f"{STATION}-000001", "--out", str(out / "r.pdf"))
    assert (code, said) == (2, "") and f"cannot write to {out}: Permission denied" in one_line(err)
    code, said, err = _nobody(nobody_store, "eod", "export", "--date", DAY, "--out", str(out / "day"))
    assert code == 2 and "Cannot write to" in one_line(err) and said == ""
    assert list(out.iterdir()) == []


def test_nobody_can_use_their_own_store(nobody_store: Path) -> None:
    """The control: the same user, the same store, permissions in order: it works."""
    code, out, err = _nobody(nobody_store, "journal", "--date", DAY, "--format", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 21
    assert os.stat(nobody_store / "logs").st_uid == NOBODY
