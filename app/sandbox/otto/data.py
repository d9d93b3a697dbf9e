"""Deterministic order generator for the OTTO sandbox.

Same seed and count give the same ids, order numbers and contents; dates are
offsets from the clock at start, so a run tomorrow looks like a run today. The
mix (mostly PROCESSABLE, ~10% ANNOUNCED, ~3% cancelled by the marketplace, ~5%
with old-appliance pickup, some SENT, a few mixed) mirrors what a seller's
backlog looks like when they first connect.
"""

from __future__ import annotations

import random
from itertools import accumulate

from app.sandbox.otto.catalog import Product
from app.sandbox.otto.model import (
    ANNOUNCED,
    CANCELLED_BY_MARKETPLACE,
    CANCELLED_BY_PARTNER,
    PREPAYMENT,
    PROCESSABLE,
    REASON_CODE,
    RETURNED,
    SENT,
    Item,
    Order,
)
from app.sandbox.seeding import below, pick, tracking_number

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
SEED_WINDOW_MS = 30 * DAY_MS

_PAYMENT_CUM = tuple(accumulate((20, 7, 8, 8, 4, 3, 35, 15)))  # aligned with model.PAYMENT_METHODS
_ITEM_COUNT_CUM = tuple(accumulate((60, 28, 12)))  # 1, 2 or 3 position items
_FEE_CUM = tuple(accumulate((30, 40, 15, 15)))  # index into catalog.DELIVERY_FEES
_CANCEL_REASONS = (
    ("CANCELLED_ON_CUSTOMER_WISH", 40), ("PAYMENT_ABORTED", 25), ("PAYMENT_FRAUD", 10),
    ("CANCELLED_ON_MARKETPLACE_WISH", 10), ("MARKETPLACE_FRAUD", 5), ("ILLEGAL_PRODUCT", 5),
    ("PARTNER_TERMINATED", 5),
)  # fmt: skip
_TRACKED_CARRIERS = ("DHL", "DHL", "DHL", "HERMES", "DPD", "GLS", "UPS")
_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I look-alikes


