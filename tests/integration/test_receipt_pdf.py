"""Receipt PDFs read back as a resident's PDF viewer would: every figure is there, in words they can find."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from counter_app.payments.receipt import Issuer, ReceiptLine, ReceiptSnapshot, ReceiptTender
from counter_app.printing.fonts import SANS, register_fonts
from counter_app.printing.receipt_pdf import render_receipt

MST = timezone(timedelta(hours=-7))
THERMAL_WIDTH_PT = 80 / 25.4 * 72  # 226.77
LAYOUTS = ("thermal", "letter")

UTILITY = ReceiptLine("Utility bill", "1000-013", 12347, "E", 0, 12347)
DOG = ReceiptLine("Dog licence - altered and chipped", None, 2000, "E", 0, 2000)
COMPOSTER = ReceiptLine("Backyard composter", None, 4000, "G", 200, 4200)


def sale(lines: tuple[ReceiptLine, ...] = (UTILITY, DOG, COMPOSTER)) -> ReceiptSnapshot:
    """A settled sale: $100.00 by debit, the rest in cash rounded to the nickel, change from a round note."""
    subtotal = sum(line.net_cents for line in lines)
    gst = sum(line.gst_cents for line in lines)
    total = subtotal + gst
    debit = 10_000
    cash_due = total - debit
    rounded = (cash_due + 2) // 5 * 5
    cash = (rounded // 1000 + 1) * 1000
    return ReceiptSnapshot(
        receipt_number="CH1-02-000123",
        kind="sale",
        issued_at=datetime(2026, 11, 26, 10, 42, tzinfo=MST),
        workstation="CH1-02",
        cashier="Priya Sandhu",
        lines=lines,
        subtotal_cents=subtotal,
        gst_cents=gst,
        total_cents=total,
        rounding_cents=rounded - cash_due,
        tenders=(
            ReceiptTender("debit", "Debit", debit, "Interac ****4821  Auth 123456"),
            ReceiptTender("cash", "Cash", cash, ""),
        ),
        change_cents=cash - rounded,
        issuer=Issuer(),
    )


def refund() -> ReceiptSnapshot:
    line = replace(DOG, net_cents=-2000, total_cents=-2000)
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


def text_of(data: bytes) -> str:
    """All pages' text with whitespace collapsed, so a label and its amount read as one phrase."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_receipt_carries_everything_the_resident_needs(layout: str) -> None:
    snapshot = sale()

    text = text_of(render_receipt(snapshot, layout=layout))

    for expected in (
        "City of Lethbridge",
        "311 Payments and Customer Service",
        "City Hall, 910 4 Avenue South, Lethbridge AB",
        "RECEIPT",
        "CH1-02-000123",
        "2026-11-26 10:42",
        "CH1-02",
        "Priya Sandhu",
        "Utility bill",
        "1000-013",
        "$123.47",
        "Dog licence - altered and chipped",
        "$20.00",
        "Backyard composter",
        "$40.00",
        "Subtotal $183.47",
        "GST $2.00",
        "12345 6789 RT0001",
        "TOTAL $185.47",
        "Cash rounding -$0.02",
        "Amount paid $185.45",
        "Debit",
        "Interac ****4821",
        "Auth 123456",
        "$100.00",
        "Cash $90.00",
        "Change $4.55",
        "Questions? Call 311",
        "403-320-3111",
        "Monday to Friday, 8:30 am to 4:30 pm",
        "Keep this receipt",
    ):
        assert expected in text, f"{expected!r} missing from the {layout} receipt"
    assert "COPY" not in text
    assert "VOID" not in text
    assert "REFUND" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gst_and_the_registration_number_appear_only_on_taxable_receipts(layout: str) -> None:
    exempt = sale((UTILITY, DOG))

    text = text_of(render_receipt(exempt, layout=layout))

    assert "TOTAL $143.47" in text
    assert "RT0001" not in text
    assert "GST $" not in text


def test_a_line_with_gst_shows_its_code_and_amount() -> None:
    text = text_of(render_receipt(sale()))

    assert "GST (G) $2.00" in text


