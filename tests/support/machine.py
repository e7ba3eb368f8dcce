"""The machine's own failures, made for real: a tiny disk that fills up, and a user who is not root.

Why real ones: a mocked ``OSError`` proves only that the mock was caught. A full tmpfs makes SQLite fail the way a
full disk does (``database or disk is full`` at commit, or ``disk I/O error`` when it cannot grow its ``-shm``),
and permission checks only bite a user who is not root (root bypasses them). Both need root on Linux: outside CI
the tests that use them are skipped with the reason; under ``CI=true`` (CI runs as root) they must run, so a
missing ability fails them instead.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

NOBODY = 65534
IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parents[2]


def need(ok: bool, reason: str) -> None:
    """Skip with ``reason`` on a developer's machine; under CI the test must run, so fail instead."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def is_root() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def tiny_disk(where: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``where`` (created), unmounted afterwards."""
    need(is_root(), "mounting a small tmpfs to fill it needs root on Linux")
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "counter-test", str(where)],
                             capture_output=True, text=True, check=False)
    need(mounted.returncode == 0, f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(disk: Path) -> Path:
    """Write zeros into ``disk/filler`` until the disk refuses even one more byte; returns the filler."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1):
            block = b"\0" * chunk
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free < 4096
    return filler


def settle(store: Path) -> None:
    """Fold the WAL into the store and close it, as a counter shut down cleanly leaves it (no -wal, no -shm)."""
    gc.collect()  # an in-process command's read-only knowledge-base connection goes with its Counter
    with contextlib.closing(sqlite3.connect(store / "counter.sqlite3")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for name in ("counter.sqlite3-wal", "counter.sqlite3-shm"):
        assert not (store / name).exists(), f"{name} is still there: something holds the store open"


def dump(store: Path) -> list[str]:
    """Every row of the store, as SQL (read by plain sqlite3, not by the code under test)."""
    with contextlib.closing(sqlite3.connect(store / "counter.sqlite3")) as conn:
        return list(conn.iterdump())


def integrity(store: Path) -> str:
    with contextlib.closing(sqlite3.connect(store / "counter.sqlite3")) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder under the system temp folder that another user can reach (pytest's own tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="counter-perm-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_nobody() -> list[str]:
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def nobody_can_run_counter() -> None:
    """Skip (or, under CI, fail) unless user 65534 can run this interpreter and import the project."""
    need(is_root(), "checking permissions needs a user who is not root, and only root can become one")
    need(shutil.which("setpriv") is not None, "setpriv (util-linux) is not installed")
    probe = subprocess.run([*_as_nobody(), sys.executable, "-c", "import counter_app.cli, sqlalchemy"],
                           capture_output=True, text=True, timeout=60, check=False, cwd="/",
                           env=_nobody_env(Path("/")))
    need(probe.returncode == 0, f"user {NOBODY} cannot run {sys.executable} with the project: "
                                f"{probe.stderr.strip()[-200:]}")


def _nobody_env(home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
    return {**keep, "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", "QT_QPA_PLATFORM": "offscreen",
            "COUNTER_SYNC_AUTOSTART": "0", "PYTHONPATH": str(ROOT)}


def run_as_nobody(home: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``counter-app`` command, run as user 65534 (nobody), from ``home``."""
    return subprocess.run([*_as_nobody(), sys.executable, "-m", "counter_app", *argv], capture_output=True,
                          text=True, timeout=180, check=False, cwd=home, env={**_nobody_env(home), **(env or {})})


def chown_tree(folder: Path, uid: int = NOBODY, gid: int = NOBODY) -> None:
    os.chown(folder, uid, gid)
    for path in folder.rglob("*"):
        os.chown(path, uid, gid, follow_symlinks=False)
