"""Writing and checking the audit trail. Every audited action appends one entry in its own transaction, and
the entry goes to the central database through the outbox with it (so cutting the local tail is detectable)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC
from typing import Any

from counter_app.clock import Clock
from counter_app.free_text import clean_text, safe_text
from counter_app.payments.card_data import contains_card_number
from counter_app.security.audit_chain import GENESIS, AuditEntry, Break, entry_hash, verify_chain
from counter_app.services.ports import CentralPort, UnitOfWork, UnitOfWorkFactory
from counter_app.sync.records import StoreRef


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
    """Checks the chain locally, and against the hashes the central database anchored when each entry was sent.

    The local chain alone catches an edited, deleted or inserted entry. A history rewritten and re-chained from
    the start (every hash recomputed) passes it; the centre's anchors do not: every entry the centre holds must
    be here with the same hash.
    """

    def __init__(self, uow: UnitOfWorkFactory, central: Callable[[], CentralPort] | None = None,
                 store: Callable[[], StoreRef | None] | None = None) -> None:
        self._uow = uow
        self._central = central
        self._store = store
        self.central_checked = False  # whether the last verify could compare with the central database
        self.central_reason = ""  # why it could not, in words

    def head(self) -> tuple[int, str] | None:
        with self._uow(read_only=True) as uow:
            return uow.audit.last()

    def verify(self, use_central: bool = True) -> Break | None:
        """The first broken entry: edited, deleted, inserted, rewritten, or a tail cut below what was sent."""
        with self._uow(read_only=True) as uow:
            local_head = uow.audit.head()
            entries = list(uow.audit.entries())
        self.central_checked = False
        self.central_reason = "not asked to" if not use_central else ""
        found = verify_chain(entries)
        if found is None and local_head is not None:
            found = verify_chain(entries, local_head)
        if found is not None:
            return found
        if not use_central:
            return None
        anchors = self._anchors(entries)
        if anchors is None:
            return None
        self.central_checked = True
        return compare_with_anchors(entries, anchors)

    def _anchors(self, entries: list[AuditEntry]) -> list[tuple[int, str]] | None:
        """Every (seq, hash) the centre anchored for this store; None (with the reason) when it cannot say."""
        if self._central is None or self._store is None:
            self.central_reason = "no central database is configured"
            return None
        store = self._store()
        if store is None:
            self.central_reason = "this store has no identity yet"
            return None
        centre = None
        try:
            centre = self._central()
            anchors = centre.audit_anchors(store)
            legacy = centre.audit_anchors(store, legacy=True)
        except Exception as exc:  # unreachable, refused, wrong password: say so, never "intact" by default
            lines = str(exc).strip().splitlines()
            self.central_reason = f"the central database could not be reached ({(lines[0] if lines else '')[:120]})"
            return None
        finally:
            with contextlib.suppress(Exception):
                getattr(centre, "close", lambda: None)()
        if legacy and entries and legacy[0] == (entries[0].seq, entries[0].entry_hash):
            anchors = legacy + anchors  # sent by this store before store identities, under its workstation name
        return anchors

    def search(self, action: str | None = None, actor: str | None = None, outcome: str | None = None,
               since: str | None = None, limit: int = 500) -> list[AuditEntry]:
        """Entries matching the filters; a filter the text rule refuses is refused, never half-searched."""
        action, actor, outcome, since = (
            clean_text(value, name, max_len=80, screen_cards=False) or None if value is not None else None
            for name, value in (("action", action), ("actor", actor), ("outcome", outcome), ("since", since)))
        with self._uow(read_only=True) as uow:
            return uow.audit.search(action, actor, outcome, since, limit)


def compare_with_anchors(entries: list[AuditEntry], anchors: list[tuple[int, str]]) -> Break | None:
    """Every anchored entry must be here, unchanged."""
    local = {entry.seq: entry.entry_hash for entry in entries}
    last = max(local, default=0)
    for seq, digest in anchors:
        held = local.get(seq)
        if held is None and seq > last:
            return Break(last + 1, f"the log ends before entry {seq}, which the central database holds: its tail "
                                   "was cut")
        if held is None:
            return Break(seq, f"entry {seq}, which the central database holds, is missing here (deleted)")
        if held != digest:
            return Break(seq, "differs from the copy the central database anchored when it was sent: the history "
                              "was rewritten")
    return None
