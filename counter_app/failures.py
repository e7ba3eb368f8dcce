"""Failures of the machine in words: a full disk, a read-only folder, a file this user may not use.

Why: these are not bugs to show as a traceback but states of the PC that someone at the counter or in IT can put
right, and each needs its own advice. A full disk needs space freed (nothing was recorded: SQLite rolled the
transaction back); a read-only store needs its permissions fixed and must never be "restored from backup", which
would throw away the records not yet synced. Standard library only (no SQLAlchemy): the command line and the
screens both use it, and the screens may not import the database layer. SQLAlchemy's wrapped errors are
recognised through their ``orig`` attribute.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

__all__ = ["LOW_SPACE_BYTES", "disk_full", "explain", "is_disk_full"]

# SQLite's primary result codes (an extended code keeps the primary one in its low byte).
_SQLITE_PERM = 3
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
#: Below this much free space an SQLite "disk I/O error" is taken for a full disk: SQLite reports a full disk as
#: an I/O error when it fails to grow its shared-memory file (``-shm``) rather than the database.
LOW_SPACE_BYTES = 1_000_000
_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def disk_full(folder: Path | None) -> str:
    """The one line for a full disk under ``folder`` (the data folder, or where an output was to go)."""
    where = str(folder) if folder is not None else "the counter's data"
    return f"The disk holding {where} is full: free some space; nothing was recorded."


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (SQLAlchemy's ``orig``), and its causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo.extend([orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__])


def _primary(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _low_space(folder: Path | None) -> bool:
    if folder is None:
        return False
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free < LOW_SPACE_BYTES
    except OSError:
        return False


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """True when ``exc`` (or what it wraps) is SQLite's "database or disk is full" or ENOSPC / EDQUOT."""
    for cause in _causes(exc):
        if isinstance(cause, sqlite3.Error):
            code = _primary(cause)
            if code == _SQLITE_FULL or "database or disk is full" in str(cause):
                return True
            if code == _SQLITE_IOERR and _low_space(folder):
                return True
        elif isinstance(cause, OSError) and cause.errno in _FULL:
            return True
    return False


def explain(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """One line for a failure of the machine, or ``None`` when ``exc`` is not one (a bug: let it be reported).

    ``data_dir`` is the data folder: it is named in the message and its free space is looked at.
    """
    if is_disk_full(exc, data_dir):
        named = _named_file(exc)
        if named is not None and data_dir is not None and not _inside(named, data_dir):
            return f"The disk holding {named.parent} is full: free some space; {named.name} was not written."
        return disk_full(data_dir)
    for cause in _causes(exc):
        if isinstance(cause, sqlite3.Error):
            code = _primary(cause)
            where = str(data_dir) if data_dir is not None else "the data folder"
            if code in (_SQLITE_READONLY, _SQLITE_PERM):
                return (f"The counter's store in {where} is read-only for this user: fix the permissions (the user "
                        "running Counter must be able to write the data folder and its files); the data is intact, "
                        "do not restore it from backup. Nothing was recorded.")
            if code == _SQLITE_CANTOPEN:
                return (f"The counter's store in {where} cannot be opened by this user: check that the folder "
                        "exists and that this user may read and write it; the data is intact, do not restore it "
                        "from backup. Nothing was recorded.")
        elif isinstance(cause, OSError):
            return _os_error(cause)
    return None


def _os_error(error: OSError) -> str:
    name = error.filename if error.filename is not None else "a file"
    reason = error.strerror or type(error).__name__
    if error.errno in _DENIED:
        return (f"Cannot use {name}: {reason} (this user may not write there: fix the permissions or choose "
                "another place). Nothing was recorded.")
    return f"Cannot use {name}: {reason}. Nothing was recorded."


def _named_file(exc: BaseException) -> Path | None:
    """The file a failing OSError names (an export, a saved receipt), if any."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.filename is not None:
            return Path(str(cause.filename))
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
