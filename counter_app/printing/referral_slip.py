"""The referral slip a resident takes home: their reference, who will contact them and by when, what to bring.

Written for someone who has never seen the counter's screens: plain words, the city's name and how to reach
311. The reference is printed large and as a QR code (which encodes just the reference), so a specialist or a
311 agent can find the request at once. Like receipts, slips are laid out as blocks and then drawn: the
thermal page is exactly as tall as its content (long free texts are shortened with an ellipsis); the letter slip
is one page for any realistic referral and breaks between sections, never over the footer, for extreme ones.
"""

from __future__ import annotations

import io
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from counter_app.config import CITY_TIMEZONE
from counter_app.payments.receipt import Issuer
from counter_app.printing.fonts import SANS, SANS_BOLD, register_fonts
from counter_app.printing.layout import (
    Block,
    Box,
    Figure,
    clip_lines,
    draw_blocks,
    new_canvas,
    paginate,
    text_width,
    wrap,
)
from counter_app.printing.qr import QUIET_ZONE, qr_drawing, qr_symbol
from counter_app.referrals.referral import Mode, Referral, Urgency

__all__ = ["LAYOUTS", "render_referral_slip"]

LAYOUTS = ("thermal", "letter")

#: As for receipts: slips are rendered on demand and never stored, so an uncompressed stream (faster) wins.
_PAGE_COMPRESSION = 0
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_URGENCY = {Urgency.SOON: "Soon (within one business day)", Urgency.URGENT: "Urgent (within half a business day)"}


class _Slip:
    """What both layouts print, worded once: the slip's sentences and label/value rows."""

    def __init__(self, referral: Referral, issuer: Issuer, what_to_bring: str, specialist_name: str | None,
                 tz: tzinfo) -> None:
        self.referral = referral
        self.issuer = issuer
        self.what_to_bring = " ".join(what_to_bring.split())
        self.specialist_name = " ".join((specialist_name or "").split())
        self.tz = tz

    @property
    def reference(self) -> str:
        return self.referral.reference

    @property
    def reference_label(self) -> str:
        return "311 service request no." if self.referral.service_request_id else "Your reference"

    @property
    def quote_note(self) -> str:
        """Only for a counter token: until 311 numbers the request, this token is the only way to find it."""
        return "" if self.referral.service_request_id else "Quote this reference when you call 311."

    @property
    def referred_to(self) -> str:
        return f"{self.referral.role_name}, {self.referral.department_name}"

    @property
    def specialist(self) -> str:
        return f"Your specialist: {self.specialist_name}" if self.specialist_name else ""

    @property
    def contact_heading(self) -> str:
        return "How we will reach you" if self.referral.mode is Mode.CALLBACK else "Your contact details"

    def contact_rows(self) -> list[tuple[str, str]]:
        """What the resident gave, printed in full so they can check it (a wrong digit means no callback)."""
        contact = self.referral.contact
        rows = [("Name", contact.name), ("Phone", contact.phone_display), ("Email", contact.email)]
        if self.referral.mode is Mode.CALLBACK:
            rows.append(("Best time", self.referral.callback_window))
        return [(label, value) for label, value in rows if value]

    @property
    def contact_check(self) -> str:
        return "If any of these details are wrong, call 311." if self.contact_rows() else ""

    def detail_rows(self) -> list[tuple[str, str]]:
        referral = self.referral
        rows = [
            ("Account no.", referral.account_number),
            ("Receipt no.", referral.related_receipt),
            ("Address", referral.address),
            ("Priority", _URGENCY.get(referral.urgency, "")),
            ("Requested", self.when(referral.requested_at)),
        ]
        return [(label, value) for label, value in rows if value]

    def when(self, moment: datetime) -> str:
        """Local time in words any reader knows, e.g. "Wed Nov 25, 2026 10:42" (no locale, no platform quirks)."""
        local = moment.astimezone(self.tz)
        return (f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day}, {local.year} "
                f"{local.hour:02d}:{local.minute:02d}")

    @property
    def questions(self) -> str:
        return f"Questions? Call {self.issuer.phone_311}."

    def questions_parts(self) -> list[str]:
        """The 311 line in phrases, so a narrow roll breaks it before the bracket rather than mid-phrase."""
        number, bracket, rest = self.issuer.phone_311.partition("(")
        if not bracket:
            return [self.questions]
        return [f"Questions? Call {number.strip()}", f"({rest.strip()}."]

    @property
    def keep(self) -> str:
        return "Keep this slip until your request is resolved."


