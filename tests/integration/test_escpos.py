"""The thermal printer path end to end: snapshot -> text rows -> ESC/POS bytes on a Dummy, a file and a socket.

The bytes are checked against python-escpos's own constants, so a library upgrade that changes a command is
caught here rather than by a cashier whose drawer no longer opens.
"""

from __future__ import annotations

import io
import os
import re
import select
import socket
import threading
import time
import tty
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from escpos.constants import CD_KICK_2, CD_KICK_5, PAPER_FULL_CUT
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from counter_app.errors import UserError
from counter_app.payments.receipt import Issuer, ReceiptLine, ReceiptSnapshot, ReceiptTender
from counter_app.printing.escpos_printer import EscposPrinter, PrinterError
from counter_app.printing.printer_config import PrinterConfig, parse_printer_config
from counter_app.printing.receipt_pdf import render_receipt
from counter_app.printing.text_receipt import (
    PrintLine,
    printable,
    receipt_lines,
    report_lines,
    to_plain_text,
    two_columns,
)

MST = timezone(timedelta(hours=-7))
CUT = b"\x1dV"
UTILITY = ReceiptLine("Utility bill", "1000-013", 12347, "E", 0, 12347)
COMPOSTER = ReceiptLine("Backyard composter", None, 4000, "G", 200, 4200)
FULL_CARD = re.compile(rb"\d(?:[ -]?\d){11,18}")  # 12 to 19 digits, as a card number may be written


def sale() -> ReceiptSnapshot:
    """Two lines ($165.47 with GST), $100 by debit, the rest in cash rounded to $65.45, paid with $70."""
    lines = (UTILITY, COMPOSTER)
    return ReceiptSnapshot(
        receipt_number="CH1-02-000123",
        kind="sale",
        issued_at=datetime(2026, 11, 26, 10, 42, tzinfo=MST),
        workstation="CH1-02",
        cashier="Priya Sandhu",
        lines=lines,
        subtotal_cents=16347,
        gst_cents=200,
        total_cents=16547,
        rounding_cents=-2,
        tenders=(
            ReceiptTender("debit", "Debit", 10_000, "Interac ****4821  Auth 123456"),
            ReceiptTender("cash", "Cash", 7000, ""),
        ),
        change_cents=455,
        issuer=Issuer(),
    )


def refund() -> ReceiptSnapshot:
    line = ReceiptLine("Dog licence - altered and chipped", None, -2000, "E", 0, -2000)
    return ReceiptSnapshot(
        receipt_number="CH1-02-000131",
        kind="refund",
        issued_at=datetime(2026, 11, 27, 9, 5, tzinfo=MST),
        workstation="CH1-02",
        cashier="Priya Sandhu",
        lines=(line,),
        subtotal_cents=-2000,
        gst_cents=0,
        total_cents=-2000,
        rounding_cents=0,
        tenders=(ReceiptTender("cash", "Cash", -2000, ""),),
        change_cents=0,
        refund_of="CH1-02-000123",
    )


def dummy_printer(**settings_: object) -> EscposPrinter:
    return EscposPrinter(parse_printer_config({"kind": "escpos-dummy", **settings_}))


def printed(printer: EscposPrinter) -> bytes:
    output = printer.last_output
    assert output is not None
    return output


# --- receipts on a Dummy device --------------------------------------------------------------------------------


def test_sale_receipt_bytes_carry_the_receipt() -> None:
    printer = dummy_printer()
    printer.print_receipt(sale())
    out = printed(printer)
    for text in (b"CH1-02-000123", b"Utility bill", b"Backyard composter", b"Ref. 1000-013", b"GST (G) $2.00",
                 b"Cash rounding", b"-$0.02", b"Amount paid", b"$165.45", b"Change", b"$4.55", b"TOTAL",
                 b"$165.47", b"Interac ****4821", b"Keep this receipt for your records."):
        assert text in out, text
    assert out.endswith(PAPER_FULL_CUT) and CUT in out
    assert CD_KICK_2 not in out and CD_KICK_5 not in out
    assert not FULL_CARD.search(out)
    assert b"\x1dkI" + bytes([15]) + b"{BCH1-02-000123" in out  # CODE128 function B, set B, with its length
    assert b"\x1bt\x13" in out  # ESC t 19: code page CP858 for the whole job


