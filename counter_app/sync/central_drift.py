"""Does the central schema still look as this version built it? (``central init`` says so rather than claim success.)

Alembic compares the live tables with :mod:`counter_app.sync.central_schema`. Only what changes how records land
is reported: a missing or extra table or column, a column of another type or length, a missing unique key.
Differences each database reports on its own (index names, server defaults, MariaDB's TINYINT for booleans)
are not drift.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from counter_app.sync.central_schema import metadata

_IGNORED_TABLES = {"central_alembic_version"}


def schema_drift(conn: Connection) -> list[str]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
    found: list[str] = []
    for diff in _flatten(compare_metadata(context, metadata)):
        text = _describe(diff, conn.dialect.name)
        if text:
            found.append(text)
    return found


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in _IGNORED_TABLES)


def _flatten(diffs: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for diff in diffs:
        if isinstance(diff, list):
            flat.extend(diff)
        else:
            flat.append(diff)
    return flat


def _describe(diff: Any, dialect: str) -> str | None:
    kind = diff[0]
    if kind == "add_table":
        return f"table {diff[1].name} is missing"
    if kind == "remove_table":
        return f"table {diff[1].name} is not one Counter made"
    if kind == "add_column":
        return f"column {diff[2]}.{diff[3].name} is missing"
    if kind == "remove_column":
        return f"column {diff[2]}.{diff[3].name} is not one Counter made"
    if kind == "modify_type":
        _, _, table, column, _info, live, wanted = diff
        if _same_type(live, wanted, dialect):
            return None
        return f"column {table}.{column} is {live}, Counter expects {wanted}"
    if kind == "modify_nullable":
        _, _, table, column, _info, live, wanted = diff
        return f"column {table}.{column} {'allows' if live else 'refuses'} NULL, Counter expects the opposite"
    if kind == "add_constraint" or kind == "add_uq":
        constraint = diff[1]
        columns = ", ".join(c.name for c in constraint.columns)
        return f"unique key ({columns}) on {constraint.table.name} is missing"
    return None  # indexes, server defaults, foreign keys the database added on its own


def _same_type(live: Any, wanted: Any, dialect: str) -> bool:
    """Types that are the same in a database's own words (MariaDB keeps booleans as TINYINT(1))."""
    live_name = type(live).__name__.upper()
    wanted_name = type(wanted).__name__.upper()
    if wanted_name == "BOOLEAN" and live_name in ("TINYINT", "BOOLEAN", "INTEGER"):
        return True
    return wanted_name == "TEXT" and live_name in ("TEXT", "LONGTEXT", "MEDIUMTEXT")
