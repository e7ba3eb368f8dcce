"""No number issued twice: a store that may have gone back in time learns from the centre before it numbers again.

A store restored from a backup (or moved, or new) does not know whether receipts, Z reports or referrals were
numbered after the point it holds. Until the central database tells it, the next number waits
(:func:`ensure_numbers_safe`). At the next hello the store reconciles: its sequences continue after the highest
numbers the centre holds for its workstation; audit entries the centre holds and the store lost come back, and
the entries written since the restore are chained after them; what the centre holds that the store lost (receipts
and other records) is listed for a supervisor; a restored store starts a new restore generation. With the centre
out of reach, a supervisor may let the counter go on: its numbers then jump ahead by :data:`RESTORE_GAP`, which
is written in the audit trail (a gap is explained; a number issued twice is not).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from counter_app.errors import UserError
from counter_app.security.audit_chain import GENESIS, AuditEntry, entry_hash
from counter_app.services.audit import Auditor
from counter_app.services.ports import CentralPort, UnitOfWork, UnitOfWorkFactory
from counter_app.services.records import StaffMember
from counter_app.services.records_identity import SeriesState, StoreIdentity
from counter_app.sync.records import HeldRecord, StoreRef, Welcome

#: Numbers skipped when a supervisor lets a restored store go on without the centre: more than a busy day.
RESTORE_GAP = 1000
#: ``sync_state`` keys: what the centre held that this store lost; whether an override is still unconfirmed.
LACKING_KEY = "restore:lacking"
UNCONFIRMED_KEY = "restore:unconfirmed"
#: At most this many of the lost records are kept by name (all are counted).
LACKING_SHOWN = 500


class NumbersUnsafeError(UserError):
    """The next receipt (or Z, or referral) number must wait for the central database or a supervisor."""


def ensure_numbers_safe(uow: UnitOfWork, workstation: str) -> None:
    """Refuse to issue a number the centre may already hold (called inside the transaction that takes it)."""
    identity = uow.identity.get()
    if identity is None or not identity.series_state.needs_centre:
        return
    raise NumbersUnsafeError(
        f"{identity.series_state.explain(workstation)} Sync now (Ctrl+Shift+S) once the central database can be "
        "reached; if it cannot, a supervisor can approve going on (Ctrl+Shift+G).", "restore")


def sequence_names(workstation: str) -> dict[str, str]:
    """The local sequences a workstation numbers documents with (receipts have their own table)."""
    return {"z": f"z:{workstation}", "referral": f"referral:{workstation}"}


@dataclass(frozen=True, slots=True)
class Reconciled:
    restored: bool
    numbers: dict[str, tuple[int, int]]  # kind -> (before, after)
    audit_returned: int  # entries the centre gave back
    audit_rechained: int  # entries written since the restore, chained after them
    lacking: tuple[HeldRecord, ...]
    generation: int

    def summary(self) -> str:
        moved = ", ".join(f"{kind} numbers continue after {after}" for kind, (before, after) in self.numbers.items()
                          if after > before)
        parts = ["Restored from a backup: reconciled with the central database" if self.restored
                 else "Confirmed with the central database"]
        if moved:
            parts.append(moved)
        if self.audit_returned:
            parts.append(f"{self.audit_returned} audit entr{'y' if self.audit_returned == 1 else 'ies'} given back")
        if self.lacking:
            parts.append(f"the centre holds {len(self.lacking)} record(s) this store lost: "
                         + ", ".join(r.label for r in self.lacking[:5]) + (" …" if len(self.lacking) > 5 else ""))
        return "; ".join(parts)


def needs_reconcile(uow: UnitOfWork, identity: StoreIdentity, welcome: Welcome) -> bool:
    return (identity.series_state.needs_centre or bool(uow.sync.get_state(UNCONFIRMED_KEY))
            or welcome.restored(identity.generation, uow.identity.outbox_high()))


def reconcile(uow_factory: UnitOfWorkFactory, centre: CentralPort, store: StoreRef, welcome: Welcome,
              auditor: Auditor, now: datetime) -> Reconciled:
    """Bring the store's numbers and audit trail level with the centre (central reads first, then one write)."""
    with uow_factory(read_only=True) as uow:
        identity = uow.identity.get()
        assert identity is not None
        restored = identity.series_state is SeriesState.RESTORED or welcome.restored(
            identity.generation, uow.identity.outbox_high())
        local_hashes = uow.audit.hashes()
        sent_high = uow.sync.sent_high()
    anchors = centre.audit_anchors(store)
    common = _common_prefix(anchors, local_hashes)
    returned = [_entry(data) for data in centre.audit_entries(store, common)] if anchors and \
        anchors[-1][0] > common else []
    held = centre.held_records(store, welcome.generation, sent_high) if restored and welcome.generation else []
    with uow_factory() as uow:
        numbers = _raise_numbers(uow, store.workstation, welcome.numbers)
        rechained = _rechain(uow, common, returned, local_hashes) if returned else 0
        lacking = _lacking(uow, held)
        generation = identity.generation
        if restored:
            generation = max(identity.generation, welcome.generation or 0) + 1
            uow.identity.set_generation(generation)
        uow.identity.set_series_state(SeriesState.OK)
        uow.sync.set_state(UNCONFIRMED_KEY, "")
        if restored or lacking:
            shown = [asdict(r) for r in lacking[:LACKING_SHOWN]]
            uow.sync.set_state(LACKING_KEY, json.dumps({"count": len(lacking), "at": now.isoformat(),
                                                        "records": shown}))
        result = Reconciled(restored, numbers, len(returned), rechained, tuple(lacking), generation)
        auditor.record(uow, "store_reconciled", actor=None, object_ref=f"store:{identity.short_id}",
                       restored=restored, generation=generation, lacking=len(lacking),
                       audit_returned=len(returned), numbers={k: list(v) for k, v in numbers.items()})
        uow.commit()
    return result


