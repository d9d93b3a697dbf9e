"""Deterministic order generator of the Kaufland sandbox.

Same seed and count give the same ids, units, prices and buyers; dates are offsets from the
clock at start. The mix mirrors a seller's backlog on first connect: mostly released
(`need_to_be_sent`), ~10% still `open` (release due after `release_delay`, some cancelled
instead), ~28% shipped, a few cancelled, a few mixed (part shipped, part cancelled or
returned); ~5% on other storefronts and ~2% fulfilled by Kaufland, which a `de` merchant
fetch does not list.
"""

from __future__ import annotations

import random
from itertools import accumulate

from app.sandbox.kaufland.catalog import ADDRESSES_PER_COUNTRY, COUNTRY_OF, Catalog, local_price
from app.sandbox.kaufland.model import (
    CANCELLED,
    CURRENCY,
    FBK,
    FBM,
    NEED_TO_BE_SENT,
    REASON_CODE,
    RECEIVED,
    RETURNED,
    RETURNED_PAID,
    SENT,
    SENT_AND_AUTOPAID,
    Order,
    Unit,
    partition,
)
from app.sandbox.seeding import below, pick

DAY = 86_400
HOUR = 3_600
SEED_WINDOW = 30 * DAY
UNIT_ID_BASE = 314_560_000_000_000  # 15 digits, like Kaufland's id_order_unit
_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_UNITS_CUM = tuple(accumulate((60, 25, 10, 5)))  # 1, 2, 3 or 4 units
_FIRST_SHIPPING = (0, 395, 495, 495, 595)  # shipping_rate of an order's first unit, cents
_FURTHER_SHIPPING = (0, 0, 100, 200)  # reduced rate for each further piece
_ID_PAIRS = tuple(a + b for a in _ID_ALPHABET for b in _ID_ALPHABET)  # 10 bits -> 2 characters
_OTHER_STOREFRONTS = ("at", "at", "cz", "sk", "pl")
_SELLER_CANCEL = ("NoInventory", "DelayedInventory", "WrongPrice", "BuyerCancelled", "GeneralAdjustment")


class IdSource:
    """Unique order and unit ids, shared by every generator of one sandbox."""

    def __init__(self) -> None:
        self.orders: set[str] = set()
        self._units = 0

    def order_id(self, rng: random.Random) -> str:
        """Seven characters like Kaufland's id_order ("MB7UWLD"), unique in this sandbox."""
        while True:
            value = rng.getrandbits(35)
            oid = (_ID_PAIRS[value & 1023] + _ID_PAIRS[(value >> 10) & 1023] + _ID_PAIRS[(value >> 20) & 1023]
                   + _ID_ALPHABET[value >> 30])  # fmt: skip
            if oid not in self.orders:
                self.orders.add(oid)
                return oid

    def unit_id(self, rng: random.Random) -> int:
        self._units += 1
        return UNIT_ID_BASE + self._units * 16 + below(rng, 16)