def test_lines_come_in_the_pdf_order() -> None:
    printer = dummy_printer()
    printer.print_receipt(sale())
    out = printed(printer)
    order = [b"City of Lethbridge", b"RECEIPT", b"Receipt no.", b"Cashier", b"Utility bill", b"Backyard composter",
             b"Subtotal", b"TOTAL", b"Cash rounding", b"Amount paid", b"GST registration no.", b"Paid by",
             b"Debit", b"Cash ", b"Change", b"{BCH1-02", b"Questions? Call 311", b"Keep this receipt"]
    position = 0
    for text in order:  # each one found after the one before (ValueError if missing or out of order)
        position = out.index(text, position) + len(text)


@pytest.mark.parametrize(("pin", "kick", "other"), [(2, CD_KICK_2, CD_KICK_5), (5, CD_KICK_5, CD_KICK_2)])
def test_drawer_kick_uses_the_configured_pin(pin: int, kick: bytes, other: bytes) -> None:
    printer = dummy_printer(drawer_pin=pin)
    printer.print_receipt(sale(), open_drawer=True)
    out = printed(printer)
    assert out.count(kick) == 1 and other not in out
    assert out.index(kick) < out.index(b"City of Lethbridge")  # the drawer opens while the receipt prints

    printer.open_drawer()
    assert printed(printer) == b"\x1b@" + kick  # no text and no cut: a drawer opening wastes no paper


def test_copy_and_void_are_marked() -> None:
    printer = dummy_printer()
    printer.print_receipt(sale(), copy=True)
    assert b"COPY - REPRINT" in printed(printer) and b"VOID" not in printed(printer)
    printer.print_receipt(refund(), copy=True, void=True)
    out = printed(printer)
    assert b"COPY - REPRINT" in out and b"VOID" in out and b"Voided: not proof of payment." in out
    assert out.index(b"VOID") < out.index(b"COPY - REPRINT") < out.index(b"REFUND")


def test_refund_reads_as_a_refund() -> None:
    printer = dummy_printer()
    printer.print_receipt(refund())
    out = printed(printer)
    for text in (b"REFUND", b"Refund of receipt CH1-02-000123", b"Refunded to", b"-$20.00", b"CH1-02-000131"):
        assert text in out, text
    assert b"Change" not in out and b"Cash rounding" not in out


def test_text_is_encoded_for_the_code_page_and_never_crashes() -> None:
    line = ReceiptLine("Caf\u00e9 \u2019Mountain View\u2019 \u2014 plot 14\u2011B \U0001f600\x1b@", None, 500, "E", 0,
                       500)
    printer = dummy_printer()
    printer.print_receipt(replace(sale(), lines=(line,)))
    out = printed(printer)
    assert "Café 'Mountain View' - plot 14-B ?".encode("cp858") in out
    assert b"\x1b@" not in out[2:]  # the ESC typed into a description never reaches the printer


def test_report_prints_headings_and_values() -> None:
    printer = dummy_printer(width=42)
    printer.print_report("Z report 0007", [("Tenders", ""), ("Cash", "$1,234.50"), ("Debit", "$980.00")])
    out = printed(printer)
    assert b"Z report 0007" in out and b"Tenders" in out
    assert ("Cash" + "$1,234.50".rjust(38)).encode() in out
    assert out.endswith(PAPER_FULL_CUT)


def test_an_injected_device_is_used_per_job_and_keeps_its_output() -> None:
    devices: list[Dummy] = []

    def factory() -> Dummy:
        devices.append(Dummy())
        return devices[-1]

    printer = EscposPrinter(PrinterConfig(kind="escpos-dummy"), device_factory=factory)
    printer.print_receipt(sale())
    printer.print_receipt(sale(), copy=True)
    assert len(devices) == 2 and printer.last_output == devices[1].output
    assert b"COPY" not in devices[0].output


def test_wants_drawer_for_cash_only_when_allowed() -> None:
    assert dummy_printer().wants_drawer(sale())
    assert not dummy_printer(open_drawer_on_cash=False).wants_drawer(sale())
    card_only = replace(sale(), tenders=(ReceiptTender("debit", "Debit", 16547, "Interac ****4821"),),
                        rounding_cents=0, change_cents=0)
    assert not dummy_printer().wants_drawer(card_only)


# --- real transports ---------------------------------------------------------------------------------------------


def test_file_device_writes_the_same_bytes(tmp_path: Path) -> None:
    dummy = dummy_printer()
    dummy.print_receipt(sale(), open_drawer=True)
    target = tmp_path / "lp0"
    EscposPrinter(parse_printer_config({"kind": "escpos-file", "path": str(target)})).print_receipt(
        sale(), open_drawer=True)
    assert target.read_bytes() == printed(dummy)


