"""Today's dashboard (Ctrl+F9): what residents needed today at this workstation, exactly as the city counts it.

Counts by kind and by topic, referrals by department and the average time per interaction, as charts and as a
table, from ``VisitService.dashboard``. It refreshes after every payment, answer and referral, and every 30 s
while it is on screen. QtCharts is imported the first time the dashboard is shown, not at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from counter_app.ui.questions_tables import DashboardModel, DashRow, minutes_text
from counter_app.ui.view_models import describe
from counter_app.ui.widgets import HintBar, Notice, add_shortcut, list_table

if TYPE_CHECKING:
    from counter_app.services.container import Counter
    from counter_app.ui.dashboard_charts import DashboardCharts
    from counter_app.ui.workers import TaskRunner
    from counter_app.visits.model import DayCounts

KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+R", "Refresh now (it also refreshes by itself)"),
    ("Up / Down", "Move in the table"),
    ("Esc", "Back to the payment screen"),
)
HINT_KEYS: tuple[tuple[str, str], ...] = (("Ctrl+R", "Refresh"), ("Esc", "Back"), ("F1", "Help"))
#: While the dashboard is on screen it reads the day again this often (other workstations' syncs, the clock).
REFRESH_MS = 30_000
KIND_ORDER = ("payment", "information", "referral")
KIND_LABELS = {"payment": "Payments", "information": "Questions answered", "referral": "Referrals"}


class DashboardViewModel(QObject):
    loaded = Signal(object)  # DayCounts
    failed = Signal(str, str)

    def __init__(self, counter: Counter, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self._in_flight = False
        self._again = False
        self.counts: DayCounts | None = None

    def refresh(self) -> None:
        """Read today's counts in the worker lane; asks made while one read runs are served by one more read."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._runner.run(self.counter.visits.dashboard, done=self._done, error=self._error)

    def _done(self, counts: Any) -> None:
        self._finish()
        self.counts = counts
        self.loaded.emit(counts)

    def _error(self, exc: BaseException) -> None:
        self._finish()
        self.failed.emit(*describe(exc, "dashboard"))

    def _finish(self) -> None:
        self._in_flight = False
        if self._again:
            self._again = False
            self.refresh()


def dashboard_rows(counts: DayCounts, topic_label: Any, department_name: Any) -> list[DashRow]:
    """The table: by kind (with average time), by topic, referrals by department; biggest first."""
    rows = [DashRow("All", "Interactions today", counts.total, minutes_text(counts.average_seconds))]
    for kind in sorted(counts.by_kind, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 9, k)):
        rows.append(DashRow("Kind", KIND_LABELS.get(kind, kind), counts.by_kind[kind],
                            minutes_text(counts.average_seconds_by_kind.get(kind, 0.0))))
    for topic, n in sorted(counts.by_topic.items(), key=lambda item: (-item[1], topic_label(item[0]))):
        rows.append(DashRow("Topic", topic_label(topic), n))
    for code, n in sorted(counts.referrals_by_department.items(), key=lambda item: (-item[1], item[0])):
        rows.append(DashRow("Referred to", department_name(code), n))
    return rows


class Tile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashTile")
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 8, 14, 8)
        box.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setObjectName("dashCaption")
        self.value = QLabel("0")
        self.value.setObjectName("dashValue")
        self.detail = QLabel("")
        self.detail.setObjectName("dashDetail")
        for label in (self.caption, self.value, self.detail):
            box.addWidget(label)


class DashboardScreen(QWidget):
    back = Signal()

    def __init__(self, vm: DashboardViewModel, topic_label: Any, department_name: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardScreen")
        self.vm = vm
        self.topic_label = topic_label
        self.department_name = department_name
        self.charts: DashboardCharts | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 10, 16, 8)
        body.setSpacing(8)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINT_KEYS))

        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.total = Tile("Interactions today")
        self.kinds = {kind: Tile(KIND_LABELS[kind]) for kind in KIND_ORDER}
        self.average = Tile("Average time")
        for tile in (self.total, *self.kinds.values(), self.average):
            tiles.addWidget(tile, 1)
        body.addLayout(tiles)

        row = QHBoxLayout()
        row.setSpacing(14)
        self.chart_area = QVBoxLayout()
        self.chart_area.setSpacing(8)
        self.chart_placeholder = QLabel("Preparing the charts…")
        self.chart_placeholder.setObjectName("muted")
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_area.addWidget(self.chart_placeholder, 1)
        row.addLayout(self.chart_area, 13)
        self.model = DashboardModel(self)
        self.view = list_table(self.model, "dashboardTable")
        self.view.verticalHeader().setDefaultSectionSize(27)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(DashboardModel.GROUP, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DashboardModel.ITEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DashboardModel.COUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DashboardModel.AVERAGE, QHeaderView.ResizeMode.ResizeToContents)
        row.addWidget(self.view, 10)
        body.addLayout(row, 1)
        self.notice = Notice()
        body.addWidget(self.notice)
        self.setFocusProxy(self.view)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(vm.refresh)
        vm.loaded.connect(self.show_counts)
        vm.failed.connect(lambda message, _field: self.notice.say(message, "error"))
        add_shortcut(self, "Ctrl+R", vm.refresh)
        add_shortcut(self, "Esc", self.back.emit)

    def enter(self) -> None:
        """Shown: build the charts the first time (QtCharts loads here), read the day, refresh every 30 s."""
        if self.charts is None:
            from counter_app.ui.dashboard_charts import DashboardCharts

            self.charts = DashboardCharts()
            self.chart_area.removeWidget(self.chart_placeholder)
            self.chart_placeholder.deleteLater()
            self.chart_area.addWidget(self.charts, 1)
            if self.vm.counts is not None:
                self.show_counts(self.vm.counts)
        self.vm.refresh()
        self.timer.start()
        self.view.setFocus()

    def leave(self) -> None:
        self.timer.stop()

    def show_counts(self, counts: DayCounts) -> None:
        self.total.value.setText(str(counts.total))
        self.total.detail.setText("at this workstation")
        for kind, tile in self.kinds.items():
            n = counts.by_kind.get(kind, 0)
            tile.value.setText(str(n))
            share = f"{round(100 * n / counts.total)}% · " if counts.total else ""
            avg = counts.average_seconds_by_kind.get(kind)
            tile.detail.setText(f"{share}avg {minutes_text(avg)}" if avg is not None else "none yet")
        self.average.value.setText(minutes_text(counts.average_seconds))
        self.average.detail.setText("minutes per interaction")
        keep = self.view.currentIndex().row()
        rows = dashboard_rows(counts, self.topic_label, self.department_name)
        self.model.set_rows(rows)
        if rows:
            self.view.selectRow(min(max(keep, 0), len(rows) - 1))
        if self.charts is not None:
            self.charts.show_counts(counts, self.topic_label, self.department_name)

    def show_error(self, message: str, field: str = "") -> None:
        self.notice.say(message, "error")
