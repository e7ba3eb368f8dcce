"""The local store on a real SQLite file: pragmas, migrations, integrity check and reference data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from counter_app.app import build_counter
from counter_app.config import ConfigError, Settings, load_settings
from counter_app.services.container import Counter
from counter_app.store.db import StoreError, check_integrity, current_revision
from counter_app.store.migrations_config import alembic_config
from counter_app.store.schema_version import SCHEMA_HEAD


def test_schema_head_constant_matches_alembic() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_store_is_created_migrated_and_configured(counter: Counter) -> None:
    path = counter.settings.db_path
    assert path.exists() and current_revision(path) == SCHEMA_HEAD
    with counter._engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_reference_data_seeded_from_the_brief(counter: Counter) -> None:
    catalog = counter.payments.catalog()
    codes = {s.code: s for s in catalog.services}
    assert codes["DOG-AC"].amount_cents == 2000 and codes["DOG-AGG"].amount_cents == 15000
    assert codes["TR-ADULT"].amount_cents == 7700 and codes["TR-DAY"].amount_cents == 750
    assert {t.value for t in codes["PARK"].allowed_tenders} == {"cash"}
    assert "credit" not in {t.value for t in codes["PTAX"].allowed_tenders}
    assert catalog.gst_codes["G5"].rate_bp == 500 and codes["COMPOST"].gst_code == "G5"


def test_reopening_skips_migration_and_keeps_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workstation="CH1-01", demo=True)
    first = build_counter(settings)
    assert first.demo_seeded
    first.close()
    second = build_counter(settings)
    assert not second.demo_seeded
    assert second.auth.login("1001", "1111").name == "Alex Martin"
    second.close()


def test_damaged_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "counter.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Restore it from backup"):
        check_integrity(path)


def test_integrity_check_passes_on_a_good_store(counter: Counter) -> None:
    check_integrity(counter.settings.db_path)
    with sqlite3.connect(counter.settings.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_settings_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "env"))
    assert load_settings().data_dir == tmp_path / "env"
    assert load_settings(str(tmp_path / "arg")).data_dir == tmp_path / "arg"
    with pytest.raises(ConfigError, match="must look like CH1-02"):
        load_settings(str(tmp_path), workstation="counter one")
    (tmp_path / "settings.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_settings(str(tmp_path))
