"""Settings that name the workstation and the centre: where each came from, and the values refused in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.config import ConfigError, central_timeout_s, check_central_url, load_settings
from counter_app.store.witness import Witness, WitnessFile


def test_a_real_store_has_no_default_workstation_and_a_demo_one_has(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COUNTER_WORKSTATION", raising=False)
    real = load_settings(str(tmp_path / "real"))
    assert (real.workstation, real.workstation_source) == ("", "")
    demo = load_settings(str(tmp_path / "demo"), demo=True)
    assert (demo.workstation, demo.workstation_source) == ("CH1-01", "")


def test_the_workstation_remembers_where_it_was_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.json").write_text('{"workstation": "ch1-03"}', encoding="utf-8")
    monkeypatch.delenv("COUNTER_WORKSTATION", raising=False)
    assert load_settings(str(tmp_path)).workstation_source == "settings.json"
    assert load_settings(str(tmp_path)).workstation == "CH1-03"
    monkeypatch.setenv("COUNTER_WORKSTATION", "CH1-04")
    assert load_settings(str(tmp_path)).workstation_source == "COUNTER_WORKSTATION"
    given = load_settings(str(tmp_path), workstation="CH1-05")
    assert (given.workstation, given.workstation_source) == ("CH1-05", "--workstation")
    monkeypatch.setenv("COUNTER_WORKSTATION", "")  # set but empty: not given
    assert load_settings(str(tmp_path)).workstation_source == "settings.json"


@pytest.mark.parametrize("url, words", [
    ("not a url", "is not a database URL"),
    ("garbage", "is not a database URL"),
    ("oracle://db/x", "is not a database Counter can use"),
    ("postgresql://counter:secret@db/x", "must not contain a password"),
    ("postgresql://counter@db/x?password=secret", "must not contain a password"),
    ("postgresql://counter@db/x?sslmode=require&PWD=secret", "must not contain a password"),
    ("postgresql:///x", "names no server"),
])
def test_central_urls_that_cannot_work_are_refused_in_words(url: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        check_central_url(url, "--central")


@pytest.mark.parametrize("url", ["postgresql://counter@db.city.local/311", "postgresql+psycopg://c@127.0.0.1:5432/t",
                                 "mysql+pymysql://root@127.0.0.1:3306/test", "sqlite:////tmp/central.sqlite3",
                                 "postgresql:///counter311?host=/var/run/postgresql"])
def test_good_central_urls_pass(url: str) -> None:
    check_central_url(url)


def test_an_empty_central_option_is_refused_and_an_empty_variable_is_not_set(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="--central needs the central database URL"):
        load_settings(str(tmp_path), central="  ")
    monkeypatch.setenv("COUNTER_CENTRAL_URL", "")
    assert load_settings(str(tmp_path)).central_url is None


@pytest.mark.parametrize("raw", ["abc", "0.5", "0", "-3", "nan", "inf", "3601"])
def test_a_central_timeout_that_is_not_1_to_3600_seconds_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match="COUNTER_CENTRAL_TIMEOUT_S must be a number of seconds from 1 to 3600"):
        central_timeout_s({"COUNTER_CENTRAL_TIMEOUT_S": raw})


def test_a_central_timeout_in_range_is_taken() -> None:
    assert central_timeout_s({"COUNTER_CENTRAL_TIMEOUT_S": " 2.5 "}) == 2.5
    assert central_timeout_s({}) is None


def test_the_witness_only_moves_forward_and_sees_a_rollback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    witness = WitnessFile(data, "store-1")
    assert witness.read() is None
    witness.advance(1, 10)
    witness.advance(1, 4)  # never back
    assert WitnessFile(data, "store-1").read() == Witness(1, 10)
    assert Witness(1, 10).is_ahead_of(1, 9) and not Witness(1, 10).is_ahead_of(1, 10)
    assert Witness(2, 0).is_ahead_of(1, 500) and not Witness(1, 900).is_ahead_of(2, 0)
    assert witness.path.parent == tmp_path / ".counter-witness"  # beside the data folder, not in it
