"""Referral slips and article handouts read back as a resident's PDF viewer would, and the QR code drawn as one path.

A QR code cannot be decoded here without an imaging library, so the symbol is checked against the ``qrcode``
matrix instead, and the slip is checked to carry exactly that symbol as one filled path.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import qrcode
from pypdf import PdfReader
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

from counter_app.payments.receipt import Issuer
from counter_app.printing.handout_pdf import render_handout
from counter_app.printing.qr import qr_drawing, qr_symbol
from counter_app.printing.referral_slip import render_referral_slip
from counter_app.questions.article import Article
from counter_app.referrals.contact import Contact
from counter_app.referrals.referral import Mode, Referral, Urgency

CITY = ZoneInfo("America/Edmonton")
REQUESTED = datetime(2026, 11, 25, 10, 42, tzinfo=CITY)
THERMAL_WIDTH_PT = 80 / 25.4 * 72  # 226.77
LAYOUTS = ("thermal", "letter")
ISSUER = Issuer()

WALK_IN_NOTICE = "A billing specialist from Utility Services is coming to the counter to see you now."
CALLBACK_NOTICE = "A tax clerk from Assessment & Taxation will contact you by Wednesday, November 25 at 2:42 pm."
LONG_DESCRIPTION = (
    "The resident received a supplementary tax notice for 2026 after a garage was built, but says the garage was "
    "finished in 2025 and already assessed. She pays through TIPP and wants to know whether the monthly amount "
    "will change, whether a penalty applies to the supplementary amount, and how to file an appeal before the "
    "deadline printed on the notice. She also asked to receive future notices by email, and to be called in the "
    "morning because she works afternoons. She brought last year's notice and the building permit with her. "
    "Ends with the word pomegranate."
)
BRING = "Your 2026 tax notice, the TIPP agreement and photo ID"


def walk_in() -> Referral:
    """A walk-in hand-off with no contact details: the specialist comes down now."""
    return Referral(
        id="5b0d7c55-0001", token="CH1-02-R00042", department_code="UTIL", department_name="Utility Services",
        role_code="UTIL-BILL", role_name="Billing specialist", description="Resident disputes a high water reading.",
        mode=Mode.WALK_IN, urgency=Urgency.ROUTINE, contact=Contact(), callback_window="", address="",
        account_number="", related_receipt="", topic="utilities", requested_at=REQUESTED, expected_at=REQUESTED,
        service_notice=WALK_IN_NOTICE, workstation="CH1-02", staff_id=3,
    )


def callback() -> Referral:
    """A callback with phone and email, an urgent priority, an account, a receipt and a long description."""
    return replace(
        walk_in(), token="CH1-02-R00043", department_code="TAX", department_name="Assessment & Taxation",
        role_code="TAX-CLERK", role_name="Tax clerk", description=LONG_DESCRIPTION, mode=Mode.CALLBACK,
        urgency=Urgency.URGENT, contact=Contact("Amélie", "Côté", "4035550123", "amelie.cote@example.ca"),
        callback_window="Morning 8:30-12:00", account_number="1000-013", related_receipt="CH1-02-000123",
        address="1234 Scenic Drive South", expected_at=REQUESTED + timedelta(hours=4),
        service_notice=CALLBACK_NOTICE,
    )


def with_service_request() -> Referral:
    """A referral the central 311 database has numbered: its reference is the service request id."""
    return replace(callback(), service_request_id="SR-2026-0001234")


def text_of(data: bytes) -> str:
    """All pages' text with whitespace collapsed, so a sentence wrapped over lines reads as one phrase."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]


def content(data: bytes, page: int = 0) -> str:
    stream = PdfReader(io.BytesIO(data)).pages[page].get_contents()
    assert stream is not None
    return stream.get_data().decode("latin-1")


def qr_paths(stream: str) -> list[str]:
    """The bodies of QR paths: a module-unit transform, then rectangles filled once."""
    return re.findall(r"q\n\S+ 0 0 -\S+ \S+ \S+ cm\n0 g\n(n [^\n]*?)\nf\*?\nQ", stream)


