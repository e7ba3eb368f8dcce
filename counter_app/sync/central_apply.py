"""How a batch of outbox records lands in the central database: whole, or refused in words, never dropped.

The rule: a record is new when the centre does not hold its UUID. A new record lands in ``sync_inbox`` and all its
typed rows, or not at all. ``ON CONFLICT DO NOTHING`` is used for nothing but the record's own UUID (a record the
centre already holds is a duplicate, or a conflict when its payload differs). Any other clash refuses the record
as a conflict with its reason: a receipt number, Z number or audit sequence the centre holds under another
record (two PCs on one workstation name, a store restored from a backup), a record naming another workstation
than the store that sends it, or an update (a void, a drawer close, a referral status) whose target the centre
does not hold. Data the centre cannot store (too long, NUL, a malformed payload) raises
:class:`CentralRecordError`: the sender splits the batch until it finds the record, and sets it aside.

PostgreSQL's fast path copies a whole batch straight into every table inside a savepoint: nearly every batch is
new and clean. Any clash takes the savepoint back and the batch goes through the checked path below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, UniqueConstraint, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from counter_app.sync import central_schema as cs
from counter_app.sync.pg_copy import copy_rows, copying
from counter_app.sync.projections import Projection, project, utc
from counter_app.sync.records import OutgoingRecord, StoreRef

#: From this many rows on, PostgreSQL inserts go through COPY (a few rows: one plain statement is cheaper).
COPY_MIN_ROWS = 50
#: Writes a table's rows; any clash on any key raises.
RowWriter = Callable[[Connection, Table, list[dict[str, Any]]], None]

INSERT_ORDER = ("c_transactions", "c_transaction_lines", "c_tenders", "c_voids", "c_visits", "c_interactions",
                "c_referral_notes", "c_drawer_sessions", "c_cash_movements", "c_z_reports", "c_audit_events",
                "c_other_records")

#: What a clash on a table's unique key means, for the supervisor reading it.
_KEY_NAMES = {
    ("c_transactions", "receipt_number"): "receipt number",
    ("c_transactions", "workstation", "sequence"): "receipt number",
    ("c_voids", "transaction_id"): "void of this receipt",
    ("c_z_reports", "z_number"): "Z report number",
    ("c_z_reports", "session_id"): "Z report of this drawer",
    ("c_audit_events", "workstation", "store_id", "seq"): "audit entry number",
}


class NeedsCheckingError(Exception):
    """The fast path met what only the checked path sorts out (a missing update target, another workstation)."""


@dataclass
class Admission:
    """What the centre made of a batch's new records."""

    admitted: list[OutgoingRecord] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)  # record id -> payload hash the centre already holds
    refused: dict[str, str] = field(default_factory=dict)  # record id -> why it was refused


def inbox_rows(store: StoreRef, records: Iterable[OutgoingRecord], hashes: dict[int, str],
               now: datetime) -> list[dict[str, Any]]:
    return [{"id": r.record_id, "record_type": r.record_type, "workstation": store.workstation, "local_seq": r.seq,
             "payload": r.payload, "payload_hash": hashes[r.seq], "received_at": now, "store_id": store.store_id,
             "generation": store.generation} for r in records]


def projection_of(store: StoreRef, records: Iterable[OutgoingRecord]) -> Projection:
    """The typed rows of these records (orjson: parsing is a fifth of the push's own time with json)."""
    projection = Projection()
    for record in records:
        project(projection, record.record_type, record.record_id, orjson.loads(record.payload), store, record.seq)
    return projection


def copy_batch(conn: Connection, store: StoreRef, records: list[OutgoingRecord], hashes: dict[int, str],
               now: datetime, bump: Callable[[Connection, str, int], int]) -> None:
    """PostgreSQL: everything copied straight in (the caller holds a savepoint); any clash raises."""
    with copying(conn, cs.sync_inbox, inbox_rows(store, records, hashes, now)):  # parse while the server reads
        projection = projection_of(store, records)
    _refuse_other_workstation(store, projection)
    write_projection(conn, projection, copy_rows, bump)


