"""X and Z reports on paper without a receipt printer: a letter page through the print dialog, or a PDF file.

The page is a small HTML document laid out by Qt; QtPrintSupport is imported only when a report is printed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget

from counter_app.ui.prompts import Prompts


def _document(html: str) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(html)
    return document


def _letter(device: QPagedPaintDevice) -> None:
    device.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter))


def print_report(prompts: Prompts, parent: QWidget, html: str) -> bool:
    """The print dialog, then the page; False when the cashier cancelled."""
    printer = prompts.printer(parent, None)
    if printer is None:
        return False
    _letter(printer)
    _document(html).print_(printer)
    return True


def save_report_pdf(path: str | Path, html: str) -> Path:
    """The report as a letter PDF at ``path`` (written to a temporary name first, then renamed)."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    writer = QPdfWriter(str(partial))
    writer.setTitle(target.stem)
    writer.setCreator("Counter · City of Lethbridge 311")
    _letter(writer)
    _document(html).print_(writer)
    del writer  # closes the file
    if not partial.exists():
        raise OSError(f"the PDF could not be written in {target.parent}")
    partial.replace(target)
    return target