# --- referral slips --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_walk_in_slip_says_who_is_coming_and_how_to_reach_311(layout: str) -> None:
    text = text_of(render_referral_slip(walk_in(), issuer=ISSUER, layout=layout))

    for expected in (
        "City of Lethbridge",
        "311 Payments and Customer Service",
        "Referral",
        "CH1-02-R00042",
        "Quote this reference when you call 311.",
        "Billing specialist, Utility Services",
        WALK_IN_NOTICE,
        "Resident disputes a high water reading.",
        "Wed Nov 25, 2026 10:42",
        "Questions? Call 311",
        "403-320-3111 outside city limits",
        "Open Monday to Friday, 8:30 am to 4:30 pm",
        "City Hall, 910 4 Avenue South",
    ):
        assert expected in text, f"{expected!r} missing from the {layout} walk-in slip"
    for absent in ("How we will reach you", "Best time", "What to bring", "Priority", "Account no."):
        assert absent.upper() not in text.upper(), f"{absent!r} on a walk-in slip without it"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_callback_slip_shows_the_window_and_the_contact_details_to_check(layout: str) -> None:
    text = text_of(render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING, layout=layout))

    for expected in (
        "CH1-02-R00043",
        "Tax clerk, Assessment & Taxation",
        CALLBACK_NOTICE,
        "HOW WE WILL REACH YOU",
        "Amélie Côté",
        "Phone 403-555-0123",
        "amelie.cote@example.ca",
        "Best time Morning 8:30-12:00",
        "If any of these details are wrong, call 311.",
        "Account no. 1000-013",
        "Receipt no. CH1-02-000123",
        "1234 Scenic Drive South",
        "Priority Urgent",
        "WHAT TO BRING",
        BRING,
        "The resident received a supplementary tax notice",
        "Questions? Call 311",
    ):
        assert expected in text, f"{expected!r} missing from the {layout} callback slip"


def test_the_thermal_slip_shortens_a_long_description_and_the_letter_slip_prints_it_whole() -> None:
    thermal = text_of(render_referral_slip(callback(), issuer=ISSUER))
    letter = text_of(render_referral_slip(callback(), issuer=ISSUER, layout="letter"))

    assert "pomegranate" not in thermal
    assert "…" in thermal  # the reader can tell that there was more
    assert "Ends with the word pomegranate." in letter


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_numbered_service_request_is_the_reference_and_needs_no_quoting_note(layout: str) -> None:
    data = render_referral_slip(with_service_request(), issuer=ISSUER, layout=layout)
    text = text_of(data)

    assert "SR-2026-0001234" in text
    assert "311 SERVICE REQUEST NO." in text.upper()
    assert "CH1-02-R00043" not in text
    assert "Quote this reference" not in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert metadata.title == "Referral SR-2026-0001234"


def test_the_specialist_is_named_when_known() -> None:
    text = text_of(render_referral_slip(walk_in(), issuer=ISSUER, specialist_name="Dana Whitehorse"))

    assert "Your specialist: Dana Whitehorse" in text


def test_times_print_in_the_city_time_zone_even_when_the_store_gave_utc() -> None:
    stored = replace(walk_in(), requested_at=REQUESTED.astimezone(UTC))

    text = text_of(render_referral_slip(stored, issuer=ISSUER))

    assert "Wed Nov 25, 2026 10:42" in text


def test_the_thermal_slip_is_80_mm_wide_and_as_tall_as_its_content() -> None:
    (short_width, short_height), = page_sizes(render_referral_slip(walk_in(), issuer=ISSUER))
    (long_width, long_height), = page_sizes(render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING))

    assert short_width == pytest.approx(THERMAL_WIDTH_PT, abs=0.5)
    assert long_width == pytest.approx(THERMAL_WIDTH_PT, abs=0.5)
    assert long_height > short_height + 10 * 9  # contact rows, six lines of description, what to bring


def test_nothing_on_the_thermal_slip_is_cut_off() -> None:
    data = render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING)
    page = PdfReader(io.BytesIO(data)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    baselines: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            baselines.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)

    mm = 72 / 25.4
    assert 3 * mm < min(baselines) < 10 * mm  # the last line sits just above the cut
    assert height - 12 * mm < max(baselines) < height - 4 * mm
    assert width == pytest.approx(THERMAL_WIDTH_PT, abs=0.5)


