"""The store's identity row, through the session; and a quick look at it with plain sqlite3 before start-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from counter_app.services.records_identity import SeriesState, StoreIdentity
from counter_app.store.schema import OutboxRow, StoreIdentityRow


class SqlIdentity:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> StoreIdentity | None:
        row = self.session.get(StoreIdentityRow, 1)
        if row is None or row.workstation is None or row.demo is None:
            return None
        return _identity(row)

    def raw(self) -> StoreIdentityRow | None:
        """The row as stored, incomplete in a store made before identities (filled at its first open)."""
        return self.session.get(StoreIdentityRow, 1)

    def create(self, store_id: str, workstation: str, demo: bool, state: SeriesState, at: datetime) -> None:
        self.session.add(StoreIdentityRow(id=1, store_id=store_id, workstation=workstation, demo=demo,
                                          generation=1, series_state=state.value, created_at=at))
        self.session.flush()

    def complete(self, workstation: str, demo: bool) -> None:
        """Fill what a store made before identities did not know (its first open with this version)."""
        self.session.execute(update(StoreIdentityRow).where(StoreIdentityRow.id == 1).values(
            workstation=workstation, demo=demo))

    def set_series_state(self, state: SeriesState) -> None:
        self.session.execute(update(StoreIdentityRow).where(StoreIdentityRow.id == 1).values(
            series_state=state.value))

    def set_generation(self, generation: int) -> None:
        self.session.execute(update(StoreIdentityRow).where(StoreIdentityRow.id == 1).values(generation=generation))

    def outbox_high(self) -> int:
        """The highest outbox sequence ever written here: it only grows, so a lower one means a rollback."""
        return int(self.session.scalar(select(func.coalesce(func.max(OutboxRow.seq), 0))) or 0)


def _identity(row: StoreIdentityRow) -> StoreIdentity:
    return StoreIdentity(store_id=row.store_id, workstation=row.workstation or "", demo=bool(row.demo),
                         generation=row.generation, series_state=SeriesState(row.series_state),
                         created_at=row.created_at)
