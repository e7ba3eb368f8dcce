"""Questions the screens ask the cashier, behind one port (tests plug in answers; the app shows real dialogs).

QtPrintSupport is imported only when a receipt is first printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


class Prompts:
    """Real dialogs. Every method returns what the cashier chose, or None / False when they cancelled."""

    def confirm(self, parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        accept = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is accept

    def printer(self, parent: QWidget, page_size_pt: tuple[float, float] | None) -> QPrinter | None:
        """The print dialog (Enter prints); the page is preset to the receipt's own size (80 mm roll or letter)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if page_size_pt:
            size = QPageSize(QSizeF(*page_size_pt), QPageSize.Unit.Point, "Receipt",
                             QPageSize.SizeMatchPolicy.FuzzyMatch)
            printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print receipt")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer

    def choose_folder(self, parent: QWidget, title: str, start: str) -> str | None:
        """A folder for exports; tests replace this with an answer."""
        return QFileDialog.getExistingDirectory(parent, title, start) or None

    def save_path(self, parent: QWidget, suggested: str) -> str | None:
        folder = Path.home() / "Documents"
        start = str((folder if folder.is_dir() else Path.home()) / suggested)
        path, _ = QFileDialog.getSaveFileName(parent, "Save receipt as PDF", start, "PDF files (*.pdf)")
        if not path:
            return None
        return path if path.lower().endswith(".pdf") else path + ".pdf"


def paint_pages(printer: QPrinter, images: list[QImage]) -> None:
    """Each page image scaled to the printable area, keeping its proportions, one image per sheet."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            area.moveTo(0, 0)
            target = QSizeF(image.size()).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(area.topLeft(), target), image)
    finally:
        painter.end()
