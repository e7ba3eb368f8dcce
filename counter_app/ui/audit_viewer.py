"""The audit trail for supervisors: who did what, when, where, with what outcome; filters; and a chain check."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from counter_app.security.audit_chain import AuditEntry
from counter_app.ui.table_models import RIGHT, Column, RowsModel
from counter_app.ui.widgets import EnterLineEdit, FieldError, HintBar, Notice, add_shortcut, list_table, set_state

AUDIT_HINTS = (("Enter", "Search"), ("F9", "Verify the chain"), ("Ctrl+F", "Filters"), ("Ctrl+R", "Refresh"),
               ("Esc", "Back"), ("F1", "Help"))
AUDIT_KEYS = (
    ("Ctrl+F", "Go to the filters (action, staff number, outcome, from date)"),
    ("Enter", "In a filter: search"),
    ("Tab", "Next filter; from the last one, the list"),
    ("Up / Down", "Move in the list (the full entry shows below it)"),
    ("F9", "Verify the whole audit chain (edited, deleted, inserted or cut entries)"),
    ("Ctrl+R", "Search again"),
    ("Esc", "Back to the payment screen"),
)

#: What the services record, in the words the filter shows.
ACTIONS = (
    ("login", "Sign-in"), ("lockout", "Lockout"), ("approval", "Approval PIN"), ("override", "Supervisor override"),
    ("sale", "Sale"), ("void", "Void"), ("refund", "Refund"), ("reprint", "Reprint"), ("export", "Export"),
    ("drawer_open", "Drawer opened"), ("drawer_close", "Drawer closed"), ("paid_in", "Paid in"),
    ("paid_out", "Paid out"), ("no_sale", "No-sale open"), ("fee_change", "Fee schedule change"),
    ("staff_create", "Staff created"), ("staff_disable", "Staff disabled"), ("staff_enable", "Staff enabled"),
    ("staff_reset_pin", "PIN reset"), ("staff_unlock", "Staff unlocked"), ("settings", "Settings"),
)
OUTCOMES = (("", "Any outcome"), ("ok", "ok"), ("refused", "refused"), ("failed", "failed"))


def since_iso(text: str, tz: tzinfo | None) -> str | None:
    """"2026-11-25" (local) as the ISO UTC instant the audit trail stores; "" for none; ValueError if unreadable."""
    value = text.strip()
    if not value:
        return None
    day = date.fromisoformat(value)
    local = datetime(day.year, day.month, day.day, tzinfo=tz or UTC)
    return local.astimezone(UTC).isoformat(timespec="microseconds")


def detail_text(entry: AuditEntry) -> str:
    """"reason: wrong number or PIN · attempts: 5": the details in words, not JSON."""
    parts = []
    for key, value in sorted((entry.detail or {}).items()):
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                                 default=str)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return " · ".join(parts)[:400]


class AuditModel(RowsModel[AuditEntry]):
    SEQ, TIME, STATION, ACTOR, ACTION, OUTCOME, OBJECT, DETAIL = range(8)

    def __init__(self, tz: tzinfo | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        labels = dict(ACTIONS)
        self.columns = (
            Column("No.", lambda e: str(e.seq), RIGHT),
            Column("Time", lambda e: datetime.fromisoformat(e.at).astimezone(self.tz).strftime("%b %d %H:%M:%S")),
            Column("Where", lambda e: e.workstation),
            Column("Staff", lambda e: e.actor or "—"),
            Column("Action", lambda e: labels.get(e.action, e.action)),
            Column("Outcome", lambda e: e.outcome),
            Column("Object", lambda e: e.object_ref or ""),
            Column("Detail", detail_text),
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self._rows)
                and self._rows[index.row()].outcome != "ok"):
            return QColor("#9b1c1c")
        return super().data(index, role)


class AuditScreen(QWidget):
    search = Signal(object)  # {"action", "actor", "outcome", "since"}
    verify = Signal()
    back = Signal()

    def __init__(self, tz: tzinfo | None, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditScreen")
        self.tz = tz
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 10)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(AUDIT_HINTS))

        filters = QFrame()
        filters.setObjectName("panel")
        grid = QGridLayout(filters)
        grid.setContentsMargins(14, 8, 14, 8)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem("Any action", "")
        for code, words in ACTIONS:
            self.action.addItem(words, code)
        self.actor = EnterLineEdit()
        self.actor.setObjectName("auditActor")
        self.actor.setMaxLength(10)
        self.actor.setPlaceholderText("any, e.g. 1001")
        self.outcome = QComboBox()
        self.outcome.setObjectName("auditOutcome")
        for code, words in OUTCOMES:
            self.outcome.addItem(words, code)
        self.since = EnterLineEdit()
        self.since.setObjectName("auditSince")
        self.since.setMaxLength(10)
        self.since.setPlaceholderText("YYYY-MM-DD")
        self.since.setText(today.isoformat())
        self.since_error = FieldError()
        for col, (caption, widget) in enumerate((("Action", self.action), ("Staff number", self.actor),
                                                 ("Outcome", self.outcome), ("From date", self.since))):
            label = QLabel(caption)
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            grid.addWidget(label, 0, col)
            grid.addWidget(widget, 1, col)
        grid.addWidget(self.since_error, 2, 0, 1, 4)
        body.addWidget(filters)

        self.chain = QLabel("Chain not checked yet: F9 verifies every entry.")
        self.chain.setObjectName("auditChain")
        self.chain.setWordWrap(True)
        self.chain.setTextFormat(Qt.TextFormat.PlainText)
        head = QHBoxLayout()
        self.count = QLabel("")
        self.count.setObjectName("muted")
        head.addWidget(self.chain, 1)
        head.addWidget(self.count)
        body.addLayout(head)

        self.model = AuditModel(tz, self)
        self.view = list_table(self.model, "auditList", row_height=30, stretch=AuditModel.DETAIL, tab_moves_focus=True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(AuditModel.OBJECT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(AuditModel.OBJECT, 220)  # drawer ids are long: the full entry shows below the list
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        body.addWidget(self.view, 1)
        self.entry = QLabel("")
        self.entry.setObjectName("auditEntry")
        self.entry.setWordWrap(True)
        self.entry.setTextFormat(Qt.TextFormat.PlainText)
        self.entry.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.entry)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.setFocusProxy(self.view)

        for field in (self.actor, self.since):
            field.returnPressed.connect(self.request)
        for combo in (self.action, self.outcome):
            add_shortcut(combo, "Return", self.request, focused_only=True)
            add_shortcut(combo, "Enter", self.request, focused_only=True)
        self.since.textEdited.connect(lambda _t: self.since_error.clear_message())
        add_shortcut(self, "F9", self.verify.emit)  # F8 is the window-wide "new referral"
        add_shortcut(self, "Ctrl+R", self.request)
        add_shortcut(self, "Ctrl+F", lambda: self.action.setFocus(Qt.FocusReason.ShortcutFocusReason))
        add_shortcut(self, "Esc", self.back.emit)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_entry(cur.row()))
        QWidget.setTabOrder(self.action, self.actor)
        QWidget.setTabOrder(self.actor, self.outcome)
        QWidget.setTabOrder(self.outcome, self.since)
        QWidget.setTabOrder(self.since, self.view)

    def request(self) -> None:
        try:
            since = since_iso(self.since.text(), self.tz)
        except ValueError:
            self.since_error.show_message("Type the date as year-month-day, e.g. 2026-11-25, or leave it empty.")
            self.since.setFocus()
            self.since.selectAll()
            return
        self.since_error.clear_message()
        self.search.emit({"action": self.action.currentData() or None, "actor": self.actor.text().strip() or None,
                          "outcome": self.outcome.currentData() or None, "since": since})

    def set_entries(self, entries: list[AuditEntry], limit: int) -> None:
        self.model.set_rows(entries)
        more = " (the newest; narrow the filters to see older ones)" if len(entries) >= limit else ""
        self.count.setText(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}{more}")
        if entries:
            self.view.selectRow(0)
            self._show_entry(0)
        else:
            self.entry.setText("No entry matches these filters.")

    def _show_entry(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        e = self.model.row(row)
        at = datetime.fromisoformat(e.at).astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")
        parts = [f"Entry {e.seq} · {at} · {e.workstation} · staff {e.actor or '—'} · {e.action} · {e.outcome}"]
        if e.object_ref:
            parts.append(f"object {e.object_ref}")
        if e.detail:
            parts.append(detail_text(e))
        self.entry.setText(" · ".join(parts))

    def set_chain(self, text: str, tone: str) -> None:
        self.chain.setText(text)
        set_state(self.chain, "tone", tone)

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
