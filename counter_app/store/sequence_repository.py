"""Named gapless sequences (referral tokens, Z report numbers), bumped inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.store.schema import SequenceRow


class SqlSequences:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_number(self, name: str) -> int:
        bumped = self.session.execute(
            update(SequenceRow)
            .where(SequenceRow.name == name)
            .values(last_value=SequenceRow.last_value + 1)
            .returning(SequenceRow.last_value)
        ).scalar()
        if bumped is None:
            self.session.add(SequenceRow(name=name, last_value=1))
            self.session.flush()
            return 1
        return int(bumped)

    def current(self, name: str) -> int:
        return int(self.session.scalar(select(SequenceRow.last_value).where(SequenceRow.name == name)) or 0)

    def raise_to(self, name: str, value: int) -> int:
        """Continue after ``value`` at least (never go back); returns the last value before."""
        before = self.current(name)
        if value > before:
            self.session.merge(SequenceRow(name=name, last_value=value))
            self.session.flush()
        return before
