"""What the city counts: every interaction has a kind, a topic, who served, where and how long it took."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from counter_app.errors import UserError


class InteractionKind(StrEnum):
    PAYMENT = "payment"
    INFORMATION = "information"
    REFERRAL = "referral"

    @property
    def label(self) -> str:
        return {"payment": "Payment", "information": "Information", "referral": "Referral"}[self.value]


@dataclass(frozen=True, slots=True)
class Topic:
    code: str
    label: str
    quick_key: int | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    """One thing done for a resident; immutable once logged (it is what goes to the central 311 database)."""

    id: str
    visit_id: str
    kind: InteractionKind
    topic: str
    workstation: str
    staff_id: int
    started_at: datetime
    ended_at: datetime
    article_id: str | None = None
    transaction_id: str | None = None
    referral_id: str | None = None
    note: str | None = None

    @property
    def seconds(self) -> float:
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


def check_topic(topic: str, topics: dict[str, Topic]) -> str:
    if topic not in topics:
        raise UserError("Choose a topic for this question.", "topic")
    return topic


def check_times(started_at: datetime, ended_at: datetime) -> None:
    if ended_at < started_at:
        raise UserError("An interaction cannot end before it starts.", "time")


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Today's numbers, exactly as the city reads them: by kind, by topic, referrals by department, time."""

    total: int
    by_kind: dict[str, int]
    by_topic: dict[str, int]
    by_kind_and_topic: dict[tuple[str, str], int]
    referrals_by_department: dict[str, int]
    average_seconds: float
    average_seconds_by_kind: dict[str, float]


def count_day(interactions: list[Interaction], referral_departments: dict[str, str]) -> DayCounts:
    """Aggregate a day of interactions; ``referral_departments`` maps a referral id to its department."""
    by_kind = Tally(i.kind.value for i in interactions)
    by_topic = Tally(i.topic for i in interactions)
    pairs = Tally((i.kind.value, i.topic) for i in interactions)
    departments = Tally(
        referral_departments[i.referral_id]
        for i in interactions
        if i.kind is InteractionKind.REFERRAL and i.referral_id in referral_departments
    )
    seconds_by_kind: dict[str, list[float]] = {}
    for item in interactions:
        seconds_by_kind.setdefault(item.kind.value, []).append(item.seconds)
    total_seconds = sum(i.seconds for i in interactions)
    return DayCounts(
        total=len(interactions),
        by_kind=dict(by_kind),
        by_topic=dict(by_topic),
        by_kind_and_topic=dict(pairs),
        referrals_by_department=dict(departments),
        average_seconds=total_seconds / len(interactions) if interactions else 0.0,
        average_seconds_by_kind={k: sum(v) / len(v) for k, v in seconds_by_kind.items()},
    )
