"""Exports never crash on odd text (issue 10, symptom 8): a store written by an earlier version may hold an ESC, a
NUL or a direction override in a cash-movement reason or a name. The new text rule refuses such input, but what is
already stored must still export, in every format, with a visible stand-in (never silently dropped)."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from counter_app.drawer.session import MovementKind
from counter_app.services.container import Counter

ODD = "Postage \x1b[31m refund\x00 \x85 \u202eevil\u202c ok"
SHOWN = "Postage ␛[31m refund␀ � �evil� ok"


def write_straight_into_the_store(counter: Counter, reason: str, name: str) -> None:
    """As an earlier version (no text rule) would have left it: written with sqlite3, under the services."""
    with sqlite3.connect(counter.settings.db_path) as conn:
        conn.execute("update cash_movements set reason = ?", (reason,))
        conn.execute("update staff set name = ? where staff_no = '1001'", (name,))
    with sqlite3.connect(counter.settings.db_path) as conn:
        assert conn.execute("select reason from cash_movements").fetchone()[0] == reason


def test_an_esc_in_a_movement_reason_exports_in_every_format(counter: Counter, tmp_path: Path) -> None:
    alex = counter.auth.login("1001", "1111")
    counter.drawers.move_cash(alex, MovementKind.PICKUP, "20.00", "Cash drop to the safe")
    write_straight_into_the_store(counter, ODD, "Alex\x07 Martin")
    day = counter.clock.today()
    records = counter.drawers.export(day, tmp_path / "out", counter.auth.login("2001", "999901"))
    folder = Path(str(records[0]["path"])).parent
    names = {r["name"] for r in records}
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".pdf") for n in names)

    movements = (folder / "movements.csv").read_bytes().decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(movements)))
    assert row["reason"] == SHOWN and row["staff"] == "Alex␇ Martin"

    book = load_workbook(next(folder.glob("*.xlsx")))
    cells = [str(c.value) for ws in book.worksheets for line in ws.iter_rows() for c in line if c.value]
    assert SHOWN in cells and "Alex␇ Martin" in cells

    pdf = "".join(page.extract_text() for page in PdfReader(str(next(folder.glob("*.pdf")))).pages)
    assert "Postage \ufffd[31m refund\ufffd" in " ".join(pdf.split())  # the same stand-in, in the PDF's font
    assert "Alex\ufffd Martin" in pdf and "\x1b" not in pdf and "\x00" not in pdf
