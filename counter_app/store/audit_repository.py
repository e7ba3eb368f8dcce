"""The audit log in the local store: append only (no update or delete is ever issued by the app)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from counter_app.security.audit_chain import AuditEntry
from counter_app.store.schema import AuditRow, SyncStateRow

HEAD_KEY = "audit_head"


class SqlAudit:
    def __init__(self, session: Session) -> None:
        self.session = session

    def last(self) -> tuple[int, str] | None:
        row = self.session.execute(select(AuditRow.seq, AuditRow.entry_hash).order_by(AuditRow.seq.desc()).limit(1))
        found = row.first()
        return (int(found[0]), str(found[1])) if found else None

    def append(self, entry: AuditEntry) -> None:
        self.session.add(AuditRow(
            seq=entry.seq, id=entry.id, at=entry.at, workstation=entry.workstation, actor=entry.actor,
            action=entry.action, outcome=entry.outcome, object_ref=entry.object_ref,
            detail=json.dumps(entry.detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
            prev_hash=entry.prev_hash, entry_hash=entry.entry_hash,
        ))
        self.session.merge(SyncStateRow(key=HEAD_KEY, value=f"{entry.seq}:{entry.entry_hash}"))
        self.session.flush()

    def head(self) -> tuple[int, str] | None:
        row = self.session.get(SyncStateRow, HEAD_KEY)
        if row is None or ":" not in row.value:
            return None
        seq, digest = row.value.split(":", 1)
        return int(seq), digest

    def entries(self) -> Iterator[AuditEntry]:
        for row in self.session.scalars(select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=2000)):
            yield _entry(row)

    def hashes(self) -> dict[int, str]:
        """seq -> entry hash of every entry (what the centre's anchors are compared with)."""
        rows = self.session.execute(select(AuditRow.seq, AuditRow.entry_hash))
        return {int(seq): str(digest) for seq, digest in rows}

    def take_tail(self, after_seq: int) -> list[AuditEntry]:
        """Remove and return the entries past ``after_seq`` (a restored store re-chains them after the entries
        the centre gives back). Only the reconciliation after a restore calls this, inside its transaction."""
        tail = [_entry(row) for row in self.session.scalars(
            select(AuditRow).where(AuditRow.seq > after_seq).order_by(AuditRow.seq))]
        if tail:
            self.session.execute(delete(AuditRow).where(AuditRow.seq > after_seq))
            self.session.flush()
        return tail

    def search(self, action: str | None, actor: str | None, outcome: str | None, since: str | None,
               limit: int) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
        if action:
            query = query.where(AuditRow.action == action)
        if actor:
            query = query.where(AuditRow.actor == actor)
        if outcome:
            query = query.where(AuditRow.outcome == outcome)
        if since:
            query = query.where(AuditRow.at >= since)
        return [_entry(row) for row in self.session.scalars(query)]


def _entry(row: AuditRow) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except (TypeError, ValueError):  # hand-edited into something that is not JSON: its hash will not match
        detail = {"unreadable": str(row.detail)[:200]}
    return AuditEntry(row.seq, row.id, row.at, row.workstation, row.actor, row.action, row.outcome, row.object_ref,
                      detail, row.prev_hash, row.entry_hash)
