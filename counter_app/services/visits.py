"""Visits and interactions: who came to the counter, what they needed, and how long it took."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from counter_app.clock import Clock
from counter_app.errors import UserError
from counter_app.free_text import clean_code, clean_text, clean_uuid
from counter_app.services.ports import UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_people import VisitRef
from counter_app.visits.model import DayCounts, Interaction, InteractionKind, Topic, check_times, check_topic, count_day

#: interactions.note (local); c_interactions.article_id (central).
NOTE_MAX = 200
ARTICLE_ID_MAX = 80


def interaction_payload(item: Interaction) -> dict[str, Any]:
    data = asdict(item)
    data.update(kind=item.kind.value, started_at=item.started_at.isoformat(), ended_at=item.ended_at.isoformat())
    return data


def ensure_visit(uow: UnitOfWork, visit_id: str | None, staff: StaffMember, workstation: str, at: datetime,
                 business_date: date) -> str:
    """The visit to log against: the one on screen, or a new one when none was started."""
    if visit_id:
        return clean_uuid(visit_id, "visit")
    new_id = str(uuid.uuid4())
    uow.visits.add_visit(new_id, workstation, staff.id, at, business_date)
    return new_id


def log_interaction(uow: UnitOfWork, item: Interaction, business_date: date) -> None:
    """Store an interaction and queue it for the central 311 database, in the caller's transaction."""
    uow.visits.add_interaction(item, business_date)
    uow.outbox.add("interaction", item.id, interaction_payload(item), item.ended_at)


class VisitService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str) -> None:
        self._uow = uow
        self.clock = clock
        self.workstation = workstation
        self._topics: list[Topic] | None = None

    def topics(self) -> list[Topic]:
        if self._topics is None:
            with self._uow(read_only=True) as uow:
                self._topics = uow.catalog.topics()
        return self._topics

    def quick_topics(self) -> list[Topic]:
        return sorted((t for t in self.topics() if t.quick_key), key=lambda t: t.quick_key or 0)

    def start_visit(self, staff: StaffMember, visit_id: str | None = None) -> VisitRef:
        """A new resident at the counter; the screen may choose the id so it can use it before this returns."""
        now = self.clock.now()
        new_id = clean_uuid(visit_id, "visit") if visit_id else str(uuid.uuid4())
        with self._uow() as uow:
            uow.visits.add_visit(new_id, self.workstation, staff.id, now, self.clock.today())
            uow.commit()
        return VisitRef(new_id, now)

    def end_visit(self, visit_id: str) -> None:
        """Close the visit (the next resident is called) and send it central with its interaction count."""
        visit_id = clean_uuid(visit_id, "visit")
        now = self.clock.now()
        with self._uow() as uow:
            record = uow.visits.end_visit(visit_id, now)
            if record is not None:
                uow.outbox.add("visit", visit_id, record, now)
            uow.commit()

    def close_stale_visits(self) -> int:
        """Visits left open by a crash or a sign-out end at their last interaction: counted once, never lost."""
        with self._uow() as uow:
            closed = 0
            for visit_id in uow.visits.open_visits(self.workstation):
                at = uow.visits.last_activity(visit_id) or self.clock.now()
                record = uow.visits.end_visit(visit_id, at)
                if record is not None:
                    uow.outbox.add("visit", visit_id, record, at)
                    closed += 1
            uow.commit()
        return closed

    def log_information(
        self,
        staff: StaffMember,
        topic: str,
        *,
        visit_id: str | None = None,
        article_id: str | None = None,
        started_at: datetime | None = None,
        note: str | None = None,
    ) -> Interaction:
        """A question answered: one information interaction, counted under its topic.

        The topic and the article must exist in the reference data (an id the centre does not know, or one
        longer than c_interactions.article_id, would be refused there and block the queue).
        """
        check_topic(topic, {t.code: t for t in self.topics()})
        text = clean_text(note, "note", max_len=NOTE_MAX)
        visit_id = clean_uuid(visit_id, "visit") if visit_id is not None else None
        now = self.clock.now()
        start = started_at or now
        check_times(start, now)
        with self._uow() as uow:
            if article_id is not None:
                article_id = clean_code(article_id, "article", max_len=ARTICLE_ID_MAX)
                if article_id not in uow.knowledge.articles([article_id]):
                    raise UserError("That article is not in the knowledge base: search for it again.", "article")
            visit = ensure_visit(uow, visit_id, staff, self.workstation, start, self.clock.today())
            item = Interaction(str(uuid.uuid4()), visit, InteractionKind.INFORMATION, topic, self.workstation,
                               staff.id, start, now, article_id=article_id, note=(text or None))
            log_interaction(uow, item, self.clock.today())
            uow.commit()
        return item

    def interactions_on(self, day: date | None = None, all_workstations: bool = False) -> list[Interaction]:
        with self._uow(read_only=True) as uow:
            return uow.visits.interactions_on(day or self.clock.today(), None if all_workstations else self.workstation)

    def dashboard(self, day: date | None = None) -> DayCounts:
        with self._uow(read_only=True) as uow:
            items = uow.visits.interactions_on(day or self.clock.today(), self.workstation)
            departments = uow.referrals.departments_of([i.referral_id for i in items if i.referral_id])
        return count_day(items, departments)
