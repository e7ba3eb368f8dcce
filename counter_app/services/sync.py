"""Sync: push the outbox to the central 311 database exactly once, then pull what changed there.

Every attempt starts with a hello: the centre checks its schema, registers this workstation's name to this store
(a second store claiming it is refused, and sends nothing), and says what it knows of the store. A counter
pointed at another centre sends everything there too; a store restored from a backup reconciles before it
numbers anything again (:mod:`counter_app.services.restore`).

A batch is marked sent only after the central commit succeeded; a lost reply means the batch is sent again and
the centre recognises every record by its UUID. A record the centre refuses is never dropped: a conflict (the
centre holds something else under its id or its number) or a record whose data it cannot store is set aside
with its reason for a supervisor, and the rest of the queue goes on. A real store with no central database
configured sends nothing and marks nothing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from counter_app.clock import Clock
from counter_app.services.audit import Auditor
from counter_app.services.ports import CentralPort, UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_sync import (
    REFUSED,
    RefusedRecord,
    SyncLogEntry,
    SyncReport,
    SyncStatus,
    pull_cursor_key,
)
from counter_app.services.restore import (
    LACKING_KEY,
    Reconciled,
    continue_without_centre,
    needs_reconcile,
    reconcile,
)
from counter_app.sync.records import (
    ApplyResult,
    CentralRecordError,
    CentralRefusedError,
    CentralUnavailableError,
    Hello,
    NoCentralError,
    OutgoingRecord,
    StoreRef,
    claimed_message,
)

BATCH_SIZE = 2_000
#: Reference data kinds, in the order they must apply (services need GST codes and GL accounts first).
REFERENCE_KINDS = ("gst_codes", "gl_accounts", "topics", "services", "departments", "specialists", "staff",
                   "kb_articles", "bill_accounts")
CENTRAL_ID_KEY = "central_id"
NO_CENTRAL = ("No central database configured: this counter sends nothing and marks nothing sent. Set central_url "
              "in settings.json (or COUNTER_CENTRAL_URL) to the city's central 311 database.")


class SyncService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str,
                 central: Callable[[], CentralPort] | None, central_label: str,
                 on_reference_change: Callable[[], None] = lambda: None, auditor: Auditor | None = None,
                 on_generation: Callable[[int], None] = lambda generation: None) -> None:
        self._uow = uow
        self._on_reference_change = on_reference_change
        self._on_generation = on_generation
        self.clock = clock
        self.workstation = workstation
        self._central_factory = central
        self._central: CentralPort | None = None
        self.central_label = central_label
        self.auditor = auditor or Auditor(clock, workstation)
        self.online: bool | None = None
        self._store: StoreRef | None = None
        self.last_reconcile: Reconciled | None = None

    @property
    def configured(self) -> bool:
        return self._central_factory is not None

    def _centre(self) -> CentralPort:
        if self._central_factory is None:
            raise NoCentralError(NO_CENTRAL)
        if self._central is None:
            self._central = self._central_factory()
        return self._central

    # -- hello ---------------------------------------------------------------------------------------------
    def greet(self) -> StoreRef:
        """Introduce this store to the centre; switch centres and reconcile numbers when needed."""
        centre = self._centre()
        with self._uow(read_only=True) as uow:
            identity = uow.identity.get()
            if identity is None:
                raise CentralRefusedError("this store has no identity yet: open it once with this version")
            hello = Hello(StoreRef(identity.store_id, identity.workstation, identity.generation, identity.demo),
                          uow.identity.outbox_high(), uow.sync.sent_high())
            known_centre = uow.sync.get_state(CENTRAL_ID_KEY) or ""
        welcome = centre.hello(hello)
        if welcome.claimed_by is not None:
            raise CentralRefusedError(claimed_message(identity.workstation, welcome.claimed_by,
                                                      welcome.claimed_since))
        if welcome.central_id != known_centre:
            self._switch_centre(known_centre, welcome.central_id)
        store = hello.store
        with self._uow(read_only=True) as uow:
            due = needs_reconcile(uow, identity, welcome)
        if due:
            done = reconcile(self._uow, centre, store, welcome, self.auditor, self.clock.now())
            self.last_reconcile = done
            self._record(True, done.summary(), 0, direction="restore")
            if done.generation != store.generation:
                self._on_generation(done.generation)
            store = StoreRef(store.store_id, store.workstation, done.generation, store.demo)
        self._store = store
        return store

    def _switch_centre(self, before: str, after: str) -> None:
        """Another central database (or the first): everything goes there too; reference data is pulled whole.

        A store that never knew its centre's id (sent by an earlier version, perhaps to the demo centre) resends
        too: the centre recognises what it already holds."""
        with self._uow() as uow:
            unknown = not before and uow.sync.sent_high() > 0
            moved = uow.sync.resend_everything() if before or unknown else 0
            uow.sync.set_state(CENTRAL_ID_KEY, after)
            if before or unknown:
                was = before[:8] or "not recorded"
                self.auditor.record(uow, "central_switched", actor=None, object_ref=f"central:{after[:8]}",
                                    previous=was, resent=moved)
                uow.sync.log(self.clock.now(), "sync", moved, True,
                             f"Another central database ({after[:8]}, was {was}): all {moved} record(s) "
                             "are sent there too; reference data is pulled from it whole.")
            uow.commit()

    def continue_without_centre(self, supervisor: StaffMember, reason: str) -> dict[str, tuple[int, int]]:
        """Ctrl+Shift+G: the centre is out of reach after a restore; a supervisor lets the counter go on."""
        jumped = continue_without_centre(self._uow, self.auditor, self.workstation, supervisor, reason)
        shown = ", ".join(f"{kind} {before + 1}-{after}" for kind, (before, after) in jumped.items())
        self._record(True, f"Going on without the central database, approved by {supervisor.name}: "
                           f"numbers skipped {shown}", 0, direction="restore")
        return jumped

    # -- push ----------------------------------------------------------------------------------------------
    def push(self, max_batches: int | None = None, batch_size: int = BATCH_SIZE) -> SyncReport:
        """Send the outbox in batches, oldest first, until it is empty (or ``max_batches`` went).

        While one batch is in the central database, a helper thread reads the next one and marks the previous
        one sent: SQLite reads, writes and fsyncs outside the GIL, so the local and central work overlap. Each
        batch is read past the last one taken, so it never holds a record whose mark is still being written. A
        failure to mark surfaces before this returns; the records concerned simply go again and the centre
        recognises them.
        """
        store = self._store or self.greet()
        centre = self._centre()
        pushed = duplicates = conflicts = quarantined = batches = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-local") as local:
            marks: list[Future[None]] = []
            batch = self._pending(batch_size, 0)
            while batch and (max_batches is None or batches < max_batches):
                following = local.submit(self._pending, batch_size, batch[-1].seq)
                try:
                    result = self._apply(centre, store, batch)
                except Exception as exc:
                    for mark in marks:
                        mark.result()
                    with contextlib.suppress(Exception):
                        following.result()
                    with self._uow() as uow:
                        uow.sync.note_failure([r.seq for r in batch], _describe(exc))
                        uow.commit()
                    raise
                marks.append(local.submit(self._settle, result))
                pushed += len(result.applied)
                duplicates += len(result.duplicates)
                conflicts += len(result.conflicts)
                quarantined += len(result.quarantined)
                batches += 1
                batch = following.result()
            for mark in marks:
                mark.result()
        with self._uow(read_only=True) as uow:
            remaining = uow.sync.counts().get("pending", 0)
        return SyncReport(pushed=pushed, duplicates=duplicates, conflicts=conflicts, remaining=remaining,
                          quarantined=quarantined)

    def _apply(self, centre: CentralPort, store: StoreRef, batch: list[OutgoingRecord]) -> ApplyResult:
        """Apply a batch; when the centre refuses a record's data, split the batch until that record is found
        (it is quarantined with the reason) and apply the rest."""
        try:
            return centre.apply(store, batch)
        except CentralRecordError as exc:
            if len(batch) == 1:
                return ApplyResult(quarantined={batch[0].seq: f"the central database refused it: {exc}"[:500]})
        middle = len(batch) // 2
        result = self._apply(centre, store, batch[:middle])
        result.merge(self._apply(centre, store, batch[middle:]))
        return result

    def _pending(self, limit: int, after: int) -> list[OutgoingRecord]:
        with self._uow(read_only=True) as uow:
            return uow.sync.pending(limit, after)

    def _settle(self, result: ApplyResult) -> None:
        """After the central commit: mark the batch sent; conflicts and quarantined records for a supervisor."""
        now = self.clock.now()
        with self._uow() as uow:
            uow.sync.mark_sent(result.settled, now)
            for seq in result.conflicts:
                uow.sync.mark_conflict([seq], result.reasons.get(seq) or "the central database holds a different "
                                                                       "record with this id")
            for seq, reason in result.quarantined.items():
                uow.sync.quarantine(seq, reason)
            uow.commit()

    # -- pull ----------------------------------------------------------------------------------------------
    def pull(self) -> SyncReport:
        centre = self._centre()
        changes: dict[str, int] = {}
        for kind in REFERENCE_KINDS:
            with self._uow(read_only=True) as uow:
                since = int(uow.sync.get_state(pull_cursor_key(kind)) or 0)
            found = centre.reference_changes(kind, since)
            if not found:
                continue
            with self._uow() as uow:
                for change in found:
                    uow.sync.apply_reference(kind, change.key, change.payload, change.deleted)
                uow.sync.set_state(pull_cursor_key(kind), str(found[-1].seq))
                uow.commit()
            changes[kind] = len(found)
        with self._uow(read_only=True) as uow:
            since = int(uow.sync.get_state(pull_cursor_key("referrals")) or 0)
        updates = centre.referral_updates(self.workstation, since)
        if updates:
            now = self.clock.now()
            with self._uow() as uow:
                for update_ in updates:
                    uow.sync.apply_referral_update(update_, now)
                uow.sync.set_state(pull_cursor_key("referrals"), str(updates[-1].seq))
                uow.commit()
        if changes:
            self._on_reference_change()
        return SyncReport(reference_changes=changes, referral_updates=len(updates))

    # -- one attempt ---------------------------------------------------------------------------------------
    def sync_once(self) -> SyncReport:
        """Hello, push, pull, within one deadline; records the outcome for the status bar and the sync log, and
        re-raises a failure."""
        try:
            centre = self._centre()
            with centre.attempt():
                self.greet()
                pushed = self.push()
                pulled = self.pull()
        except Exception as exc:
            self.online = not isinstance(exc, CentralUnavailableError | NoCentralError)
            if isinstance(exc, CentralUnavailableError):
                self._drop_central()
            self._record(False, _describe(exc), 0)
            raise
        self.online = True
        report = SyncReport(pushed.pushed, pushed.duplicates, pushed.conflicts, pulled.reference_changes,
                            pulled.referral_updates, pushed.remaining, pushed.quarantined)
        self._record(True, report.summary(), pushed.pushed + sum(pulled.reference_changes.values()))
        return report

    def _drop_central(self) -> None:
        """Reconnect next time; release the pooled connections of the failed one now."""
        central, self._central = self._central, None
        self._store = None
        close = getattr(central, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()

    def _record(self, ok: bool, message: str, records: int, direction: str = "sync") -> None:
        now = self.clock.now()
        with self._uow() as uow:
            uow.sync.log(now, direction, records, ok, message)
            if direction == "sync":
                uow.sync.set_state("last_success" if ok else "last_error", now.isoformat() if ok else message)
                if ok:
                    uow.sync.set_state("last_error", "")
            uow.commit()

    # -- what the screens and commands show ----------------------------------------------------------------
    def status(self) -> SyncStatus:
        with self._uow(read_only=True) as uow:
            counts = uow.sync.counts()
            last_success = uow.sync.get_state("last_success")
            last_error = uow.sync.get_state("last_error")
            identity = uow.identity.get()
            lacking = uow.sync.get_state(LACKING_KEY)
        return SyncStatus(
            pending=counts.get("pending", 0), sent=counts.get("sent", 0), conflicts=counts.get("conflict", 0),
            online=self.online, last_success=datetime.fromisoformat(last_success) if last_success else None,
            last_error=last_error or None, central=self.central_label if self.configured else "",
            quarantined=counts.get("quarantined", 0), configured=self.configured,
            series_state=identity.series_state.value if identity else "ok",
            lacking=int(json.loads(lacking).get("count", 0)) if lacking else 0,
        )

    def log(self, limit: int = 200) -> list[SyncLogEntry]:
        with self._uow(read_only=True) as uow:
            return uow.sync.recent_log(limit)

    def conflicts(self) -> list[tuple[int, str, str, str]]:
        with self._uow(read_only=True) as uow:
            return uow.sync.conflicts()

    def refused(self, limit: int = 1000) -> list[RefusedRecord]:
        """Records the centre refused, with the reason, for a supervisor."""
        with self._uow(read_only=True) as uow:
            return uow.sync.refused(limit)

    def lacking(self) -> dict[str, Any]:
        """What the centre held that this store lost to a restore (as found at the last reconciliation)."""
        with self._uow(read_only=True) as uow:
            text = uow.sync.get_state(LACKING_KEY)
        return json.loads(text) if text else {"count": 0, "records": []}

    def retry_refused(self, supervisor: StaffMember, seqs: list[int] | None = None) -> int:
        """A supervisor sends refused records again (after the cause was fixed centrally, say), in order."""
        _require_resolver(supervisor)
        with self._uow() as uow:
            moved = uow.sync.retry(seqs)
            self.auditor.record(uow, "sync_retry", actor=supervisor.staff_no, object_ref="outbox",
                                records=moved, which="all" if seqs is None else ",".join(map(str, seqs[:50])))
            uow.commit()
        return moved

    def export_refused(self, supervisor: StaffMember) -> list[dict[str, object]]:
        """The refused records, whole, as JSON-ready dicts (for IT or the centre's administrators)."""
        _require_resolver(supervisor)
        records = self.refused(limit=100_000)
        with self._uow() as uow:
            self.auditor.record(uow, "sync_export_refused", actor=supervisor.staff_no, object_ref="outbox",
                                records=len(records))
            uow.commit()
        return [{"seq": r.seq, "record_type": r.record_type, "record_id": r.record_id, "status": r.status,
                 "reason": r.reason, "created_at": r.created_at.isoformat(), "payload": r.payload} for r in records]


def _require_resolver(staff: StaffMember) -> None:
    from counter_app.errors import UserError

    if not staff.can("resolve_sync_conflicts"):
        raise UserError("Only a supervisor can retry or export records the central database refused.",
                        "supervisor")


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    if isinstance(exc, CentralRefusedError):
        return (text[0] if text else type(exc).__name__)[:600]
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


__all__ = ["REFUSED", "SyncService"]