def test_without_cash_rounding_there_is_no_rounding_line() -> None:
    snapshot = replace(sale(), rounding_cents=0,
                       tenders=(ReceiptTender("debit", "Debit", 18547, "Interac ****4821  Auth 123456"),),
                       change_cents=0)

    text = text_of(render_receipt(snapshot))

    assert "Cash rounding" not in text
    assert "Amount paid" not in text
    assert "Change" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_reprint_is_marked_as_a_copy(layout: str) -> None:
    text = text_of(render_receipt(sale(), copy=True, layout=layout))

    assert "COPY - REPRINT" in text
    assert "VOID" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_voided_receipt_is_marked_void(layout: str) -> None:
    text = text_of(render_receipt(sale(), void=True, layout=layout))

    assert "VOID" in text
    assert "not proof of payment" in text
    assert "CH1-02-000123" in text  # still the same receipt, kept in the sequence


def test_a_voided_reprint_carries_both_marks() -> None:
    text = text_of(render_receipt(sale(), copy=True, void=True))

    assert "VOID" in text
    assert "COPY - REPRINT" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_refund_names_the_original_receipt_and_shows_negative_amounts(layout: str) -> None:
    text = text_of(render_receipt(refund(), layout=layout))

    assert "REFUND" in text
    assert "Refund of receipt CH1-02-000123" in text
    assert "CH1-02-000131" in text
    assert "TOTAL -$20.00" in text
    assert "Cash -$20.00" in text
    assert "Change" not in text


def test_the_thermal_page_is_80_mm_wide_and_as_tall_as_its_content() -> None:
    short = render_receipt(sale((UTILITY, DOG)))
    long = render_receipt(sale((UTILITY, DOG, *[replace(DOG, description=f"Cat licence {n}") for n in range(8)])))

    (short_width, short_height), = page_sizes(short)
    (long_width, long_height), = page_sizes(long)
    assert short_width == pytest.approx(THERMAL_WIDTH_PT, abs=0.5)
    assert long_width == pytest.approx(THERMAL_WIDTH_PT, abs=0.5)
    assert long_height > short_height + 8 * 10  # at least a row of type per extra line
    assert "Cat licence 7" in text_of(long)


def test_the_thermal_page_has_no_blank_tail_and_nothing_cut_off() -> None:
    data = render_receipt(sale())
    page = PdfReader(io.BytesIO(data)).pages[0]
    height = float(page.mediabox.height)
    baselines: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            baselines.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)

    mm = 72 / 25.4
    assert 3 * mm < min(baselines) < 10 * mm  # the last line sits just above the cut
    assert height - 12 * mm < max(baselines) < height - 4 * mm  # the first line starts just below the top


def test_the_letter_layout_is_a_us_letter_page_and_breaks_long_receipts_across_pages() -> None:
    many = tuple(replace(DOG, description=f"Cat licence {n}") for n in range(40))

    one_page = render_receipt(sale(), layout="letter")
    several = render_receipt(sale(many), layout="letter")

    assert page_sizes(one_page) == [(612, 792)]
    sizes = page_sizes(several)
    assert len(sizes) > 1
    assert set(sizes) == {(612, 792)}
    text = text_of(several)
    assert all(f"Cat licence {n} " in text for n in range(40))
    assert f"Page {len(sizes)} of {len(sizes)}" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_fonts_are_embedded_and_the_title_names_the_receipt(layout: str) -> None:
    data = render_receipt(sale(), layout=layout)

    assert b"/FontFile2" in data
    assert b"DejaVuSans" in data
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata is not None
    assert metadata.title == "Receipt CH1-02-000123"


def test_the_same_snapshot_always_renders_the_same_bytes() -> None:
    assert render_receipt(sale()) == render_receipt(sale())
    assert render_receipt(sale(), layout="letter") == render_receipt(sale(), layout="letter")


def test_an_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="layout"):
        render_receipt(sale(), layout="a4")


def test_registering_the_fonts_twice_is_harmless() -> None:
    register_fonts()
    register_fonts()

    assert pdfmetrics.getFont(SANS).fontName == SANS
