"""Export the reconciliation for finance: date, scope, folder; a progress bar while it is written; the files.

The export runs in the worker lane; the service reports its steps from there and the bar follows them through a
queued signal, so the window keeps answering while the PDF and the workbook are drawn.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QListView,
    QListWidget,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.records_drawer import DrawerSession
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice, add_shortcut, set_state

DAY_SCOPE = "day"


def default_folder() -> Path:
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / "Counter exports"


def session_label(session: DrawerSession, tz: Any) -> str:
    opened = session.opened_at.astimezone(tz).strftime("%H:%M") if tz else f"{session.opened_at:%H:%M}"
    if session.is_open:
        return f"Drawer of {session.cashier} · open since {opened} (no Z report yet)"
    closed = session.closed_at.astimezone(tz).strftime("%H:%M") if session.closed_at and tz else ""
    return f"Drawer of {session.cashier} · {session.z_number} · closed {closed}".rstrip()


def _size(n: object) -> str:
    size = int(n) if isinstance(n, int) else 0
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


class ExportDialog(QDialog):
    """Enter moves on; Ctrl+Enter exports; Ctrl+O chooses the folder; Esc closes (not while writing)."""

    date_changed = Signal(object)  # date
    export_requested = Signal(object, object, object)  # date, folder Path, DrawerSession or None (the day)
    choose_folder = Signal()

    def __init__(self, today: date, folder: Path, can_export_day: bool, tz: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export for finance")
        self.setModal(True)
        self.setMinimumWidth(1000)
        self.tz = tz
        self.can_export_day = can_export_day
        self.running = False
        self.preferred_session: str | None = None
        self._sessions: list[DrawerSession] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(6)
        title = QLabel("Export the reconciliation for finance")
        title.setObjectName("panelTitle")
        box.addWidget(title)
        about = QLabel("CSV files for the ledger, a PDF report with charts and an XLSX workbook, in one folder "
                       "named after the day or the drawer.")
        about.setObjectName("dialogSummary")
        about.setWordWrap(True)
        box.addWidget(about)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        self.date = EnterLineEdit(today.isoformat())
        self.date.setObjectName("exportDate")
        self.date.setMaxLength(10)
        self.date.setFixedWidth(170)
        self.date.setPlaceholderText("YYYY-MM-DD")
        self.scope = QComboBox()
        self.scope.setObjectName("exportScope")
        self.folder = EnterLineEdit(str(folder))
        self.folder.setObjectName("exportFolder")
        self.folder.setMaxLength(500)
        self.errors = {name: FieldError() for name in ("date", "scope", "out")}
        for row, (caption, widget, name) in enumerate((("Business date", self.date, "date"),
                                                       ("What to export", self.scope, "scope"),
                                                       ("Folder (Ctrl+O to choose)", self.folder, "out"))):
            label = QLabel(caption)
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            grid.addWidget(label, row * 2, 0)
            grid.addWidget(widget, row * 2, 1)
            grid.addWidget(self.errors[name], row * 2 + 1, 1)
        grid.setColumnStretch(1, 1)
        box.addLayout(grid)

        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.step = QLabel("")
        self.step.setObjectName("muted")
        box.addWidget(self.progress)
        box.addWidget(self.step)
        self.files_title = QLabel("Files written")
        self.files_title.setObjectName("sectionTitle")
        self.files = QListWidget()
        self.files.setObjectName("exportFiles")
        self.files.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.files.setFlow(QListView.Flow.TopToBottom)  # two columns of files: all eleven in sight
        self.files.setWrapping(True)
        self.files.setResizeMode(QListView.ResizeMode.Adjust)
        self.files.setGridSize(QSize(470, 31))
        self.files.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.files.setFixedHeight(6 * 31 + 16)
        box.addWidget(self.files_title)
        box.addWidget(self.files)
        self.notice = Notice()
        box.addWidget(self.notice)
        hint = QLabel("Enter: next field · Up / Down: what to export · Ctrl+Enter: export · Ctrl+O: choose the "
                      "folder · Esc: close")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        box.addWidget(hint)
        self._show_files(False)

        self.date.returnPressed.connect(self._date_entered)
        self.date.editingFinished.connect(self._date_left)
        self.date.textEdited.connect(lambda _t: self._clear("date"))
        self.folder.textEdited.connect(lambda _t: self._clear("out"))
        self.folder.returnPressed.connect(self.submit)
        self.scope.currentIndexChanged.connect(lambda _i: self._clear("scope"))
        add_shortcut(self, "Ctrl+Return", self.submit)
        add_shortcut(self, "Ctrl+Enter", self.submit)
        add_shortcut(self, "Ctrl+O", self.choose_folder.emit)
        self._loaded_for: date | None = None
        self.scope.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- fields ---------------------------------------------------------------------------------------------
    def _clear(self, name: str) -> None:
        self.errors[name].clear_message()
        if name == "date":
            set_state(self.date, "state", "")
        elif name == "out":
            set_state(self.folder, "state", "")

    def day(self) -> date | None:
        try:
            return date.fromisoformat(self.date.text().strip())
        except ValueError:
            return None

    def request_sessions(self) -> None:
        """List the drawers of the typed date (again)."""
        self._loaded_for = None
        self._date_left()

    def _date_entered(self) -> None:
        self._date_left()
        self.scope.setFocus(Qt.FocusReason.TabFocusReason)

    def _date_left(self) -> None:
        day = self.day()
        if day is None:
            self.show_error("Type the date as YYYY-MM-DD, for example 2026-11-25.", "date")
            return
        if day != self._loaded_for:
            self._loaded_for = day
            self.date_changed.emit(day)

    def set_sessions(self, sessions: list[DrawerSession], own_id: int | None) -> None:
        """The choices for the date: each drawer this person may export, then the whole day (supervisors)."""
        self._sessions = [s for s in sessions if self.can_export_day or s.cashier_id == own_id]
        self.scope.blockSignals(True)
        self.scope.clear()
        for session in self._sessions:
            self.scope.addItem(session_label(session, self.tz), session.id)
        if self.can_export_day:
            self.scope.addItem(f"Whole counter day: every drawer on this workstation ({len(sessions)})", DAY_SCOPE)
        self.scope.blockSignals(False)
        preferred = self.scope.findData(self.preferred_session) if self.preferred_session else -1
        if preferred < 0:
            preferred = self.scope.findData(DAY_SCOPE) if self.can_export_day else self.scope.count() - 1
        self.scope.setCurrentIndex(max(preferred, 0))
        if not self.scope.count():
            self.show_error("You have no drawer session on this date. A supervisor exports the whole day.", "scope")

    def chosen_session(self) -> DrawerSession | None:
        key = self.scope.currentData()
        return next((s for s in self._sessions if s.id == key), None)

    def set_folder(self, folder: str) -> None:
        self.folder.setText(folder)
        self._clear("out")
        self.folder.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- exporting ------------------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.running:
            return
        for name in self.errors:
            self._clear(name)
        day = self.day()
        if day is None:
            self.show_error("Type the date as YYYY-MM-DD, for example 2026-11-25.", "date")
            return
        if day != self._loaded_for:
            self._date_left()
            self.notice.say("The drawers of that date are listed: choose what to export, then Ctrl+Enter.", "info")
            return
        if self.scope.currentData() is None:
            self.show_error("Nothing to export for you on this date.", "scope")
            return
        folder_text = self.folder.text().strip()
        if not folder_text:
            self.show_error("Type the folder to write into, or press Ctrl+O to choose one.", "out")
            return
        session = None if self.scope.currentData() == DAY_SCOPE else self.chosen_session()
        self.export_requested.emit(day, Path(folder_text).expanduser(), session)

    def set_running(self, running: bool) -> None:
        self.running = running
        for widget in (self.date, self.scope, self.folder):
            widget.setEnabled(not running)
        if running:
            self._show_files(False)
            self.progress.setValue(0)
            self.step.setText("Starting the export…")
            self.notice.say("")

    def set_progress(self, percent: int, label: str) -> None:
        self.progress.setValue(max(0, min(100, percent)))
        self.step.setText(label)

    def show_done(self, folder: Path, files: list[dict[str, object]], receipts: int) -> None:
        self.set_running(False)
        self.progress.setValue(100)
        self.step.setText(f"Written to {folder}")
        self.files.clear()
        people_first = sorted(files, key=lambda r: (not str(r["name"]).endswith((".pdf", ".xlsx")), 0))
        for record in people_first:
            self.files.addItem(f"{record['name']}  ({_size(record.get('size'))})")
        self._show_files(True)
        what = f"{receipts} receipt{'s' if receipts != 1 else ''}" if receipts else \
            "no receipts to report (the files are empty but valid)"
        self.notice.say(f"Export complete: {len(files)} files, {what}. Esc closes.", "success")

    def _show_files(self, shown: bool) -> None:
        self.files_title.setVisible(shown)
        self.files.setVisible(shown)

    def show_error(self, message: str, field: str = "") -> None:
        self.set_running(False)
        self.step.setText("")
        self.progress.setValue(0)
        key = {"session": "scope", "export": "scope", "folder": "out"}.get(field, field)
        if key in self.errors:
            self.errors[key].show_message(message)
            target = {"date": self.date, "scope": self.scope, "out": self.folder}[key]
            if key != "scope":
                set_state(target, "state", "error")
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.notice.say("")
        else:
            self.notice.say(message, "error")

    # -- keys -----------------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.running:
            self.notice.say("The export is being written: it finishes in a moment.", "info")
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() \
                and self.focusWidget() is self.scope:
            self.folder.setFocus(Qt.FocusReason.TabFocusReason)
            self.folder.selectAll()
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.running:
            return
        super().reject()
