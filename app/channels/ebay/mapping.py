"""eBay Fulfillment API Order JSON to the domain. Strict: whatever does not fit raises MappingError
naming the field and the problem, so the order is quarantined instead of being stored half-right.

What eBay's shape means for the desk:
- `orderPaymentStatus` PENDING or FAILED: the buyer has not paid; the order waits in the backlog
  (AWAITING_PAYMENT) with its lines PENDING. PAID and the refund states mean eBay collected the money.
- `cancelStatus.cancelState` CANCELED: eBay cancels whole orders, so every line is cancelled.
- `lineItemFulfillmentStatus` FULFILLED: the line has shipped.
- `lineItemCost` is the price of all `quantity` pieces; shipping (`deliveryCost.shippingCost`) and
  promotions (`appliedPromotions`) are per line and become charges tied to that line, so the order's
  gross equals `pricingSummary.total` (checked: a mismatch means we misread something).
- Amount values are strings ("24.99"); a number there is not eBay's format and is refused.
- eBay does not report the seller's VAT rate: lines carry 0 (= not reported).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.channels.ebay.address import split_name, split_street
from app.channels.fields import MappingError, as_object, field_path, read_date, read_text, read_whole
from app.domain.countries import to_alpha2
from app.domain.money import MoneyError, is_currency_code, to_minor
from app.domain.orders import Address, Channel, Charge, HoldReason, LineStatus, Order, OrderLine

PAYMENT_STATES = frozenset({"PAID", "PENDING", "FAILED", "FULLY_REFUNDED", "PARTIALLY_REFUNDED"})
UNPAID = frozenset({"PENDING", "FAILED"})
FULFILLMENT_STATES = frozenset({"NOT_STARTED", "IN_PROGRESS", "FULFILLED"})
CANCEL_STATES = frozenset({"NONE_REQUESTED", "IN_PROGRESS", "CANCELED"})
# Order-level amounts of pricingSummary that pricingSummary.total includes but no line carries.
ORDER_LEVEL = (("deliveryDiscount", "shipping discount"), ("adjustment", "price adjustment"), ("fee", "special fee"),
               ("tax", "tax"))
MAX_LINES = 500
MAX_QUANTITY = 100_000
MAX_TEXT = 2000


class Fields:
    """One JSON object of an order, read strictly. Knows its own path, so every complaint names
    the field in full ("fulfillmentStartInstructions[0].shippingStep.shipTo.fullName is missing")."""

    __slots__ = ("_data", "_path")

    def __init__(self, data: Any, path: str = "") -> None:
        self._data: dict[str, Any] = as_object(data, path)
        self._path = path

    def name(self, key: str) -> str:
        return field_path(self._path, key)

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def text(self, key: str, *, required: bool = True, limit: int = 200) -> str:
        value = self._data.get(key)
        if required and isinstance(value, str) and not value.strip():  # blank: "empty" even when too long
            raise MappingError(f"{self.name(key)} is empty")
        return read_text(value, self.name(key), required=required, limit=limit)

    def child(self, key: str, *, required: bool = True) -> Fields | None:
        value = self._data.get(key)
        if value is None:
            if required:
                raise MappingError(f"{self.name(key)} is missing")
            return None
        return Fields(value, self.name(key))

    def children(self, key: str) -> list[Fields]:
        """The objects of a list; a missing list is an empty one."""
        value = self._data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise MappingError(f"{self.name(key)} should be a list but is {type(value).__name__}")
        return [Fields(item, f"{self.name(key)}[{i}]") for i, item in enumerate(value)]

    def enum(self, key: str, allowed: frozenset[str]) -> str:
        value = self.text(key, limit=60)
        if value not in allowed:
            raise MappingError(f"{self.name(key)} has the unknown value {value[:40]!r}")
        return value

    def date(self, key: str) -> datetime:
        return read_date(self.text(key, limit=40), self.name(key))

    def count(self, key: str, high: int) -> int:
        return read_whole(self._data.get(key), self.name(key), 1, high)

    def amount(self, key: str, currency: str | None = None, *, required: bool = True, signed: bool = False) -> int:
        """An Amount in minor units; with `currency`, it must be in the order's currency."""
        money = self.child(key, required=required)
        if money is None:
            return 0
        code = money.text("currency", limit=3)
        if not is_currency_code(code):
            raise MappingError(f"{money.name('currency')} is not a currency code: {code!r}")
        if currency is not None and code != currency:
            raise MappingError(f"{money.name('currency')} is {code}, the order is in {currency}")
        value = money._data.get("value")
        if not isinstance(value, str):  # eBay writes amounts as strings; anything else is not its format
            raise MappingError(f"{money.name('value')} should be text (eBay sends amounts as strings) "
                               f"but is {type(value).__name__}")
        try:
            minor = to_minor(value, code)
        except MoneyError as exc:
            raise MappingError(f"{money.name('value')}: {exc}") from None
        if minor < 0 and not signed:
            raise MappingError(f"{money.name('value')} is negative")
        return minor


