"""A thermal receipt printer and its cash drawer, driven over ESC/POS with python-escpos.

An adapter at the edge: the receipt's content comes from :mod:`text_receipt` (pure), this module only turns rows
into device commands. A device is built per job and closed after it, so a printer switched off between two sales
is found again without restarting the app. Every device failure becomes a :class:`PrinterError` worded for the
cashier: the payment is already saved when printing starts, so a failed print never loses a sale.

python-escpos is imported lazily, only when a thermal printer is configured: importing it configures the root
logger (``logging.basicConfig``) and creates a temporary folder, which a PDF-only workstation should not pay for.
Jobs block for up to the network timeout: call them from a worker thread, not the UI thread.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from counter_app.errors import UserError
from counter_app.payments.receipt import ReceiptSnapshot
from counter_app.printing.printer_config import PrinterConfig
from counter_app.printing.text_receipt import PrintLine, receipt_lines, report_lines

if TYPE_CHECKING:
    from escpos.escpos import Escpos

__all__ = ["EscposPrinter", "PrinterError"]

log = logging.getLogger(__name__)

#: The code page every line is encoded in: Latin-1 letters plus the euro sign, supported by nearly every
#: ESC/POS printer; CP850 (the same letters) is the fallback for a profile without it.
CODE_PAGES = ("CP858", "CP850")
#: Dots per character in font A: a row of ``width`` characters is ``width * 12`` dots (576 on an 80 mm head).
_DOTS_PER_CHAR = 12
_BARCODE_HEIGHT = 80  # dots: about 10 mm at 203 dpi, as tall as the PDF's barcode


class PrinterError(UserError):
    """The receipt printer or cash drawer failed; ``message`` tells the cashier what to check and what is safe."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "printer")


