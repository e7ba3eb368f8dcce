"""Who this store is: a permanent id, the workstation it numbers receipts for, and whether its numbers are safe.

A store keeps the identity it was created with. Its receipt, Z report and referral numbers are safe to continue
(``SeriesState.OK``) unless it may have been rolled back: restored from a backup, copied to a new PC, or not yet
known to the central database. Then the next number waits for the centre (or a supervisor's approval).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SeriesState(StrEnum):
    OK = "ok"  # the store's own sequences are the latest: numbers continue from them
    NEW = "new"  # a new real store: its workstation name is not registered centrally yet
    UNVERIFIED = "unverified"  # no record of this store's last write outside it (moved, upgraded, new disk)
    RESTORED = "restored"  # the store is behind what it had written before: restored from a backup

    @property
    def needs_centre(self) -> bool:
        return self is not SeriesState.OK

    def explain(self, workstation: str) -> str:
        """Why the next receipt number has to wait, in a cashier's words."""
        return {
            SeriesState.OK: f"Workstation {workstation} numbers its receipts from its own records.",
            SeriesState.NEW: f"Workstation {workstation} is new: the central 311 database must register its name "
                             "before its first receipt, so that no other PC uses the same numbers.",
            SeriesState.UNVERIFIED: f"This store of workstation {workstation} was moved, upgraded or set up on a "
                                    "new disk: the central 311 database must confirm its last receipt number first.",
            SeriesState.RESTORED: f"This store of workstation {workstation} was restored from a backup: the central "
                                  "311 database must tell it the last receipt number issued since, so that no "
                                  "number is issued twice.",
        }[self]


@dataclass(frozen=True, slots=True)
class StoreIdentity:
    store_id: str
    workstation: str
    demo: bool
    generation: int  # how many times the store was found restored and carried on (1 = never)
    series_state: SeriesState
    created_at: datetime

    @property
    def short_id(self) -> str:
        return self.store_id[:8]
