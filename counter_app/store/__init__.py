"""The counter's local store: SQLite through SQLAlchemy, migrated by Alembic. An adapter at the edge."""
