"""Frozen records about sync, for the status bar, the sync log screen and the commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SyncLogEntry:
    at: datetime
    direction: str
    records: int
    ok: bool
    message: str


#: Outbox statuses of records the centre refused: each waits for a supervisor (retry or export).
REFUSED = ("conflict", "quarantined")


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending: int
    sent: int
    conflicts: int
    online: bool | None  # None: not tried yet
    last_success: datetime | None
    last_error: str | None
    central: str  # the central database URL without its password ("" when none is configured)
    quarantined: int = 0
    configured: bool = True  # False: a real store with no central database: nothing is sent
    series_state: str = "ok"  # SeriesState: "ok", or why the next receipt number waits for the centre
    lacking: int = 0  # records the centre holds that this store lost to a restore

    @property
    def refused(self) -> int:
        return self.conflicts + self.quarantined


@dataclass(frozen=True, slots=True)
class RefusedRecord:
    """A record the centre refused (a conflict, or data it could not store), waiting for a supervisor."""

    seq: int
    record_type: str
    record_id: str
    status: str  # conflict | quarantined
    reason: str
    created_at: datetime
    payload: str


@dataclass(frozen=True, slots=True)
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    conflicts: int = 0
    reference_changes: dict[str, int] = field(default_factory=dict)
    referral_updates: int = 0
    remaining: int = 0
    quarantined: int = 0  # set aside this run: data the centre could not store

    def summary(self) -> str:
        pulled = sum(self.reference_changes.values())
        parts = [f"pushed {self.pushed}", f"already central {self.duplicates}", f"conflicts {self.conflicts}",
                 f"quarantined {self.quarantined}", f"pulled {pulled} reference change(s)",
                 f"{self.referral_updates} referral update(s)", f"{self.remaining} waiting"]
        return ", ".join(parts)


def pull_cursor_key(kind: str) -> str:
    """Where the local store keeps how far it has pulled one kind of central data (a ``sync_state`` key)."""
    return f"cursor:{kind}"
