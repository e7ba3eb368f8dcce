"""Table models hold frozen rows and format them for the cashier; no widget needed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from counter_app.payments.catalog import LineKind, Service, TenderKind
from counter_app.payments.sale import SaleLine, Tender
from counter_app.services.records import TransactionSummary
from counter_app.ui.table_models import LinesModel, ServicesModel, TendersModel, TransactionsModel

DOG = Service("DOG-AC", "Dog licence - altered and chipped", LineKind.FIXED, "100-6200-4210", "EX",
              frozenset(TenderKind), "Community Animal Services", amount_cents=2000, quick_key=3)
UTIL = Service("UTIL", "Utility bill", LineKind.BILL, "510-2200-1210", "EX", frozenset(TenderKind),
               "Utility Services", quick_key=1)


def test_services_model_shows_key_code_name_and_price() -> None:
    model = ServicesModel()
    model.set_rows([DOG, UTIL])
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert [model.text(0, c) for c in range(4)] == ["Ctrl+3", "DOG-AC", "Dog licence - altered and chipped", "$20.00"]
    assert model.text(1, ServicesModel.PRICE) == "amount due"
    align = model.data(model.index(0, ServicesModel.PRICE), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight.value
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Service"


def test_lines_model_shows_reference_gst_and_amount() -> None:
    line = SaleLine("COMPOST", "Backyard composter", LineKind.FIXED, 4000, "G5", 500, 200, "540-5200-4410")
    bill = SaleLine("UTIL", "Utility bill (electric, water, wastewater, waste)", LineKind.BILL, 20854, "EX", 0, 0,
                    "510-2200-1210", "1000372", "1000-372")
    model = LinesModel()
    model.set_rows([line, bill])
    assert [model.text(0, c) for c in range(4)] == ["Backyard composter", "", "$2.00", "$42.00"]
    assert [model.text(1, c) for c in range(4)] == ["Utility bill", "1000-372", "exempt", "$208.54"]
    model.set_rows([])
    assert model.rowCount() == 0


def test_tenders_model_never_shows_more_than_the_last_four() -> None:
    model = TendersModel()
    model.set_rows([Tender(TenderKind.DEBIT, 10000, None, "4821", "A1B2C3"), Tender(TenderKind.CASH, 14000)])
    assert model.text(0, TendersModel.DETAIL) == "Interac ****4821 · A1B2C3"
    assert model.text(1, TendersModel.DETAIL) == "—" and model.text(1, TendersModel.AMOUNT) == "$140.00"


def test_transactions_model_shows_local_time_status_and_tenders() -> None:
    row = TransactionSummary(
        id="t1", receipt_number="CH1-02-000007", created_at=datetime(2026, 11, 25, 16, 42, 5, tzinfo=UTC),
        kind="sale", status="void", cashier="Alex Martin", total_cents=22854, rounding_cents=1, change_cents=1145,
        tenders={"debit": 10000, "cash": 14000},
    )
    model = TransactionsModel(ZoneInfo("America/Edmonton"))
    model.set_rows([row])
    assert model.text(0, model.TIME) == "09:42:05"
    assert model.text(0, model.STATUS) == "VOID"
    assert model.text(0, model.TOTAL) == "$228.54"
    assert model.text(0, model.TENDERS) == "Debit $100.00, Cash $140.00"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
