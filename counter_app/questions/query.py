"""Turn anything a cashier types into an FTS5 query that cannot fail: words only, each quoted.

FTS5 has its own syntax (``"``, ``*``, ``NEAR(``, ``AND``, ``:``, parentheses); typed text must never reach it raw.
We keep letters and digits, quote every word, and let the last word match as a prefix (search as you type).
"""

from __future__ import annotations

import re

from counter_app.errors import UserError
from counter_app.payments.card_data import refuse_card_number

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The searchable words of ``text``: letters and digits, lower case, underscores dropped."""
    return [w.casefold() for w in _WORD.findall(text.replace("_", " "))][:MAX_TERMS]


def check_search_text(text: str) -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise UserError(f"Search is limited to {MAX_QUERY_CHARS} characters: type a few key words.", "search")
    refuse_card_number(text, "search")
    return text


def fts_query(words: list[str], *, prefix_last: bool = True, any_word: bool = False) -> str:
    """``["garbage", "pick"]`` -> ``"garbage" "pick"*``; joined with OR when ``any_word``."""
    quoted = [f'"{w}"' for w in words]
    if prefix_last and quoted:
        quoted[-1] += "*"
    return (" OR " if any_word else " ").join(quoted)
