"""Guard against a Qt binding that loses references to None (PySide6 6.12.0 on Python 3.11 did, and the
interpreter aborted after a few thousand widget updates in a shift)."""

import sys

from PySide6.QtWidgets import QLabel


def test_widget_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5_000):
        label.setText("$20.00")
        label.setVisible(True)
    assert sys.getrefcount(None) >= before - 50
