"""Sync: push the outbox to the central 311 database exactly once, then pull what changed there.

A batch is marked sent only after the central commit succeeded; a lost reply means the batch is sent again and
the centre recognises every record by its UUID. Records refused as conflicts stay flagged for a supervisor.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from counter_app.clock import Clock
from counter_app.services.ports import CentralPort, UnitOfWorkFactory
from counter_app.services.records_sync import SyncLogEntry, SyncReport, SyncStatus, pull_cursor_key
from counter_app.sync.records import ApplyResult, CentralUnavailableError, OutgoingRecord

BATCH_SIZE = 2_000
#: Reference data kinds, in the order they must apply (services need GST codes and GL accounts first).
REFERENCE_KINDS = ("gst_codes", "gl_accounts", "topics", "services", "departments", "specialists", "staff",
                   "kb_articles", "bill_accounts")


class SyncService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, workstation: str,
                 central: Callable[[], CentralPort], central_label: str,
                 on_reference_change: Callable[[], None] = lambda: None) -> None:
        self._uow = uow
        self._on_reference_change = on_reference_change
        self.clock = clock
        self.workstation = workstation
        self._central_factory = central
        self._central: CentralPort | None = None
        self.central_label = central_label
        self.online: bool | None = None

    def _centre(self) -> CentralPort:
        if self._central is None:
            self._central = self._central_factory()
        return self._central

    def push(self, max_batches: int | None = None, batch_size: int = BATCH_SIZE) -> SyncReport:
        """Send the outbox in batches, oldest first, until it is empty (or ``max_batches`` went).

        While one batch is in the central database, a helper thread reads the next one and marks the previous
        one sent: SQLite reads, writes and fsyncs outside the GIL, so the local and central work overlap. Each
        batch is read past the last one taken, so it never holds a record whose mark is still being written. A
        failure to mark surfaces before this returns; the records concerned simply go again and the centre
        recognises them.
        """
        pushed = duplicates = conflicts = batches = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-local") as local:
            marks: list[Future[None]] = []
            batch = self._pending(batch_size, 0)
            while batch and (max_batches is None or batches < max_batches):
                following = local.submit(self._pending, batch_size, batch[-1].seq)
                try:
                    result = self._centre().apply(self.workstation, batch)
                except Exception as exc:
                    for mark in marks:
                        mark.result()
                    with self._uow() as uow:
                        uow.sync.note_failure([r.seq for r in batch], _describe(exc))
                        uow.commit()
                    raise
                marks.append(local.submit(self._settle, result))
                pushed += len(result.applied)
                duplicates += len(result.duplicates)
                conflicts += len(result.conflicts)
                batches += 1
                batch = following.result()
            for mark in marks:
                mark.result()
        with self._uow(read_only=True) as uow:
            remaining = uow.sync.counts().get("pending", 0)
        return SyncReport(pushed=pushed, duplicates=duplicates, conflicts=conflicts, remaining=remaining)

    def _pending(self, limit: int, after: int) -> list[OutgoingRecord]:
        with self._uow(read_only=True) as uow:
            return uow.sync.pending(limit, after)

    def _settle(self, result: ApplyResult) -> None:
        """After the central commit: mark the batch sent, and its conflicts for a supervisor."""
        now = self.clock.now()
        with self._uow() as uow:
            uow.sync.mark_sent(result.settled, now)
            if result.conflicts:
                uow.sync.mark_conflict(result.conflicts, "The central database holds a different record with "
                                                         "this id: a supervisor must review it.")
            uow.commit()

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

    def sync_once(self) -> SyncReport:
        """Push, then pull; records the outcome for the status bar and the sync log, and re-raises a failure."""
        try:
            pushed = self.push()
            pulled = self.pull()
        except Exception as exc:
            self.online = not isinstance(exc, CentralUnavailableError)
            if isinstance(exc, CentralUnavailableError):
                self._drop_central()
            self._record(False, _describe(exc), 0)
            raise
        self.online = True
        report = SyncReport(pushed.pushed, pushed.duplicates, pushed.conflicts, pulled.reference_changes,
                            pulled.referral_updates, pushed.remaining)
        self._record(True, report.summary(), pushed.pushed + sum(pulled.reference_changes.values()))
        return report

    def _drop_central(self) -> None:
        """Reconnect next time; release the pooled connections of the failed one now."""
        central, self._central = self._central, None
        close = getattr(central, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()

    def _record(self, ok: bool, message: str, records: int) -> None:
        now = self.clock.now()
        with self._uow() as uow:
            uow.sync.log(now, "sync", records, ok, message)
            uow.sync.set_state("last_success" if ok else "last_error", now.isoformat() if ok else message)
            if ok:
                uow.sync.set_state("last_error", "")
            uow.commit()

    def status(self) -> SyncStatus:
        with self._uow(read_only=True) as uow:
            counts = uow.sync.counts()
            last_success = uow.sync.get_state("last_success")
            last_error = uow.sync.get_state("last_error")
        return SyncStatus(
            pending=counts.get("pending", 0), sent=counts.get("sent", 0), conflicts=counts.get("conflict", 0),
            online=self.online, last_success=datetime.fromisoformat(last_success) if last_success else None,
            last_error=last_error or None, central=self.central_label,
        )

    def log(self, limit: int = 200) -> list[SyncLogEntry]:
        with self._uow(read_only=True) as uow:
            return uow.sync.recent_log(limit)

    def conflicts(self) -> list[tuple[int, str, str, str]]:
        with self._uow(read_only=True) as uow:
            return uow.sync.conflicts()


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
