"""The central 311 database adapter: connect safely, apply outbox batches exactly once, serve changes back.

Idempotence: a record is keyed by its UUID. A batch is applied in one central transaction, under a per-workstation
lock: records already there with the same hash are duplicates (a retry after a lost reply); the same UUID with
another payload is a conflict, recorded for a supervisor and never applied over the original.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, insert, select, text, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from counter_app.sync import central_schema as cs
from counter_app.sync.pg_copy import copy_insert_ignore, copy_rows, copying
from counter_app.sync.projections import Projection, project, utc
from counter_app.sync.records import (
    ApplyResult,
    CentralUnavailableError,
    OutgoingRecord,
    ReferenceChange,
    ReferralUpdate,
)

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 15_000
#: Seconds: shortens every wait on the central database (connect, statement, lock, TCP, the client-side answer
#: deadline) for tests and for sites that would rather fail fast. Unset: the defaults above.
TIMEOUT_ENV = "COUNTER_CENTRAL_TIMEOUT_S"
#: From this many rows on, PostgreSQL inserts go through COPY (a few rows: one plain statement is cheaper).
COPY_MIN_ROWS = 50
#: The client gives up this long (at most a third more) after the server-side statement_timeout, which fires first
#: on a live server and says more.
ANSWER_MARGIN_S = 5.0
#: Writes a table's rows: plain (INSERT ... ON CONFLICT DO NOTHING) or copied straight in.
RowWriter = Callable[[Connection, Table, list[dict[str, Any]]], None]


def central_timeout_ms() -> int:
    """The statement, lock and TCP timeout in ms: ``COUNTER_CENTRAL_TIMEOUT_S`` if set and valid, else 15 s."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        seconds = 0.0
    return int(min(seconds, 3600) * 1000) if seconds >= 1 else STATEMENT_TIMEOUT_MS


def safe_url(url: str | URL) -> str:
    """The URL with any password hidden: the only form that may reach a log or the screen."""
    return make_url(url).render_as_string(hide_password=True)


