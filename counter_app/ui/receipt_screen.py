"""The receipt: a preview of what prints, the change due in very large type, print / save / layout keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.payments.money import format_money
from counter_app.ui.keymap import HINTS
from counter_app.ui.pdf_view import PdfPreview
from counter_app.ui.prompts import Prompts, paint_pages
from counter_app.ui.table_models import tenders_text
from counter_app.ui.view_models import ReceiptPages, ReceiptViewModel
from counter_app.ui.widgets import AmountTile, HintBar, Notice, add_shortcut, set_state

LAYOUT_NAMES = {"thermal": "80 mm roll", "letter": "Letter page"}
#: Preview size of the 80 mm roll: 1.75 screen pixels per point reads like the paper at arm's length.
THERMAL_ZOOM = 1.75


@dataclass(frozen=True, slots=True)
class ReceiptInfo:
    """What the receipt screen says beside the preview; built from a completed payment or a list row."""

    receipt_number: str
    mode: str  # sale | refund | reprint
    big_caption: str
    big_cents: int
    lines: tuple[str, ...]


def info_from_payment(result: Any) -> ReceiptInfo:
    """From a ``CompletedPayment`` (a sale just taken, or a refund just given)."""
    snap = result.snapshot
    tenders = {t.label: t.amount_cents for t in snap.tenders}
    paid = ", ".join(f"{label} {format_money(abs(c))}" for label, c in tenders.items())
    if snap.kind == "refund":
        back = -sum(t.amount_cents for t in snap.tenders)
        return ReceiptInfo(snap.receipt_number, "refund", "GIVE BACK", back, (
            f"Refund {snap.receipt_number} of {snap.refund_of or 'the original receipt'}",
            f"Refunded by {paid}",
            f"Cashier {snap.cashier}",
        ))
    lines = [f"Receipt {snap.receipt_number}", f"Paid {format_money(snap.amount_paid_cents)}: {paid}"]
    if snap.rounding_cents:
        lines.append(f"Cash rounding {format_money(snap.rounding_cents, sign=True)}")
    return ReceiptInfo(snap.receipt_number, "sale", "CHANGE DUE", snap.change_cents, tuple(lines))


def info_from_summary(summary: Any) -> ReceiptInfo:
    """From a ``TransactionSummary`` row of today's list (a reprint)."""
    status = " · VOID" if summary.status == "void" else ""
    return ReceiptInfo(summary.receipt_number, "reprint", "CHANGE GIVEN", summary.change_cents, (
        f"Reprint of {summary.receipt_number}{status}",
        f"{summary.kind.capitalize()} {format_money(summary.total_cents)} · {tenders_text(summary.tenders)}",
        f"Cashier {summary.cashier}",
    ))


