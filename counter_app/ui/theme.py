"""The counter's look: one stylesheet (resources/theme.qss), the Fusion style, DejaVu Sans at a readable size."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

FONT_FAMILY = "DejaVu Sans"
BASE_POINT_SIZE = 12


def load_stylesheet() -> str:
    from counter_app.resources import resource_path

    try:
        return resource_path("theme.qss").read_text(encoding="utf-8")
    except OSError:
        return ""  # the app still works, in Qt's plain look


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(FONT_FAMILY, BASE_POINT_SIZE)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    app.setStyleSheet(load_stylesheet())