# -- parts of an order ---------------------------------------------------------------------------
def _line(item: Fields, currency: str, status_of: dict[str, LineStatus]) -> tuple[OrderLine, list[Charge]]:
    line_id = item.text("lineItemId", limit=40)
    quantity = item.count("quantity", MAX_QUANTITY)
    cost = item.amount("lineItemCost", currency)
    unit, rest = divmod(cost, quantity)
    if rest:
        raise MappingError(f"{item.name('lineItemCost')} is not the same whole number of cents "
                           f"for each of {quantity} pieces")
    fulfillment = item.enum("lineItemFulfillmentStatus", FULFILLMENT_STATES)
    line = OrderLine(
        external_id=line_id,
        sku=item.text("sku", required=False, limit=100),
        title=item.text("title", limit=MAX_TEXT),
        quantity=quantity,
        unit_price_minor=unit,
        vat_rate_bp=0,  # not reported by eBay
        status=status_of.get(fulfillment, status_of["default"]),
    )
    return line, _line_charges(item, line_id, cost, currency)


def _line_charges(item: Fields, line_id: str, cost: int, currency: str) -> list[Charge]:
    charges: list[Charge] = []
    delivery = item.child("deliveryCost", required=False)
    shipping = delivery.amount("shippingCost", currency, required=False) if delivery else 0
    if shipping:
        charges.append(Charge(f"shipping:{line_id}", "shipping", shipping, (line_id,)))
    discounted = 0
    for i, promotion in enumerate(item.children("appliedPromotions")):
        # The sign of discountAmount is not documented; its size is what comes off the line.
        off = abs(promotion.amount("discountAmount", currency, signed=True))
        key = promotion.text("promotionId", required=False, limit=100) or str(i)
        if off:
            name = promotion.text("description", required=False) or "promotion"
            charges.append(Charge(f"promotion:{line_id}:{key}", name, -off, (line_id,)))
            discounted += off
    if discounted > cost:
        raise MappingError(f"{item.name('appliedPromotions')} take off more than the line costs")
    return charges


def _address(order: Fields, *, required: bool) -> Address | None:
    """The ship-to of the first fulfillment instruction that ships (pickup orders have none)."""
    for instruction in order.children("fulfillmentStartInstructions"):
        step = instruction.child("shippingStep", required=False)
        if step is None:
            continue
        contact = step.child("shipTo", required=required)
        if contact is None:
            return None
        place = contact.child("contactAddress")
        assert place is not None
        country = place.text("countryCode", limit=3)
        if not (len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()):
            raise MappingError(f"{place.name('countryCode')} is not an ISO country code: {country!r}")
        street, number, addition = split_street(place.text("addressLine1"),
                                                place.text("addressLine2", required=False))
        first, last = split_name(contact.text("fullName"))
        phone = contact.child("primaryPhone", required=False)
        return Address(
            first_name=first, last_name=last, street=street, house_number=number[:40],
            zip_code=place.text("postalCode", required=False, limit=20), city=place.text("city"),
            country_code=to_alpha2(country), company=contact.text("companyName", required=False),
            addition=addition, email=contact.text("email", required=False),
            phone=phone.text("phoneNumber", required=False, limit=50) if phone else "",
        )
    if required:
        raise MappingError("fulfillmentStartInstructions has no shippingStep although the order can be shipped")
    return None