class _Layout:
    """Geometry and the helpers both layouts share; each subclass sets the constants and its sections."""

    LEFT: float
    RIGHT: float
    TAB: float  # where the values of label/value rows start, from the labels
    INDENT: float
    PAD: float  # inside the notice box
    BODY: float
    SMALL: float
    LEAD = 1.4
    NOTICE: float
    NOTICE_RULE: float
    DESCRIPTION_LINES: int
    BRING_LINES: int

    def __init__(self, slip: _Slip) -> None:
        self.slip = slip

    def paragraph(self, block: Block, text: str, font: str, size: float, limit: int) -> None:
        lines = clip_lines(wrap(text, font, size, self.RIGHT - self.LEFT), limit, font, size, self.RIGHT - self.LEFT)
        for part in lines:
            block.text(self.LEFT, block.row(size, self.LEAD), part, font, size)

    def rows(self, block: Block, rows: list[tuple[str, str]], left: float | None = None,
             right: float | None = None) -> None:
        """Labels on the left, values beside them; a long unbroken value (an email) gets its own line instead."""
        left = self.LEFT if left is None else left
        right = self.RIGHT if right is None else right
        tab = left + self.TAB
        for label, value in rows:
            x = tab
            if " " not in value and text_width(value, SANS, self.BODY) > right - tab:
                block.text(left, block.row(self.BODY, self.LEAD), label, SANS, self.BODY, gray=0.3)
                x = left + self.INDENT
            for i, part in enumerate(wrap(value, SANS, self.BODY, right - x)):
                y = block.row(self.BODY, self.LEAD)
                if i == 0 and x == tab:
                    block.text(left, y, label, SANS, self.BODY, gray=0.3)
                block.text(x, y, part, SANS, self.BODY)

    def heading(self, block: Block, text: str) -> None:
        raise NotImplementedError

    # sections shared by both layouts

    def notice(self) -> Block:
        """The one sentence that matters most (who, and by when), boxed so it is read first."""
        block = Block()
        if not self.slip.referral.service_notice.strip():
            return block
        block.gap(self.PAD * 1.5)
        top = block.height
        block.gap(self.PAD)
        inner = self.RIGHT - self.LEFT - 2 * self.PAD
        for part in wrap(self.slip.referral.service_notice, SANS_BOLD, self.NOTICE, inner):
            block.text(self.LEFT + self.PAD, block.row(self.NOTICE, 1.3), part, SANS_BOLD, self.NOTICE)
        block.gap(self.PAD - self.NOTICE * 0.2)
        block.ops.append(Box(self.LEFT, top, self.RIGHT - self.LEFT, block.height - top, fill=False,
                             line_width=self.NOTICE_RULE))
        block.gap(self.PAD * 0.4)
        return block

    def contact(self) -> Block:
        slip, block = self.slip, Block()
        rows = slip.contact_rows()
        if rows:
            self.heading(block, slip.contact_heading)
            self.rows(block, rows)
            block.gap(1)
            block.text(self.LEFT, block.row(self.SMALL, 1.3), slip.contact_check, SANS, self.SMALL, gray=0.3)
        return block

    def description(self) -> Block:
        block = Block()
        self.heading(block, "About your request")
        self.paragraph(block, self.slip.referral.description, SANS, self.BODY, self.DESCRIPTION_LINES)
        return block

    def details(self) -> Block:
        block = Block()
        block.gap(self.BODY * 0.5)
        self.rows(block, self.slip.detail_rows())
        return block

    def bring(self) -> Block:
        slip, block = self.slip, Block()
        if slip.what_to_bring:
            self.heading(block, "What to bring")
            self.paragraph(block, slip.what_to_bring, SANS, self.BODY, self.BRING_LINES)
        return block


# --- 80 mm thermal roll ----------------------------------------------------------------------------------------


