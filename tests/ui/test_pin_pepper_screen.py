"""A real store on a PC where IT has not provisioned the PIN pepper: the counter opens, and the sign-in screen
says at once why no PIN can be checked and what IT must do (docs/security.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import Settings
from counter_app.security.pepper_source import PEPPER_ENV
from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow
from counter_app.ui.theme import apply_theme

from .helpers import WAIT_MS, FakePrompts, Keyboard


@pytest.fixture
def unprovisioned(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    monkeypatch.delenv(PEPPER_ENV, raising=False)
    monkeypatch.setattr("counter_app.security.pepper_source._from_keyring", lambda: None)
    built = build_counter(Settings(data_dir=tmp_path / "real", workstation="CH1-04"), clock=clock)
    yield built
    built.close()


def test_the_sign_in_screen_tells_it_to_provision_the_pepper(
    qtbot: object, unprovisioned: Counter, prompts: FakePrompts
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    window = MainWindow(unprovisioned.settings, lambda _settings: unprovisioned, prompts)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.start()
    qtbot.waitUntil(lambda: window.ready, timeout=WAIT_MS)  # type: ignore[attr-defined]
    status = window.login.status.text()
    assert "PIN pepper is not provisioned" in status and "counter-pin-pepper" in status
    kb = Keyboard(qtbot, window)
    window.activateWindow()
    window.login.staff_no.setFocus()
    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(window.login.error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "COUNTER_PIN_PEPPER" in window.login.error.text() and window.staff is None
    window.runner.wait()
    window.close()
