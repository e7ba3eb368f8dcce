"""Typo tolerance: FTS5 matches exact (stemmed) tokens, so a misspelt word is replaced by a near indexed word."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable


class Vocabulary:
    """The indexed words with how many articles use each, bucketed by first letter for quick lookups."""

    def __init__(self, terms: Iterable[tuple[str, int]]) -> None:
        self._docs = dict(terms)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self._docs):
            self._by_initial.setdefault(word[:1], []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self._docs

    def correct(self, word: str) -> str | None:
        """A close indexed word (same first letter, similar length), preferring words many articles use."""
        if len(word) < 3:
            return None
        pool = [w for w in self._by_initial.get(word[:1], ()) if abs(len(w) - len(word)) <= 3]
        close = difflib.get_close_matches(word, pool, n=4, cutoff=0.72)
        if not close:
            return None

        def score(candidate: str) -> float:
            similarity = difflib.SequenceMatcher(None, word, candidate).ratio()
            return similarity + 0.03 * math.log1p(self._docs[candidate])

        return max(close, key=score)
