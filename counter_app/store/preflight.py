"""Before the store is opened: may this user use it, is it a counter store, is it newer than this code?

Why: SQLite's own errors say "unable to open database file" or "Can't locate revision '0006'" on every command;
the operator needs to know which of very different situations it is, because the remedies are opposites:

* a damaged file: restore it from backup (the integrity check, :func:`counter_app.store.db.check_integrity`);
* a read-only file or folder, or one that belongs to another user: fix the permissions, and do *not* restore,
  which would lose every record not yet synced;
* an empty (0-byte) or schema-less file: not a counter store; never start a new store over it, which would restart
  the receipt numbers at 000001 while the centre already holds them;
* a store written by a newer version of Counter: install that version; this one must not touch it.

Everything here only reads (plain ``sqlite3``, ``mode=ro``), so a refusal changes nothing. A new store is created
whole or not at all (:func:`create_store`), so Counter itself never leaves an empty file behind after a crash.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from functools import cache
from pathlib import Path

from counter_app.data_folder import POSIX, PRIVATE_FILE_MODE, file_problem, folder_problem
from counter_app.store.db import StoreError
from counter_app.store.read_only import read_only_uri
from counter_app.store.schema_version import SCHEMA_HEAD

__all__ = ["NewerStoreError", "NotACounterStoreError", "check_store", "new_store_path", "place_new_store",
           "shipped_revisions"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


class NotACounterStoreError(StoreError):
    """The file exists but holds no counter store (empty, or no schema version)."""


class NewerStoreError(StoreError):
    """The store's schema revision is one this code does not ship: a newer Counter wrote it."""


@cache
def shipped_revisions() -> frozenset[str]:
    """Every Alembic revision this code ships, read from the ``versions`` folder (a few small files, once)."""
    found: set[str] = set()
    for script in _VERSIONS.glob("*.py"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found.update(_REVISION.findall(script.read_text(encoding="utf-8")))
    return frozenset(found) or frozenset({SCHEMA_HEAD})


def check_store(db_path: Path, *, write: bool = True) -> None:
    """Refuse, in words, a store this user may not use, that is not a counter store, or that is too new.

    ``write=False`` for a command that only reads: the folder and files then only need to be readable. A missing
    file passes (a new store is made by :func:`create_store`). Raises :class:`StoreError`; changes nothing.
    """
    folder = db_path.parent
    problem = folder_problem(folder, write)
    if problem is None:
        for path in (db_path, *_companions(db_path)):
            problem = file_problem(path, write)
            if problem is not None:
                break
    if problem is not None:
        raise StoreError(problem)
    if not db_path.exists():
        return
    _check_is_a_store(db_path)
    _check_revision(db_path)


def _companions(db_path: Path) -> tuple[Path, Path]:
    return db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")


def _not_a_store(db_path: Path, what: str) -> NotACounterStoreError:
    return NotACounterStoreError(
        f"{db_path} {what}, so it is not a counter store. Counter will not start a new store over it (receipt "
        "numbers would start again at 000001): restore the store from backup, or, on a new workstation that never "
        "took a payment, delete the file. Nothing was changed.")


def _check_is_a_store(db_path: Path) -> None:
    size = db_path.stat().st_size
    if size == 0:
        wal = _companions(db_path)[0]
        if not (wal.exists() and wal.stat().st_size > 0):  # pages still in the WAL: SQLite reads them from there
            raise _not_a_store(db_path, "is empty (0 bytes)")
        return
    with db_path.open("rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        return  # not SQLite at all: the integrity check says "damaged, restore it from backup"


def _read_revision(db_path: Path) -> tuple[bool, str | None]:
    """(has a version table, its revision), read-only; (True, None) when the file cannot be read here."""
    try:
        with contextlib.closing(sqlite3.connect(read_only_uri(db_path), uri=True, timeout=5)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                return False, None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return True, None  # damaged or busy: the integrity check and the open that follow say what it is
    return True, (str(row[0]) if row else None)


def _check_revision(db_path: Path) -> None:
    has_version, revision = _read_revision(db_path)
    if not has_version:
        raise _not_a_store(db_path, "holds no counter schema")
    if revision is None or revision == SCHEMA_HEAD or revision in shipped_revisions():
        return
    newest = max(shipped_revisions())
    if revision.isdigit() and newest.isdigit() and int(revision) > int(newest):
        raise NewerStoreError(
            f"This store was written by a newer version of Counter (schema {revision}; this version knows up to "
            f"{SCHEMA_HEAD}): install the newer version; nothing was changed.")
    raise NewerStoreError(
        f"This store has schema {revision[:20]!r}, which this version of Counter does not know (it knows up to "
        f"{SCHEMA_HEAD}): install the version of Counter that wrote it; nothing was changed.")


def new_store_path(db_path: Path) -> Path:
    """Where a new store is built before it is renamed into place; what an interrupted creation left there is
    removed first."""
    temporary = db_path.with_name(f".{db_path.name}.creating")
    for leftover in (temporary, *_companions(temporary)):
        leftover.unlink(missing_ok=True)
    return temporary


def place_new_store(temporary: Path, db_path: Path) -> None:
    """Rename a store built whole at ``temporary`` into place, durably and private.

    Why: a process killed while creating the store must not leave a file that looks like a store (an empty one
    is refused, see :func:`check_store`). The WAL is folded into the file and WAL mode left, so the one file holds
    everything when it is renamed; the first connection to the real store turns WAL on again (db.make_engine).
    """
    with contextlib.closing(sqlite3.connect(temporary)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    with open(temporary, "rb+") as file:
        os.fsync(file.fileno())
    if POSIX:
        os.chmod(temporary, PRIVATE_FILE_MODE)  # SQLite made it 0644 under the usual umask
    os.replace(temporary, db_path)
    _sync_folder(db_path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; Windows cannot open a folder and needs no such step)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
