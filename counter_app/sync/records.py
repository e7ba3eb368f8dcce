"""What crosses between the counter and the central database: plain data, no database types."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


class CentralUnavailableError(RuntimeError):
    """The central database cannot be reached now; the counter keeps working and retries later."""


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
