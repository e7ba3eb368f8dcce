"""Drawer sessions, cash movements, Z reports and exports; transactions belong to a drawer session.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:50:37.135259
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "drawer_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("cashier_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_at", sa.String(length=32), nullable=False),
        sa.Column("float_cents", sa.Integer(), nullable=False),
        sa.Column("float_count", sa.Text(), nullable=False),
        sa.Column("float_verified_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("counted_cents", sa.Integer(), nullable=True),
        sa.Column("close_count", sa.Text(), nullable=True),
        sa.Column("expected_cents", sa.Integer(), nullable=True),
        sa.Column("over_short_cents", sa.Integer(), nullable=True),
        sa.Column("close_supervisor_id", sa.Integer(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("debit_batch_cents", sa.Integer(), nullable=True),
        sa.Column("credit_batch_cents", sa.Integer(), nullable=True),
        sa.Column("cheques_checked", sa.Boolean(), nullable=False),
        sa.Column("z_number", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["cashier_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["close_supervisor_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["float_verified_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("z_number"),
    )
    with op.batch_alter_table("drawer_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_drawer_sessions_business_date", ["business_date"], unique=False)
        batch_op.create_index(
            "uq_drawer_sessions_open",
            ["workstation", "cashier_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "cash_movements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("gl_account", sa.String(length=13), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["drawer_sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cash_movements_session_id"), ["session_id"], unique=False)

    op.create_table(
        "exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["drawer_sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "z_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("z_number", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["drawer_sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
        sa.UniqueConstraint("z_number"),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drawer_session_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_transactions_drawer_session_id"), ["drawer_session_id"], unique=False)
        batch_op.create_foreign_key("fk_transactions_drawer_session", "drawer_sessions", ["drawer_session_id"], ["id"])


def downgrade() -> None:

    with op.batch_alter_table("transactions", schema=None) as batch_op:
        # WARNING: constraint name is None; this directive will fail as
        # rendered.  Add a name, or use a naming convention; see
        # https://alembic.sqlalchemy.org/en/latest/naming.html
        batch_op.drop_constraint("fk_transactions_drawer_session", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_transactions_drawer_session_id"))
        batch_op.drop_column("drawer_session_id")

    op.drop_table("z_reports")
    op.drop_table("exports")
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_movements_session_id"))

    op.drop_table("cash_movements")
    with op.batch_alter_table("drawer_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_drawer_sessions_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_drawer_sessions_business_date")

    op.drop_table("drawer_sessions")
