"""Order store and state machine of the Kaufland sandbox.

Transitions are applied lazily: every request first calls `tick(now)`, which applies all
due events (release of open units, aborts of orders never paid, orders made by
`generate_every`) in time order, each stamped with its due time, so advancing the clock
by a day replays the day faithfully.

Units are indexed by change and creation stamp, orders by units-changed and creation
stamp; a change moves the unit (and its order) in the indexes and bumps `version`, which
tells the list endpoints that cached result lists are stale. Offsets of a running
pagination therefore shift exactly as they would on the real service.
"""

from __future__ import annotations

import gc
import heapq
import random
import threading
from collections.abc import Iterable

from app.sandbox.kaufland.catalog import Catalog
from app.sandbox.kaufland.data import UNIT_ID_BASE, IdSource, OrderFactory
from app.sandbox.kaufland.index import SortedIndex
from app.sandbox.kaufland.model import (
    CANCELLED,
    FBM,
    NEED_TO_BE_SENT,
    OPEN,
    REASON_CODE,
    RETURNED,
    SENT,
    SHIPPED_STATES,
    UNIT_STATUS,
    Order,
    Unit,
)

MAX_GENERATED_PER_TICK = 10_000
_UID_BITS = 52


class NotFound(LookupError):
    """Unknown order or unit (-> 404)."""


class Forbidden(Exception):
    """The unit's state does not allow the action (-> 403, as Kaufland answers)."""


class Conflict(Exception):
    """Control API: the order is not in a state the call applies to (-> 409)."""


def unit_key(stamp: int, uid: int) -> int:
    """(stamp, id_order_unit) packed into one int: the sort key of the unit indexes."""
    return (stamp << _UID_BITS) | (uid - UNIT_ID_BASE)


def first_key(stamp: int) -> int:
    """The smallest unit key of a stamp: index tails from it hold the units stamped >= stamp."""
    return stamp << _UID_BITS


