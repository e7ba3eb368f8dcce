"""Opening the store to read only, even on a full disk.

SQLite reads a WAL-mode file through its ``-shm`` index, which it creates when the store is closed; on a full disk it
cannot, and a command that only reads (a journal, a receipt copy) would fail like a write. When the store is closed
(no ``-wal``: nothing is open, every commit is in the file) and the disk has no room, the file is read as
immutable: what it holds is everything there is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: Less free space than this, and SQLite may not be able to create its index of a closed store.
ROOM_BYTES = 1 << 20


def read_only_uri(db_path: Path) -> str:
    """An ``sqlite3.connect(..., uri=True)`` URI that reads the store and never writes to it."""
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    if _closed(db_path) and not _room(db_path.parent):
        uri += "&immutable=1"
    return uri


def _closed(db_path: Path) -> bool:
    return not db_path.with_name(db_path.name + "-wal").exists()


def _room(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free >= ROOM_BYTES
    except OSError:
        return True
