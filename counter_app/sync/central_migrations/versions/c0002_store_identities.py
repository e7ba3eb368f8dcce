"""Store identities, workstation registration, an identity of the centre, append-only audit, strict MariaDB.

- ``central_identity``: one id per central database, so a counter pointed at another centre notices and sends
  its records there too.
- ``c_workstations``: each workstation name belongs to one store; a second store claiming it is refused.
- ``c_stores``: each store's restore generation and highest outbox sequence received (a rollback shows).
- ``sync_inbox`` records which store (and generation) sent each record.
- ``c_audit_events`` is keyed by store and append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).
- On MariaDB/MySQL every table is converted to utf8mb4 with a binary collation: a latin1 server default turned
  Hebrew, Arabic and emoji into "?".

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-04 19:30:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "c0002"
down_revision: str | None = "c0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("c_audit_events", "c_cash_movements", "c_drawer_sessions", "c_interactions", "c_other_records",
           "c_referral_notes", "c_service_requests", "c_tenders", "c_transaction_lines", "c_transactions",
           "c_visits", "c_voids", "c_z_reports", "central_counters", "ref_data", "sync_conflicts", "sync_heads",
           "sync_inbox")
_MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    mysql = dialect in ("mysql", "mariadb")
    if mysql:
        database = op.get_bind().execute(sa.text("SELECT DATABASE()")).scalar_one()
        op.execute(f"ALTER DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        for table in _TABLES:
            op.execute(f"ALTER TABLE `{table}` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    extra: dict[str, Any] = _MYSQL if mysql else {}
    op.create_table(
        "central_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_central_identity")),
        **extra,
    )
    op.bulk_insert(sa.table("central_identity", sa.column("id", sa.String), sa.column("created_at", sa.DateTime)),
                   [{"id": str(uuid.uuid4()), "created_at": datetime.now(UTC).replace(tzinfo=None)}])
    op.create_table(
        "c_workstations",
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workstation", name=op.f("pk_c_workstations")),
        **extra,
    )
    op.create_table(
        "c_stores",
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("outbox_high", sa.BigInteger(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_c_stores")),
        **extra,
    )
    with op.batch_alter_table("sync_inbox") as batch:
        batch.add_column(sa.Column("store_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("generation", sa.Integer(), nullable=True))
        batch.create_index("ix_sync_inbox_store", ["store_id", "generation", "local_seq"])
    with op.batch_alter_table("c_audit_events") as batch:
        batch.add_column(sa.Column("store_id", sa.String(length=36), nullable=False, server_default=""))
        batch.drop_constraint("uq_c_audit_events_workstation_seq", type_="unique")
        batch.create_unique_constraint("uq_c_audit_events_store_seq", ["workstation", "store_id", "seq"])
    _append_only(dialect)


def _append_only(dialect: str) -> None:
    """The anchors of every workstation's audit trail can be added to, never changed or removed."""
    message = "c_audit_events is append-only: the anchors of the audit trails of the counters are never changed"
    if dialect == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION counter_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION USING MESSAGE = '{message}: ' || TG_OP || ' refused'; END $$""")
        op.execute("CREATE TRIGGER c_audit_events_append_only BEFORE UPDATE OR DELETE ON c_audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION counter_audit_append_only()")
        op.execute("CREATE TRIGGER c_audit_events_no_truncate BEFORE TRUNCATE ON c_audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION counter_audit_append_only()")
    elif dialect in ("mysql", "mariadb"):
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER c_audit_events_no_{event.lower()} BEFORE {event} ON c_audit_events "
                       f"FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{message}'")
    elif dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER c_audit_events_no_{event.lower()} BEFORE {event} ON c_audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS c_audit_events_no_truncate ON c_audit_events")
        op.execute("DROP TRIGGER IF EXISTS c_audit_events_append_only ON c_audit_events")
        op.execute("DROP FUNCTION IF EXISTS counter_audit_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS c_audit_events_no_{event}")
    with op.batch_alter_table("c_audit_events") as batch:
        batch.drop_constraint("uq_c_audit_events_store_seq", type_="unique")
        batch.create_unique_constraint("uq_c_audit_events_workstation_seq", ["workstation", "seq"])
        batch.drop_column("store_id")
    with op.batch_alter_table("sync_inbox") as batch:
        batch.drop_index("ix_sync_inbox_store")
        batch.drop_column("generation")
        batch.drop_column("store_id")
    op.drop_table("c_stores")
    op.drop_table("c_workstations")
    op.drop_table("central_identity")
