"""Initial schema of the local store: reference data, transactions, voids, prints and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 05:35:03.456718
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "gl_accounts",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "gst_codes",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "receipt_sequences",
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workstation"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_no", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_no"),
    )
    op.create_table(
        "services",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("bill_type", sa.String(length=12), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("gl_account", sa.String(length=13), nullable=False),
        sa.Column("gst_code", sa.String(length=8), nullable=False),
        sa.Column("allowed_tenders", sa.String(length=80), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=False),
        sa.Column("quick_key", sa.Integer(), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gl_account"],
            ["gl_accounts.code"],
        ),
        sa.ForeignKeyConstraint(
            ["gst_code"],
            ["gst_codes.code"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "transactions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("cashier_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("refund_of_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("subtotal_cents", sa.Integer(), nullable=False),
        sa.Column("gst_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("rounding_cents", sa.Integer(), nullable=False),
        sa.Column("change_cents", sa.Integer(), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["refund_of_id"],
            ["transactions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_number"),
        sa.UniqueConstraint("workstation", "sequence", name="uq_transactions_workstation_sequence"),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index("ix_transactions_business_date", ["business_date"], unique=False)

    op.create_table(
        "bill_accounts",
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("bill_type", sa.String(length=12), nullable=False),
        sa.Column("service_code", sa.String(length=16), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=False),
        sa.Column("balance_cents", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("issued_date", sa.Date(), nullable=True),
        sa.Column("early_cents", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["services.code"],
        ),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "receipt_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("printed_at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("copy", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tenders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("card_brand", sa.String(length=20), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("auth_code", sa.String(length=12), nullable=True),
        sa.Column("terminal_ref", sa.String(length=20), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["transaction_id"], ["transactions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id", "seq"),
    )
    op.create_table(
        "transaction_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("account_number", sa.String(length=13), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("net_cents", sa.Integer(), nullable=False),
        sa.Column("gst_code", sa.String(length=8), nullable=False),
        sa.Column("gst_rate_bp", sa.Integer(), nullable=False),
        sa.Column("gst_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("gl_account", sa.String(length=13), nullable=False),
        sa.Column("amount_due_cents", sa.Integer(), nullable=True),
        sa.Column("balance_reduction_cents", sa.Integer(), nullable=True),
        sa.Column("original_line_no", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["services.code"],
        ),
        sa.ForeignKeyConstraint(["transaction_id"], ["transactions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id", "line_no"),
    )
    op.create_table(
        "voids",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("voided_at", sa.String(length=32), nullable=False),
        sa.Column("cashier_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id"),
    )


def downgrade() -> None:

    op.drop_table("voids")
    op.drop_table("transaction_lines")
    op.drop_table("tenders")
    op.drop_table("receipt_prints")
    op.drop_table("bill_accounts")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_business_date")

    op.drop_table("transactions")
    op.drop_table("services")
    op.drop_table("staff")
    op.drop_table("receipt_sequences")
    op.drop_table("outbox")
    op.drop_table("gst_codes")
    op.drop_table("gl_accounts")
