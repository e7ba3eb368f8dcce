"""Named gapless sequences (referral tokens, Z report numbers), bumped inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import update
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
