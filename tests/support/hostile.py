"""Hypothesis strategies for hostile text: what a paste, a scanner, another program or an attacker can put in a
field. Shared by the property tests (tests/integration/test_hostile_input.py) and, later, the sync tests that
send the same text to PostgreSQL and MariaDB.

Everything here is text a Python ``str`` can hold, including what no database or encoder accepts: NUL and other
C0/C1 controls, lone surrogates, noncharacters, bidirectional overrides and isolates, combining marks without a
base, ZWJ emoji sequences, 4-byte characters, card numbers in Unicode disguises, and 10,000-character strings.
"""

from __future__ import annotations

from hypothesis import strategies as st

CONTROLS = ("\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b", "\t", "\n", "\r",
            "\r\n", "\u2028", "\u2029")
SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00")
NONCHARACTERS = ("\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff")
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f")
COMBINING = ("\u0301", "\u0308", "\u0327", "\u20dd", "e\u0301", "\u1100\u1161\u11a8", "\u0928\u093f")
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # a flag of tag characters
EMOJI = ("💳", "👩\u200d👩\u200d👧", "🏛️", "🇨🇦", "👍🏽", ENGLAND)
WIDE = ("𝄞", "𠀋", "𝟘𝟙𝟚", "🀄")
SCRIPTS = ("שלום", "مرحبا", "ی‌ک", "Ελλάδα", "日本語", "हिन्दी", "ქართული", "Ünïcödé", "ǅ", "ß", "İ", "ﬁ")
CARDS = ("4111111111111111", "4111 1111 1111 1111", "4111.1111.1111.1111", "4111/1111/1111/1111",
         "４１１１１１１１１１１１１１１１", "٤١١١١١١١١١١١١١١١", "4111\u00a01111\u20131111\u20141111",
         "4111\u200b1111\u200b1111\u200b1111", "5500-0000-0000-0004", "378282246310005")
WORDS = ("Postage", "refund", "keyed twice", "Dog licence", "'; DROP TABLE outbox; --", "NULL", "%s", "{0}",
         "<b>bold</b>", "=SUM(A1)", "  ", "a", "Jordan Lee", "1000-002", "CH1-02-000001")

PIECES = CONTROLS + SURROGATES + NONCHARACTERS + BIDI + INVISIBLE + COMBINING + EMOJI + WIDE + SCRIPTS + CARDS + WORDS

#: Any code point, surrogates included (Hypothesis leaves them out unless asked).
any_character = st.characters(codec=None, exclude_categories=())
pieces = st.sampled_from(PIECES)


@st.composite
def long_text(draw: st.DrawFn, size: int = 10_000) -> str:
    """A ``size``-character string made of one repeated hostile piece, maybe with a card number inside."""
    piece = draw(pieces)
    text = (piece * (size // max(1, len(piece)) + 1))[:size]
    if draw(st.booleans()):
        where = draw(st.integers(0, size))
        text = text[:where] + draw(st.sampled_from(CARDS)) + text[where:]
    return text


def hostile_text(max_size: int = 120) -> st.SearchStrategy[str]:
    """Short mixed text, text built from hostile pieces, and now and then 10,000 characters."""
    return st.one_of(
        st.text(any_character, max_size=max_size),
        st.lists(st.one_of(pieces, st.text(any_character, max_size=4)), max_size=12).map("".join),
        st.lists(st.sampled_from(SCRIPTS + EMOJI + WIDE + COMBINING + WORDS), min_size=1, max_size=8).map(" ".join),
        long_text(),
    )


def hostile_reason() -> st.SearchStrategy[str]:
    """Hostile text, often around a plausible reason so that some of it is accepted and stored."""
    return st.one_of(hostile_text(), st.builds(lambda a, b: f"{a} {b}", st.sampled_from(WORDS + SCRIPTS + EMOJI),
                                               hostile_text(24)))