class EscposPrinter:
    """Prints receipts and X/Z reports, and opens the cash drawer, on an ESC/POS printer.

    ``device_factory`` replaces the device built from ``config`` (tests, or a printer model that needs extra
    arguments); it is called once per job.
    """

    def __init__(self, config: PrinterConfig, device_factory: Callable[[], Escpos] | None = None) -> None:
        if device_factory is None and not config.is_escpos:
            raise ValueError(f"Printer kind {config.kind!r} is not a thermal (ESC/POS) printer.")
        self.config = config
        self._factory = device_factory or self._device_from_config
        self._last_device: Escpos | None = None

    # --- jobs ----------------------------------------------------------------------------------------------------

    def print_receipt(self, snapshot: ReceiptSnapshot, *, copy: bool = False, void: bool = False,
                      open_drawer: bool = False) -> None:
        """Print one receipt and cut; ``open_drawer`` kicks the drawer first, so it opens while the paper prints."""
        lines = receipt_lines(snapshot, copy=copy, void=void, width=self.config.width)
        self._job(lines, kick=open_drawer, cut=True,
                  saved="The payment is saved; reprint from Today's transactions.")

    def print_report(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Print an X or Z report (rows of label and value; an empty value makes a heading) and cut."""
        lines = report_lines(title, rows, width=self.config.width)
        self._job(lines, kick=False, cut=True, saved="The report is saved; print it again once the printer is back.")

    def open_drawer(self) -> None:
        """Kick the cash drawer open without printing (no cut: a drawer opening should not waste paper)."""
        self._job([], kick=True, cut=False, saved="Open the drawer with its key if you need it now.")

    def wants_drawer(self, snapshot: ReceiptSnapshot) -> bool:
        """Whether a completed sale should open the drawer: cash changed hands and the settings allow it."""
        cash = any(t.kind == "cash" for t in snapshot.tenders) or snapshot.change_cents != 0
        return self.config.open_drawer_on_cash and cash

    @property
    def last_output(self) -> bytes | None:
        """The bytes the last job sent, when the device keeps them (python-escpos ``Dummy``); else ``None``."""
        output = getattr(self._last_device, "output", None)
        return output if isinstance(output, bytes) else None

    # --- device --------------------------------------------------------------------------------------------------

    def _job(self, lines: list[PrintLine], *, kick: bool, cut: bool, saved: str) -> None:
        """Run one job on a fresh device and always close it; any device failure becomes a PrinterError."""
        where = self.config.location()
        try:
            device = self._factory()
        except PrinterError:
            raise
        except Exception as exc:
            log.warning("Receipt printer %s could not be set up: %s", where, exc)
            raise PrinterError(f"The receipt printer {where} could not be set up ({exc}). {saved}") from exc
        self._last_device = device
        try:
            try:
                device.open()
            except Exception as exc:
                log.warning("Receipt printer %s did not answer: %s", where, exc)
                raise PrinterError(
                    f"The receipt printer {where} did not answer: check it is on, connected and has paper. {saved}"
                ) from exc
            try:
                self._send(device, lines, kick=kick, cut=cut)
            except Exception as exc:
                log.warning("Receipt printer %s failed while printing: %s", where, exc)
                raise PrinterError(
                    f"The receipt printer {where} stopped while printing: check it has paper and its cover is "
                    f"closed. {saved}"
                ) from exc
        finally:
            with contextlib.suppress(Exception):
                device.close()

    def _send(self, p: Escpos, lines: list[PrintLine], *, kick: bool, cut: bool) -> None:
        p.hw("INIT")  # a clean state whatever the last job (or another program) left: size, bold, code page
        if kick:
            p.cashdraw(self.config.drawer_pin)
        if lines:
            self._select_code_page(p)
        style: tuple[str, bool, bool] | None = ("left", False, False)  # what ESC @ left; None: unknown
        for line in lines:
            if line.kind == "barcode":
                self._barcode(p, line.text)
                style = None
                continue
            wanted = (line.align, line.bold, line.double)
            if wanted != style:  # send styles only when they change: a 9600-baud serial line is slow
                p.set(align=line.align, bold=line.bold, double_height=line.double, double_width=line.double,
                      normal_textsize=not line.double)
                style = wanted
            p.textln(line.text if line.kind != "feed" else "")
        if cut:
            p.cut()

    @staticmethod
    def _select_code_page(p: Escpos) -> None:
        """Fix the code page (ESC t) for the whole job instead of letting python-escpos switch per character.

        The rows are already limited to printable Latin-1, which both pages hold; the printer just reset (ESC @)
        to its default page, so the library's memory of the current page is cleared to force the command out.
        """
        p.magic.encoding = None
        for code_page in CODE_PAGES:
            try:
                p.charcode(code_page)
                return
            except (KeyError, ValueError):  # not in this printer profile: try the next
                continue

    def _barcode(self, p: Escpos, number: str) -> None:
        """CODE128 (set B) of the receipt number with the number printed under it, or the number alone if the
        bars would not fit the roll or the number is not plain ASCII."""
        dots = self.config.width * _DOTS_PER_CHAR
        modules = 11 * (len(number) + 3) + 2  # start, data, check, stop (11 modules each), final bar
        module_width = 3 if modules * 3 <= dots else 2
        p.set(align="center", bold=False, normal_textsize=True)
        if not number.isascii() or not number or modules * module_width > dots:
            p.textln(number)
            return
        # python-escpos 3 expects the code set as a "{B" prefix in the data for CODE128 (see BARCODE_FORMATS);
        # its barcode() announces the renderer on stdout, which a packaged app has no use for.
        with contextlib.redirect_stdout(io.StringIO()):
            p.barcode("{B" + number, "CODE128", height=_BARCODE_HEIGHT, width=module_width, pos="BELOW",
                      function_type="B")

    def _device_from_config(self) -> Escpos:
        """The python-escpos device for the configured kind; USB and serial need optional extras, named if absent."""
        from escpos.printer import Dummy, File, Network, Serial, Usb

        config = self.config
        if config.kind == "escpos-network":
            return Network(config.host, port=config.port, timeout=config.timeout)
        if config.kind == "escpos-usb":
            if not Usb.is_usable():
                raise PrinterError("USB receipt printing is not installed on this workstation (it needs pyusb, "
                                   "python-escpos[usb]): ask IT, or use a network printer.")
            return Usb(config.vendor_id, config.product_id, timeout=int(config.timeout * 1000))  # pyusb: ms
        if config.kind == "escpos-serial":
            if not Serial.is_usable():
                raise PrinterError("Serial receipt printing is not installed on this workstation (it needs "
                                   "pyserial, python-escpos[serial]): ask IT.")
            return Serial(config.devfile, baudrate=config.baudrate, timeout=config.timeout)
        if config.kind == "escpos-file":
            return File(devfile=config.path)
        return Dummy()
