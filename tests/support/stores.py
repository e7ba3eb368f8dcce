"""Copies of a seeded template store, each a store of its own (a copy would otherwise share the template's id)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path


def copy_store(template: Path, destination: Path) -> Path:
    """Copy the template's data folder and forget its identity: the copy gets its own at its first open, named as
    its settings say (a real PC restored from another's backup keeps the identity; a test template must not)."""
    shutil.copytree(template, destination)
    with closing(sqlite3.connect(destination / "counter.sqlite3")) as conn, conn:
        conn.execute("DELETE FROM store_identity")
    return destination