def continue_without_centre(uow_factory: UnitOfWorkFactory, auditor: Auditor, workstation: str,
                            supervisor: StaffMember, reason: str) -> dict[str, tuple[int, int]]:
    """A supervisor lets a store whose numbers are unconfirmed go on: every sequence jumps ahead by the gap."""
    if not supervisor.can("approve_restore"):
        raise UserError("Only a supervisor can approve going on without the central database.", "supervisor")
    with uow_factory() as uow:
        identity = uow.identity.get()
        if identity is None or not identity.series_state.needs_centre:
            raise UserError("Nothing to approve: this counter's numbers are confirmed.", "restore")
        jumped: dict[str, tuple[int, int]] = {}
        before = uow.transactions.last_sequence(workstation)
        uow.transactions.raise_sequence(workstation, _jump(before))
        jumped["receipt"] = (before, _jump(before))
        for kind, name in sequence_names(workstation).items():
            current = uow.sequences.current(name)
            uow.sequences.raise_to(name, _jump(current))
            jumped[kind] = (current, _jump(current))
        uow.identity.set_series_state(SeriesState.OK)
        uow.sync.set_state(UNCONFIRMED_KEY, identity.series_state.value)
        auditor.record(uow, "restore_override", actor=supervisor.staff_no, object_ref=f"store:{identity.short_id}",
                       state=identity.series_state.value, reason=reason,
                       skipped={k: [b + 1, a] for k, (b, a) in jumped.items()})
        uow.commit()
    return jumped


def _jump(last: int) -> int:
    """The last number a restored store pretends to have issued: ahead by the gap, on a round thousand."""
    return (last + RESTORE_GAP) // RESTORE_GAP * RESTORE_GAP


def _raise_numbers(uow: UnitOfWork, workstation: str, central: dict[str, int]) -> dict[str, tuple[int, int]]:
    moved: dict[str, tuple[int, int]] = {}
    before = uow.transactions.raise_sequence(workstation, central.get("receipt", 0))
    moved["receipt"] = (before, max(before, central.get("receipt", 0)))
    for kind, name in sequence_names(workstation).items():
        before = uow.sequences.raise_to(name, central.get(kind, 0))
        moved[kind] = (before, max(before, central.get(kind, 0)))
    return moved


def _common_prefix(anchors: list[tuple[int, str]], local: dict[int, str]) -> int:
    """The last audit seq up to which the store and the centre agree, entry for entry."""
    common = 0
    for seq, digest in anchors:
        if local.get(seq) != digest:
            break
        common = seq
    return common


def _entry(data: dict[str, object]) -> AuditEntry:
    fields = {name: data[name] for name in AuditEntry.__dataclass_fields__}
    return AuditEntry(**fields)  # type: ignore[arg-type]


def _rechain(uow: UnitOfWork, common: int, returned: list[AuditEntry], local: dict[int, str]) -> int:
    """Put back the entries the centre holds past ``common``; chain the store's own later entries after them.

    The returned entries must follow the store's entry ``common`` and each other, hash for hash, and none of the
    store's own later entries may have been accepted centrally (the hello comes before every push, so normally
    none was); otherwise nothing is changed and ``audit verify`` reports the difference. The store's own later
    entries are re-numbered after the returned ones and queued again.
    """
    previous = local.get(common, GENESIS) if common else GENESIS
    expected = common + 1
    for entry in returned:
        if entry.seq != expected or entry.prev_hash != previous or entry_hash(entry) != entry.entry_hash:
            return 0
        previous, expected = entry.entry_hash, expected + 1
    own = uow.audit.take_tail(common)
    if own and uow.sync.sent_ids([entry.id for entry in own]):
        for entry in own:  # put them back as they were: this is for a supervisor, not for the counter to mend
            uow.audit.append(entry)
        return 0
    uow.sync.drop_unsent([entry.id for entry in own])
    for entry in returned:
        uow.audit.append(entry)
    for entry in own:
        moved = replace(entry, seq=expected, prev_hash=previous, entry_hash="")
        moved = replace(moved, entry_hash=entry_hash(moved))
        uow.audit.append(moved)
        uow.outbox.add("audit_event", moved.id, asdict(moved), datetime.fromisoformat(moved.at))
        previous, expected = moved.entry_hash, expected + 1
    return len(own)


def _lacking(uow: UnitOfWork, held: list[HeldRecord]) -> list[HeldRecord]:
    if not held:
        return []
    known = uow.sync.known_ids([record.record_id for record in held])
    return [record for record in held if record.record_id not in known]
