"""Order store of the eBay sandbox: indexes, the lazy state machine and the actions on orders.

Time moves only when someone looks: every request first applies the transitions
that fell due since the last one (payments clearing or failing, generated orders),
in due order and stamped with their due time, so jumping the clock a day ahead
replays that day faithfully. Guard everything with `lock`.
"""

from __future__ import annotations

import gc
import heapq
import random
import threading
from bisect import bisect_left, insort

from app.sandbox.ebay.catalog import build_buyers, build_listings
from app.sandbox.ebay.data import OrderFactory, seed_deck
from app.sandbox.ebay.model import (
    CANCELED,
    FULFILLED,
    IN_PROGRESS,
    NOT_STARTED,
    PAID,
    PAYMENT_STATES,
    PENDING,
    Fulfillment,
    Order,
)

MAX_GENERATED_PER_TICK = 10_000

Key = tuple[int, str, Order]


class UnknownOrder(LookupError):
    """No order (or line item, or fulfillment) with that id (-> 404)."""


class Conflict(Exception):
    """The order's state does not allow the action (-> 409 in the control API)."""


class OrderStore:
    def __init__(self, *, seed: int, count: int, base_ms: int, release_delay_ms: int,
                 generate_every_ms: int | None) -> None:
        self.lock = threading.RLock()
        self.listings = build_listings(seed)
        self.buyers = build_buyers(seed)
        self.orders: dict[str, Order] = {}
        self.by_changed: list[Key] = []  # (lastModifiedDate, orderId, order), ascending
        self.by_created: list[Key] = []  # (creationDate, orderId, order), ascending
        self.version = 0  # bumped on every change: cached query results compare it
        # Everything that falls due, in one heap of (due ms, seq, order): an order whose payment
        # clears (or fails) then, or None for "the next generated order is placed then".
        self.events: list[tuple[int, int, Order | None]] = []
        self._seq = 0
        ids: set[str] = set()
        records = [1000]
        self.factories = {
            name: OrderFactory(random.Random(f"ebay-{name}-{seed}"), self.listings, self.buyers, release_delay_ms,
                               ids, records)
            for name in ("seed", "live", "control")
        }
        self.generate_every_ms = generate_every_ms or None
        if self.generate_every_ms:
            self._push(base_ms + self.generate_every_ms, None)
        self._seed(count, base_ms)

    # -- seeding -----------------------------------------------------------------------
    def _seed(self, count: int, base_ms: int) -> None:
        factory = self.factories["seed"]
        # The records hold no reference cycles; pausing the cyclic GC halves seeding time for 100k.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            seeded = [factory.seeded(kind, base_ms) for kind in seed_deck(factory.rng, count)]
        finally:
            if was_enabled:
                gc.enable()
        for order in seeded:
            self.orders[order.oid] = order
            if order.release_due is not None:
                self._push(order.release_due, order)
        self.by_changed = sorted((o.changed, o.oid, o) for o in seeded)
        self.by_created = sorted((o.created_ms, o.oid, o) for o in seeded)

    def _push(self, due_ms: int, order: Order | None) -> None:
        self._seq += 1
        heapq.heappush(self.events, (due_ms, self._seq, order))

    def insert(self, order: Order) -> None:
        self.orders[order.oid] = order
        insort(self.by_changed, (order.changed, order.oid, order))
        insort(self.by_created, (order.created_ms, order.oid, order))
        if order.release_due is not None:
            self._push(order.release_due, order)
        self.version += 1

    def touch(self, order: Order, at_ms: int) -> None:
        """Record a change: new lastModifiedDate, new place in the change index, cached JSON dropped."""
        index = bisect_left(self.by_changed, (order.changed, order.oid))
        if index < len(self.by_changed) and self.by_changed[index][2] is order:
            del self.by_changed[index]
        order.changed = max(order.changed, at_ms)
        order.blob = None
        insort(self.by_changed, (order.changed, order.oid, order))
        self.version += 1

    # -- time ------------------------------------------------------------------------------
    def tick(self, now_ms: int) -> None:
        """Apply everything due at or before now_ms, oldest first, each stamped with its due time."""
        with self.lock:
            generated = 0
            while self.events and self.events[0][0] <= now_ms:
                due, _, order = heapq.heappop(self.events)
                if order is None:
                    generated += self._generate(due, now_ms, room=generated < MAX_GENERATED_PER_TICK)
                elif order.release_due == due and order.payment == PENDING:  # else superseded
                    self._settle(order, due, fail=order.abort)

    def _generate(self, due: int, now_ms: int, *, room: bool) -> int:
        """A buyer orders at `due`; after a huge clock jump the backlog is skipped, not flooded in."""
        every = self.generate_every_ms or 0
        if not room:
            self._push(due + ((now_ms - due) // every + 1) * every, None)
            return 0
        self.insert(self.factories["live"].fresh(due, held=True, may_abort=True))
        self._push(due + every, None)
        return 1

    def _settle(self, order: Order, at_ms: int, *, fail: bool) -> None:
        """The buyer's payment clears (PAID) or fails (eBay cancels the order)."""
        if fail:
            OrderFactory.cancel(order, at_ms, "ORDER_UNPAID")
        else:
            order.payment, order.paid_ms, order.release_due = PAID, at_ms, None
        self.touch(order, at_ms)

    # -- lookups ---------------------------------------------------------------------------
    def get(self, oid: str) -> Order:
        order = self.orders.get(oid)
        if order is None:
            raise UnknownOrder(oid)
        return order

    # -- marketplace side (control API) ------------------------------------------------------
    def add(self, count: int, *, held: bool, lines: int | None, now_ms: int) -> list[Order]:
        factory = self.factories["control"]
        created = [factory.fresh(now_ms, held=held, lines=lines) for _ in range(count)]
        for order in created:
            self.insert(order)
        return created

    def release(self, oid: str, now_ms: int) -> None:
        order = self.get(oid)
        if not order.held:
            raise Conflict(f"order {oid} is not waiting for payment")
        self._settle(order, now_ms, fail=False)

    def cancel(self, oid: str, now_ms: int) -> None:
        order = self.get(oid)
        if order.cancel == CANCELED:
            raise Conflict(f"order {oid} is already cancelled")
        if order.fulfillment_status != NOT_STARTED:
            raise Conflict(f"order {oid} has shipped items; eBay handles those as returns, not cancellations")
        OrderFactory.cancel(order, now_ms, "BUYER_ASKED_CANCEL")
        self.touch(order, now_ms)

    def add_malformed(self, kind: str, now_ms: int) -> Order:
        order = self.factories["control"].fresh(now_ms, held=False, lines=1)
        order.malformed = kind
        self.insert(order)
        return order

    # -- seller side (public API) --------------------------------------------------------------
    def ship(self, order: Order, lids: list[str], carrier: str | None, tracking: str | None, shipped_ms: int,
             now_ms: int) -> Fulfillment:
        """One package; the caller has validated the line items (unknown, shipped, duplicate)."""
        by_id = {line.lid: line for line in order.lines}
        fid = self.fulfillment_id(order, tracking, now_ms)
        package = Fulfillment(fid, tuple(lids), carrier, tracking, shipped_ms)
        order.fulfillments.append(package)
        for lid in lids:
            by_id[lid].fulfillment = package
        self.touch(order, now_ms)
        return package

    @staticmethod
    def fulfillment_id(order: Order, tracking: str | None, now_ms: int) -> str:
        """The id the next package of `order` gets: its tracking number (as eBay documents), else
        an arbitrary number; a second package with the same tracking number gets a suffix."""
        fid = tracking or f"{now_ms:x}{len(order.fulfillments) + 1:02d}".upper()
        if any(f.fid == fid for f in order.fulfillments):
            fid = f"{fid}-{len(order.fulfillments) + 1}"
        return fid

    def summary(self) -> dict[str, object]:
        by_payment: dict[str, int] = {}
        by_fulfillment = {NOT_STARTED: 0, IN_PROGRESS: 0, FULFILLED: 0}
        cancelled = 0
        for order in self.orders.values():
            name = PAYMENT_STATES[order.payment]
            by_payment[name] = by_payment.get(name, 0) + 1
            by_fulfillment[order.fulfillment_status] += 1
            cancelled += order.cancel == CANCELED
        return {"orders": len(self.orders), "by_payment_status": by_payment,
                "by_fulfillment_status": by_fulfillment, "cancelled": cancelled,
                "pending_events": len(self.events)}
