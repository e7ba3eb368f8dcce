"""The Z report preview right after a close: its number, the count against what was expected, and the totals."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.payments.money import format_money
from counter_app.ui.eod_reports import ZReport, z_report_sections
from counter_app.ui.eod_widgets import KeyPanel, SectionsView
from counter_app.ui.widgets import AmountTile, HintBar, Notice, add_shortcut, set_state

KEYS = (
    ("Ctrl+P", "Print the Z report (the receipt printer when one is set up, else the print dialog); again to "
               "reprint"),
    ("Ctrl+S", "Save the Z report as PDF"),
    ("E", "Export the reconciliation for finance"),
    ("Enter / Esc", "Back to the drawer screen"),
)
HINTS = (("Ctrl+P", "Print"), ("Ctrl+S", "Save PDF"), ("E", "Export"), ("Esc", "Back"), ("F1", "Help"))


class ZReportScreen(QWidget):
    action = Signal(str)  # print | save | export
    back = Signal()

    def __init__(self, tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zReportScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tz = tz
        self.report: ZReport | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 10)
        body.setSpacing(10)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS))

        tiles = QHBoxLayout()
        tiles.setSpacing(14)
        self.number_tile = AmountTile("Z REPORT", "zNumber")
        self.outcome_tile = AmountTile("OVER / SHORT", "overShort")
        self.cash_tile = AmountTile("COUNTED CASH", "counted")
        for tile in (self.number_tile, self.outcome_tile, self.cash_tile):
            tile.value.setObjectName("zTileValue")
            tiles.addWidget(tile, 1)
        body.addLayout(tiles)

        row = QHBoxLayout()
        row.setSpacing(14)
        self.sections = SectionsView(strong=("Over / short", "Expected cash", "Counted cash", "Z number"))
        row.addWidget(self.sections, 1)
        side = QVBoxLayout()
        self.keys = KeyPanel((("Ctrl+P", "Print"), ("Ctrl+S", "Save as PDF"), ("E", "Export for finance"),
                              ("Esc", "Back to the drawer")), "Keys")
        self.keys.setFixedWidth(260)
        side.addWidget(self.keys)
        self.printer_label = QLabel("")
        self.printer_label.setObjectName("muted")
        self.printer_label.setWordWrap(True)
        self.printer_label.setFixedWidth(260)
        side.addWidget(self.printer_label)
        side.addStretch(1)
        row.addLayout(side)
        body.addLayout(row, 1)
        self.notice = Notice()
        body.addWidget(self.notice)

        add_shortcut(self, "Ctrl+P", lambda: self.action.emit("print"))
        add_shortcut(self, "Ctrl+S", lambda: self.action.emit("save"))
        add_shortcut(self, "E", lambda: self.action.emit("export"))
        for key in ("Esc", "Return", "Enter"):
            add_shortcut(self, key, self.back.emit)

    def show_report(self, report: ZReport) -> None:
        self.report = report
        session = report.session
        self.number_tile.set_amount(report.number, f"{session.cashier} · {session.workstation}")
        self.outcome_tile.caption.setText("OVER / SHORT")
        self.outcome_tile.set_amount(report.outcome, f"Approved by {report.supervisor}" if report.supervisor
                                     else "Within tolerance" if session.close_supervisor_id is None else "")
        tone = "balanced" if report.outcome == "Balanced" else ("short" if report.outcome.startswith("Short")
                                                               else "over")
        set_state(self.outcome_tile, "outcome", tone)
        self.cash_tile.set_amount(format_money(report.counted_cents),
                                  f"Expected {format_money(session.expected_cents or 0)}")
        drawer, count, sales, tenders, cash, cards = z_report_sections(report, self.tz)
        self.sections.set_sections([[drawer, count], [sales, tenders], [cash, cards]])
        self.notice.say(f"Drawer closed. Z report {report.number} is issued; its receipts can no longer be voided "
                        "(a refund is a new payment).", "success")

    def set_printer(self, description: str) -> None:
        self.printer_label.setText(f"{description}.")

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
