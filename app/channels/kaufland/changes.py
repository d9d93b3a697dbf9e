"""How a Kaufland fetch reads every change exactly once into complete orders.

Both lists Kaufland offers are sorted newest first and paged by offset, and /order-units
lists single units, not orders. So a fetch of the window [since, now] runs in four steps:

1. Fix the window. The first page of /order-units (sort=ts_updated:desc) starts with the
   newest change there is; its stamp is `upper`. Whatever changes from then on is stamped
   >= upper and left to the next fetch, which starts at its watermark minus the fetch
   service's overlap (5 minutes), so a change in the very second of `upper` is read again.
2. Count units. /orders with ts_units_updated_from_iso names every changed order with its
   order_units_count; orders already changed beyond `upper` are deferred to the next fetch.
3. Collect units. Page on through /order-units. A change only ever moves a unit to the
   front of that list and nothing ever leaves it (the filter is a lower bound), so while we
   page forward the rows ahead of us can only shift back: a row shows up twice (ignored),
   but no unit stamped <= upper slips past unseen. That holds only page after page, never
   with pages fetched in parallel. An order is emitted the moment all its counted units
   are in, so it is never stored with part of its units.
4. Complete the rest. Orders the list did not complete (some units unchanged since
   `since`, units that moved to the front while we paged, orders the counts did not name)
   are read whole with GET /orders/{id_order}, several at a time.

Pages come newest change first, so only the last one carries high_water (the newest stamp
the window covered, never beyond `upper`): an interrupted fetch leaves the watermark where
it was and the next fetch reads the window again; the store skips what it already has.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from app.channels.base import FetchedPage
from app.channels.kaufland.client import PAGE_LIMIT, KauflandClient, ListPage
from app.channels.kaufland.mapping import MappingError, parse_order, parse_stamp, unit_identity
from app.domain.orders import Order, Quarantined

ORDERS_PER_PAGE = 128  # complete orders per yielded page: one database transaction each
DETAILS_PER_PAGE = 64  # orders read with GET /orders/{id} per yielded page
DETAIL_WORKERS = 4  # concurrent detail requests: latency, not the quota, limits one at a time
RAW_KEEP = 64_000  # characters of a broken order kept for the clerk / support


def iso_seconds(moment: datetime) -> str:
    """The filter format Kaufland documents, YYYY-MM-DDTHH:MM:SSZ (floored: never later)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _raw_text(raw: Any) -> str:
    text = json.dumps(raw, ensure_ascii=True, default=str)
    return text if len(text) <= RAW_KEEP else text[:RAW_KEEP] + "…(truncated)"


@dataclass
class Progress:
    """What is left of the running fetch, for quota(): read from another thread, so plain ints."""

    unit_pages: int | None = None
    count_pages: int | None = None
    details: int | None = None

    def pending_calls(self) -> int | None:
        """The calls this fetch knows it still has to make (details are known only after the lists)."""
        known = [part for part in (self.unit_pages, self.count_pages, self.details) if part is not None]
        return sum(known) if known else None


def _pages_left(page: ListPage) -> int | None:
    if page.total is None:
        return None
    return max(0, math.ceil((page.total - page.offset - len(page.rows)) / PAGE_LIMIT))


