"""The reconciliation as a letter PDF for people: key figures, charts, the tables finance checks, and sign-off.

Built with ReportLab's platypus from the already aggregated :class:`Reconciliation`: its size follows the number
of tenders, services and accounts, not of receipts (there are no per-receipt tables). The one list that grows with
the day, the cheques for the bank, is drawn directly and in two columns when long. Rendering is in ReportLab's
invariant mode with the embedded DejaVu fonts, so the same figures and generation time give the same bytes and
print alike on every counter's printer.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.export.figures import (
    batch_status,
    card_batch_rows,
    cheque_rows,
    local_time,
    movement_label,
    tender_label,
    tenders_in_order,
)
from counter_app.free_text import safe_text
from counter_app.payments.money import format_money
from counter_app.printing.fonts import SANS, SANS_BOLD, register_fonts

__all__ = ["REPORT_HEADING", "pdf_report"]

CITY = "City of Lethbridge"
COUNTER = "311 Payments and Customer Service"
REPORT_HEADING = "End-of-day reconciliation"
NO_RECEIPTS = "No receipts on this date"

#: Compressed pages: the report is mailed and archived; zlib costs a few milliseconds on a handful of pages.
_PAGE_COMPRESSION = 1
_MARGIN = 0.6 * 72
_PAD = 6  # platypus frames pad their content by 6 pt: margins are set so content starts exactly at _MARGIN
_WIDTH = LETTER[0] - 2 * _MARGIN
_TOP_SERVICES = 8
_ONE_COLUMN_CHEQUES = 24  # longer lists print in two columns

_INK = colors.HexColor("#1B1F24")
_MUTED = colors.HexColor("#5B6570")
_RULE = colors.HexColor("#B8C0C8")
_HEAD_FILL = colors.HexColor("#E3E9F0")
_TOTAL_FILL = colors.HexColor("#F2F4F6")
_BAR = colors.HexColor("#2F5D8A")
_BAR_NEGATIVE = colors.HexColor("#A3472F")
_GOOD = colors.HexColor("#1E6B3A")
_GOOD_FILL = colors.HexColor("#E4F2E8")
_BAD = colors.HexColor("#A11D1D")
_BAD_FILL = colors.HexColor("#FBE3E1")
_WARN = colors.HexColor("#8A5A00")
_WARN_FILL = colors.HexColor("#FFF3D6")
_NEUTRAL_FILL = colors.HexColor("#EEF0F2")


def _style(name: str, size: float = 8.5, *, font: str = SANS, color: colors.Color = _INK, lead: float = 1.25,
           **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * lead, textColor=color, **extra)


_BODY = _style("body")
_SECTION = _style("section", 11, font=SANS_BOLD, spaceBefore=10, spaceAfter=4, keepWithNext=1)
_NOTE = _style("note", 8.5, color=_MUTED, spaceBefore=3)


# --- small formatting helpers ---------------------------------------------------------------------------------


def _bar_money(values: Sequence[float]) -> Callable[[float], str]:
    """Bar labels for one chart: to the cent as in the tables, or all in whole dollars once a bar passes $100,000
    (a cent-exact label would no longer fit over its bar); one rule per chart so the labels read alike."""
    if max((abs(v) for v in values), default=0) < 10_000_000:
        return lambda cents: format_money(round(cents))

    def whole(cents: float) -> str:
        sign = "-" if cents < 0 else ""
        return f"{sign}${abs(cents) / 100:,.0f}"

    return whole


def _axis_money(cents: float) -> str:
    """Axis ticks: short enough to sit beside a small chart."""
    dollars = cents / 100
    sign = "-" if dollars < 0 else ""
    dollars = abs(dollars)
    if dollars >= 1_000_000:
        return f"{sign}${dollars / 1_000_000:,.1f}M".replace(".0M", "M")
    if dollars >= 1000:
        return f"{sign}${dollars / 1000:,.1f}k".replace(".0k", "k")
    return f"{sign}${dollars:,.0f}"


def _blank_zero(cents: int) -> str:
    """Journal columns as ledgers print them: an empty debit or credit cell, not $0.00."""
    return format_money(cents) if cents else ""


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(_shown(text)), style)


def _shown(text: str) -> str:
    """Old text holding a control character prints a visible ``�`` in its place (the font has that glyph)."""
    return safe_text(text, pictures=False)


def _fit(text: str, font: str, size: float, room: float) -> str:
    """Clip a label to ``room`` points with an ellipsis: chart labels cannot wrap."""
    text = _shown(text)
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _two_lines(text: str, font: str, size: float, room: float) -> str:
    """A category name on up to two lines (ReportLab splits labels at newlines), clipped if still too long."""
    if stringWidth(text, font, size) <= room or " " not in text:
        return _fit(text, font, size, room)
    first, rest = text.split(" ", 1)
    return f"{_fit(first, font, size, room)}\n{_fit(rest, font, size, room)}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _over_short(recon: Reconciliation) -> tuple[str, str, colors.Color, colors.Color]:
    """(headline, detail, ink, fill) for the over/short box: the one figure a supervisor looks for first."""
    value = recon.over_short_cents
    if value is None:
        return "Not counted", "Drawer(s) not yet counted", _WARN, _WARN_FILL
    if value == 0:
        return "Balanced", "Counted equals expected", _GOOD, _GOOD_FILL
    word = "Over" if value > 0 else "Short"
    return f"{word} {format_money(abs(value))}", f"Counted {format_money(recon.counted_cents or 0)}", _BAD, _BAD_FILL


# --- tables -----------------------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
           right: Sequence[int] = (), total: Sequence[Any] | None = None, empty: str = "None") -> Table:
    """A finance table: shaded bold header repeated on each page, amounts right-aligned, a bold totals row."""
    data: list[list[Any]] = [list(header)]
    body = [list(r) for r in rows] or [[empty] + [""] * (len(header) - 1)]
    data.extend(body)
    if total is not None:
        data.append(list(total))
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, 8.5),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), _INK),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for column in right:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    if not rows:
        commands.append(("TEXTCOLOR", (0, 1), (-1, 1), _MUTED))
    if total is not None:
        commands += [("FONT", (0, -1), (-1, -1), SANS_BOLD, 8.5), ("BACKGROUND", (0, -1), (-1, -1), _TOTAL_FILL),
                     ("LINEABOVE", (0, -1), (-1, -1), 0.8, _MUTED)]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


class _LongList(Flowable):
    """A one-line-per-item table drawn straight onto the canvas, for the one list that grows with the day.

    Looks like :func:`_table`, but a tax-deadline day can bring hundreds of cheques: a platypus Table costs about
    half a millisecond a row, this a tenth of that. With ``per_line=2`` a page holds two columns of items (read
    down the left, then the right), halving the pages to print. Splits across pages with the header repeated;
    the totals row comes with the last part.
    """

    ROW = 15.0
    SIZE = 8.5
    PAD = 4.0
    GAP = 16.0

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
                 right: Sequence[int] = (), total: tuple[str, str] | None = None, empty: str = "None",
                 per_line: int = 1) -> None:
        super().__init__()
        self.header, self.rows, self.widths = header, rows, widths
        self.right, self.total, self.empty = tuple(right), total, empty
        self.per_line = per_line
        self.block = sum(widths)
        self.width = self.block * per_line + self.GAP * (per_line - 1)
        self.item_lines = max(-(-len(rows) // per_line), 1)
        self.height = self.ROW * (1 + self.item_lines + (1 if total is not None else 0))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fits = int(avail_height // self.ROW) - 1  # less the header row
        if fits >= self.item_lines + (1 if self.total is not None else 0):
            return [self]
        if fits < 3:
            return []  # start on the next page rather than leave a header and a line or two behind
        fits = min(fits, self.item_lines - 1)  # the totals row never goes on alone
        take = fits * self.per_line
        first = _LongList(self.header, self.rows[:take], self.widths, right=self.right, empty=self.empty,
                          per_line=self.per_line)
        rest = _LongList(self.header, self.rows[take:], self.widths, right=self.right, total=self.total,
                         empty=self.empty, per_line=self.per_line)
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        top = self.height
        canvas.setFillColor(_HEAD_FILL)
        canvas.rect(0, top - self.ROW, self.width, self.ROW, stroke=0, fill=1)
        header = self.header
        lines = self.item_lines
        for block in range(self.per_line):
            x = block * (self.block + self.GAP)
            self._cells(x, top, header, SANS_BOLD, _INK)
            items = self.rows[block * lines:(block + 1) * lines]
            for n, cells in enumerate(items):
                self._cells(x, top - self.ROW * (n + 1), cells, SANS, _INK)
        if not self.rows:
            self._cells(0, top - self.ROW, [self.empty], SANS, _MUTED)
        rules = canvas.beginPath()
        for n in range(1, lines + 1):
            rules.moveTo(0, top - self.ROW * (n + 1))
            rules.lineTo(self.width, top - self.ROW * (n + 1))
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.25)
        canvas.drawPath(rules, stroke=1, fill=0)
        canvas.setStrokeColor(_MUTED)
        canvas.setLineWidth(0.8)
        canvas.line(0, top - self.ROW, self.width, top - self.ROW)
        if self.total is not None:
            bottom = top - self.ROW * (lines + 1)
            canvas.setFillColor(_TOTAL_FILL)
            canvas.rect(0, bottom - self.ROW, self.width, self.ROW, stroke=0, fill=1)
            canvas.line(0, bottom, self.width, bottom)
            label, amount = self.total
            canvas.setFont(SANS_BOLD, self.SIZE)
            canvas.setFillColor(_INK)
            canvas.drawString(self.PAD, bottom - self.ROW + 4.6, _fit(label, SANS_BOLD, self.SIZE, self.block))
            canvas.drawRightString(self.width - self.PAD, bottom - self.ROW + 4.6, amount)
        canvas.restoreState()

    def _cells(self, x: float, top: float, cells: Sequence[str], font: str, colour: colors.Color) -> None:
        canvas = self.canv
        canvas.setFont(font, self.SIZE)
        canvas.setFillColor(colour)
        baseline = top - self.ROW + 4.6
        for n, text in enumerate(cells):
            left = x + sum(self.widths[:n])
            room = self.widths[n] - 2 * self.PAD if len(cells) > 1 else self.block - 2 * self.PAD
            text = _fit(str(text), font, self.SIZE, room)
            if n in self.right:
                canvas.drawRightString(left + self.widths[n] - self.PAD, baseline, text)
            elif text:
                canvas.drawString(left + self.PAD, baseline, text)


def _section(title: str, *flowables: Flowable, note: str = "") -> list[Flowable]:
    """A heading kept with its table; short sections stay whole, long ones break with the header repeated."""
    parts: list[Flowable] = [Paragraph(escape(title), _SECTION), *flowables]
    if note:
        parts.append(_p(note, _NOTE))
    return [CondPageBreak(90), KeepTogether(parts)]


# --- charts -----------------------------------------------------------------------------------------------------


def _chart_frame(width: float, height: float, title: str) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, strokeColor=_RULE, strokeWidth=0.6, fillColor=None))
    drawing.add(String(8, height - 15, title, fontName=SANS_BOLD, fontSize=9, fillColor=_INK))
    return drawing


def _no_data(drawing: Drawing, text: str = NO_RECEIPTS) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2 - 6, text, fontName=SANS, fontSize=9,
                       fillColor=_MUTED, textAnchor="middle"))
    return drawing


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    """Axis limits with headroom above the tallest bar for its label; zero always on the axis."""
    high, low = max([0.0, *values]), min([0.0, *values])
    span = (high - low) or 1.0
    return (low - span * 0.12 if low < 0 else 0.0), high + span * 0.14


def _tender_chart(recon: Reconciliation, width: float, height: float) -> Drawing:
    drawing = _chart_frame(width, height, "Totals by tender")
    items = [(tender_label(k), v) for k, v in tenders_in_order(recon)]
    if not items or not any(v for _, v in items):
        return _no_data(drawing)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 44, 30, width - 56, height - 62
    values = [float(v) for _, v in items]
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = _value_range(values)
    chart.valueAxis.labelTextFormat = _axis_money
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = _RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.strokeColor = _MUTED
    chart.categoryAxis.categoryNames = [_two_lines(n, SANS, 7.5, chart.width / len(items) - 2) for n, _ in items]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = _MUTED
    chart.bars[0].fillColor = _BAR
    chart.bars[0].strokeColor = None
    chart.barWidth = 14
    chart.groupSpacing = 10 if len(items) > 3 else 30
    chart.barLabelFormat = _bar_money(values)
    chart.barLabels.fontName = SANS_BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 2
    for n, value in enumerate(values):
        chart.barLabels[(0, n)].boxAnchor = "s" if value >= 0 else "n"
        if value < 0:
            chart.bars[(0, n)].fillColor = _BAR_NEGATIVE
    drawing.add(chart)
    return drawing


def _hourly_chart(recon: Reconciliation, width: float, height: float) -> Drawing:
    drawing = _chart_frame(width, height, "Receipts per hour")
    if not recon.hourly:
        return _no_data(drawing)
    hours = list(range(min(recon.hourly), max(recon.hourly) + 1))
    counts = [float(recon.hourly.get(h, (0, 0))[0]) for h in hours]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 34, 40, width - 46, height - 72
    chart.data = [counts]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, max(_value_range(counts)[1], 4)
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = _RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.strokeColor = _MUTED
    chart.valueAxis.valueStep = _count_step(chart.valueAxis.valueMax)
    chart.categoryAxis.categoryNames = [f"{h}:00" if len(hours) <= 6 else str(h) for h in hours]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = _MUTED
    chart.bars[0].fillColor = _BAR
    chart.bars[0].strokeColor = None
    chart.groupSpacing = 3
    chart.barLabelFormat = lambda v: f"{v:,.0f}" if v else ""
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.nudge = 1.5
    drawing.add(chart)
    busiest = max(hours, key=lambda h: (recon.hourly.get(h, (0, 0))[1], -h))
    caption = (f"Hour starting (local time). Top hour by amount: {busiest}:00, "
               f"{format_money(recon.hourly[busiest][1])}")
    drawing.add(String(width / 2, 8, _fit(caption, SANS, 7, width - 12), fontName=SANS, fontSize=7,
                       fillColor=_MUTED, textAnchor="middle"))
    return drawing


def _count_step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return float(step)
    return float(int(top / 5))


def _services_chart(recon: Reconciliation, width: float) -> Drawing:
    ranked = sorted(recon.by_service, key=lambda s: (-s.total_cents, s.service_code))[:_TOP_SERVICES]
    bar_room = 15
    height = 44 + bar_room * max(len(ranked), 2)
    title = f"Top {len(ranked)} services by amount" if len(recon.by_service) > len(ranked) else "Services by amount"
    drawing = _chart_frame(width, height, title)
    if not ranked:
        return _no_data(drawing)
    label_room = 190
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room + 8, 14
    chart.width, chart.height = width - label_room - 80, height - 40
    ordered = list(reversed(ranked))  # the first category is drawn at the bottom
    values = [float(s.total_cents) for s in ordered]
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = _value_range(values)
    chart.valueAxis.visible = 0
    chart.categoryAxis.categoryNames = [_fit(f"{s.description} ({s.service_code})", SANS, 7.5, label_room - 6)
                                        for s in ordered]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -5
    chart.categoryAxis.strokeColor = _MUTED
    chart.bars[0].fillColor = _BAR
    chart.bars[0].strokeColor = None
    chart.groupSpacing = 4
    chart.barLabelFormat = _bar_money(values)
    chart.barLabels.fontName = SANS_BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 3
    for n, value in enumerate(values):
        chart.barLabels[(0, n)].boxAnchor = "w" if value >= 0 else "e"
        if value < 0:
            chart.bars[(0, n)].fillColor = _BAR_NEGATIVE
    drawing.add(chart)
    return drawing


# --- page furniture ------------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so every footer can say "Page 2 of 3"."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.line(_MARGIN, _MARGIN - 10, LETTER[0] - _MARGIN, _MARGIN - 10)
        self.setFont(SANS, 7.5)
        self.setFillColor(_MUTED)
        self.drawString(_MARGIN, _MARGIN - 21, self.footer_left)
        self.drawRightString(LETTER[0] - _MARGIN, _MARGIN - 21, f"Page {self._pageNumber} of {total}")
        self.restoreState()


def _header(recon: Reconciliation, business_date: date, title: str, generated: datetime) -> Table:
    left = [
        _p(CITY, _style("city", 17, font=SANS_BOLD, lead=1.2)),
        _p(COUNTER, _style("counter", 10.5, color=_MUTED)),
    ]
    right = [
        _p(REPORT_HEADING, _style("heading", 15, font=SANS_BOLD, alignment=TA_RIGHT, lead=1.25)),
        _p(title, _style("title", 9.5, alignment=TA_RIGHT)) if title and title != REPORT_HEADING else Spacer(1, 0),
        _p(recon.scope, _style("scope", 9.5, font=SANS_BOLD, alignment=TA_RIGHT)),
        _p(f"Business date {business_date.isoformat()} ({business_date.strftime('%A, %B')} "
           f"{business_date.day}, {business_date.year})", _style("date", 8.5, alignment=TA_RIGHT)),
        _p(f"Generated {generated.strftime('%Y-%m-%d %H:%M')}", _style("generated", 7.5, color=_MUTED,
                                                                         alignment=TA_RIGHT)),
    ]
    table = Table([[left, right]], colWidths=[_WIDTH * 0.45, _WIDTH * 0.55])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, _INK),
    ]))
    return table


def _key_figures(recon: Reconciliation) -> Table:
    """Four boxes across the page: what was taken, the GST in it, what goes to the bank, and over/short."""
    headline, detail, ink, fill = _over_short(recon)
    boxes = [
        ("Total taken", format_money(recon.total_cents),
         f"{_plural(recon.completed, 'sale')}, {_plural(recon.refunds, 'refund')}", _INK, _NEUTRAL_FILL),
        ("GST collected", format_money(recon.gst_cents), f"Rounding {format_money(recon.rounding_cents, sign=True)}",
         _INK, _NEUTRAL_FILL),
        ("Deposit total", format_money(recon.deposit_total),
         f"{_plural(len(recon.cheques), 'cheque')}, {_plural(len(recon.money_orders), 'money order')}", _INK,
         _NEUTRAL_FILL),
        ("Cash over/short", headline, detail, ink, fill),
    ]
    gap = 6
    width = (_WIDTH - 3 * gap) / 4
    cells = []
    for label, value, sub, colour, _ in boxes:
        size = 14.0
        while size > 9 and stringWidth(value, SANS_BOLD, size) > width - 14:
            size -= 0.5  # a record day's total still fits its box on one line
        cells.append([
            _p(label.upper(), _style(f"k-{label}", 7, font=SANS_BOLD, color=_MUTED)),
            _p(value, _style(f"v-{label}", size, font=SANS_BOLD, color=colour, lead=1.3)),
            _p(sub, _style(f"s-{label}", 7.5, color=_MUTED)),
        ])
    row: list[Any] = []
    widths: list[float] = []
    for n, cell in enumerate(cells):
        if n:
            row.append("")
            widths.append(gap)
        row.append(cell)
        widths.append(width)
    table = Table([row], colWidths=widths)
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 7)]
    for n, (*_, colour, box_fill) in enumerate(boxes):
        column = 2 * n
        commands += [("BACKGROUND", (column, 0), (column, 0), box_fill),
                     ("BOX", (column, 0), (column, 0), 0.8 if n == 3 else 0.4, colour if n == 3 else _RULE)]
    table.setStyle(TableStyle(commands))
    return table


def _summary(recon: Reconciliation) -> Table:
    """Receipts on the left, the expected-cash formula on the right, line by line as a cashier checks it."""
    receipts = [
        ("Receipts issued", f"{recon.receipts:,}"),
        ("Completed sales", f"{recon.completed:,}"),
        ("Refunds", f"{recon.refunds:,}"),
        ("Voided (no money)", f"{recon.voids:,}"),
        ("Total taken (incl. GST)", format_money(recon.total_cents)),
        ("GST collected", format_money(recon.gst_cents)),
        ("Cash rounding", format_money(recon.rounding_cents, sign=True)),
        ("Change given", format_money(recon.change_cents)),
        ("GL journal", "Balanced" if recon.journal_balances else "NOT BALANCED"),
    ]
    cash = recon.cash
    counted = "Not counted" if recon.counted_cents is None else format_money(recon.counted_cents)
    headline, _, ink, fill = _over_short(recon)
    drawer = [
        ("Float", format_money(cash.float_cents)),
        ("+ Cash received", format_money(cash.cash_received)),
        ("− Change given", format_money(cash.change_given)),
        ("+ Paid in", format_money(cash.paid_in)),
        ("− Paid out", format_money(cash.paid_out)),
        ("− Pickups to safe", format_money(cash.pickups)),
        ("= Expected cash", format_money(cash.expected)),
        ("Counted cash", counted),
        ("Over/short", headline if recon.over_short_cents in (None, 0)
         else format_money(recon.over_short_cents or 0, sign=True) + f" ({headline.split()[0].lower()})"),
    ]
    half = (_WIDTH - 14) / 2
    left = _mini(("Receipts", ""), receipts, half, bold_rows=(5,))
    left.setStyle(TableStyle([("TEXTCOLOR", (1, 9), (1, 9), _GOOD if recon.journal_balances else _BAD),
                              ("FONT", (1, 9), (1, 9), SANS_BOLD, 8.5)]))
    right = _mini(("Cash drawer", ""), drawer, half, bold_rows=(7, 9))
    right.setStyle(TableStyle([("BACKGROUND", (0, 9), (-1, 9), fill), ("TEXTCOLOR", (0, 9), (-1, 9), ink),
                               ("LINEABOVE", (0, 7), (-1, 7), 0.8, _MUTED)]))
    outer = Table([[left, "", right]], colWidths=[half, 14, half])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def _mini(header: Sequence[str], rows: Sequence[tuple[str, str]], width: float,
          bold_rows: Sequence[int] = ()) -> Table:
    table = _table(header, rows, (width * 0.62, width * 0.38), right=(1,))
    table.setStyle(TableStyle([("FONT", (0, r), (-1, r), SANS_BOLD, 8.5) for r in bold_rows]))
    return table


def _charts(recon: Reconciliation) -> list[Flowable]:
    half = (_WIDTH - 14) / 2
    height = 175 if recon.by_tender or recon.hourly else 70
    row = Table([[_tender_chart(recon, half, height), "", _hourly_chart(recon, half, height)]],
                colWidths=[half, 14, half])
    row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 12), row, Spacer(1, 10), _services_chart(recon, _WIDTH)]


# --- the sections finance checks ------------------------------------------------------------------------------


def _tenders(recon: Reconciliation) -> list[Flowable]:
    rows = [(tender_label(k), format_money(v)) for k, v in tenders_in_order(recon)]
    table = _table(("Tender", "Amount kept"), rows, (200, 110), right=(1,),
                   total=("Total", format_money(sum(recon.by_tender.values()))))
    note = (f"Cash is net of change given. Total = total taken {format_money(recon.total_cents)} plus cash "
            f"rounding {format_money(recon.rounding_cents, sign=True)}.")
    return _section("Totals by tender", table, note=note)


def _card_batches(recon: Reconciliation) -> list[Flowable]:
    rows = []
    styles: list[tuple[Any, ...]] = []
    for n, (kind, system, batch, difference) in enumerate(card_batch_rows(recon), start=1):
        status = batch_status(difference)
        rows.append((tender_label(kind), format_money(system), "—" if batch is None else format_money(batch),
                     "—" if difference is None else format_money(difference, sign=True), status))
        colour = _MUTED if difference is None else (_GOOD if difference == 0 else _BAD)
        styles += [("TEXTCOLOR", (4, n), (4, n), colour), ("FONT", (4, n), (4, n), SANS_BOLD, 8.5)]
    table = _table(("Card", "Counter total", "Terminal batch", "Difference", "Status"), rows,
                   (110, 95, 95, 85, 110), right=(1, 2, 3))
    table.setStyle(TableStyle(styles))
    return _section("Card batch check", table,
                    note="Difference is the terminal batch less Counter's total; enter the batch at drawer close.")


def _services(recon: Reconciliation) -> list[Flowable]:
    rows = [(s.service_code, _p(s.description), f"{s.count:,}", format_money(s.net_cents), format_money(s.gst_cents),
             format_money(s.total_cents)) for s in recon.by_service]
    services = recon.by_service
    total = ("Total", "", f"{sum(s.count for s in services):,}", format_money(sum(s.net_cents for s in services)),
             format_money(sum(s.gst_cents for s in services)), format_money(sum(s.total_cents for s in services)))
    table = _table(("Code", "Service", "Count", "Net", "GST", "Total"), rows, (60, 193.6, 44, 80, 68, 80),
                   right=(2, 3, 4, 5), total=total)
    return _section("Totals by service", table, note="Count is lines sold less lines refunded.")


def _gl_accounts(recon: Reconciliation) -> list[Flowable]:
    rows = [(account, format_money(cents)) for account, cents in recon.by_gl.items()]
    table = _table(("GL account", "Net credited"), rows, (200, 110), right=(1,),
                   total=("Total (before GST)", format_money(sum(recon.by_gl.values()))))
    return _section("Totals by GL account", table,
                    note=f"GST collected {format_money(recon.gst_cents)} is credited to GST payable in the journal.")


def _cheques(recon: Reconciliation) -> list[Flowable]:
    items = cheque_rows(recon)
    rows = [(receipt, tender_label(kind), number or "—", format_money(cents)) for receipt, kind, number, cents in items]
    total = (f"Total ({len(items)})", format_money(sum(r[3] for r in items)))
    header = ("Receipt", "Kind", "Number", "Amount")
    if len(rows) > _ONE_COLUMN_CHEQUES:
        widths = _fitted_widths(header, rows, (_WIDTH - _LongList.GAP) / 2)
        listing = _LongList(header, rows, widths, right=(3,), total=total, per_line=2)
    else:
        listing = _LongList(header, rows, (130, 110, 130, 100), right=(3,), total=total)
    return _section("Cheques and money orders", listing, note="Check each item against the deposit before sealing.")


def _fitted_widths(header: Sequence[str], rows: Sequence[Sequence[str]], room: float) -> list[float]:
    """Columns as wide as their widest cell, the spare room shared out; long values clip only if room runs out."""
    natural = [max(stringWidth(str(cell), SANS_BOLD if r == 0 else SANS, _LongList.SIZE) + 2 * _LongList.PAD
                   for r, cell in enumerate(column)) for column in zip(header, *rows, strict=True)]
    spare = (room - sum(natural)) / len(natural)
    return [w + spare for w in natural]


def _deposit(recon: Reconciliation) -> list[Flowable]:
    lines = list(recon.deposit)
    rows = [(d.label, format_money(d.amount_cents)) for d in lines[:-1]]
    total = (lines[-1].label, format_money(lines[-1].amount_cents)) if lines else ("Deposit total", "$0.00")
    table = _table(("Item", "Amount"), rows, (260, 110), right=(1,), total=total)
    styles: list[tuple[Any, ...]] = []
    for n, line in enumerate(lines[:-1], start=1):
        if line.label == "Cash to deposit":  # the subtotal the cashier bags; cheques follow it
            styles += [("LINEABOVE", (0, n), (-1, n), 0.8, _MUTED), ("FONT", (0, n), (-1, n), SANS_BOLD, 8.5)]
    table.setStyle(TableStyle(styles))
    return _section("Deposit slip", table)


def _movements(recon: Reconciliation, tz: tzinfo | None) -> list[Flowable]:
    rows = [(local_time(m.at, tz).strftime("%H:%M"), movement_label(m.kind.value), format_money(m.amount_cents),
             _p(m.reason), m.gl_account or "—", _p(m.staff), _p(m.supervisor)) for m in recon.movements]
    table = _table(("Time", "Kind", "Amount", "Reason", "GL account", "Staff", "Supervisor"), rows,
                   (36, 70, 62, 140, 82, 68, 67.6), right=(2,), empty="No cash movements")
    return _section("Cash movements", table)


def _journal(recon: Reconciliation) -> list[Flowable]:
    debits = sum(e.debit_cents for e in recon.journal)
    credits = sum(e.credit_cents for e in recon.journal)
    rows = [(str(n), e.account, _p(e.description), _blank_zero(e.debit_cents), _blank_zero(e.credit_cents))
            for n, e in enumerate(recon.journal, start=1)]
    table = _table(("Line", "Account", "Description", "Debit", "Credit"), rows, (32, 92, 241.6, 80, 80),
                   right=(0, 3, 4), total=("", "Totals", "", format_money(debits), format_money(credits)),
                   empty="—")
    if recon.journal_balances:
        verdict = _p(f"Balanced: debits equal credits ({format_money(debits)}).",
                     _style("balanced", 9, font=SANS_BOLD, color=_GOOD, spaceBefore=4))
    else:
        verdict = _p(f"NOT BALANCED: debits {format_money(debits)}, credits {format_money(credits)}, difference "
                     f"{format_money(debits - credits, sign=True)}. Do not post; call finance.",
                     _style("unbalanced", 9, font=SANS_BOLD, color=_BAD, spaceBefore=4))
    return _section("GL journal", table, verdict)


class _SignOffBox(Flowable):
    """Three rows to sign by hand: role, printed name, signature and date, each on its own line with room to write."""

    ROW = 30
    HEAD = 16
    COLUMNS = ((0, "ROLE"), (82, "NAME"), (250, "SIGNATURE"), (430, "DATE"))
    GAP = 14  # between one writing line and the next

    def __init__(self, people: Sequence[tuple[str, str]], width: float) -> None:
        super().__init__()
        self.people = people
        self.width = width
        self.height = self.HEAD + self.ROW * len(people) + 6

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas, pad = self.canv, 8
        canvas.setStrokeColor(_INK)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setFillColor(_HEAD_FILL)
        canvas.rect(0, self.height - self.HEAD, self.width, self.HEAD, stroke=0, fill=1)
        canvas.setFillColor(_MUTED)
        canvas.setFont(SANS_BOLD, 7)
        for x, label in self.COLUMNS:
            canvas.drawString(x + pad, self.height - self.HEAD + 5, label)
        edges = [x for x, _ in self.COLUMNS[1:]] + [self.width]
        for n, (role, name) in enumerate(self.people):
            line_y = self.height - self.HEAD - self.ROW * (n + 1) + 8
            canvas.setFillColor(_INK)
            canvas.setFont(SANS_BOLD, 9)
            canvas.drawString(pad, line_y + 3, role)
            canvas.setFont(SANS, 9)
            canvas.drawString(edges[0] + pad, line_y + 3, _shown(name))
            canvas.setStrokeColor(_INK)
            canvas.setLineWidth(0.6)
            for left, right in itertools.pairwise(edges):
                canvas.line(left + pad, line_y, right - self.GAP, line_y)


def _sign_off(prepared_by: str, approved_by: str) -> list[Flowable]:
    box = _SignOffBox((("Prepared by", prepared_by), ("Supervisor", approved_by), ("Finance", "")), _WIDTH)
    return _section("Sign-off", box, note="By signing, each person confirms the count and the figures above.")


def pdf_report(recon: Reconciliation, *, business_date: date, title: str, prepared_by: str = "",
               approved_by: str = "", tz: tzinfo | None = None, generated_at: datetime | None = None) -> bytes:
    """The report as PDF bytes. ``tz`` shows times in the counter's zone; ``generated_at`` pins the stamp (tests)."""
    register_fonts()
    generated = local_time(generated_at or datetime.now().astimezone(), tz)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=_MARGIN - _PAD, rightMargin=_MARGIN - _PAD,
                            topMargin=_MARGIN - _PAD, bottomMargin=_MARGIN + 14 - _PAD,
                            title=_shown(f"{REPORT_HEADING} — {recon.scope}"), author=CITY,
                            subject=f"{COUNTER}: {title}", creator="Counter", invariant=1,
                            pageCompression=_PAGE_COMPRESSION)
    story: list[Flowable] = [_header(recon, business_date, title, generated), Spacer(1, 10), _key_figures(recon)]
    if recon.receipts == 0:
        story.append(_p(f"{NO_RECEIPTS}: every total below is zero.",
                        _style("empty", 10, font=SANS_BOLD, color=_WARN, spaceBefore=8)))
    story += [Spacer(1, 10), _summary(recon), *_charts(recon)]
    for section in (_tenders(recon), _card_batches(recon), _services(recon), _gl_accounts(recon), _cheques(recon),
                    _deposit(recon), _movements(recon, tz), _journal(recon), _sign_off(prepared_by, approved_by)):
        story += section
    footer = _shown(f"{CITY} · {REPORT_HEADING} · {recon.scope} · {business_date.isoformat()}")

    class _Canvas(_NumberedCanvas):
        footer_left = footer

    doc.build(story, canvasmaker=_Canvas)
    return buffer.getvalue()
