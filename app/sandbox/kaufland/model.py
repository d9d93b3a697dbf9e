"""Compact in-memory records of the Kaufland sandbox, plus the wire enums (Seller API v2.17).

Kaufland sells one piece per *order unit*: an order of three toasters is one order
(`id_order`) with three units (`id_order_unit`), each with its own status, price and
shipping rate. Units are small __slots__ objects with integer-second timestamps and small
integer codes (the wire format has whole seconds); JSON is rendered only when a client asks.
Units refer to their order by id, not by object, so the records hold no reference cycles.
"""

from __future__ import annotations

# Unit states as small ints, ordered by how far a unit has come: every transition the
# marketplace allows moves a unit to a higher code (open -> need_to_be_sent -> sent -> ...;
# cancelled is only reachable from open and need_to_be_sent).
OPEN, NEED_TO_BE_SENT, SENT, SENT_AND_AUTOPAID, RECEIVED, RETURNED, RETURNED_PAID, CANCELLED = range(8)
UNIT_STATUS = (
    "open",
    "need_to_be_sent",
    "sent",
    "sent_and_autopaid",
    "received",
    "returned",
    "returned_paid",
    "cancelled",
)
STATUS_CODE = {name: code for code, name in enumerate(UNIT_STATUS)}
SHIPPED_STATES = frozenset({SENT, SENT_AND_AUTOPAID, RECEIVED})

CANCEL_REASONS = (
    "BuyerCancelled", "ShippingAddressUndeliverable", "WrongCatalogData", "GeneralAdjustment",
    "MerchandiseNotReceived", "NoInventory", "DelayedInventory", "WrongPrice", "NoReactionBuyer",
    "UndeliverableRegion",
)  # fmt: skip
REASON_CODE = {name: code for code, name in enumerate(CANCEL_REASONS)}

# Storefronts of spec 2.17/2.18; later versions reportedly add fr, it, es, nl (UNCONFIRMED:
# switch `extended_storefronts`).
STOREFRONTS = ("de", "cz", "sk", "pl", "at")
EXTENDED_STOREFRONTS = ("fr", "it", "es", "nl")
CURRENCY = {"de": "EUR", "at": "EUR", "sk": "EUR", "cz": "CZK", "pl": "PLN",
            "fr": "EUR", "it": "EUR", "es": "EUR", "nl": "EUR"}  # fmt: skip
FULFILLMENT_TYPES = ("fulfilled_by_merchant", "fulfilled_by_kaufland")
FBM, FBK = 0, 1
_STOREFRONT_INDEX = {name: index for index, name in enumerate(STOREFRONTS + EXTENDED_STOREFRONTS)}


def partition(storefront: str, fulfillment: int) -> int:
    """Small int naming (storefront, fulfillment type): list filters compare units by it."""
    return _STOREFRONT_INDEX[storefront] * 2 + fulfillment

MALFORMED_KINDS = ("missing_field", "wrong_type", "unknown_enum")


class Unit:
    """One piece of one offer in one order."""

    __slots__ = ("uid", "oid", "part", "product", "price", "shipping", "status", "reason", "updated", "blob",
                 "parcels")

    def __init__(self, uid: int, oid: str, part: int, product: int, price: int, shipping: int) -> None:
        self.uid = uid
        self.oid = oid
        self.part = part  # partition(storefront, fulfillment) of the order
        self.product = product  # index into the product catalog
        self.price = price  # gross, minor units of the order's currency
        self.shipping = shipping  # shipping_rate of this unit, minor units
        self.status = OPEN
        self.reason: int | None = None  # index into CANCEL_REASONS once cancelled
        self.updated = 0  # ts_updated, epoch seconds
        self.blob: bytes | None = None  # cached OrderUnit JSON; cleared on every change
        # What the seller sent with PATCH /send and POST /shipments. Kaufland's OrderUnit (spec 2.17)
        # has no field for them, so they are kept here and shown only by the control API.
        self.parcels: tuple[tuple[str, str], ...] = ()  # (carrier_code, tracking_number) per parcel


class Order:
    """An order: its units plus what the units share (dates, storefront, buyer, addresses)."""

    __slots__ = (
        "oid", "created", "storefront", "fulfillment", "ship_to", "bill_to", "buyer", "units",
        "release_due", "abort", "visible", "malformed",
    )  # fmt: skip

    def __init__(self, oid: str, created: int, storefront: str, fulfillment: int, ship_to: int, bill_to: int,
                 buyer: int) -> None:  # fmt: skip
        self.oid = oid
        self.created = created  # ts_created, epoch seconds
        self.storefront = storefront
        self.fulfillment = fulfillment
        self.ship_to = ship_to  # index into the address pool of the storefront's country
        self.bill_to = bill_to
        self.buyer = buyer  # id_buyer
        self.units: list[Unit] = []
        self.release_due: int | None = None  # when the open units are released (epoch seconds)
        self.abort = False  # at release_due the marketplace cancels instead (buyer never paid)
        self.visible = False  # addresses are shown once the order was released
        self.malformed: str | None = None

    @property
    def updated(self) -> int:
        """ts_units_updated: the newest change of any unit."""
        return max(unit.updated for unit in self.units)

    @property
    def held(self) -> bool:
        return any(unit.status == OPEN for unit in self.units)

    @property
    def currency(self) -> str:
        return CURRENCY[self.storefront]
