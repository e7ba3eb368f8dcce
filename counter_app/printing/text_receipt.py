"""Receipts and reports as fixed-width lines for a thermal printer that only prints text.

Pure: a :class:`ReceiptSnapshot` in, a list of :class:`PrintLine` out, no device and no I/O, so the content can be
checked line by line in tests and previewed as plain text. The content and its order mirror the thermal PDF
(``receipt_pdf.ThermalReceipt``): the same words, so a resident's paper receipt and the saved PDF agree.
Text is reduced to characters every ESC/POS code page we use (CP858, CP850) can print, so a printer never
receives a control byte from a description or a character it would print as garbage.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from counter_app.payments.money import format_money
from counter_app.payments.receipt import ReceiptSnapshot
from counter_app.printing import receipt_wording as wording

__all__ = [
    "COPY_TEXT",
    "VOID_NOTE",
    "VOID_TEXT",
    "PrintLine",
    "printable",
    "receipt_lines",
    "report_lines",
    "to_plain_text",
    "two_columns",
    "wrap",
]

Align = Literal["left", "center", "right"]
Kind = Literal["text", "rule", "barcode", "feed"]

COPY_TEXT, VOID_TEXT, VOID_NOTE = wording.COPY_TEXT, wording.VOID_TEXT, wording.VOID_NOTE

#: Details (reference, GST, card detail) sit under their line, indented like on the PDF.
_INDENT = "   "
#: Width of the labels in the receipt-number block ("Workstation " is the longest).
_LABEL_WIDTH = 13
#: An amount shares its row with the label only if the label keeps at least this many columns.
_MIN_LEFT = 8


@dataclass(frozen=True, slots=True)
class PrintLine:
    """One printed row: the device decides how to draw it, the text already fits the row.

    ``double`` (double height and width) halves the columns available, so such text fits ``width // 2``.
    ``rule`` carries its dashes in ``text``; ``barcode`` carries the data to encode; ``feed`` is an empty row.
    """

    text: str
    align: Align = "left"
    bold: bool = False
    double: bool = False
    kind: Kind = "text"


# --- characters --------------------------------------------------------------------------------------------------

#: Typography a keyboard, a fee schedule or a copied e-mail brings in, with the nearest printable spelling.
_REPLACEMENTS = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...", "•": "*", "·": ".", "€": "EUR", "™": "TM", "№": "No.", "←": "<-", "→": "->",
    "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
}


def _is_latin1_printable(char: str) -> bool:
    code = ord(char)
    return 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xFF and code != 0xAD)


def printable(text: str) -> str:
    """``text`` with only characters CP858 and CP850 both print (printable Latin-1), never failing.

    Whitespace becomes a plain space; other control and format characters (an ESC in a pasted description
    would be a printer command) are dropped; typographic quotes and dashes get their ASCII spelling; accented
    letters outside Latin-1 lose the accent; anything else (emoji, CJK) prints as ``?``.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):  # "e" + combining acute becomes the Latin-1 "é"
        if _is_latin1_printable(char):
            out.append(char)
        elif char.isspace():
            out.append(" ")
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Mn", "Me"):
            continue  # invisible: controls, zero-width joiners, stray combining marks
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if _is_latin1_printable(c))
            out.append(base or "?")
    return "".join(out)


# --- layout --------------------------------------------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap that keeps every non-space character: a word longer than ``width`` is cut into pieces."""
    if width < 1:
        raise ValueError("width must be at least 1")
    rows: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                rows.append(current)
                current = ""
            rows.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            rows.append(current)
            current = word
    if current or not rows:
        rows.append(current)
    return rows


