"""Widgets the drawer screens share: report sections in columns, a panel of big keys, and the printable page."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.ui.eod_reports import Section

CITY = "City of Lethbridge · 311 Payments and Customer Service"


class SectionsView(QFrame):
    """Report sections laid out in columns: a heading, then label and value rows (values right-aligned)."""

    def __init__(self, columns: int = 3, strong: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(18, 12, 18, 12)
        self._row.setSpacing(28)
        self._columns = columns
        self.strong = set(strong)
        self.values: dict[str, QLabel] = {}

    def set_sections(self, columns: list[list[Section]]) -> None:
        while self._row.count():
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.values.clear()
        for sections in columns:
            column = QWidget()
            grid = QGridLayout(column)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(3)
            row = 0
            for heading, rows in sections:
                head = QLabel(heading)
                head.setObjectName("sectionTitle")
                if row:
                    grid.setRowMinimumHeight(row, 8)
                    row += 1
                grid.addWidget(head, row, 0, 1, 2)
                row += 1
                for label, value in rows:
                    name = QLabel(label)
                    name.setObjectName("reportLabel")
                    name.setWordWrap(True)
                    shown = QLabel(value)
                    shown.setObjectName("reportStrong" if label in self.strong else "reportValue")
                    shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                    shown.setWordWrap(len(value) > 28)
                    shown.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                    if label in self.strong:
                        name.setObjectName("reportStrong")
                    grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
                    grid.addWidget(shown, row, 1)
                    self.values.setdefault(label, shown)
                    row += 1
            grid.setColumnStretch(0, 1)
            grid.setRowStretch(row, 1)
            self._row.addWidget(column, 1)

    def value(self, label: str) -> str:
        """The value shown for ``label`` (first occurrence), for tests and screenshots."""
        shown = self.values.get(label)
        return shown.text() if shown is not None else ""


class KeyPanel(QFrame):
    """Big key caps with what they do: the actions of a screen, visible without F1."""

    def __init__(self, keys: tuple[tuple[str, str], ...], title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(6)
        if title:
            head = QLabel(title)
            head.setObjectName("sectionTitle")
            box.addWidget(head)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.texts: dict[str, QLabel] = {}
        for row, (key, text) in enumerate(keys):
            cap = QLabel(key)
            cap.setObjectName("bigKeyCap")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label = QLabel(text)
            label.setObjectName("bigKeyText")
            label.setWordWrap(True)
            grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            self.texts[key] = label
        grid.setColumnStretch(1, 1)
        box.addLayout(grid)
        box.addStretch(1)


def report_html(title: str, subtitle: str, sections: list[Section]) -> str:
    """The report as a plain HTML page for the print dialog and the PDF: the city, the title, then the rows."""
    parts = [
        "<html><body style='font-family: \"DejaVu Sans\"; font-size: 9pt; color: #000'>",
        f"<p style='font-size: 9pt; margin: 0'>{escape(CITY)}</p>",
        f"<h2 style='margin: 4px 0 2px 0'>{escape(title)}</h2>",
        f"<p style='margin: 0 0 8px 0'>{escape(subtitle)}</p>",
        "<table width='100%' cellspacing='0' cellpadding='1'>",
    ]
    for heading, rows in sections:
        parts.append(f"<tr><td colspan='2' style='padding-top: 6px; font-weight: bold; border-bottom: 1px solid "
                     f"#000'>{escape(heading)}</td></tr>")
        for label, value in rows:
            parts.append(f"<tr><td>{escape(label)}</td><td align='right'>{escape(value)}</td></tr>")
    parts.append("</table>")
    parts.append("<p style='margin-top: 18px'>Cashier signature: ____________________ &nbsp; Supervisor signature: "
                 "____________________</p>")
    parts.append("</body></html>")
    return "".join(parts)