def _order_level_charges(pricing: Fields, currency: str, line_charges: list[Charge],
                         line_ids: tuple[str, ...]) -> list[Charge]:
    """Amounts in the order total that no line carries, tied to all lines."""
    charges = []
    reported = max(abs(pricing.amount(key, currency, required=False, signed=True))
                   for key in ("priceDiscountSubtotal", "priceDiscount"))  # renamed in later API versions
    promoted = -sum(c.amount_minor for c in line_charges if c.amount_minor < 0)
    if reported > promoted:  # a discount on the whole order, not on one line
        charges.append(Charge("discount:order", "order discount", promoted - reported, line_ids))
    for key, name in ORDER_LEVEL:
        value = pricing.amount(key, currency, required=False, signed=True)
        if value:
            charges.append(Charge(key, name, value, line_ids))
    return charges


def parse_order(raw: Any) -> Order:
    order = Fields(raw)
    order_id = order.text("orderId", limit=100)
    payment = order.enum("orderPaymentStatus", PAYMENT_STATES)
    order.enum("orderFulfillmentStatus", FULFILLMENT_STATES)  # the lines say which ones shipped
    cancel = order.child("cancelStatus")
    assert cancel is not None
    cancelled = cancel.enum("cancelState", CANCEL_STATES) == "CANCELED"
    held = payment in UNPAID and not cancelled
    pricing = order.child("pricingSummary")
    assert pricing is not None
    total_money = pricing.child("total")
    assert total_money is not None
    currency = total_money.text("currency", limit=3)
    total = pricing.amount("total", currency)  # also checks that the currency is one
    items = order.children("lineItems")
    if not items:
        raise MappingError("lineItems is missing or empty")
    if len(items) > MAX_LINES:
        raise MappingError(f"lineItems has {len(items)} entries (at most {MAX_LINES} expected)")
    if cancelled:
        status_of = {"default": LineStatus.CANCELLED}
    else:
        status_of = {"FULFILLED": LineStatus.SHIPPED, "default": LineStatus.PENDING if held else LineStatus.OPEN}
    parsed = [_line(item, currency, status_of) for item in items]
    lines = tuple(line for line, _ in parsed)
    line_ids = tuple(line.external_id for line in lines)
    if len(set(line_ids)) != len(line_ids):
        raise MappingError("lineItems repeats a lineItemId")
    charges = [charge for _, line_charges in parsed for charge in line_charges]
    charges += _order_level_charges(pricing, currency, charges, line_ids)
    gross = sum(line.total_minor for line in lines) + sum(c.amount_minor for c in charges)
    if gross != total:
        raise MappingError(f"pricingSummary.total is {total} cents, but lines, shipping and discounts "
                           f"add up to {gross} cents")
    buyer = order.child("buyer")
    assert buyer is not None
    buyer.text("username", limit=100)  # required; the domain has no place for it yet
    summary = order.child("paymentSummary", required=False)
    payments = summary.children("payments") if summary else []
    return Order(
        channel=Channel.EBAY,
        marketplace_id=order_id,
        order_number=order_id,  # the number buyer, seller and eBay's support all quote
        order_date=order.date("creationDate"),
        modified_at=order.date("lastModifiedDate"),
        currency=currency,
        lines=lines,
        charges=tuple(charges),
        payment_method=payments[0].text("paymentMethod", required=False, limit=40) if payments else "",
        shipping_address=_address(order, required=not held and not cancelled),
        hold_reason=HoldReason.AWAITING_PAYMENT if held else None,
    )


def order_identity(raw: Any) -> str:
    """The orderId of an order we could not read, if it has a usable one."""
    value = raw.get("orderId") if isinstance(raw, dict) else None
    if isinstance(value, str) and value and len(value) <= 100 and value.isprintable():
        return value
    return ""


def change_stamp(raw: Any) -> datetime | None:
    """lastModifiedDate of a raw order if readable, so the watermark can pass broken orders too."""
    value = raw.get("lastModifiedDate") if isinstance(raw, dict) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is not None:
            return parsed
    return None
