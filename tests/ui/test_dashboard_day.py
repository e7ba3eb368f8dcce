"""Today's dashboard after a simulated day: its table and tiles show exactly ``VisitService.dashboard``; it
refreshes as questions are logged; QtCharts is not loaded until the dashboard is first shown."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import Qt

from counter_app.clock import FixedClock
from counter_app.services.container import Counter
from counter_app.simulation import DaySimulator, SqlBillIssuer
from counter_app.ui.dashboard_screen import KIND_LABELS, DashboardScreen
from counter_app.ui.main_window import MainWindow
from counter_app.ui.questions_tables import DashboardModel

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _table(screen: DashboardScreen) -> dict[tuple[str, str], int]:
    model = screen.model
    return {(model.text(r, DashboardModel.GROUP), model.text(r, DashboardModel.ITEM)):
            int(model.text(r, DashboardModel.COUNT)) for r in range(model.rowCount())}


def test_dashboard_counts_after_a_simulated_day_match_the_service(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter, clock: FixedClock
) -> None:
    issuer = SqlBillIssuer(counter.settings.db_path)
    try:
        result = DaySimulator(counter, clock, issuer, seed=11).run(12)
    finally:
        issuer.close()
    assert result.questions and result.referrals
    screen = cashier.screens["dashboard"]
    assert isinstance(screen, DashboardScreen)
    charts_before = screen.charts
    assert charts_before is None  # QtCharts only once shown

    kb.press(Qt.Key.Key_F9, CTRL)
    assert cashier.current == "dashboard"
    expected = counter.visits.dashboard()
    qtbot.waitUntil(lambda: screen.total.value.text() == str(expected.total), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert screen.charts is not None
    table = _table(screen)
    assert table[("All", "Interactions today")] == expected.total
    for kind, n in expected.by_kind.items():
        assert table[("Kind", KIND_LABELS[kind])] == n
        assert screen.kinds[kind].value.text() == str(n)
    topics = {t.code: t.label for t in counter.visits.topics()}
    assert {item: n for (group, item), n in table.items() if group == "Topic"} == {
        topics[code]: n for code, n in expected.by_topic.items()}
    departments = counter.directory.departments()
    assert {item: n for (group, item), n in table.items() if group == "Referred to"} == {
        (departments[key].name if key in departments else key): n
        for key, n in expected.referrals_by_department.items()}
    assert sum(expected.referrals_by_department.values()) == expected.by_kind["referral"]

    kb.press(Qt.Key.Key_2, ALT)  # a quick question while the dashboard is on screen: it refreshes by itself
    qtbot.waitUntil(lambda: screen.total.value.text() == str(expected.total + 1), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert _table(screen)[("Kind", "Questions answered")] == expected.by_kind["information"] + 1


def test_charts_are_not_loaded_at_start_up() -> None:
    code = ("import sys\nfrom PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
            "import counter_app.ui.questions_feature\nprint('PySide6.QtCharts' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
