"""The store file's life: made whole or not at all, opened with its identity, checked for a trip back in time.

A new store is built beside its final name (schema, reference data, identity) and renamed into place only when
complete: a file at ``counter.sqlite3`` is always a real store, so an empty or damaged one is never mistaken for
a new store (whose receipts would start again at 000001).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from counter_app.security.pins import NoPepper, Pepper
from counter_app.services.records_identity import SeriesState, StoreIdentity
from counter_app.store.db import check_integrity, current_revision, make_engine, migrate, session_factories
from counter_app.store.identity_repository import SqlIdentity
from counter_app.store.preflight import new_store_path, place_new_store
from counter_app.store.schema_version import SCHEMA_HEAD
from counter_app.store.seed import seed_demo, seed_if_changed
from counter_app.store.witness import Witness, WitnessFile

_log = logging.getLogger("counter.store")


class IdentityMismatchError(ValueError):
    """The settings name this store differently from what it was created as (message for the operator)."""


@dataclass
class OpenStore:
    engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]
    identity: StoreIdentity
    witness: WitnessFile
    demo_seeded: bool = False


def create_store(db_path: Path, *, workstation: str, demo: bool, today: date, now: datetime,
                 pepper: Pepper | NoPepper) -> bool:
    """Build a new store whole (schema, reference data, identity), then rename it into place. Returns whether demo
    data was seeded."""
    temp = new_store_path(db_path)
    engine = make_engine(temp)
    try:
        migrate(engine, temp)
        writer, _reader = session_factories(engine)
        store_id = str(uuid.uuid4())
        with writer() as session:
            seed_if_changed(session)
            seeded = seed_demo(session, today, pepper=pepper) if demo else False
            # A real store's numbers wait until the centre has registered its workstation name.
            state = SeriesState.OK if demo else SeriesState.NEW
            SqlIdentity(session).create(store_id, workstation, demo, state, now)
            session.commit()
    finally:
        engine.dispose()
    place_new_store(temp, db_path)
    WitnessFile(db_path.parent, store_id).write(Witness(1, 0))
    return seeded


def open_store(db_path: Path, *, workstation: str, workstation_source: str, demo: bool, today: date,
               read_only: bool, pepper_for: Callable[[bool], Pepper | NoPepper]) -> OpenStore:
    """Open an existing store: integrity, schema, identity (completed once for a store made before identities),
    the name check, and (when writing) reference data, demo data and the restore check."""
    check_integrity(db_path, read_only=read_only)
    if read_only and current_revision(db_path) != SCHEMA_HEAD:  # an older store: upgrading it is a write, once
        upgrade = make_engine(db_path)
        try:
            migrate(upgrade, db_path)
        finally:
            upgrade.dispose()
    engine = make_engine(db_path, read_only=read_only)
    try:
        migrate(engine, db_path)
        writer, reader = session_factories(engine)
        identity = _identity(writer, reader, workstation, demo, read_only)
        _check_name(identity, workstation, workstation_source, db_path)
        witness = WitnessFile(db_path.parent, identity.store_id, identity.generation)
        seeded = False
        if not read_only:
            with writer() as session:
                seed_if_changed(session)
                if identity.demo:
                    seeded = seed_demo(session, today, pepper=pepper_for(True))
                identity = _check_rollback(session, identity, witness)
                session.commit()
    except BaseException:
        engine.dispose()
        raise
    return OpenStore(engine, writer, reader, identity, witness, seeded)


def _identity(writer: sessionmaker[Session], reader: sessionmaker[Session], workstation: str, demo: bool,
              read_only: bool) -> StoreIdentity:
    """The store's identity; a store made before identities gets one at its first writing open."""
    with reader() as session:
        found = SqlIdentity(session).get()
        raw = SqlIdentity(session).raw()
    if found is not None:
        return found
    named = (raw.workstation if raw is not None else None) or workstation
    if demo and raw is not None and _holds_city_pins(reader):
        demo = False  # a store holding PINs hashed with the city's pepper is real: --demo never turns it into one
    if not named:
        raise IdentityMismatchError("This store does not know its workstation name yet: give it with --workstation "
                                    "or \"workstation\" in settings.json (e.g. CH1-02).")
    state = SeriesState.OK if demo else SeriesState(raw.series_state) if raw is not None else SeriesState.NEW
    if read_only:  # looked at, not changed: the next writing open records it
        return StoreIdentity(raw.store_id if raw is not None else str(uuid.uuid4()), named, demo,
                             raw.generation if raw is not None else 1, state,
                             raw.created_at if raw is not None else datetime.now().astimezone())
    with writer() as session:
        repository = SqlIdentity(session)
        if raw is None:
            repository.create(str(uuid.uuid4()), named, demo, state, datetime.now().astimezone())
        else:  # made by a version before identities: an earlier version may have given it the demo staff
            repository.complete(named, demo)
            repository.set_series_state(state)
            if not demo:
                retire_demo_staff(session)
        session.commit()
        completed = repository.get()
    assert completed is not None
    _log.info("store %s: identity recorded (workstation %s, %s)", completed.short_id, completed.workstation,
              "demo" if demo else "real")
    return completed


