"""The local side of sync: outbox delivery marks, cursors, the sync log, and reference data coming in."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from counter_app.payments.catalog import ALL_TENDERS
from counter_app.services.records_sync import REFUSED, RefusedRecord, SyncLogEntry
from counter_app.store.schema import (
    ArticleRow,
    AuditRow,
    BillAccountRow,
    DepartmentRow,
    GlAccountRow,
    GstCodeRow,
    LineRow,
    OutboxRow,
    ReferralNoteRow,
    ReferralRow,
    ServiceRow,
    SpecialistRoleRow,
    SpecialistRow,
    StaffRow,
    SyncLogRow,
    SyncStateRow,
    TopicRow,
    TransactionRow,
)
from counter_app.store.seed import index_articles
from counter_app.sync.records import OutgoingRecord, ReferralUpdate


class SqlSync:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- outbox ---------------------------------------------------------------------------------------------
    def pending(self, limit: int, after: int = 0) -> list[OutgoingRecord]:
        """The oldest pending records past ``after``. Plain rows, not ORM ones: a 10,000-record backlog is read
        in a fraction of the time."""
        rows = self.session.connection().execute(
            select(OutboxRow.seq, OutboxRow.record_type, OutboxRow.record_id, OutboxRow.payload)
            .where(OutboxRow.status == "pending", OutboxRow.seq > after).order_by(OutboxRow.seq).limit(limit)
        )
        return [OutgoingRecord(seq, kind, rid, payload) for seq, kind, rid, payload in rows]

    def mark_sent(self, seqs: list[int], at: datetime) -> None:
        """One UPDATE per run of consecutive sequences (a batch is usually one run), not a list of thousands."""
        for first, last in _runs(sorted(seqs)):
            self.session.connection().execute(
                update(OutboxRow).where(OutboxRow.seq.between(first, last), OutboxRow.status == "pending")
                .values(status="sent", sent_at=at, last_error=None))

    def mark_conflict(self, seqs: list[int], reason: str) -> None:
        self.session.execute(update(OutboxRow).where(OutboxRow.seq.in_(seqs))
                             .values(status="conflict", last_error=reason[:500]))

    def quarantine(self, seq: int, reason: str) -> None:
        """Set a record the centre refused aside (the queue goes on without it); a supervisor retries it."""
        self.session.execute(update(OutboxRow).where(OutboxRow.seq == seq, OutboxRow.status == "pending")
                             .values(status="quarantined", last_error=reason[:500]))

    def refused(self, limit: int = 1000) -> list[RefusedRecord]:
        """Conflicts and quarantined records, oldest first, with the centre's reason."""
        rows = self.session.execute(
            select(OutboxRow.seq, OutboxRow.record_type, OutboxRow.record_id, OutboxRow.status, OutboxRow.last_error,
                   OutboxRow.created_at, OutboxRow.payload)
            .where(OutboxRow.status.in_(REFUSED)).order_by(OutboxRow.seq).limit(limit))
        return [RefusedRecord(seq, kind, rid, status, err or "", at, payload)
                for seq, kind, rid, status, err, at, payload in rows]

    def retry(self, seqs: list[int] | None) -> int:
        """Put refused records back in the queue (all of them with None), in their original order."""
        statement = update(OutboxRow).where(OutboxRow.status.in_(REFUSED))
        if seqs is not None:
            statement = statement.where(OutboxRow.seq.in_(seqs))
        result: Any = self.session.execute(statement.values(status="pending", last_error=None))
        return int(result.rowcount or 0)

    def sent_high(self) -> int:
        """The highest outbox sequence marked sent: below it, the centre held everything (before a restore)."""
        return int(self.session.scalar(select(func.coalesce(func.max(OutboxRow.seq), 0))
                                       .where(OutboxRow.status == "sent")) or 0)

    def resend_everything(self) -> int:
        """Another central database: every record goes there too (it recognises what it already holds), and
        every reference kind is pulled whole from it."""
        result: Any = self.session.execute(update(OutboxRow).where(OutboxRow.status != "pending")
                                           .values(status="pending", sent_at=None, last_error=None))
        moved = result.rowcount
        self.session.execute(delete(SyncStateRow).where(SyncStateRow.key.like("cursor:%")))
        return int(moved or 0)

    def known_ids(self, record_ids: list[str]) -> set[str]:
        """Which of these record ids this store holds (in its outbox or its audit log)."""
        found: set[str] = set()
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            found |= set(self.session.scalars(select(OutboxRow.record_id).where(OutboxRow.record_id.in_(chunk))))
            found |= set(self.session.scalars(select(AuditRow.id).where(AuditRow.id.in_(chunk))))
        return found

    def sent_ids(self, record_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(record_ids), 500):
            found |= set(self.session.scalars(select(OutboxRow.record_id).where(
                OutboxRow.record_id.in_(record_ids[start : start + 500]), OutboxRow.status == "sent")))
        return found

    def drop_unsent(self, record_ids: list[str]) -> None:
        """Forget the outbox rows of records never accepted centrally (a re-chained audit tail is queued anew)."""
        for start in range(0, len(record_ids), 500):
            self.session.execute(delete(OutboxRow).where(OutboxRow.record_id.in_(record_ids[start : start + 500]),
                                                         OutboxRow.status != "sent"))

    def note_failure(self, seqs: list[int], error: str) -> None:
        for start in range(0, len(seqs), 900):
            self.session.execute(update(OutboxRow).where(OutboxRow.seq.in_(seqs[start : start + 900]))
                                 .values(attempts=OutboxRow.attempts + 1, last_error=error[:500]))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: int(n) for status, n in rows}

    def conflicts(self) -> list[tuple[int, str, str, str]]:
        """Every record the centre refused (conflicts and quarantined ones), with the reason."""
        rows = self.session.execute(
            select(OutboxRow.seq, OutboxRow.record_type, OutboxRow.record_id, OutboxRow.last_error)
            .where(OutboxRow.status.in_(REFUSED)).order_by(OutboxRow.seq)
        )
        return [(seq, kind, rid, err or "") for seq, kind, rid, err in rows]

    # -- state and log --------------------------------------------------------------------------------------
    def get_state(self, key: str) -> str | None:
        row = self.session.get(SyncStateRow, key)
        return row.value if row else None

    def set_state(self, key: str, value: str) -> None:
        self.session.merge(SyncStateRow(key=key, value=value))

    def log(self, at: datetime, direction: str, records: int, ok: bool, message: str) -> None:
        self.session.add(SyncLogRow(at=at, direction=direction, records=records, ok=ok, message=message[:1000]))
        old = select(SyncLogRow.id).order_by(SyncLogRow.id.desc()).offset(2000).limit(1)
        cutoff = self.session.scalar(old)
        if cutoff is not None:
            self.session.execute(delete(SyncLogRow).where(SyncLogRow.id <= cutoff))

    def recent_log(self, limit: int) -> list[SyncLogEntry]:
        rows = self.session.scalars(select(SyncLogRow).order_by(SyncLogRow.id.desc()).limit(limit))
        return [SyncLogEntry(r.at, r.direction, r.records, r.ok, r.message) for r in rows]

    # -- coming back from the centre ------------------------------------------------------------------------
    def apply_referral_update(self, update_: ReferralUpdate, at: datetime) -> bool:
        """Take the central id and status; a status note from the centre is kept once. False if unknown here."""
        row = self.session.get(ReferralRow, update_.id)
        if row is None:
            return False
        changed_status = row.status != update_.status
        row.service_request_id = update_.service_request_id
        row.status = update_.status
        row.updated_at = at
        note_id = f"central-{update_.id[:18]}-{update_.seq}"
        if (changed_status or update_.status_notes) and self.session.get(ReferralNoteRow, note_id) is None:
            latest = self.session.scalar(select(ReferralNoteRow.note).where(ReferralNoteRow.referral_id == row.id)
                                         .order_by(ReferralNoteRow.at.desc()).limit(1))
            if changed_status or latest != update_.status_notes:
                self.session.add(ReferralNoteRow(id=note_id, referral_id=row.id, status=update_.status,
                                                 note=update_.status_notes or "", at=at, staff_id=None,
                                                 source="central"))
        return True

    def apply_reference(self, kind: str, key: str, payload: dict[str, Any], deleted: bool) -> None:
        """Upsert one reference row pulled from the centre (deleted rows are deactivated, never dropped)."""
        handler = getattr(self, f"_ref_{kind}", None)
        if handler is None:
            return
        handler(key, payload, deleted)

    def _ref_gst_codes(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        self.session.merge(GstCodeRow(code=key, description=p["description"], rate_bp=p["rate_bp"]))

    def _ref_gl_accounts(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        self.session.merge(GlAccountRow(code=key, name=p["name"]))

    def _ref_topics(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        self.session.merge(TopicRow(code=key, label=p["label"], quick_key=p.get("quick_key"),
                                    sort_order=p.get("sort_order", 0)))

    def _ref_services(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        tenders = p.get("tenders", "all")
        if tenders == "all":
            tenders = sorted(t.value for t in ALL_TENDERS)
        self.session.merge(ServiceRow(
            code=key, name=p["name"], kind=p["kind"], bill_type=p.get("bill_type"), amount_cents=p.get("amount_cents"),
            gl_account=p["gl_account"], gst_code=p["gst_code"], allowed_tenders=",".join(tenders),
            department=p["department"], quick_key=p.get("quick_key"), keywords=p.get("keywords", ""),
            sort_order=p.get("sort_order", 0), active=not deleted, topic=p.get("topic", "other"),
            max_cents=p.get("max_cents"),
        ))

    def _ref_departments(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        self.session.merge(DepartmentRow(code=key, name=p["name"], room=p["room"], extension=p["extension"],
                                         response_hours=p["response_hours"], active=not deleted))
        for role in p.get("roles", []):
            self.session.merge(SpecialistRoleRow(code=role["code"], department_code=key, name=role["name"]))

    def _ref_specialists(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        existing = self.session.scalar(select(SpecialistRow).where(SpecialistRow.name == p["name"],
                                                                   SpecialistRow.role_code == p["role_code"]))
        if existing is None:
            self.session.add(SpecialistRow(role_code=p["role_code"], name=p["name"], extension=p["extension"],
                                           on_duty=bool(p.get("on_duty")) and not deleted))
        else:
            existing.extension = p["extension"]
            existing.on_duty = bool(p.get("on_duty")) and not deleted

    def _ref_staff(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        row = self.session.scalar(select(StaffRow).where(StaffRow.staff_no == key))
        if row is None:
            self.session.add(StaffRow(staff_no=key, name=p["name"], role=p["role"], pin_hash=p["pin_hash"],
                                      active=bool(p.get("active", True)) and not deleted))
        else:
            row.name, row.role, row.pin_hash = p["name"], p["role"], p["pin_hash"]
            row.active = bool(p.get("active", True)) and not deleted

    def _ref_kb_articles(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        self.session.execute(text("DELETE FROM kb_fts WHERE article_id = :i"), {"i": key})
        existing = self.session.get(ArticleRow, key)
        if deleted:
            if existing is not None:
                self.session.delete(existing)
            return
        self.session.merge(ArticleRow(
            id=key, title=p["title"], topic=p["topic"], department=p["department"], keywords=json.dumps(p["keywords"]),
            answer=p["answer"], steps=json.dumps(p["steps"]), related_services=json.dumps(p["related_services"]),
            refer_role=p.get("refer_role"), what_to_bring=p.get("what_to_bring", ""), source=p["source"],
            last_reviewed=date.fromisoformat(p["last_reviewed"]),
        ))
        index_articles(self.session, [{**p, "id": key}])

    def _ref_bill_accounts(self, key: str, p: dict[str, Any], deleted: bool) -> None:
        """The centre's balance as of a time, less what this counter took on the account since then."""
        as_of = datetime.fromisoformat(p["as_of"])
        taken_since = self.session.scalar(
            select(func.coalesce(func.sum(LineRow.balance_reduction_cents), 0))
            .join(TransactionRow, TransactionRow.id == LineRow.transaction_id)
            .where(LineRow.account_number == key, TransactionRow.status == "completed",
                   TransactionRow.kind == "sale", TransactionRow.created_at > as_of)
        ) or 0
        row = self.session.get(BillAccountRow, key)
        balance = max(0, int(p["balance_cents"]) - int(taken_since))
        values = {
            "bill_type": p["bill_type"], "service_code": p["service_code"], "holder": p["holder"],
            "balance_cents": 0 if deleted else balance,
            "due_date": date.fromisoformat(p["due_date"]) if p.get("due_date") else None,
            "issued_date": date.fromisoformat(p["issued_date"]) if p.get("issued_date") else None,
            "early_cents": p.get("early_cents"),
        }
        if row is None:
            self.session.add(BillAccountRow(number=key, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)


def _runs(seqs: list[int]) -> list[tuple[int, int]]:
    """Sorted integers as (first, last) runs of consecutive values: [1, 2, 3, 7, 8] -> [(1, 3), (7, 8)]."""
    runs: list[tuple[int, int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], seq)
        elif not runs or seq != runs[-1][1]:
            runs.append((seq, seq))
    return runs
