"""A tamper-evident audit log: each entry holds the hash of the one before and of its own canonical content.

Editing, deleting or inserting an entry breaks the chain at that entry; cutting the tail is caught by comparing
the last entry with the head kept elsewhere (the store's head record and the central database).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    id: str
    at: str  # ISO 8601 UTC
    workstation: str
    actor: str | None  # staff number
    action: str
    outcome: str  # ok | refused | failed
    object_ref: str | None
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str = ""

    def content(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "id": self.id, "at": self.at, "workstation": self.workstation, "actor": self.actor,
            "action": self.action, "outcome": self.outcome, "object_ref": self.object_ref, "detail": self.detail,
            "prev_hash": self.prev_hash,
        }


def canonical(content: dict[str, Any]) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry.content())).hexdigest()


@dataclass(frozen=True, slots=True)
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def verify_chain(entries: Iterable[AuditEntry], head: tuple[int, str] | None = None) -> Break | None:
    """The first broken entry, or None. ``head`` is (last seq, last hash) as recorded elsewhere."""
    previous_hash = GENESIS
    expected_seq = 1
    last: AuditEntry | None = None
    for entry in entries:
        if entry.seq != expected_seq:
            kind = "missing (deleted)" if entry.seq > expected_seq else "out of order (inserted)"
            return Break(expected_seq if entry.seq > expected_seq else entry.seq, f"entry {expected_seq} is {kind}")
        if entry.prev_hash != previous_hash:
            return Break(entry.seq, "does not follow the entry before it (an entry was inserted or deleted)")
        if entry_hash(entry) != entry.entry_hash:
            return Break(entry.seq, "its content was changed after it was written")
        previous_hash = entry.entry_hash
        expected_seq += 1
        last = entry
    if head is not None:
        head_seq, head_hash = head
        if last is None or last.seq < head_seq:
            return Break((last.seq + 1) if last else 1, f"the log ends before entry {head_seq}: its tail was cut")
        if last.seq == head_seq and last.entry_hash != head_hash:
            return Break(last.seq, "differs from the head recorded elsewhere")
    return None
