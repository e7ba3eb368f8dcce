"""Tables of the local store. Money is integer cents; ids of records that go central are client-made UUIDs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from counter_app.store.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class GstCodeRow(Base):
    __tablename__ = "gst_codes"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    description: Mapped[str] = mapped_column(String(120))
    rate_bp: Mapped[int] = mapped_column(Integer)


class GlAccountRow(Base):
    __tablename__ = "gl_accounts"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class ServiceRow(Base):
    __tablename__ = "services"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))
    bill_type: Mapped[str | None] = mapped_column(String(12))
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    gl_account: Mapped[str] = mapped_column(ForeignKey("gl_accounts.code"))
    gst_code: Mapped[str] = mapped_column(ForeignKey("gst_codes.code"))
    allowed_tenders: Mapped[str] = mapped_column(String(80))  # comma-separated tender kinds
    department: Mapped[str] = mapped_column(String(80))
    quick_key: Mapped[int | None] = mapped_column(Integer)
    keywords: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    topic: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    max_cents: Mapped[int | None] = mapped_column(Integer)  # a cap above which a supervisor approves


class BillAccountRow(Base):
    __tablename__ = "bill_accounts"
    number: Mapped[str] = mapped_column(String(13), primary_key=True)
    bill_type: Mapped[str] = mapped_column(String(12))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    holder: Mapped[str] = mapped_column(String(80))
    balance_cents: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    issued_date: Mapped[date | None] = mapped_column(Date)
    early_cents: Mapped[int | None] = mapped_column(Integer)


class ReceiptSequenceRow(Base):
    """The last receipt number issued per workstation: bumped inside the payment's own transaction."""

    __tablename__ = "receipt_sequences"
    workstation: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class TransactionRow(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("workstation", "sequence", name="uq_transactions_workstation_sequence"),
        Index("ix_transactions_business_date", "business_date"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workstation: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # sale | refund
    status: Mapped[str] = mapped_column(String(10))  # completed | void
    business_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    refund_of_id: Mapped[str | None] = mapped_column(ForeignKey("transactions.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    gst_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    rounding_cents: Mapped[int] = mapped_column(Integer)
    change_cents: Mapped[int] = mapped_column(Integer)
    snapshot_json: Mapped[str] = mapped_column(Text)  # the frozen receipt, as issued
    drawer_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("drawer_sessions.id", name="fk_transactions_drawer_session"), index=True
    )

    lines: Mapped[list[LineRow]] = relationship(order_by="LineRow.line_no", cascade="all, delete-orphan")
    tenders: Mapped[list[TenderRow]] = relationship(order_by="TenderRow.seq", cascade="all, delete-orphan")
    cashier: Mapped[StaffRow] = relationship(foreign_keys=[cashier_id])


class LineRow(Base):
    __tablename__ = "transaction_lines"
    __table_args__ = (UniqueConstraint("transaction_id", "line_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    description: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    account_number: Mapped[str | None] = mapped_column(String(13))
    reference: Mapped[str | None] = mapped_column(String(40))
    net_cents: Mapped[int] = mapped_column(Integer)
    gst_code: Mapped[str] = mapped_column(String(8))
    gst_rate_bp: Mapped[int] = mapped_column(Integer)
    gst_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    gl_account: Mapped[str] = mapped_column(String(13))
    amount_due_cents: Mapped[int | None] = mapped_column(Integer)
    balance_reduction_cents: Mapped[int | None] = mapped_column(Integer)  # undone by a void or refund
    original_line_no: Mapped[int | None] = mapped_column(Integer)  # refunds: which original line


class TenderRow(Base):
    __tablename__ = "tenders"
    __table_args__ = (UniqueConstraint("transaction_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    amount_cents: Mapped[int] = mapped_column(Integer)
    card_brand: Mapped[str | None] = mapped_column(String(20))
    last4: Mapped[str | None] = mapped_column(String(4))
    auth_code: Mapped[str | None] = mapped_column(String(12))
    terminal_ref: Mapped[str | None] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(20))  # cheque or money order number


class VoidRow(Base):
    __tablename__ = "voids"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id"), unique=True)
    voided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(200))


class ReceiptPrintRow(Base):
    """Every time a receipt is printed or saved: the first is the original, later ones are copies."""

    __tablename__ = "receipt_prints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id"))
    printed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    copy: Mapped[bool] = mapped_column(Boolean)


class OutboxRow(Base):
    """Records bound for the central 311 database, written in the same transaction as the record itself."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class SequenceRow(Base):
    """Numbered documents other than receipts (referral tokens, Z reports): last value per name."""

    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class TopicRow(Base):
    __tablename__ = "topics"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(60))
    quick_key: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class VisitRow(Base):
    """One resident at the counter; closed when the next resident is called (or found open at start)."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_business_date", "business_date"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workstation: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    business_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class InteractionRow(Base):
    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_business_date", "business_date"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    kind: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(ForeignKey("topics.code"))
    workstation: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    business_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    article_id: Mapped[str | None] = mapped_column(String(80))
    transaction_id: Mapped[str | None] = mapped_column(ForeignKey("transactions.id"))
    referral_id: Mapped[str | None] = mapped_column(ForeignKey("referrals.id"))
    note: Mapped[str | None] = mapped_column(String(200))


class ArticleRow(Base):
    """Knowledge base article; its words are indexed in the FTS5 table ``kb_fts`` (kept in step by the store)."""

    __tablename__ = "kb_articles"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(12))
    keywords: Mapped[str] = mapped_column(Text)  # JSON array
    answer: Mapped[str] = mapped_column(Text)
    steps: Mapped[str] = mapped_column(Text)  # JSON array
    related_services: Mapped[str] = mapped_column(Text)  # JSON array
    refer_role: Mapped[str | None] = mapped_column(String(20))
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text)
    last_reviewed: Mapped[date] = mapped_column(Date)


class DepartmentRow(Base):
    __tablename__ = "departments"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    room: Mapped[str] = mapped_column(String(120))
    extension: Mapped[str] = mapped_column(String(10))
    response_hours: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SpecialistRoleRow(Base):
    __tablename__ = "specialist_roles"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    name: Mapped[str] = mapped_column(String(80))


class SpecialistRow(Base):
    """A named specialist; ``on_duty`` is set each morning by a supervisor."""

    __tablename__ = "specialists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_code: Mapped[str] = mapped_column(ForeignKey("specialist_roles.code"))
    name: Mapped[str] = mapped_column(String(80))
    extension: Mapped[str] = mapped_column(String(10))
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)


