"""Order store and lazy state machine of the Shopware sandbox.

Transitions are applied at the start of every request (`tick(now)`), in due order, each
stamped with its due time: a held prepayment order is paid (transaction open -> paid) or,
when the customer never pays, cancelled (order, delivery and transaction -> cancelled);
`generate_every` adds new held orders. Advancing the clock by a day replays the day.

Like Shopware, a change is stamped on the entity that changed: a payment moves the
transaction's updatedAt, a shipment the delivery's; the order's own updatedAt only moves when
the order row is written (its state, a cancellation). Switch `touch_order_on_child_change`
(UNCONFIRMED which one real shops do) makes every child change move the order's updatedAt too.

Searches run over `by_created` (createdAt, id) and cache their matching rows per criteria
until anything changes (`version`), so paging 100,000 orders filters them once, not per page.
"""

from __future__ import annotations

import gc
import heapq
import random
import threading
from bisect import insort
from collections.abc import Iterable

from app.sandbox.shopware.catalog import build_customers, build_products
from app.sandbox.shopware.criteria import Criteria
from app.sandbox.shopware.data import OrderFactory
from app.sandbox.shopware.fields import DATE, order_fields
from app.sandbox.shopware.model import IllegalTransition, Order, transition, unnecessary
from app.sandbox.shopware.render import Renderer, db_datetime

MAX_GENERATED_PER_TICK = 10_000
FIRST_ORDER_NUMBER = 10000  # Shopware's default number range for orders
QUERY_CACHE_SIZE = 16


class NotFound(LookupError):
    """Unknown order (-> 404)."""


class Conflict(Exception):
    """The order's state does not allow this (-> 409); args[0] says why."""


