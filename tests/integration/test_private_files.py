"""The data folder is private to its user on POSIX: 0700, and 0600 for every file that holds the counter's data.

Why (issue 10, symptom 12): under the usual umask (022) the folder was 0755 and the store 0644, readable by every
account on the PC, while it holds residents' contact details and the staff's PIN hashes. Folders made by an earlier
version are tightened when this version opens them, and the log says so. What the counter hands to people (saved
receipts, exports) keeps ordinary permissions. Windows keeps the folder in the user's own profile instead, so these
tests are POSIX-only.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.app import build_counter
from counter_app.cli import main
from counter_app.config import Settings
from counter_app.logging_setup import configure_logging

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; on Windows the folder is in the profile")

DAY = "2026-11-25"
STATION = "CH1-02"


@pytest.fixture(autouse=True)
def _usual_umask(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("COUNTER_DATA_DIR", "COUNTER_WORKSTATION", "COUNTER_T0", "COUNTER_CENTRAL_URL"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)
        root = logging.getLogger()
        for handler in list(root.handlers):  # the logs these tests opened live in their tmp_path
            if isinstance(handler, logging.FileHandler):
                root.removeHandler(handler)
                handler.close()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def simulate(store: Path, n: int = 5) -> None:
    code, _, err = run("--data-dir", str(store), "--workstation", STATION, "--demo", "simulate", "--transactions",
                       str(n), "--date", DAY)
    assert code == 0, err


def test_a_new_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    store = tmp_path / "new" / "store"
    simulate(store)
    assert mode(store) == 0o700
    assert mode(store / "counter.sqlite3") == 0o600
    assert mode(store / "logs") == 0o700
    assert mode(store / "logs" / "counter.log") == 0o600
    assert mode(tmp_path / "new") == 0o755, "only the data folder is Counter's to close"


def test_the_wal_and_shm_of_an_open_store_are_private(tmp_path: Path) -> None:
    counter = build_counter(Settings(data_dir=tmp_path, workstation=STATION, demo=True))
    try:
        counter.visits.close_stale_visits()
        for name in ("counter.sqlite3", "counter.sqlite3-wal", "counter.sqlite3-shm"):
            assert mode(tmp_path / name) == 0o600, name
    finally:
        counter.close()


def test_the_printer_screen_writes_settings_json_private(qapp: object, tmp_path: Path) -> None:
    from counter_app.ui.printer_settings import save_printer_section

    settings = tmp_path / "settings.json"
    settings.write_text('{"workstation": "CH1-02"}', encoding="utf-8")
    os.chmod(settings, 0o644)  # as an administrator's editor left it
    save_printer_section(tmp_path, {"kind": "escpos-dummy"})
    assert mode(settings) == 0o600
    assert json.loads(settings.read_text(encoding="utf-8"))["printer"] == {"kind": "escpos-dummy"}


def test_logs_stay_private_when_they_rotate(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    logging.getLogger("counter.test").warning("before the rollover")
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler))
    handler.doRollover()  # type: ignore[attr-defined]
    logging.getLogger("counter.test").warning("after the rollover")
    handler.flush()
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600 and mode(path.with_name("counter.log.1")) == 0o600
    assert "after the rollover" in path.read_text(encoding="utf-8")


def test_the_sync_lock_is_private(tmp_path: Path) -> None:
    from counter_app.sync.worker import SenderLock

    with SenderLock(tmp_path / "sync.lock") as lock:
        assert lock.acquire()
        assert mode(tmp_path / "sync.lock") == 0o600


def test_an_older_folder_is_tightened_and_the_log_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store"
    simulate(store)
    (store / "settings.json").write_text('{"workstation": "CH1-02"}', encoding="utf-8")
    (store / "sync.lock").write_text("123", encoding="utf-8")
    (store / "logs" / "counter.log.1").write_text("old\n", encoding="utf-8")
    opened = [store, store / "logs"]
    files = [store / n for n in ("counter.sqlite3", "settings.json", "sync.lock")]
    files += [store / "logs" / "counter.log", store / "logs" / "counter.log.1"]
    for folder in opened:
        os.chmod(folder, 0o755)
    for file in files:
        os.chmod(file, 0o644)
    code, _, err = run("--data-dir", str(store), "journal", "--date", DAY)
    assert code == 0, err
    assert {str(p): mode(p) for p in opened} == {str(p): 0o700 for p in opened}
    assert {str(p): mode(p) for p in files} == {str(p): 0o600 for p in files}
    log = (store / "logs" / "counter.log").read_text(encoding="utf-8")
    assert "took group and other permissions away from" in log and str(store / "settings.json") in log


def test_a_read_only_file_is_never_made_writable(tmp_path: Path) -> None:
    simulate(tmp_path)
    (tmp_path / "settings.json").write_text("{}", encoding="utf-8")
    os.chmod(tmp_path / "settings.json", 0o444)
    code, _, err = run("--data-dir", str(tmp_path), "journal", "--date", DAY)
    assert code == 0, err
    assert mode(tmp_path / "settings.json") == 0o400


def test_the_default_demo_folder_and_its_parent_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent (the user's Counter folder) also holds the embedded demo centre, PIN hashes included."""
    from counter_app.config import default_data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("HOME", str(tmp_path))
    code, _, err = run("--workstation", STATION, "--demo", "simulate", "--transactions", "3", "--date", DAY)
    assert code == 0, err
    demo = default_data_dir(True)
    assert demo.is_relative_to(tmp_path)
    assert mode(demo) == 0o700 and mode(demo.parent) == 0o700


def test_what_people_take_away_keeps_ordinary_permissions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = run("--data-dir", str(store), "--workstation", STATION, "--demo", "simulate", "--transactions",
                       "10", "--date", DAY, "--close")
    assert code == 0, err
    receipt = tmp_path / "r.pdf"
    code, _, err = run("--data-dir", str(store), "receipt", f"{STATION}-000001", "--out", str(receipt))
    assert code == 0, err
    assert mode(receipt) == 0o644
    code, _, err = run("--data-dir", str(store), "eod", "export", "--date", DAY, "--out", str(tmp_path / "eod"))
    assert code == 0, err
    exported = [p for p in (tmp_path / "eod").rglob("*") if p.is_file()]
    assert exported and {mode(p) for p in exported} == {0o644}
