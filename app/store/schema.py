"""Tables. Unique constraints, not application checks, make duplicates impossible."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite has no time zones, so store naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    base_url: Mapped[str] = mapped_column(String(500))
    # Names this account's secrets in the keyring; random, so two databases never collide.
    secret_ref: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SyncState(Base):
    """Per-account fetch progress. The watermark only moves with committed pages."""

    __tablename__ = "sync_state"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(20))
    last_summary: Mapped[str | None] = mapped_column(Text)


# Substring search (migration 0002_order_search), outside the models because it depends on the
# database: on SQLite an FTS5 table with the trigram tokenizer over order number and customer
# name, kept in sync by triggers; on PostgreSQL pg_trgm GIN indexes on the same columns, where
# the extension can be created. Names listed here so model/migration comparisons skip them.
ORDER_SEARCH_TABLE = "orders_fts"
ORDER_SEARCH_COLUMNS = ("order_number", "customer_name")
ORDER_SEARCH_PG_INDEXES = ("ix_orders_order_number_trgm", "ix_orders_customer_name_trgm")


def is_search_object(name: str | None) -> bool:
    """True for the search table, its FTS5 shadow tables and triggers, and the trigram indexes."""
    return bool(name) and (name == ORDER_SEARCH_TABLE or name.startswith(ORDER_SEARCH_TABLE + "_")
                           or name in ORDER_SEARCH_PG_INDEXES)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        # account_id first: the same index serves per-account queries and cascading deletes.
        UniqueConstraint("account_id", "channel", "marketplace_id", name="uq_orders_account_channel_marketplace"),
        # The order list's sort keys, each with the id as tie-breaker: the list reads a block of
        # a million sorted orders straight off the index (app/ui/lazy_model.py, window mode).
        # SQLite appends the rowid to every index anyway; PostgreSQL needs it spelled out.
        # No such index for customer name or total: random keys, paid for by every import (those
        # sorts read the whole id list instead; docs/PERFORMANCE.md).
        Index("ix_orders_order_date", "order_date", "id"),
        Index("ix_orders_order_number", "order_number", "id"),
        # max(updated_at) tells the lists whether any row changed; without it, a full scan.
        # Cheap to keep: updated_at grows, so inserts land at the index's end.
        Index("ix_orders_updated_at", "updated_at"),
        # Partial: only held orders are indexed, so the import path pays nearly nothing for it.
        Index("ix_orders_held", "hold_reason", sqlite_where=text("hold_reason IS NOT NULL"),
              postgresql_where=text("hold_reason IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    marketplace_id: Mapped[str] = mapped_column(String(100))
    order_number: Mapped[str] = mapped_column(String(64))
    order_date: Mapped[datetime] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    payment_method: Mapped[str] = mapped_column(String(40), default="")
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    flags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Flag values
    charges: Mapped[str] = mapped_column(Text, default="[]")  # JSON: fees and discounts
    hold_reason: Mapped[str | None] = mapped_column(String(40))
    held_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_release: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "external_id", name="uq_order_lines_order_external"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    ean: Mapped[str] = mapped_column(String(20), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    recycling: Mapped[bool] = mapped_column(Boolean, default=False)
    cancellation_reason: Mapped[str] = mapped_column(String(60), default="")


class Address(Base):
    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("order_id", "kind", name="uq_addresses_order_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    salutation: Mapped[str] = mapped_column(String(20), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    company: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(40))
    addition: Mapped[str] = mapped_column(String(200), default="")
    zip_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(String(3))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class PaymentReceipt(Base):
    __tablename__ = "payment_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_key: Mapped[str] = mapped_column(String(250), unique=True)  # "<order id>:payment", "<order id>:refund:<line>"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    payment_system: Mapped[str] = mapped_column(String(60))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    line_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderEvent(Base):
    """The timeline of an order: fetched, released, receipt recorded, cancelled, ..."""

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")


class LogEntry(Base):
    """The persistent protocol log the clerk reads in the log box."""

    __tablename__ = "log_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    level: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    account_name: Mapped[str] = mapped_column(String(100), default="")
    order_number: Mapped[str] = mapped_column(String(100), default="")
    event: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")


class QuarantinedOrder(Base):
    """Orders that arrived broken. Kept with the reason until a later fetch reads them fine."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("account_id", "marketplace_id", name="uq_quarantine_account_marketplace"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    times_seen: Mapped[int] = mapped_column(Integer, default=1)


