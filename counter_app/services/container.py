"""The wired services a screen or a command works with; built by the composition root (``counter_app.app``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from counter_app.clock import Clock
from counter_app.config import Settings
from counter_app.services.admin import AdminService
from counter_app.services.audit import AuditService
from counter_app.services.auth import AuthService
from counter_app.services.counter_day import CounterDayService
from counter_app.services.directory import DirectoryService
from counter_app.services.drawer import DrawerService
from counter_app.services.payments import PaymentService
from counter_app.services.questions import QuestionService
from counter_app.services.receipts import ReceiptService
from counter_app.services.referrals import ReferralService
from counter_app.services.sync import SyncService
from counter_app.services.visits import VisitService


@dataclass
class Counter:
    """Everything the UI and the commands need, already wired."""

    settings: Settings
    clock: Clock
    payments: PaymentService
    auth: AuthService
    receipts: ReceiptService
    visits: VisitService
    questions: QuestionService
    directory: DirectoryService
    referrals: ReferralService
    drawers: DrawerService
    sync: SyncService
    audit: AuditService
    admin: AdminService
    counter_day: CounterDayService
    demo_seeded: bool = False
    _engine: Any = field(default=None, repr=False)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
