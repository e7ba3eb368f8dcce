"""Drawing helpers shared by the canvas documents (receipts, referral slips): lay out first, then draw.

A document is a list of :class:`Block` objects, each a keep-together run of drawing operations with its own
height, measured from the block's top with y growing downwards. Laying out before drawing is what lets a
thermal page be exactly as tall as its content and a letter page break only between blocks.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "ASCENT",
    "Align",
    "Block",
    "Box",
    "Figure",
    "Op",
    "Rule",
    "Text",
    "clip_lines",
    "draw_blocks",
    "new_canvas",
    "text_width",
    "wrap",
]

Align = Literal["left", "right", "centre"]

#: Where the baseline sits below the top of a row, as a fraction of the type size (DejaVu cap height + a bit).
ASCENT = 0.8
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    font: str
    size: float
    align: Align = "left"
    gray: float = 0.0


@dataclass(frozen=True, slots=True)
class Rule:
    x1: float
    x2: float
    y: float
    width: float = 0.6
    dash: bool = False


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float  # top edge
    w: float
    h: float
    fill: bool
    line_width: float = 1.2


@dataclass(frozen=True, slots=True)
class Figure:
    """Anything that draws itself with its bottom-left corner at a point: a barcode, a QR code."""

    x: float
    y: float  # bottom edge
    draw: Callable[[Canvas, float, float], object]


Op = Text | Rule | Box | Figure


class Block:
    """A keep-together run of operations with its own height: the unit the layouts stack and paginate."""

    __slots__ = ("height", "is_row", "ops")

    def __init__(self, *, is_row: bool = False) -> None:
        self.ops: list[Op] = []
        self.height = 0.0
        self.is_row = is_row  # a table row: a page that starts with one repeats the table head

    def gap(self, points: float) -> None:
        self.height += points

    def row(self, size: float, lead: float = 1.3) -> float:
        """Reserve one line of type and return its baseline."""
        baseline = self.height + size * ASCENT
        self.height += size * lead
        return baseline

    def text(self, x: float, y: float, text: str, font: str, size: float, align: Align = "left",
             gray: float = 0.0) -> None:
        self.ops.append(Text(x, y, text, font, size, align, gray))

    def rule(self, x1: float, x2: float, *, width: float = 0.6, dash: bool = False, space: float = 3.0) -> None:
        """A horizontal rule with ``space`` above and below it."""
        self.height += space
        self.ops.append(Rule(x1, x2, self.height, width, dash))
        self.height += space + width


def draw_blocks(canvas: Canvas, blocks: Iterable[tuple[Block, float]]) -> None:
    """Draw blocks whose tops are at the given PDF y; the text state is tracked to keep the stream small."""
    font: tuple[str, float] | None = None
    gray = 0.0
    canvas.setFillGray(gray)
    for block, top in blocks:
        for op in block.ops:
            if isinstance(op, Text):
                if font != (op.font, op.size):
                    font = (op.font, op.size)
                    canvas.setFont(op.font, op.size)
                if gray != op.gray:
                    gray = op.gray
                    canvas.setFillGray(gray)
                y = top - op.y
                if op.align == "left":
                    canvas.drawString(op.x, y, op.text)
                elif op.align == "right":
                    canvas.drawRightString(op.x, y, op.text)
                else:
                    canvas.drawCentredString(op.x, y, op.text)
            elif isinstance(op, Rule):
                canvas.setLineWidth(op.width)
                if op.dash:
                    canvas.setDash(1.5, 1.5)
                else:
                    canvas.setDash()
                canvas.line(op.x1, top - op.y, op.x2, top - op.y)
            elif isinstance(op, Box):
                if op.fill and gray != 0.0:
                    gray = 0.0
                    canvas.setFillGray(gray)
                canvas.setLineWidth(op.line_width)
                canvas.setDash()
                canvas.rect(op.x, top - op.y - op.h, op.w, op.h, stroke=1, fill=1 if op.fill else 0)
            else:
                op.draw(canvas, op.x, top - op.y)
                gray = -1.0  # a figure may leave its own fill colour behind


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines that fit ``width``: split at spaces, and inside a word only when one word is wider than the line."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while len(line) > 1 and stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def clip_lines(lines: list[str], limit: int, font: str, size: float, width: float) -> list[str]:
    """At most ``limit`` lines; a cut text ends in an ellipsis so the reader knows there was more."""
    if len(lines) <= limit:
        return lines
    last = lines[limit - 1].rstrip()
    while last and stringWidth(last + _ELLIPSIS, font, size) > width:
        last = last[:-1].rstrip()
    return [*lines[:limit - 1], last + _ELLIPSIS]


def text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def new_canvas(buffer: io.BytesIO, size: tuple[float, float], *, title: str, author: str, subject: str,
               pagecompression: int) -> Canvas:
    """A canvas in ReportLab's invariant mode, so the same document always renders to the same bytes."""
    canvas = Canvas(buffer, pagesize=size, pageCompression=pagecompression, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("Counter")
    return canvas


def paginate(blocks: Iterable[Block], top: float, bottom: float,
             heads: Callable[[Block], Iterable[Block]]) -> list[list[tuple[Block, float]]]:
    """Place blocks top to bottom on letter pages; a block that does not fit starts a new page, which opens with
    ``heads(block)`` (a running head, and column headings when the block is a table row)."""
    pages: list[list[tuple[Block, float]]] = [[]]
    y = top
    for block in blocks:
        if y - block.height < bottom and pages[-1]:
            pages.append([])
            y = top
            for head in heads(block):
                pages[-1].append((head, y))
                y -= head.height
        pages[-1].append((block, y))
        y -= block.height
    return pages
