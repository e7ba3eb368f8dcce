"""The central 311 database, as the counter writes and reads it (PostgreSQL first, MariaDB and SQLite too).

Every counter record is keyed by its client-made UUID under a primary key, so applying it twice is harmless.
Times are UTC. Money is integer cents. ``sync_inbox`` keeps each record exactly as sent (with its hash); the
``c_*`` tables are typed projections for the rest of 311; ``ref_data`` is what flows back to the counters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

UUID = String(36)
WORKSTATION = String(8)
CENTS = BigInteger


def _utc() -> DateTime:
    return DateTime(timezone=False)  # naive UTC: portable across PostgreSQL, MariaDB and SQLite


#: MariaDB/MySQL: every table in full Unicode and compared byte for byte, whatever the server's default.
MYSQL_TABLE: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin", "mariadb_charset": "utf8mb4",
               "mariadb_collate": "utf8mb4_bin"}

central_identity = Table(
    "central_identity", metadata,
    Column("id", UUID, primary_key=True),  # made once, at the first migration: counters tell centres apart by it
    Column("created_at", _utc(), nullable=False),
    **MYSQL_TABLE,
)

workstations = Table(
    "c_workstations", metadata,
    Column("workstation", WORKSTATION, primary_key=True),
    Column("store_id", UUID, nullable=False),  # the one store allowed to send as this workstation
    Column("registered_at", _utc(), nullable=False),
    **MYSQL_TABLE,
)

stores = Table(
    "c_stores", metadata,
    Column("store_id", UUID, primary_key=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("generation", Integer, nullable=False),  # the store's restore generation, as last seen
    Column("outbox_high", BigInteger, nullable=False),  # highest outbox sequence received in that generation
    Column("demo", Boolean, nullable=False),
    Column("first_seen", _utc(), nullable=False),
    Column("last_seen", _utc(), nullable=False),
    **MYSQL_TABLE,
)

sync_inbox = Table(
    "sync_inbox", metadata,
    Column("id", UUID, primary_key=True),
    Column("record_type", String(30), nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("local_seq", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("received_at", _utc(), nullable=False),
    Column("store_id", UUID),  # None: sent by a version before store identities
    Column("generation", Integer),
    Index("ix_sync_inbox_workstation_seq", "workstation", "local_seq"),
    Index("ix_sync_inbox_store", "store_id", "generation", "local_seq"),
    **MYSQL_TABLE,
)

sync_conflicts = Table(
    "sync_conflicts", metadata,
    Column("conflict_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", UUID, nullable=False),
    Column("record_type", String(30), nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("local_seq", BigInteger, nullable=False),
    Column("existing_hash", String(64), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", _utc(), nullable=False),
    Column("resolved", Boolean, nullable=False, default=False),
    UniqueConstraint("record_id", "payload_hash", name="uq_sync_conflicts_record_payload"),
    **MYSQL_TABLE,
)

sync_heads = Table(
    "sync_heads", metadata,
    Column("workstation", WORKSTATION, primary_key=True),
    Column("last_local_seq", BigInteger, nullable=False),
    Column("last_audit_hash", String(64)),
    Column("updated_at", _utc(), nullable=False),
    **MYSQL_TABLE,
)

counters = Table(
    "central_counters", metadata,
    Column("name", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
    **MYSQL_TABLE,
)

transactions = Table(
    "c_transactions", metadata,
    Column("id", UUID, primary_key=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("receipt_number", String(20), nullable=False, unique=True),
    Column("kind", String(8), nullable=False),
    Column("status", String(10), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("created_at", _utc(), nullable=False),
    Column("cashier", String(10), nullable=False),
    Column("supervisor", String(10)),
    Column("total_cents", CENTS, nullable=False),
    Column("rounding_cents", CENTS, nullable=False),
    Column("change_cents", CENTS, nullable=False),
    Column("drawer_session_id", UUID),
    Column("refund_of_id", UUID),
    Column("reason", String(200)),
    Column("local_seq", BigInteger, nullable=False),
    UniqueConstraint("workstation", "sequence", name="uq_c_transactions_workstation_sequence"),
    Index("ix_c_transactions_business_date", "business_date"),
    **MYSQL_TABLE,
)

transaction_lines = Table(
    "c_transaction_lines", metadata,
    Column("transaction_id", UUID, primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("service_code", String(16), nullable=False),
    Column("description", String(200), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("account_number", String(13)),
    Column("gl_account", String(13), nullable=False),
    Column("gst_code", String(8), nullable=False),
    Column("net_cents", CENTS, nullable=False),
    Column("gst_cents", CENTS, nullable=False),
    Column("total_cents", CENTS, nullable=False),
    **MYSQL_TABLE,
)

tenders = Table(
    "c_tenders", metadata,
    Column("transaction_id", UUID, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("amount_cents", CENTS, nullable=False),
    Column("card_brand", String(20)),
    Column("last4", String(4)),
    Column("auth_code", String(12)),
    Column("terminal_ref", String(20)),
    Column("number", String(20)),
    **MYSQL_TABLE,
)

voids = Table(
    "c_voids", metadata,
    Column("id", UUID, primary_key=True),
    Column("transaction_id", UUID, nullable=False, unique=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("receipt_number", String(20), nullable=False),
    Column("voided_at", _utc(), nullable=False),
    Column("cashier", String(10), nullable=False),
    Column("supervisor", String(10), nullable=False),
    Column("reason", String(200), nullable=False),
    **MYSQL_TABLE,
)

visits = Table(
    "c_visits", metadata,
    Column("id", UUID, primary_key=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("started_at", _utc(), nullable=False),
    Column("ended_at", _utc(), nullable=False),
    Column("interactions", Integer, nullable=False),
    **MYSQL_TABLE,
)

interactions = Table(
    "c_interactions", metadata,
    Column("id", UUID, primary_key=True),
    Column("visit_id", UUID, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("topic", String(20), nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("staff_id", Integer, nullable=False),
    Column("started_at", _utc(), nullable=False),
    Column("ended_at", _utc(), nullable=False),
    Column("article_id", String(80)),
    Column("transaction_id", UUID),
    Column("referral_id", UUID),
    Index("ix_c_interactions_started_at", "started_at"),
    **MYSQL_TABLE,
)

service_requests = Table(
    "c_service_requests", metadata,
    Column("sr_number", Integer, primary_key=True, autoincrement=True),
    Column("id", UUID, nullable=False, unique=True),
    Column("token", String(20), nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("service_code", String(20), nullable=False),
    Column("agency_responsible", String(80), nullable=False),
    Column("department_code", String(12), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(14), nullable=False),
    Column("status_notes", Text),
    Column("requested_at", _utc(), nullable=False),
    Column("expected_at", _utc(), nullable=False),
    Column("payload", Text, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_c_service_requests_updated", "workstation", "updated_seq"),
    **MYSQL_TABLE,
)

referral_notes = Table(
    "c_referral_notes", metadata,
    Column("id", UUID, primary_key=True),
    Column("referral_id", UUID, nullable=False),
    Column("status", String(14), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", _utc(), nullable=False),
    Column("source", String(10), nullable=False),
    **MYSQL_TABLE,
)

drawer_sessions = Table(
    "c_drawer_sessions", metadata,
    Column("id", UUID, primary_key=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("cashier_id", Integer, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("status", String(8), nullable=False),
    Column("opened_at", _utc(), nullable=False),
    Column("float_cents", CENTS, nullable=False),
    Column("closed_at", _utc()),
    Column("counted_cents", CENTS),
    Column("expected_cents", CENTS),
    Column("over_short_cents", CENTS),
    Column("z_number", String(20)),
    Column("payload", Text, nullable=False),
    **MYSQL_TABLE,
)

cash_movements = Table(
    "c_cash_movements", metadata,
    Column("id", UUID, primary_key=True),
    Column("session_id", UUID, nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("amount_cents", CENTS, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("gl_account", String(13)),
    Column("at", _utc(), nullable=False),
    **MYSQL_TABLE,
)

z_reports = Table(
    "c_z_reports", metadata,
    Column("id", UUID, primary_key=True),
    Column("session_id", UUID, nullable=False, unique=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("z_number", String(20), nullable=False, unique=True),
    Column("report", Text, nullable=False),
    **MYSQL_TABLE,
)

audit_events = Table(
    "c_audit_events", metadata,
    Column("id", UUID, primary_key=True),
    Column("workstation", WORKSTATION, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("at", _utc(), nullable=False),
    Column("actor", String(10)),
    Column("action", String(40), nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("object_ref", String(80)),
    Column("entry_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("store_id", UUID, nullable=False, server_default=""),  # "": sent before store identities
    UniqueConstraint("workstation", "store_id", "seq", name="uq_c_audit_events_store_seq"),
    **MYSQL_TABLE,
)

other_records = Table(
    "c_other_records", metadata,
    Column("id", UUID, primary_key=True),
    Column("record_type", String(30), nullable=False),
    Column("workstation", WORKSTATION, nullable=False),
    Column("payload", Text, nullable=False),
    **MYSQL_TABLE,
)

ref_data = Table(
    "ref_data", metadata,
    Column("kind", String(20), primary_key=True),
    Column("key", String(80), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_ref_data_kind_seq", "kind", "updated_seq"),
    **MYSQL_TABLE,
)
