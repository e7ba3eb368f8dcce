"""The worker lane runs calls off the GUI thread, in order, and delivers results and errors on the GUI thread."""

from __future__ import annotations

import threading

from counter_app.payments.errors import PaymentError
from counter_app.ui.workers import TaskRunner


def test_results_and_errors_come_back_on_the_gui_thread_in_order(qtbot: object) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    ran_on: list[int] = []
    got: list[tuple[bool, object]] = []
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)

    def work(n: int) -> int:
        ran_on.append(threading.get_ident())
        return n * 2

    def fail() -> None:
        raise PaymentError("No bill on file for 1000-002: check the bill.", "account")

    for n in range(5):
        runner.run(work, n, done=lambda r: got.append((threading.get_ident() == gui, r)))
    runner.run(fail, error=lambda e: got.append((threading.get_ident() == gui, e)))
    assert runner.busy()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=5000)  # type: ignore[attr-defined]
    assert [r for _, r in got[:5]] == [0, 2, 4, 6, 8]
    assert all(on_gui for on_gui, _ in got)
    error = got[5][1]
    assert isinstance(error, PaymentError) and error.field == "account"
    assert gui not in ran_on
    assert busy == [True, False]
