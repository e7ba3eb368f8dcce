"""The reconciliation as CSV files for the ledger import: one table per file, stable snake_case columns.

Amounts are plain decimals (``1234.56``, no symbol or separators) so any importer reads them; the journal file
holds journal lines only (no totals row) so it can be imported as is, and its debits equal its credits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, tzinfo

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.export.figures import (
    card_batch_rows,
    cheque_rows,
    local_time,
    safe_text,
    summary_rows,
    tenders_in_order,
)
from counter_app.payments.money import format_plain

__all__ = ["CSV_NAMES", "csv_files"]

CSV_NAMES = (
    "summary.csv",
    "tenders.csv",
    "services.csv",
    "gl_accounts.csv",
    "gl_journal.csv",
    "cheques.csv",
    "deposit_slip.csv",
    "movements.csv",
    "card_batches.csv",
)


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _optional(cents: int | None) -> str:
    return "" if cents is None else format_plain(cents)


def csv_files(recon: Reconciliation, *, business_date: date, title: str, tz: tzinfo | None = None) -> dict[str, bytes]:
    """File name -> UTF-8 CSV bytes. ``title`` is accepted for symmetry with the other formats; CSV has no title.

    ``tz`` turns movement times (stored in UTC) into the counter's local time; the offset is always written.
    """
    del title  # a ledger file carries data only
    summary = []
    for row in summary_rows(recon, business_date):
        if row.kind in ("money", "optional_money"):
            value = _optional(row.value if isinstance(row.value, int) else None)
        else:
            value = "" if row.value is None else str(row.value)
        summary.append((row.key, value))
    movements = [
        (local_time(m.at, tz).isoformat(timespec="seconds"), m.kind.value, format_plain(m.amount_cents),
         safe_text(m.reason), m.gl_account or "", safe_text(m.staff), safe_text(m.supervisor))
        for m in recon.movements
    ]
    return {
        "summary.csv": _csv(("key", "value"), summary),
        "tenders.csv": _csv(("tender", "amount"), ((k, format_plain(v)) for k, v in tenders_in_order(recon))),
        "services.csv": _csv(
            ("service_code", "description", "count", "net", "gst", "total"),
            ((s.service_code, safe_text(s.description), s.count, format_plain(s.net_cents), format_plain(s.gst_cents),
              format_plain(s.total_cents)) for s in recon.by_service),
        ),
        "gl_accounts.csv": _csv(("gl_account", "net"), ((k, format_plain(v)) for k, v in recon.by_gl.items())),
        "gl_journal.csv": _csv(
            ("line", "account", "description", "debit", "credit"),
            ((n, e.account, safe_text(e.description), format_plain(e.debit_cents), format_plain(e.credit_cents))
             for n, e in enumerate(recon.journal, start=1)),
        ),
        "cheques.csv": _csv(("receipt_number", "kind", "number", "amount"),
                            ((r, k, n, format_plain(a)) for r, k, n, a in cheque_rows(recon))),
        "deposit_slip.csv": _csv(("item", "amount"), ((d.label, format_plain(d.amount_cents)) for d in recon.deposit)),
        "movements.csv": _csv(("time", "kind", "amount", "reason", "gl_account", "staff", "supervisor"), movements),
        "card_batches.csv": _csv(
            ("tender", "system_total", "terminal_batch", "difference"),
            ((k, format_plain(s), _optional(b), _optional(d)) for k, s, b, d in card_batch_rows(recon)),
        ),
    }
