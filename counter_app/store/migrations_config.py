"""Alembic configuration built in code, so it works from a checkout, an install and a frozen bundle alike."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config
