"""The unit of work: one session, one SQLite transaction; rolled back unless ``commit()`` was called."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from counter_app.store.audit_repository import SqlAudit
from counter_app.store.directory_repository import SqlDirectory
from counter_app.store.drawer_repository import SqlDrawers
from counter_app.store.identity_repository import SqlIdentity
from counter_app.store.knowledge_repository import SqlKnowledge
from counter_app.store.referral_repository import SqlReferrals
from counter_app.store.repositories import SqlAccounts, SqlCatalog, SqlOutbox, SqlStaff, SqlTransactions
from counter_app.store.sequence_repository import SqlSequences
from counter_app.store.sync_repository import SqlSync
from counter_app.store.visit_repository import SqlVisits

#: Called with the highest outbox sequence a committed unit of work wrote (the restore witness moves on).
AfterCommit = Callable[[int], None]


class SqlUnitOfWork:
    def __init__(self, factory: sessionmaker[Session], after_commit: AfterCommit | None = None) -> None:
        self._factory = factory
        self._after_commit = after_commit

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.catalog = SqlCatalog(self.session)
        self.accounts = SqlAccounts(self.session)
        self.staff = SqlStaff(self.session)
        self.transactions = SqlTransactions(self.session)
        self.outbox = SqlOutbox(self.session)
        self.visits = SqlVisits(self.session)
        self.knowledge = SqlKnowledge(self.session)
        self.directory = SqlDirectory(self.session)
        self.referrals = SqlReferrals(self.session)
        self.drawers = SqlDrawers(self.session)
        self.sequences = SqlSequences(self.session)
        self.sync = SqlSync(self.session)
        self.audit = SqlAudit(self.session)
        self.identity = SqlIdentity(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
        written, self.outbox.last_added = self.outbox.last_added, None
        if written is not None and self._after_commit is not None:
            self._after_commit(written.seq)

    def rollback(self) -> None:
        self.session.rollback()


class SqlUnitOfWorkFactory:
    """Hands out units of work: writers take the write lock at BEGIN, readers do not."""

    def __init__(self, writer: sessionmaker[Session], reader: sessionmaker[Session],
                 after_commit: AfterCommit | None = None) -> None:
        self._writer = writer
        self._reader = reader
        self.after_commit = after_commit

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        if read_only:
            return SqlUnitOfWork(self._reader)
        return SqlUnitOfWork(self._writer, self.after_commit)
