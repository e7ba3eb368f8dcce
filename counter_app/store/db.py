"""Open the counter's SQLite file the safe way: WAL, full sync, foreign keys, writes under BEGIN IMMEDIATE."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from counter_app.store.read_only import read_only_uri
from counter_app.store.schema_version import SCHEMA_HEAD

BUSY_TIMEOUT_MS = 5_000
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
READ_ONLY = "counter_read_only"


class StoreError(RuntimeError):
    """The local store cannot be used; the message says why and what to do."""


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    """One engine per store file. A transaction begins IMMEDIATE (write lock up front) unless read-only.

    ``read_only``: for the commands that only read; the file is opened read-only and never written (see
    :mod:`counter_app.store.read_only`: that works on a full disk too).
    """
    options: dict[str, Any] = {}
    if read_only:
        uri = read_only_uri(db_path)
        options["creator"] = lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                                     check_same_thread=False)
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=4,
        max_overflow=4,
        **options,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(writer, reader) session factories on the same engine and pool."""
    writer = sessionmaker(engine, expire_on_commit=False)
    reader = sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
    return writer, reader


def check_integrity(db_path: Path, *, read_only: bool = False) -> None:
    """Refuse to start on a damaged file rather than add payments to it."""
    if not db_path.exists():
        return
    target = read_only_uri(db_path) if read_only else str(db_path)
    with contextlib.closing(sqlite3.connect(target, uri=read_only, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(_unreadable(db_path, exc)) from exc
    if rows != [("ok",)]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise StoreError(f"{db_path} failed its integrity check ({detail}). Restore it from backup.")


def _unreadable(db_path: Path, exc: sqlite3.DatabaseError) -> str:
    """Only a damaged file is restored from backup: a full disk or a permission problem is fixed where it is."""
    from counter_app.failures import explain

    words = explain(exc, db_path.parent)
    if words is not None:
        return words
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return f"{db_path} is not a readable counter database ({exc}). Restore it from backup."
    return (f"{db_path} cannot be read ({exc}): have IT check the disk and the file before anything else; do not "
            "restore it from backup yet (that would lose the records not yet synced).")


def current_revision(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    with contextlib.closing(sqlite3.connect(read_only_uri(db_path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def migrate(engine: Engine, db_path: Path) -> bool:
    """Bring the store to the schema this code expects; returns True when a migration ran.

    A store already at head skips importing Alembic altogether (it costs a noticeable part of start-up).
    """
    if current_revision(db_path) == SCHEMA_HEAD:
        return False
    from alembic import command

    from counter_app.store.migrations_config import alembic_config

    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True
