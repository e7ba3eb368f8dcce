"""Receipt PDFs from a frozen :class:`ReceiptSnapshot`: 80 mm thermal roll by default, US letter on request.

Rendering is pure: the same snapshot always gives the same bytes (ReportLab's invariant mode), so a reprint is
the original plus a COPY mark, and a void is the original plus VOID marks; nothing is looked up mid-render.
Each layout is laid out first as blocks of drawing operations, then drawn: the thermal page is exactly as tall
as its content, and the letter page breaks only between blocks.
"""

from __future__ import annotations

import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from counter_app.payments.money import format_money
from counter_app.payments.receipt import ReceiptSnapshot, ReceiptTender
from counter_app.printing import receipt_wording as wording
from counter_app.printing.fonts import SANS, SANS_BOLD, register_fonts
from counter_app.printing.layout import (
    Align,
    Block,
    Box,
    Figure,
    Rule,
    Text,
    draw_blocks,
    new_canvas,
    paginate,
    text_width,
    wrap,
)

__all__ = ["LAYOUTS", "render_receipt"]

LAYOUTS = ("thermal", "letter")

#: Measured on a thermal receipt: uncompressed 2.8 ms and 85 kB, compressed 4.8 ms and 45 kB (zlib on the
#: embedded font subsets). Receipts are re-rendered from the snapshot, never stored, so speed wins.
_PAGE_COMPRESSION = 0
_COPY_TEXT, _VOID_TEXT, _VOID_NOTE = wording.COPY_TEXT, wording.VOID_TEXT, wording.VOID_NOTE
_title, _issued, _gst_registration = wording.title, wording.issued, wording.gst_registration
_gst_label, _line_details, _paid_label = wording.gst_label, wording.line_details, wording.paid_label
_tenders_heading, _shows_change = wording.tenders_heading, wording.shows_change
_questions, _questions_parts = wording.questions_line, wording.questions_parts


def _barcode(number: str, bar_width: float, bar_height: float) -> Code128:
    return Code128(number, barWidth=bar_width, barHeight=bar_height, humanReadable=0, quiet=0)


# --- 80 mm thermal roll ----------------------------------------------------------------------------------------


