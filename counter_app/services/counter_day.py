"""The whole counter's day, every workstation, read from the central 311 database (once records have synced)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Protocol

from counter_app.clock import Clock
from counter_app.drawer.denominations import CashCount, count_of
from counter_app.drawer.reconciliation import (
    DrawerClose,
    Movement,
    Reconciliation,
    ReconLine,
    ReconTender,
    ReconTransaction,
    reconcile,
)
from counter_app.drawer.session import MovementKind


class CentralDayPort(Protocol):
    def day_rows(self, business_date: date) -> dict[str, list[dict[str, Any]]]: ...


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count(payload: dict[str, Any], key: str) -> CashCount | None:
    pieces = payload.get(key)
    return count_of({code: int(n) for code, n in pieces.items()}) if isinstance(pieces, dict) else None


class CounterDayService:
    """Counter-wide reconciliation: the same arithmetic as one drawer, over all workstations' synced records."""

    def __init__(self, clock: Clock, central: Callable[[], CentralDayPort] | None) -> None:
        self.clock = clock
        self._central = central

    def reconciliation(self, day: date) -> Reconciliation:
        if self._central is None:
            from counter_app.services.sync import NO_CENTRAL
            from counter_app.sync.records import NoCentralError

            raise NoCentralError(NO_CENTRAL)
        rows = self._central().day_rows(day)
        lines: dict[str, list[ReconLine]] = {}
        for line in sorted(rows["lines"], key=lambda r: (r["transaction_id"], r["line_no"])):
            lines.setdefault(line["transaction_id"], []).append(ReconLine(
                line["service_code"], line["description"], line["gl_account"], int(line["net_cents"]),
                int(line["gst_cents"])))
        tenders: dict[str, list[ReconTender]] = {}
        for tender in sorted(rows["tenders"], key=lambda r: (r["transaction_id"], r["seq"])):
            tenders.setdefault(tender["transaction_id"], []).append(ReconTender(
                tender["kind"], int(tender["amount_cents"]), tender.get("number"), tender.get("last4")))
        transactions = [
            ReconTransaction(
                receipt_number=t["receipt_number"], created_at=_aware(t["created_at"]), workstation=t["workstation"],
                cashier=t["cashier"], kind=t["kind"], status=t["status"], total_cents=int(t["total_cents"]),
                rounding_cents=int(t["rounding_cents"]), change_cents=int(t["change_cents"]),
                lines=tuple(lines.get(t["id"], ())), tenders=tuple(tenders.get(t["id"], ())),
            )
            for t in sorted(rows["transactions"], key=lambda r: (r["workstation"], r["sequence"]))
        ]
        movements = [
            Movement(MovementKind(m["kind"]), int(m["amount_cents"]), m["reason"], _aware(m["at"]), m.get("gl_account"))
            for m in sorted(rows["movements"], key=lambda r: r["at"])
        ]
        closes: list[DrawerClose] = []
        float_cents = 0
        for session in rows["sessions"]:
            payload = json.loads(session["payload"])
            float_count = _count(payload, "float_count") or count_of({})
            float_cents += float_count.total_cents
            counted = _count(payload, "counted")
            if session["status"] == "closed" and counted is not None:
                closes.append(DrawerClose(session["id"], str(session["cashier_id"]), session["workstation"],
                                          float_count, counted, int(session["expected_cents"] or 0),
                                          payload.get("debit_batch_cents"), payload.get("credit_batch_cents"),
                                          session.get("z_number") or ""))
        all_counted = bool(rows["sessions"]) and len(closes) == len(rows["sessions"])
        workstations = sorted({t.workstation for t in transactions} | {s["workstation"] for s in rows["sessions"]})
        return reconcile(f"Counter day {day.isoformat()}, all workstations ({', '.join(workstations) or 'none'})",
                         transactions, movements, closes if all_counted else [], float_cents, self.clock.tz)
