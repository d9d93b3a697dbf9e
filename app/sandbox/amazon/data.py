"""Deterministic order generator of the Amazon sandbox.

Same seed and count give the same ids and contents; dates are offsets from the clock at
start. The seeded backlog mirrors what a seller sees when connecting: mostly Unshipped
(paid), some Shipped or PartiallyShipped, ~10% held (Pending, a few pre-orders in
PendingAvailability) whose payment is authorised `release_delay` seconds after the
purchase (some fail and are Canceled instead), and a few Canceled. Orders have several
items and quantities above one; ItemPrice is the price of the whole quantity, a few
quantity-discounted items have a price that does not divide by the quantity, some orders
pay shipping, some have a promotion or free-shipping discount.
"""

from __future__ import annotations

import random
from itertools import accumulate

from app.sandbox.amazon.catalog import Listing
from app.sandbox.amazon.model import (
    CANCELED,
    PARTIALLY_SHIPPED,
    PENDING,
    PENDING_AVAILABILITY,
    SHIPPED,
    UNSHIPPED,
    Item,
    Order,
)
from app.sandbox.seeding import below, pick

DAY = 86_400_000  # all times are epoch milliseconds, like the shared clock's
HOUR = 3_600_000
SEED_WINDOW = 30 * DAY

_ITEM_COUNT_CUM = tuple(accumulate((62, 25, 8, 3, 2)))  # 1..5 items per order
_QUANTITY_CUM = tuple(accumulate((80, 14, 6)))  # 1..3 pieces per item
_SHIPPING_CUM = tuple(accumulate((45, 25, 20, 10)))  # index into _SHIPPING_FEES
_SHIPPING_FEES = (0, 399, 499, -299)  # negative: that much per item instead of once per order
_ORDER_PREFIXES = ("302", "303", "304", "305", "306", "028")
ABORT_SHARE = 0.08  # held orders whose payment fails at release


def vat_part(gross: int, rate: float) -> int:
    """The VAT contained in a gross amount (EU marketplaces show prices including VAT)."""
    return gross - round(gross / (1 + rate / 100))


class OrderFactory:
    """Builds Order records; one instance per random stream (seed, live, control)."""

    def __init__(self, rng: random.Random, listings: tuple[Listing, ...], buyer_count: int,
                 release_delay: int, taken_ids: set[str]) -> None:
        self.rng = rng
        self.listings = listings
        self.buyer_count = buyer_count
        self.release_delay = release_delay
        self.taken = taken_ids

    # -- building blocks -------------------------------------------------------------
    def _order_id(self) -> str:
        rng = self.rng
        while True:
            oid = f"{rng.choice(_ORDER_PREFIXES)}-{below(rng, 10**7):07d}-{below(rng, 10**7):07d}"
            if oid not in self.taken:
                self.taken.add(oid)
                return oid

    def _item_id(self) -> str:
        return f"{below(self.rng, 10**14):014d}"

    def _shell(self, purchase: int, status: int, items: int | None) -> Order:
        rng = self.rng
        order = Order(self._order_id(), purchase, status, below(rng, self.buyer_count))
        order.prime = rng.random() < 0.4
        order.business = rng.random() < 0.04
        count = items if items is not None else 1 + pick(rng, _ITEM_COUNT_CUM)
        for _ in range(count):
            index = below(rng, len(self.listings))
            product = self.listings[index].product
            qty = 1 + pick(rng, _QUANTITY_CUM)
            price = product.price * qty
            if qty > 1 and rng.random() < 0.25:  # quantity discount: 10% off, not divisible by qty
                price = price * 9 // 10
                price += 1 if price % qty == 0 else 0
            order.items.append(Item(self._item_id(), index, qty, price, vat_part(price, product.vat)))
        self._charges(order)
        return order

    def _charges(self, order: Order) -> None:
        rng = self.rng
        fee = 0 if order.prime else _SHIPPING_FEES[pick(rng, _SHIPPING_CUM)]
        first = order.items[0]
        if fee > 0:
            first.shipping = fee
        elif fee < 0:
            for item in order.items:
                item.shipping = -fee
        roll = rng.random()
        if roll < 0.08:  # a promotion: 10% off the first item
            first.promo = max(1, first.price // 10)
        elif roll < 0.11 and first.shipping:  # free-shipping promotion
            first.ship_discount = first.shipping

    @staticmethod
    def _ship(items: list[Item]) -> None:
        for item in items:
            item.shipped = item.qty

    def _hold(self, order: Order, *, may_abort: bool) -> None:
        order.release_due = order.purchase + self.release_delay
        order.abort = may_abort and self.rng.random() < ABORT_SHARE

    # -- public ----------------------------------------------------------------------
    def seeded(self, base: int) -> Order:
        """One backlog order whose history lies before `base` (held ones release later);
        its dates are whole seconds, as Amazon's usually are."""
        order = self._seeded(base)
        order.purchase, order.changed = _second(order.purchase), _second(order.changed)
        if order.release_due is not None:
            order.release_due = _second(order.release_due)
        return order

    def _seeded(self, base: int) -> Order:
        rng = self.rng
        kind, age = rng.random(), rng.random()
        delay = self.release_delay
        if kind < 0.09:  # Pending: placed recently, payment authorised release_delay later
            purchase = base - int(age * 0.95 * min(delay, SEED_WINDOW))
            order = self._shell(purchase, PENDING, None)
            self._hold(order, may_abort=True)
            return order
        if kind < 0.10:  # pre-order: waits for the release date, then is charged
            order = self._shell(base - int(age * SEED_WINDOW), PENDING_AVAILABILITY, None)
            order.preorder = True
            order.release_due = base + HOUR + below(rng, 7 * DAY)
            order.abort = rng.random() < ABORT_SHARE
            return order
        oldest = max(SEED_WINDOW, delay + 2 * HOUR)
        youngest = min(delay + 2 * HOUR, oldest - HOUR)
        purchase = base - (youngest + int(age * (oldest - youngest)))
        paid = purchase + delay
        room = max(60_000, base - 60_000 - paid)  # between payment and "now"
        if kind < 0.13:
            multi = 2 if kind < 0.12 else None
            order = self._shell(purchase, CANCELED, multi)
            cancelled_while_pending = rng.random() < 0.4
            order.changed = (purchase + below(rng, max(1, delay)) if cancelled_while_pending
                             else paid + below(rng, room))
            return order
        if kind < 0.16:  # some items shipped, the rest still to go
            order = self._shell(purchase, PARTIALLY_SHIPPED, 2 + below(rng, 3))
            self._ship(order.items[: len(order.items) // 2])
        elif kind < 0.45:
            order = self._shell(purchase, SHIPPED, None)
            self._ship(order.items)
        else:
            order = self._shell(purchase, UNSHIPPED, None)
            order.changed = paid
            return order
        order.changed = paid + below(rng, min(room, 3 * DAY))
        return order

    def fresh(self, at: int, *, held: bool, items: int | None = None, may_abort: bool) -> Order:
        """A brand-new order placed at `at` (control API and generate_every)."""
        order = self._shell(at, PENDING if held else UNSHIPPED, items)
        if held:
            self._hold(order, may_abort=may_abort)
        return order


def _second(ms: int) -> int:
    return ms // 1000 * 1000
