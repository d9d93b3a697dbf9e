"""Read models for listings (CLI, exports). Streams in batches so 100k orders stay cheap."""

from __future__ import annotations

import threading
import weakref
from datetime import datetime
from typing import Iterator, Sequence

from sqlalchemy import Connection, Engine, Integer, column, or_, select, table, union_all
from sqlalchemy.sql.elements import ColumnElement

from app.domain.money import format_minor
from app.store import schema

ORDERS = schema.Order.__table__
LINES = schema.OrderLine.__table__
ADDRESSES = schema.Address.__table__
RECEIPTS = schema.PaymentReceipt.__table__
ACCOUNTS = schema.Account.__table__
BATCH = 500
ADDRESS_FIELDS = ("salutation", "first_name", "last_name", "company", "street", "house_number", "addition",
                  "zip_code", "city", "country_code", "email", "phone")


def _iso(value) -> str | None:  # type: ignore[no-untyped-def]
    return value.isoformat() if value is not None else None


def _line(ln, currency: str) -> dict:  # type: ignore[no-untyped-def]
    return {"line_id": ln.external_id, "sku": ln.sku, "title": ln.title, "ean": ln.ean, "quantity": ln.quantity,
            "unit_price": format_minor(ln.unit_price_minor, currency), "vat_rate": ln.vat_rate_bp / 100,
            "status": ln.status, "recycling": ln.recycling, "cancellation_reason": ln.cancellation_reason}


def iter_orders(engine: Engine, *, backlog: bool | None = None, channel: str | None = None) -> Iterator[dict]:
    stmt = (select(ORDERS, ACCOUNTS.c.name.label("account_name")).join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
            .order_by(ORDERS.c.order_date, ORDERS.c.id))
    if backlog is not None:
        stmt = stmt.where(ORDERS.c.hold_reason.is_not(None) if backlog else ORDERS.c.hold_reason.is_(None))
    if channel:
        stmt = stmt.where(ORDERS.c.channel == channel)
    with engine.connect() as conn:
        for batch in conn.execution_options(yield_per=BATCH).execute(stmt).partitions():
            yield from order_documents(conn, batch)


def order_documents(conn: Connection, rows: Sequence) -> list[dict]:
    """The stable order JSON (README, `orders list --json`) for rows of ``orders`` that carry an
    ``account_name`` column; lines and addresses are read in two queries for all of them. Shared
    by the CLI and the ERP web service, so both give the same shape."""
    ids = [r.id for r in rows]
    if not ids:
        return []
    lines: dict[int, list] = {i: [] for i in ids}
    for ln in conn.execute(select(LINES).where(LINES.c.order_id.in_(ids)).order_by(LINES.c.position)):
        lines[ln.order_id].append(ln)
    addrs = {(ad.order_id, ad.kind): {k: getattr(ad, k) for k in ADDRESS_FIELDS}
             for ad in conn.execute(select(ADDRESSES).where(ADDRESSES.c.order_id.in_(ids)))}
    return [{
        "id": r.id, "order_number": r.order_number, "marketplace_id": r.marketplace_id,
        "channel": r.channel, "account": r.account_name, "order_date": _iso(r.order_date),
        "status": r.status, "backlog": r.hold_reason is not None, "hold_reason": r.hold_reason,
        "expected_release": _iso(r.expected_release), "flags": [f for f in r.flags.split(",") if f],
        "total": format_minor(r.total_minor, r.currency), "currency": r.currency,
        "payment_method": r.payment_method, "customer": r.customer_name,
        "lines": [_line(ln, r.currency) for ln in lines[r.id]],
        "shipping_address": addrs.get((r.id, "shipping")),
        "billing_address": addrs.get((r.id, "billing")),
    } for r in rows]


def iter_payments(engine: Engine, *, channel: str | None = None, after_id: int = 0) -> Iterator[dict]:
    stmt = (select(RECEIPTS, ORDERS.c.order_number, ORDERS.c.channel, ACCOUNTS.c.name.label("account_name"))
            .join(ORDERS, ORDERS.c.id == RECEIPTS.c.order_id).join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
            .where(RECEIPTS.c.id > after_id).order_by(RECEIPTS.c.id))
    if channel:
        stmt = stmt.where(ORDERS.c.channel == channel)
    with engine.connect() as conn:
        for r in conn.execution_options(yield_per=BATCH).execute(stmt):
            yield payment_document(r)


def payment_document(r) -> dict:  # type: ignore[no-untyped-def]
    """The stable receipt JSON (README, `payments list --json`) of a receipt row joined with its
    order's number and channel and the account name (see iter_payments' query)."""
    return {"id": r.id, "receipt_key": r.receipt_key, "order_number": r.order_number, "channel": r.channel,
            "account": r.account_name, "payment_system": r.payment_system, "kind": r.kind,
            "amount": format_minor(r.amount_minor, r.currency), "currency": r.currency,
            "line_id": r.line_id or None, "created_at": _iso(r.created_at)}