class ReferralRow(Base):
    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_business_date", "business_date"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token: Mapped[str] = mapped_column(String(20), unique=True)
    workstation: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"))
    business_date: Mapped[date] = mapped_column(Date)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    role_code: Mapped[str] = mapped_column(ForeignKey("specialist_roles.code"))
    description: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(60), default="")
    last_name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(10), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    callback_window: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    account_number: Mapped[str] = mapped_column(String(20), default="")
    related_receipt: Mapped[str] = mapped_column(String(20), default="")
    topic: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    service_notice: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(14))
    service_request_id: Mapped[str | None] = mapped_column(String(40))
    handoff_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReferralNoteRow(Base):
    """Status changes and notes on a referral, made at the counter or received from the central database."""

    __tablename__ = "referral_notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"))
    status: Mapped[str] = mapped_column(String(14))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    source: Mapped[str] = mapped_column(String(10), default="counter")


class DrawerSessionRow(Base):
    """A cashier's drawer from float to Z report; at most one open per cashier and workstation."""

    __tablename__ = "drawer_sessions"
    __table_args__ = (
        Index("uq_drawer_sessions_open", "workstation", "cashier_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_drawer_sessions_business_date", "business_date"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workstation: Mapped[str] = mapped_column(String(8))
    cashier_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    business_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))  # open | closed
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    float_cents: Mapped[int] = mapped_column(Integer)
    float_count: Mapped[str] = mapped_column(Text)  # JSON {denomination: pieces}
    float_verified_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counted_cents: Mapped[int | None] = mapped_column(Integer)
    close_count: Mapped[str | None] = mapped_column(Text)
    expected_cents: Mapped[int | None] = mapped_column(Integer)
    over_short_cents: Mapped[int | None] = mapped_column(Integer)
    close_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    close_note: Mapped[str | None] = mapped_column(Text)
    debit_batch_cents: Mapped[int | None] = mapped_column(Integer)
    credit_batch_cents: Mapped[int | None] = mapped_column(Integer)
    cheques_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    z_number: Mapped[str | None] = mapped_column(String(20), unique=True)


class CashMovementRow(Base):
    __tablename__ = "cash_movements"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    gl_account: Mapped[str | None] = mapped_column(String(13))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ZReportRow(Base):
    """The numbered end-of-drawer report, frozen as issued (its number never repeats on a workstation)."""

    __tablename__ = "z_reports"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"), unique=True)
    workstation: Mapped[str] = mapped_column(String(8))
    z_number: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    report_json: Mapped[str] = mapped_column(Text)


class ExportRow(Base):
    """A reconciliation export written for finance: where, what files and their SHA-256."""

    __tablename__ = "exports"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    business_date: Mapped[date] = mapped_column(Date)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("drawer_sessions.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    folder: Mapped[str] = mapped_column(Text)
    files_json: Mapped[str] = mapped_column(Text)


class StoreIdentityRow(Base):
    """The one row naming this store: made at creation, never changed but for the restore bookkeeping."""

    __tablename__ = "store_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    store_id: Mapped[str] = mapped_column(String(36))
    workstation: Mapped[str | None] = mapped_column(String(8))  # None only in a store made before 0006
    demo: Mapped[bool | None] = mapped_column(Boolean)
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    series_state: Mapped[str] = mapped_column(String(12), default="ok", server_default="ok")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncStateRow(Base):
    """Sync bookkeeping: change cursors per reference kind, last success, last error."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncLogRow(Base):
    """What each sync run moved, for the sync log screen."""

    __tablename__ = "sync_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    direction: Mapped[str] = mapped_column(String(8))  # push | pull
    records: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str] = mapped_column(Text)


class RoleRow(Base):
    __tablename__ = "roles"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class RolePermissionRow(Base):
    """What a role may do: data, so a city can change it without a new release."""

    __tablename__ = "role_permissions"
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(40), primary_key=True)


class AuditRow(Base):
    """Append-only, hash-chained audit log (see counter_app/security/audit_chain.py)."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC text, exactly as hashed
    workstation: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str | None] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    object_ref: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
