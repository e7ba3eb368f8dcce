"""The dashboard's charts (QtCharts, imported only when the dashboard is first shown).

Interactions by topic as horizontal stacked bars (payments, questions, referrals), biggest topic on top, and
referrals by department. Colours match the rest of the counter; labels are large enough to read from a step back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from counter_app.visits.model import DayCounts

KIND_COLOURS = (("payment", "Payments", "#17324d"), ("information", "Questions answered", "#0b7a75"),
                ("referral", "Referrals", "#c26a00"))
TEXT = QColor("#14212e")


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def _chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_font(16, bold=True))
    chart.setTitleBrush(TEXT)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(4, 2, 10, 2))
    chart.legend().setFont(_font(14))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setObjectName("dashChart")
    return chart, view


def _axes(chart: QChart, series: QHorizontalBarSeries | QHorizontalStackedBarSeries, categories: list[str],
          most: int) -> None:
    for axis in chart.axes():
        chart.removeAxis(axis)
    names = QBarCategoryAxis()
    names.append(categories)
    names.setLabelsFont(_font(14))
    names.setLabelsColor(TEXT)
    names.setGridLineVisible(False)
    names.setTruncateLabels(False)
    values = QValueAxis()
    values.setRange(0, max(1, most))
    values.setLabelFormat("%d")
    values.setTickCount(min(max(2, most + 1), 6))
    values.applyNiceNumbers()
    values.setLabelsFont(_font(13))
    values.setLabelsColor(TEXT)
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(names)
    series.attachAxis(values)


class DashboardCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.topics, self.topic_view = _chart("Interactions by topic")
        self.departments, self.department_view = _chart("Referrals by department")
        self.departments.legend().hide()
        box.addWidget(self.topic_view, 2)
        box.addWidget(self.department_view, 1)

    def show_counts(self, counts: DayCounts, topic_label: Callable[[str], str],
                    department_name: Callable[[str], str]) -> None:
        # topics, biggest on top (a horizontal bar chart draws its first category at the bottom)
        topics = sorted(counts.by_topic, key=lambda t: (counts.by_topic[t], topic_label(t)))
        self.topics.removeAllSeries()
        stacked = QHorizontalStackedBarSeries()
        stacked.setBarWidth(0.7)
        for kind, label, colour in KIND_COLOURS:
            bars = QBarSet(label)
            bars.setColor(QColor(colour))
            bars.setBorderColor(QColor(colour))
            bars.append([float(counts.by_kind_and_topic.get((kind, t), 0)) for t in topics])
            stacked.append(bars)
        self.topics.addSeries(stacked)
        _axes(self.topics, stacked, [topic_label(t) for t in topics] or ["(none yet)"],
              max(counts.by_topic.values(), default=0))

        departments = sorted(counts.referrals_by_department,
                             key=lambda d: (counts.referrals_by_department[d], department_name(d)))
        self.departments.removeAllSeries()
        series = QHorizontalBarSeries()
        series.setBarWidth(0.6)
        bars = QBarSet("Referrals")
        bars.setColor(QColor("#c26a00"))
        bars.setBorderColor(QColor("#c26a00"))
        bars.setLabelColor(TEXT)
        bars.append([float(counts.referrals_by_department[d]) for d in departments])
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.departments.addSeries(series)
        _axes(self.departments, series, [department_name(d) for d in departments] or ["(no referrals yet)"],
              max(counts.referrals_by_department.values(), default=0) + 1)
