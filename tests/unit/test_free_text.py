"""The one text rule: what every free-text field accepts (any script, emoji) and refuses (controls, broken or
disguising characters, card numbers, more than its central column holds), with a message naming the field."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.drawer.session import DrawerError, MovementKind, check_movement
from counter_app.errors import UserError
from counter_app.free_text import BIDI_CONTROLS, TextError, clean_code, clean_text, clean_uuid, safe_text, shown
from counter_app.payments.card_data import CARD_NUMBER_MESSAGE
from counter_app.payments.errors import PaymentError
from counter_app.payments.reversals import check_reason

PASSING = [
    ("שלום, the resident moved", "שלום, the resident moved"),
    ("مرحبا بالعالم", "مرحبا بالعالم"),
    ("👩\u200d👩\u200d👧 family pass", "👩\u200d👩\u200d👧 family pass"),  # ZWJ kept: one emoji, not three
    ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ kept: Persian needs it
    ("𝄞 𠀋 🏛️", "𝄞 𠀋 🏛️"),  # 4-byte characters
    ("\u200f\u05e9\u05dc\u05d5\u05dd\u200e 12", "\u200f\u05e9\u05dc\u05d5\u05dd\u200e 12"),  # RLM/LRM marks kept
    ("  many   spaces\u00a0here  ", "many spaces here"),
]


@pytest.mark.parametrize(("typed", "stored"), PASSING)
def test_any_script_and_emoji_pass(typed: str, stored: str) -> None:
    assert clean_text(typed, "reason", max_len=200) == stored


def test_text_is_stored_in_nfc() -> None:
    decomposed = "Cafe\u0301 de\u0301po\u0302t"
    assert clean_text(decomposed, "note", max_len=50) == unicodedata.normalize("NFC", decomposed) == "Café dépôt"


@pytest.mark.parametrize(("typed", "words"), [
    ("stamps\x00", "NUL"),
    ("stamps \x1b[31m", "control character (U+001B)"),
    ("stamps \x85 more", "control character (U+0085)"),
    ("stamps \x7f more", "control character (U+007F)"),
    ("half \ud83d emoji", "broken character"),
    ("\ufffe", "not a character"),
    ("x \U0010ffff", "not a character"),
    ("x \ufdd0", "not a character"),
    ("line one\nline two", "one line"),
    ("tab\there", "one line"),
])
def test_controls_broken_and_noncharacters_are_refused_naming_the_field(typed: str, words: str) -> None:
    with pytest.raises(TextError) as refused:
        clean_text(typed, "reason", max_len=200)
    assert refused.value.field == "reason"
    assert refused.value.message.startswith("The reason ") and words in refused.value.message


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_bidirectional_overrides_embeddings_and_isolates_are_refused(control: str) -> None:
    with pytest.raises(TextError, match="text-direction control"):
        clean_text(f"refund {control}evil", "card_brand", max_len=20)


def test_multiline_keeps_line_breaks_and_tabs_only_where_allowed() -> None:
    assert clean_text(" first\r\nsecond\tline\u2028third ", "note", max_len=100, multiline=True) == \
        "first\nsecond line\nthird"
    with pytest.raises(TextError, match="NUL"):
        clean_text("first\n\x00", "note", max_len=100, multiline=True)


def test_length_is_the_central_column_and_never_cut_in_silence() -> None:
    assert clean_text("x" * 200, "reason", max_len=200) == "x" * 200
    with pytest.raises(TextError, match="Keep the reason to 200 characters \\(it has 201\\)"):
        clean_text("x" * 201, "reason", max_len=200)
    with pytest.raises(PaymentError, match="200 characters"):  # the void/refund reason used to be cut to 200
        check_reason("y" * 250)
    assert len(check_reason("🏛️" * 100)) == 200  # characters, as PostgreSQL and MariaDB count them


@pytest.mark.parametrize("number", ["4111111111111111", "4111.1111.1111.1111", "４１１１１１１１１１１１１１１１",
                                    "4111\u00a01111\u20131111\u20141111"])
def test_card_numbers_are_refused_in_every_text(number: str) -> None:
    with pytest.raises(UserError) as refused:
        clean_text(f"customer card {number}", "card_brand", max_len=60)
    assert refused.value.message == CARD_NUMBER_MESSAGE and refused.value.field == "card_brand"


def test_required_minimum_and_the_callers_own_error_type() -> None:
    with pytest.raises(DrawerError, match="printed on the X and Z"):
        check_movement(MovementKind.PICKUP, 500, "  \u00a0 ", 10_000)
    with pytest.raises(TextError, match="Type the note"):
        clean_text("", "note", max_len=10, required=True)
    with pytest.raises(TextError, match="must be text"):
        clean_text(42, "note", max_len=10)
    assert clean_text(None, "note", max_len=10) == ""


def test_codes_and_ids_are_plain_ascii() -> None:
    assert clean_code(" CH1-02-000001 ", "receipt", max_len=20) == "CH1-02-000001"
    for bad in ("CH1\x00", "١٢٣٤", "a b", "x" * 21, "\ud800"):
        with pytest.raises(TextError) as refused:
            clean_code(bad, "receipt", max_len=20)
        assert "\x00" not in refused.value.message and "\ud800" not in refused.value.message
    assert clean_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E", "visit") == "0f8fad5b-d9cb-469f-a165-70867728950e"
    with pytest.raises(TextError):
        clean_uuid("x" * 100, "visit")


def test_safe_text_shows_what_it_replaces() -> None:
    assert safe_text("Postage\x1b[31m \x00 \ud800 \u202e ok\nnext") == "Postage␛[31m ␀ � � ok\nnext"
    assert safe_text("plain text") == "plain text"
    assert shown("a\x00b" * 20, limit=8) == "a␀ba␀ba…"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_cleaned_or_refused_and_the_result_obeys_the_rule(text: str) -> None:
    try:
        cleaned = clean_text(text, "note", max_len=120)
    except UserError as refused:
        assert refused.field == "note" and refused.message
        return
    assert cleaned == unicodedata.normalize("NFC", cleaned) and len(cleaned) <= 120
    assert cleaned == clean_text(cleaned, "note", max_len=120)  # idempotent: cleaning again changes nothing
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned)
    assert not set(cleaned) & BIDI_CONTROLS
    cleaned.encode("utf-8")  # no lone surrogate left
