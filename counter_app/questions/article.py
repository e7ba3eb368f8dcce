"""A knowledge base article: what to tell the resident, and where to send them if the counter cannot finish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    topic: str
    department: str
    keywords: tuple[str, ...]
    answer: str
    steps: tuple[str, ...]
    related_services: tuple[str, ...]
    refer_role: str | None
    what_to_bring: str
    source: str
    last_reviewed: date


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    score: float