class ThermalSlip(_Layout):
    """One continuous page on an 80 mm roll, as tall as its content; type a size up from the receipt's."""

    WIDTH = 80 * mm
    MARGIN_X = 4 * mm  # 72 mm printable, as on most 80 mm printers
    MARGIN_TOP = 4 * mm
    MARGIN_BOTTOM = 5 * mm
    LEFT = MARGIN_X
    RIGHT = WIDTH - MARGIN_X
    CENTRE = WIDTH / 2
    INNER = RIGHT - LEFT
    TAB = 20 * mm
    INDENT = 3 * mm
    PAD = 2.5 * mm

    BODY = 9.0
    SMALL = 7.5
    HEADING = 8.0
    TITLE = 14.0
    REFERENCE = 22.0
    REFERENCE_MIN = 11.0
    NOTICE = 10.0
    NOTICE_RULE = 1.0
    DESCRIPTION_LINES = 6
    BRING_LINES = 6
    #: One dot of a 203 dpi head: the QR modules are a whole number of dots, so every module prints the same.
    DOT = 72 / 203
    QR_SIZE = 24 * mm

    def blocks(self) -> list[Block]:
        return [self.header(), self.reference(), self.referred_to(), self.notice(), self.contact(),
                self.description(), self.details(), self.bring(), self.qr(), self.footer()]

    def render(self) -> bytes:
        blocks = self.blocks()
        height = self.MARGIN_TOP + sum(b.height for b in blocks) + self.MARGIN_BOTTOM
        buffer = io.BytesIO()
        canvas = _canvas(buffer, (self.WIDTH, height), self.slip)
        placed, top = [], height - self.MARGIN_TOP
        for block in blocks:
            placed.append((block, top))
            top -= block.height
        draw_blocks(canvas, placed)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def centred(self, block: Block, text: str, font: str, size: float, gray: float = 0.0,
                lead: float = 1.3) -> None:
        for part in wrap(text, font, size, self.INNER):
            block.text(self.CENTRE, block.row(size, lead), part, font, size, "centre", gray)

    def heading(self, block: Block, text: str) -> None:
        block.rule(self.LEFT, self.RIGHT, dash=True, space=5)
        block.gap(1)
        block.text(self.LEFT, block.row(self.HEADING, 1.6), text.upper(), SANS_BOLD, self.HEADING, gray=0.25)

    # sections

    def header(self) -> Block:
        issuer, block = self.slip.issuer, Block()
        self.centred(block, issuer.city, SANS_BOLD, 13)
        block.gap(1)
        self.centred(block, issuer.counter, SANS, self.BODY - 0.5)
        block.rule(self.LEFT, self.RIGHT, space=5)
        return block

    def reference(self) -> Block:
        slip, block = self.slip, Block()
        block.gap(2)
        self.centred(block, "Referral", SANS_BOLD, self.TITLE)
        block.gap(4)
        self.centred(block, slip.reference_label, SANS, self.SMALL, gray=0.3)
        size = _fit(slip.reference, SANS_BOLD, self.INNER, self.REFERENCE, self.REFERENCE_MIN)
        block.gap(1)
        self.centred(block, slip.reference, SANS_BOLD, size, lead=1.25)
        if slip.quote_note:
            self.centred(block, slip.quote_note, SANS, self.SMALL)
        return block

    def referred_to(self) -> Block:
        slip, block = self.slip, Block()
        self.heading(block, "You are referred to")
        self.paragraph(block, slip.referred_to, SANS_BOLD, 10.5, 3)
        if slip.specialist:
            self.paragraph(block, slip.specialist, SANS, self.BODY, 2)
        return block

    def qr(self) -> Block:
        slip, block = self.slip, Block()
        block.rule(self.LEFT, self.RIGHT, dash=True, space=5)
        modules = qr_symbol(slip.reference).modules
        size = max(1, int(self.QR_SIZE / self.DOT / modules)) * self.DOT * modules
        block.gap(QUIET_ZONE * size / modules)
        block.gap(size)
        block.ops.append(Figure(self.CENTRE - size / 2, block.height, qr_drawing(slip.reference, size)))
        block.gap(4)
        self.centred(block, slip.reference, SANS, self.BODY)
        return block

    def footer(self) -> Block:
        slip, issuer, block = self.slip, self.slip.issuer, Block()
        block.rule(self.LEFT, self.RIGHT, space=5)
        block.gap(2)
        fits = text_width(slip.questions, SANS_BOLD, self.SMALL) <= self.INNER
        for part in [slip.questions] if fits else slip.questions_parts():
            self.centred(block, part, SANS_BOLD, self.SMALL)
        self.centred(block, issuer.hours, SANS, self.SMALL)
        self.centred(block, issuer.address, SANS, self.SMALL)
        block.gap(4)
        self.centred(block, slip.keep, SANS_BOLD, self.SMALL + 0.5)
        return block


# --- US letter -------------------------------------------------------------------------------------------------


