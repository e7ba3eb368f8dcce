"""The sync log: recent runs (time, records, result, message) and, for a supervisor, records the centre refused."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.services.records_sync import SyncLogEntry
from counter_app.ui.sync_status import run_message
from counter_app.ui.table_models import RIGHT, Column, RowsModel
from counter_app.ui.widgets import HintBar, Notice, add_shortcut, list_table, set_state

SYNC_LOG_HINTS = (("Ctrl+Shift+S", "Sync now"), ("Ctrl+R", "Refresh"), ("Up / Down", "Choose a run"),
                  ("Ctrl+T", "Send refused again"), ("Esc", "Back"), ("F1", "Help"))
SYNC_LOG_KEYS = (
    ("Ctrl+Shift+S", "Sync now: send waiting records to the central 311 database"),
    ("Ctrl+R", "Refresh the log"),
    ("Up / Down", "Move in the list (the full message shows below it)"),
    ("Tab", "Move between the log and the refused records (supervisors)"),
    ("Ctrl+T", "Send the refused records again (supervisors; `counter-app sync refused --export` saves them)"),
    ("Esc", "Back to the payment screen"),
)
CONFLICTS_ABOUT = ("The central database refused these records: it holds something else under their id or number, "
                   "or could not store their data. Each is kept here, never overwritten or dropped: read why, have "
                   "the cause fixed, then send them again (Ctrl+T). IT can save them whole with "
                   "`counter-app sync refused --export FILE`.")


class SyncLogModel(RowsModel[SyncLogEntry]):
    TIME, RECORDS, RESULT, MESSAGE = range(4)

    def __init__(self, tz: tzinfo | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.columns = (
            Column("Time", lambda e: e.at.astimezone(self.tz).strftime("%b %d %H:%M:%S")),
            Column("Records", lambda e: str(e.records), RIGHT),
            Column("Result", lambda e: "OK" if e.ok else "FAILED"),
            Column("Message", lambda e: run_message(e.message)),
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self._rows)
                and not self._rows[index.row()].ok):
            from PySide6.QtGui import QColor

            return QColor("#9b1c1c")
        return super().data(index, role)


class ConflictsModel(RowsModel[tuple[int, str, str, str]]):
    columns = (
        Column("No.", lambda c: str(c[0]), RIGHT),
        Column("Record", lambda c: c[1].replace("_", " ")),
        Column("Id", lambda c: c[2]),
        Column("Why", lambda c: c[3]),
    )


class SyncLogScreen(QWidget):
    refresh_requested = Signal()
    retry_requested = Signal()
    back = Signal()

    def __init__(self, tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncLogScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(6)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(SYNC_LOG_HINTS))

        self.state = QLabel("")
        self.state.setObjectName("syncState")
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        body.addWidget(self.state)
        self.detail = QLabel("")
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        body.addWidget(self.detail)

        head = QHBoxLayout()
        title = QLabel("Recent sync runs")
        title.setObjectName("sectionTitle")
        self.count = QLabel("")
        self.count.setObjectName("muted")
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.count)
        body.addLayout(head)
        self.model = SyncLogModel(tz, self)
        self.view = list_table(self.model, "syncLogList", row_height=32, stretch=SyncLogModel.MESSAGE,
                               tab_moves_focus=True)
        body.addWidget(self.view, 3)
        self.message = QLabel("")
        self.message.setObjectName("syncMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        body.addWidget(self.message)

        self.conflicts_title = QLabel("Records refused by the centre (a supervisor reviews them)")
        self.conflicts_title.setObjectName("sectionTitle")
        body.addWidget(self.conflicts_title)
        self.conflicts_about = QLabel(CONFLICTS_ABOUT)
        self.conflicts_about.setObjectName("muted")
        self.conflicts_about.setWordWrap(True)
        body.addWidget(self.conflicts_about)
        self.conflicts_model = ConflictsModel(self)
        self.conflicts = list_table(self.conflicts_model, "syncConflicts", row_height=32, stretch=3,
                                    tab_moves_focus=True)
        body.addWidget(self.conflicts, 2)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.show_conflicts(False)
        self.setFocusProxy(self.view)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_message(current.row()))
        add_shortcut(self, "Ctrl+R", self.refresh_requested.emit)
        add_shortcut(self, "Ctrl+T", self.retry_requested.emit)
        add_shortcut(self, "Esc", self.back.emit)

    def show_conflicts(self, visible: bool) -> None:
        for widget in (self.conflicts_title, self.conflicts_about, self.conflicts):
            widget.setVisible(visible)

    def set_state(self, text: str, tone: str, tooltip: str) -> None:
        self.state.setText(text)
        set_state(self.state, "tone", tone)
        self.detail.setText(tooltip)

    def set_log(self, entries: list[SyncLogEntry]) -> None:
        self.model.set_rows(entries)
        failed = sum(1 for e in entries if not e.ok)
        self.count.setText(f"{len(entries)} run(s) shown, {failed} failed" if entries else "No sync runs yet.")
        if entries:
            self.view.selectRow(0)
            self._show_message(0)
        else:
            self.message.setText("")

    def set_conflicts(self, rows: list[tuple[int, str, str, str]]) -> None:
        self.conflicts_model.set_rows(rows)
        self.conflicts_about.setText(CONFLICTS_ABOUT if rows else "No record has been refused by the centre.")

    def _show_message(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            entry = self.model.row(row)
            self.message.setText(("OK: " if entry.ok else "Failed: ") + run_message(entry.message)
                                 + ("" if entry.message == run_message(entry.message) else f"  ({entry.message})"))

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
