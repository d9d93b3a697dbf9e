"""Parameters and selection of GET /order-units and GET /orders (offset pagination).

The real service sorts newest first and pages by offset, so a result list is computed
once per data version and parameter set and then sliced; when anything changes
(`OrderStore.version`), the next page is cut from a fresh list and offsets shift the way
they do on the real service.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone

from werkzeug.datastructures import MultiDict

from app.sandbox.kaufland.errors import invalid
from app.sandbox.kaufland.model import (
    EXTENDED_STOREFRONTS,
    FULFILLMENT_TYPES,
    STATUS_CODE,
    STOREFRONTS,
    Order,
    Unit,
    partition,
)
from app.sandbox.kaufland.state import OrderStore, first_key

MAX_LIMIT, DEFAULT_LIMIT = 100, 30
UNIT_SORTS = ("ts_created:desc", "ts_updated:desc")


@dataclass(frozen=True)
class ListQuery:
    """Filters shared by both list endpoints; unused ones stay empty."""

    storefront: str | None = None
    fulfillment: frozenset[int] = frozenset({0})
    statuses: frozenset[int] = frozenset()
    id_offer: str | None = None
    created_from: int | None = None  # inclusive lower bounds, whole epoch seconds
    updated_from: int | None = None
    sort: str = "ts_created"
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def page(self, rows: list) -> list:
        return rows[self.offset:self.offset + self.limit]


def _values(args: MultiDict[str, str], name: str) -> list[str]:
    """An array parameter: `status=a&status=b`, `status[]=a` or `status=a,b`."""
    return [part.strip() for raw in args.getlist(name) + args.getlist(f"{name}[]")
            for part in raw.split(",") if part.strip()]  # fmt: skip


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, f"'{raw}' is not an integer") from None
    if value < low or (high is not None and value > high):
        raise invalid(name, f"must be between {low} and {high}" if high is not None else f"must be at least {low}")
    return value


def _lower_bound(args: MultiDict[str, str], name: str, inclusive: bool) -> int | None:
    """ISO-8601 "YYYY-MM-DDTHH:MM:SSZ" (offsets and fractions tolerated) as the smallest whole
    second that matches: `>=` when inclusive, `>` otherwise (UNCONFIRMED, a switch)."""
    raw = args.get(name)
    if not raw:
        return None
    text = raw.strip()
    if " " in text and "T" in text:  # an unencoded "+" of the offset arrived as a space
        text = text.replace(" ", "+")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise invalid(name, f"'{raw}' is not a date-time in YYYY-MM-DDTHH:MM:SSZ format") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    stamp = parsed.timestamp()
    return math.ceil(stamp) if inclusive else math.floor(stamp) + 1


def _storefront(args: MultiDict[str, str], extended: bool) -> str | None:
    value = args.get("storefront")
    if not value:
        return None
    allowed = STOREFRONTS + EXTENDED_STOREFRONTS if extended else STOREFRONTS
    if value not in allowed:
        raise invalid("storefront", f"'{value}' is not one of {', '.join(allowed)}")
    return value


def _fulfillment(args: MultiDict[str, str]) -> frozenset[int]:
    values = _values(args, "fulfillment_type") or [FULFILLMENT_TYPES[0]]
    unknown = [v for v in values if v not in FULFILLMENT_TYPES]
    if unknown:
        raise invalid("fulfillment_type", f"'{unknown[0]}' is not one of {', '.join(FULFILLMENT_TYPES)}")
    return frozenset(FULFILLMENT_TYPES.index(v) for v in values)


def unit_query(args: MultiDict[str, str], *, inclusive: bool, extended: bool) -> ListQuery:
    statuses = _values(args, "status")
    unknown = [s for s in statuses if s not in STATUS_CODE]
    if unknown:
        raise invalid("status", f"'{unknown[0]}' is not a valid order unit status")
    sort = args.get("sort") or UNIT_SORTS[0]
    if sort not in UNIT_SORTS:
        raise invalid("sort", f"'{sort}' is not one of {', '.join(UNIT_SORTS)}")
    return ListQuery(
        storefront=_storefront(args, extended), fulfillment=_fulfillment(args),
        statuses=frozenset(STATUS_CODE[s] for s in statuses), id_offer=args.get("id_offer") or None,
        created_from=_lower_bound(args, "ts_created_from_iso", inclusive),
        updated_from=_lower_bound(args, "ts_updated_from_iso", inclusive), sort=sort.split(":")[0],
        limit=_int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), offset=_int(args, "offset", 0, 0, None),
    )  # fmt: skip


def order_query(args: MultiDict[str, str], *, inclusive: bool, extended: bool) -> ListQuery:
    return ListQuery(
        storefront=_storefront(args, extended), fulfillment=_fulfillment(args),
        created_from=_lower_bound(args, "ts_created_from_iso", inclusive),
        updated_from=_lower_bound(args, "ts_units_updated_from_iso", inclusive),
        limit=_int(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), offset=_int(args, "offset", 0, 0, None),
    )  # fmt: skip


class Selector:
    """Computes result lists newest first and keeps the last few per data version."""

    def __init__(self, store: OrderStore, size: int = 8) -> None:
        self.store = store
        self._cache: OrderedDict[tuple, tuple[int, list]] = OrderedDict()
        self._size = size

    def _cached(self, key: tuple, build) -> list:  # type: ignore[no-untyped-def]
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.store.version:
            self._cache.move_to_end(key)
            return hit[1]
        rows = build()
        self._cache[key] = (self.store.version, rows)
        self._cache.move_to_end(key)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return rows

    @staticmethod
    def _parts(query: ListQuery) -> frozenset[int]:
        storefronts = (query.storefront,) if query.storefront else STOREFRONTS + EXTENDED_STOREFRONTS
        return frozenset(partition(s, f) for s in storefronts for f in query.fulfillment)

    def units(self, query: ListQuery) -> list[Unit]:
        key = ("units", query.storefront, query.fulfillment, query.statuses, query.id_offer, query.created_from,
               query.updated_from, query.sort)  # fmt: skip
        return self._cached(key, lambda: self._select_units(query))

    def _select_units(self, q: ListQuery) -> list[Unit]:
        store, orders, products = self.store, self.store.orders, self.store.catalog.products
        if q.updated_from is not None:  # start from the most selective index
            rows, order_by = store.units_by_updated.tail(first_key(q.updated_from)), "ts_updated"
        elif q.created_from is not None:
            rows, order_by = store.units_by_created.tail(first_key(q.created_from)), "ts_created"
        else:
            order_by = q.sort
            rows = (store.units_by_updated if order_by == "ts_updated" else store.units_by_created).tail()
        parts = self._parts(q)
        rows = [u for u in rows if u.part in parts]
        if q.statuses:
            rows = [u for u in rows if u.status in q.statuses]
        if q.id_offer:
            rows = [u for u in rows if products[u.product].sku == q.id_offer]
        if q.created_from is not None and order_by != "ts_created":
            rows = [u for u in rows if orders[u.oid].created >= q.created_from]
        if order_by == q.sort:
            rows.reverse()
        elif q.sort == "ts_updated":
            rows.sort(key=lambda u: (u.updated, u.uid), reverse=True)
        else:
            rows.sort(key=lambda u: (orders[u.oid].created, u.uid), reverse=True)
        return rows

    def orders(self, query: ListQuery) -> list[Order]:
        """GET /orders is sorted by ts_created, newest first (no sort parameter: UNCONFIRMED order)."""
        key = ("orders", query.storefront, query.fulfillment, query.created_from, query.updated_from)
        return self._cached(key, lambda: self._select_orders(query))

    def _select_orders(self, q: ListQuery) -> list[Order]:
        store = self.store
        if q.updated_from is not None:
            rows = store.orders_by_updated.tail((q.updated_from,))
            if q.created_from is not None:
                rows = [o for o in rows if o.created >= q.created_from]
            rows.sort(key=lambda o: (o.created, o.oid), reverse=True)
        else:
            rows = store.orders_by_created.tail((q.created_from,) if q.created_from is not None else None)
            rows.reverse()
        fulfillment, storefront = q.fulfillment, q.storefront
        return [o for o in rows if o.fulfillment in fulfillment and (storefront is None or o.storefront == storefront)]
