"""The one order model every channel maps into. Immutable, so it crosses threads safely."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    OTTO = "otto"
    AMAZON = "amazon"
    EBAY = "ebay"
    KAUFLAND = "kaufland"
    SHOPWARE = "shopware"


class LineStatus(StrEnum):
    PENDING = "pending"  # the marketplace has not released it yet (e.g. OTTO ANNOUNCED)
    OPEN = "open"  # ready to ship
    SHIPPED = "shipped"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class OrderStatus(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Flag(StrEnum):
    # Stored and exported by this key; the UI shows "Recycling & Entsorgung".
    RECYCLING = "recycling_disposal"


class AddressKind(StrEnum):
    SHIPPING = "shipping"
    BILLING = "billing"


class HoldReason(StrEnum):
    """Why an order waits in the backlog instead of being shippable."""

    PAYMENT_CHECK = "payment_check"  # OTTO ANNOUNCED: marketplace still checks payment; no address yet
    AWAITING_PAYMENT = "awaiting_payment"  # eBay payment not PAID; Shopware prepayment not yet paid
    MARKETPLACE_PENDING = "marketplace_pending"  # Amazon Pending: not paid, no address yet
    NOT_RELEASED = "not_released"  # Kaufland unit still "open": not released for shipping


@dataclass(frozen=True, slots=True)
class Address:
    first_name: str
    last_name: str
    street: str
    house_number: str
    zip_code: str
    city: str
    country_code: str  # ISO 3166-1 alpha-2
    salutation: str = ""
    company: str = ""
    addition: str = ""
    email: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class OrderLine:
    external_id: str  # the marketplace's id of this line / piece
    sku: str
    title: str
    quantity: int
    unit_price_minor: int  # gross, per piece
    vat_rate_bp: int  # VAT in basis points (19 % = 1900)
    status: LineStatus
    ean: str = ""
    recycling: bool = False
    cancellation_reason: str = ""

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity


@dataclass(frozen=True, slots=True)
class Charge:
    """A shipping fee or discount on the order, tied to the lines it belongs to."""

    external_id: str
    name: str
    amount_minor: int  # negative for discounts
    line_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Order:
    channel: Channel
    marketplace_id: str
    order_number: str
    order_date: datetime
    modified_at: datetime  # the marketplace's change stamp; drives incremental fetching
    currency: str
    lines: tuple[OrderLine, ...]
    charges: tuple[Charge, ...] = ()
    payment_method: str = ""
    shipping_address: Address | None = None
    billing_address: Address | None = None
    hold_reason: HoldReason | None = None  # set = the order waits in the backlog
    expected_release: datetime | None = None
    flags: frozenset[Flag] = field(default_factory=frozenset)
    # Shops (Shopware) collect the money themselves: True once the shop reports the payment
    # settled. Marketplaces that collect it leave this False; their receipts follow the backlog.
    paid: bool = False

    @property
    def in_backlog(self) -> bool:
        return self.hold_reason is not None

    @property
    def status(self) -> OrderStatus:
        return derive_status(self.lines)

    @property
    def gross_minor(self) -> int:
        """The full order sum as ordered, cancellations not deducted."""
        return sum(line.total_minor for line in self.lines) + sum(c.amount_minor for c in self.charges)

    @property
    def total_minor(self) -> int:
        """What the customer pays now: cancelled lines and their fully cancelled charges removed."""
        cancelled = {line.external_id for line in self.lines if line.status is LineStatus.CANCELLED}
        lines = sum(line.total_minor for line in self.lines if line.external_id not in cancelled)
        charges = sum(c.amount_minor for c in self.charges if not charge_cancelled(c, cancelled))
        return lines + charges

    @property
    def customer_name(self) -> str:
        addr = self.billing_address or self.shipping_address
        return addr.full_name if addr else ""


def charge_cancelled(charge: Charge, cancelled_line_ids: set[str]) -> bool:
    """A charge falls away once every line it belongs to is cancelled."""
    return bool(charge.line_ids) and all(lid in cancelled_line_ids for lid in charge.line_ids)


def derive_status(lines: tuple[OrderLine, ...]) -> OrderStatus:
    states = {line.status for line in lines}
    live = states - {LineStatus.CANCELLED}
    if not live:
        return OrderStatus.CANCELLED
    if LineStatus.PENDING in live:
        return OrderStatus.PENDING
    if live == {LineStatus.RETURNED}:
        return OrderStatus.RETURNED
    if live <= {LineStatus.SHIPPED, LineStatus.RETURNED}:
        return OrderStatus.SHIPPED
    if LineStatus.SHIPPED in live or LineStatus.RETURNED in live:
        return OrderStatus.PARTIALLY_SHIPPED
    return OrderStatus.OPEN


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An order the marketplace sent that could not be read; kept aside, never half-stored."""

    marketplace_id: str
    reason: str
    raw: str
