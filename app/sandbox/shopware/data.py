"""Deterministic orders for the Shopware sandbox.

Same seed and count give the same ids, numbers and contents; dates are offsets from the
clock at start. The mix is what a shop's order list looks like when it is first connected:
mostly paid (PayPal, card, paid prepayment and invoices), ~10 % recent prepayment orders
still waiting for the money (held; released `release_delay` after ordering, ~20 % cancelled
instead because the customer never pays), unpaid invoices and cash on delivery (not held),
some shipped with tracking codes, a few cancelled (refunded when they were paid), a few with
a failed first payment attempt, several lines with quantities > 1, promotions and shipping
costs.
"""

from __future__ import annotations

import random
from itertools import accumulate

from app.sandbox.seeding import below, pick, tracking_number
from app.sandbox.shopware.catalog import Product
from app.sandbox.shopware.model import (
    DAY_MS,
    EXPRESS,
    PAYMENT_CODE,
    PAYMENT_METHODS,
    PREPAYMENT,
    PROMOTIONS,
    SHIPPING_METHODS,
    STANDARD,
    Line,
    Order,
    Transaction,
)

SECOND_MS = 1000
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
SEED_WINDOW_MS = 30 * DAY_MS

HELD_SHARE = 0.10
CANCELLED_SHARE = 0.03
ABORT_SHARE = 0.20  # held prepayment orders the customer never pays
PROMOTION_SHARE = 0.10

_PAYMENT_CUM = tuple(accumulate((15, 20, 5, 10, 38, 12)))  # aligned with model.PAYMENT_METHODS
_NOT_PREPAYMENT = tuple(code for code in range(len(PAYMENT_METHODS)) if code != PREPAYMENT)
_LINE_COUNT_CUM = tuple(accumulate((55, 28, 12, 5)))  # 1..4 product lines
_QUANTITY_CUM = tuple(accumulate((75, 18, 7)))  # quantity 1..3
_INSTANT = {PAYMENT_CODE["paypal"], PAYMENT_CODE["card"]}  # paid a few seconds after ordering


