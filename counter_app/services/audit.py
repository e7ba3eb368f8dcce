"""Writing and checking the audit trail. Every audited action appends one entry in its own transaction, and
the entry goes to the central database through the outbox with it (so cutting the local tail is detectable)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC
from typing import Any

from counter_app.clock import Clock
from counter_app.free_text import clean_text, safe_text
from counter_app.payments.card_data import contains_card_number
from counter_app.security.audit_chain import GENESIS, AuditEntry, Break, entry_hash, verify_chain
from counter_app.services.ports import UnitOfWork, UnitOfWorkFactory


class Auditor:
    """Appends entries; used by every service inside the unit of work of the action it records."""

    def __init__(self, clock: Clock, workstation: str) -> None:
        self.clock = clock
        self.workstation = workstation

    def record(
        self,
        uow: UnitOfWork,
        action: str,
        *,
        actor: str | None,
        outcome: str = "ok",
        object_ref: str | None = None,
        **detail: Any,
    ) -> AuditEntry:
        last = uow.audit.last()
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        clean = {key: _scrub(value) for key, value in detail.items()}
        entry = AuditEntry(
            seq=seq, id=str(uuid.uuid4()), at=self.clock.now().astimezone(UTC).isoformat(timespec="microseconds"),
            workstation=self.workstation, actor=_scrub(actor)[:ACTOR_MAX] if actor else actor, action=action,
            outcome=outcome, object_ref=_scrub(object_ref)[:OBJECT_REF_MAX] if object_ref else None, detail=clean,
            prev_hash=previous,
        )
        entry = replace(entry, entry_hash=entry_hash(entry))
        uow.audit.append(entry)
        uow.outbox.add("audit_event", entry.id, asdict(entry), self.clock.now())
        return entry


#: c_audit_events.actor and object_ref.
ACTOR_MAX = 10
OBJECT_REF_MAX = 80


def _scrub(value: Any) -> Any:
    """Audit details never carry a card number or a secret, whatever a caller passes, nor a character the
    central database refuses (a NUL would block the sync queue): those show as visible stand-ins."""
    if isinstance(value, str):
        return "[card number removed]" if contains_card_number(value) else safe_text(value[:300])
    return value


class AuditService:
    def __init__(self, uow: UnitOfWorkFactory, central_head: Callable[[], tuple[int, str] | None] | None = None
                 ) -> None:
        self._uow = uow
        self._central_head = central_head
        self.central_checked = False  # whether the last verify could compare with the central database

    def head(self) -> tuple[int, str] | None:
        with self._uow(read_only=True) as uow:
            return uow.audit.last()

    def verify(self, use_central: bool = True) -> Break | None:
        """The first broken entry: edited, deleted, inserted, or a tail cut below the recorded head."""
        heads: list[tuple[int, str]] = []
        with self._uow(read_only=True) as uow:
            local_head = uow.audit.head()
            if local_head:
                heads.append(local_head)
            entries = list(uow.audit.entries())
        self.central_checked = False
        if use_central and self._central_head is not None:
            central = self._central_head()
            if central:
                heads.append(central)
                self.central_checked = True
        found = verify_chain(entries)
        if found is not None:
            return found
        for head in sorted(heads, reverse=True):
            found = verify_chain(entries, head)
            if found is not None:
                return found
        return None

    def search(self, action: str | None = None, actor: str | None = None, outcome: str | None = None,
               since: str | None = None, limit: int = 500) -> list[AuditEntry]:
        """Entries matching the filters; a filter the text rule refuses is refused, never half-searched."""
        action, actor, outcome, since = (
            clean_text(value, name, max_len=80, screen_cards=False) or None if value is not None else None
            for name, value in (("action", action), ("actor", actor), ("outcome", outcome), ("since", since)))
        with self._uow(read_only=True) as uow:
            return uow.audit.search(action, actor, outcome, since, limit)