class LetterSlip(_Layout):
    """The slip on a letter page, for a resident who asks for a full-size copy or will hand it to someone.

    Always one page in practice; an extreme slip (every field at its longest) breaks between sections onto a
    second page under a running head rather than running into the footer.
    """

    WIDTH, HEIGHT = LETTER
    MARGIN = 0.75 * 72
    LEFT = MARGIN
    RIGHT = WIDTH - MARGIN
    TOP = HEIGHT - MARGIN
    FOOTER_Y = MARGIN + 40  # top of the footer
    BOTTOM = FOOTER_Y + 14  # the body stops here
    TAB = 80
    INDENT = 14
    PAD = 12
    GUTTER = 28  # between the two columns of label/value rows

    BODY = 10.5
    SMALL = 8.5
    HEADING = 8.5
    REFERENCE = 30.0
    REFERENCE_MIN = 12.0
    REFERRED_TO = 15.0
    NOTICE = 13.0
    NOTICE_RULE = 1.5
    QR_SIZE = 1.25 * 72
    DESCRIPTION_LINES = 16  # a description of the longest allowed length takes about 10
    BRING_LINES = 10

    def blocks(self) -> list[Block]:
        if self.slip.contact_rows():
            middle = [self.contact_and_details(), self.description()]
        else:
            middle = [self.description(), self.details()]
        return [self.header(), self.reference(), self.notice(), *middle, self.bring()]

    def render(self) -> bytes:
        pages = self.paginate(self.blocks())
        buffer = io.BytesIO()
        canvas = _canvas(buffer, (self.WIDTH, self.HEIGHT), self.slip)
        for number, page in enumerate(pages, start=1):
            draw_blocks(canvas, [*page, (self.footer(number, len(pages)), self.FOOTER_Y)])
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def paginate(self, blocks: list[Block]) -> list[list[tuple[Block, float]]]:
        return paginate(blocks, self.TOP, self.BOTTOM, lambda block: (self.running_head(),))

    def heading(self, block: Block, text: str, left: float | None = None, right: float | None = None) -> None:
        left = self.LEFT if left is None else left
        block.gap(16)
        block.text(left, block.row(self.HEADING, 1.3), text.upper(), SANS_BOLD, self.HEADING, gray=0.3)
        block.rule(left, self.RIGHT if right is None else right, width=0.5, space=2)
        block.gap(3)

    # sections

    def header(self) -> Block:
        issuer, block = self.slip.issuer, Block()
        y = block.row(20, 1.3)
        block.text(self.LEFT, y, issuer.city, SANS_BOLD, 20)
        block.text(self.RIGHT, y, "Referral", SANS_BOLD, 20, "right")
        block.text(self.LEFT, block.row(11.5, 1.3), issuer.counter, SANS, 11.5)
        block.rule(self.LEFT, self.RIGHT, width=1.0, space=8)
        return block

    def reference(self) -> Block:
        """The reference and who they are referred to on the left, the QR code of the reference on the right."""
        slip, block = self.slip, Block()
        modules = qr_symbol(slip.reference).modules
        quiet = QUIET_ZONE * self.QR_SIZE / modules
        room = self.RIGHT - self.QR_SIZE - quiet - self.LEFT
        block.gap(10)
        block.text(self.LEFT, block.row(self.HEADING, 1.5), slip.reference_label.upper(), SANS_BOLD, self.HEADING,
                   gray=0.3)
        size = _fit(slip.reference, SANS_BOLD, room, self.REFERENCE, self.REFERENCE_MIN)
        for part in wrap(slip.reference, SANS_BOLD, size, room):
            block.text(self.LEFT, block.row(size, 1.2), part, SANS_BOLD, size)
        if slip.quote_note:
            block.text(self.LEFT, block.row(self.BODY - 1, 1.4), slip.quote_note, SANS, self.BODY - 1)
        block.gap(12)
        block.text(self.LEFT, block.row(self.HEADING, 1.5), "YOU ARE REFERRED TO", SANS_BOLD, self.HEADING,
                   gray=0.3)
        for part in wrap(slip.referred_to, SANS_BOLD, self.REFERRED_TO, room):
            block.text(self.LEFT, block.row(self.REFERRED_TO, 1.3), part, SANS_BOLD, self.REFERRED_TO)
        if slip.specialist:
            for part in wrap(slip.specialist, SANS, self.BODY, room):
                block.text(self.LEFT, block.row(self.BODY, self.LEAD), part, SANS, self.BODY)
        qr_bottom = 10.0 + self.QR_SIZE
        block.ops.append(Figure(self.RIGHT - self.QR_SIZE, qr_bottom, qr_drawing(slip.reference, self.QR_SIZE)))
        caption = Block()
        caption.gap(qr_bottom + 4)
        for part in wrap(slip.reference, SANS, self.SMALL, self.QR_SIZE + quiet):
            caption.text(self.RIGHT - self.QR_SIZE / 2, caption.row(self.SMALL), part, SANS, self.SMALL, "centre")
        block.ops.extend(caption.ops)
        block.height = max(block.height, caption.height)
        return block

    def contact_and_details(self) -> Block:
        """How we will reach them beside the request's details: two short columns save a third of the page."""
        slip, block = self.slip, Block()
        contact, details = slip.contact_rows(), slip.detail_rows()
        middle = (self.LEFT + self.RIGHT) / 2
        left, right = Block(), Block()
        self.heading(left, slip.contact_heading, self.LEFT, middle - self.GUTTER / 2)
        self.rows(left, contact, self.LEFT, middle - self.GUTTER / 2)
        left.gap(1)
        left.text(self.LEFT, left.row(self.SMALL, 1.3), slip.contact_check, SANS, self.SMALL, gray=0.3)
        self.heading(right, "Details", middle + self.GUTTER / 2)
        self.rows(right, details, middle + self.GUTTER / 2)
        block.ops = left.ops + right.ops
        block.height = max(left.height, right.height)
        return block

    def footer(self, page: int, pages: int) -> Block:
        slip, issuer, block = self.slip, self.slip.issuer, Block()
        block.rule(self.LEFT, self.RIGHT, width=0.5, space=0)
        block.gap(6)
        y = block.row(self.SMALL + 1, 1.4)
        block.text(self.LEFT, y, slip.questions, SANS_BOLD, self.SMALL + 1)
        if pages > 1:
            block.text(self.RIGHT, y, f"Page {page} of {pages}", SANS, self.SMALL, "right")
        y = block.row(self.SMALL, 1.4)
        block.text(self.LEFT, y, f"{issuer.hours}.", SANS, self.SMALL)
        block.text(self.RIGHT, y, slip.keep, SANS_BOLD, self.SMALL, "right")
        block.text(self.LEFT, block.row(self.SMALL, 1.4), f"{issuer.city}, {issuer.address}", SANS, self.SMALL,
                   gray=0.3)
        return block

    def running_head(self) -> Block:
        slip, block = self.slip, Block()
        y = block.row(self.BODY)
        block.text(self.LEFT, y, slip.issuer.city, SANS_BOLD, self.BODY)
        block.text(self.RIGHT, y, f"Referral {slip.reference} (continued)", SANS, self.BODY, "right")
        block.rule(self.LEFT, self.RIGHT, width=0.5, space=4)
        return block


