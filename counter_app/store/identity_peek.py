"""A look at the store's identity with plain sqlite3, before SQLAlchemy is imported (the window paints first)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from counter_app.store.read_only import read_only_uri


def peek_identity(db_path: Path) -> tuple[str | None, bool | None] | None:
    """(workstation, demo) as the store file says, read-only and without SQLAlchemy (before the window paints).

    None when there is no store or it predates identities; the composition root checks again after migrating.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    try:
        with contextlib.closing(sqlite3.connect(read_only_uri(db_path), uri=True, timeout=5)) as conn:
            row = conn.execute("SELECT workstation, demo FROM store_identity WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    return row[0], None if row[1] is None else bool(row[1])
