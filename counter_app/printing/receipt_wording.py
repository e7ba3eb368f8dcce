"""The words of a receipt, shared by the PDF (80 mm and letter) and the ESC/POS thermal printer, so the resident
reads the same receipt whatever printed it."""

from __future__ import annotations

from counter_app.payments.money import format_money
from counter_app.payments.receipt import ReceiptLine, ReceiptSnapshot

COPY_TEXT = "COPY - REPRINT"
VOID_TEXT = "VOID"
VOID_NOTE = "Voided: not proof of payment."


def title(snapshot: ReceiptSnapshot) -> str:
    return "REFUND" if snapshot.kind == "refund" else "RECEIPT"


def issued(snapshot: ReceiptSnapshot) -> str:
    """Local date and time as the counter's clock showed it (the snapshot stores local, aware time)."""
    return snapshot.issued_at.strftime("%Y-%m-%d %H:%M")


def gst_registration(snapshot: ReceiptSnapshot) -> str:
    number = snapshot.issuer.gst_number.strip()
    number = number[4:] if number.upper().startswith("GST ") else number
    return f"GST registration no. {number}"


def gst_label(code: str) -> str:
    return code if code.upper().startswith("GST") else f"GST ({code})"


def line_details(line: ReceiptLine) -> list[str]:
    details = []
    if line.reference:
        details.append(f"Ref. {line.reference}")
    if line.gst_cents:
        details.append(f"{gst_label(line.gst_code)} {format_money(line.gst_cents)}")
    return details


def paid_label(snapshot: ReceiptSnapshot) -> str:
    return "Amount refunded" if snapshot.kind == "refund" else "Amount paid"


def tenders_heading(snapshot: ReceiptSnapshot) -> str:
    return "Refunded to" if snapshot.kind == "refund" else "Paid by"


def shows_change(snapshot: ReceiptSnapshot) -> bool:
    """Change is printed whenever cash was handed over, even exact cash, so the resident can check it."""
    paid_cash = snapshot.kind != "refund" and any(t.kind == "cash" for t in snapshot.tenders)
    return snapshot.change_cents != 0 or paid_cash


def questions_line(snapshot: ReceiptSnapshot) -> str:
    return f"Questions? Call {snapshot.issuer.phone_311}."


def questions_parts(snapshot: ReceiptSnapshot) -> list[str]:
    """The 311 line in phrases, so a narrow roll breaks it before the bracket rather than mid-phrase."""
    number, bracket, rest = snapshot.issuer.phone_311.partition("(")
    if not bracket:
        return [questions_line(snapshot)]
    return [f"Questions? Call {number.strip()}", f"({rest.strip()}."]
