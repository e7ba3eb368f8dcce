"""Typed text never reaches FTS5 raw; typos find their nearest indexed word."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.errors import UserError
from counter_app.questions.query import MAX_QUERY_CHARS, check_search_text, fts_query, words_of
from counter_app.questions.spelling import Vocabulary
from counter_app.visits.model import Interaction, InteractionKind, count_day


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t VALUES (?)", [("garbage cart pickup",), ("transit pass",), ("dog licence",)])
    return conn


@given(st.text(max_size=300))
@settings(max_examples=400)
def test_any_typed_text_makes_a_valid_query(fts: sqlite3.Connection, text: str) -> None:
    words = words_of(text)
    if not words:
        return
    for any_word in (False, True):
        fts.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 20",
                    (fts_query(words, any_word=any_word),)).fetchall()


@pytest.mark.parametrize("text", ['"', "*", "NEAR(", ")", "garbage AND", 'a" OR "b', "x:y", "^cart", "-pass", "''"])
def test_fts_syntax_is_neutralised(fts: sqlite3.Connection, text: str) -> None:
    words = words_of(text)
    if words:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(words),)).fetchall()


def test_long_search_is_refused_clearly() -> None:
    with pytest.raises(UserError, match="limited to 200 characters"):
        check_search_text("x" * 10_000)
    assert check_search_text("x" * MAX_QUERY_CHARS)


def test_vocabulary_corrects_typos() -> None:
    vocab = Vocabulary([("garbag", 9), ("recycl", 7), ("transit", 8), ("licenc", 4), ("collect", 9), ("collector", 1)])
    assert vocab.correct("garbege") == "garbag"
    assert vocab.correct("transt") == "transit"
    assert vocab.correct("colection") == "collect"  # the word more articles use wins a near tie
    assert vocab.correct("zzz") is None


def test_day_counts() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 25, 16, tzinfo=UTC)
    items = [
        Interaction("1", "v", InteractionKind.PAYMENT, "utilities", "CH1-02", 1, start, start + timedelta(minutes=2)),
        Interaction("2", "v", InteractionKind.INFORMATION, "transit", "CH1-02", 1, start, start + timedelta(minutes=1)),
        Interaction("3", "w", InteractionKind.REFERRAL, "utilities", "CH1-02", 1, start, start + timedelta(minutes=6),
                    referral_id="r"),
    ]
    counts = count_day(items, {"r": "Utility Services"})
    assert counts.by_kind == {"payment": 1, "information": 1, "referral": 1}
    assert counts.by_topic == {"utilities": 2, "transit": 1}
    assert counts.referrals_by_department == {"Utility Services": 1}
    assert counts.average_seconds == 180.0
