"""Writes one fetched page in bulk statements inside the caller's transaction.

Idempotent by construction: orders are keyed by (channel, account, marketplace id), lines by
(order, external id), addresses by (order, kind), receipts by their deterministic key. A row
is only overwritten by a version with a newer marketplace change stamp, so an older
overlapping fetch can never roll an order back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from sqlalchemy import Connection, select, update

from app.domain.orders import Order, OrderStatus
from app.domain.receipts import PAYMENT_KEY, receipts_for
from app.store import schema
from app.store.bulk import BulkInsert
from app.store.upsert import insert_for

ORDERS = schema.Order.__table__
LINES = schema.OrderLine.__table__
ADDRESSES = schema.Address.__table__
RECEIPTS = schema.PaymentReceipt.__table__
EVENTS = schema.OrderEvent.__table__


@dataclass
class PageOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    released: int = 0
    cancelled: int = 0
    held: int = 0
    receipts: int = 0
    new_order_ids: list[int] = field(default_factory=list)

    def add(self, other: "PageOutcome") -> None:
        for name in ("new", "updated", "unchanged", "released", "cancelled", "held", "receipts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new_order_ids.extend(other.new_order_ids)


@dataclass(frozen=True)
class _Existing:
    id: int
    modified_at: datetime
    status: str
    hold_reason: str | None


ORDER_COLUMNS = ("account_id", "channel", "marketplace_id", "order_number", "order_date", "modified_at", "status",
                 "currency", "gross_minor", "total_minor", "payment_method", "customer_name", "flags", "charges",
                 "hold_reason", "held_since", "expected_release", "released_at", "fetched_at", "updated_at")
_INSERT_ORDERS = BulkInsert(ORDERS, ORDER_COLUMNS, on_conflict_do_nothing=("account_id", "channel", "marketplace_id"))


def _order_row(order: Order, account_id: int, now: datetime) -> tuple:
    held = order.hold_reason.value if order.hold_reason else None
    return (account_id, order.channel.value, order.marketplace_id, order.order_number, order.order_date,
            order.modified_at, order.status.value, order.currency, order.gross_minor, order.total_minor,
            order.payment_method, order.customer_name[:200], ",".join(sorted(order.flags)),
            json.dumps([[c.external_id, c.name, c.amount_minor, list(c.line_ids)] for c in order.charges]),
            held, now if held else None, order.expected_release, None, now, now)


LINE_COLUMNS = ("order_id", "external_id", "position", "sku", "title", "ean", "quantity", "unit_price_minor",
                "vat_rate_bp", "status", "recycling", "cancellation_reason")
ADDRESS_COLUMNS = ("order_id", "kind", "salutation", "first_name", "last_name", "company", "street", "house_number",
                   "addition", "zip_code", "city", "country_code", "email", "phone")
RECEIPT_COLUMNS = ("receipt_key", "order_id", "kind", "payment_system", "amount_minor", "currency", "line_id",
                   "created_at")
_INSERT_LINES = BulkInsert(LINES, LINE_COLUMNS)
_INSERT_ADDRESSES = BulkInsert(ADDRESSES, ADDRESS_COLUMNS)
_INSERT_RECEIPTS = BulkInsert(RECEIPTS, RECEIPT_COLUMNS, on_conflict_do_nothing=("receipt_key",))


def _line_rows(order: Order, order_id: int) -> Iterable[tuple]:
    for position, line in enumerate(order.lines, start=1):
        yield (order_id, line.external_id, position, line.sku, line.title, line.ean, line.quantity,
               line.unit_price_minor, line.vat_rate_bp, line.status.value, line.recycling, line.cancellation_reason)


def _address_rows(order: Order, order_id: int) -> Iterable[tuple]:
    for kind, a in (("shipping", order.shipping_address), ("billing", order.billing_address)):
        if a is not None:
            yield (order_id, kind, a.salutation, a.first_name, a.last_name, a.company, a.street, a.house_number,
                   a.addition, a.zip_code, a.city, a.country_code, a.email, a.phone)


def _newest_per_id(orders: list[Order]) -> dict[str, Order]:
    """A page may in theory repeat an order; keep its newest version."""
    latest: dict[str, Order] = {}
    for order in orders:
        seen = latest.get(order.marketplace_id)
        if seen is None or order.modified_at >= seen.modified_at:
            latest[order.marketplace_id] = order
    return latest


def _load_existing(conn: Connection, channel: str, account_id: int, ids: list[str]) -> dict[str, _Existing]:
    if not ids:
        return {}
    rows = conn.execute(
        select(ORDERS.c.id, ORDERS.c.marketplace_id, ORDERS.c.modified_at, ORDERS.c.status, ORDERS.c.hold_reason)
        .where(ORDERS.c.channel == channel, ORDERS.c.account_id == account_id, ORDERS.c.marketplace_id.in_(ids))
    )
    return {r.marketplace_id: _Existing(r.id, r.modified_at, r.status, r.hold_reason) for r in rows}


def write_page(conn: Connection, account_id: int, orders: list[Order], now: datetime) -> PageOutcome:
    outcome = PageOutcome()
    if not orders:
        return outcome
    latest = _newest_per_id(orders)
    channel = next(iter(latest.values())).channel.value
    existing = _load_existing(conn, channel, account_id, list(latest))
    events: list[dict] = []

    # New orders: one multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING. A row that a
    # concurrent fetch inserted first is simply not returned and is handled as existing below.
    fresh = [o for mid, o in latest.items() if mid not in existing]
    inserted: dict[str, int] = {}
    if fresh:
        returned = _INSERT_ORDERS.returning(conn, [_order_row(o, account_id, now) for o in fresh], ("id", "marketplace_id"))
        inserted = {mid: oid for oid, mid in returned}
        lost_race = [o.marketplace_id for o in fresh if o.marketplace_id not in inserted]
        if lost_race:
            existing.update(_load_existing(conn, channel, account_id, lost_race))
        new_orders = [latest[mid] for mid in inserted]
        _INSERT_LINES.run(conn, [row for o in new_orders for row in _line_rows(o, inserted[o.marketplace_id])])
        _INSERT_ADDRESSES.run(conn, [row for o in new_orders for row in _address_rows(o, inserted[o.marketplace_id])])
        # No events for new orders: "fetched" and "held" are the row's fetched_at / held_since
        # (see queries.order_timeline); events record what happens to an order afterwards.
        outcome.held += sum(1 for o in new_orders if o.in_backlog)
        outcome.new = len(inserted)
        outcome.new_order_ids = list(inserted.values())

    # Changed orders: update only when the marketplace's version is newer than ours.
    changed = [(o, existing[mid]) for mid, o in latest.items() if mid in existing and mid not in inserted]
    newer = [(o, ex) for o, ex in changed if o.modified_at > ex.modified_at]
    outcome.unchanged = len(changed) - len(newer)
    applied: list[tuple[Order, _Existing]] = []
    # In id order: two workstations updating the same orders lock them in the same order, so they
    # queue behind each other instead of deadlocking (pages can list a moved order elsewhere).
    for order, ex in sorted(newer, key=lambda pair: pair[1].id):
        row = dict(zip(ORDER_COLUMNS, _order_row(order, account_id, now)))
        for key in ("account_id", "channel", "marketplace_id", "fetched_at", "held_since"):
            row.pop(key)
        if ex.hold_reason and not order.in_backlog:
            row["released_at"] = now
        elif not ex.hold_reason and order.in_backlog:
            row["held_since"] = now
        else:
            row.pop("released_at")
        result = conn.execute(
            update(ORDERS).where(ORDERS.c.id == ex.id, ORDERS.c.modified_at < order.modified_at).values(**row)
        )
        if result.rowcount:
            applied.append((order, ex))
    if applied:
        line_stmt = insert_for(conn, LINES)
        line_stmt = line_stmt.on_conflict_do_update(
            index_elements=["order_id", "external_id"],
            set_={c: line_stmt.excluded[c] for c in ("status", "cancellation_reason", "title", "sku", "ean",
                                                     "unit_price_minor", "vat_rate_bp", "recycling", "position")},
        )
        conn.execute(line_stmt, [dict(zip(LINE_COLUMNS, r)) for o, ex in applied for r in _line_rows(o, ex.id)])
        addr_rows = [dict(zip(ADDRESS_COLUMNS, r)) for o, ex in applied for r in _address_rows(o, ex.id)]
        if addr_rows:
            addr_stmt = insert_for(conn, ADDRESSES)
            cols = [c.name for c in ADDRESSES.c if c.name not in ("id", "order_id", "kind")]
            addr_stmt = addr_stmt.on_conflict_do_update(
                index_elements=["order_id", "kind"], set_={c: addr_stmt.excluded[c] for c in cols}
            )
            conn.execute(addr_stmt, addr_rows)
        for order, ex in applied:
            events.extend(_transition_events(order, ex, now))
            outcome.released += ex.hold_reason is not None and not order.in_backlog and order.status is not OrderStatus.CANCELLED
            outcome.cancelled += order.status is OrderStatus.CANCELLED and ex.status != OrderStatus.CANCELLED.value
            outcome.held += ex.hold_reason is None and order.in_backlog
        outcome.updated = len(applied)

    ids = {**{mid: ex.id for mid, ex in existing.items()}, **inserted}
    touched = [latest[mid] for mid in inserted] + [o for o, _ in applied]
    outcome.receipts = _record_receipts(conn, touched, ids, now, fresh=set(inserted))
    if events:
        conn.execute(EVENTS.insert(), events)
    return outcome


def _transition_events(order: Order, ex: _Existing, now: datetime) -> list[dict]:
    events: list[dict] = []
    status = order.status.value
    if ex.hold_reason and not order.in_backlog:
        kind = "cancelled" if order.status is OrderStatus.CANCELLED else "released"
        events.append({"order_id": ex.id, "at": now, "kind": kind, "detail": f"left the backlog as {status}"})
    elif status != ex.status:
        kind = "cancelled" if order.status is OrderStatus.CANCELLED else "status_changed"
        events.append({"order_id": ex.id, "at": now, "kind": kind, "detail": f"{ex.status} → {status}"})
    else:
        events.append({"order_id": ex.id, "at": now, "kind": "updated", "detail": "changed at the marketplace"})
    return events


def _record_receipts(conn: Connection, orders: list[Order], ids: dict[str, int], now: datetime,
                     fresh: frozenset[str] | set[str] = frozenset()) -> int:
    """Insert the receipts these orders imply; existing keys are skipped by the database."""
    if not orders:
        return 0
    # The database key is "<order id>:<key within the order>": deterministic, so each receipt
    # exists once, and it grows with the order ids, so its index stays cheap to insert into.
    # Orders this page inserted (``fresh``) have none yet: only changed ones are looked up. (On a
    # PostgreSQL table not yet analysed, a lookup of a page's keys is planned as a full scan, which
    # made a first import quadratic.)
    keys = [f"{ids[o.marketplace_id]}:{PAYMENT_KEY}" for o in orders if o.marketplace_id not in fresh]
    have: set[str] = set()
    if keys:
        have = set(conn.scalars(select(RECEIPTS.c.receipt_key).where(RECEIPTS.c.receipt_key.in_(keys))))
    rows = []
    for order in orders:
        oid = ids[order.marketplace_id]
        for r in receipts_for(order, has_payment=f"{oid}:{PAYMENT_KEY}" in have):
            rows.append((f"{oid}:{r.key}", oid, r.kind.value, r.payment_system, r.amount_minor, r.currency,
                         r.line_id, now))
    return _INSERT_RECEIPTS.run(conn, rows)