def test_network_device_sends_the_same_bytes() -> None:
    received = io.BytesIO()
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            while chunk := connection.recv(4096):
                received.write(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        printer = EscposPrinter(parse_printer_config({"kind": "escpos-network", "host": "127.0.0.1", "port": port,
                                                      "timeout": 1}))
        printer.print_receipt(sale())
        thread.join(timeout=5)
    finally:
        server.close()
    dummy = dummy_printer()
    dummy.print_receipt(sale())
    assert received.getvalue() == printed(dummy)


def test_unreachable_network_printer_gives_a_clear_message_within_the_timeout() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = EscposPrinter(parse_printer_config({"kind": "escpos-network", "host": "127.0.0.1", "port": port,
                                                  "timeout": 1}))
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(sale())
    assert time.monotonic() - started < 3
    error = caught.value
    assert isinstance(error, UserError) and error.field == "printer"
    assert error.message == (
        f"The receipt printer at 127.0.0.1:{port} did not answer: check it is on, connected and has paper. "
        "The payment is saved; reprint from Today's transactions."
    )
    with pytest.raises(PrinterError, match="Open the drawer with its key"):
        printer.open_drawer()


def test_a_device_failing_mid_job_is_reported_and_closed() -> None:
    class Jams(Dummy):
        closed = False

        def _raw(self, msg: bytes) -> None:
            if len(self._output_list) > 20:
                raise OSError("paper out")
            super()._raw(msg)

        def close(self) -> None:
            type(self).closed = True

    printer = EscposPrinter(PrinterConfig(kind="escpos-dummy"), device_factory=Jams)
    with pytest.raises(PrinterError, match="stopped while printing: check it has paper"):
        printer.print_report("X report", [("Cash", "$1.00")] * 30)
    assert Jams.closed


def test_a_device_that_cannot_be_built_is_reported() -> None:
    def broken() -> Dummy:
        raise RuntimeError("no such device")

    printer = EscposPrinter(PrinterConfig(kind="escpos-dummy"), device_factory=broken)
    with pytest.raises(PrinterError, match=r"could not be set up \(no such device\)\. The payment is saved"):
        printer.print_receipt(sale())


def test_serial_device_sends_the_same_bytes() -> None:
    """A real serial line: pyserial writes to a pseudo-terminal, whose other end reads what the printer would."""
    main, attached = os.openpty()
    tty.setraw(attached)  # bytes pass through as they are, as on a printer's line
    received = bytearray()
    try:
        printer = EscposPrinter(parse_printer_config({"kind": "escpos-serial", "devfile": os.ttyname(attached),
                                                      "baudrate": 9600, "timeout": 1}))
        printer.print_receipt(sale(), open_drawer=True)
        while select.select([main], [], [], 0.5)[0]:
            received += os.read(main, 65536)
    finally:
        os.close(main)
        os.close(attached)
    dummy = dummy_printer()
    dummy.print_receipt(sale(), open_drawer=True)
    assert bytes(received) == printed(dummy)


def test_a_usb_printer_that_is_not_plugged_in_gives_a_clear_message() -> None:
    printer = EscposPrinter(parse_printer_config({"kind": "escpos-usb", "vendor_id": "fffe", "product_id": "0e99"}))
    with pytest.raises(PrinterError, match=r"did not answer: check it is on, connected and has paper\. The payment "
                                           r"is saved"):
        printer.print_receipt(sale())


def test_only_thermal_kinds_make_an_escpos_printer() -> None:
    with pytest.raises(ValueError, match="not a thermal"):
        EscposPrinter(PrinterConfig(kind="pdf"))


# --- text rows -------------------------------------------------------------------------------------------------


def fits(lines: list[PrintLine], width: int) -> bool:
    return all(len(line.text) <= (width // 2 if line.double else width) for line in lines)


def is_printable(text: str) -> bool:
    return all(0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF for c in text)


@pytest.mark.parametrize("width", [42, 48])
def test_every_row_fits_the_roll(width: int) -> None:
    for snapshot in (sale(), refund()):
        lines = receipt_lines(snapshot, copy=True, void=True, width=width)
        assert fits(lines, width)
        assert [line.text for line in lines if line.kind == "barcode"] == [snapshot.receipt_number]


def test_a_number_too_long_for_a_barcode_prints_as_text() -> None:
    number = "CH1-02-" + "0" * 60
    lines = receipt_lines(replace(sale(), receipt_number=number), width=42)
    assert fits(lines, 42) and not [line for line in lines if line.kind == "barcode"]
    printer = dummy_printer(width=42)
    printer.print_receipt(replace(sale(), receipt_number="CH1-02-" + "0" * 30))  # fits the row, not the roll
    out = printed(printer)
    assert b"\x1dk" not in out and ("CH1-02-" + "0" * 30).encode() in out


def test_receipt_words_are_the_pdf_words() -> None:
    """The text receipt says what the PDF says: every word it prints is on the thermal PDF too."""
    for snapshot, marks in ((sale(), {}), (refund(), {"copy": True, "void": True})):
        lines = receipt_lines(snapshot, **marks)
        words = Counter(w for line in lines if line.kind == "text" for w in line.text.split())
        pdf = render_receipt(snapshot, **marks)
        pdf_words = set(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        assert set(words) - pdf_words == set()


text_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
amount_st = st.integers(min_value=-99_999_999, max_value=99_999_999)


@settings(max_examples=150, deadline=None)
@given(
    description=text_st, reference=st.none() | text_st, detail=text_st, cashier=text_st, number=text_st,
    net=amount_st, gst=amount_st, rounding=st.integers(-2, 2), change=amount_st, width=st.sampled_from([42, 48]),
    copy=st.booleans(), void=st.booleans(),
)
def test_any_receipt_fits_and_prints_only_printable_text(
    description: str, reference: str | None, detail: str, cashier: str, number: str, net: int, gst: int,
    rounding: int, change: int, width: int, copy: bool, void: bool,
) -> None:
    snapshot = replace(
        sale(), receipt_number=number, cashier=cashier, rounding_cents=rounding, change_cents=change,
        lines=(ReceiptLine(description, reference, net, "G", gst, net + gst),),
        tenders=(ReceiptTender("credit", "Credit", net, detail),),
    )
    lines = receipt_lines(snapshot, copy=copy, void=void, width=width)
    assert fits(lines, width)
    assert all(is_printable(line.text) for line in lines)
    to_plain_text(lines, width)
    printer = dummy_printer(width=width)
    printer.print_receipt(snapshot, copy=copy, void=void)  # the device side never crashes either
    assert printed(printer).endswith(PAPER_FULL_CUT)


@settings(max_examples=300, deadline=None)
@given(left=st.text(max_size=200), right=st.text(max_size=60), width=st.integers(min_value=1, max_value=64))
def test_two_columns_never_drops_a_character(left: str, right: str, width: int) -> None:
    rows = two_columns(left, right, width)
    assert all(len(row) <= width for row in rows)

    def visible(text: str) -> Counter[str]:
        return Counter(c for c in text if not c.isspace())

    assert visible("".join(rows)) == visible(left) + visible(right)
    right = " ".join(right.split())
    if right and len(right) < width // 2:
        assert rows[0].endswith(right)


def test_two_columns_wraps_a_long_label_beside_its_amount() -> None:
    rows = two_columns("Cemetery services, interment and opening of plot 14-B", "$1,500.00", 32)
    assert rows == ["Cemetery services,     $1,500.00", "interment and opening", "of plot 14-B"]
    assert two_columns("Subtotal", "$1.00", 20) == ["Subtotal       $1.00"]
    assert two_columns("A label", "an amount far too wide to share", 32) == [
        "A label", " an amount far too wide to share"]


def test_printable_keeps_latin1_and_spells_out_the_rest() -> None:
    assert printable("Café crème à 5 $") == "Café crème à 5 $"
    assert printable("It’s “done” — really…") == "It's \"done\" - really..."
    assert printable("Łódź Dvořák e\u0301") == "Lódz Dvorák é"  # accents kept where Latin-1 has them
    assert printable("tab\there\nnew\x1b\x00line\u200b") == "tab here newline"
    assert printable("🧾 receipt 收据") == "? receipt ??"
    for char in printable("".join(chr(c) for c in range(0x2FFFF) if not 0xD800 <= c <= 0xDFFF)):
        char.encode("cp858")
        char.encode("cp850")


def test_report_rows() -> None:
    lines = report_lines("X report", [("Drawer CH1-02", ""), ("Cash", "$5.00"), ("Totals", ""), ("Net", "$0.00")])
    assert lines[0] == PrintLine("X report", "center", bold=True, double=True)
    headings = [line.text for line in lines if line.bold and not line.double]
    assert headings == ["Drawer CH1-02", "Totals"]
    assert PrintLine("Cash" + "$5.00".rjust(44)) in lines
    assert fits(lines, 48)


def test_plain_text_preview_reads_as_the_roll() -> None:
    text = to_plain_text(receipt_lines(sale()))
    assert "T O T A L" in text and "|||| CH1-02-000123 ||||" in text
    assert max(len(row) for row in text.splitlines()) <= 48


# --- settings ----------------------------------------------------------------------------------------------------


def test_printer_settings_parse_with_defaults() -> None:
    assert parse_printer_config(None) == PrinterConfig(kind="pdf")
    assert parse_printer_config({}) == PrinterConfig(kind="pdf")
    network = parse_printer_config({"kind": "escpos-network", "host": " 10.1.2.3 "})
    assert (network.host, network.port, network.timeout, network.drawer_pin, network.width) == (
        "10.1.2.3", 9100, 5.0, 2, 48)
    assert network.open_drawer_on_cash and network.is_escpos
    assert network.describe() == "Thermal printer at 10.1.2.3:9100"
    usb = parse_printer_config({"kind": "escpos-usb", "vendor_id": "0x04B8", "product_id": 514, "width": "42"})
    assert (usb.vendor_id, usb.product_id, usb.width) == (0x04B8, 0x0202, 42)
    assert usb.describe() == "Thermal printer on USB (04B8:0202)"
    serial = parse_printer_config({"kind": "escpos-serial", "devfile": "COM3", "baudrate": 19200, "drawer_pin": 5})
    assert serial.describe() == "Thermal printer on serial port COM3 at 19200 baud" and serial.drawer_pin == 5
    assert parse_printer_config({"kind": "escpos-file", "path": "/dev/usb/lp0"}).describe() == (
        "Thermal printer writing to /dev/usb/lp0")
    assert not parse_printer_config({"kind": "system", "host": "ignored"}).is_escpos
    assert "PDF" in PrinterConfig().describe()


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "thermal"}, "printer.kind 'thermal' is not a printer kind: use one of pdf, system, escpos-network"),
    ({"kind": "escpos-network"}, "printer.host is missing: give the printer's IP address"),
    ({"kind": "escpos-network", "host": "  "}, "printer.host is missing"),
    ({"kind": "escpos-network", "host": "10.1.2.3:9100"}, "put the port in printer.port"),
    ({"kind": "escpos-network", "host": "10.1.2.3", "port": 70000}, "printer.port 70000 is not valid: use a whole"),
    ({"kind": "escpos-network", "host": "10.1.2.3", "port": "ninety"}, "printer.port 'ninety' is not valid"),
    ({"kind": "escpos-network", "host": "10.1.2.3", "port": True}, "printer.port True is not valid"),
    ({"kind": "escpos-network", "host": "10.1.2.3", "timeout": 0}, "printer.timeout 0 is not valid"),
    ({"kind": "escpos-usb", "product_id": "0202"}, "printer.vendor_id is missing: give the USB id in hex"),
    ({"kind": "escpos-usb", "vendor_id": "04b8", "product_id": "xyz"}, "printer.product_id 'xyz' is not a USB id"),
    ({"kind": "escpos-usb", "vendor_id": 0x10000, "product_id": 1}, "printer.vendor_id 65536 is not a USB id"),
    ({"kind": "escpos-serial"}, "printer.devfile is missing: give the serial port"),
    ({"kind": "escpos-serial", "devfile": "COM1", "baudrate": 1234}, "printer.baudrate 1234 is not valid: use one"),
    ({"kind": "escpos-file"}, "printer.path is missing: give the printer's device file"),
    ({"kind": "escpos-dummy", "drawer_pin": 3}, "printer.drawer_pin 3 is not valid: use one of 2, 5."),
    ({"kind": "escpos-dummy", "width": 80}, "printer.width 80 is not valid: use one of 42, 48."),
    ({"kind": "escpos-dummy", "open_drawer_on_cash": "yes"}, "printer.open_drawer_on_cash 'yes' is not valid: use"),
    ({"kind": "escpos-network", "hots": "10.1.2.3"}, "printer: unknown setting hots; the settings are"),
    (["escpos-dummy"], "printer must be an object"),
])
def test_bad_printer_settings_are_refused_clearly(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_printer_config(data)  # type: ignore[arg-type]
