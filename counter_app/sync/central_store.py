"""The central 311 database adapter: apply outbox batches exactly once, register stores, serve changes back.

Idempotence: a record is keyed by its UUID. A batch is applied in one central transaction, under a per-workstation
lock: records already there with the same hash are duplicates (a retry after a lost reply); the same UUID with
another payload is a conflict, recorded for a supervisor and never applied over the original; how new records
land, whole or refused in words, is :mod:`counter_app.sync.central_apply`. Every sync begins with a hello: the
centre checks its schema, says who it is, registers the workstation name to one store, and tells the store what
it holds of it (so a store restored from a backup learns its last numbers before it issues the next).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, func, insert, select, text, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from counter_app.sync import central_schema as cs
from counter_app.sync.central_apply import (
    Admission,
    admit_checked,
    clash_is_integrity,
    copy_batch,
    write_admitted,
)
from counter_app.sync.central_engine import (  # noqa: F401 - the adapter's public names, as before
    ATTEMPT_S,
    CONNECT_TIMEOUT_S,
    STATEMENT_TIMEOUT_MS,
    TIMEOUT_ENV,
    Deadline,
    arm_deadline,
    attempt_seconds,
    build_engine,
    central_timeout_ms,
    safe_url,
)
from counter_app.sync.records import (
    ApplyResult,
    CentralRecordError,
    CentralRefusedError,
    CentralUnavailableError,
    HeldRecord,
    Hello,
    OutgoingRecord,
    ReferenceChange,
    ReferralUpdate,
    StoreRef,
    Welcome,
    claimed_message,
)

#: MariaDB/MySQL errors that are about a value, not the connection (PyMySQL reports some as OperationalError).
_MYSQL_DATA_ERRORS = {1048, 1264, 1265, 1292, 1366, 1406, 1452}


class CentralStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.deadline = Deadline()

    @contextmanager
    def attempt(self, seconds: float | None = None) -> Iterator[None]:
        """One sync attempt: every wait inside shares what is left of ``seconds`` (default: the configured
        ``COUNTER_CENTRAL_TIMEOUT_S``, else 60 s)."""
        self.deadline.start(attempt_seconds() if seconds is None else seconds)
        try:
            yield
        finally:
            self.deadline.stop()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction that commits on success."""
        with self._session(write=True) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A transaction that only reads: rolled back, so it never sends a COMMIT (or holds anything)."""
        with self._session(write=False) as conn:
            yield conn

    def _out_of_time(self) -> CentralUnavailableError:
        return CentralUnavailableError(
            f"the central database did not finish within {self.deadline.seconds:g} s ({TIMEOUT_ENV}); what is "
            "left waits for the next sync")

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Connection]:
        left = self.deadline.remaining()
        if left is not None and left <= 0:
            raise self._out_of_time()
        try:
            if write:
                with self.engine.begin() as conn:
                    if left is not None:
                        self._bound(conn, left)
                    yield conn
            else:
                with self.engine.connect() as conn:
                    if left is not None:
                        self._bound(conn, left)
                    try:
                        yield conn
                    finally:
                        conn.rollback()
        except OperationalError as exc:
            if _mysql_code(exc) in _MYSQL_DATA_ERRORS:
                raise CentralRecordError(_reason(exc)) from exc
            raise self._unavailable(exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise self._unavailable(exc) from exc
            raise

    def _unavailable(self, exc: Exception) -> CentralUnavailableError:
        """A lost connection; said as a timeout when it was this attempt's deadline that ended it."""
        left = self.deadline.remaining()
        if left is not None and left <= 0.25:
            return self._out_of_time()
        return CentralUnavailableError(_reason(exc))

    def _bound(self, conn: Connection, seconds: float) -> None:
        """This transaction's statements and lock waits end with the attempt, on the server and the client."""
        ms = max(100, int(seconds * 1000))
        if self.dialect == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}")
            arm_deadline(conn.connection.dbapi_connection, self.deadline)
        elif self.dialect in ("mysql", "mariadb") and getattr(conn.dialect, "is_mariadb", False):
            conn.exec_driver_sql(f"SET SESSION max_statement_time = {ms / 1000:.3f}")

    # -- schema ---------------------------------------------------------------------------------------------
    def init(self) -> None:
        """Create or upgrade the central schema (its own Alembic history); refuse a schema from a newer version."""
        from alembic import command

        from counter_app.sync.central_config import central_alembic_config

        with self._begin() as conn:
            config = central_alembic_config()
            found = _schema_version(conn)
            if found is not None and found not in _known_revisions():
                raise CentralRefusedError(_newer_schema(found))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def schema_version(self) -> str | None:
        with self._read() as conn:
            return _schema_version(conn)

    def drift(self) -> list[str]:
        """How the tables differ from what this version expects (an empty list: they match)."""
        from counter_app.sync.central_drift import schema_drift

        with self._read() as conn:
            return schema_drift(conn)

    def close(self) -> None:
        """Drop pooled connections (after a failure, so the next attempt starts clean)."""
        self.engine.dispose()

    def ping(self) -> None:
        with self._read() as conn:
            conn.execute(text("SELECT 1"))

    # -- hello: who is sending ------------------------------------------------------------------------------
    def hello(self, hello: Hello) -> Welcome:
        """Check the schema, register the workstation name to this store (first come), and say what the centre
        knows of the store: its generation, the highest outbox sequence received, the highest numbers it holds.

        Only reads, unless the name or the store is new here: a sync's first COMMIT is its first batch's.
        """
        store = hello.store
        with self._read() as conn:
            central_id, owner, row, numbers = self._look(conn, store)
        if owner is None or (owner[0] == store.store_id and row is None):
            now = _now()
            with self._begin() as conn:
                owner = self._register(conn, store, now)
                if owner[0] == store.store_id and row is None:
                    self._insert_ignore(conn, cs.stores, [{
                        "store_id": store.store_id, "workstation": store.workstation, "generation": store.generation,
                        "outbox_high": 0, "demo": store.demo, "first_seen": now, "last_seen": now}])
        if owner[0] != store.store_id:
            return Welcome(central_id, owner[0], owner[1], None, 0)
        if row is None:
            return Welcome(central_id, None, None, None, 0, numbers)
        return Welcome(central_id, None, None, int(row[0]), int(row[1]), numbers)

    def _look(self, conn: Connection, store: StoreRef) -> tuple[str, tuple[str, datetime] | None, Any,
                                                              dict[str, int]]:
        version = _schema_version(conn)
        if version != CENTRAL_HEAD:
            raise CentralRefusedError(_schema_mismatch(version))
        central_id = str(conn.execute(select(cs.central_identity.c.id).limit(1)).scalar_one())
        found = conn.execute(select(cs.workstations.c.store_id, cs.workstations.c.registered_at)
                             .where(cs.workstations.c.workstation == store.workstation)).first()
        row = conn.execute(select(cs.stores.c.generation, cs.stores.c.outbox_high)
                           .where(cs.stores.c.store_id == store.store_id)).first()
        numbers = self._numbers(conn, store.workstation)
        return central_id, (str(found[0]), found[1]) if found else None, row, numbers

    def _register(self, conn: Connection, store: StoreRef, now: datetime) -> tuple[str, datetime]:
        """(the store holding the workstation name, since when): this one, unless another came first."""
        query = select(cs.workstations.c.store_id, cs.workstations.c.registered_at).where(
            cs.workstations.c.workstation == store.workstation)
        found = conn.execute(query).first()
        if found is None:
            self._insert_ignore(conn, cs.workstations, [{"workstation": store.workstation,
                                                         "store_id": store.store_id, "registered_at": now}])
            found = conn.execute(query).first()
        assert found is not None
        return str(found[0]), found[1]

    def _numbers(self, conn: Connection, workstation: str) -> dict[str, int]:
        """The highest receipt, Z report and referral numbers the centre holds for a workstation."""
        receipt = conn.execute(select(func.max(cs.transactions.c.sequence))
                               .where(cs.transactions.c.workstation == workstation)).scalar()
        z_number = conn.execute(select(func.max(cs.z_reports.c.z_number))
                                .where(cs.z_reports.c.workstation == workstation)).scalar()
        token = conn.execute(select(func.max(cs.service_requests.c.token))
                             .where(cs.service_requests.c.workstation == workstation)).scalar()
        return {"receipt": int(receipt or 0), "z": _tail_number(z_number), "referral": _tail_number(token)}

    def release_workstation(self, workstation: str) -> str | None:
        """IT: free a workstation name whose store is gone for good (the next store to sync under it takes it
        and continues its numbers after the centre's). Returns the store id that held it."""
        with self._begin() as conn:
            held = conn.execute(select(cs.workstations.c.store_id)
                                .where(cs.workstations.c.workstation == workstation)).scalar()
            conn.execute(cs.workstations.delete().where(cs.workstations.c.workstation == workstation))
        return None if held is None else str(held)

    # -- push -----------------------------------------------------------------------------------------------
    def apply(self, store: StoreRef, records: list[OutgoingRecord]) -> ApplyResult:
        """Apply one batch in one central transaction; returns which records are now settled or refused.

        A record the centre cannot store raises :class:`CentralRecordError` (nothing of the batch is kept).
        """
        result = ApplyResult()
        if not records:
            return result
        try:
            return self._apply(store, records, result)
        except (CentralUnavailableError, CentralRefusedError, CentralRecordError):
            raise
        except (DataError, IntegrityError, KeyError, TypeError, ValueError) as exc:
            raise CentralRecordError(_reason(exc)) from exc
        except Exception as exc:
            if _is_psycopg_data_error(exc):
                raise CentralRecordError(_reason(exc)) from exc
            raise

    def _apply(self, store: StoreRef, records: list[OutgoingRecord], result: ApplyResult) -> ApplyResult:
        now = _now()
        hashes = {record.seq: record.payload_hash for record in records}
        firsts: dict[str, OutgoingRecord] = {}  # a record sent twice in one batch is judged by its first copy
        for record in records:
            firsts.setdefault(record.record_id, record)
        with self._begin() as conn:
            owner = self._lock_workstation(conn, store.workstation)
            try:
                self._check_owner(conn, store, owner)
                admission = self._admit(conn, store, list(firsts.values()), hashes, now)
                admitted = {r.record_id for r in admission.admitted}
                for record in records:
                    first = firsts[record.record_id]
                    if first is record and record.record_id in admitted:
                        result.applied.append(record.seq)
                        continue
                    refused = admission.refused.get(record.record_id)
                    known = admission.held.get(record.record_id) or hashes[first.seq]
                    if refused is None and known == hashes[record.seq]:
                        result.duplicates.append(record.seq)
                        continue
                    result.conflicts.append(record.seq)
                    result.reasons[record.seq] = refused or (
                        "the central database holds a different record with this id: a supervisor must review it")
                    self._record_conflict(conn, store, record, known if refused is None else "", now)
                audit = [r for r in admission.admitted if r.record_type == "audit_event"]
                last_audit = json.loads(max(audit, key=lambda r: r.seq).payload)["entry_hash"] if audit else None
                high = max(r.seq for r in records)
                self._advance_head(conn, store.workstation, high, now, last_audit)
                self._advance_store(conn, store, high, now)
            finally:
                self._unlock_workstation(conn, store.workstation)
        return result

    def _admit(self, conn: Connection, store: StoreRef, records: list[OutgoingRecord], hashes: dict[int, str],
               now: datetime) -> Admission:
        """Write the records the centre does not hold yet, whole; say which it held and which it refused."""
        if self._bulk(conn):
            try:
                with conn.begin_nested():
                    copy_batch(conn, store, records, hashes, now, self._bump)
                return Admission(admitted=list(records))
            except Exception as exc:  # a clash: the savepoint took it all back; the checked path says which
                if not clash_is_integrity(exc):
                    raise
        held = self._existing_hashes(conn, [r.record_id for r in records])
        admission = admit_checked(conn, store, records, hashes, held)
        write_admitted(conn, store, admission, hashes, now, self._bulk(conn), self._bump)
        return admission

    def _check_owner(self, conn: Connection, store: StoreRef, owner: str | None) -> None:
        """Only the store that registered a workstation name may send as it (even one that skipped its hello)."""
        if owner is None:
            self._register(conn, store, _now())
        elif owner != store.store_id:
            raise CentralRefusedError(claimed_message(store.workstation, str(owner), None))

    def _advance_store(self, conn: Connection, store: StoreRef, high: int, now: datetime) -> None:
        """The store's generation and highest outbox sequence received: one UPDATE (a new generation starts over)."""
        stores = cs.stores.c
        grown = case((stores.outbox_high > high, stores.outbox_high), else_=high)
        updated = conn.execute(update(cs.stores).where(cs.stores.c.store_id == store.store_id).values(
            outbox_high=case((stores.generation == store.generation, grown), else_=high),
            generation=store.generation, last_seen=now))
        if updated.rowcount == 0:
            conn.execute(insert(cs.stores).values(
                store_id=store.store_id, workstation=store.workstation, generation=store.generation,
                outbox_high=high, demo=store.demo, first_seen=now, last_seen=now))

    def _bulk(self, conn: Connection) -> bool:
        """PostgreSQL through psycopg: rows go in by COPY."""
        return self.dialect == "postgresql" and conn.dialect.driver == "psycopg"

    def _existing_hashes(self, conn: Connection, ids: list[str]) -> dict[str, str]:
        """The payload hash of each of these records the centre already holds."""
        if not ids:
            return {}
        if self.dialect == "postgresql":  # one statement, one array parameter (not 500 placeholders a chunk)
            rows = conn.execute(text("SELECT id, payload_hash FROM sync_inbox WHERE id = ANY(CAST(:ids AS TEXT[]))"),
                                {"ids": ids})
            return {row.id: row.payload_hash for row in rows}
        existing: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            rows = conn.execute(select(cs.sync_inbox.c.id, cs.sync_inbox.c.payload_hash).where(
                cs.sync_inbox.c.id.in_(ids[start : start + 500])))
            existing.update({row.id: row.payload_hash for row in rows})
        return existing

    def _lock_workstation(self, conn: Connection, workstation: str) -> str | None:
        """Serialise batches of one workstation (two senders, or a sender and its retry, never interleave); returns
        the store the workstation name is registered to, read under the lock (one round trip on PostgreSQL)."""
        owner_of = "(SELECT store_id FROM c_workstations WHERE workstation = :w)"
        key = {"k": f"counter-sync:{workstation}", "w": workstation}
        if self.dialect == "postgresql":
            row = conn.execute(text(f"SELECT pg_advisory_xact_lock(hashtext(:k)), {owner_of}"), key).one()
            return None if row[1] is None else str(row[1])
        if self.dialect in ("mysql", "mariadb"):
            got = conn.execute(text("SELECT GET_LOCK(:k, 20)"), key).scalar()
            if got != 1:
                raise CentralUnavailableError("another sender holds this workstation's sync lock")
        owner = conn.execute(text(f"SELECT {owner_of}"), key).scalar()
        return None if owner is None else str(owner)

    def _unlock_workstation(self, conn: Connection, workstation: str) -> None:
        # A lost connection (invalidated: SQLAlchemy would raise PendingRollbackError over the real error) took
        # the lock with it on the server.
        if self.dialect in ("mysql", "mariadb") and not conn.invalidated:
            with suppress(DBAPIError):  # lost just now: the server released the lock with it
                conn.execute(text("SELECT RELEASE_LOCK(:k)"), {"k": f"counter-sync:{workstation}"})

    def _insert_ignore(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """For the centre's own bookkeeping rows (never a record's data): insert unless the key is there."""
        if not rows:
            return
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement: Any = pg_insert(table).on_conflict_do_nothing()
        elif self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(table).on_conflict_do_nothing()
        else:
            statement = insert(table).prefix_with("IGNORE")
        for start in range(0, len(rows), 1000):
            conn.execute(statement, rows[start : start + 1000])

    def _record_conflict(self, conn: Connection, store: StoreRef, record: OutgoingRecord, existing_hash: str,
                         now: datetime) -> None:
        self._insert_ignore(conn, cs.sync_conflicts, [{
            "record_id": record.record_id, "record_type": record.record_type, "workstation": store.workstation,
            "local_seq": record.seq, "existing_hash": existing_hash, "payload_hash": record.payload_hash,
            "payload": record.payload, "received_at": now, "resolved": False,
        }])

    def _bump(self, conn: Connection, name: str, by: int) -> int:
        """Reserve ``by`` values of a change counter; returns the first (inside the caller's transaction)."""
        bump = update(cs.counters).where(cs.counters.c.name == name).values(value=cs.counters.c.value + by)
        if conn.execute(bump).rowcount == 0:
            # First use. Two workstations may get here at once: a plain INSERT would fail one of them on the key;
            # INSERT-or-ignore waits for the other's row, and the UPDATE then counts on from it.
            self._insert_ignore(conn, cs.counters, [{"name": name, "value": 0}])
            conn.execute(bump)
        value = conn.execute(select(cs.counters.c.value).where(cs.counters.c.name == name)).scalar_one()
        return int(value) - by + 1

    def _advance_head(self, conn: Connection, workstation: str, seq: int, now: datetime,
                      audit_hash: str | None) -> None:
        """Where each workstation's outbox stands centrally, and the latest audit hash it sent (tail-cut check)."""
        values: dict[str, Any] = {
            "last_local_seq": func.greatest(cs.sync_heads.c.last_local_seq, seq) if self.dialect != "sqlite"
            else func.max(cs.sync_heads.c.last_local_seq, seq),
            "updated_at": now,
        }
        if audit_hash:
            values["last_audit_hash"] = audit_hash
        updated = conn.execute(update(cs.sync_heads).where(cs.sync_heads.c.workstation == workstation).values(**values))
        if updated.rowcount == 0:
            conn.execute(insert(cs.sync_heads).values(workstation=workstation, last_local_seq=seq, updated_at=now,
                                                      last_audit_hash=audit_hash))

    # -- what a store restored from a backup asks -----------------------------------------------------------
    def audit_anchors(self, store: StoreRef, *, legacy: bool = False) -> list[tuple[int, str]]:
        """(seq, entry hash) of every audit entry this store sent, oldest first (``legacy``: the workstation's
        entries sent before store identities, with no store named)."""
        events = cs.audit_events
        with self._read() as conn:
            rows = conn.execute(select(events.c.seq, events.c.entry_hash)
                                .where(events.c.workstation == store.workstation,
                                       events.c.store_id == ("" if legacy else store.store_id))
                                .order_by(events.c.seq))
            return [(int(seq), str(digest)) for seq, digest in rows]

    def audit_entries(self, store: StoreRef, after_seq: int) -> list[dict[str, Any]]:
        """The audit entries this store sent past ``after_seq``, whole (as the store wrote them)."""
        events = cs.audit_events
        with self._read() as conn:
            rows = conn.execute(select(events.c.payload)
                                .where(events.c.workstation == store.workstation,
                                       events.c.store_id == store.store_id, events.c.seq > after_seq)
                                .order_by(events.c.seq))
            return [json.loads(payload) for (payload,) in rows]

    def held_records(self, store: StoreRef, generation: int, after_seq: int) -> list[HeldRecord]:
        """What this store sent in ``generation`` past outbox sequence ``after_seq``, labelled for people."""
        inbox = cs.sync_inbox
        with self._read() as conn:
            rows = conn.execute(select(inbox.c.id, inbox.c.record_type, inbox.c.local_seq, inbox.c.payload)
                                .where(inbox.c.store_id == store.store_id, inbox.c.generation == generation,
                                       inbox.c.local_seq > after_seq)
                                .order_by(inbox.c.local_seq))
            return [HeldRecord(str(rid), str(kind), int(seq), _label(str(kind), payload))
                    for rid, kind, seq, payload in rows]

    # -- pull -----------------------------------------------------------------------------------------------
    def reference_changes(self, kind: str, since: int, limit: int = 5_000) -> list[ReferenceChange]:
        with self._read() as conn:
            rows = conn.execute(
                select(cs.ref_data).where(cs.ref_data.c.kind == kind, cs.ref_data.c.updated_seq > since)
                .order_by(cs.ref_data.c.updated_seq).limit(limit)
            )
            return [ReferenceChange(r.kind, r.key, json.loads(r.payload), bool(r.deleted), int(r.updated_seq))
                    for r in rows]

    def referral_updates(self, workstation: str, since: int) -> list[ReferralUpdate]:
        with self._read() as conn:
            rows = conn.execute(
                select(cs.service_requests).where(cs.service_requests.c.workstation == workstation,
                                                  cs.service_requests.c.updated_seq > since)
                .order_by(cs.service_requests.c.updated_seq)
            )
            return [ReferralUpdate(r.id, service_request_number(r.sr_number), r.status, r.status_notes,
                                   int(r.updated_seq)) for r in rows]

    # -- what the rest of 311 does (used by tools and tests) -----------------------------------------------
    def publish_reference(self, kind: str, items: list[tuple[str, dict[str, Any]]], deleted: bool = False) -> None:
        """Insert or update reference rows with fresh change-cursor values, so every counter pulls them."""
        if not items:
            return
        with self._begin() as conn:
            first = self._bump(conn, "ref_data", len(items))
            for offset, (key, payload) in enumerate(items):
                values = {"payload": json.dumps(payload, sort_keys=True), "deleted": deleted,
                          "updated_seq": first + offset}
                changed = conn.execute(update(cs.ref_data).where(cs.ref_data.c.kind == kind, cs.ref_data.c.key == key)
                                       .values(**values))
                if changed.rowcount == 0:
                    conn.execute(insert(cs.ref_data).values(kind=kind, key=key, **values))

    def has_reference(self) -> bool:
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(cs.ref_data)).scalar_one() > 0

    def set_service_request_status(self, referral_id: str, status: str, note: str) -> None:
        with self._begin() as conn:
            seq = self._bump(conn, "service_requests", 1)
            conn.execute(update(cs.service_requests).where(cs.service_requests.c.id == referral_id).values(
                status=status, status_notes=note, updated_seq=seq))

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                    for name, table in cs.metadata.tables.items()}

    def conflicts(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(select(cs.sync_conflicts))]

    def day_rows(self, business_date: date) -> dict[str, list[dict[str, Any]]]:
        """Every workstation's transactions, lines, tenders, sessions and movements for one business day."""
        with self._read() as conn:
            txns = [dict(r._mapping) for r in conn.execute(
                select(cs.transactions).where(cs.transactions.c.business_date == business_date))]
            ids = [t["id"] for t in txns]
            lines: list[dict[str, Any]] = []
            tenders: list[dict[str, Any]] = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                lines += [dict(r._mapping) for r in conn.execute(
                    select(cs.transaction_lines).where(cs.transaction_lines.c.transaction_id.in_(chunk)))]
                tenders += [dict(r._mapping) for r in conn.execute(
                    select(cs.tenders).where(cs.tenders.c.transaction_id.in_(chunk)))]
            sessions = [dict(r._mapping) for r in conn.execute(
                select(cs.drawer_sessions).where(cs.drawer_sessions.c.business_date == business_date))]
            session_ids = [s["id"] for s in sessions]
            movements = [dict(r._mapping) for r in conn.execute(
                select(cs.cash_movements).where(cs.cash_movements.c.session_id.in_(session_ids)))] if session_ids \
                else []
        return {"transactions": txns, "lines": lines, "tenders": tenders, "sessions": sessions,
                "movements": movements}


