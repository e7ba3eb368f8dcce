"""The Alembic head this code expects; checked with plain sqlite3 so a current store skips importing Alembic."""

SCHEMA_HEAD = "0007"
