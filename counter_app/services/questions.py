"""Searching the knowledge base as the cashier types: ranked by FTS5, tolerant of a typo, never failing."""

from __future__ import annotations

from counter_app.questions.article import Article, SearchHit
from counter_app.questions.query import check_search_text, fts_query, words_of
from counter_app.questions.spelling import Vocabulary
from counter_app.services.ports import KnowledgeIndex, UnitOfWork, UnitOfWorkFactory

DEFAULT_LIMIT = 20
#: kb_articles.id and c_interactions.article_id.
ARTICLE_ID_MAX = 80


class QuestionService:
    def __init__(self, uow: UnitOfWorkFactory, index: KnowledgeIndex) -> None:
        self._uow = uow
        self._index = index
        self._vocabulary: Vocabulary | None = None

    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
        """Best articles for the typed words: all words first, then any word, then with typos corrected."""
        if not isinstance(text, str):
            return []
        words = words_of(check_search_text(text))
        if not words:
            return []
        found = self._index.search_articles(fts_query(words), limit)
        if not found:
            with self._uow(read_only=True) as uow:
                corrected = self._corrected(words, uow)
            if corrected != words:
                found = self._index.search_articles(fts_query(corrected), limit)
            if not found and len(words) > 1:
                found = self._index.search_articles(fts_query(corrected, any_word=True), limit)
        return [SearchHit(article, score) for article, score in found]

    def article(self, article_id: str) -> Article | None:
        """The article, or None for an id that is not in the knowledge base (or could not be one)."""
        if not isinstance(article_id, str) or not (article_id.isascii() and article_id.isprintable()) \
                or not 1 <= len(article_id) <= ARTICLE_ID_MAX:
            return None
        with self._uow(read_only=True) as uow:
            return uow.knowledge.articles([article_id]).get(article_id)

    def _corrected(self, words: list[str], uow: UnitOfWork) -> list[str]:
        """Each word that finds nothing on its own (the last one as a prefix) becomes its nearest indexed word."""
        vocabulary = self._vocab(uow)
        fixed = []
        for index, word in enumerate(words):
            alone = fts_query([word], prefix_last=index == len(words) - 1)
            if uow.knowledge.search(alone, 1):
                fixed.append(word)
            else:
                fixed.append(vocabulary.correct(word) or word)
        return fixed

    def _vocab(self, uow: UnitOfWork) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(uow.knowledge.vocabulary())
        return self._vocabulary
