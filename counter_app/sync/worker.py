"""The background sender: one per workstation (a file lock), never on the GUI thread, backing off with jitter."""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO

from counter_app.data_folder import private_opener
from counter_app.services.records_sync import SyncStatus
from counter_app.services.sync import SyncService

INTERVAL_S = 20.0
MAX_BACKOFF_S = 300.0


class SenderLock:
    """An exclusive lock file in the data folder: a second app on the same data never sends the same outbox."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        # Held open for the process's life; private to the user like the rest of the data folder (0600, POSIX).
        handle = open(self.path, "a+", encoding="utf-8", opener=private_opener)  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> SenderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def backoff_delay(failures: int, rng: random.Random) -> float:
    """Exponential back-off with full jitter between half and one and a half times the step."""
    step = min(MAX_BACKOFF_S, 2.0 ** min(failures, 9))
    return step * rng.uniform(0.5, 1.5)


class SyncWorker(threading.Thread):
    """Push then pull every ``interval`` seconds, at once when nudged; on failure wait longer each time."""

    def __init__(self, service: SyncService, lock: SenderLock, on_status: Callable[[SyncStatus], None],
                 interval: float = INTERVAL_S, seed: int | None = None) -> None:
        super().__init__(name="counter-sync", daemon=True)
        self.service = service
        self.lock = lock
        self.on_status = on_status
        self.interval = interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._rng = random.Random(seed)
        self.failures = 0

    def nudge(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout)
        self.lock.release()

    def run(self) -> None:
        while not self._stopping.is_set():
            delay = self.interval
            problem = None
            try:
                held = self.lock.acquire()
            except OSError as exc:  # the lock file cannot be opened: say so on screen, try again later
                held = False
                problem = (f"Sync cannot start: its lock file {self.lock.path} cannot be opened "
                           f"({exc.strerror or exc}). Nothing is sent until it can; every record waits here.")
                self.failures += 1
                delay = backoff_delay(self.failures, self._rng)
            if held:
                try:
                    self.service.sync_once()
                    self.failures = 0
                except Exception:
                    self.failures += 1
                    delay = backoff_delay(self.failures, self._rng)
            self._publish(problem)
            self._wake.wait(delay)
            self._wake.clear()

    def _publish(self, problem: str | None = None) -> None:
        with contextlib.suppress(Exception):  # a closing window must not kill the sender
            status = self.service.status()
            if problem:
                status = replace(status, online=None, last_error=problem)
            self.on_status(status)