# --- status back to the marketplaces (issue 5) ------------------------------------------------------

class Shipment(Base):
    """One package of an order, as the clerk, the CLI or the ERP reported it."""

    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("order_id", "package_no", name="uq_shipments_order_package"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    package_no: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per order
    tracking_number: Mapped[str] = mapped_column(String(100), default="")
    carrier: Mapped[str] = mapped_column(String(40), default="")  # app.domain.carriers.Carrier
    carrier_name: Mapped[str] = mapped_column(String(100), default="")
    ship_date: Mapped[datetime] = mapped_column(UTCDateTime)
    return_tracking_number: Mapped[str] = mapped_column(String(100), default="")
    return_carrier: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(20), default="desk")  # desk, cli, erp
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (UniqueConstraint("shipment_id", "line_id", name="uq_shipment_lines_shipment_line"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    line_id: Mapped[str] = mapped_column(String(100))  # OrderLine.external_id
    sku: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)


class Cancellation(Base):
    __tablename__ = "cancellations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(20), default="desk")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CancellationLine(Base):
    __tablename__ = "cancellation_lines"
    __table_args__ = (UniqueConstraint("cancellation_id", "line_id", name="uq_cancellation_lines_cancellation_line"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cancellation_id: Mapped[int] = mapped_column(ForeignKey("cancellations.id", ondelete="CASCADE"))
    line_id: Mapped[str] = mapped_column(String(100))
    sku: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)


class StatusRuleRow(Base):
    """A seller's own status rule; where none is stored, the channel's default applies."""

    __tablename__ = "status_rules"
    __table_args__ = (UniqueConstraint("channel", "event", "status_type", name="uq_status_rules_channel_event_type"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(30))
    status_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class StatusProtocol(Base):
    """One status that must reach a marketplace: the durable outbox.

    Written in the same transaction as the event that caused it; ``dedupe_key`` makes a repeated
    event (a retried web-service call, two workstations) write it once. ``payload`` is the
    OutboundStatus as JSON, fixed at that moment."""

    __tablename__ = "status_protocols"
    __table_args__ = (
        # The transmission's query: what is due, oldest first.
        Index("ix_status_protocols_state_next_try", "state", "next_try_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(30))
    status_type: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # waiting for tracking until then
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_request: Mapped[str] = mapped_column(Text, default="")  # JSON: the calls that were made
    verified: Mapped[bool | None] = mapped_column(Boolean)  # read back: None = not checked yet
    verify_detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(Base):
    """Settings every workstation shares (automatic transmission, waiting time, jobs)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


# --- application server, ERP web service, several workstations (issue 6) --------------------------

class ApiToken(Base):
    """An ERP's access to the web service. Only a hash is kept: the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Job(Base):
    """A routine the application server (or a desk) runs on a schedule: fetch one account, transmit
    one channel's status protocols. Claimed with a lease, so it never runs twice at once anywhere."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "scope", name="uq_jobs_kind_scope"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # fetch, status
    scope: Mapped[str] = mapped_column(String(60))  # "account:<id>", "channel:<channel>"
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(20))  # ok, failed, interrupted
    last_summary: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_by: Mapped[str] = mapped_column(String(200), default="")  # host and process, for the clerk
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ErpExport(Base):
    """Which version of an order the ERP has been given (fetchOrders marks what it exported)."""

    __tablename__ = "erp_exports"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exported_version: Mapped[datetime] = mapped_column(UTCDateTime)  # the order's updated_at then


class ErpRequest(Base):
    """updateOrders items already applied, by the ERP's own reference: a repeated call (a retry
    after a lost answer) returns the first result and writes nothing twice."""

    __tablename__ = "erp_requests"
    ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(Text)  # JSON