def two_columns(left: str, right: str, width: int) -> list[str]:
    """``left`` on the left, ``right`` flush right on the first row, as rows of at most ``width`` characters.

    Nothing is ever cut: a long label wraps within the room the amount leaves; when the amount is too wide to
    share a row, the label gets its own rows and the amount follows, right-aligned.
    """
    right = " ".join(right.split())
    if not right:
        return wrap(left, width)
    room = width - len(right) - 1
    if room < min(_MIN_LEFT, width // 2) or room < 1:
        rows = wrap(left, width) if left.split() else []
        return rows + [part.rjust(width) for part in wrap(right, width)]
    parts = wrap(left, room)
    return [parts[0].ljust(width - len(right)) + right, *parts[1:]]


def _text(text: str, width: int, *, align: Align = "left", bold: bool = False,
          double: bool = False) -> list[PrintLine]:
    room = width // 2 if double else width
    return [PrintLine(part, align, bold, double) for part in wrap(printable(text), room)]


def _phrases(text: str, width: int) -> list[str]:
    """Wrap at commas first ("City Hall, 910 4 Avenue South," / "Lethbridge AB"), then at spaces."""
    if len(text) <= width:
        return [text]
    phrases = [phrase.strip() for phrase in text.split(",") if phrase.strip()]
    rows: list[str] = []
    current = ""
    for n, phrase in enumerate(phrases):
        piece = phrase + ("," if n < len(phrases) - 1 else "")
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            rows.append(current)
        *full, current = wrap(piece, width)
        rows.extend(full)
    if current:
        rows.append(current)
    return rows or wrap(text, width)


def _pair(left: str, right: str, width: int, *, bold: bool = False, double: bool = False) -> list[PrintLine]:
    room = width // 2 if double else width
    return [PrintLine(row, "left", bold, double) for row in two_columns(printable(left), printable(right), room)]


def _rule(width: int, char: str = "-") -> PrintLine:
    return PrintLine(char * width, kind="rule")


_FEED = PrintLine("", kind="feed")


# --- receipt wording (the same as receipt_pdf) -------------------------------------------------------------------


_title, _gst_registration, _gst_label = wording.title, wording.gst_registration, wording.gst_label
_line_details, _shows_change = wording.line_details, wording.shows_change


def _questions_parts(snapshot: ReceiptSnapshot, width: int) -> list[str]:
    """The 311 line whole if it fits, else broken before the bracket rather than mid-phrase (as on the PDF)."""
    whole = wording.questions_line(snapshot)
    return [whole] if len(printable(whole)) <= width else wording.questions_parts(snapshot)


# --- receipt ---------------------------------------------------------------------------------------------------


def receipt_lines(snapshot: ReceiptSnapshot, *, copy: bool = False, void: bool = False,
                  width: int = 48) -> list[PrintLine]:
    """The receipt as printer rows of ``width`` columns, in the PDF's order; ``copy``/``void`` add their banners."""
    if width < 24:
        raise ValueError("A receipt needs at least 24 columns.")
    issuer = snapshot.issuer
    out: list[PrintLine] = []

    # header
    out += _text(issuer.city, width, align="center", bold=True, double=True)
    out += _text(issuer.counter, width, align="center")
    out += [PrintLine(part, "center") for part in _phrases(printable(issuer.address), width)]

    # banners: void first, as on the PDF
    if void:
        out += [_FEED, _rule(width, "*")]
        out += _text(VOID_TEXT, width, align="center", bold=True, double=True)
        out += _text(VOID_NOTE, width, align="center", bold=True)
        out.append(_rule(width, "*"))
    if copy:
        out += [_FEED, _rule(width, "=")]
        out += _text(COPY_TEXT, width, align="center", bold=True)
        out.append(_rule(width, "="))

    # title and receipt details
    out += [_FEED, _rule(width, "=")]
    out += _text(_title(snapshot), width, align="center", bold=True, double=True)
    if snapshot.refund_of:
        out += _text(f"Refund of receipt {snapshot.refund_of}", width, align="center", bold=True)
    out.append(_FEED)
    for label, value in (
        ("Receipt no.", snapshot.receipt_number),
        ("Date", snapshot.issued_at.strftime("%Y-%m-%d %H:%M")),
        ("Workstation", snapshot.workstation),
        ("Cashier", snapshot.cashier),
    ):
        pad = " " * _LABEL_WIDTH
        for n, part in enumerate(wrap(printable(value), width - _LABEL_WIDTH)):
            out.append(PrintLine((label.ljust(_LABEL_WIDTH) if n == 0 else pad) + part))

    # lines
    out.append(_rule(width))
    for line in snapshot.lines:  # no blank row between lines: the indented details already separate them
        out += _pair(line.description, format_money(line.net_cents), width)
        for detail in _line_details(line):
            out += [PrintLine(_INDENT + part) for part in wrap(printable(detail), width - len(_INDENT))]

    # totals
    out.append(_rule(width))
    out += _pair("Subtotal", format_money(snapshot.subtotal_cents), width)
    if snapshot.gst_cents:
        out += _pair("GST", format_money(snapshot.gst_cents), width)
    out += _pair("TOTAL", format_money(snapshot.total_cents), width, bold=True, double=True)
    if snapshot.rounding_cents:
        paid = "Amount refunded" if snapshot.kind == "refund" else "Amount paid"
        out += _pair("Cash rounding", format_money(snapshot.rounding_cents, sign=True), width)
        out += _pair(paid, format_money(snapshot.amount_paid_cents), width, bold=True)
    if snapshot.gst_cents:
        out += _text(_gst_registration(snapshot), width)

    # tenders
    out.append(_rule(width))
    out += _text("Refunded to" if snapshot.kind == "refund" else "Paid by", width, bold=True)
    for tender in snapshot.tenders:
        out += _pair(tender.label, format_money(tender.amount_cents), width)
        if tender.detail:
            out += [PrintLine(_INDENT + part) for part in wrap(printable(tender.detail), width - len(_INDENT))]
    if _shows_change(snapshot):
        out += _pair("Change", format_money(snapshot.change_cents), width, bold=True)

    # barcode of the receipt number, then the footer
    out += [_rule(width, "="), _FEED]
    number = printable(snapshot.receipt_number).strip()
    if number and number.isascii() and len(number) <= width:
        out.append(PrintLine(number, "center", kind="barcode"))
    else:  # a barcode of it would not scan or not fit: the number in words is still there
        out += _text(number, width, align="center")
    out.append(_FEED)
    for part in _questions_parts(snapshot, width):
        out += _text(part, width, align="center")
    out += _text(issuer.hours, width, align="center")
    out.append(_FEED)
    out += _text("Keep this receipt for your records.", width, align="center", bold=True)
    return out


# --- reports ---------------------------------------------------------------------------------------------------


def report_lines(title: str, rows: list[tuple[str, str]], *, width: int = 48) -> list[PrintLine]:
    """An X or Z report as printer rows: ``(label, value)`` pairs, a row with an empty value is a bold heading."""
    if width < 24:
        raise ValueError("A report needs at least 24 columns.")
    out = _text(title, width, align="center", bold=True, double=True)
    out.append(_rule(width, "="))
    for n, (label, value) in enumerate(rows):
        if value.strip():
            out += _pair(label, value, width)
        else:
            if n:
                out.append(_FEED)
            out += _text(label, width, bold=True)
    out.append(_rule(width, "="))
    return out


# --- preview ---------------------------------------------------------------------------------------------------


def to_plain_text(lines: list[PrintLine], width: int = 48) -> str:
    """The rows as the roll would show them, for logs, tests and a text preview.

    Double-size text is letter-spaced to its printed width; a barcode shows as bars around its data.
    """
    rendered: list[str] = []
    for line in lines:
        if line.kind == "barcode":
            text = f"|||| {line.text} ||||".center(width).rstrip()
        elif line.double:
            room = width // 2
            text = _aligned(line.text, line.align, room)
            text = "".join(c + " " for c in text).rstrip()
        else:
            text = _aligned(line.text, line.align, width)
        rendered.append(text)
    return "\n".join(rendered) + "\n"


def _aligned(text: str, align: Align, width: int) -> str:
    if align == "center":
        return text.center(width).rstrip()
    if align == "right":
        return text.rjust(width)
    return text.rstrip()
