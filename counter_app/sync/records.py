"""What crosses between the counter and the central database: plain data, no database types."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class CentralUnavailableError(RuntimeError):
    """The central database cannot be reached now; the counter keeps working and retries later."""


class CentralRefusedError(RuntimeError):
    """The central database answered, and refused this counter: nothing was sent; the message says what to do.

    (Its schema is older or newer than this version, or this workstation name belongs to another store.)
    """


class NoCentralError(CentralRefusedError):
    """A real store with no central database configured: it sends nothing and marks nothing sent."""


class CentralRecordError(RuntimeError):
    """The central database refused the data of a record in the batch (too long, NUL, malformed, a bad key).

    The batch is split until the record is found; it is then quarantined for a supervisor and the rest go on.
    """


@dataclass(frozen=True, slots=True)
class StoreRef:
    """Which store sends: its permanent id, its workstation and its restore generation."""

    store_id: str
    workstation: str
    generation: int
    demo: bool = False


@dataclass(frozen=True, slots=True)
class Hello:
    """What a counter tells the centre at the start of every sync."""

    store: StoreRef
    outbox_high: int  # the highest outbox sequence the store holds now
    sent_high: int  # the highest outbox sequence the store has marked sent (to this centre)


@dataclass(frozen=True, slots=True)
class Welcome:
    """The centre's answer: who it is, whether the name is this store's, and what it knows of the store."""

    central_id: str
    claimed_by: str | None  # another store holds this workstation name (nothing may be sent)
    claimed_since: datetime | None
    generation: int | None  # this store's generation as the centre last saw it (None: first sync here)
    outbox_high: int  # the highest outbox sequence it received from the store in that generation
    numbers: dict[str, int] = field(default_factory=dict)  # highest receipt / z / referral numbers it holds

    def restored(self, generation: int, outbox_high: int) -> bool:
        """The store is behind what it sent here before: it was restored from a backup (or copied)."""
        if self.generation is None:
            return False
        return generation < self.generation or (generation == self.generation and outbox_high < self.outbox_high)


@dataclass(frozen=True, slots=True)
class HeldRecord:
    """A record the centre holds from this store that the store itself no longer has (lost to a restore)."""

    record_id: str
    record_type: str
    local_seq: int
    label: str  # "receipt CH1-01-000051 ($12.50)", "audit entry 77", ...


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    seq: int
    record_type: str
    record_id: str
    payload: str  # the JSON text exactly as written to the outbox

    @property
    def payload_hash(self) -> str:
        return hashlib.sha256(self.payload.encode("utf-8")).hexdigest()


@dataclass
class ApplyResult:
    applied: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)  # why each conflict was refused, in words
    quarantined: dict[int, str] = field(default_factory=dict)  # set aside: data the centre could not store

    def merge(self, other: ApplyResult) -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.conflicts += other.conflicts
        self.reasons.update(other.reasons)
        self.quarantined.update(other.quarantined)

    @property
    def settled(self) -> list[int]:
        """Outbox sequences that may be marked sent: now central exactly once."""
        return self.applied + self.duplicates


@dataclass(frozen=True, slots=True)
class ReferenceChange:
    kind: str
    key: str
    payload: dict[str, Any]
    deleted: bool
    seq: int


@dataclass(frozen=True, slots=True)
class ReferralUpdate:
    id: str
    service_request_id: str
    status: str
    status_notes: str | None
    seq: int


def claimed_message(workstation: str, owner: str, since: datetime | None) -> str:
    """What a counter refused its workstation name is told: nothing sent, records safe, what to do."""
    when = f" since {since:%Y-%m-%d %H:%M} UTC" if since else ""
    return (f"workstation {workstation} is registered in the central database to another counter (store "
            f"{owner[:8]}{when}). This counter sent nothing and keeps its records safe here. Each PC needs its own "
            "workstation name, set before its first start (\"workstation\" in settings.json). A PC that replaces "
            f"{workstation} is set up from the old one's backup; if there is none, IT frees the name with "
            f"`counter-app central release-workstation {workstation} --url URL`")
