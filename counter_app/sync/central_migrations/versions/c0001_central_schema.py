"""The central 311 schema: sync inbox and conflicts, typed counter records, reference data with cursors.

Revision ID: c0001
Revises:
Create Date: 2026-11-26 05:54:42.889142
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "c_audit_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=10), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("object_ref", sa.String(length=80), nullable=True),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_audit_events")),
        sa.UniqueConstraint("workstation", "seq", name="uq_c_audit_events_workstation_seq"),
    )
    op.create_table(
        "c_cash_movements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("gl_account", sa.String(length=13), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_cash_movements")),
    )
    op.create_table(
        "c_drawer_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("cashier_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("float_cents", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("counted_cents", sa.BigInteger(), nullable=True),
        sa.Column("expected_cents", sa.BigInteger(), nullable=True),
        sa.Column("over_short_cents", sa.BigInteger(), nullable=True),
        sa.Column("z_number", sa.String(length=20), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_drawer_sessions")),
    )
    op.create_table(
        "c_interactions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("article_id", sa.String(length=80), nullable=True),
        sa.Column("transaction_id", sa.String(length=36), nullable=True),
        sa.Column("referral_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_interactions")),
    )
    op.create_index("ix_c_interactions_started_at", "c_interactions", ["started_at"], unique=False)
    op.create_table(
        "c_other_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_other_records")),
    )
    op.create_table(
        "c_referral_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_referral_notes")),
    )
    op.create_table(
        "c_service_requests",
        sa.Column("sr_number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token", sa.String(length=20), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("service_code", sa.String(length=20), nullable=False),
        sa.Column("agency_responsible", sa.String(length=80), nullable=False),
        sa.Column("department_code", sa.String(length=12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("status_notes", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("expected_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sr_number", name=op.f("pk_c_service_requests")),
        sa.UniqueConstraint("id", name=op.f("uq_c_service_requests_id")),
    )
    op.create_index("ix_c_service_requests_updated", "c_service_requests", ["workstation", "updated_seq"], unique=False)
    op.create_table(
        "c_tenders",
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("card_brand", sa.String(length=20), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("auth_code", sa.String(length=12), nullable=True),
        sa.Column("terminal_ref", sa.String(length=20), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("transaction_id", "seq", name=op.f("pk_c_tenders")),
    )
    op.create_table(
        "c_transaction_lines",
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("account_number", sa.String(length=13), nullable=True),
        sa.Column("gl_account", sa.String(length=13), nullable=False),
        sa.Column("gst_code", sa.String(length=8), nullable=False),
        sa.Column("net_cents", sa.BigInteger(), nullable=False),
        sa.Column("gst_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("transaction_id", "line_no", name=op.f("pk_c_transaction_lines")),
    )
    op.create_table(
        "c_transactions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cashier", sa.String(length=10), nullable=False),
        sa.Column("supervisor", sa.String(length=10), nullable=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("rounding_cents", sa.BigInteger(), nullable=False),
        sa.Column("change_cents", sa.BigInteger(), nullable=False),
        sa.Column("drawer_session_id", sa.String(length=36), nullable=True),
        sa.Column("refund_of_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("local_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_transactions")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_c_transactions_receipt_number")),
        sa.UniqueConstraint("workstation", "sequence", name="uq_c_transactions_workstation_sequence"),
    )
    op.create_index("ix_c_transactions_business_date", "c_transactions", ["business_date"], unique=False)
    op.create_table(
        "c_visits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("interactions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_visits")),
    )
    op.create_table(
        "c_voids",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=False),
        sa.Column("cashier", sa.String(length=10), nullable=False),
        sa.Column("supervisor", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_voids")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_c_voids_transaction_id")),
    )
    op.create_table(
        "c_z_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("z_number", sa.String(length=20), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_c_z_reports")),
        sa.UniqueConstraint("session_id", name=op.f("uq_c_z_reports_session_id")),
        sa.UniqueConstraint("z_number", name=op.f("uq_c_z_reports_z_number")),
    )
    op.create_table(
        "central_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_central_counters")),
    )
    op.create_table(
        "ref_data",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_ref_data")),
    )
    op.create_index("ix_ref_data_kind_seq", "ref_data", ["kind", "updated_seq"], unique=False)
    op.create_table(
        "sync_conflicts",
        sa.Column("conflict_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("local_seq", sa.BigInteger(), nullable=False),
        sa.Column("existing_hash", sa.String(length=64), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("record_id", "payload_hash", name="uq_sync_conflicts_record_payload"),
    )
    op.create_table(
        "sync_heads",
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("last_local_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_audit_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workstation", name=op.f("pk_sync_heads")),
    )
    op.create_table(
        "sync_inbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("local_seq", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_inbox")),
    )
    op.create_index("ix_sync_inbox_workstation_seq", "sync_inbox", ["workstation", "local_seq"], unique=False)


def downgrade() -> None:

    op.drop_index("ix_sync_inbox_workstation_seq", table_name="sync_inbox")
    op.drop_table("sync_inbox")
    op.drop_table("sync_heads")
    op.drop_table("sync_conflicts")
    op.drop_index("ix_ref_data_kind_seq", table_name="ref_data")
    op.drop_table("ref_data")
    op.drop_table("central_counters")
    op.drop_table("c_z_reports")
    op.drop_table("c_voids")
    op.drop_table("c_visits")
    op.drop_index("ix_c_transactions_business_date", table_name="c_transactions")
    op.drop_table("c_transactions")
    op.drop_table("c_transaction_lines")
    op.drop_table("c_tenders")
    op.drop_index("ix_c_service_requests_updated", table_name="c_service_requests")
    op.drop_table("c_service_requests")
    op.drop_table("c_referral_notes")
    op.drop_table("c_other_records")
    op.drop_index("ix_c_interactions_started_at", table_name="c_interactions")
    op.drop_table("c_interactions")
    op.drop_table("c_drawer_sessions")
    op.drop_table("c_cash_movements")
    op.drop_table("c_audit_events")
