"""Writing export files so finance never opens a half-written one.

Everything is rendered in memory first; files land under a temporary name and are renamed into place only once
their bytes are on disk. A crash or a full disk leaves the previous export (or nothing), never a torn file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

from counter_app.errors import UserError

__all__ = ["ExportError", "check_writable", "describe_os_error", "fsync_folder", "write_all", "write_atomically"]

_FIELD = "out"


class ExportError(UserError):
    """The export could not be written where the person asked; the message says why and what to do."""

    def __init__(self, message: str, field: str | None = _FIELD) -> None:
        super().__init__(message, field)


def describe_os_error(error: OSError) -> str:
    """A few words a cashier understands, instead of an errno."""
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if isinstance(error, (NotADirectoryError, FileExistsError)) or error.errno == errno.ENOTDIR:
        return "part of that path is a file, not a folder"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if error.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    return (error.strerror or str(error)).lower()


def _refusal(folder: Path, error: OSError) -> ExportError:
    return ExportError(f"Cannot write to {folder}: {describe_os_error(error)}. Choose another folder.")


def check_writable(folder: Path) -> None:
    """Create ``folder`` if need be and prove a file can be written there, before any work is done.

    ``os.access`` is not enough: it says yes to root on a read-only share and to anyone on a full disk, so a
    real probe file is written and removed. Folders created here are removed again if the probe fails.
    """
    folder = Path(folder)
    created: list[Path] = []
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir()
            created.append(path)
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder))
        handle, probe = tempfile.mkstemp(prefix=".counter-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise _refusal(folder, error) from error


def fsync_folder(folder: Path) -> None:
    """Make a rename durable: the folder entry must reach the disk too (a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new file beside ``path``; unlike ``mkstemp`` it honours the umask, so finance can read the export."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No free temporary name", str(path))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path = Path(path)
    handle, temp = _create_temp(path)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_all(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write every file or none: on a failure the files this call already renamed into place are removed.

    Files that existed before are overwritten one by one, so callers that must keep an older set intact write
    into a fresh folder (as the exporter does) and swap folders.
    """
    folder = Path(folder)
    written: list[Path] = []
    try:
        for name, data in files.items():
            target = folder / name
            write_atomically(target, data)
            written.append(target)
        fsync_folder(folder)
    except OSError as error:
        for target in written:
            with contextlib.suppress(OSError):
                target.unlink()
        raise ExportError(f"Could not save the export in {folder}: {describe_os_error(error)}. Nothing was saved; "
                          "choose another folder.") from error
