"""How a feature adds itself to the main window without editing it: screens, keys, status items, hooks.

Each feature lives in its own module exposing ``install(ctx: FeatureContext) -> None``. The window installs the
modules listed in :data:`FEATURE_MODULES` once the counter is open; a module that does not exist is skipped.
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from counter_app.ui import keymap

if TYPE_CHECKING:
    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.prompts import Prompts
    from counter_app.ui.workers import TaskRunner

#: Feature modules, installed in this order.
FEATURE_MODULES = (
    "counter_app.ui.questions_feature",
    "counter_app.ui.end_of_day_feature",
    "counter_app.ui.sync_feature",
    "counter_app.ui.security_feature",
)


class FeatureContext(QObject):
    """What a feature may use: the services, the worker lane, the window's navigation and its events."""

    signed_in = Signal(object)  # StaffMember
    signed_out = Signal()
    payment_completed = Signal(object)  # CompletedPayment
    resident_changed = Signal(str)  # the new visit id (F12 / Ctrl+N, or sign-in)
    screen_shown = Signal(str)

    def __init__(self, window: MainWindow, counter: Counter, runner: TaskRunner, prompts: Prompts) -> None:
        super().__init__(window)
        self.window = window
        self.counter = counter
        self.runner = runner
        self.prompts = prompts
        self.visit_id: str | None = None
        self._features: list[Any] = []

    @property
    def staff(self) -> StaffMember | None:
        return self.window.staff

    # -- the resident at the counter ------------------------------------------------------------------------
    def new_visit(self) -> str:
        """End the current resident's visit and start the next one (both recorded in the worker lane)."""
        staff = self.staff
        previous, self.visit_id = self.visit_id, None
        if previous:
            self.runner.run(self.counter.visits.end_visit, previous)
        if staff is None:
            return ""
        self.visit_id = str(uuid.uuid4())
        self.runner.run(self.counter.visits.start_visit, staff, self.visit_id)
        self.resident_changed.emit(self.visit_id)
        return self.visit_id

    def end_visit(self) -> None:
        if self.visit_id:
            self.runner.run(self.counter.visits.end_visit, self.visit_id)
        self.visit_id = None

    # -- the window -------------------------------------------------------------------------------------------
    def register_screen(self, name: str, widget: QWidget, title: str, keys: tuple[tuple[str, str], ...] = (),
                        hints: tuple[tuple[str, str], ...] = ()) -> None:
        """Add a screen to the window's stack, with its title and the keys the help overlay lists."""
        keymap.TITLES[name] = title
        keymap.SCREEN_KEYS[name] = keys
        keymap.HINTS[name] = hints or (("F1", "Help"),)
        self.window.screens[name] = widget
        self.window.stack.addWidget(widget)

    def show_screen(self, name: str) -> None:
        if self.staff is not None:
            self.window.show_screen(name)

    def add_shortcut(self, keys: str, slot: Callable[[], None], help_text: str = "", always: bool = False) -> None:
        """A window-wide key, active while someone is signed in (or always)."""
        self.window.add_shortcut(keys, slot, always)
        if help_text and (keys, help_text) not in keymap.GLOBAL_KEYS:
            keymap.GLOBAL_KEYS = (*keymap.GLOBAL_KEYS, (keys, help_text))

    def add_status_widget(self, widget: QWidget) -> None:
        """On the right of the status bar, before the sync status and the clock."""
        self.window.statusBar().insertPermanentWidget(self.window.status_items, widget)

    def tell(self, message: str, tone: str = "info") -> None:
        """Show a message on the current screen's notice line (errors, successes)."""
        self.window.tell(message, tone)


def install_features(ctx: FeatureContext) -> list[str]:
    """Install every feature module present; returns the names installed."""
    installed = []
    for name in FEATURE_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        module.install(ctx)
        installed.append(name)
    return installed
