"""The knowledge base: articles and their FTS5 index."""

from __future__ import annotations

import json

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from counter_app.questions.article import Article
from counter_app.store.schema import ArticleRow


class SqlKnowledge:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """Ranked by the table's bm25 weights (set once, in the migration): best first."""
        rows = self.session.execute(
            text("SELECT article_id, rank FROM kb_fts WHERE kb_fts MATCH :q ORDER BY rank LIMIT :n"),
            {"q": query, "n": limit},
        )
        return [(article_id, float(rank)) for article_id, rank in rows]

    def articles(self, ids: list[str]) -> dict[str, Article]:
        if not ids:
            return {}
        return {row.id: _article(row) for row in self.session.scalars(select(ArticleRow).where(ArticleRow.id.in_(ids)))}

    def vocabulary(self) -> list[tuple[str, int]]:
        """Every indexed (stemmed) word and the number of articles that use it."""
        return [(term, int(docs)) for term, docs in self.session.execute(text("SELECT term, doc FROM kb_vocab"))]

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ArticleRow)) or 0)


def _article(row: ArticleRow) -> Article:
    return Article(
        id=row.id, title=row.title, topic=row.topic, department=row.department,
        keywords=tuple(json.loads(row.keywords)), answer=row.answer, steps=tuple(json.loads(row.steps)),
        related_services=tuple(json.loads(row.related_services)), refer_role=row.refer_role,
        what_to_bring=row.what_to_bring, source=row.source, last_reviewed=row.last_reviewed,
    )