class ThermalReceipt:
    """One continuous page on an 80 mm roll: the printer cuts where the page ends, so the page fits the content."""

    WIDTH = 80 * mm
    MARGIN_X = 4 * mm  # 72 mm printable, as on most 80 mm printers
    MARGIN_TOP = 4 * mm
    MARGIN_BOTTOM = 5 * mm
    LEFT = MARGIN_X
    RIGHT = WIDTH - MARGIN_X
    CENTRE = WIDTH / 2
    INNER = RIGHT - LEFT
    INDENT = 3 * mm

    BODY = 8.5
    SMALL = 7.5
    TITLE = 11.5
    TOTAL = 11.0
    STRONG = 9.5
    #: Two dots of a 203 dpi printer head: narrow enough to fit, wide enough to scan.
    BAR_WIDTH = 2 * 72 / 203
    BAR_HEIGHT = 11 * mm
    VOID_MARK_EVERY = 75 * mm

    def __init__(self, snapshot: ReceiptSnapshot, *, copy: bool, void: bool) -> None:
        self.snapshot = snapshot
        self.copy = copy
        self.void = void

    def blocks(self) -> list[Block]:
        return [self.header(), self.banners(), self.details(), self.lines(), self.totals(), self.tenders(),
                self.barcode(), self.footer()]

    def render(self, pagecompression: int) -> bytes:
        blocks = self.blocks()
        height = self.MARGIN_TOP + sum(b.height for b in blocks) + self.MARGIN_BOTTOM
        buffer = io.BytesIO()
        canvas = _canvas(buffer, (self.WIDTH, height), self.snapshot, pagecompression)
        placed, top = [], height - self.MARGIN_TOP
        for block in blocks:
            placed.append((block, top))
            top -= block.height
        draw_blocks(canvas, placed)
        if self.void:
            self.void_marks(canvas, height)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    # sections

    def centred(self, block: Block, text: str, font: str, size: float, gray: float = 0.0) -> None:
        for part in wrap(text, font, size, self.INNER):
            block.text(self.CENTRE, block.row(size, 1.25), part, font, size, "centre", gray)

    def pair(self, block: Block, label: str, amount: str, font: str, size: float, indent: float = 0.0,
             lead: float = 1.3) -> None:
        """A label on the left (wrapped if need be) and its amount right-aligned on the first row."""
        room = self.INNER - indent - text_width(amount, font, size) - 3 * mm
        for i, part in enumerate(wrap(label, font, size, room)):
            y = block.row(size, lead)
            block.text(self.LEFT + indent, y, part, font, size)
            if i == 0:
                block.text(self.RIGHT, y, amount, font, size, "right")

    def header(self) -> Block:
        issuer, block = self.snapshot.issuer, Block()
        self.centred(block, issuer.city, SANS_BOLD, 13)
        block.gap(1)
        self.centred(block, issuer.counter, SANS, self.BODY)
        self.centred(block, issuer.address, SANS, self.SMALL)
        return block

    def banners(self) -> Block:
        block = Block()
        if self.void:
            block.gap(5)
            block.ops.append(Box(self.LEFT, block.height, self.INNER, 30, fill=True))
            block.ops.append(Text(self.CENTRE, block.height + 22, _VOID_TEXT, SANS_BOLD, 22, "centre", 1.0))
            block.gap(33)
            self.centred(block, _VOID_NOTE, SANS_BOLD, self.BODY)
        if self.copy:
            block.gap(5)
            block.ops.append(Box(self.LEFT, block.height, self.INNER, 19, fill=False))
            block.ops.append(Text(self.CENTRE, block.height + 13.3, _COPY_TEXT, SANS_BOLD, 10.5, "centre"))
            block.gap(19)
        return block

    def details(self) -> Block:
        snapshot, block = self.snapshot, Block()
        block.rule(self.LEFT, self.RIGHT, space=5)
        block.gap(1)
        self.centred(block, _title(snapshot), SANS_BOLD, self.TITLE)
        if snapshot.refund_of:
            self.centred(block, f"Refund of receipt {snapshot.refund_of}", SANS_BOLD, self.BODY)
        block.gap(3)
        tab = self.LEFT + 21 * mm
        for label, value, font in (
            ("Receipt no.", snapshot.receipt_number, SANS_BOLD),
            ("Date", _issued(snapshot), SANS),
            ("Workstation", snapshot.workstation, SANS),
            ("Cashier", snapshot.cashier, SANS),
        ):
            for i, part in enumerate(wrap(value, font, self.BODY, self.RIGHT - tab)):
                y = block.row(self.BODY)
                if i == 0:
                    block.text(self.LEFT, y, label, SANS, self.BODY, gray=0.25)
                block.text(tab, y, part, font, self.BODY)
        return block

    def lines(self) -> Block:
        block = Block()
        block.rule(self.LEFT, self.RIGHT, dash=True, space=4)
        for n, line in enumerate(self.snapshot.lines):
            if n:
                block.gap(3)
            self.pair(block, line.description, format_money(line.net_cents), SANS, self.BODY)
            for detail in _line_details(line):
                for part in wrap(detail, SANS, self.SMALL, self.INNER - self.INDENT):
                    block.text(self.LEFT + self.INDENT, block.row(self.SMALL, 1.3), part, SANS, self.SMALL,
                               gray=0.2)
        return block

    def totals(self) -> Block:
        snapshot, block = self.snapshot, Block()
        block.rule(self.LEFT, self.RIGHT, dash=True, space=4)
        self.pair(block, "Subtotal", format_money(snapshot.subtotal_cents), SANS, self.BODY)
        if snapshot.gst_cents:
            self.pair(block, "GST", format_money(snapshot.gst_cents), SANS, self.BODY)
        block.gap(2)
        self.pair(block, "TOTAL", format_money(snapshot.total_cents), SANS_BOLD, self.TOTAL, lead=1.35)
        if snapshot.rounding_cents:
            self.pair(block, "Cash rounding", format_money(snapshot.rounding_cents, sign=True), SANS, self.BODY)
            self.pair(block, _paid_label(snapshot), format_money(snapshot.amount_paid_cents), SANS_BOLD,
                      self.STRONG)
        if snapshot.gst_cents:
            block.gap(1)
            block.text(self.LEFT, block.row(self.SMALL), _gst_registration(snapshot), SANS, self.SMALL,
                       gray=0.2)
        return block

    def tenders(self) -> Block:
        snapshot, block = self.snapshot, Block()
        block.rule(self.LEFT, self.RIGHT, dash=True, space=4)
        block.text(self.LEFT, block.row(self.SMALL, 1.45), _tenders_heading(snapshot), SANS_BOLD, self.SMALL,
                   gray=0.25)
        for n, tender in enumerate(snapshot.tenders):
            if n:
                block.gap(2)
            self.tender(block, tender)
        if _shows_change(snapshot):
            block.gap(2)
            self.pair(block, "Change", format_money(snapshot.change_cents), SANS_BOLD, self.STRONG)
        return block

    def tender(self, block: Block, tender: ReceiptTender) -> None:
        self.pair(block, tender.label, format_money(tender.amount_cents), SANS, self.BODY)
        if tender.detail:
            for part in wrap(tender.detail, SANS, self.SMALL, self.INNER - self.INDENT):
                block.text(self.LEFT + self.INDENT, block.row(self.SMALL), part, SANS, self.SMALL, gray=0.2)

    def barcode(self) -> Block:
        number, block = self.snapshot.receipt_number, Block()
        block.rule(self.LEFT, self.RIGHT, space=5)
        block.gap(4)
        widget = _barcode(number, self.BAR_WIDTH, self.BAR_HEIGHT)
        if widget.width > self.INNER:  # an unusually long number still fits the roll
            widget = _barcode(number, self.BAR_WIDTH * self.INNER / widget.width, self.BAR_HEIGHT)
        block.gap(self.BAR_HEIGHT)
        block.ops.append(Figure(self.CENTRE - widget.width / 2, block.height, widget.drawOn))
        block.gap(2)
        block.text(self.CENTRE, block.row(9), number, SANS, 9, "centre")
        return block

    def footer(self) -> Block:
        issuer, block = self.snapshot.issuer, Block()
        block.gap(4)
        questions = _questions(self.snapshot)
        fits = text_width(questions, SANS, self.SMALL) <= self.INNER
        for part in [questions] if fits else _questions_parts(self.snapshot):
            self.centred(block, part, SANS, self.SMALL)
        self.centred(block, issuer.hours, SANS, self.SMALL)
        block.gap(3)
        self.centred(block, "Keep this receipt for your records.", SANS_BOLD, self.BODY)
        return block

    def void_marks(self, canvas: Canvas, height: float) -> None:
        """Outlined diagonal VOID marks down the whole roll, so no part of it passes as a valid receipt."""
        count = max(1, int(height // self.VOID_MARK_EVERY))
        spacing = height / count
        for n in range(count):
            _diagonal_void(canvas, self.CENTRE, height - spacing * (n + 0.5), 54)


# --- US letter -------------------------------------------------------------------------------------------------


class LetterReceipt:
    """The same receipt on a letter page, for residents who ask for a full-size copy or mail it in."""

    WIDTH, HEIGHT = LETTER
    MARGIN = 0.75 * 72
    LEFT = MARGIN
    RIGHT = WIDTH - MARGIN
    TOP = HEIGHT - MARGIN
    FOOTER_HEIGHT = 42
    BOTTOM = MARGIN + FOOTER_HEIGHT  # flowing content stops here; the footer sits below

    BODY = 10
    SMALL = 8.5
    TOTAL = 13

    COL_REFERENCE = LEFT + 250
    COL_GST = LEFT + 360
    TOTALS_LEFT = RIGHT - 230
    INFO_VALUES = TOTALS_LEFT + 104
    TENDER_DETAIL = LEFT + 130
    BAR_WIDTH = 1.0
    BAR_HEIGHT = 36

    def __init__(self, snapshot: ReceiptSnapshot, *, copy: bool, void: bool) -> None:
        self.snapshot = snapshot
        self.copy = copy
        self.void = void

    def blocks(self) -> list[Block]:
        return [self.header(), self.banners(), self.table_head(), *self.lines(), self.totals(), self.tenders(),
                self.barcode()]

    def render(self, pagecompression: int) -> bytes:
        pages = self.paginate(self.blocks())
        buffer = io.BytesIO()
        canvas = _canvas(buffer, (self.WIDTH, self.HEIGHT), self.snapshot, pagecompression)
        for number, page in enumerate(pages, start=1):
            draw_blocks(canvas, page)
            draw_blocks(canvas, [(self.footer(number, len(pages)), self.MARGIN + self.FOOTER_HEIGHT - 6)])
            if self.void:
                _diagonal_void(canvas, self.WIDTH / 2, self.HEIGHT / 2 - 40, 150)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def paginate(self, blocks: list[Block]) -> list[list[tuple[Block, float]]]:
        """A row carried to a new page gets the column headings again under the running head."""
        return paginate(blocks, self.TOP, self.BOTTOM, lambda block: (
            (self.running_head(), self.table_head()) if block.is_row else (self.running_head(),)))

    # sections

    def header(self) -> Block:
        snapshot, issuer, block = self.snapshot, self.snapshot.issuer, Block()
        left, right = Block(), Block()
        room = self.TOTALS_LEFT - self.LEFT - 16
        for size, font, lead, text, gray in ((20, SANS_BOLD, 1.3, issuer.city, 0.0),
                                             (11.5, SANS, 1.3, issuer.counter, 0.0),
                                             (self.SMALL, SANS, 1.3, issuer.address, 0.3)):
            for part in wrap(text, font, size, room):
                left.text(self.LEFT, left.row(size, lead), part, font, size, gray=gray)
        right.text(self.RIGHT, right.row(20, 1.3), _title(snapshot), SANS_BOLD, 20, "right")
        rows = [("Receipt no.", snapshot.receipt_number), ("Date", _issued(snapshot)),
                ("Workstation", snapshot.workstation), ("Cashier", snapshot.cashier)]
        if snapshot.refund_of:
            rows.insert(1, ("Refund of receipt", snapshot.refund_of))
        for label, value in rows:
            font = SANS_BOLD if label == "Receipt no." else SANS
            for i, part in enumerate(wrap(value, font, self.BODY, self.RIGHT - self.INFO_VALUES)):
                y = right.row(self.BODY)
                if i == 0:
                    right.text(self.TOTALS_LEFT, y, label, SANS, self.BODY, gray=0.3)
                right.text(self.INFO_VALUES, y, part, font, self.BODY)
        block.ops = left.ops + right.ops
        block.height = max(left.height, right.height)
        block.rule(self.LEFT, self.RIGHT, width=1.0, space=8)
        return block

    def banners(self) -> Block:
        block = Block()
        width = self.RIGHT - self.LEFT
        if self.void:
            block.ops.append(Box(self.LEFT, block.height, width, 44, fill=True))
            block.ops.append(Text(self.WIDTH / 2, block.height + 33, _VOID_TEXT, SANS_BOLD, 32, "centre", 1.0))
            block.gap(50)
            block.text(self.WIDTH / 2, block.row(self.BODY), _VOID_NOTE, SANS_BOLD, self.BODY, "centre")
            block.gap(8)
        if self.copy:
            block.ops.append(Box(self.LEFT, block.height, width, 26, fill=False))
            block.ops.append(Text(self.WIDTH / 2, block.height + 18, _COPY_TEXT, SANS_BOLD, 14, "centre"))
            block.gap(34)
        return block

    def table_head(self) -> Block:
        block = Block()
        block.gap(6)
        y = block.row(self.SMALL)
        columns: tuple[tuple[float, str, Align], ...] = (
            (self.LEFT, "Description", "left"),
            (self.COL_REFERENCE, "Account / reference", "left"),
            (self.COL_GST, "GST", "left"),
            (self.RIGHT, "Amount", "right"),
        )
        for x, label, align in columns:
            block.text(x, y, label, SANS_BOLD, self.SMALL, align, gray=0.3)
        block.rule(self.LEFT, self.RIGHT, width=0.8, space=2)
        return block

    def lines(self) -> list[Block]:
        blocks = []
        for line in self.snapshot.lines:
            block = Block(is_row=True)
            block.gap(3)
            gst = f"{format_money(line.gst_cents)} ({line.gst_code})" if line.gst_cents else ""
            reference_width = self.COL_GST - self.COL_REFERENCE - 8
            columns = (
                (self.LEFT, wrap(line.description, SANS, self.BODY, self.COL_REFERENCE - self.LEFT - 12)),
                (self.COL_REFERENCE, wrap(line.reference or "", SANS, self.BODY, reference_width)),
                (self.COL_GST, [gst]),
            )
            baselines = [block.row(self.BODY) for _ in range(max(len(parts) for _, parts in columns))]
            for x, parts in columns:
                for y, part in zip(baselines, parts, strict=False):
                    if part:
                        block.text(x, y, part, SANS, self.BODY)
            block.text(self.RIGHT, baselines[0], format_money(line.net_cents), SANS, self.BODY, "right")
            block.gap(1)
            block.ops.append(Rule(self.LEFT, self.RIGHT, block.height, 0.3))
            block.gap(1)
            blocks.append(block)
        return blocks

    def totals(self) -> Block:
        snapshot, block = self.snapshot, Block()
        left, right = self.TOTALS_LEFT, self.RIGHT
        block.gap(8)
        self.pair(block, "Subtotal", format_money(snapshot.subtotal_cents), SANS, self.BODY)
        if snapshot.gst_cents:
            self.pair(block, "GST", format_money(snapshot.gst_cents), SANS, self.BODY)
        block.rule(left, right, width=1.0, space=3)
        self.pair(block, "TOTAL", format_money(snapshot.total_cents), SANS_BOLD, self.TOTAL)
        if snapshot.rounding_cents:
            self.pair(block, "Cash rounding", format_money(snapshot.rounding_cents, sign=True), SANS, self.BODY)
            self.pair(block, _paid_label(snapshot), format_money(snapshot.amount_paid_cents), SANS_BOLD,
                      self.BODY + 1)
        if snapshot.gst_cents:
            block.gap(2)
            block.text(right, block.row(self.SMALL), _gst_registration(snapshot), SANS, self.SMALL, "right",
                       gray=0.3)
        return block

    def pair(self, block: Block, label: str, amount: str, font: str, size: float) -> None:
        y = block.row(size, 1.45)
        block.text(self.TOTALS_LEFT, y, label, font, size)
        block.text(self.RIGHT, y, amount, font, size, "right")

    def tenders(self) -> Block:
        snapshot, block = self.snapshot, Block()
        block.gap(14)
        block.text(self.LEFT, block.row(self.SMALL), _tenders_heading(snapshot), SANS_BOLD, self.SMALL,
                   gray=0.3)
        block.rule(self.LEFT, self.RIGHT, width=0.8, space=2)
        for tender in snapshot.tenders:
            details = wrap(tender.detail, SANS, self.BODY, self.RIGHT - 90 - self.TENDER_DETAIL)
            y = block.row(self.BODY, 1.5)
            block.text(self.LEFT, y, tender.label, SANS, self.BODY)
            block.text(self.RIGHT, y, format_money(tender.amount_cents), SANS, self.BODY, "right")
            for n, part in enumerate(details):
                block.text(self.TENDER_DETAIL, y if n == 0 else block.row(self.BODY, 1.5), part, SANS, self.BODY,
                           gray=0.2)
        if _shows_change(snapshot):
            block.ops.append(Rule(self.TOTALS_LEFT, self.RIGHT, block.height, 0.3))
            block.gap(3)
            self.pair(block, "Change", format_money(snapshot.change_cents), SANS_BOLD, self.BODY + 1)
        return block

    def barcode(self) -> Block:
        number, block = self.snapshot.receipt_number, Block()
        block.gap(22)
        widget = _barcode(number, self.BAR_WIDTH, self.BAR_HEIGHT)
        block.gap(self.BAR_HEIGHT)
        block.ops.append(Figure(self.LEFT, block.height, widget.drawOn))
        block.gap(3)
        block.text(self.LEFT + widget.width / 2, block.row(10), number, SANS, 10, "centre")
        return block

    def footer(self, page: int, pages: int) -> Block:
        snapshot, block = self.snapshot, Block()
        block.rule(self.LEFT, self.RIGHT, width=0.5, space=0)
        block.gap(4)
        y = block.row(self.SMALL)
        block.text(self.LEFT, y, f"{_questions(snapshot)} {snapshot.issuer.hours}.", SANS, self.SMALL)
        if pages > 1:
            block.text(self.RIGHT, y, f"Page {page} of {pages}", SANS, self.SMALL, "right")
        y = block.row(self.SMALL)
        block.text(self.LEFT, y, f"{snapshot.issuer.city}, {snapshot.issuer.address}", SANS, self.SMALL,
                   gray=0.3)
        block.text(self.RIGHT, y, "Keep this receipt for your records.", SANS_BOLD, self.SMALL, "right")
        return block

    def running_head(self) -> Block:
        snapshot, block = self.snapshot, Block()
        y = block.row(self.BODY)
        block.text(self.LEFT, y, snapshot.issuer.city, SANS_BOLD, self.BODY)
        block.text(self.RIGHT, y, f"{_title(snapshot).title()} {snapshot.receipt_number} (continued)", SANS,
                   self.BODY, "right")
        block.rule(self.LEFT, self.RIGHT, width=0.5, space=4)
        return block


# --- shared drawing ------------------------------------------------------------------------------------------


def _canvas(buffer: io.BytesIO, size: tuple[float, float], snapshot: ReceiptSnapshot,
            pagecompression: int) -> Canvas:
    return new_canvas(buffer, size, title=f"Receipt {snapshot.receipt_number}", author=snapshot.issuer.city,
                      subject=snapshot.issuer.counter, pagecompression=pagecompression)


def _diagonal_void(canvas: Canvas, x: float, y: float, size: float) -> None:
    """A large outlined VOID at 35 degrees: visible over the text without hiding it."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.rotate(35)
    canvas.setStrokeGray(0.45)
    canvas.setLineWidth(1.2)
    text = canvas.beginText()
    text.setTextRenderMode(1)
    text.setFont(SANS_BOLD, size)
    text.setTextOrigin(-text_width(_VOID_TEXT, SANS_BOLD, size) / 2, -size * 0.36)
    text.textOut(_VOID_TEXT)
    canvas.drawText(text)
    canvas.restoreState()


_LAYOUT_CLASSES: dict[str, type[ThermalReceipt] | type[LetterReceipt]] = {
    "thermal": ThermalReceipt,
    "letter": LetterReceipt,
}


def render_receipt(snapshot: ReceiptSnapshot, *, copy: bool = False, void: bool = False,
                   layout: str = "thermal") -> bytes:
    """The receipt as PDF bytes; ``copy`` marks a reprint, ``void`` a voided receipt (kept, never deleted)."""
    try:
        layout_class = _LAYOUT_CLASSES[layout]
    except KeyError:
        raise ValueError(f"Unknown receipt layout {layout!r}: use one of {', '.join(LAYOUTS)}.") from None
    register_fonts()
    return layout_class(snapshot, copy=copy, void=void).render(_PAGE_COMPRESSION)

