"""Start the counter's window fast: paint the sign-in screen at once, open the store in the background.

Before the first paint only QtCore/QtGui/QtWidgets and the light domain modules are imported. ``build`` (which
imports SQLAlchemy, migrates and seeds) runs in a worker thread while the window is being shown; sign-in is
usable as soon as it returns (a PIN typed before that is checked then). QtPdf and QtPrintSupport load later,
on first use.

``startup_probe=True`` prints ``first-paint <s>`` when the sign-in window has been painted and ``ready <s>`` when
the counter is open and sign-in works, both in seconds since process start (``COUNTER_T0``, a ``time.time()``
taken by the launcher, or else the time this module was imported), then quits with 0.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from counter_app.config import Settings

if TYPE_CHECKING:
    from counter_app.services.container import Counter

_IMPORTED_AT = time.time()


def process_start() -> float:
    """The launcher's ``COUNTER_T0`` (``time.time()`` at process start) if set, else this module's import time."""
    value = os.environ.get("COUNTER_T0", "")
    try:
        return float(value) if value else _IMPORTED_AT
    except ValueError:
        return _IMPORTED_AT


class _FirstPaint(QObject):
    """Calls ``then`` once, just after the watched widget's first paint has been handled."""

    def __init__(self, watched: QObject, then: Callable[[], None]) -> None:
        super().__init__(watched)
        self._then: Callable[[], None] | None = then
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)  # after this paint is finished and flushed
        return False


def run_gui(
    settings: Settings,
    build: Callable[[Settings], Counter],
    argv: list[str] | None = None,
    startup_probe: bool = False,
) -> int:
    t0 = process_start()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Counter")
    app.setOrganizationName("City of Lethbridge")

    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.theme import apply_theme

    apply_theme(app)
    if not settings.workstation:  # a real counter's first start: its name, before the store is made
        from dataclasses import replace

        from counter_app.ui.first_start import ask_workstation_name

        name = ask_workstation_name()
        if name is None:
            return 0
        settings = replace(settings, workstation=name, workstation_source="the first start")
    window = MainWindow(settings, build)
    # Open the store now, in the worker lane: SQLAlchemy's import overlaps Qt's native work of showing the window
    # (measured: first paint unchanged, ready ~0.08 s sooner than starting after the paint).
    window.start()

    exit_code = 0
    if startup_probe:
        _FirstPaint(window.login, lambda: print(f"first-paint {time.time() - t0:.3f}", flush=True))

        def ready(_counter: object) -> None:
            print(f"ready {time.time() - t0:.3f}", flush=True)
            QTimer.singleShot(0, app.quit)

        def failed(message: str) -> None:
            nonlocal exit_code
            print(f"ready failed: {message}", flush=True)
            exit_code = 1
            QTimer.singleShot(0, app.quit)

        window.session.ready.connect(ready)
        window.session.start_failed.connect(failed)

    screen = app.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (available.width() <= 1400 or available.height() <= 800):
        window.showMaximized()
    else:
        window.resize(1366, 768)
        window.show()
    rc = app.exec()
    window.shutdown()
    return exit_code or rc
