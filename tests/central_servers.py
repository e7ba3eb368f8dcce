"""Real central database servers for tests: a fresh database per test on PostgreSQL or MariaDB.

Outside CI a missing server skips with the reason; under CI=true it fails, so a green CI means it really ran.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN = os.environ.get("COUNTER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_ADMIN = os.environ.get("COUNTER_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test")


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@contextmanager
def fresh_database(admin_url: str, *, charset: str | None = None) -> Iterator[str]:
    """CREATE DATABASE counter_test_<random>, yield its URL, DROP it afterwards (MariaDB: in ``charset``, e.g. a
    latin1 server default)."""
    name = f"counter_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}" + (f" CHARACTER SET {charset}" if charset else "")))
    except Exception as exc:
        engine.dispose()
        unavailable(f"no database server at {admin_url.split('@')[-1]}: {type(exc).__name__}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        engine.dispose()
