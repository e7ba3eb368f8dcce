"""Run service calls off the GUI thread and hand their results back on it.

A :class:`TaskRunner` owns one serial lane (a private ``QThreadPool`` with one thread): calls to the store run
one after another in the order the cashier asked for them, so a payment is recorded before the list that shows
it is read. Results and errors come back through a queued signal and the callbacks run on the GUI thread.
"""

from __future__ import annotations

import itertools
import sys
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Task(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._id = task_id
        self._fn = fn
        self._args = args

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # delivered to the GUI thread, never lost in the worker
            self._runner.deliver.emit(self._id, False, exc)
        else:
            self._runner.deliver.emit(self._id, True, result)


class TaskRunner(QObject):
    """``run(fn, *args, done=..., error=...)``: ``fn`` runs in the worker lane, the callbacks on the GUI thread."""

    deliver = Signal(int, bool, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callback | None, ErrorCallback | None]] = {}
        self.deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callback | None = None,
        error: ErrorCallback | None = None,
    ) -> int:
        task_id = next(self._ids)
        was_idle = not self._callbacks
        self._callbacks[task_id] = (done, error)
        self._pool.start(_Task(self, task_id, fn, args))
        if was_idle:
            self.busy_changed.emit(True)
        return task_id

    def busy(self) -> bool:
        """True while a task runs or its result has not been delivered yet."""
        return bool(self._callbacks)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the lane is empty (shutting down, tests); results still arrive through the event loop."""
        return self._pool.waitForDone(msecs)

    @Slot(int, bool, object)
    def _on_deliver(self, task_id: int, ok: bool, payload: object) -> None:
        done, error = self._callbacks.pop(task_id, (None, None))
        try:
            if ok:
                if done is not None:
                    done(payload)
            elif isinstance(payload, BaseException):
                if error is not None:
                    error(payload)
                else:
                    traceback.print_exception(payload, file=sys.stderr)
        finally:
            if not self._callbacks:
                self.busy_changed.emit(False)
