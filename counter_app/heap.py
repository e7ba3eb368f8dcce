"""The start-up heap, frozen once the app is ready, so the garbage collector stops walking it.

Qt, SQLAlchemy's mappers, the reference data: hundreds of thousands of objects that live as long as the process.
Without this, a full collection triggered in the middle of a payment, an export or a sync push walks all of them
(60-80 ms with the GIL held, measured in benchmarks/bench_sync_push.py).
"""

from __future__ import annotations

import gc


def freeze_start_up_heap() -> None:
    """Collect what start-up left behind, then move every survivor out of the collector's sight."""
    gc.collect()
    gc.freeze()
