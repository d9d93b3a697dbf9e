"""Amazon Orders v0 (an order from getOrders plus its getOrderItems) to the domain.

Decisions, each because of what Amazon sends:
- Pending and PendingAvailability (pre-order) are held with MARKETPLACE_PENDING: the
  payment is not authorised, there is no address, and Amazon may still cancel. Pending
  items carry no prices (getOrderItems leaves them out until payment), so their lines are
  stored at 0 and get their prices when the order is released and changes.
- Unshipped and PartiallyShipped lines are SHIPPED once QuantityShipped reaches
  QuantityOrdered, else OPEN; Shipped and InvoiceUnconfirmed (shipped, invoice not yet
  confirmed) are SHIPPED; Canceled and Unfulfillable (a multi-channel order Amazon cannot
  fulfil) cancel every line. None of these is held: the money is collected or never will be.
- The address is required only while something is left to ship (Unshipped,
  PartiallyShipped): Amazon withholds buyer data of orders shipped a while ago.
- ItemPrice is the price of the whole quantity. The line keeps Amazon's OrderItemId (what
  confirmShipment needs) with the unit price rounded down; a remainder (3 for 10.00)
  becomes a "rounding" charge tied to that line, so the sum stays exact and a cancellation
  refunds it with the line.
- ShippingPrice and CODFee are charges; PromotionDiscount, ShippingDiscount and
  CODFeeDiscount negative charges; each tied to its item. The order is only accepted when
  the result equals OrderTotal (EU marketplaces quote prices including VAT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.channels.amazon.address import split_name, split_street, street_lines
from app.channels.amazon.fields import Fields, MappingError
from app.domain.countries import to_alpha2
from app.domain.orders import Address, Channel, Charge, HoldReason, LineStatus, Order, OrderLine

__all__ = ["Header", "MappingError", "build_order", "change_stamp", "order_identity", "read_header"]

HELD = frozenset({"Pending", "PendingAvailability"})
OPEN_BY_QUANTITY = frozenset({"Unshipped", "PartiallyShipped"})
SHIPPED = frozenset({"Shipped", "InvoiceUnconfirmed"})
CANCELLED = frozenset({"Canceled", "Unfulfillable"})
STATUSES = HELD | OPEN_BY_QUANTITY | SHIPPED | CANCELLED
# Amazon shows the ShippingAddress for Unshipped, PartiallyShipped, Shipped and InvoiceUnconfirmed,
# but drops buyer data some time after shipment: only orders still to ship must have one.
NEEDS_ADDRESS = OPEN_BY_QUANTITY
PAID = OPEN_BY_QUANTITY | SHIPPED
MAX_ITEMS = 999
# Currencies of the marketplaces, for held orders that carry no amount at all yet.
MARKETPLACE_CURRENCY = {
    "A1PA6795UKMFR9": "EUR", "A13V1IB3VIYZZH": "EUR", "APJ6JRA9NG5V4": "EUR", "A1RKKUPIHCS9HS": "EUR",
    "A1805IZSGTT6HS": "EUR", "AMEN7PMS3EDWL": "EUR", "A1F83G8C2ARO7P": "GBP", "A1C3SOZRARQ6R3": "PLN",
    "A2NODRKZP88ZB9": "SEK", "A33AVAJ2PDY3EV": "TRY", "ATVPDKIKX0DER": "USD",
}  # fmt: skip
# VAT rates in use in Europe (basis points): Amazon gives the tax amount, not the rate.
VAT_RATES_BP = (0, 210, 300, 400, 500, 550, 600, 700, 800, 900, 1000, 1200, 1300, 1400, 1500, 1700, 1800,
                1900, 2000, 2100, 2200, 2300, 2400, 2500, 2550, 2700)
# (field, charge name, sign) per item, in the order Amazon lists them.
ITEM_CHARGES = (("ShippingPrice", "shipping", 1), ("ShippingDiscount", "shipping discount", -1),
                ("PromotionDiscount", "promotion", -1), ("CODFee", "cash on delivery fee", 1),
                ("CODFeeDiscount", "cash on delivery fee discount", -1))


@dataclass(frozen=True)
class Header:
    """The order-level fields, checked before its items are fetched (a broken order costs
    no getOrderItems call)."""

    raw: dict[str, Any]
    order_id: str
    status: str
    purchased: datetime
    changed: datetime
    currency: str
    total: int | None


def read_header(raw: Any) -> Header:
    head = Fields(raw, "")
    order_id = head.text("AmazonOrderId", limit=50)
    status = head.text("OrderStatus", limit=40)
    if status not in STATUSES:
        raise MappingError(f"OrderStatus has the unknown value {status!r}")
    purchased, changed = head.date("PurchaseDate"), head.date("LastUpdateDate")
    total = head.money("OrderTotal", None)
    marketplace = head.text("MarketplaceId", required=False, limit=20)
    currency = total[1] if total else MARKETPLACE_CURRENCY.get(marketplace, "")
    if not currency:
        raise MappingError(f"the currency is unknown: no OrderTotal and an unknown MarketplaceId {marketplace!r}")
    return Header(raw, order_id, status, purchased, changed, currency, total[0] if total else None)


def build_order(header: Header, items: list[Any]) -> Order:
    if not items:
        raise MappingError("OrderItems is empty")
    if len(items) > MAX_ITEMS:
        raise MappingError(f"OrderItems has {len(items)} entries (at most {MAX_ITEMS} expected)")
    lines: list[OrderLine] = []
    charges: list[Charge] = []
    for index, raw in enumerate(items):
        line, line_charges = _line(Fields(raw, f"OrderItems[{index}]"), header)
        lines.append(line)
        charges.extend(line_charges)
    if len({line.external_id for line in lines}) != len(lines):
        raise MappingError("OrderItems repeats an OrderItemId")
    head = Fields(header.raw, "")
    address = _address(head.child("ShippingAddress"), head.child("BuyerInfo"))
    if header.status in NEEDS_ADDRESS and address is None:
        raise MappingError("ShippingAddress is missing although the order can be shipped")
    order = Order(
        channel=Channel.AMAZON,
        marketplace_id=header.order_id,
        order_number=header.order_id,
        order_date=header.purchased,
        modified_at=header.changed,
        currency=header.currency,
        lines=tuple(lines),
        charges=tuple(charges),
        payment_method=head.text("PaymentMethod", required=False, limit=40),
        shipping_address=address,
        hold_reason=HoldReason.MARKETPLACE_PENDING if header.status in HELD else None,
    )
    if header.total is not None and header.status not in HELD | CANCELLED and order.gross_minor != header.total:
        raise MappingError(f"OrderTotal is {header.total / 100:.2f} but items, shipping and discounts "
                           f"add up to {order.gross_minor / 100:.2f}")
    return order


def _line(item: Fields, header: Header) -> tuple[OrderLine, list[Charge]]:
    item_id = item.text("OrderItemId", limit=50)
    quantity = item.count("QuantityOrdered")
    shipped = item.count("QuantityShipped", required=False)
    price = item.money("ItemPrice", header.currency)
    if price is None and quantity and header.status in PAID:
        raise MappingError(f"{item.path('ItemPrice')} is missing although the order is paid")
    gross = price[0] if price else 0
    if gross < 0 or (gross and not quantity):
        raise MappingError(f"{item.path('ItemPrice')} is {gross / 100:.2f} for a quantity of {quantity}")
    unit, remainder = divmod(gross, quantity) if quantity else (0, 0)
    tax = item.money("ItemTax", header.currency)
    if header.status in CANCELLED or not quantity:
        status = LineStatus.CANCELLED  # a quantity of 0 is how Amazon shows a cancelled item
    elif header.status in HELD:
        status = LineStatus.PENDING
    elif header.status in SHIPPED or shipped >= quantity:
        status = LineStatus.SHIPPED
    else:
        status = LineStatus.OPEN
    line = OrderLine(
        external_id=item_id,
        sku=item.text("SellerSKU", required=False, limit=100) or item.text("ASIN", limit=20),
        title=item.text("Title", required=False, limit=2000) or item.text("ASIN", limit=20),
        quantity=quantity,
        unit_price_minor=unit,
        vat_rate_bp=_vat_rate_bp(item, gross, tax[0] if tax else 0, quantity),
        status=status,
        cancellation_reason=header.status if status is LineStatus.CANCELLED and header.status in CANCELLED else "",
    )
    charges = [Charge(f"rounding:{item_id}", "price rounding", remainder, (item_id,))] if remainder else []
    for key, name, sign in ITEM_CHARGES:
        amount = item.money(key, header.currency)
        if amount and amount[0]:
            # Discounts come as positive amounts; a negative one is taken at its size.
            charges.append(Charge(f"{name.replace(' ', '-')}:{item_id}", name, sign * abs(amount[0]), (item_id,)))
    return line, charges


def _vat_rate_bp(item: Fields, gross: int, tax: int, quantity: int) -> int:
    """The VAT rate behind ItemTax: the known rate that explains the amount (Amazon may round
    per piece, so a cent per piece is allowed), else the plain ratio."""
    if not gross or not tax:
        return 0
    if not 0 < tax < gross:
        raise MappingError(f"{item.path('ItemTax')} is {tax / 100:.2f} for an ItemPrice of {gross / 100:.2f}")

    def error(rate_bp: int) -> int:
        return abs(gross - round(gross * 10_000 / (10_000 + rate_bp)) - tax)

    best = min(VAT_RATES_BP, key=error)
    return best if error(best) <= max(1, quantity) else round(tax * 10_000 / (gross - tax))


def _address(raw: Fields | None, buyer: Fields | None) -> Address | None:
    """The shipping address; None when Amazon sent none or only its public part (city and
    postcode come without a restricted data token, name and street do not)."""
    if raw is None or (raw.obj.get("Name") is None and raw.obj.get("AddressLine1") is None):
        return None
    first, last = split_name(raw.text("Name"))
    line, addition = street_lines(*(raw.text(f"AddressLine{n}", required=n == 1) for n in (1, 2, 3)))
    street, number = split_street(line)
    extended = raw.child("ExtendedFields")
    if extended is not None and extended.obj.get("StreetName"):  # some marketplaces split it for us
        street = extended.text("StreetName")
        number = extended.text("StreetNumber", required=False, limit=40)
    country = raw.text("CountryCode", limit=3).upper()
    if len(country) != 2 or not country.isalpha():
        raise MappingError(f"{raw.path('CountryCode')} is not an ISO country code: {country!r}")
    return Address(
        first_name=first, last_name=last, street=street, house_number=number,
        zip_code=raw.text("PostalCode", limit=20), city=raw.text("City"), country_code=to_alpha2(country),
        company=raw.text("CompanyName", required=False), addition=addition,
        email=buyer.text("BuyerEmail", required=False) if buyer else "",
        phone=raw.text("Phone", required=False, limit=50),
    )


def order_identity(raw: Any) -> str:
    """Best name for an order we could not read."""
    if isinstance(raw, dict):
        value = raw.get("AmazonOrderId")
        if isinstance(value, str) and value and len(value) <= 100 and value.isprintable():
            return value
    return ""


def change_stamp(raw: Any) -> datetime | None:
    """LastUpdateDate of a raw order if readable: the watermark passes broken orders too."""
    value = raw.get("LastUpdateDate") if isinstance(raw, dict) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    return None