class OrderStore:
    """All orders of one Shopware sandbox; guard every access with `lock`."""

    def __init__(self, *, seed: int, count: int, base_ms: int, release_delay_ms: int,
                 generate_every_ms: int | None) -> None:
        self.lock = threading.RLock()
        self.products = build_products(seed)
        self.customers = build_customers(seed)
        self.renderer = Renderer(self.products, self.customers)
        self.fields = order_fields(self.products, self.customers)
        self.touch_order_on_child_change = False
        self.orders: dict[str, Order] = {}
        self.by_number: dict[str, Order] = {}
        self.by_created: list[tuple[int, str, Order]] = []
        self.events: list[tuple[int, int, Order]] = []
        self.version = 0  # bumped on every change; invalidates cached search results
        self._queries: dict[str, tuple[int, list[Order], list[Order]]] = {}
        self._seq = 0
        self._next_number = FIRST_ORDER_NUMBER
        self.generate_every_ms = generate_every_ms or None
        self._factories = {
            name: OrderFactory(random.Random(f"shopware-{name}-{seed}"), self.products, len(self.customers),
                               release_delay_ms)
            for name in ("seed", "live", "control")
        }  # fmt: skip
        self._seed(count, base_ms)
        self.next_generate = base_ms + self.generate_every_ms if self.generate_every_ms else None

    # -- seeding -------------------------------------------------------------------------
    def _seed(self, count: int, base_ms: int) -> None:
        factory = self._factories["seed"]
        was_enabled = gc.isenabled()
        gc.disable()  # no cycles in these records; collector passes over a growing heap only cost time
        try:
            seeded = sorted((factory.seeded(base_ms) for _ in range(count)), key=lambda o: (o.created_ms, o.id))
            for order in seeded:  # numbers follow the order of creation, as the number range hands them out
                self._number(order)
                self.orders[order.id] = order
                self.by_number[order.number] = order
                if order.release_due is not None:
                    self._push_event(order.release_due, order)
            self.by_created = [(o.created_ms, o.id, o) for o in seeded]
        finally:
            if was_enabled:
                gc.enable()

    def _number(self, order: Order) -> None:
        order.number = str(self._next_number)
        order.auto_increment = self._next_number - FIRST_ORDER_NUMBER + 1
        self._next_number += 1

    def _push_event(self, due: int, order: Order) -> None:
        self._seq += 1
        heapq.heappush(self.events, (due, self._seq, order))

    def _insert(self, order: Order) -> None:
        self._number(order)
        self.orders[order.id] = order
        self.by_number[order.number] = order
        insort(self.by_created, (order.created_ms, order.id, order))
        if order.release_due is not None:
            self._push_event(order.release_due, order)
        self.version += 1

    def touch(self, order: Order) -> None:
        """Something about the order changed: drop its cached JSON and every cached search."""
        order.blob = None
        self.version += 1

    def _child_changed(self, order: Order, at_ms: int) -> None:
        if self.touch_order_on_child_change:
            order.updated_ms = max(order.updated_ms or 0, at_ms)
        self.touch(order)

    # -- time ------------------------------------------------------------------------------
    def tick(self, now_ms: int) -> None:
        """Apply every event due at or before now_ms, in due order, stamped with its due time."""
        with self.lock:
            generated = 0
            every = self.generate_every_ms
            while True:
                event_due = self.events[0][0] if self.events else None
                gen_due = self.next_generate
                if gen_due is not None and gen_due <= now_ms and (event_due is None or gen_due <= event_due):
                    if generated >= MAX_GENERATED_PER_TICK and every:
                        self.next_generate = gen_due + ((now_ms - gen_due) // every + 1) * every  # skip the rest
                        continue
                    self._insert(self._factories["live"].fresh(gen_due, held=True, may_abort=True))
                    generated += 1
                    self.next_generate = gen_due + (every or 0)
                    continue
                if event_due is None or event_due > now_ms:
                    return
                due, _, order = heapq.heappop(self.events)
                if order.release_due == due:
                    self._settle(order, due, paid=not order.abort)

    def _settle(self, order: Order, at_ms: int, *, paid: bool) -> None:
        """A held order's money arrives, or the shop gives up waiting and cancels it."""
        order.release_due = None
        if paid:
            self._pay(order, at_ms)
        else:
            self._cancel(order, at_ms)

    def _pay(self, order: Order, at_ms: int) -> None:
        tx = order.transaction
        tx.state, tx.updated_ms = transition("order_transaction", "paid", tx.state), at_ms
        self._child_changed(order, at_ms)

    # -- lookups -----------------------------------------------------------------------------
    def get(self, oid: str) -> Order:
        order = self.orders.get(oid) or self.by_number.get(oid)
        if order is None:
            raise NotFound(oid)
        return order

    def summary(self) -> dict[str, object]:
        states: dict[str, int] = {}
        payments: dict[str, int] = {}
        deliveries: dict[str, int] = {}
        for order in self.orders.values():
            states[order.state] = states.get(order.state, 0) + 1
            payments[order.transaction.state] = payments.get(order.transaction.state, 0) + 1
            deliveries[order.delivery_state] = deliveries.get(order.delivery_state, 0) + 1
        return {"orders": len(self.orders), "held": sum(1 for o in self.orders.values() if o.held),
                "by_state": states, "by_transaction_state": payments, "by_delivery_state": deliveries,
                "pending_events": len(self.events)}

    # -- search ----------------------------------------------------------------------------
    def matching(self, crit: Criteria) -> tuple[list[Order], list[Order]]:
        """(rows matching filter, rows matching filter and post-filter), sorted, cached per version."""
        cached = self._queries.get(crit.key)
        if cached is not None and cached[0] == self.version:
            return cached[1], cached[2]
        rows = self._select(crit)
        post = crit.post_predicate
        shown = rows if post is None else [o for o in rows if post(o)]
        if len(self._queries) >= QUERY_CACHE_SIZE:
            self._queries.clear()
        self._queries[crit.key] = (self.version, rows, shown)
        return rows, shown

    def _select(self, crit: Criteria) -> list[Order]:
        pred = crit.predicate
        natural = [(f.path, desc) for f, desc in crit.sorts] in ([], [("createdAt", False)],
                                                                   [("createdAt", False), ("id", False)])
        source: Iterable[Order] = (o for _, _, o in self.by_created)
        rows = list(source) if pred is None else [o for o in source if pred(o)]
        if not natural:
            for fld, desc in reversed(crit.sorts):  # stable sorts, last key first
                get, pick = fld.get, (max if desc else min)
                if fld.many:
                    def key(o: Order, get=get, pick=pick) -> tuple:  # type: ignore[no-untyped-def]
                        values = [v for v in get(o) if v is not None]
                        return (True, pick(values)) if values else (False, 0)
                else:
                    def key(o: Order, get=get) -> tuple:  # type: ignore[no-untyped-def]
                        value = get(o)
                        return (value is not None, value)  # MySQL sorts NULL first
                rows.sort(key=key, reverse=desc)
        return rows

    @staticmethod
    def aggregate(crit: Criteria, rows: list[Order]) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        for agg in crit.aggregations:
            get = agg.field.get
            values = [v for o in rows for v in (get(o) if agg.field.many else [get(o)]) if v is not None]
            if agg.kind == "count":
                result: object = len(values)
            elif not values:
                result = None
            elif agg.kind in ("max", "min"):
                result = (max if agg.kind == "max" else min)(values)
                if agg.field.kind == DATE:
                    result = db_datetime(int(result))  # type: ignore[arg-type]
            elif agg.kind == "sum":
                result = sum(values)
            else:
                result = sum(values) / len(values)
            out[agg.name] = {agg.kind: result, "extensions": [], "apiAlias": f"{agg.name}_aggregation"}
        return out

    # -- the shop's and the customer's side (control API) -----------------------------------
    def add_orders(self, count: int, *, held: bool, items: int | None, payment: int | None,
                   now_ms: int) -> list[Order]:
        factory = self._factories["control"]
        created = []
        for _ in range(count):
            order = factory.fresh(now_ms, held=held, items=items, payment=payment)
            self._insert(order)
            created.append(order)
        return created

    def add_malformed(self, kind: str, now_ms: int) -> Order:
        order = self._factories["control"].fresh(now_ms, held=False, items=1)
        order.malformed = kind
        self._insert(order)
        return order

    def release(self, oid: str, now_ms: int) -> None:
        order = self.get(oid)
        if not order.held:
            raise Conflict(f"order {order.number} is not waiting for a prepayment")
        self._settle(order, now_ms, paid=True)

    def pay(self, oid: str, now_ms: int) -> None:
        """The money of any unpaid order arrives (invoice paid, cash collected)."""
        order = self.get(oid)
        if order.state == "cancelled":
            raise Conflict(f"order {order.number} is cancelled")
        try:
            self._pay(order, now_ms)
        except IllegalTransition as exc:
            raise Conflict(f"order {order.number}: {exc}") from None
        order.release_due = None

    def ship(self, oid: str, tracking: list[str], now_ms: int) -> None:
        order = self.get(oid)
        if order.state == "cancelled" or order.held:
            raise Conflict(f"order {order.number} is {'cancelled' if order.state == 'cancelled' else 'not paid'}")
        try:
            order.delivery_state = transition("order_delivery", "ship", order.delivery_state)
        except IllegalTransition as exc:
            raise Conflict(f"order {order.number}: {exc}") from None
        order.delivery_updated_ms, order.tracking = now_ms, tuple(tracking)
        self._child_changed(order, now_ms)

    def cancel(self, oid: str, now_ms: int) -> None:
        order = self.get(oid)
        try:
            transition("order", "cancel", order.state)
        except IllegalTransition as exc:
            raise Conflict(f"order {order.number}: {exc}") from None
        self._cancel(order, now_ms)

    def _cancel(self, order: Order, at_ms: int) -> None:
        """Order and open delivery cancelled, an unpaid payment cancelled (a paid one stays paid:
        refunding is a separate step in Shopware)."""
        order.release_due = None
        order.state, order.updated_ms = "cancelled", max(order.updated_ms or 0, at_ms)
        if order.delivery_state == "open":
            order.delivery_state, order.delivery_updated_ms = "cancelled", at_ms
        tx = order.transaction
        try:
            tx.state, tx.updated_ms = transition("order_transaction", "cancel", tx.state), at_ms
        except IllegalTransition:
            pass  # paid, refunded or cancelled already: stays as it is
        self.touch(order)

    # -- the Admin API's state transitions and tracking codes (transitions.py) ----------------
    @staticmethod
    def state_of(machine: str, order: Order, index: int = 0) -> str:
        if machine == "order":
            return order.state
        if machine == "order_delivery":
            return order.delivery_state
        return order.transactions[index].state

    def apply_transition(self, machine: str, order: Order, index: int, action: str, now_ms: int,
                         *, swallow: bool = False) -> tuple[str, str, bool]:
        """Move one of the order's state machines by `action`: (from, to, changed).

        Raises IllegalTransition. An action that leads to the current state changes nothing, as
        in Shopware. Stamps move where Shopware writes: the order's own transition its
        `updatedAt`, a delivery's or transaction's the child's (and the order's only with
        `touch_order_on_child_change`). A transition of the shop's own hand ends the sandbox's
        scripted customer behaviour for that order (no later automatic payment or cancel).
        `swallow`: answer as applied but change nothing (status_log.py).
        """
        current = self.state_of(machine, order, index)
        if unnecessary(machine, action, current):
            return current, current, False
        target = transition(machine, action, current)
        if swallow:
            return current, target, False
        if machine == "order":
            order.state, order.updated_ms = target, max(order.updated_ms or 0, now_ms)
            order.release_due = None
            self.touch(order)
        elif machine == "order_delivery":
            order.delivery_state, order.delivery_updated_ms = target, now_ms
            self._child_changed(order, now_ms)
        else:
            tx = order.transactions[index]
            tx.state, tx.updated_ms = target, now_ms
            if index == len(order.transactions) - 1:
                order.release_due = None
            self._child_changed(order, now_ms)
        return current, target, True

    def set_tracking(self, order: Order, codes: list[str], now_ms: int) -> None:
        """PATCH order-delivery {"trackingCodes": [...]}: the list replaces the old one."""
        order.tracking = tuple(codes)
        order.delivery_updated_ms = now_ms
        self._child_changed(order, now_ms)

