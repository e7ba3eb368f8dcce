"""The data folder: whether this user may use it, and keeping it private to that user.

Why: the folder holds residents' contact details and the staff's PIN hashes, so on POSIX it is 0700 and its files
0600 whatever the umask (the issue found 0755 and 0644). And when the folder cannot be used, the words must say
*why*: a folder that belongs to another user or a read-only file needs its permissions fixed, never a "restore
from backup", which would throw away every record not yet sent to the centre.

On Windows the data folder is under the user's own profile (``%LOCALAPPDATA%``), which Windows already keeps to
that user; nothing POSIX-specific runs there (no modes, no owners), only the read-only attribute is looked at.
Standard library only; ``pwd`` is imported where it is used, on POSIX alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "POSIX", "PRIVATE_FILE_MODE", "PRIVATE_FOLDER_MODE", "file_problem", "folder_problem", "private_opener",
    "tighten",
]

POSIX = os.name == "posix"
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The files of the data folder that hold the store, its settings, its logs and its sync lock. Exports and saved
#: receipts are for other people and keep ordinary permissions: they are not listed.
PRIVATE_FILES = ("counter.sqlite3", "counter.sqlite3-wal", "counter.sqlite3-shm", "counter.sqlite3-journal",
                 "settings.json", "sync.lock")
LOGS = "logs"
_DO_NOT_RESTORE = "the data is intact, do not restore it from backup"

log = logging.getLogger("counter.data_folder")


def _access(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def _user(uid: int) -> str:
    """A user's name (POSIX), or ``uid N`` when the system does not know it."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _me() -> int | None:
    return os.geteuid() if POSIX else None


def _read_only_disk(folder: Path) -> bool:
    if not POSIX:
        return False
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def folder_problem(folder: Path, write: bool = True) -> str | None:
    """Why this user cannot use ``folder`` (to read, or also to ``write``), in words; ``None`` when it can."""
    try:
        info = folder.stat()
    except FileNotFoundError:
        return None  # created when needed; a parent that cannot be written says so then
    except PermissionError:
        return (f"The data folder {folder} cannot be reached by this user (a folder above it is closed to this "
                f"user): fix the permissions or choose another folder; {_DO_NOT_RESTORE}.")
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is a file, not a data folder: give the folder that holds counter.sqlite3."
    needed = os.R_OK | os.X_OK | (os.W_OK if write else 0)
    if _access(folder, needed):
        return None
    me = _me()
    if me is not None and info.st_uid != me:
        owner, user = _user(info.st_uid), _user(me)
        return (f"The data folder {folder} belongs to another user ({owner}) and this user ({user}) may not use it: "
                f"run Counter as {owner}, or have IT give the folder to {user} (chown -R {user} {folder}); "
                f"{_DO_NOT_RESTORE}.")
    if write and _access(folder, os.R_OK | os.X_OK):
        if _read_only_disk(folder):
            return (f"The data folder {folder} is on a read-only disk: remount it read-write or move the data to a "
                    f"writable disk; {_DO_NOT_RESTORE}.")
        return (f"The data folder {folder} is read-only for this user: Counter must be able to write there "
                f"(fix its permissions{', e.g. chmod 700 ' + str(folder) if POSIX else ''}); {_DO_NOT_RESTORE}.")
    return (f"The data folder {folder} cannot be read by this user: fix its permissions"
            f"{' (chmod 700 ' + str(folder) + ')' if POSIX else ''}; {_DO_NOT_RESTORE}.")


def file_problem(path: Path, write: bool = True) -> str | None:
    """Why this user cannot read (or also write) ``path`` in the data folder; ``None`` when it can or it is absent."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except PermissionError:
        return folder_problem(path.parent, write) or f"{path} cannot be reached by this user: fix the permissions."
    if _access(path, os.R_OK | (os.W_OK if write else 0)):
        return None
    me = _me()
    whose = ""
    if me is not None and info.st_uid != me:
        whose = f" (it belongs to {_user(info.st_uid)}; run Counter as that user or have IT chown it)"
    how = f" (chmod 600 {path})" if POSIX else " (clear its read-only attribute)"
    if write and _access(path, os.R_OK):
        return f"{path} is read-only for this user{whose}: fix its permissions{how}; {_DO_NOT_RESTORE}."
    return f"{path} cannot be read by this user{whose}: fix its permissions{how}; {_DO_NOT_RESTORE}."


# --- private to the user -------------------------------------------------------------------------------------------


def private_opener(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for :func:`open` that creates the file 0600 (POSIX; the mode is ignored on Windows)."""
    return os.open(path, flags, PRIVATE_FILE_MODE)


def _tighten_one(path: Path, mode: int) -> bool:
    """Take group and other permissions away from ``path`` (POSIX); True when its mode was changed."""
    if not POSIX:
        return False
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
            return False  # never through a link; another user's file is theirs to change (and we could not)
        current = stat.S_IMODE(info.st_mode)
        wanted = current & mode
        if current == wanted:
            return False
        os.chmod(path, wanted)
    except OSError:
        return False
    return True


def tighten(folder: Path, names: Iterable[str] = PRIVATE_FILES) -> list[Path]:
    """Make ``folder`` 0700 and its private files (store, settings, lock, logs) 0600 on POSIX.

    Used on every start: a folder made by an earlier version (0755, 0644) is tightened and the change logged.
    Returns what was changed; nothing happens on Windows (the folder is in the user's own profile).
    """
    if not POSIX:
        return []
    changed = [path for path, mode in _private_paths(folder, names) if _tighten_one(path, mode)]
    if changed:
        log.warning("took group and other permissions away from %s (the data folder is private to its user)",
                    ", ".join(str(p) for p in changed))
    return changed


def _private_paths(folder: Path, names: Iterable[str]) -> list[tuple[Path, int]]:
    paths = [(folder, PRIVATE_FOLDER_MODE)]
    paths += [(folder / name, PRIVATE_FILE_MODE) for name in names]
    logs = folder / LOGS
    paths.append((logs, PRIVATE_FOLDER_MODE))
    with contextlib.suppress(OSError):
        paths += [(log_file, PRIVATE_FILE_MODE) for log_file in logs.glob("counter.log*")]
    return [(path, mode) for path, mode in paths if path.exists()]
