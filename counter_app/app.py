"""The composition root: builds the store, the services and the adapters in one place and hands them down.

Kept free of Qt so the headless commands and the tests build the very same graph as the GUI.
"""

from __future__ import annotations

from typing import Any

from counter_app.clock import Clock
from counter_app.config import Settings
from counter_app.payments.receipt import Issuer
from counter_app.services.admin import AdminService
from counter_app.services.audit import Auditor, AuditService
from counter_app.services.auth import AuthService
from counter_app.services.container import Counter
from counter_app.services.counter_day import CounterDayService
from counter_app.services.directory import DirectoryService
from counter_app.services.drawer import DrawerService
from counter_app.services.payments import PaymentService
from counter_app.services.questions import QuestionService
from counter_app.services.receipts import ReceiptRenderer, ReceiptService
from counter_app.services.referrals import ReferralService
from counter_app.services.sync import SyncService
from counter_app.services.visits import VisitService


def build_counter(
    settings: Settings,
    clock: Clock | None = None,
    renderer: ReceiptRenderer | None = None,
    issuer: Issuer | None = None,
) -> Counter:
    """Open (and if needed create and migrate) the store, seed reference data, and wire the services."""
    from counter_app.data_folder import tighten
    from counter_app.store.db import check_integrity, make_engine, migrate, session_factories
    from counter_app.store.knowledge_index import SqliteKnowledgeIndex
    from counter_app.store.preflight import check_store, create_store
    from counter_app.store.seed import seed_demo, seed_if_changed
    from counter_app.store.uow import SqlUnitOfWorkFactory

    clock = clock or Clock(settings.timezone)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tighten(settings.data_dir)  # 0700 / 0600 on POSIX, before SQLite makes its -wal and -shm with the file's mode
    _tighten_default_base(settings)
    check_store(settings.db_path)  # permissions, an empty file, a newer schema: in words, before anything is written
    create_store(settings.db_path)  # a new store is made whole or not at all, 0600
    check_integrity(settings.db_path)
    engine = make_engine(settings.db_path)
    migrate(engine, settings.db_path)
    writer, reader = session_factories(engine)
    demo_seeded = False
    with writer() as session:
        seed_if_changed(session)
        if settings.demo:
            demo_seeded = seed_demo(session, clock.today())
        session.commit()
    if renderer is None:
        from counter_app.printing.receipt_pdf import render_receipt

        renderer = render_receipt
    uow = SqlUnitOfWorkFactory(writer, reader)
    auditor = Auditor(clock, settings.workstation)
    from counter_app.sync.connection import central_audit_head, central_connection, open_central

    connection = central_connection(settings)
    knowledge_index = SqliteKnowledgeIndex(settings.db_path)
    counter = Counter(
        settings=settings,
        clock=clock,
        payments=PaymentService(uow, clock, settings.workstation, issuer, auditor),
        auth=AuthService(uow, clock, auditor),
        receipts=ReceiptService(uow, clock, renderer, auditor),
        visits=VisitService(uow, clock, settings.workstation),
        questions=QuestionService(uow, knowledge_index),
        directory=DirectoryService(uow),
        referrals=ReferralService(uow, clock, settings.workstation),
        drawers=DrawerService(uow, clock, settings.workstation, tolerance_cents=settings.drawer_tolerance_cents,
                              verify_float=settings.verify_float, auditor=auditor,
                              writer=_LazyExporter()),
        sync=SyncService(uow, clock, settings.workstation, lambda: open_central(connection), connection.label,
                         on_reference_change=lambda: _reference_changed(counter, knowledge_index)),
        audit=AuditService(uow, lambda: central_audit_head(connection, settings.workstation)),
        admin=AdminService(uow, clock, auditor, on_catalog_change=lambda: counter.payments.refresh_catalog()),
        counter_day=CounterDayService(clock, lambda: open_central(connection)),
        demo_seeded=demo_seeded,
        _engine=engine,
    )
    counter.visits.close_stale_visits()
    return counter


def _tighten_default_base(settings: Settings) -> None:
    """The default demo folder lies inside the user's Counter folder, which also holds the embedded demo centre
    (staff PIN hashes): that folder is kept 0700 too (POSIX)."""
    from counter_app.config import default_data_dir
    from counter_app.data_folder import tighten

    if settings.data_dir == default_data_dir(True):
        tighten(default_data_dir(False), names=())


def _reference_changed(counter: Counter, knowledge_index: Any) -> None:
    """Pulled fee schedule or knowledge base: the caches read them again at next use."""
    counter.payments.refresh_catalog()
    knowledge_index.forget()


class _LazyExporter:
    """The export adapter, imported on first use: openpyxl and the chart code are not needed to start."""

    def export(self, *args: Any, **kwargs: Any) -> Any:
        from counter_app.export.exporter import ReconciliationExporter

        return ReconciliationExporter().export(*args, **kwargs)
