"""The receipt printer and its cash drawer, seen from the screens: the configured kind, and jobs off the GUI thread.

Thermal (ESC/POS) jobs run in a lane of their own (one thread), not the store's worker lane: a printer that is
switched off waits up to its timeout, and the next resident's bill look-up should not wait behind it. A job never
touches the store; logging a print is handed back to the store's lane by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from counter_app.printing.escpos_printer import EscposPrinter, PrinterError
from counter_app.printing.printer_config import PrinterConfig, parse_printer_config
from counter_app.ui.workers import TaskRunner

__all__ = ["PrinterError", "ReceiptPrinter"]


class ReceiptPrinter(QObject):
    """The workstation's printer choice; ``thermal`` is set when the app drives an ESC/POS printer itself."""

    changed = Signal(object)  # PrinterConfig

    def __init__(self, section: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lane = TaskRunner(self)
        self.problem = ""  # a settings.json "printer" section that did not parse: said once, PDF meanwhile
        try:
            config = parse_printer_config(section if isinstance(section, dict) else None)
        except ValueError as exc:
            self.problem = (f"The receipt printer settings are not valid: {exc} Receipts are saved as PDF until a "
                            "supervisor fixes them (Ctrl+Shift+P).")
            config = PrinterConfig()
        self.config = config
        self.thermal: EscposPrinter | None = None
        self.configure(config)

    def configure(self, config: PrinterConfig) -> None:
        self.config = config
        self.thermal = EscposPrinter(config) if config.is_escpos else None
        self.changed.emit(config)

    def describe(self) -> str:
        return self.config.describe()

    # -- jobs (the callbacks run on the GUI thread) ---------------------------------------------------------
    def run(self, job: Callable[[EscposPrinter], object], done: Callable[[Any], None],
            failed: Callable[[str], None]) -> bool:
        """Run ``job(printer)`` in the printer lane; False (and nothing run) when no thermal printer is set."""
        printer = self.thermal
        if printer is None:
            return False

        def error(exc: BaseException) -> None:
            if isinstance(exc, PrinterError):
                failed(exc.message)
            else:
                failed(f"The receipt printer failed ({type(exc).__name__}: {str(exc)[:120]}). Nothing else was "
                       "affected.")

        self.lane.run(job, printer, done=done, error=error)
        return True

    def wait(self, msecs: int = 10_000) -> bool:
        return self.lane.wait(msecs)
