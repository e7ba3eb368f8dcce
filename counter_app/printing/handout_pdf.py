"""A knowledge base article as a letter-size handout the resident takes home.

The cashier prints it when an answer has steps or a list of documents the resident would otherwise have to
remember. It is written for someone who has never seen the counter: the city's name on every page, the answer
in plain body type, numbered steps, who can help, what to bring, and how to reach 311. A handout is a one-off
document of any length, so ReportLab's platypus flows and paginates it (receipts and slips lay themselves out).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, ListFlowable, ListItem, PageTemplate, Paragraph
from reportlab.platypus.flowables import Flowable

from counter_app.payments.receipt import Issuer
from counter_app.printing.fonts import SANS, SANS_BOLD, register_fonts
from counter_app.printing.layout import clip_lines, text_width, wrap
from counter_app.questions.article import Article

__all__ = ["render_handout"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
#: Control characters (other than tab and newline) would break the paragraph parser or print as garbage.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _Handout:
    """Geometry as class constants; the page furniture (header, footer) is drawn on every page."""

    WIDTH, HEIGHT = LETTER
    MARGIN = 0.75 * 72
    LEFT = MARGIN
    RIGHT = WIDTH - MARGIN
    INNER = RIGHT - LEFT
    HEADER_HEIGHT = 62  # city, counter and a rule, above the flowing text
    FOOTER_GAP = 14  # between the flowing text and the footer rule

    BODY = 11.5
    LEADING = 16.5
    SMALL = 8.5
    FINE = 7.5
    TITLE = 20.0
    HEADING = 13.0
    SOURCE_LINES = 2

    def __init__(self, article: Article, issuer: Issuer, department_name: str, role_name: str) -> None:
        self.article = article
        self.issuer = issuer
        self.department_name = _plain(department_name)
        self.role_name = _plain(role_name)
        self.styles = _styles(self)
        self.footer_lines = self.footer_text()
        self.footer_height = 10 + self.SMALL * 1.4 + len(self.footer_lines[1]) * self.FINE * 1.35

    # the document

    def render(self) -> bytes:
        """One pass for a one-page handout; a longer one is laid out again once its page count is known."""
        data, pages = self.build(total=None)
        if pages > 1:
            data, _ = self.build(total=pages)
        return data

    def build(self, total: int | None) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        doc = BaseDocTemplate(buffer, pagesize=LETTER, title=_plain(self.article.title), author=self.issuer.city,
                              subject=self.issuer.counter, creator="Counter", invariant=1)
        bottom = self.MARGIN + self.footer_height + self.FOOTER_GAP
        top = self.HEIGHT - self.MARGIN - self.HEADER_HEIGHT
        # No frame padding: the text lines up with the header and footer at the margin.
        frame = Frame(self.LEFT, bottom, self.INNER, top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, id="text")
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=self.page_furniture(total))])
        doc.build(self.story())
        return buffer.getvalue(), doc.page

    def story(self) -> list[Flowable]:
        return [*self.title(), *self.answer(), *self.steps(), *self.who_can_help(), *self.what_to_bring()]

    # sections

    def title(self) -> list[Flowable]:
        return [Paragraph(_markup(self.article.title), self.styles["title"])]

    def answer(self) -> list[Flowable]:
        parts = [part for part in re.split(r"\n\s*\n", self.article.answer) if part.strip()]
        return [Paragraph(_markup(part), self.styles["body"]) for part in parts]

    def steps(self) -> list[Flowable]:
        steps = [step for step in self.article.steps if step.strip()]
        if not steps:
            return []
        items = [ListItem(Paragraph(_markup(step), self.styles["step"])) for step in steps]
        numbers = ListFlowable(items, bulletType="1", bulletFormat="%s.", bulletFontName=SANS_BOLD,
                               bulletFontSize=self.BODY, leftIndent=26, bulletDedent=26, bulletOffsetY=0)
        return [self.heading("What to do"), numbers]

    def who_can_help(self) -> list[Flowable]:
        """Who to ask for by name: "Billing specialist, Utility Services", and how to reach them."""
        who = ", ".join(part for part in (self.role_name, self.department_name) if part)
        if not who:
            return []
        ask_for = self.department_name or f"a {self.role_name.lower()}"
        how = (f"Call 311 and ask for {ask_for}, or come to the {self.issuer.counter} counter at "
               f"{self.issuer.address}.")
        return [self.heading("Who can help"), Paragraph(f"<b>{_markup(who)}</b>", self.styles["body_tight"]),
                Paragraph(_markup(how), self.styles["body"])]

    def what_to_bring(self) -> list[Flowable]:
        bring = self.article.what_to_bring.strip()
        if not bring:
            return []
        return [self.heading("What to bring"), Paragraph(_markup(bring), self.styles["body"])]

    def heading(self, text: str) -> Paragraph:
        return Paragraph(_markup(text), self.styles["heading"])

    # page furniture

    def footer_text(self) -> tuple[str, list[str]]:
        """The 311 line, then when the text was checked and where it comes from (wrapped, at most two lines)."""
        issuer = self.issuer
        questions = f"Questions? Call {issuer.phone_311}. {issuer.hours}."
        reviewed = f"Information current as of {_long_date(self.article.last_reviewed)}."
        source = _plain(self.article.source)
        fine = f"{reviewed} Source: {source}" if source else reviewed
        lines = clip_lines(wrap(fine, SANS, self.FINE, self.INNER), self.SOURCE_LINES, SANS, self.FINE, self.INNER)
        return questions, lines

    def page_furniture(self, total: int | None) -> Callable[[Canvas, BaseDocTemplate], None]:
        def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
            canvas.saveState()
            self.header(canvas, doc.page, total)
            self.footer(canvas)
            canvas.restoreState()

        return draw

    def header(self, canvas: Canvas, page: int, total: int | None) -> None:
        top = self.HEIGHT - self.MARGIN
        canvas.setFillGray(0.0)
        canvas.setFont(SANS_BOLD, 18)
        canvas.drawString(self.LEFT, top - 15, self.issuer.city)
        canvas.setFont(SANS, 11)
        canvas.drawString(self.LEFT, top - 32, self.issuer.counter)
        canvas.setFont(SANS, self.SMALL)
        canvas.setFillGray(0.3)
        if total:
            canvas.drawRightString(self.RIGHT, top - 15, f"Page {page} of {total}")
        if page > 1:  # a loose page still says which handout it belongs to
            room = self.INNER - text_width(self.issuer.counter, SANS, 11) - 24
            title = clip_lines(wrap(_plain(self.article.title), SANS, self.SMALL, room), 1, SANS, self.SMALL, room)
            canvas.drawRightString(self.RIGHT, top - 32, title[0])
        canvas.setLineWidth(1.0)
        canvas.line(self.LEFT, top - 44, self.RIGHT, top - 44)

    def footer(self, canvas: Canvas) -> None:
        questions, fine = self.footer_lines
        y = self.MARGIN + self.footer_height
        canvas.setLineWidth(0.5)
        canvas.line(self.LEFT, y, self.RIGHT, y)
        y -= 10 + self.SMALL * 0.8
        canvas.setFillGray(0.0)
        canvas.setFont(SANS_BOLD, self.SMALL)
        canvas.drawString(self.LEFT, y, clip_lines(wrap(questions, SANS_BOLD, self.SMALL, self.INNER), 1, SANS_BOLD,
                                                   self.SMALL, self.INNER)[0])
        canvas.setFont(SANS, self.FINE)
        canvas.setFillGray(0.4)
        y -= self.SMALL * 0.6 + self.FINE * 1.1
        for line in fine:
            canvas.drawString(self.LEFT, y, line)
            y -= self.FINE * 1.35


def _styles(layout: _Handout) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=SANS, fontSize=layout.BODY, leading=layout.LEADING, spaceAfter=8)
    return {
        "title": ParagraphStyle("title", fontName=SANS_BOLD, fontSize=layout.TITLE, leading=layout.TITLE * 1.25,
                                spaceBefore=4, spaceAfter=14),
        "heading": ParagraphStyle("heading", fontName=SANS_BOLD, fontSize=layout.HEADING,
                                  leading=layout.HEADING * 1.3, spaceBefore=14, spaceAfter=6, keepWithNext=1),
        "body": body,
        "body_tight": ParagraphStyle("body_tight", parent=body, spaceAfter=2),
        "step": ParagraphStyle("step", parent=body, spaceAfter=5),
    }


def _plain(text: str) -> str:
    """One line of text with control characters and runs of spaces removed."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _markup(text: str) -> str:
    """Text as paragraph markup: ``<b>&`` in an article prints literally; a line break stays a line break."""
    lines = [" ".join(_CONTROL.sub(" ", line).split()) for line in (text or "").splitlines()]
    return "<br/>".join(escape(line) for line in lines if line)


def _long_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def render_handout(article: Article, *, issuer: Issuer, department_name: str = "", role_name: str = "") -> bytes:
    """The article as a letter-size PDF handout (as many pages as it needs)."""
    register_fonts()
    return _Handout(article, issuer, department_name, role_name).render()

