"""Alembic configuration for the central schema, built in code (works from a checkout and a bundle)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config


def central_alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "central_migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