def admit_checked(conn: Connection, store: StoreRef, records: list[OutgoingRecord], hashes: dict[int, str],
                  held: dict[str, str]) -> Admission:
    """Sort the batch's records the centre does not hold into admitted and refused (with reasons)."""
    admission = Admission(held=held)
    candidates = [r for r in records if r.record_id not in held]
    rows_of = {r.record_id: projection_of(store, [r]) for r in candidates}
    claimed: dict[tuple[str, tuple[Any, ...]], str] = {}  # keys taken by records earlier in this batch
    landing: set[tuple[str, str]] = set()  # update targets that land with this batch
    existing = _existing_keys(conn, [rows_of[r.record_id] for r in candidates])
    targets = _existing_targets(conn, [rows_of[r.record_id] for r in candidates])
    for record in candidates:
        projection = rows_of[record.record_id]
        reason = (_other_workstation(store, projection)
                  or _key_clash(record.record_id, projection, existing, claimed)
                  or _missing_target(projection, targets, landing, admission.refused))
        if reason:
            admission.refused[record.record_id] = reason
            continue
        admission.admitted.append(record)
        for table, key in _unique_values(projection):
            claimed[(table, key)] = record.record_id
        landing.update(_targets_provided(projection))
    return admission


def write_admitted(conn: Connection, store: StoreRef, admission: Admission, hashes: dict[int, str], now: datetime,
                   bulk: bool, bump: Callable[[Connection, str, int], int]) -> None:
    """Insert the admitted records: plain inserts (or COPY), so a clash missed above raises instead of vanishing."""
    writer: RowWriter = copy_or_insert if bulk else plain_insert
    writer(conn, cs.sync_inbox, inbox_rows(store, admission.admitted, hashes, now))
    write_projection(conn, projection_of(store, admission.admitted), writer, bump)


def plain_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 1000):
        conn.execute(insert(table), rows[start : start + 1000])


def copy_or_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if len(rows) >= COPY_MIN_ROWS:
        copy_rows(conn, table, rows)
    else:
        plain_insert(conn, table, rows)


def write_projection(conn: Connection, projection: Projection, writer: RowWriter,
                     bump: Callable[[Connection, str, int], int]) -> None:
    """The typed rows of admitted records, then the updates they imply (each must find its one target)."""
    for name in INSERT_ORDER:
        if rows := projection.inserts.get(name):
            writer(conn, cs.metadata.tables[name], rows)
    if projection.service_requests:
        first = bump(conn, "service_requests", len(projection.service_requests))
        for offset, row in enumerate(projection.service_requests):
            row["updated_seq"] = first + offset
        plain_insert(conn, cs.service_requests, projection.service_requests)
    for transaction_id in projection.void_ids:
        _update_one(conn, update(cs.transactions).where(cs.transactions.c.id == transaction_id)
                    .values(status="void"))
    for closed in projection.closed_sessions:
        _update_one(conn, update(cs.drawer_sessions).where(cs.drawer_sessions.c.id == closed["id"]).values(
            status="closed", closed_at=utc(closed.get("closed_at")),
            counted_cents=(closed.get("counted") and _count_total(closed["counted"])),
            expected_cents=closed.get("expected_cents"), over_short_cents=closed.get("over_short_cents"),
            z_number=closed.get("z_number"),
        ))
    for referral_id, status, note in projection.referral_statuses:
        seq = bump(conn, "service_requests", 1)
        _update_one(conn, update(cs.service_requests).where(cs.service_requests.c.id == referral_id).values(
            status=status, status_notes=note, updated_seq=seq))


def _update_one(conn: Connection, statement: Any) -> None:
    if conn.execute(statement).rowcount != 1:
        raise NeedsCheckingError


def _count_total(pieces: dict[str, int]) -> int:
    from counter_app.drawer.denominations import BY_CODE

    return sum(BY_CODE[code].value_cents * n for code, n in pieces.items())


# -- the checks ---------------------------------------------------------------------------------------------
def _unique_keys(table: Table) -> list[tuple[str, ...]]:
    return [tuple(c.name for c in k.columns) for k in table.constraints if isinstance(k, UniqueConstraint)]


def _owner(table: Table, row: dict[str, Any]) -> Any:
    """Which record a typed row belongs to: its id (the record's UUID) or its parent transaction's."""
    return row.get("id", row.get("transaction_id"))


def _unique_values(projection: Projection) -> Iterable[tuple[str, tuple[Any, ...]]]:
    for name, rows in projection.inserts.items():
        table = cs.metadata.tables[name]
        for columns in _unique_keys(table):
            for row in rows:
                yield name, (columns, tuple(row.get(c) for c in columns))