def _holds_city_pins(reader: sessionmaker[Session]) -> bool:
    from sqlalchemy import select

    from counter_app.security.pins import DEMO_PEPPER, key_id_of
    from counter_app.store.schema import StaffRow

    with reader() as session:
        return any(key_id_of(h) not in (None, DEMO_PEPPER.key_id) for h in session.scalars(select(StaffRow.pin_hash)))


def _check_name(identity: StoreIdentity, workstation: str, source: str, db_path: Path) -> None:
    if source and workstation and workstation != identity.workstation:
        raise IdentityMismatchError(
            f"{db_path.parent} holds the store of workstation {identity.workstation} (its receipts are numbered "
            f"{identity.workstation}-…), but {source} names {workstation}. A store keeps the name it was created "
            f"with: remove {workstation} from {source}, or use the data folder of {workstation}.")


def retire_demo_staff(session: Session) -> list[str]:
    """A real store never keeps the demo staff: a version before store identities pulled them from the demo centre
    when no central URL was set (administrator 9001 could then sign in). Done once, when such a store gets its
    identity; deactivated, never deleted (their records stay)."""
    from sqlalchemy import select, update

    from counter_app.store.schema import StaffRow
    from counter_app.store.seed import demo_logins

    demo = {(person["staff_no"], person["name"]) for person in demo_logins()}
    found = [number for number, name in session.execute(
        select(StaffRow.staff_no, StaffRow.name).where(StaffRow.active.is_(True))) if (number, name) in demo]
    if found:
        session.execute(update(StaffRow).where(StaffRow.staff_no.in_(found)).values(active=False))
        _log.warning("real store: deactivated the demo staff %s (pulled by an earlier version)", ", ".join(found))
    return found


def _check_rollback(session: Session, identity: StoreIdentity, witness: WitnessFile) -> StoreIdentity:
    """Compare the store with the note of how far it had written; mark its numbers unsafe when it went back."""
    if identity.demo:
        return identity
    repository = SqlIdentity(session)
    high = repository.outbox_high()
    seen = witness.read()
    state = identity.series_state
    if seen is not None and seen.is_ahead_of(identity.generation, high):
        state = SeriesState.RESTORED
        _log.warning("store %s is behind its witness (generation %s, outbox %s < %s): restored from a backup",
                     identity.short_id, identity.generation, high, seen.outbox_seq)
    elif seen is None and high > 0 and state is SeriesState.OK:
        state = SeriesState.UNVERIFIED
        _log.warning("store %s has no witness at %s: its numbers wait for the centre's confirmation",
                     identity.short_id, witness.path)
    if state is not identity.series_state:
        repository.set_series_state(state)
        identity = StoreIdentity(identity.store_id, identity.workstation, identity.demo, identity.generation,
                                 state, identity.created_at)
    witness.advance(identity.generation, high)
    return identity