class ChangeWindow:
    """One fetch of [since, upper]; iterate `pages()` once."""

    def __init__(self, client: KauflandClient, since: datetime, progress: Progress) -> None:
        self.client = client
        self.since = iso_seconds(since)
        self.progress = progress
        self.upper: datetime | None = None
        self.high_water: datetime | None = None
        self._counts: dict[str, tuple[int | None, datetime | None]] = {}  # id_order -> (units, stamp)
        self._deferred: set[str] = set()
        self._units: dict[str, dict[int, Any]] = {}  # collected, not yet complete
        self._unit_stamps: dict[str, datetime] = {}
        self._emitted: set[str] = set()
        self._loose: list[Any] = []  # listed units without a readable id_order

    def pages(self) -> Iterator[FetchedPage]:
        """The window's pages; only the last one carries high_water."""
        held: FetchedPage | None = None
        for page in self._batches():
            if held is not None:
                yield held
            held = page
        if held is not None:
            yield replace(held, high_water=self.high_water)

    def _batches(self) -> Iterator[FetchedPage]:
        units = self.client.changed_units(self.since)
        first = next(units, None)
        if first is None or not first.rows:
            return
        stamps = [ident[2] for ident in map(unit_identity, first.rows) if ident and ident[2]]
        self.upper = max(stamps) if stamps else None
        self.progress.unit_pages = _pages_left(first)
        self._read_counts()
        complete: list[str] = []
        for page in chain([first], units):
            self.progress.unit_pages = _pages_left(page)
            complete += self._collect(page.rows)
            if len(complete) >= ORDERS_PER_PAGE:
                yield self._map([(oid, self._take(oid), None) for oid in complete])
                complete = []
        self.progress.unit_pages = 0
        if complete:
            yield self._map([(oid, self._take(oid), None) for oid in complete])
        yield from self._complete_the_rest()

    def _beyond(self, stamp: datetime | None) -> bool:
        return stamp is not None and self.upper is not None and stamp > self.upper

    def _read_counts(self) -> None:
        for page in self.client.changed_orders(self.since):
            self.progress.count_pages = _pages_left(page)
            for raw in page.rows:
                oid = raw.get("id_order") if isinstance(raw, dict) else None
                if not isinstance(oid, str) or not oid:
                    continue  # its units still arrive through /order-units and are read whole
                stamp = parse_stamp(raw.get("ts_units_updated_iso"))
                if self._beyond(stamp):
                    self._deferred.add(oid)
                    continue
                count = raw.get("order_units_count")
                valid = isinstance(count, int) and not isinstance(count, bool) and count > 0
                self._counts[oid] = (count if valid else None, stamp)
        self.progress.count_pages = 0

    def _collect(self, rows: list[Any]) -> list[str]:
        """File the listed units by order; returns the orders that are now complete."""
        complete = []
        for raw in rows:
            ident = unit_identity(raw)
            if ident is None:
                self._loose.append(raw)
                continue
            oid, uid, stamp = ident
            if self._beyond(stamp) or oid in self._emitted or oid in self._deferred:
                continue
            self._units.setdefault(oid, {})[uid] = raw
            if stamp is not None and (oid not in self._unit_stamps or stamp > self._unit_stamps[oid]):
                self._unit_stamps[oid] = stamp
            count = self._counts.get(oid, (None, None))[0]
            if count is not None and len(self._units[oid]) >= count:
                complete.append(oid)
                self._emitted.add(oid)
        return complete

    def _take(self, oid: str) -> list[Any]:
        found = self._units.pop(oid)
        return [found[uid] for uid in sorted(found)]

    def _stamp_of(self, oid: str) -> datetime | None:
        listed = self._counts.get(oid, (None, None))[1]
        return listed or self._unit_stamps.get(oid)

    def _complete_the_rest(self) -> Iterator[FetchedPage]:
        rest = sorted((set(self._counts) | set(self._units)) - self._emitted - self._deferred)
        self._units.clear()  # partial units are superseded by the details
        self.progress.details = len(rest)
        if self._loose:
            broken = [Quarantined("(order unit without id_order)", "id_order or id_order_unit is missing or "
                                  "unreadable", _raw_text(raw)) for raw in self._loose]  # fmt: skip
            yield FetchedPage([], broken, None)
        if not rest:
            return
        with ThreadPoolExecutor(DETAIL_WORKERS, thread_name_prefix="kaufland-details") as pool:
            for start in range(0, len(rest), DETAILS_PER_PAGE):
                batch = rest[start:start + DETAILS_PER_PAGE]
                found = list(pool.map(self.client.order, batch))
                self.progress.details = len(rest) - start - len(batch)
                self._emitted.update(batch)
                yield self._map([(oid, details, None) if details is None else
                                 (oid, details.get("order_units"), details)
                                 for oid, details in zip(batch, found)])  # fmt: skip

    def _map(self, items: list[tuple[str, Any, dict[str, Any] | None]]) -> FetchedPage:
        """(id_order, its units, OrderDetails or None) -> orders and quarantined orders."""
        orders: list[Order] = []
        broken: list[Quarantined] = []
        for oid, units, header in items:
            stamp = self._stamp_of(oid)
            if stamp is not None and (self.high_water is None or stamp > self.high_water):
                self.high_water = stamp
            raw = header if header is not None else units
            try:
                if units is None and header is None:
                    raise MappingError("Kaufland listed the order but does not return it (HTTP 404)")
                if not isinstance(units, list):
                    raise MappingError("order_units is missing or not a list")
                orders.append(parse_order(oid, units, header))
            except MappingError as exc:
                broken.append(Quarantined(oid, str(exc), _raw_text(raw)))
        return FetchedPage(orders, broken, None)