def service_request_number(sr_number: int) -> str:
    """The id the rest of 311 quotes: assigned centrally, replaces the counter's token on the slip."""
    return f"SR-{sr_number:07d}"


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


#: The central schema this version writes (checked at every hello: an older or newer centre is refused in words).
CENTRAL_HEAD = "c0002"


def _schema_version(conn: Connection) -> str | None:
    """The central Alembic revision; None when there is no Counter schema (any other failure is raised)."""
    try:
        with conn.begin_nested():
            return conn.execute(text("SELECT version_num FROM central_alembic_version")).scalar()
    except DBAPIError as exc:
        if not exc.connection_invalidated and _missing_table(exc):
            return None
        raise


def _missing_table(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "42P01" or _mysql_code(exc) == 1146 \
        or "no such table" in str(exc.orig)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from counter_app.sync.central_config import central_alembic_config

    return {script.revision for script in ScriptDirectory.from_config(central_alembic_config()).walk_revisions()}


def _newer_schema(found: str) -> str:
    return (f"the central database is at schema {found}, which this version of Counter does not know: it was "
            "set up by a newer Counter. Install that version on this PC; nothing was changed")


def _schema_mismatch(found: str | None) -> str:
    if found is None:
        return ("the central database has no Counter schema yet: IT sets it up with "
                "`counter-app central init --url URL`; nothing was sent")
    if found in _known_revisions():
        return (f"the central database is at schema {found}, older than this Counter's {CENTRAL_HEAD}: IT upgrades "
                "it with `counter-app central init --url URL`; nothing was sent")
    return _newer_schema(found)


def _tail_number(text_value: str | None) -> int:
    """The number at the end of ``Z-CH1-01-00012`` or ``CH1-01-R00007`` (0 for none)."""
    if not text_value:
        return 0
    digits = ""
    for ch in reversed(text_value):
        if not ch.isdigit():
            break
        digits = ch + digits
    return int(digits or 0)


def _label(kind: str, payload: str) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return kind.replace("_", " ")
    if kind == "transaction" and isinstance(data, dict):
        from counter_app.payments.money import format_money

        return f"receipt {data.get('receipt_number')} ({format_money(int(data.get('total_cents') or 0))})"
    if kind == "audit_event" and isinstance(data, dict):
        return f"audit entry {data.get('seq')} ({data.get('action')})"
    if kind == "z_report" and isinstance(data, dict):
        return f"Z report {data.get('z_number')}"
    return kind.replace("_", " ")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _mysql_code(exc: DBAPIError) -> int | None:
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _is_psycopg_data_error(exc: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, psycopg.DataError | psycopg.IntegrityError)
