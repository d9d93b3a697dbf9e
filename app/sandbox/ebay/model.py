"""Compact in-memory records of the eBay sandbox, plus the wire enums it speaks.

Orders are small __slots__ objects with integer-millisecond timestamps and small
integer codes; Fulfillment API JSON is built from them only when a client asks
(and then cached), which keeps 100,000 seeded orders cheap to hold and to page.
"""

from __future__ import annotations

# orderPaymentStatus (OrderPaymentStatusEnum), as small ints indexing PAYMENT_STATES.
PENDING, PAID, FAILED, FULLY_REFUNDED, PARTIALLY_REFUNDED = range(5)
PAYMENT_STATES = ("PENDING", "PAID", "FAILED", "FULLY_REFUNDED", "PARTIALLY_REFUNDED")
MONEY_COLLECTED = frozenset({PAID, FULLY_REFUNDED, PARTIALLY_REFUNDED})

# cancelStatus.cancelState: NONE_REQUESTED is documented; the other two are UNCONFIRMED.
NONE_REQUESTED, CANCEL_IN_PROGRESS, CANCELED = range(3)
CANCEL_STATES = ("NONE_REQUESTED", "IN_PROGRESS", "CANCELED")

# orderFulfillmentStatus and lineItemFulfillmentStatus share these values.
NOT_STARTED, IN_PROGRESS, FULFILLED = "NOT_STARTED", "IN_PROGRESS", "FULFILLED"

MALFORMED_KINDS = ("missing_field", "wrong_type", "unknown_enum")
CURRENCY = "EUR"
MARKETPLACE_ID = "EBAY_DE"


class Line:
    """One line item: a listing bought `qty` times (eBay has quantities, unlike OTTO)."""

    __slots__ = ("lid", "listing", "qty", "unit", "shipping", "discount", "fulfillment")

    def __init__(self, lid: str, listing: int, qty: int, unit: int, shipping: int) -> None:
        self.lid = lid  # lineItemId
        self.listing = listing  # index into the listing pool
        self.qty = qty
        self.unit = unit  # cents per piece
        self.shipping = shipping  # cents for all pieces of this line (deliveryCost.shippingCost)
        self.discount = 0  # cents off this line (appliedPromotions); 0 = none
        self.fulfillment: Fulfillment | None = None  # the package it went out in

    @property
    def cost(self) -> int:
        """lineItemCost: the price of all pieces before discounts."""
        return self.unit * self.qty

    @property
    def total(self) -> int:
        return self.cost + self.shipping - self.discount


class Fulfillment:
    """One shipping fulfillment (package) of an order."""

    __slots__ = ("fid", "lids", "carrier", "tracking", "shipped_ms")

    def __init__(self, fid: str, lids: tuple[str, ...], carrier: str | None, tracking: str | None,
                 shipped_ms: int) -> None:
        self.fid = fid
        self.lids = lids
        self.carrier = carrier
        self.tracking = tracking
        self.shipped_ms = shipped_ms


class Order:
    """A Fulfillment API order; `changed` is its lastModifiedDate in epoch ms."""

    __slots__ = (
        "oid", "record", "created_ms", "changed", "buyer", "payment", "paid_ms", "lines", "fulfillments",
        "cancel", "cancel_ms", "cancel_reason", "release_due", "abort", "note", "malformed", "blob",
    )  # fmt: skip

    def __init__(self, oid: str, record: int, created_ms: int, buyer: int) -> None:
        self.oid = oid  # orderId, e.g. "12-34567-89012"
        self.record = record  # salesRecordReference
        self.created_ms = created_ms
        self.changed = created_ms
        self.buyer = buyer  # index into the buyer pool
        self.payment = PAID
        self.paid_ms: int | None = None
        self.lines: list[Line] = []
        self.fulfillments: list[Fulfillment] = []
        self.cancel = NONE_REQUESTED
        self.cancel_ms: int | None = None
        self.cancel_reason = ""
        self.release_due: int | None = None  # when a PENDING payment clears (or fails, see abort)
        self.abort = False  # at release_due the payment fails and eBay cancels the order instead
        self.note: str | None = None  # buyerCheckoutNotes
        self.malformed: str | None = None
        self.blob: bytes | None = None  # cached getOrders JSON; cleared on every change

    @property
    def held(self) -> bool:
        """Waiting for the buyer's money (what the control API calls held)."""
        return self.payment in (PENDING, FAILED) and self.cancel != CANCELED

    @property
    def fulfillment_status(self) -> str:
        shipped = sum(1 for line in self.lines if line.fulfillment is not None)
        if not shipped:
            return NOT_STARTED
        return FULFILLED if shipped == len(self.lines) else IN_PROGRESS

    @property
    def total(self) -> int:
        """pricingSummary.total in cents: lines + shipping - discounts."""
        return sum(line.total for line in self.lines)
