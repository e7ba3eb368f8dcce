"""Alembic environment for the central 311 database (its own migrations, apart from the counter's store)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from counter_app.sync.central_schema import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, version_table="central_alembic_version")
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, version_table="central_alembic_version")
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
