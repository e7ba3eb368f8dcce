"""A note, kept outside the data folder, of how far this store had written: a store behind it was restored.

A backup restores the store file (and usually its folder), not this note beside the folder. On every committed
write that added outbox records the note is moved forward; at start a store whose own highest outbox sequence is
below the note's has gone back in time. A missing note proves nothing either way (a new disk, a moved folder, an
upgrade): the centre is asked instead. Written without fsync: a note that lags only makes the check less eager.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

FOLDER = ".counter-witness"
_log = logging.getLogger("counter.store")


@dataclass(frozen=True, slots=True)
class Witness:
    generation: int
    outbox_seq: int

    def is_ahead_of(self, generation: int, outbox_seq: int) -> bool:
        """The store (``generation``, ``outbox_seq``) is behind this note: it was rolled back."""
        return self.generation > generation or (self.generation == generation and self.outbox_seq > outbox_seq)


class WitnessFile:
    """The note of one store: ``<parent of the data folder>/.counter-witness/<store id>.json``."""

    def __init__(self, data_dir: Path, store_id: str, generation: int = 1) -> None:
        self.path = data_dir.resolve().parent / FOLDER / f"{store_id}.json"
        self.generation = generation  # the store's current restore generation (moves on after a restore)
        self._last: Witness | None = None
        self._lock = threading.Lock()  # commits come from the worker lane and the sync thread

    def read(self) -> Witness | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Witness(int(data["generation"]), int(data["outbox_seq"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, witness: Witness) -> None:
        """Best effort: a folder that cannot be written is logged once and the centre is relied on instead."""
        if witness == self._last:
            return
        temp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(mode=0o700, exist_ok=True)
            temp.write_text(json.dumps({"generation": witness.generation, "outbox_seq": witness.outbox_seq}),
                            encoding="utf-8")
            os.replace(temp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            if self._last is None:
                _log.warning("cannot keep the restore witness %s: %s", self.path, exc)
            self._last = witness
            return
        self._last = witness

    def advance(self, generation: int, outbox_seq: int) -> None:
        """Move the note forward (never back) after a committed write."""
        with self._lock:
            last = self._last or self.read()
            if last is not None and not Witness(generation, outbox_seq).is_ahead_of(last.generation,
                                                                                    last.outbox_seq):
                self._last = last
                return
            self.write(Witness(generation, outbox_seq))

    def note_commit(self, outbox_seq: int) -> None:
        """After a committed write that reached outbox sequence ``outbox_seq``."""
        self.advance(self.generation, outbox_seq)

    def new_generation(self, generation: int) -> None:
        self.generation = generation
        self.advance(generation, 0)