class ReceiptScreen(QWidget):
    next_resident = Signal()
    back = Signal()

    def __init__(self, vm: ReceiptViewModel, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.vm = vm
        self.prompts = prompts
        self.info: ReceiptInfo | None = None
        self.layout_name = "thermal"
        self.page_size_pt: tuple[float, float] | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QHBoxLayout()
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(18)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINTS["receipt"]))

        self.preview = PdfPreview()
        self.preview.setMinimumWidth(480)
        body.addWidget(self.preview, 5)

        side = QVBoxLayout()
        side.setSpacing(10)
        self.change_tile = AmountTile("CHANGE DUE", "change")
        side.addWidget(self.change_tile)
        self.details = QLabel("")
        self.details.setObjectName("receiptDetails")
        self.details.setWordWrap(True)
        side.addWidget(self.details)
        self.layout_label = QLabel("")
        self.layout_label.setObjectName("muted")
        side.addWidget(self.layout_label)
        self.notice = Notice()
        side.addWidget(self.notice)

        keys = QFrame()
        keys.setObjectName("panel")
        grid = QGridLayout(keys)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        self.next_label = QLabel("Next resident")
        for row, (key, text) in enumerate((("Ctrl+P", QLabel("Print the receipt")),
                                           ("Ctrl+S", QLabel("Save as PDF")),
                                           ("Ctrl+L", QLabel("Letter page / 80 mm roll")),
                                           ("Enter", self.next_label))):
            cap = QLabel(key)
            cap.setObjectName("bigKeyCap")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text.setObjectName("bigKeyText")
            grid.addWidget(cap, row, 0)
            grid.addWidget(text, row, 1)
        grid.setColumnStretch(1, 1)
        side.addWidget(keys)
        side.addStretch(1)
        body.addLayout(side, 4)

        add_shortcut(self, "Ctrl+P", self.print_receipt)
        add_shortcut(self, "Ctrl+S", self.save_receipt)
        add_shortcut(self, "Ctrl+L", self.toggle_layout)
        vm.preview_ready.connect(self._show_preview)
        vm.printed.connect(lambda n: self.notice.say(f"Receipt {n} sent to the printer.", "success"))
        vm.saved.connect(lambda p: self.notice.say(f"Saved {p}", "success"))
        vm.failed.connect(lambda message, _field: self.notice.say(message, "error"))

    def show_receipt(self, info: ReceiptInfo) -> None:
        self.info = info
        self.layout_name = "thermal"
        self.change_tile.caption.setText(info.big_caption)
        self.change_tile.set_amount(format_money(info.big_cents), "")
        set_state(self.change_tile, "active", info.big_cents > 0)
        self.details.setText("\n".join(info.lines))
        self.next_label.setText("Back to today's transactions" if info.mode == "reprint" else "Next resident")
        self.notice.say("")
        self._request_preview()
        self.setFocus()

    def _request_preview(self) -> None:
        if self.info is None:
            return
        self.layout_label.setText(f"Layout: {LAYOUT_NAMES[self.layout_name]}")
        self.preview.clear("Preparing the receipt…")
        ratio = self.devicePixelRatioF() or 1.0
        width = max(300, self.preview.viewport().width() - 24)
        max_scale = THERMAL_ZOOM if self.layout_name == "thermal" else 3.0
        self.vm.preview(self.info.receipt_number, self.layout_name, int(width * ratio), max_scale * ratio)

    def _show_preview(self, pages: ReceiptPages) -> None:
        if self.info is None or pages.receipt_number != self.info.receipt_number:
            return
        self.page_size_pt = pages.page_size_pt
        self.preview.show_pages(pages.images, self.devicePixelRatioF() or 1.0)

    def toggle_layout(self) -> None:
        self.layout_name = "letter" if self.layout_name == "thermal" else "thermal"
        self._request_preview()

    def print_receipt(self) -> None:
        if self.info is None:
            return
        printer = self.prompts.printer(self, self.page_size_pt)
        if printer is None:
            self.notice.say("Not printed.", "info")
            return
        number = self.info.receipt_number

        def paint(images: list[Any]) -> None:
            try:
                paint_pages(printer, images)
            except OSError as exc:
                self.notice.say(f"The printer did not take the receipt ({exc}). Check it and press Ctrl+P.",
                                "error")

        self.notice.say("Printing…", "info")
        dpi = min(float(printer.resolution()), 300.0)
        self.vm.issue_for_print(number, self.layout_name, dpi, paint)
        self.setFocus()

    def save_receipt(self) -> None:
        if self.info is None:
            return
        suffix = "-letter" if self.layout_name == "letter" else ""
        path = self.prompts.save_path(self, f"{self.info.receipt_number}{suffix}.pdf")
        if path:
            self.notice.say("Saving…", "info")
            self.vm.issue_to_file(self.info.receipt_number, self.layout_name, path)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or key == Qt.Key.Key_Escape:
            (self.back if self.info and self.info.mode == "reprint" else self.next_resident).emit()
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            step = {Qt.Key.Key_Down: 60, Qt.Key.Key_Up: -60, Qt.Key.Key_PageDown: 400, Qt.Key.Key_PageUp: -400}[key]
            self.preview.scroll_by(step)
        else:
            super().keyPressEvent(event)

    def show_error(self, message: str, field: str) -> None:
        self.notice.say(message, "error")