class OrderFactory:
    """Builds Order records; one instance per random stream (seed, live, control)."""

    def __init__(self, rng: random.Random, products: tuple[Product, ...], customer_count: int,
                 release_delay_ms: int) -> None:
        self.rng = rng
        self.products = products
        self.customer_count = customer_count
        self.release_delay_ms = release_delay_ms

    # -- building blocks ------------------------------------------------------------------
    def _id(self) -> str:
        """32 hex characters shaped like Shopware's Uuid::randomHex() (a v4 UUID)."""
        value = self.rng.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
        return f"{value:032x}"

    def _order(self, created_ms: int, method: int, items: int | None = None) -> Order:
        rng = self.rng
        order = Order(self._id(), created_ms, below(rng, self.customer_count))
        if rng.random() < 0.1:  # shipped to someone else (a gift, the office)
            order.shipping_addr = below(rng, self.customer_count)
        count = items if items is not None else 1 + pick(rng, _LINE_COUNT_CUM)
        chosen: list[int] = []
        while len(chosen) < count:
            product = below(rng, len(self.products))
            if product not in chosen or len(chosen) >= len(self.products):
                chosen.append(product)
        for product in chosen:
            order.lines.append(Line(product, 1 + pick(rng, _QUANTITY_CUM), self.products[product].price))
        if rng.random() < PROMOTION_SHARE:
            self._promote(order, below(rng, len(PROMOTIONS)))
        order.shipping_method = EXPRESS if rng.random() < 0.15 else STANDARD
        _, _, fee, free_from = SHIPPING_METHODS[order.shipping_method]
        order.shipping = 0 if free_from is not None and order.goods - order.discount >= free_from else fee
        order.transactions.append(Transaction(method, "open", created_ms))
        return order

    @staticmethod
    def _promote(order: Order, promotion: int) -> None:
        _, _, percent, absolute = PROMOTIONS[promotion]
        goods = order.goods
        discount = goods * percent // 100 if percent else min(absolute or 0, goods - 1)
        if discount > 0:
            order.promotion, order.discount = promotion, discount

    def _later(self, start: int, low: int, high: int) -> int:
        """A moment between start+low and start+high, with milliseconds like a database stamp."""
        return start + low + int(self.rng.random() * (high - low))

    # -- public -------------------------------------------------------------------------
    def seeded(self, base_ms: int) -> Order:
        """One order whose whole known history lies before base_ms."""
        rng = self.rng
        roll = rng.random()
        if roll < HELD_SHARE:  # recent prepayment, money still expected
            created = base_ms - int(rng.random() * 0.95 * self.release_delay_ms)
            order = self._order(created, PREPAYMENT)
            order.release_due = created + self.release_delay_ms
            order.abort = rng.random() < ABORT_SHARE
            return order
        created = base_ms - self._later(0, 2 * HOUR_MS, SEED_WINDOW_MS)
        order = self._order(created, pick(rng, _PAYMENT_CUM))
        self._history(order, base_ms - MINUTE_MS, cancelled=roll < HELD_SHARE + CANCELLED_SHARE)
        return order

    def fresh(self, at_ms: int, *, held: bool, items: int | None = None, payment: int | None = None,
              may_abort: bool = False) -> Order:
        """A brand-new order placed at at_ms (control API and generate_every)."""
        rng = self.rng
        if held:
            payment = PREPAYMENT
        elif payment is None:
            payment = _NOT_PREPAYMENT[below(rng, len(_NOT_PREPAYMENT))]
        order = self._order(at_ms, payment, items)
        if held:
            order.release_due = at_ms + self.release_delay_ms
            order.abort = may_abort and rng.random() < ABORT_SHARE
        elif payment in _INSTANT or payment == PREPAYMENT:
            _pay(order.transaction, at_ms)
        return order

    # -- history of a seeded order --------------------------------------------------------
    def _history(self, order: Order, now: int, *, cancelled: bool) -> None:
        rng = self.rng
        tx = order.transaction
        method = PAYMENT_METHODS[tx.method][0]
        created = order.created_ms
        paid_at: int | None = None
        if method in ("paypal", "card"):
            if rng.random() < 0.03:  # first attempt failed, the customer paid with a second one
                tx.state, tx.updated_ms = "failed", self._later(created, 20 * SECOND_MS, 90 * SECOND_MS)
                tx = Transaction(tx.method, "open", self._later(tx.updated_ms, 30 * SECOND_MS, 5 * MINUTE_MS))
                order.transactions.append(tx)
            paid_at = self._later(tx.created_ms, 3 * SECOND_MS, 60 * SECOND_MS)
        elif method == "prepayment":
            if rng.random() < 0.05:  # never paid: cancelled by the shop
                self._cancel(order, self._later(created, 0, now - created), now)
                return
            paid_at = min(self._later(created, HOUR_MS, 4 * DAY_MS), self._later(created, 0, now - created))
        elif method == "invoice":
            paid_at = self._later(created, 3 * DAY_MS, 14 * DAY_MS)
        elif method == "debit":
            paid_at = self._later(created, 2 * DAY_MS, 5 * DAY_MS)
        ready = paid_at if method == "prepayment" else created  # when the goods may leave
        assert ready is not None
        if cancelled:
            cancel_at = self._later(ready, 0, max(1, now - ready))
            if paid_at is not None and paid_at <= cancel_at:
                _pay(tx, paid_at)
            self._cancel(order, cancel_at, now)
            return
        shipped_at = None
        if rng.random() < 0.45 and ready + 2 * HOUR_MS < now:
            shipped_at = min(now, self._later(ready, 2 * HOUR_MS, 72 * HOUR_MS))
            carrier = "DHL" if order.shipping_method == STANDARD or rng.random() < 0.5 else "UPS"
            order.tracking = (tracking_number(rng, carrier),)
            order.delivery_state, order.delivery_updated_ms = "shipped", shipped_at
            order.state, order.updated_ms = "in_progress", max(ready, shipped_at - self._later(0, 0, HOUR_MS))
            done = shipped_at + 3 * DAY_MS
            if rng.random() < 0.5 and done <= now:
                order.state, order.updated_ms = "completed", done
            if method == "cash":
                paid_at = shipped_at + 2 * DAY_MS
        elif rng.random() < 0.3 and ready + HOUR_MS < now:
            order.state, order.updated_ms = "in_progress", self._later(ready, 0, min(now - ready, 2 * DAY_MS))
        if paid_at is not None and paid_at <= now:
            _pay(tx, paid_at)

    def _cancel(self, order: Order, at: int, now: int) -> None:
        """Cancelled by the shop: order and delivery cancelled; an open payment is cancelled,
        a collected one refunded a day later (if that day has come)."""
        order.state, order.updated_ms = "cancelled", at
        order.delivery_state, order.delivery_updated_ms = "cancelled", at
        tx = order.transaction
        if tx.state == "paid":
            refund = at + DAY_MS
            if refund <= now:
                tx.state, tx.updated_ms = "refunded", refund
        else:
            tx.state, tx.updated_ms = "cancelled", at


def _pay(tx: Transaction, at: int) -> None:
    tx.state, tx.updated_ms = "paid", at
