"""Sign-in: PIN hashing runs in the worker lane, the event loop keeps turning, refusals show under the PIN."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLineEdit

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow

from .helpers import WAIT_MS, Keyboard


def test_login_does_not_block_the_event_loop(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    gui_thread = threading.get_ident()
    seen: dict[str, int] = {}
    real_login = counter.auth.login

    def slow_login(staff_no: str, pin: str) -> object:
        seen["thread"] = threading.get_ident()
        time.sleep(0.25)  # a slow disk or a slow argon2 setting
        return real_login(staff_no, pin)

    monkeypatch.setattr(counter.auth, "login", slow_login)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()

    kb.type("1001")
    kb.press(Qt.Key.Key_Return, count=False)
    kb.type("1111")
    started = time.monotonic()
    kb.press(Qt.Key.Key_Return, count=False)
    assert time.monotonic() - started < 0.1  # Enter returned at once
    assert window.current == "login" and window.login.status.text() == "Checking…"
    qtbot.waitUntil(lambda: window.current == "payment", timeout=WAIT_MS)  # type: ignore[attr-defined]
    timer.stop()

    assert seen["thread"] != gui_thread
    during = [t for t in ticks if started <= t <= started + 0.25]
    assert len(during) >= 8, "the event loop stalled while the PIN was checked"


def test_wrong_pin_shows_a_message_under_the_field(qtbot: object, window: MainWindow, kb: Keyboard) -> None:
    assert window.login.pin.echoMode() == QLineEdit.EchoMode.Password
    kb.type("1001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(window.login.error.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert window.login.error.text() == "Staff number or PIN is wrong."
    assert window.login.pin.text() == "" and window.login.pin.hasFocus()
    assert window.current == "login" and window.staff is None
    kb.press(Qt.Key.Key_F4)  # global keys do nothing before sign-in
    assert window.current == "login"


def test_demo_logins_are_shown_in_demo_mode(window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    texts = {label.text() for label in window.login.findChildren(QLabel)}
    assert {"1001", "1111", "Alex Martin", "2001", "999901", "Jordan Lee"} <= texts


def test_a_pin_typed_while_the_counter_opens_signs_in_once_it_is_open(
    qtbot: object, counter: Counter
) -> None:
    from PySide6.QtWidgets import QApplication

    from .helpers import FakePrompts

    gate = threading.Event()

    def slow_build(_settings: object) -> Counter:
        gate.wait(5)
        return counter

    window = MainWindow(counter.settings, slow_build, FakePrompts(counter.settings.data_dir))
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.start()
    assert "Opening the counter" in window.login.status.text()
    qtbot.keyClicks(window.login.staff_no, "1002")  # type: ignore[attr-defined]
    qtbot.keyClick(window.login.staff_no, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.keyClicks(window.login.pin, "2222")  # type: ignore[attr-defined]
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.current == "login"
    gate.set()
    qtbot.waitUntil(lambda: window.current == "payment", timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert window.staff is not None and window.staff.name == "Priya Singh"
    window.runner.wait()
    QApplication.processEvents()
    window.close()
    window.deleteLater()


def test_a_store_that_cannot_open_says_so_on_the_sign_in_screen(qtbot: object, counter: Counter) -> None:
    from counter_app.config import Settings

    from .helpers import FakePrompts

    def broken(_settings: Settings) -> Counter:
        raise RuntimeError("counter.sqlite3 failed its integrity check. Restore it from backup.")

    window = MainWindow(counter.settings, broken, FakePrompts(counter.settings.data_dir))
    window.show()
    window.start()
    qtbot.waitUntil(lambda: "could not open" in window.login.status.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Restore it from backup" in window.login.status.text()
    window.runner.wait()
    window.close()
    window.deleteLater()
