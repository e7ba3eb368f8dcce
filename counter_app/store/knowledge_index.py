"""A dedicated read path for knowledge-base search: it runs on every keystroke, so it costs little more than the
bare FTS5 query. One SQLite connection per thread (the search runs in the GUI's worker lane), and decoded
articles kept by id: the knowledge base changes only when reference data is pulled, which calls
:meth:`SqliteKnowledgeIndex.forget`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date
from pathlib import Path

from counter_app.questions.article import Article
from counter_app.store.read_only import read_only_uri

_SEARCH = "SELECT article_id, rank FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rank LIMIT ?"
_ARTICLES = (
    "SELECT id, title, topic, department, keywords, answer, steps, related_services, refer_role, what_to_bring, "
    "source, last_reviewed FROM kb_articles WHERE id IN ({})"
)


class SqliteKnowledgeIndex:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._articles: dict[str, Article] = {}

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(read_only_uri(self.db_path), uri=True, check_same_thread=True, timeout=5)
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
        return conn

    def search_articles(self, query: str, limit: int) -> list[tuple[Article, float]]:
        conn = self._conn()
        ranked = conn.execute(_SEARCH, (query, limit)).fetchall()
        missing = [article_id for article_id, _ in ranked if article_id not in self._articles]
        if missing:
            for r in conn.execute(_ARTICLES.format(",".join("?" * len(missing))), missing):
                self._articles[r[0]] = Article(
                    id=r[0], title=r[1], topic=r[2], department=r[3], keywords=tuple(json.loads(r[4])), answer=r[5],
                    steps=tuple(json.loads(r[6])), related_services=tuple(json.loads(r[7])), refer_role=r[8],
                    what_to_bring=r[9] or "", source=r[10], last_reviewed=date.fromisoformat(r[11]))
        return [(self._articles[i], float(rank)) for i, rank in ranked if i in self._articles]

    def forget(self) -> None:
        """Articles changed (a reference pull): decode them again on next use."""
        self._articles = {}

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
