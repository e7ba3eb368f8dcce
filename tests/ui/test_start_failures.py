"""The window opens even when the store cannot: the sign-in screen says why, in words, and what to do.

Why: on a full disk the GUI's start showed "The counter could not open its data: ... is not a readable counter
database (disk I/O error). Restore it from backup": the wrong advice (restoring loses what was not synced yet).
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtWidgets import QApplication

from counter_app.app import build_counter
from counter_app.cli import main
from counter_app.config import Settings
from counter_app.ui.main_window import MainWindow
from tests.support.machine import dump, fill, settle, tiny_disk

from .helpers import WAIT_MS


def _simulate(store: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(store), "--workstation", "CH1-02", "--demo", "simulate", "--transactions",
                     "5", "--date", "2026-11-25"])
    assert code == 0, err.getvalue()


@contextlib.contextmanager
def _window(settings: Settings) -> Iterator[MainWindow]:
    window = MainWindow(settings, build_counter)
    window.show()
    try:
        yield window
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        QApplication.processEvents()


def _start_and_wait(qtbot: object, window: MainWindow) -> str:
    with qtbot.waitSignal(window.session.start_failed, timeout=WAIT_MS) as failed:  # type: ignore[attr-defined]
        window.start()
    message = str(failed.args[0])
    qtbot.waitUntil(lambda: window.login.status.text() == message, timeout=WAIT_MS)  # type: ignore[attr-defined]
    return message


def test_a_full_disk_at_start_up_is_said_on_the_sign_in_screen(qtbot: object, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        store = disk / "store"
        _simulate(store)
        settle(store)
        rows = dump(store)
        filler = fill(disk)
        with _window(Settings(data_dir=store, workstation="CH1-02")) as window:
            message = _start_and_wait(qtbot, window)
            assert message == f"The disk holding {store} is full: free some space; nothing was recorded."
            assert window.counter is None
        filler.unlink()
        assert dump(store) == rows


def test_a_newer_store_at_start_up_is_said_on_the_sign_in_screen(qtbot: object, tmp_path: Path) -> None:
    _simulate(tmp_path)
    settle(tmp_path)
    with contextlib.closing(sqlite3.connect(tmp_path / "counter.sqlite3")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9006'")
        conn.commit()
    with _window(Settings(data_dir=tmp_path, workstation="CH1-02")) as window:
        message = _start_and_wait(qtbot, window)
    assert "This store was written by a newer version of Counter (schema 9006;" in message
    assert "install the newer version" in message


def test_an_empty_store_at_start_up_is_refused_on_screen(qtbot: object, tmp_path: Path) -> None:
    (tmp_path / "counter.sqlite3").write_bytes(b"")
    with _window(Settings(data_dir=tmp_path, workstation="CH1-02")) as window:
        message = _start_and_wait(qtbot, window)
    assert "is empty (0 bytes), so it is not a counter store" in message
    assert (tmp_path / "counter.sqlite3").read_bytes() == b"", "no new store over it"
