"""Compact in-memory records of the Amazon sandbox, plus the Orders v0 enums and quotas.

Orders are small __slots__ objects with epoch-millisecond timestamps and integer codes; JSON is rendered from them only when a client asks and cached
as bytes until the order changes. That keeps 100,000 seeded orders cheap to hold and page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.sandbox.amazon.shipment import Package

# OrderStatus values as small ints (index into ORDER_STATUSES).
(PENDING, PENDING_AVAILABILITY, UNSHIPPED, PARTIALLY_SHIPPED, SHIPPED, CANCELED, INVOICE_UNCONFIRMED,
 UNFULFILLABLE) = range(8)
ORDER_STATUSES = ("Pending", "PendingAvailability", "Unshipped", "PartiallyShipped", "Shipped", "Canceled",
                  "InvoiceUnconfirmed", "Unfulfillable")
STATUS_CODE = {name: code for code, name in enumerate(ORDER_STATUSES)}

HELD = frozenset({PENDING, PENDING_AVAILABILITY})  # placed, payment not authorised yet
# ShippingAddress and BuyerInfo exist only for these (spec note on Order.ShippingAddress).
PII_STATUSES = frozenset({UNSHIPPED, PARTIALLY_SHIPPED, SHIPPED, INVOICE_UNCONFIRMED})
PAID = PII_STATUSES

MARKETPLACE_ID = "A1PA6795UKMFR9"  # Amazon.de
SALES_CHANNEL = "Amazon.de"
CURRENCY = "EUR"

# Usage plans from ordersV0.json / tokens_2021-03-01.json: operation -> (requests per second, burst).
QUOTAS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createRestrictedDataToken": (1.0, 10),
}

MALFORMED_KINDS = ("missing_field", "wrong_type", "unknown_enum")


class Item:
    """One OrderItem: a product and a quantity. Money in cents, for the whole quantity."""

    __slots__ = ("iid", "product", "qty", "shipped", "price", "tax", "shipping", "promo", "ship_discount")

    def __init__(self, iid: str, product: int, qty: int, price: int, tax: int) -> None:
        self.iid = iid  # OrderItemId, 14 digits
        self.product = product  # index into the catalog
        self.qty = qty
        self.shipped = 0
        self.price = price  # ItemPrice = unit price x quantity (gross: EU prices include VAT)
        self.tax = tax  # ItemTax: the VAT contained in ItemPrice
        self.shipping = 0  # ShippingPrice
        self.promo = 0  # PromotionDiscount (positive amount)
        self.ship_discount = 0  # ShippingDiscount (positive amount)


class Order:
    """A sales order; `changed` is LastUpdateDate (epoch ms)."""

    __slots__ = (
        "oid", "purchase", "changed", "status", "items", "addr", "prime", "business", "preorder",
        "release_due", "abort", "malformed", "blob", "blob_pii", "items_blob", "packages",
    )  # fmt: skip

    def __init__(self, oid: str, purchase: int, status: int, addr: int) -> None:
        self.oid = oid  # AmazonOrderId, 3-7-7
        self.purchase = purchase  # PurchaseDate (epoch ms)
        self.changed = purchase
        self.status = status
        self.items: list[Item] = []
        self.addr = addr  # index into the address pool
        self.prime = False
        self.business = False
        self.preorder = False  # OrderType Preorder (held as PendingAvailability)
        self.release_due: int | None = None  # when a held order's payment is authorised
        self.abort = False  # at release_due: Amazon cancels instead (payment failed)
        self.malformed: str | None = None
        # Rendered JSON, cleared on every change: without and with PII, and the item list.
        self.blob: bytes | None = None
        self.blob_pii: bytes | None = None
        self.items_blob: list[bytes] | None = None
        # Confirmed packages by packageReferenceId (shipment.Package); None until the first one.
        self.packages: dict[str, Package] | None = None

    def forget_rendering(self) -> None:
        self.blob = self.blob_pii = self.items_blob = None

    @property
    def total(self) -> int:
        """OrderTotal in cents: items plus shipping minus promotions (EU prices include VAT)."""
        return sum(i.price + i.shipping - i.promo - i.ship_discount for i in self.items)
