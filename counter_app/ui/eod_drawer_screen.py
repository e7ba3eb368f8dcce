"""The Drawer screen: the cashier's open drawer with its running totals (the X report) and the cash actions.

An X report shows the expected cash: it is a running total and closes nothing. The close itself is blind (see
:mod:`counter_app.ui.eod_close_screen`).
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from counter_app.payments.money import format_money
from counter_app.ui.eod_reports import XReport, movement_section, x_report_sections
from counter_app.ui.eod_widgets import KeyPanel, SectionsView
from counter_app.ui.widgets import HintBar, Notice, add_shortcut

ACTIONS = (  # key, action, on the screen's key panel, in the F1 help
    ("I", "paid_in", "Paid in", "Paid in: cash put into the drawer (a supervisor approves)"),
    ("O", "paid_out", "Paid out", "Paid out: cash taken out for a purpose (a supervisor approves)"),
    ("P", "pickup", "Pickup to the safe", "Pickup: cash dropped to the safe during the day"),
    ("N", "no_sale", "No sale", "No sale: open the drawer with no money moving (a supervisor approves)"),
    ("C", "close", "Close the drawer", "Close the drawer: blind count, then the Z report"),
    ("Ctrl+P", "print", "Print the X report", "Print the X report (receipt printer, or the print dialog)"),
    ("E", "export", "Export for finance", "Export the reconciliation for finance"),
)
KEYS = (
    *((key, text) for key, _action, _short, text in ACTIONS),
    ("X / Ctrl+R", "Refresh the running totals (X report)"),
    ("Z", "Show the last Z report again"),
    ("Enter", "No drawer open: count the float and open it"),
    ("Esc", "Back to the payment screen"),
)
HINTS = (("I", "Paid in"), ("O", "Paid out"), ("P", "Pickup"), ("N", "No sale"), ("C", "Close drawer"),
         ("Ctrl+P", "Print X"), ("E", "Export"), ("Esc", "Back"), ("F1", "Help"))


class DrawerScreen(QWidget):
    action = Signal(str)  # paid_in | paid_out | pickup | no_sale | close | print | export | refresh | open | last_z
    back = Signal()

    def __init__(self, tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawerScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tz = tz
        self.report: XReport | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 10)
        body.setSpacing(8)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS))

        head = QHBoxLayout()
        self.title = QLabel("Your drawer")
        self.title.setObjectName("screenTitle")
        self.state = QLabel("")
        self.state.setObjectName("drawerState")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.state)
        body.addLayout(head)
        self.about = QLabel("X report: the running totals of your open drawer, including the cash it should hold. "
                            "Nothing is closed or numbered. A supervisor approves paid in, paid out and no sale.")
        self.about.setObjectName("muted")
        self.about.setWordWrap(True)
        body.addWidget(self.about)

        row = QHBoxLayout()
        row.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(8)
        self.sections = SectionsView(strong=("Expected cash in the drawer", "Total taken"))
        left.addWidget(self.sections, 3)
        self.empty = QFrame()
        self.empty.setObjectName("panel")
        empty_box = QVBoxLayout(self.empty)
        empty_box.setContentsMargins(24, 24, 24, 24)
        self.empty_title = QLabel("No drawer open")
        self.empty_title.setObjectName("panelTitle")
        self.empty_text = QLabel("Press Enter to count your float and open your drawer.")
        self.empty_text.setObjectName("bigKeyText")
        self.empty_text.setWordWrap(True)
        empty_box.addWidget(self.empty_title)
        empty_box.addWidget(self.empty_text)
        empty_box.addStretch(1)
        left.addWidget(self.empty, 3)
        self.moves_title = QLabel("Cash movements")
        self.moves_title.setObjectName("sectionTitle")
        left.addWidget(self.moves_title)
        self.moves = QListWidget()
        self.moves.setObjectName("movementList")
        self.moves.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.moves.setMaximumHeight(150)
        left.addWidget(self.moves, 1)
        row.addLayout(left, 1)
        self.keys = KeyPanel(tuple((k, short) for k, _a, short, _t in ACTIONS), "Keys")
        self.keys.setFixedWidth(300)
        row.addWidget(self.keys)
        body.addLayout(row, 1)
        self.notice = Notice()
        body.addWidget(self.notice)

        for key, name, _short, _text in ACTIONS:
            add_shortcut(self, key, partial(self.action.emit, name))
        for key, name in (("X", "refresh"), ("Ctrl+R", "refresh"), ("Z", "last_z"), ("Return", "open"),
                          ("Enter", "open")):
            add_shortcut(self, key, partial(self.action.emit, name))
        add_shortcut(self, "Esc", self.back.emit)
        self.show_report(None)

    def show_loading(self) -> None:
        self.state.setText("Reading your drawer…")

    def show_report(self, report: XReport | None, cashier: str = "") -> None:
        self.report = report
        if cashier:
            self.title.setText(f"Your drawer · {cashier}")
        has = report is not None
        self.sections.setVisible(has)
        self.keys.setEnabled(has)
        self.empty.setVisible(not has)
        self.moves_title.setVisible(has)
        self.about.setVisible(has)
        self.moves.setVisible(has)
        if report is None:
            self.state.setText("Drawer closed")
            return
        session = report.session
        opened = session.opened_at.astimezone(self.tz).strftime("%H:%M") if self.tz else f"{session.opened_at:%H:%M}"
        self.state.setText(f"Open since {opened} on {session.workstation} · float {format_money(session.float_cents)}")
        drawer, sales, tenders, cash = x_report_sections(report, self.tz)
        self.sections.set_sections([[drawer, tenders], [sales], [cash]])
        heading, rows = movement_section(report.recon, self.tz)
        self.moves_title.setText(heading)
        self.moves.clear()
        for label, value in rows:
            self.moves.addItem(f"{label}  ·  {value}" if value != "-" else "No paid-ins, paid-outs, pickups or "
                               "no-sales yet.")

    def set_closed_text(self, text: str) -> None:
        self.empty_text.setText(text)

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
