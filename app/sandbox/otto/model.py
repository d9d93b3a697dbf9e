"""Compact in-memory records for the OTTO sandbox, plus the wire enums.

Orders are kept as small __slots__ objects with integer-millisecond timestamps
and small integer codes; JSON is built from them only when a client asks. That
keeps 100,000 seeded orders well below 200 MB and makes state changes cheap.
"""

from __future__ import annotations

# Position-item fulfillment states, as small ints (index into FULFILLMENT).
ANNOUNCED, PROCESSABLE, SENT, RETURNED, CANCELLED_BY_PARTNER, CANCELLED_BY_MARKETPLACE = range(6)
FULFILLMENT = (
    "ANNOUNCED",
    "PROCESSABLE",
    "SENT",
    "RETURNED",
    "CANCELLED_BY_PARTNER",
    "CANCELLED_BY_MARKETPLACE",
)
STATUS_CODE = {name: code for code, name in enumerate(FULFILLMENT)}

CANCELLATION_REASONS = (
    "CANCELLED_ON_CUSTOMER_WISH",
    "CANCELLED_ON_PARTNER_WISH",
    "PAYMENT_ABORTED",
    "PAYMENT_FRAUD",
    "PARTNER_TERMINATED",
    "ILLEGAL_PRODUCT",
    "MARKETPLACE_FRAUD",
    "CANCELLED_ON_MARKETPLACE_WISH",
)
REASON_CODE = {name: code for code, name in enumerate(CANCELLATION_REASONS)}

PAYMENT_METHODS = (
    "INVOICE_SINGLE",
    "INVOICE_INSTALLMENTS",
    "PREPAYMENT",
    "DIRECT_DEBIT",
    "DIRECT_DEBIT_INSTALLMENTS",
    "CREDIT_CARD_ONLINE",
    "PAYPAL",
    "CREDIT_CARD",
)
PREPAYMENT = PAYMENT_METHODS.index("PREPAYMENT")

PARCEL_CARRIERS = ("DHL", "DHL_EXPRESS", "DHL_FREIGHT", "DHL_HOME_DELIVERY", "GLS", "HERMES", "DPD", "UPS")
FORWARDER_CARRIERS = (
    "BTW", "BURSPED", "CARGOLINE", "DACHSER", "DB_SCHENKER", "DSV", "EMONS", "EPH_DIREKT", "IDS",
    "GEIS", "GEL", "GUETTLER", "HES", "HELLMANN", "HEUEL", "KOCH", "KUEHNE_NAGEL", "LOGWIN",
    "MEYER_JUMBO", "RABEN_LOGISTIK", "RHENUS", "REIMER", "REITHMEIER", "SCHOCKEMOEHLE",
    "SCHMIDT_GEVELSBERG", "ZUFALL", "OTHER_FORWARDER",
)  # fmt: skip
CARRIERS = PARCEL_CARRIERS + FORWARDER_CARRIERS
RETURN_CARRIERS = ("DHL", "GLS", "HERMES")

# Bucket rule of GET /v4/orders (mode=BUCKET): a state matches when the order has
# >=1 item in it and none in the "blocking" states listed here.
_A, _P, _S = 1 << ANNOUNCED, 1 << PROCESSABLE, 1 << SENT
BUCKET_BLOCKERS = {
    ANNOUNCED: 0,
    PROCESSABLE: _A,
    SENT: _A | _P,
    RETURNED: _A | _P | _S,
    CANCELLED_BY_PARTNER: 0,
    CANCELLED_BY_MARKETPLACE: 0,
}

MALFORMED_KINDS = ("missing_field", "wrong_type", "unknown_enum", "huge", "bad_encoding")


class Item:
    """One physical unit of an order (OTTO has no quantity field)."""

    __slots__ = (
        "pid", "product", "price", "weee", "status", "reason", "cancel_ms",
        "processable_ms", "sent_ms", "carrier", "tracking", "returned_ms",
    )  # fmt: skip

    def __init__(self, pid: str, product: int, price: int, weee: bool | None, status: int) -> None:
        self.pid = pid
        self.product = product  # index into the product catalog
        self.price = price  # gross cents
        self.weee = weee  # None = field absent on the wire
        self.status = status
        self.reason: int | None = None
        self.cancel_ms: int | None = None
        self.processable_ms: int | None = None
        self.sent_ms: int | None = None
        self.carrier: str | None = None
        self.tracking: str | None = None
        self.returned_ms: int | None = None


class Order:
    """A sales order; `changed` is both lastModifiedDate and lifecycleChangeDate."""

    __slots__ = (
        "sid", "number", "order_ms", "changed", "payment", "addr", "inv", "items", "fee",
        "discount", "edd_days", "visible", "release_due", "abort", "malformed", "blob",
    )  # fmt: skip

    def __init__(self, sid: str, number: str, order_ms: int, payment: int, addr: int, inv: int) -> None:
        self.sid = sid
        self.number = number
        self.order_ms = order_ms
        self.changed = order_ms
        self.payment = payment
        self.addr = addr  # index into the address pool
        self.inv = inv  # invoice address index (often == addr)
        self.items: list[Item] = []
        self.fee = 0  # index into the delivery-fee table; 0 = no fee
        self.discount = 0  # cents off the first item; 0 = none
        self.edd_days = 3
        self.visible = False  # addresses shown once any item was PROCESSABLE
        self.release_due: int | None = None  # when ANNOUNCED items become PROCESSABLE
        self.abort = False  # at release_due: marketplace cancels (PAYMENT_ABORTED) instead
        self.malformed: str | None = None
        self.blob: bytes | None = None  # cached wire JSON; cleared on every change

    @property
    def mask(self) -> int:
        """Bit set of the item states present (1 << status)."""
        mask = 0
        for item in self.items:
            mask |= 1 << item.status
        return mask


class Receipt:
    """A PURCHASE receipt for the items of one order shipped together."""

    __slots__ = ("number", "order", "created_ms", "ship_ms", "pids", "ship_from", "with_fees")

    def __init__(
        self,
        number: str,
        order: Order,
        created_ms: int,
        ship_ms: int,
        pids: tuple[str, ...],
        ship_from: tuple[str, str],
        with_fees: bool,
    ) -> None:
        self.number = number
        self.order = order
        self.created_ms = created_ms
        self.ship_ms = ship_ms
        self.pids = pids
        self.ship_from = ship_from  # (countryCode, zipCode)
        self.with_fees = with_fees  # the first receipt of an order bills the delivery fee


def order_status(mask: int) -> str:
    """One status per order for summaries: the most 'active' item state wins."""
    for code in (ANNOUNCED, PROCESSABLE, SENT, RETURNED, CANCELLED_BY_PARTNER, CANCELLED_BY_MARKETPLACE):
        if mask & (1 << code):
            return FULFILLMENT[code]
    return "EMPTY"
