"""Child process of the SIGKILL sync test: push the outbox and die between the central commit and marking it sent.

Usage: ``python sync_killer_worker.py DATA_DIR WORKSTATION CENTRAL_URL``. Builds the counter on the parent's data
folder exactly as the app does and calls ``SyncService.push``. With ``COUNTER_TEST_KILL_AFTER_APPLY=1`` it first
wraps ``CentralStore.apply`` (here, in this process only; production code is untouched) so that the moment the real
``apply`` returns, i.e. the central transaction has committed, it prints ``APPLIED <n>`` and sends itself SIGKILL:
no ``finally``, no atexit, no chance to mark anything sent. Without the variable it pushes normally and prints
``PUSHED <n>``.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.sync.central_store import CentralStore
from counter_app.sync.records import ApplyResult, OutgoingRecord

KILL_ENV = "COUNTER_TEST_KILL_AFTER_APPLY"
#: The same instant as tests/conftest.py's COUNTER_MORNING, so the demo store sees the same business day.
COUNTER_MORNING = datetime(2026, 11, 25, 9, 15)


def die_after_apply() -> None:
    """Make the next central commit the last thing this process ever does."""
    real_apply = CentralStore.apply

    def apply_then_die(self: CentralStore, workstation: str, records: list[OutgoingRecord]) -> ApplyResult:
        result = real_apply(self, workstation, records)
        print(f"APPLIED {len(result.applied)}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        return result  # never reached

    CentralStore.apply = apply_then_die  # type: ignore[method-assign]


def main(data_dir: str, workstation: str, central_url: str) -> int:
    if os.environ.get(KILL_ENV) == "1":
        die_after_apply()
    counter = build_counter(Settings(data_dir=Path(data_dir), workstation=workstation, demo=True,
                                     central_url=central_url), clock=FixedClock(COUNTER_MORNING))
    report = counter.sync.push()
    print(f"PUSHED {report.pushed}", flush=True)
    counter.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
