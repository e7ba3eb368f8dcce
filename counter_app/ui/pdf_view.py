"""Receipt PDFs as images: QtPdf renders pages (in the worker lane), a scroll area shows them.

QtPdf is imported on first use, after the first window is painted: it is not needed to sign in.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget


def _open(pdf: bytes) -> tuple[object, QBuffer]:
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise ValueError("the receipt PDF could not be read")
    return document, buffer


def page_size_pt(pdf: bytes) -> tuple[float, float]:
    document, _buffer = _open(pdf)
    size = document.pagePointSize(0)  # type: ignore[attr-defined]
    return size.width(), size.height()


def render_pages(pdf: bytes, *, scale: float | None = None, width_px: int | None = None,
                 max_scale: float = 4.0) -> list[QImage]:
    """Every page as an opaque image: ``scale`` pixels per point, or fitted to ``width_px`` (at most max_scale)."""
    document, _buffer = _open(pdf)
    images = []
    for page in range(document.pageCount()):  # type: ignore[attr-defined]
        size = document.pagePointSize(page)  # type: ignore[attr-defined]
        factor = scale if scale is not None else min(max_scale, (width_px or size.width()) / size.width())
        target = QSize(max(1, round(size.width() * factor)), max(1, round(size.height() * factor)))
        rendered = document.render(page, target)  # type: ignore[attr-defined]
        image = QImage(target, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(0, 0, rendered)
        painter.end()
        images.append(image)
    return images


class PdfPreview(QScrollArea):
    """Pages stacked on a grey desk, like paper; scrolls only if a receipt is longer than the screen."""

    GAP = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._label = QLabel()
        self._label.setObjectName("pdfPage")
        self._label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._label)
        self.setWidgetResizable(False)
        self._label.setText("")

    def clear(self, message: str = "") -> None:
        self._label.setPixmap(QPixmap())
        self._label.setText(message)
        self._label.adjustSize()

    def show_pages(self, images: list[QImage], device_ratio: float) -> None:
        if not images:
            self.clear("No receipt to show.")
            return
        width = max(img.width() for img in images)
        height = sum(img.height() for img in images) + self.GAP * (len(images) - 1)
        sheet = QImage(width, height, QImage.Format.Format_RGB32)
        sheet.fill(QColor("#d7dde4"))
        painter = QPainter(sheet)
        y = 0
        for img in images:
            painter.drawImage((width - img.width()) // 2, y, img)
            y += img.height() + self.GAP
        painter.end()
        pixmap = QPixmap.fromImage(sheet)
        pixmap.setDevicePixelRatio(device_ratio)
        self._label.setText("")
        self._label.setPixmap(pixmap)
        self._label.resize(round(width / device_ratio), round(height / device_ratio))
        self.verticalScrollBar().setValue(0)

    def scroll_by(self, pixels: int) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + pixels)