class OrderFactory:
    """Builds Order records; one instance per random stream (seed, live, control)."""

    def __init__(self, rng: random.Random, catalog: Catalog, ids: IdSource, release_delay: int) -> None:
        self.rng = rng
        self.catalog = catalog
        self.ids = ids
        self.release_delay = release_delay

    # -- building blocks ----------------------------------------------------------
    def _shell(self, created: int, storefront: str, fulfillment: int, units: int | None) -> Order:
        rng = self.rng
        country = COUNTRY_OF[storefront]
        pool = ADDRESSES_PER_COUNTRY
        ship_to = below(rng, pool)
        bill_to = ship_to if rng.random() < 0.9 else below(rng, pool)
        order = Order(self.ids.order_id(rng), created, storefront, fulfillment, ship_to, bill_to,
                      20_000_000 + below(rng, 70_000_000))  # fmt: skip
        count = units if units is not None else 1 + pick(rng, _UNITS_CUM)
        products = self.catalog.products
        product = below(rng, len(products))
        currency = CURRENCY[storefront]
        part = partition(storefront, fulfillment)
        for index in range(count):
            if index and rng.random() >= 0.4:  # 40%: the same offer again (= quantity 2+)
                product = below(rng, len(products))
            price = local_price(products[product].price, currency)
            if index == 0:
                shipping = _FIRST_SHIPPING[below(rng, 5)]
                shipping = 2995 if shipping and products[product].price >= 30000 else shipping  # freight
            else:
                shipping = _FURTHER_SHIPPING[below(rng, 4)]
            unit = Unit(self.ids.unit_id(rng), order.oid, part, product, price, local_price(shipping, currency))
            unit.updated = created
            order.units.append(unit)
        return order

    def _storefront(self) -> str:
        return self.rng.choice(_OTHER_STOREFRONTS) if self.rng.random() < 0.05 else "de"

    @staticmethod
    def _set(units: list[Unit], status: int, at: int, reason: str | None = None) -> None:
        for unit in units:
            unit.status, unit.updated = status, at
            unit.reason = REASON_CODE[reason] if reason else None

    # -- public -------------------------------------------------------------------------
    def seeded(self, base: int) -> Order:
        """One backlog order whose whole history lies before `base` (epoch seconds)."""
        rng = self.rng
        age_roll, kind = rng.random(), rng.random()
        storefront = self._storefront()
        fbk = rng.random() < 0.02
        delay = self.release_delay
        if kind < 0.10 and not fbk:  # still open: recent, release due in the future
            created = base - int(age_roll * 0.95 * min(delay, SEED_WINDOW))
            order = self._shell(created, storefront, FBM, None)
            order.release_due = created + delay
            order.abort = rng.random() < 0.08
            return order
        oldest = max(SEED_WINDOW, delay + 2 * HOUR)
        youngest = min(delay + 2 * HOUR, oldest - HOUR)
        created = base - (youngest + int(age_roll * (oldest - youngest)))
        order = self._shell(created, storefront, FBK if fbk else FBM, None)
        order.visible = True  # released (only the never-paid cancellations below are not)
        released = created + delay
        room = max(1, base - 60 - released)  # seconds between release and "now"
        if fbk:  # Kaufland ships these itself
            self._set(order.units, SENT, released + int(rng.random() * min(room, DAY)))
        elif kind < 0.13:
            self._seed_cancelled(order, released, room)
        elif kind < 0.17:
            self._seed_mixed(order, released, room)
        else:
            self._set(order.units, NEED_TO_BE_SENT, released)
            if kind < 0.45:
                self._seed_shipped(order.units, released, room)
        return order

    def _seed_shipped(self, units: list[Unit], released: int, room: int) -> None:
        rng = self.rng
        sent = released + int(rng.random() * min(room, 3 * DAY))
        self._set(units, SENT, sent)
        roll = rng.random()
        later = sent + int(rng.random() * max(1, released + room - sent))
        if roll < 0.3:
            self._set(units, RECEIVED, later)
        elif roll < 0.4:
            self._set(units, SENT_AND_AUTOPAID, later)

    def _seed_cancelled(self, order: Order, released: int, room: int) -> None:
        rng = self.rng
        if rng.random() < 0.4:  # the buyer never paid: cancelled while still open
            self._set(order.units, CANCELLED, order.created + int(rng.random() * (released - order.created)),
                      "NoReactionBuyer")  # fmt: skip
            order.visible = False
            return
        self._set(order.units, NEED_TO_BE_SENT, released)
        self._set(order.units, CANCELLED, released + int(rng.random() * room), rng.choice(_SELLER_CANCEL))

    def _seed_mixed(self, order: Order, released: int, room: int) -> None:
        rng = self.rng
        units = order.units
        if len(units) < 2:
            first = units[0]
            extra = Unit(self.ids.unit_id(rng), order.oid, first.part, first.product, first.price, 0)
            extra.updated = order.created
            units.append(extra)
        self._set(units, NEED_TO_BE_SENT, released)
        first, rest = units[:1], units[1:]
        at = released + int(rng.random() * room * 0.5)
        pattern = below(rng, 4)
        if pattern == 0:  # partly shipped
            self._set(first, SENT, at)
        elif pattern == 1:  # one piece out of stock
            self._set(first, CANCELLED, at, "NoInventory")
        elif pattern == 2:  # one piece cancelled by the buyer, the rest shipped
            self._set(first, CANCELLED, at, "BuyerCancelled")
            self._set(rest, SENT, at + 60 + int(rng.random() * room * 0.4))
        else:  # everything shipped, one piece came back
            self._set(units, SENT, at)
            back = at + 60 + int(rng.random() * room * 0.4)
            self._set(first, RETURNED_PAID if rng.random() < 0.5 else RETURNED, back)

    def fresh(self, at: int, *, held: bool, units: int | None = None, storefront: str = "de",
              fulfillment: int = FBM, may_abort: bool = False) -> Order:  # fmt: skip
        """A brand-new order placed at `at` (control API and generate_every)."""
        order = self._shell(at, storefront, fulfillment, units)
        if held:
            order.release_due = at + self.release_delay
            order.abort = may_abort and self.rng.random() < 0.08
        else:
            self._set(order.units, NEED_TO_BE_SENT, at)
            order.visible = True
        return order