class OrderStore:
    """All orders of one Kaufland sandbox; guard with `lock`."""

    def __init__(self, *, seed: int, count: int, base: int, release_delay: int, generate_every: int | None) -> None:
        self.lock = threading.RLock()
        self.catalog = Catalog(seed)
        self.ids = IdSource()
        self.orders: dict[str, Order] = {}
        self.units: dict[int, Unit] = {}
        self.version = 0  # bumped on every change; list caches compare it
        self.generate_every = generate_every or None
        self._events: list[tuple[int, int, str]] = []
        self._seq = 0
        self._factories = {name: OrderFactory(random.Random(f"kaufland-{name}-{seed}"), self.catalog, self.ids,
                                              release_delay)
                           for name in ("seed", "live", "control")}  # fmt: skip
        seeded = self._seed(count, base)
        self.units_by_updated: SortedIndex[Unit] = SortedIndex(
            (unit_key(u.updated, u.uid), u) for o in seeded for u in o.units)
        self.units_by_created: SortedIndex[Unit] = SortedIndex(
            (unit_key(o.created, u.uid), u) for o in seeded for u in o.units)
        self.orders_by_updated: SortedIndex[Order] = SortedIndex(((o.updated, o.oid), o) for o in seeded)
        self.orders_by_created: SortedIndex[Order] = SortedIndex(((o.created, o.oid), o) for o in seeded)
        self.next_generate = base + self.generate_every if self.generate_every else None

    # -- seeding and inserting ----------------------------------------------------------
    def _seed(self, count: int, base: int) -> list[Order]:
        factory = self._factories["seed"]
        # The records hold no reference cycles; pausing the cyclic collector halves the
        # time to seed 100,000 orders.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            seeded = [factory.seeded(base) for _ in range(count)]
        finally:
            if was_enabled:
                gc.enable()
        for order in seeded:
            self._register(order)
        return seeded

    def _register(self, order: Order) -> None:
        self.orders[order.oid] = order
        for unit in order.units:
            self.units[unit.uid] = unit
        if order.release_due is not None:
            self._seq += 1
            heapq.heappush(self._events, (order.release_due, self._seq, order.oid))

    def _insert(self, order: Order) -> None:
        self._register(order)
        for unit in order.units:
            self.units_by_updated.add(unit_key(unit.updated, unit.uid), unit)
            self.units_by_created.add(unit_key(order.created, unit.uid), unit)
        self.orders_by_updated.add((order.updated, order.oid), order)
        self.orders_by_created.add((order.created, order.oid), order)
        self.version += 1

    def _change(self, order: Order, units: Iterable[Unit], status: int, at: int, reason: str | None = None) -> None:
        """Move units to a new state stamped `at`, keeping every index in order."""
        before = (order.updated, order.oid)
        for unit in units:
            stamp = max(at, unit.updated)  # stamps never run backwards
            self.units_by_updated.move(unit_key(unit.updated, unit.uid), unit_key(stamp, unit.uid), unit)
            unit.status, unit.updated, unit.blob = status, stamp, None
            unit.reason = REASON_CODE[reason] if reason else None
        self.orders_by_updated.move(before, (order.updated, order.oid), order)
        self.version += 1

    # -- time -------------------------------------------------------------------------------
    def tick(self, now: int) -> None:
        """Apply every event due at or before `now` (epoch seconds), in due order."""
        with self.lock:
            generated = 0
            every = self.generate_every
            while True:
                event_due = self._events[0][0] if self._events else None
                gen_due = self.next_generate
                if every and gen_due is not None and gen_due <= now and (event_due is None or gen_due <= event_due):
                    if generated >= MAX_GENERATED_PER_TICK:  # a huge clock jump: skip the backlog
                        self.next_generate = gen_due + ((now - gen_due) // every + 1) * every
                        continue
                    self._insert(self._factories["live"].fresh(gen_due, held=True, may_abort=True))
                    self.next_generate = gen_due + every
                    generated += 1
                    continue
                if event_due is None or event_due > now:
                    return
                due, _, oid = heapq.heappop(self._events)
                order = self.orders[oid]
                if order.release_due == due:
                    self._release(order, due)

    def _release(self, order: Order, at: int) -> bool:
        opened = [unit for unit in order.units if unit.status == OPEN]
        if not opened:
            return False
        if order.abort:  # the buyer never paid: the marketplace cancels
            self._change(order, opened, CANCELLED, at, "NoReactionBuyer")
        else:
            order.visible = True
            self._change(order, opened, NEED_TO_BE_SENT, at)
        order.release_due = None
        return True

    # -- lookups ---------------------------------------------------------------------------
    def order(self, oid: str) -> Order:
        order = self.orders.get(oid)
        if order is None:
            raise NotFound(f"order {oid}")
        return order

    def unit(self, uid: int) -> Unit:
        unit = self.units.get(uid)
        if unit is None:
            raise NotFound(f"order unit {uid}")
        return unit

    def summary(self) -> dict[str, object]:
        by_status = dict.fromkeys(UNIT_STATUS, 0)
        for unit in self.units.values():
            by_status[UNIT_STATUS[unit.status]] += 1
        return {"orders": len(self.orders), "units": len(self.units), "units_by_status": by_status,
                "held": sum(1 for o in self.orders.values() if o.held), "pending_events": len(self._events)}

    # -- seller actions (public API) -------------------------------------------------------
    def check_send(self, uid: int) -> Unit:
        unit = self.unit(uid)
        if unit.status != NEED_TO_BE_SENT:
            raise Forbidden(f"order unit {uid} is {UNIT_STATUS[unit.status]}, only need_to_be_sent units can be sent")
        return unit

    def send(self, uid: int, now: int, parcels: tuple[tuple[str, str], ...] = ()) -> None:
        """need_to_be_sent -> sent; ``parcels``: (carrier_code, tracking_number) as the request carried them."""
        unit = self.check_send(uid)
        unit.parcels = parcels
        self._change(self.orders[unit.oid], [unit], SENT, now)

    def check_cancel(self, uid: int) -> Unit:
        unit = self.unit(uid)
        if unit.status not in (OPEN, NEED_TO_BE_SENT):
            raise Forbidden(f"order unit {uid} is {UNIT_STATUS[unit.status]} and cannot be cancelled")
        return unit

    def seller_cancel(self, uid: int, reason: str, now: int) -> None:
        unit = self.check_cancel(uid)
        self._change(self.orders[unit.oid], [unit], CANCELLED, now, reason)

    def check_add_shipment(self, uid: int) -> Unit:
        unit = self.unit(uid)
        if unit.status not in SHIPPED_STATES:
            raise Forbidden(f"order unit {uid} is {UNIT_STATUS[unit.status]}; a shipment can only be added to a "
                            "unit already marked as sent")  # fmt: skip
        return unit

    def add_shipment(self, uid: int, carrier: str, tracking: str) -> None:
        """POST /shipments: one more parcel for a sent unit (its status and stamp stay as they are)."""
        unit = self.check_add_shipment(uid)
        unit.parcels = (*unit.parcels, (carrier, tracking))

    # -- marketplace actions (control API) -----------------------------------------------
    def add_orders(self, count: int, *, held: bool, units: int | None, storefront: str, fulfillment: int,
                   now: int) -> list[Order]:  # fmt: skip
        factory = self._factories["control"]
        created = [factory.fresh(now, held=held, units=units, storefront=storefront, fulfillment=fulfillment)
                   for _ in range(count)]  # fmt: skip
        for order in created:
            self._insert(order)
        return created

    def add_malformed(self, kind: str, now: int) -> Order:
        order = self._factories["control"].fresh(now, held=False, units=2, storefront="de", fulfillment=FBM)
        order.malformed = kind
        self._insert(order)
        return order

    def release(self, oid: str, now: int) -> None:
        if not self._release(self.order(oid), now):
            raise Conflict(f"order {oid} has no open units")

    def marketplace_cancel(self, oid: str, uids: list[int] | None, reason: str, now: int) -> int:
        """Cancel the whole order or the given units; with ids all-or-nothing."""
        order = self.order(oid)
        units = self._units_of(order, uids) if uids else order.units
        live = [unit for unit in units if unit.status in (OPEN, NEED_TO_BE_SENT)]
        if not live or (uids and len(live) != len(units)):
            raise Conflict("only open or need_to_be_sent units can be cancelled")
        self._change(order, live, CANCELLED, now, reason)
        if not any(unit.status == OPEN for unit in order.units):
            order.release_due = None
        return len(live)

    def return_units(self, oid: str, uids: list[int] | None, now: int) -> int:
        order = self.order(oid)
        units = self._units_of(order, uids) if uids else [u for u in order.units if u.status in SHIPPED_STATES]
        if not units or any(unit.status not in SHIPPED_STATES for unit in units):
            raise Conflict("only shipped units can be returned")
        self._change(order, units, RETURNED, now)
        return len(units)

    @staticmethod
    def _units_of(order: Order, uids: list[int]) -> list[Unit]:
        by_id = {unit.uid: unit for unit in order.units}
        missing = [str(uid) for uid in uids if uid not in by_id]
        if missing:
            raise NotFound(f"order unit(s) {', '.join(missing)} of order {order.oid}")
        return [by_id[uid] for uid in dict.fromkeys(uids)]
