"""The composition root: builds the store, the services and the adapters in one place and hands them down.

Kept free of Qt so the headless commands and the tests build the very same graph as the GUI.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from counter_app.clock import Clock
from counter_app.config import ConfigError, Settings
from counter_app.payments.receipt import Issuer
from counter_app.security.pepper_source import resolve_pepper
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
from counter_app.startup import resolve_settings


def build_counter(
    settings: Settings,
    clock: Clock | None = None,
    renderer: ReceiptRenderer | None = None,
    issuer: Issuer | None = None,
    *,
    read_only: bool = False,
) -> Counter:
    """Open (and if needed create and migrate) the store, seed reference data, and wire the services.

    ``read_only`` (the commands that only read) writes nothing that is not needed: no seeding, no restore check,
    no visit clean-up, so that they still work on a full disk.
    """
    from counter_app.data_folder import tighten
    from counter_app.store.db import StoreError
    from counter_app.store.knowledge_index import SqliteKnowledgeIndex
    from counter_app.store.preflight import check_store
    from counter_app.store.store_file import IdentityMismatchError, create_store, open_store
    from counter_app.store.uow import SqlUnitOfWorkFactory

    clock = clock or Clock(settings.timezone)
    settings = resolve_settings(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tighten(settings.data_dir)  # 0700 / 0600 on POSIX, before SQLite makes its -wal and -shm with the file's mode
    _tighten_default_base(settings)
    check_store(settings.db_path, write=not read_only)  # permissions, an empty file, a newer schema: in words
    demo_seeded = False
    if not settings.db_path.exists():
        if read_only:
            raise StoreError(f"no counter data in {settings.data_dir}")
        if not settings.workstation:
            raise ConfigError("This is a new counter store: give its workstation name, as IT labelled the PC "
                              "(--workstation CH1-02, COUNTER_WORKSTATION or \"workstation\" in settings.json). "
                              "Real stores have no default name, so that no two PCs share one.")
        demo_seeded = create_store(settings.db_path, workstation=settings.workstation, demo=settings.demo,
                                   today=clock.today(), now=clock.now(), pepper=resolve_pepper(settings.demo))
    try:
        opened = open_store(settings.db_path, workstation=settings.workstation,
                            workstation_source=settings.workstation_source, demo=settings.demo,
                            today=clock.today(), read_only=read_only, pepper_for=resolve_pepper)
    except IdentityMismatchError as exc:
        raise ConfigError(str(exc)) from None
    settings = replace(settings, workstation=opened.identity.workstation, demo=opened.identity.demo)
    pepper = resolve_pepper(opened.identity.demo)  # PIN hashing's secret (docs/security.md): demo or the city's
    if renderer is None:
        from counter_app.printing.receipt_pdf import render_receipt

        renderer = render_receipt
    witness = opened.witness
    uow = SqlUnitOfWorkFactory(opened.writer, opened.reader, after_commit=witness.note_commit)
    auditor = Auditor(clock, settings.workstation)
    central, label, audit_central = _central_ports(settings)
    knowledge_index = SqliteKnowledgeIndex(settings.db_path)
    sync = SyncService(uow, clock, settings.workstation, central, label,
                       on_reference_change=lambda: _reference_changed(counter, knowledge_index),
                       auditor=auditor, on_generation=witness.new_generation)
    counter = Counter(
        settings=settings,
        clock=clock,
        payments=PaymentService(uow, clock, settings.workstation, issuer, auditor,
                                max_transaction_cents=settings.max_transaction_cents),
        auth=AuthService(uow, clock, auditor, pepper=pepper),
        receipts=ReceiptService(uow, clock, renderer, auditor),
        visits=VisitService(uow, clock, settings.workstation),
        questions=QuestionService(uow, knowledge_index),
        directory=DirectoryService(uow),
        referrals=ReferralService(uow, clock, settings.workstation),
        drawers=DrawerService(uow, clock, settings.workstation, tolerance_cents=settings.drawer_tolerance_cents,
                              verify_float=settings.verify_float, auditor=auditor,
                              writer=_LazyExporter()),
        sync=sync,
        audit=AuditService(uow, audit_central, lambda: _store_ref(uow)),
        admin=AdminService(uow, clock, auditor, on_catalog_change=lambda: counter.payments.refresh_catalog(),
                           pepper=pepper),
        counter_day=CounterDayService(clock, central),
        demo_seeded=demo_seeded or opened.demo_seeded,
        _engine=opened.engine,
    )
    if not read_only:
        counter.visits.close_stale_visits()
    return counter


def _central_ports(settings: Settings) -> tuple[Any, str, Any]:
    """(the sync's centre factory or None, its label, the audit check's centre factory or None)."""
    from counter_app.sync.connection import central_connection, open_central
    from counter_app.sync.records import CentralUnavailableError

    connection = central_connection(settings)
    if connection is None:
        return None, "", None

    def for_audit() -> Any:
        if not connection.exists():  # looking must not make the demo centre: nothing was ever sent to it
            raise CentralUnavailableError("the demo centre has not been made yet: nothing was sent")
        return open_central(connection)

    return (lambda: open_central(connection)), connection.label, for_audit


def _store_ref(uow: Any) -> Any:
    from counter_app.sync.records import StoreRef

    with uow(read_only=True) as unit:
        identity = unit.identity.get()
    if identity is None:
        return None
    return StoreRef(identity.store_id, identity.workstation, identity.generation, identity.demo)


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
