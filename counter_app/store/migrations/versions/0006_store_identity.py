"""A permanent identity per store: store id, its workstation, demo or real, restore generation, number safety.

A store made by an earlier version gets a fresh store id; its workstation is taken from its latest receipt (or
left for the first open to fill from the settings), and whether it is a demo store from its folder's use.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=True),
        sa.Column("generation", sa.Integer(), server_default="1", nullable=False),
        sa.Column("series_state", sa.String(length=12), server_default="ok", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    conn = op.get_bind()
    has_data = conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one() > 0
    if not has_data:
        return  # a store being created: the composition root writes its identity with the settings it was made with
    latest = conn.execute(sa.text("SELECT workstation FROM transactions ORDER BY created_at DESC LIMIT 1")).first()
    conn.execute(
        sa.text("INSERT INTO store_identity (id, store_id, workstation, demo, generation, series_state, created_at) "
                "VALUES (1, :id, :ws, NULL, 1, 'unverified', :at)"),
        {"id": str(uuid.uuid4()), "ws": latest[0] if latest else None,
         "at": datetime.now(UTC).isoformat(timespec="microseconds")},
    )


def downgrade() -> None:
    op.drop_table("store_identity")