FOOTER_TEXTS = ("Questions? Call 311", "Open Monday", "City of Lethbridge, City Hall", "Keep this slip", "Page ")


def below_the_footer_rule(data: bytes, page: int) -> list[str]:
    """Text drawn in the letter footer's band (its rule is 94 pt up): only the footer may be there."""
    found: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() and tm[5] * cm[3] + cm[5] < 94:
            found.append(text.strip())

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found


def test_a_full_letter_slip_fits_one_page_and_an_extreme_one_breaks_cleanly() -> None:
    full = render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING, layout="letter")
    extreme = replace(callback(), description=("word " * 199).strip(),
                      address="Unit 1204, 3300 Mayor Magrath Drive South, Lethbridge AB T1K 6Y1, rear door, buzz 12")
    several = render_referral_slip(extreme, issuer=ISSUER, what_to_bring="Photo ID and the ticket. " * 30,
                                   layout="letter")

    assert page_sizes(full) == [(612, 792)]
    assert page_sizes(several) == [(612, 792), (612, 792)]
    text = text_of(several)
    assert "Page 2 of 2" in text
    assert "Referral CH1-02-R00043 (continued)" in text
    assert "Photo ID and the ticket." in text
    for data, page in ((full, 0), (several, 0), (several, 1)):
        footer = below_the_footer_rule(data, page)
        assert len(footer) >= 4
        assert all(line.startswith(FOOTER_TEXTS) for line in footer), footer


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_slip_carries_the_reference_as_one_qr_path(layout: str) -> None:
    referral = callback()
    symbol = qr_symbol(referral.reference)

    paths = qr_paths(content(render_referral_slip(referral, issuer=ISSUER, layout=layout)))

    assert len(paths) == 1
    assert len(re.findall(r"\bre\b", paths[0])) == len(symbol.runs)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_slips_are_deterministic_embed_the_fonts_and_are_titled(layout: str) -> None:
    first = render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING, layout=layout)

    assert first == render_referral_slip(callback(), issuer=ISSUER, what_to_bring=BRING, layout=layout)
    assert b"/FontFile2" in first
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.title == "Referral CH1-02-R00043"


def test_an_unknown_slip_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="layout"):
        render_referral_slip(walk_in(), issuer=ISSUER, layout="a4")


# --- the QR code ---------------------------------------------------------------------------------------------


def qrcode_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


@pytest.mark.parametrize(("data", "modules"), [("CH1-02-R00042", 21), ("SR-2026-0001234", 21),
                                               ("a8f1c2d4-1234-4bcd-9e8f-0123456789ab", 29)])
def test_the_symbol_has_the_qrcode_size_and_its_runs_cover_exactly_the_dark_modules(data: str, modules: int) -> None:
    matrix = qrcode_matrix(data)
    symbol = qr_symbol(data)

    assert symbol.modules == len(matrix) == modules
    rebuilt = [[False] * modules for _ in range(modules)]
    for row, column, length in symbol.runs:
        assert length >= 1
        for c in range(column, column + length):
            assert not rebuilt[row][c], "runs overlap"
            rebuilt[row][c] = True
    assert rebuilt == matrix
    # runs are merged: no run ends where the next one in the same row starts
    ends = {(row, column + length) for row, column, length in symbol.runs}
    assert not any((row, column) in ends for row, column, _ in symbol.runs)
    assert len(symbol.runs) < sum(map(sum, matrix))


def test_drawing_a_qr_code_emits_one_filled_path_with_a_rectangle_per_run() -> None:
    symbol = qr_symbol("CH1-02-R00042")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200), pageCompression=0, invariant=1)

    qr_drawing("CH1-02-R00042", 84)(canvas, 20, 30)
    canvas.showPage()
    canvas.save()

    stream = content(buffer.getvalue())
    paths = qr_paths(stream)
    assert len(paths) == 1
    assert len(re.findall(r"\bre\b", stream)) == len(symbol.runs)
    assert len(re.findall(r"^f\*?$", stream, re.M)) == 1  # filled once
    assert not re.search(r"\b[Ss]\n", stream)  # and never stroked
    transform = re.search(r"q\n(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) cm", stream)
    assert transform is not None
    a, b, c, d, e, f = map(float, transform.groups())
    module = 84 / symbol.modules
    assert (a, b, c, d) == pytest.approx((module, 0, 0, -module))  # module units, 84 pt square, row 0 on top
    assert (e, f) == (20, 30 + 84)  # the top-left corner