def _existing_keys(conn: Connection, projections: list[Projection]) -> dict[tuple[str, Any], Any]:
    """(table, (columns, values)) -> the owner id of the central row holding that unique key now."""
    wanted: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = {}
    for projection in projections:
        for name, (columns, values) in _unique_values(projection):
            wanted.setdefault((name, columns), set()).add(values)
    found: dict[tuple[str, Any], Any] = {}
    for (name, columns), values in wanted.items():
        table = cs.metadata.tables[name]
        owner_column = table.c.id if "id" in table.c else table.c.transaction_id
        chosen = sorted(values, key=repr)
        for start in range(0, len(chosen), 300):
            chunk = chosen[start : start + 300]
            key = table.c[columns[0]] if len(columns) == 1 else tuple_(*(table.c[c] for c in columns))
            condition = key.in_([v[0] for v in chunk] if len(columns) == 1 else chunk)
            for row in conn.execute(select(owner_column, *(table.c[c] for c in columns)).where(condition)):
                found[(name, (columns, tuple(row[1:])))] = row[0]
    return found


def _key_clash(record_id: str, projection: Projection, existing: dict[tuple[str, Any], Any],
               claimed: dict[tuple[str, tuple[Any, ...]], str]) -> str | None:
    for name, key in _unique_values(projection):
        owner = existing.get((name, key))
        other = claimed.get((name, key))
        if (owner is not None and owner != record_id) or other is not None:
            columns, values = key
            what = _KEY_NAMES.get((name, *columns), f"{name} {'/'.join(columns)}")
            shown = next((v for c, v in zip(columns, values, strict=True) if c not in ("workstation", "store_id")),
                         values[-1])
            return (f"the central database already holds {what} {shown} under another record: another PC used "
                    "this workstation's numbers, or this store was restored from a backup")
    return None


def _refuse_other_workstation(store: StoreRef, projection: Projection) -> None:
    if _other_workstation(store, projection):
        raise NeedsCheckingError  # the checked path refuses it with its reason


def _other_workstation(store: StoreRef, projection: Projection) -> str | None:
    for rows in projection.inserts.values():
        for row in rows:
            named = row.get("workstation")
            if named is not None and named != store.workstation:
                return (f"the record names workstation {named}, but it comes from the store of workstation "
                        f"{store.workstation}")
    for row in projection.service_requests:
        if row.get("workstation") != store.workstation:
            return (f"the referral names workstation {row.get('workstation')}, but it comes from the store of "
                    f"workstation {store.workstation}")
    return None


_TARGETS = (("void", cs.transactions), ("drawer", cs.drawer_sessions), ("referral", cs.service_requests))


def _targets_needed(projection: Projection) -> list[tuple[str, str]]:
    needed = [("void", t) for t in projection.void_ids]
    needed += [("drawer", str(s["id"])) for s in projection.closed_sessions]
    needed += [("referral", r) for r, _status, _note in projection.referral_statuses]
    return needed


def _targets_provided(projection: Projection) -> set[tuple[str, str]]:
    provided = {("void", str(r["id"])) for r in projection.inserts.get("c_transactions", [])}
    provided |= {("drawer", str(r["id"])) for r in projection.inserts.get("c_drawer_sessions", [])}
    provided |= {("referral", str(r["id"])) for r in projection.service_requests}
    return provided


def _existing_targets(conn: Connection, projections: list[Projection]) -> set[tuple[str, str]]:
    wanted: dict[str, set[str]] = {}
    for projection in projections:
        for kind, target in _targets_needed(projection):
            wanted.setdefault(kind, set()).add(target)
    found: set[tuple[str, str]] = set()
    for kind, table in _TARGETS:
        ids = sorted(wanted.get(kind, ()))
        for start in range(0, len(ids), 500):
            rows = conn.execute(select(table.c.id).where(table.c.id.in_(ids[start : start + 500])))
            found |= {(kind, str(row[0])) for row in rows}
    return found


_TARGET_WORDS = {"void": "receipt", "drawer": "drawer session", "referral": "referral"}


def _missing_target(projection: Projection, existing: set[tuple[str, str]], landing: set[tuple[str, str]],
                    refused: dict[str, str]) -> str | None:
    for kind, target in _targets_needed(projection):
        if (kind, target) in existing or (kind, target) in landing:
            continue
        waits = " (refused too: retry it first)" if target in refused else ""
        return (f"it changes a {_TARGET_WORDS[kind]} ({target[:8]}) the central database does not hold{waits}; "
                "it waits here")
    return None


def clash_is_integrity(exc: BaseException) -> bool:
    """A unique-key clash (or a missing update target) on the fast path: the checked path sorts it out."""
    if isinstance(exc, IntegrityError | NeedsCheckingError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.IntegrityError)