def build_engine(url: str, *, password: str | None = None, tls: dict[str, str] | None = None,
                 connect_timeout: int = CONNECT_TIMEOUT_S) -> Engine:
    """An engine that never hangs: connect, statement and TCP timeouts set per dialect; TLS options passed on."""
    parsed = make_url(url)
    if password:
        parsed = parsed.set(password=password)
    backend = parsed.get_backend_name()
    timeout_ms = central_timeout_ms()
    connect_timeout = max(2, min(connect_timeout, math.ceil(timeout_ms / 1000)))
    args: dict[str, Any] = {}
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_recycle": 300}
    if backend == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        args = {
            "connect_timeout": connect_timeout,
            "options": f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms}",
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
            "tcp_user_timeout": timeout_ms,
            "application_name": "counter-sync",
        }
        args.update(tls or {})
    elif backend in ("mysql", "mariadb"):
        if parsed.get_driver_name() in ("", "mysqldb"):
            parsed = parsed.set(drivername=f"{backend}+pymysql")
        args = {"connect_timeout": connect_timeout, "read_timeout": max(1, timeout_ms // 1000),
                "write_timeout": max(1, timeout_ms // 1000), "charset": "utf8mb4"}
        if tls:
            args["ssl"] = {"ca": tls.get("sslrootcert"), "check_hostname": tls.get("sslmode") == "verify-full"}
    elif backend == "sqlite":
        args = {"timeout": 15}
        options = {}
    engine = create_engine(parsed, connect_args=args, **options)
    if engine.dialect.driver == "psycopg":
        _give_up_after(engine, timeout_ms / 1000 + min(ANSWER_MARGIN_S, timeout_ms / 3000))
    return engine


def _give_up_after(engine: Engine, seconds: float) -> None:
    """Bound every wait for an answer from PostgreSQL: psycopg alone waits on the socket for ever.

    tcp_user_timeout and keepalives catch a peer whose TCP stack went silent, not one that acknowledges the bytes
    and never answers (a hung server, a proxy or firewall holding the connection): the sync thread would hang and
    the status bar never say offline. Past ``seconds`` the socket is shut down; psycopg reports a broken
    connection, SQLAlchemy discards it and the caller gets ``CentralUnavailableError``.
    """
    connection_class = _answering_connection_class()

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        connection = connection_class.connect(*cargs, **cparams)
        connection.answer_timeout_s = seconds
        return connection


@functools.cache
def _answering_connection_class() -> Any:
    import psycopg

    class AnsweringConnection(psycopg.Connection[Any]):
        """Every wait (statement, COPY, commit, ping) armed on the watchdog, which shuts the socket down if the
        answer has not come when the deadline passes."""

        answer_timeout_s: float = STATEMENT_TIMEOUT_MS / 1000 + ANSWER_MARGIN_S

        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                fd = self.pgconn.socket
            except psycopg.Error:  # already closed: nothing to wait on, let psycopg say so
                return super().wait(gen, *args, **kwargs)
            token = _WATCHDOG.arm(fd, self.answer_timeout_s)
            try:
                return super().wait(gen, *args, **kwargs)
            finally:
                _WATCHDOG.disarm(token)

    return AnsweringConnection


class _Watchdog:
    """One thread for every connection: arming costs a dict entry (not a thread: COPY waits hundreds of times)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket fd)
        self._tokens = itertools.count()
        self._wakes_at = math.inf
        self._thread: threading.Thread | None = None

    def arm(self, fd: int, seconds: float) -> int:
        token = next(self._tokens)
        deadline = time.monotonic() + seconds
        with self._lock:
            self._armed[token] = (deadline, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="central-watchdog", daemon=True)
                self._thread.start()
            if deadline < self._wakes_at:
                self._lock.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._lock:
            self._armed.pop(token, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for token, (deadline, fd) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        _shut_down(fd)
                self._wakes_at = min((deadline for deadline, _ in self._armed.values()), default=math.inf)
                self._lock.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


_WATCHDOG = _Watchdog()


def _shut_down(fd: int) -> None:
    """Wake a thread blocked on this socket with end-of-file (on a duplicate: psycopg still owns the original)."""
    with suppress(OSError):
        duplicate = socket.socket(fileno=os.dup(fd))
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        finally:
            duplicate.close()


class CentralStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise CentralUnavailableError(_reason(exc)) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise CentralUnavailableError(_reason(exc)) from exc
            raise

    # -- schema ---------------------------------------------------------------------------------------------
    def init(self) -> None:
        """Create or upgrade the central schema (its own Alembic history)."""
        from alembic import command

        from counter_app.sync.central_config import central_alembic_config

        with self._begin() as conn:
            config = central_alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def close(self) -> None:
        """Drop pooled connections (after a failure, so the next attempt starts clean)."""
        self.engine.dispose()

    def ping(self) -> None:
        with self._begin() as conn:
            conn.execute(text("SELECT 1"))

    # -- push -----------------------------------------------------------------------------------------------
    def apply(self, workstation: str, records: list[OutgoingRecord]) -> ApplyResult:
        """Apply one batch in one central transaction; returns which records are now settled or in conflict."""
        result = ApplyResult()
        if not records:
            return result
        now = datetime.now(UTC).replace(tzinfo=None)
        hashes = {record.seq: record.payload_hash for record in records}
        firsts: dict[str, OutgoingRecord] = {}  # a record sent twice in one batch is judged by its first copy
        for record in records:
            firsts.setdefault(record.record_id, record)
        with self._begin() as conn:
            self._lock_workstation(conn, workstation)
            try:
                admitted, held = self._admit(conn, workstation, list(firsts.values()), hashes, now)
                fresh: list[OutgoingRecord] = []
                for record in records:
                    first = firsts[record.record_id]
                    if first is record and record.record_id in admitted:
                        fresh.append(record)
                        result.applied.append(record.seq)
                        continue
                    known = held.get(record.record_id) or hashes[first.seq]
                    if known == hashes[record.seq]:
                        result.duplicates.append(record.seq)
                    else:
                        result.conflicts.append(record.seq)
                        self._record_conflict(conn, workstation, record, known, now)
                audit = [r for r in fresh if r.record_type == "audit_event"]
                last_audit = json.loads(max(audit, key=lambda r: r.seq).payload)["entry_hash"] if audit else None
                self._advance_head(conn, workstation, max(r.seq for r in records), now, last_audit)
            finally:
                self._unlock_workstation(conn, workstation)
        return result

    def _admit(self, conn: Connection, workstation: str, records: list[OutgoingRecord], hashes: dict[int, str],
               now: datetime) -> tuple[set[str], dict[str, str]]:
        """Write the records the centre does not hold yet: their ``sync_inbox`` rows and typed rows.

        Returns the ids written now, and the payload hash of each record the centre already held. The rule is
        ``INSERT ... ON CONFLICT (id) DO NOTHING`` on the UUID. On PostgreSQL a batch is first copied straight into
        every table inside a savepoint (staging tables, INSERT ... SELECT and a look-up first cost about half the
        push): nearly every batch is new. If any key is already held (a batch sent again after a lost reply, a
        receipt number held under another id) the savepoint takes it all back and the rule applies instead.
        """
        if not records:
            return set(), {}
        rows = [{"id": r.record_id, "record_type": r.record_type, "workstation": workstation, "local_seq": r.seq,
                 "payload": r.payload, "payload_hash": hashes[r.seq], "received_at": now} for r in records]
        if self._bulk(conn):
            import psycopg

            try:
                with conn.begin_nested():
                    with copying(conn, cs.sync_inbox, rows):  # parse while the server takes the payloads in
                        projection = _projection(workstation, records)
                    self._write_projection(conn, projection, copy_rows)
                return {r.record_id for r in records}, {}
            except (psycopg.IntegrityError, IntegrityError):
                admitted = set(copy_insert_ignore(conn, cs.sync_inbox, rows, key="id", returning="id"))
            held = self._existing_hashes(conn, [r.record_id for r in records if r.record_id not in admitted])
        else:
            held = self._existing_hashes(conn, [r.record_id for r in records])
            self._insert_ignore(conn, cs.sync_inbox, [row for row in rows if row["id"] not in held])
            admitted = {r.record_id for r in records if r.record_id not in held}
        fresh = [r for r in records if r.record_id in admitted]
        self._write_projection(conn, _projection(workstation, fresh), self._insert_ignore)
        return admitted, held

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

    def _lock_workstation(self, conn: Connection, workstation: str) -> None:
        """Serialise batches of one workstation (two senders, or a sender and its retry, never interleave)."""
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"counter-sync:{workstation}"})
        elif self.dialect in ("mysql", "mariadb"):
            got = conn.execute(text("SELECT GET_LOCK(:k, 20)"), {"k": f"counter-sync:{workstation}"}).scalar()
            if got != 1:
                raise CentralUnavailableError("another sender holds this workstation's sync lock")

    def _unlock_workstation(self, conn: Connection, workstation: str) -> None:
        # A lost connection (invalidated: SQLAlchemy would raise PendingRollbackError over the real error) took
        # the lock with it on the server.
        if self.dialect in ("mysql", "mariadb") and not conn.invalidated:
            with suppress(DBAPIError):  # lost just now: the server released the lock with it
                conn.execute(text("SELECT RELEASE_LOCK(:k)"), {"k": f"counter-sync:{workstation}"})

    def _insert_ignore(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """INSERT ... ON CONFLICT DO NOTHING on the key, in each dialect's words."""
        if not rows:
            return
        if self._bulk(conn) and len(rows) >= COPY_MIN_ROWS:
            copy_insert_ignore(conn, table, rows)
            return
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement: Any = pg_insert(table).on_conflict_do_nothing()
        elif self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(table).on_conflict_do_nothing()
        else:
            statement = insert(table).prefix_with("IGNORE")  # PyMySQL's executemany sends multi-row INSERTs
        for start in range(0, len(rows), 1000):
            conn.execute(statement, rows[start : start + 1000])

    def _record_conflict(self, conn: Connection, workstation: str, record: OutgoingRecord, existing_hash: str,
                         now: datetime) -> None:
        self._insert_ignore(conn, cs.sync_conflicts, [{
            "record_id": record.record_id, "record_type": record.record_type, "workstation": workstation,
            "local_seq": record.seq, "existing_hash": existing_hash, "payload_hash": record.payload_hash,
            "payload": record.payload, "received_at": now, "resolved": False,
        }])

    def _write_projection(self, conn: Connection, projection: Projection, insert: RowWriter) -> None:
        """The typed rows of newly admitted records, written by ``insert``; then the updates they imply."""
        for name in _INSERT_ORDER:
            if rows := projection.inserts.get(name):
                insert(conn, cs.metadata.tables[name], rows)
        if projection.service_requests:
            first = self._bump(conn, "service_requests", len(projection.service_requests))
            for offset, row in enumerate(projection.service_requests):
                row["updated_seq"] = first + offset
            self._insert_ignore(conn, cs.service_requests, projection.service_requests)
        for transaction_id in projection.void_ids:
            conn.execute(update(cs.transactions).where(cs.transactions.c.id == transaction_id).values(status="void"))
        for closed in projection.closed_sessions:
            conn.execute(update(cs.drawer_sessions).where(cs.drawer_sessions.c.id == closed["id"]).values(
                status="closed", closed_at=utc(closed.get("closed_at")),
                counted_cents=(closed.get("counted") and _count_total(closed["counted"])),
                expected_cents=closed.get("expected_cents"), over_short_cents=closed.get("over_short_cents"),
                z_number=closed.get("z_number"),
            ))
        for referral_id, status, note in projection.referral_statuses:
            seq = self._bump(conn, "service_requests", 1)
            conn.execute(update(cs.service_requests).where(cs.service_requests.c.id == referral_id).values(
                status=status, status_notes=note, updated_seq=seq))

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

    # -- pull -----------------------------------------------------------------------------------------------
    def reference_changes(self, kind: str, since: int, limit: int = 5_000) -> list[ReferenceChange]:
        with self._begin() as conn:
            rows = conn.execute(
                select(cs.ref_data).where(cs.ref_data.c.kind == kind, cs.ref_data.c.updated_seq > since)
                .order_by(cs.ref_data.c.updated_seq).limit(limit)
            )
            return [ReferenceChange(r.kind, r.key, json.loads(r.payload), bool(r.deleted), int(r.updated_seq))
                    for r in rows]

    def referral_updates(self, workstation: str, since: int) -> list[ReferralUpdate]:
        with self._begin() as conn:
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
        with self._begin() as conn:
            return conn.execute(select(func.count()).select_from(cs.ref_data)).scalar_one() > 0

    def set_service_request_status(self, referral_id: str, status: str, note: str) -> None:
        with self._begin() as conn:
            seq = self._bump(conn, "service_requests", 1)
            conn.execute(update(cs.service_requests).where(cs.service_requests.c.id == referral_id).values(
                status=status, status_notes=note, updated_seq=seq))

    def audit_head(self, workstation: str) -> tuple[int, str] | None:
        """The last audit entry this workstation sent: the local log must reach at least this far."""
        with self._begin() as conn:
            row = conn.execute(
                select(cs.audit_events.c.seq, cs.audit_events.c.entry_hash)
                .where(cs.audit_events.c.workstation == workstation)
                .order_by(cs.audit_events.c.seq.desc()).limit(1)
            ).first()
        return (int(row[0]), str(row[1])) if row else None

    def counts(self) -> dict[str, int]:
        with self._begin() as conn:
            return {name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                    for name, table in cs.metadata.tables.items()}

    def conflicts(self) -> list[dict[str, Any]]:
        with self._begin() as conn:
            return [dict(r._mapping) for r in conn.execute(select(cs.sync_conflicts))]

    def day_rows(self, business_date: date) -> dict[str, list[dict[str, Any]]]:
        """Every workstation's transactions, lines, tenders, sessions and movements for one business day."""
        with self._begin() as conn:
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


_INSERT_ORDER = ("c_transactions", "c_transaction_lines", "c_tenders", "c_voids", "c_visits", "c_interactions",
                 "c_referral_notes", "c_drawer_sessions", "c_cash_movements", "c_z_reports", "c_audit_events",
                 "c_other_records")


def _projection(workstation: str, records: list[OutgoingRecord]) -> Projection:
    """The typed rows of these records (orjson: parsing is a fifth of the push's own time with json)."""
    projection = Projection()
    for record in records:
        project(projection, record.record_type, record.record_id, orjson.loads(record.payload), workstation,
                record.seq)
    return projection


def service_request_number(sr_number: int) -> str:
    """The id the rest of 311 quotes: assigned centrally, replaces the counter's token on the slip."""
    return f"SR-{sr_number:07d}"


def _count_total(pieces: dict[str, int]) -> int:
    from counter_app.drawer.denominations import BY_CODE

    return sum(BY_CODE[code].value_cents * n for code, n in pieces.items())


def _reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
