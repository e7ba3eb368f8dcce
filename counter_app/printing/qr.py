"""QR codes drawn straight onto a ReportLab canvas, as one filled path.

ReportLab's own QR widget builds a shape per module and takes about 50 ms; a referral slip has a 10 ms budget.
Here the ``qrcode`` package computes the module matrix, each row's horizontal runs of dark modules become one
rectangle, and all rectangles go into a single path filled once: a small content stream and under 2 ms.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

__all__ = ["QUIET_ZONE", "QrSymbol", "qr_drawing", "qr_symbol"]

#: Light modules a scanner needs on every side; the matrix has no border, so the layout must leave this space.
QUIET_ZONE = 4


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """A QR code as ``modules`` x ``modules`` squares; ``runs`` are the dark runs as (row, column, length)."""

    data: str
    modules: int
    runs: tuple[tuple[int, int, int], ...]

    def draw(self, canvas: Canvas, x: float, y: float, size: float) -> None:
        """Fill the symbol as one path with its bottom-left corner at (x, y), ``size`` points square.

        The path is written in module units (row 0 at the top), so every rectangle is a few small integers:
        a shorter stream, and modules that meet exactly.
        """
        module = size / self.modules
        canvas.saveState()
        canvas.transform(module, 0, 0, -module, x, y + size)
        path = canvas.beginPath()
        for row, column, length in self.runs:
            path.rect(column, row, length, 1)
        canvas.setFillGray(0.0)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def _runs(matrix: list[list[bool]]) -> tuple[tuple[int, int, int], ...]:
    """Merge each row's adjacent dark modules: a third as many rectangles as modules, and no seams inside a run."""
    runs: list[tuple[int, int, int]] = []
    for row, cells in enumerate(matrix):
        start = -1
        for column, dark in enumerate(cells):
            if dark and start < 0:
                start = column
            elif not dark and start >= 0:
                runs.append((row, start, column - start))
                start = -1
        if start >= 0:
            runs.append((row, start, len(cells) - start))
    return tuple(runs)


@functools.lru_cache(maxsize=64)
def qr_symbol(data: str) -> QrSymbol:
    """The smallest QR symbol for ``data`` at error correction M (15 %: survives a crease or a smudge).

    Cached because a reprint draws the same reference again; the symbol is immutable.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    return QrSymbol(data, len(matrix), _runs(matrix))


def qr_drawing(data: str, size: float) -> Callable[[Canvas, float, float], None]:
    """A function that draws the QR code for ``data``, ``size`` points square, with its bottom-left at (x, y)."""
    symbol = qr_symbol(data)

    def draw(canvas: Canvas, x: float, y: float) -> None:
        symbol.draw(canvas, x, y, size)

    return draw
