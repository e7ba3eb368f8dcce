"""Table models of the questions, referral, directory and dashboard screens: frozen rows, ``set_rows``, no widget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from counter_app.questions.article import SearchHit
from counter_app.referrals.referral import Department, Mode, Referral
from counter_app.services.records_people import ReferralNote, Specialist
from counter_app.ui.table_models import CENTRE, RIGHT, Column, Index, RowsModel

STATUS_LABELS = {"open": "Open", "acknowledged": "Acknowledged", "closed": "Closed"}


class HitsModel(RowsModel[SearchHit]):
    """Search results, best first: the article's title and its topic."""

    TITLE, TOPIC = range(2)

    def __init__(self, topic_label: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("Article", lambda h: h.article.title),
            Column("Topic", lambda h: topic_label(h.article.topic)),
        )


def resident_text(referral: Referral) -> str:
    return referral.contact.name or ("(no name given)" if referral.mode is Mode.WALK_IN else "")


class ReferralsModel(RowsModel[Referral]):
    """The referral list: newest first, as ``ReferralService.listing`` returns them."""

    TIME, REFERENCE, DEPARTMENT, MODE, STATUS, RESIDENT = range(6)

    def __init__(self, tz: tzinfo | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.columns = (
            Column("Requested", lambda r: r.requested_at.astimezone(self.tz).strftime("%b %d %H:%M")),
            Column("Reference", lambda r: r.reference),
            Column("Department", lambda r: r.department_name),
            Column("Way", lambda r: "Walk-in" if r.mode is Mode.WALK_IN else "Callback"),
            Column("Status", lambda r: STATUS_LABELS.get(r.status.value, r.status.value)),
            Column("Resident", resident_text),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self._rows)
                and self._rows[index.row()].status.value == "closed"):
            return QColor("#3f4f5f")
        return super().data(index, role)


class NotesModel(RowsModel[ReferralNote]):
    TIME, STATUS, NOTE = range(3)

    def __init__(self, tz: tzinfo | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.columns = (
            Column("When", lambda n: n.at.astimezone(self.tz).strftime("%b %d %H:%M")),
            Column("Status", lambda n: STATUS_LABELS.get(n.status, n.status)),
            Column("Note", lambda n: n.note + ("" if n.source == "counter" else f" ({n.source})")),
        )


def hours_text(hours: float) -> str:
    """Business hours as a cashier says them: "4 business hours", "24 business hours (3 days)"."""
    whole = round(hours)
    if whole >= 8 and whole % 8 == 0:
        days = whole // 8
        return f"{whole} business hours ({days} working day{'s' if days != 1 else ''})"
    return f"{whole} business hour{'s' if whole != 1 else ''}"


class DepartmentsModel(RowsModel[Department]):
    NAME, ROOM, EXTENSION, RESPONSE, ROLES = range(5)
    columns = (
        Column("Department", lambda d: d.name),
        Column("Where", lambda d: d.room),
        Column("Ext.", lambda d: d.extension, CENTRE),
        Column("Responds within", lambda d: hours_text(d.response_hours)),
        Column("Specialist roles", lambda d: ", ".join(name for _code, name in d.roles)),
    )


class SpecialistsModel(RowsModel[Specialist]):
    """Specialists with an on-duty check box (a supervisor changes it through the screen, never by a click)."""

    ON_DUTY, NAME, ROLE, DEPARTMENT, EXTENSION = range(5)
    columns = (
        Column("On duty", lambda s: "On duty" if s.on_duty else "Off"),
        Column("Specialist", lambda s: s.name),
        Column("Role", lambda s: s.role_name),
        Column("Department", lambda s: s.department_name),
        Column("Ext.", lambda s: s.extension, CENTRE),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.row() < len(self._rows) and index.column() == self.ON_DUTY:
            on = self._rows[index.row()].on_duty
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#0f4d24") if on else QColor("#3f4f5f")
            if role == Qt.ItemDataRole.FontRole and on:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


@dataclass(frozen=True, slots=True)
class DashRow:
    """One line of the dashboard table: a group ("Kind"), what is counted, how many, and the average time."""

    group: str
    item: str
    count: int
    average: str = ""
    heading: bool = False


def minutes_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class DashboardModel(RowsModel[DashRow]):
    GROUP, ITEM, COUNT, AVERAGE = range(4)
    columns = (
        Column("", lambda r: r.group),
        Column("What", lambda r: r.item),
        Column("Count", lambda r: "" if r.heading else str(r.count), RIGHT),
        Column("Avg time", lambda r: r.average, RIGHT),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid() and index.row() < len(self._rows):
            row = self._rows[index.row()]
            if row.heading or index.column() == self.GROUP:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)
