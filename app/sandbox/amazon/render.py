"""Compact records to Orders v0 wire JSON, cached as bytes until the order changes.

A getOrders page is then a join of cached blobs. Two variants of an order are cached: as a
plain LWA token sees it and with the PII a Restricted Data Token unlocks (ShippingAddress
and BuyerInfo); an RDT for only one of the two data elements is rare and rendered uncached.
"""

from __future__ import annotations

import json
import time

from app.sandbox.amazon.catalog import Buyer, Listing
from app.sandbox.amazon.data import DAY, vat_part
from app.sandbox.amazon.model import (
    CURRENCY,
    HELD,
    MARKETPLACE_ID,
    ORDER_STATUSES,
    PII_STATUSES,
    SALES_CHANNEL,
    Item,
    Order,
)

SHIPPING_ADDRESS, BUYER_INFO = 1, 2  # bits of the PII an access token unlocks
ALL_PII = SHIPPING_ADDRESS | BUYER_INFO
SHIPPING_VAT = 19.0
UNKNOWN_STATUS = "PartiallyTeleported"

_DAYS: dict[int, str] = {}


def iso(ms: int) -> str:
    """Amazon's date format: '2025-05-02T08:14:00Z', with '.123' when the moment has
    milliseconds (both occur in Amazon's answers). Hot path: day prefixes are cached."""
    day, rest = divmod(ms, DAY)
    prefix = _DAYS.get(day)
    if prefix is None:
        y, mo, d = time.gmtime(day * 86_400)[:3]
        prefix = _DAYS[day] = f"{y:04d}-{mo:02d}-{d:02d}T"
    seconds, millis = divmod(rest, 1000)
    hours, seconds = divmod(seconds, 3600)
    text = f"{prefix}{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}"
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def money(cents: int) -> str:
    """Money as JSON text; Amazon sends the amount as a string with two decimals."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f'{{"CurrencyCode":"{CURRENCY}","Amount":"{sign}{cents // 100}.{cents % 100:02d}"}}'


class Renderer:
    """Holds the shared pools so rendering an order is string joining."""

    def __init__(self, listings: tuple[Listing, ...], buyers: tuple[Buyer, ...]) -> None:
        self.listings = listings
        self.buyers = buyers
        # Everything about a product an OrderItem repeats, as a JSON fragment.
        self._product_text = [
            f'"ASIN":"{listing.asin}","SellerSKU":{json.dumps(listing.product.sku)},'
            for listing in listings
        ]
        self._title_text = [json.dumps(listing.product.title, ensure_ascii=False) for listing in listings]
        self.partial_pii = False  # the `pii_without_rdt` switch: "omit" (False) or "partial" (True)

    # -- orders -------------------------------------------------------------------------
    def order_blob(self, order: Order, pii: int) -> bytes:
        """An order as the token that asks may see it; cached for no PII and for all PII."""
        if order.malformed:
            return self._malformed_order(order, pii).encode()
        if pii == 0:
            if order.blob is None:
                order.blob = self.order_text(order, 0).encode()
            return order.blob
        if pii == ALL_PII:
            if order.blob_pii is None:
                order.blob_pii = self.order_text(order, ALL_PII).encode()
            return order.blob_pii
        return self.order_text(order, pii).encode()

    def order_text(self, order: Order, pii: int, status: str | None = None) -> str:
        shipped = sum(item.shipped for item in order.items)
        ordered = sum(item.qty for item in order.items)
        held = order.status in HELD
        level = "Prime DE" if order.prime else "Std DE Dom_1"
        parts = [
            f'{{"AmazonOrderId":"{order.oid}","PurchaseDate":"{iso(order.purchase)}",'
            f'"LastUpdateDate":"{iso(order.changed)}","OrderStatus":"{status or ORDER_STATUSES[order.status]}",'
            f'"FulfillmentChannel":"MFN","SalesChannel":"{SALES_CHANNEL}","ShipServiceLevel":"{level}"'
        ]
        if not held:  # Pending orders carry no total: the payment is not authorised yet
            parts.append(f',"OrderTotal":{money(order.total)}')
        parts.append(
            f',"NumberOfItemsShipped":{shipped},"NumberOfItemsUnshipped":{ordered - shipped},'
            f'"PaymentMethod":"Other","PaymentMethodDetails":["Standard"],"MarketplaceId":"{MARKETPLACE_ID}",'
            f'"ShipmentServiceLevelCategory":"{"Expedited" if order.prime else "Standard"}",'
            f'"OrderType":"{"Preorder" if order.preorder else "StandardOrder"}",'
            f'"EarliestShipDate":"{iso(order.purchase + DAY)}","LatestShipDate":"{iso(order.purchase + 3 * DAY)}",'
            f'"IsBusinessOrder":{_bool(order.business)},"IsPrime":{_bool(order.prime)},'
            '"IsPremiumOrder":false,"IsGlobalExpressEnabled":false,"IsReplacementOrder":false,"IsSoldByAB":false,'
            '"IsISPU":false,"IsAccessPointOrder":false,"HasRegulatedItems":false'
        )
        if order.status in PII_STATUSES:
            buyer = self.buyers[order.addr]
            if pii & BUYER_INFO:
                parts.append(f',"BuyerInfo":{buyer.buyer_info}')
            if pii & SHIPPING_ADDRESS:
                parts.append(f',"ShippingAddress":{buyer.address}')
            elif self.partial_pii:
                parts.append(f',"ShippingAddress":{buyer.partial_address}')
        parts.append("}")
        return "".join(parts)

    def address_payload(self, order: Order, pii: int) -> str:
        """getOrderAddress payload: the address only with an RDT (or its public part)."""
        parts = [f'{{"AmazonOrderId":"{order.oid}"']
        if order.status in PII_STATUSES:
            buyer = self.buyers[order.addr]
            if pii & SHIPPING_ADDRESS:
                parts.append(f',"ShippingAddress":{buyer.address}')
            elif self.partial_pii:
                parts.append(f',"ShippingAddress":{buyer.partial_address}')
        return "".join(parts) + "}"

    def buyer_info_payload(self, order: Order, pii: int) -> str:
        """getOrderBuyerInfo payload: name and e-mail only with an RDT."""
        info = self.buyers[order.addr].buyer_info
        if order.status in PII_STATUSES and pii & BUYER_INFO:
            return f'{{"AmazonOrderId":"{order.oid}",{info[1:]}'
        return f'{{"AmazonOrderId":"{order.oid}"}}'

    # -- items --------------------------------------------------------------------------
    def item_blobs(self, order: Order) -> list[bytes]:
        if order.items_blob is None:
            priced = order.status not in HELD
            blobs = [self.item_text(item, priced).encode() for item in order.items]
            if order.malformed == "wrong_type":
                blobs[0] = blobs[0].replace(b'"QuantityOrdered":%d' % order.items[0].qty,
                                            b'"QuantityOrdered":"%d"' % order.items[0].qty)
            order.items_blob = blobs
        return order.items_blob

    def item_text(self, item: Item, priced: bool) -> str:
        """One OrderItem. While the order is Pending, Amazon leaves out pricing, taxes,
        shipping charges, gift status and promotions (getOrderItems description)."""
        parts = [
            f'{{{self._product_text[item.product]}"OrderItemId":"{item.iid}",'
            f'"Title":{self._title_text[item.product]},"QuantityOrdered":{item.qty},'
            f'"QuantityShipped":{item.shipped},"ProductInfo":{{"NumberOfItems":"1"}}'
        ]
        if priced:
            parts.append(
                f',"ItemPrice":{money(item.price)},"ItemTax":{money(item.tax)},'
                f'"ShippingPrice":{money(item.shipping)},"ShippingTax":{money(vat_part(item.shipping, SHIPPING_VAT))},'
                f'"ShippingDiscount":{money(item.ship_discount)},'
                f'"ShippingDiscountTax":{money(vat_part(item.ship_discount, SHIPPING_VAT))},'
                f'"PromotionDiscount":{money(item.promo)},'
                f'"PromotionDiscountTax":{money(vat_part(item.promo, self.listings[item.product].product.vat))}'
            )
            if item.promo or item.ship_discount:
                parts.append(f',"PromotionIds":["SANDBOX-PROMO-{item.iid[-6:]}"]')
            parts.append(',"IsGift":"false"')
        parts.append(
            ',"ConditionId":"New","ConditionSubtypeId":"New","IsTransparency":false,"SerialNumberRequired":false,'
            '"BuyerRequestedCancel":{"IsBuyerRequestedCancel":"false"}}'
        )
        return "".join(parts)

    # -- deliberately broken orders -----------------------------------------------------------
    def _malformed_order(self, order: Order, pii: int) -> str:
        kind = order.malformed
        if kind == "unknown_enum":
            return self.order_text(order, pii, status=UNKNOWN_STATUS)
        data = json.loads(self.order_text(order, pii))
        if kind == "missing_field":
            del data["PurchaseDate"]
        elif kind == "wrong_type":
            data["OrderTotal"]["Amount"] = order.total / 100  # a number instead of a string
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _bool(value: bool) -> str:
    return "true" if value else "false"
