"""Deterministic order generator for the eBay sandbox.

Same seed and count give the same order ids, line items, buyers and amounts;
dates are offsets from the clock at start. The seeded mix is dealt from a
shuffled deck, so small sandboxes get the same shares as big ones: mostly paid,
~10% waiting for payment (recent, paid `release_delay` later, some fail and are
cancelled instead), about a third shipped, a few partly shipped, a few cancelled.
"""

from __future__ import annotations

import random
from itertools import accumulate

from app.sandbox.ebay.catalog import CARRIERS, Buyer, Listing
from app.sandbox.ebay.model import (
    CANCELED,
    FAILED,
    FULLY_REFUNDED,
    PAID,
    PENDING,
    Fulfillment,
    Line,
    Order,
)
from app.sandbox.seeding import pick, tracking_number

SECOND_MS = 1000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
SEED_WINDOW_MS = 30 * DAY_MS
ABORT_SHARE = 0.15  # held orders whose payment fails (eBay cancels them)

# (kind, share of the seeded orders); "paid" takes the rest.
SEED_MIX = (("held", 0.10), ("shipped", 0.30), ("partial", 0.04), ("cancelled_paid", 0.02),
            ("cancelled_unpaid", 0.015))
_LINES_CUM = tuple(accumulate((65, 25, 10)))  # 1, 2 or 3 line items
_QTY_CUM = tuple(accumulate((75, 15, 5, 3, 2)))  # quantity 1..5
SHIPPING_CENTS = (0, 0, 0, 0, 499, 499, 599, 695)
CANCEL_REASONS = ("BUYER_ASKED_CANCEL", "ORDER_UNPAID", "OUT_OF_STOCK_OR_CANNOT_FULFILL")  # UNCONFIRMED values
NOTES = ("Bitte beim Nachbarn abgeben.", "Bitte ohne Rechnung im Paket.", "Geschenk, bitte neutral verpacken.")
CARRIER_TRACKING_STYLE = {"Hermes": "HERMES", "DeutschePost": "DHL"}


def seed_deck(rng: random.Random, count: int) -> list[str]:
    """Exactly the SEED_MIX shares (rounded), in a seeded random order."""
    deck: list[str] = []
    for kind, share in SEED_MIX:
        deck += [kind] * round(count * share)
    deck = deck[:count] + ["paid"] * max(0, count - len(deck))
    rng.shuffle(deck)
    return deck