def uuid4_from(rng: random.Random) -> str:
    """A version-4 UUID string from the seeded RNG (uuid.uuid4 is not seedable)."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
    h = "%032x" % value
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def order_number_from(rng: random.Random) -> str:
    """10 characters A-Z2-9, like the alphanumeric order numbers customers see."""
    value = rng.getrandbits(50)
    return "".join([_NUMBER_ALPHABET[(value >> shift) & 31] for shift in range(0, 50, 5)])


class OrderFactory:
    """Builds Order records; one instance per random stream (seed, live, control)."""

    def __init__(
        self,
        rng: random.Random,
        products: tuple[Product, ...],
        address_count: int,
        release_delay_ms: int,
        taken_numbers: set[str],
    ) -> None:
        self.rng = rng
        self.products = products
        self.electrical = [i for i, p in enumerate(products) if p.electrical]
        self.address_count = address_count
        self.release_delay_ms = release_delay_ms
        self.taken = taken_numbers

    # -- building blocks -------------------------------------------------
    def _shell(self, order_ms: int) -> Order:
        rng = self.rng
        number = order_number_from(rng)
        while number in self.taken:
            number = order_number_from(rng)
        self.taken.add(number)
        addr = below(rng, self.address_count)
        inv = addr if rng.random() < 0.9 else below(rng, self.address_count)
        order = Order(uuid4_from(rng), number, order_ms, pick(rng, _PAYMENT_CUM), addr, inv)
        order.edd_days = 2 + below(rng, 5)
        return order

    def _items(self, order: Order, count: int | None, weee: bool | None, status: int) -> None:
        rng = self.rng
        if count is None:
            count = 1 + pick(rng, _ITEM_COUNT_CUM)
        if weee is None:
            weee = rng.random() < 0.05
        product = self.electrical[below(rng, len(self.electrical))] if weee else below(rng, len(self.products))
        for index in range(count):
            if index and rng.random() >= 0.4:  # 40%: same SKU again (= quantity 2+)
                product = below(rng, len(self.products))
            info = self.products[product]
            pickup: bool | None = None
            if info.electrical:
                pickup = weee and index == 0
            order.items.append(Item(uuid4_from(rng), product, info.price, pickup, status))
        top = max(self.products[i.product].price for i in order.items)
        fee = pick(rng, _FEE_CUM)
        order.fee = 4 if top >= 30000 and fee else fee
        if rng.random() < 0.03:
            discount = max(1, order.items[0].price // 10)
            order.discount = discount - 1 if discount % 10 == 0 else discount  # keep 2 decimals

    def _release_delay(self, order: Order) -> int:
        """Prepayment orders wait for the money: up to a few days longer."""
        if order.payment == PREPAYMENT:
            return self.release_delay_ms + self.rng.randint(HOUR_MS, 5 * DAY_MS)
        return self.release_delay_ms

    @staticmethod
    def _process(order: Order, at_ms: int) -> None:
        order.visible = True
        for item in order.items:
            item.status = PROCESSABLE
            item.processable_ms = at_ms

    def _ship(self, items: list[Item], at_ms: int) -> None:
        carrier = self.rng.choice(_TRACKED_CARRIERS)
        number = tracking_number(self.rng, carrier)
        for item in items:
            item.status, item.sent_ms, item.carrier, item.tracking = SENT, at_ms, carrier, number

    @staticmethod
    def _cancel(item: Item, status: int, reason: str, at_ms: int) -> None:
        item.status, item.reason, item.cancel_ms = status, REASON_CODE[reason], at_ms

    # -- public ----------------------------------------------------------
    def seeded(self, base_ms: int) -> Order:
        """One backlog order whose whole history lies before base_ms."""
        rng = self.rng
        age_roll, kind = rng.random(), rng.random()
        order = self._shell(0)
        self._items(order, None, None, ANNOUNCED)
        delay = self._release_delay(order)
        if kind < 0.10:  # still ANNOUNCED: recent, release due in the future
            order.order_ms = base_ms - int(age_roll * 0.95 * min(delay, SEED_WINDOW_MS)) // 1000 * 1000
            order.changed = order.order_ms
            order.release_due = order.order_ms + delay
            order.abort = rng.random() < (0.35 if order.payment == PREPAYMENT else 0.08)
            return order
        oldest = max(SEED_WINDOW_MS, delay + 2 * HOUR_MS)
        youngest = min(delay + 2 * HOUR_MS, oldest - HOUR_MS)
        order.order_ms = base_ms - (youngest + int(age_roll * (oldest - youngest))) // 1000 * 1000
        processable = order.order_ms + delay
        room = base_ms - 60_000 - processable  # ms between release and "now"
        if kind < 0.13:
            self._seed_cancelled(order, processable, room)
        elif kind < 0.17:
            self._seed_mixed(order, processable, room)
        else:
            self._process(order, processable)
            if kind < 0.45:
                self._ship(order.items, processable + int(rng.random() * min(room, 72 * HOUR_MS)))
        order.changed = max([order.order_ms] + [_last_event(i) for i in order.items])
        return order

    def _seed_cancelled(self, order: Order, processable: int, room: int) -> None:
        names, weights = zip(*_CANCEL_REASONS)
        reason = self.rng.choices(names, weights)[0]
        if reason in ("PAYMENT_ABORTED", "PAYMENT_FRAUD"):  # cancelled before release
            at = order.order_ms + int(self.rng.random() * (processable - order.order_ms))
        else:
            self._process(order, processable)
            at = processable + int(self.rng.random() * room)
        for item in order.items:
            self._cancel(item, CANCELLED_BY_MARKETPLACE, reason, at)

    def _seed_mixed(self, order: Order, processable: int, room: int) -> None:
        rng = self.rng
        if len(order.items) < 2:
            first = order.items[0]
            pickup = None if first.weee is None else False
            order.items.append(Item(uuid4_from(rng), first.product, first.price, pickup, ANNOUNCED))
        self._process(order, processable)
        first, rest = order.items[0], order.items[1:]
        at = processable + int(rng.random() * room * 0.5)
        pattern = rng.randrange(4)
        if pattern == 0:  # partially shipped
            self._ship([first], at)
        elif pattern == 1:  # partner cancelled one unit
            self._cancel(first, CANCELLED_BY_PARTNER, "CANCELLED_ON_PARTNER_WISH", at)
        elif pattern == 2:  # customer cancelled one unit, rest shipped
            self._cancel(first, CANCELLED_BY_MARKETPLACE, "CANCELLED_ON_CUSTOMER_WISH", at)
            self._ship(rest, at + int(rng.random() * room * 0.4))
        else:  # everything shipped, one unit came back
            self._ship(order.items, at)
            first.status, first.returned_ms = RETURNED, at + int(rng.random() * room * 0.5)
            first.returned_ms = max(first.returned_ms, at + 1000)

    def fresh(
        self, at_ms: int, *, announced: bool, weee: bool | None = None, items: int | None = None, may_abort: bool
    ) -> Order:
        """A brand-new order placed at at_ms (control API and generate_every)."""
        order = self._shell(at_ms)
        self._items(order, items, weee, ANNOUNCED)
        if announced:
            order.release_due = at_ms + self._release_delay(order)
            order.abort = may_abort and self.rng.random() < (0.35 if order.payment == PREPAYMENT else 0.08)
        else:
            self._process(order, at_ms)
        order.changed = at_ms
        return order


def _last_event(item: Item) -> int:
    return max(t for t in (item.processable_ms, item.sent_ms, item.cancel_ms, item.returned_ms, 0) if t is not None)

