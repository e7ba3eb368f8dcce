"""UI fixtures: the real main window on a real demo store (tests/conftest.py's ``counter``), driven by keys only.

``kb`` types into whatever has the keyboard focus, as a cashier's keyboard does, and counts key actions;
``kb.scan`` is the barcode scanner (digits + Enter), which the key budgets do not count.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow
from counter_app.ui.theme import apply_theme

from .helpers import WAIT_MS, FakePrompts, Keyboard, sign_in


@pytest.fixture(scope="session")
def _store_templates() -> dict[date, Path]:
    return {}


@pytest.fixture
def bare_counter(
    tmp_path: Path, clock: FixedClock, tmp_path_factory: pytest.TempPathFactory, _store_templates: dict[date, Path]
) -> Iterator[Counter]:
    """tests/conftest.py's demo store, copied from one built once per session: a fresh build (migrations and
    seeding) costs about a second, a copy 0.05 s, and the UI suite builds one per test."""
    settings = Settings(data_dir=tmp_path, workstation="CH1-02", demo=True)
    template = _store_templates.get(clock.today())
    if template is None:
        template = tmp_path_factory.mktemp("store-template")
        build_counter(Settings(data_dir=template, workstation="CH1-02", demo=True), clock=clock).close()
        _store_templates[clock.today()] = template
    for file in template.iterdir():
        if file.name.startswith(settings.db_path.name):
            shutil.copy2(file, tmp_path / file.name)
    built = build_counter(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def prompts(tmp_path: Path) -> FakePrompts:
    folder = tmp_path / "saved"
    folder.mkdir()
    return FakePrompts(folder)


@pytest.fixture
def window(qtbot: object, counter: Counter, prompts: FakePrompts) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    main = MainWindow(counter.settings, lambda _settings: counter, prompts)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)  # type: ignore[attr-defined]
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]
    main.start()
    qtbot.waitUntil(lambda: main.ready, timeout=WAIT_MS)  # type: ignore[attr-defined]
    yield main
    main.runner.wait()
    QApplication.processEvents()
    if main.payment_vm is not None:
        main.payment_vm.sale.tenders.clear()  # let the window close at teardown
    main.shutdown()
    main.close()
    main.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def kb(qtbot: object, window: MainWindow) -> Keyboard:
    return Keyboard(qtbot, window)


@pytest.fixture
def cashier(qtbot: object, kb: Keyboard, window: MainWindow) -> MainWindow:
    """The window with Alex Martin (cashier 1001) signed in, on the payment screen."""
    sign_in(qtbot, kb, window)
    return window