# --- handouts ------------------------------------------------------------------------------------------------


def article(**changes: Any) -> Article:
    base = Article(
        id="tax-tipp-monthly-plan", title="Monthly property tax plan (TIPP): join, change or cancel", topic="tax",
        department="TAX", keywords=("tipp", "monthly payments"),
        answer=("The Tax Instalment Payment Plan (TIPP) pays property tax in 10 monthly withdrawals from August "
                "to May. To join, your taxes must be paid up to date."),
        steps=("Pick up a TIPP form here or from Assessment & Taxation, room 204.",
               "Attach a void cheque or a direct deposit form from your bank.",
               "Return the form to room 204 by July 15."),
        related_services=("PTAX",), refer_role="TAX-CLERK",
        what_to_bring="The completed TIPP form, a void cheque and your 13-digit roll number",
        source="City of Lethbridge Assessment & Taxation, TIPP (demo text)", last_reviewed=date(2026, 7, 2),
    )
    return replace(base, **changes)


def test_a_handout_carries_the_answer_the_steps_and_how_to_get_help() -> None:
    data = render_handout(article(), issuer=ISSUER, department_name="Assessment & Taxation", role_name="Tax clerk")
    text = text_of(data)

    assert page_sizes(data) == [(612, 792)]
    for expected in (
        "City of Lethbridge",
        "Monthly property tax plan (TIPP): join, change or cancel",
        "pays property tax in 10 monthly withdrawals from August to May.",
        "What to do",
        "1. Pick up a TIPP form here or from Assessment & Taxation, room 204.",
        "2. Attach a void cheque or a direct deposit form from your bank.",
        "3. Return the form to room 204 by July 15.",
        "Who can help",
        "Tax clerk, Assessment & Taxation",
        "Call 311 and ask for Assessment & Taxation",
        "What to bring",
        "The completed TIPP form, a void cheque and your 13-digit roll number",
        "Questions? Call 311 (403-320-3111 outside city limits).",
        "Information current as of July 2, 2026.",
        "Source: City of Lethbridge Assessment & Taxation, TIPP (demo text)",
    ):
        assert expected in text, f"{expected!r} missing from the handout"
    assert "Page 1 of" not in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert metadata.title == "Monthly property tax plan (TIPP): join, change or cancel"


def test_a_handout_without_a_department_or_things_to_bring_leaves_those_sections_out() -> None:
    text = text_of(render_handout(article(what_to_bring=""), issuer=ISSUER))

    assert "Who can help" not in text
    assert "What to bring" not in text
    assert "Questions? Call 311" in text


def test_a_long_article_flows_over_several_pages_with_every_step() -> None:
    steps = tuple(f"Step number {n}: read the notice, check the amount and keep your receipt." for n in range(1, 41))
    long = article(answer=(article().answer + "\n\n") * 8, steps=steps)

    data = render_handout(long, issuer=ISSUER, role_name="Tax clerk")
    text = text_of(data)

    pages = len(page_sizes(data))
    assert pages > 1
    assert all(f"{n}. Step number {n}:" in text for n in range(1, 41))
    assert f"Page {pages} of {pages}" in text
    assert text.count("Questions? Call 311") == pages  # the footer is on every page


def test_markup_and_odd_characters_in_an_article_print_literally() -> None:
    odd = article(title="Fees <b>& charges</b> for cafés",
                  answer="Amélie's naïve résumé costs <5 & >3 dollars 🙂 漢字 \x07 done.\nA second line.",
                  steps=("Bring <i>both</i> forms & ID.",))

    data = render_handout(odd, issuer=ISSUER)
    text = text_of(data)

    assert "Fees <b>& charges</b> for cafés" in text
    assert "Amélie's naïve résumé costs <5 & >3 dollars" in text
    assert "A second line." in text
    assert "Bring <i>both</i> forms & ID." in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert metadata.title == "Fees <b>& charges</b> for cafés"
