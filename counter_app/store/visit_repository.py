"""Visits and interactions in the local store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.store.schema import InteractionRow, VisitRow
from counter_app.visits.model import Interaction, InteractionKind


class SqlVisits:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_visit(self, visit_id: str, workstation: str, staff_id: int, at: datetime, business_date: date) -> None:
        self.session.add(VisitRow(id=visit_id, workstation=workstation, staff_id=staff_id,
                                  business_date=business_date, started_at=at))
        self.session.flush()

    def end_visit(self, visit_id: str, at: datetime) -> dict[str, Any] | None:
        """Close the visit once; returns its record for the outbox, or None if closed already or empty."""
        row = self.session.get(VisitRow, visit_id)
        if row is None or row.ended_at is not None:
            return None
        count = self.session.scalar(
            select(func.count()).select_from(InteractionRow).where(InteractionRow.visit_id == visit_id)
        )
        if not count:  # a resident called who did nothing (or no one came): not a visit worth counting
            self.session.delete(row)
            self.session.flush()
            return None
        row.ended_at = max(at, row.started_at)
        self.session.flush()
        return {
            "id": row.id, "workstation": row.workstation, "staff_id": row.staff_id,
            "business_date": row.business_date.isoformat(), "started_at": row.started_at.isoformat(),
            "ended_at": row.ended_at.isoformat(), "interactions": int(count or 0),
        }

    def open_visits(self, workstation: str) -> list[str]:
        return list(self.session.scalars(
            select(VisitRow.id).where(VisitRow.workstation == workstation, VisitRow.ended_at.is_(None))
        ))

    def last_activity(self, visit_id: str) -> datetime | None:
        row = self.session.get(VisitRow, visit_id)
        last = self.session.scalar(
            select(func.max(InteractionRow.ended_at)).where(InteractionRow.visit_id == visit_id)
        )
        if last is not None:
            return datetime.fromisoformat(last) if isinstance(last, str) else last
        return row.started_at if row else None

    def add_interaction(self, interaction: Interaction, business_date: date) -> None:
        self.session.add(InteractionRow(
            id=interaction.id, visit_id=interaction.visit_id, kind=interaction.kind.value, topic=interaction.topic,
            workstation=interaction.workstation, staff_id=interaction.staff_id, business_date=business_date,
            started_at=interaction.started_at, ended_at=interaction.ended_at, article_id=interaction.article_id,
            transaction_id=interaction.transaction_id, referral_id=interaction.referral_id, note=interaction.note,
        ))
        self.session.flush()

    def interactions_on(self, business_date: date, workstation: str | None = None) -> list[Interaction]:
        query = select(InteractionRow).where(InteractionRow.business_date == business_date)
        if workstation:
            query = query.where(InteractionRow.workstation == workstation)
        return [
            Interaction(
                id=r.id, visit_id=r.visit_id, kind=InteractionKind(r.kind), topic=r.topic, workstation=r.workstation,
                staff_id=r.staff_id, started_at=r.started_at, ended_at=r.ended_at, article_id=r.article_id,
                transaction_id=r.transaction_id, referral_id=r.referral_id, note=r.note,
            )
            for r in self.session.scalars(query.order_by(InteractionRow.started_at))
        ]

