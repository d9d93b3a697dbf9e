"""What the ERP reads: orders new or changed since a cursor, payment receipts since a cursor.

Paging is by key, never by offset, so orders arriving or changing between two pages neither
shift nor repeat anything: orders are read in (updated_at, id) order, receipts in id order, and
the cursor is the key of the last row handed out (opaque to the ERP: base64 of a small JSON).
An order that changes after it was handed out gets a newer updated_at and so comes again, later
in the order; that is the "changed since" of fetchOrders.

Rows younger than ``settle`` are held back for a moment. The stamps are taken by the writer just
before its transaction, and transactions may commit in another order than they took their
stamps (two workstations on PostgreSQL, a writer waiting for SQLite's lock). Without the pause a
cursor could pass a stamp whose transaction had not committed yet, and that order would never be
read. The pause must be longer than a write transaction lasts and than the workstations' clocks
differ; the default (10 s) is far beyond both on machines kept in time by NTP.

Where an ERP cannot keep a cursor, ``only_unexported`` with ``mark_exported`` needs none: every
call returns what was never handed out, or has changed since (erp_exports).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select

from app.store import schema
from app.store.db import is_postgres, write_transaction
from app.store.queries import ACCOUNTS, ORDERS, RECEIPTS, order_documents, payment_document
from app.store.upsert import insert_for

EXPORTS = schema.ErpExport.__table__
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_SETTLE = timedelta(seconds=10)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CursorError(ValueError):
    """A cursor this service did not hand out (or one of the other call)."""


@dataclass(frozen=True)
class OrderPosition:
    updated_at: datetime
    id: int


def encode_cursor(kind: str, data: dict[str, Any]) -> str:
    raw = json.dumps({"k": kind, **data}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(kind: str, text: str) -> dict[str, Any]:
    what = "fetchOrders" if kind == "orders" else "fetchPayments"
    try:
        padded = text + "=" * (-len(text) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise CursorError("cursor: not a cursor this service handed out; pass next_cursor of the previous "
                          "page unchanged") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise CursorError(f"cursor: not a cursor of {what}; pass next_cursor of the previous {what} page")
    return data


def order_cursor(pos: OrderPosition) -> str:
    return encode_cursor("orders", {"t": pos.updated_at.astimezone(UTC).isoformat(), "i": pos.id})


def decode_order_cursor(text: str) -> OrderPosition:
    data = _decode("orders", text)
    try:
        when = datetime.fromisoformat(data["t"])
        ident = data["i"]
        if when.tzinfo is None or not isinstance(ident, int) or isinstance(ident, bool) or ident < 0:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise CursorError("cursor: damaged; pass next_cursor of the previous page unchanged") from None
    return OrderPosition(when.astimezone(UTC), ident)


def payment_cursor(receipt_id: int) -> str:
    return encode_cursor("payments", {"i": receipt_id})


def decode_payment_cursor(text: str) -> int:
    data = _decode("payments", text)
    ident = data.get("i")
    if not isinstance(ident, int) or isinstance(ident, bool) or ident < 0:
        raise CursorError("cursor: damaged; pass next_cursor of the previous page unchanged")
    return ident


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class Page:
    items: list[dict]
    next_cursor: str
    has_more: bool  # True: more rows are ready now; False: come back later


def _read_snapshot(conn: Connection) -> Connection:
    """One snapshot for the page's orders, lines and addresses (SQLite's reads are one already)."""
    if is_postgres(conn.engine):
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def fetch_orders(engine: Engine, *, now: datetime, cursor: str | None = None, since: datetime | None = None,
                 limit: int = DEFAULT_LIMIT, only_unexported: bool = False, mark_exported: bool = False,
                 channel: str | None = None, settle: timedelta = DEFAULT_SETTLE) -> Page:
    """Orders after ``cursor`` (or changed at or after ``since``; neither: from the first), oldest
    change first, each with its export state before this call. Raises CursorError."""
    if cursor is not None:
        start: OrderPosition | None = decode_order_cursor(cursor)
    elif since is not None:
        start = OrderPosition(since.astimezone(UTC), 0)  # (since, 0) < every (since, id): since included
    else:
        start = None
    stmt = (select(ORDERS, ACCOUNTS.c.name.label("account_name"), EXPORTS.c.exported_at, EXPORTS.c.exported_version)
            .join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
            .outerjoin(EXPORTS, EXPORTS.c.order_id == ORDERS.c.id)
            .where(ORDERS.c.updated_at <= now - settle)
            .order_by(ORDERS.c.updated_at, ORDERS.c.id).limit(limit + 1))
    if start is not None:
        # The plain lower bound lets both databases read the index from the cursor on (an OR
        # alone made SQLite collect and sort everything after it, and PostgreSQL scan up to it).
        stmt = stmt.where(ORDERS.c.updated_at >= start.updated_at,
                          or_(ORDERS.c.updated_at > start.updated_at,
                              and_(ORDERS.c.updated_at == start.updated_at, ORDERS.c.id > start.id)))
    if only_unexported:
        stmt = stmt.where(or_(EXPORTS.c.order_id.is_(None), EXPORTS.c.exported_version < ORDERS.c.updated_at))
    if channel:
        stmt = stmt.where(ORDERS.c.channel == channel)
    with engine.connect() as conn:
        conn = _read_snapshot(conn)
        rows = conn.execute(stmt).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        docs = order_documents(conn, rows)
    for doc, r in zip(docs, rows):
        doc["updated_at"] = _iso(r.updated_at)
        doc["last_export"] = None if r.exported_at is None else {
            "exported_at": _iso(r.exported_at), "version": _iso(r.exported_version),
            "changed_since": r.exported_version < r.updated_at}
    if rows:
        next_pos = OrderPosition(rows[-1].updated_at, rows[-1].id)
    else:
        next_pos = start or OrderPosition(_EPOCH, 0)
    if mark_exported and rows:
        mark_orders_exported(engine, [(r.id, r.updated_at) for r in rows], now)
    return Page(docs, order_cursor(next_pos), has_more)


def mark_orders_exported(engine: Engine, versions: list[tuple[int, datetime]], now: datetime) -> None:
    """Record that the ERP was given these versions (order id, updated_at). A mark never moves
    back to an older version (two overlapping calls of the ERP)."""
    with write_transaction(engine) as conn:
        stmt = insert_for(conn, EXPORTS)
        stmt = stmt.on_conflict_do_update(
            index_elements=["order_id"],
            set_={"exported_at": stmt.excluded.exported_at, "exported_version": stmt.excluded.exported_version},
            where=EXPORTS.c.exported_version <= stmt.excluded.exported_version)
        conn.execute(stmt, [{"order_id": oid, "exported_at": now, "exported_version": version}
                            for oid, version in versions])


def fetch_payments(engine: Engine, *, now: datetime, cursor: str | None = None, limit: int = DEFAULT_LIMIT,
                   channel: str | None = None, settle: timedelta = DEFAULT_SETTLE) -> Page:
    """Receipts after ``cursor`` in id order. Stops before the first receipt younger than
    ``settle``: ids are taken at insert, so an older uncommitted one may still be missing below it."""
    after = decode_payment_cursor(cursor) if cursor is not None else 0
    stmt = (select(RECEIPTS, ORDERS.c.order_number, ORDERS.c.marketplace_id, ORDERS.c.channel,
                   ACCOUNTS.c.name.label("account_name"))
            .join(ORDERS, ORDERS.c.id == RECEIPTS.c.order_id).join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
            .where(RECEIPTS.c.id > after).order_by(RECEIPTS.c.id).limit(limit + 1))
    if channel:
        stmt = stmt.where(ORDERS.c.channel == channel)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    horizon = now - settle
    ready = []
    for r in rows:
        if r.created_at > horizon:
            break
        ready.append(r)
    has_more = len(ready) > limit
    ready = ready[:limit]
    items = []
    for r in ready:
        doc = payment_document(r)
        doc["payment_id"] = r.receipt_key
        doc["order_id"] = r.order_id
        doc["marketplace_id"] = r.marketplace_id
        items.append(doc)
    return Page(items, payment_cursor(ready[-1].id if ready else after), has_more)