class OrderFactory:
    """Builds Order records; one instance per random stream (seed, live, control)."""

    def __init__(self, rng: random.Random, listings: tuple[Listing, ...], buyers: tuple[Buyer, ...],
                 release_delay_ms: int, ids: set[str], records: list[int]) -> None:
        self.rng = rng
        self.listings = listings
        self.buyers = buyers
        self.release_delay_ms = release_delay_ms
        self.ids = ids  # orderIds and lineItemIds taken so far (shared by all streams)
        self.records = records  # [next salesRecordReference], shared by all streams

    # -- building blocks -----------------------------------------------------------
    def _unique(self, make) -> str:  # type: ignore[no-untyped-def]
        value = make()
        while value in self.ids:
            value = make()
        self.ids.add(value)
        return value

    def _order_id(self) -> str:
        rng = self.rng
        return self._unique(lambda: f"{rng.randrange(1, 100):02d}-{rng.randrange(10**5):05d}-"
                                    f"{rng.randrange(10**5):05d}")

    def _shell(self, created_ms: int, lines: int | None) -> Order:
        rng = self.rng
        self.records[0] += 1
        order = Order(self._order_id(), self.records[0], created_ms, int(rng.random() * len(self.buyers)))
        count = lines or 1 + pick(rng, _LINES_CUM)
        for index in range(count):
            listing = int(rng.random() * len(self.listings))
            qty = 1 + pick(rng, _QTY_CUM)
            shipping = rng.choice(SHIPPING_CENTS)
            if index and rng.random() < 0.6:  # combined shipping: later lines often ship free
                shipping = 0
            lid = self._unique(lambda: str(rng.randrange(10**13, 10**14)))
            order.lines.append(Line(lid, listing, qty, self.listings[listing].price, shipping))
        if rng.random() < 0.08:  # a promotion on one line: ~10 % off, whole cents, never zero
            line = order.lines[int(rng.random() * count)]
            line.discount = max(1, line.cost // 10)
        if rng.random() < 0.05:
            order.note = rng.choice(NOTES)
        return order

    def _pay(self, order: Order, at_ms: int) -> None:
        order.payment, order.paid_ms = PAID, at_ms

    def _ship(self, order: Order, lines: list[Line], at_ms: int) -> None:
        carrier = self.rng.choice(CARRIERS)
        tracking = tracking_number(self.rng, CARRIER_TRACKING_STYLE.get(carrier, carrier.upper()))
        package = Fulfillment(tracking, tuple(line.lid for line in lines), carrier, tracking, at_ms)
        order.fulfillments.append(package)
        for line in lines:
            line.fulfillment = package

    @staticmethod
    def cancel(order: Order, at_ms: int, reason: str) -> None:
        """Whole-order cancellation: money collected is refunded, a pending payment fails."""
        order.payment = FULLY_REFUNDED if order.paid_ms is not None else FAILED
        order.cancel, order.cancel_ms, order.cancel_reason = CANCELED, at_ms, reason
        order.release_due = None

    def _hold(self, order: Order, *, may_abort: bool) -> None:
        order.payment = PENDING
        order.release_due = order.created_ms + self.release_delay_ms
        order.abort = may_abort and self.rng.random() < ABORT_SHARE

    # -- public ----------------------------------------------------------------------
    def seeded(self, kind: str, base_ms: int) -> Order:
        """One order of the given kind whose whole history lies before base_ms."""
        rng = self.rng
        if kind == "held":  # ordered recently: the payment clears after base_ms
            age = int(rng.random() * 0.9 * min(self.release_delay_ms, SEED_WINDOW_MS))
            order = self._shell(base_ms - age // SECOND_MS * SECOND_MS, None)
            self._hold(order, may_abort=True)
            return order
        youngest = min(self.release_delay_ms + 2 * HOUR_MS, SEED_WINDOW_MS - HOUR_MS)
        age = youngest + int(rng.random() * (SEED_WINDOW_MS - youngest))
        order = self._shell(base_ms - age // SECOND_MS * SECOND_MS, 2 if kind == "partial" else None)
        room = age - 60_000  # ms between the order and (almost) now
        if kind == "cancelled_unpaid":
            self.cancel(order, order.created_ms + min(self.release_delay_ms, room), "ORDER_UNPAID")
        else:
            self._pay(order, order.created_ms + int(rng.random() * 120) * SECOND_MS)
            later = order.paid_ms + int(rng.random() * min(room * 0.8, 72 * HOUR_MS))  # type: ignore[operator]
            if kind == "shipped":
                self._ship(order, order.lines, later)
            elif kind == "partial":
                self._ship(order, order.lines[:1], later)
            elif kind == "cancelled_paid":
                self.cancel(order, later, rng.choice(("BUYER_ASKED_CANCEL", "OUT_OF_STOCK_OR_CANNOT_FULFILL")))
        order.changed = max(t for t in (order.created_ms, order.paid_ms, order.cancel_ms,
                                        *(f.shipped_ms for f in order.fulfillments)) if t is not None)
        return order

    def fresh(self, at_ms: int, *, held: bool, lines: int | None = None, may_abort: bool = False) -> Order:
        """A brand-new order placed at at_ms (control API and generate_every)."""
        order = self._shell(at_ms, lines)
        if held:
            self._hold(order, may_abort=may_abort)
        else:
            self._pay(order, at_ms)
        return order