# --- shared drawing ------------------------------------------------------------------------------------------


def _fit(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    """The largest type size (down to ``smallest``) at which ``text`` fits on one line."""
    natural = text_width(text, font, 1.0)
    return largest if natural * largest <= width else max(smallest, width / natural if natural else largest)


def _canvas(buffer: io.BytesIO, size: tuple[float, float], slip: _Slip) -> Canvas:
    return new_canvas(buffer, size, title=f"Referral {slip.reference}", author=slip.issuer.city,
                      subject=slip.issuer.counter, pagecompression=_PAGE_COMPRESSION)


_LAYOUT_CLASSES: dict[str, type[ThermalSlip | LetterSlip]] = {"thermal": ThermalSlip, "letter": LetterSlip}


def render_referral_slip(referral: Referral, *, issuer: Issuer, what_to_bring: str = "",
                         specialist_name: str | None = None, layout: str = "thermal",
                         tz: tzinfo | None = None) -> bytes:
    """The referral slip as PDF bytes, on the thermal roll or a letter page.

    Times print in ``tz`` (default: the city's zone), because a referral read back from the store holds UTC.
    """
    try:
        layout_class = _LAYOUT_CLASSES[layout]
    except KeyError:
        raise ValueError(f"Unknown slip layout {layout!r}: use one of {', '.join(LAYOUTS)}.") from None
    register_fonts()
    slip = _Slip(referral, issuer, what_to_bring, specialist_name, tz or _city_zone())
    return layout_class(slip).render()


def _city_zone() -> tzinfo:
    return ZoneInfo(CITY_TIMEZONE)