EVENTS = schema.OrderEvent.__table__


def order_timeline(engine: Engine, order_id: int) -> list[tuple[datetime, str, str]]:
    """Everything that happened to an order, oldest first: (when, kind, detail).

    "fetched", "held" and receipts are read from the rows that record them; the events
    table holds only what happened afterwards (released, cancelled, status changes).
    """
    with engine.connect() as conn:
        order = conn.execute(select(ORDERS.c.fetched_at, ORDERS.c.held_since, ORDERS.c.hold_reason)
                             .where(ORDERS.c.id == order_id)).first()
        if order is None:
            return []
        entries: list[tuple[datetime, str, str]] = [(order.fetched_at, "fetched", "")]
        events = list(conn.execute(select(EVENTS.c.at, EVENTS.c.kind, EVENTS.c.detail)
                                   .where(EVENTS.c.order_id == order_id).order_by(EVENTS.c.id)))
        if order.held_since is not None and order.held_since == order.fetched_at:
            entries.append((order.held_since, "held", order.hold_reason or ""))
        entries.extend((e.at, e.kind, e.detail) for e in events)
        for r in conn.execute(select(RECEIPTS.c.created_at, RECEIPTS.c.kind, RECEIPTS.c.amount_minor, RECEIPTS.c.currency)
                              .where(RECEIPTS.c.order_id == order_id).order_by(RECEIPTS.c.id)):
            entries.append((r.created_at, f"receipt_{r.kind}", f"{format_minor(r.amount_minor, r.currency)} {r.currency}"))
    order_of = {"fetched": 0, "held": 1}
    return sorted(entries, key=lambda e: (e[0], order_of.get(e[1], 2)))


# --- order search -------------------------------------------------------------------------------
MIN_INDEXED_SEARCH = 3  # trigram indexes find substrings of three or more characters
_FTS = table(schema.ORDER_SEARCH_TABLE, column("rowid", Integer), column(schema.ORDER_SEARCH_TABLE))
_has_fts: "weakref.WeakKeyDictionary[Engine, bool]" = weakref.WeakKeyDictionary()
_has_fts_lock = threading.Lock()


def like_pattern(text: str) -> str:
    """User text as a LIKE pattern that matches anywhere; % and _ are taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def has_order_search_index(engine: Engine) -> bool:
    """SQLite: whether migration 0002 could create the FTS5 trigram table (checked once per engine)."""
    if engine.dialect.name != "sqlite":
        return False
    with _has_fts_lock:
        known = _has_fts.get(engine)
    if known is None:
        with engine.connect() as conn:
            known = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?",
                                         (schema.ORDER_SEARCH_TABLE,)).first() is not None
        with _has_fts_lock:
            _has_fts[engine] = known
    return known


def order_search(engine: Engine, text: str) -> ColumnElement[bool]:
    """Orders whose number or customer name contains ``text`` (case-insensitive), or whose
    marketplace id is ``text``; the same rows on SQLite and PostgreSQL.

    From three characters on, an index answers: SQLite's FTS5 trigram table (its case folding
    is Unicode-aware, as PostgreSQL's ILIKE) or PostgreSQL's pg_trgm GIN indexes behind ILIKE.
    Shorter text, or a database without those indexes, is a scan (LIKE; on SQLite case-
    insensitive for ASCII letters only). Marketplace ids (UUIDs) are matched whole through the
    orders' unique key: a trigram index over them would triple the search index and slow the
    import path down (docs/PERFORMANCE.md).
    """
    text = text.strip()
    if engine.dialect.name == "sqlite" and len(text) >= MIN_INDEXED_SEARCH and has_order_search_index(engine):
        phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 string: every character literal
        matches = select(_FTS.c.rowid).where(_FTS.c[schema.ORDER_SEARCH_TABLE].op("MATCH")(phrase))
    else:
        pattern = like_pattern(text)
        matches = select(ORDERS.c.id).where(or_(ORDERS.c.order_number.ilike(pattern, escape="\\"),
                                                ORDERS.c.customer_name.ilike(pattern, escape="\\")))
    # (account, channel, marketplace id) is the orders' unique key: one lookup per account.
    by_marketplace_id = select(ORDERS.c.id).where(ORDERS.c.account_id.in_(select(ACCOUNTS.c.id)),
                                                  ORDERS.c.channel.in_(select(ACCOUNTS.c.channel).distinct()),
                                                  ORDERS.c.marketplace_id == text)
    return ORDERS.c.id.in_(union_all(matches, by_marketplace_id))
