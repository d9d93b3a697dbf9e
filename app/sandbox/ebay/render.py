"""Sandbox records to Fulfillment API JSON (Order, ShippingFulfillment), shaped per the OpenAPI document.

getOrders bytes of an order are cached on the record (`Order.blob`) until the
order changes, so a page is a join of cached blobs. Absolute links inside an order
(`fulfillmentHrefs`) carry BASE_MARKER in the cache and get the caller's base URL
when a response is assembled, so one cache serves every host name.
"""

from __future__ import annotations

import json
from typing import Any

from app.sandbox.ebay.catalog import PROMOTIONS, SERVICES, Buyer, Listing
from app.sandbox.ebay.model import (
    CANCEL_STATES,
    CANCELED,
    CURRENCY,
    FULLY_REFUNDED,
    MARKETPLACE_ID,
    MONEY_COLLECTED,
    PAYMENT_STATES,
    PENDING,
    Fulfillment,
    Order,
)
from app.sandbox.otto.render import iso as otto_iso

BASE_MARKER = "@@EBAY-BASE@@"
ORDER_PATH = "/sell/fulfillment/v1/order"
SELLER_ID = "sandbox_haendler_de"
PAYMENT_METHOD = "EBAY"  # managed payments (UNCONFIRMED: PaymentMethodTypeEnum is not in the document)
FEE_PERCENT = 11
DAY_MS = 86_400_000


def iso(ms: int) -> str:
    """eBay timestamps: '2025-05-02T08:14:00.000Z' (OTTO's fast formatter, with Z for +00:00)."""
    return otto_iso(ms)[:-6] + "Z"


def fulfillment_href(oid: str, fid: str) -> str:
    return f"{BASE_MARKER}{ORDER_PATH}/{oid}/shipping_fulfillment/{fid}"


def fulfillment_dict(package: Fulfillment, quantities: dict[str, int]) -> dict[str, Any]:
    d: dict[str, Any] = {"fulfillmentId": package.fid,
                         "lineItems": [{"lineItemId": lid, "quantity": quantities[lid]} for lid in package.lids]}
    if package.tracking:
        d["shipmentTrackingNumber"] = package.tracking
    d["shippedDate"] = iso(package.shipped_ms)
    if package.carrier:
        d["shippingCarrierCode"] = package.carrier
    return d


class Renderer:
    """Holds the shared pools and their pre-encoded JSON, so rendering an order is mostly joining text."""

    def __init__(self, listings: tuple[Listing, ...], buyers: tuple[Buyer, ...]) -> None:
        self.listings = listings
        self.buyers = buyers
        self._listing_text = [f'"legacyItemId":"{li.item_id}","sku":{_dumps(li.sku)},"title":{_dumps(li.title)}'
                              for li in listings]
        self._buyer_text = [_dumps({"username": b.username, "taxAddress": b.tax_address}) for b in buyers]
        self._ship_to_text = [_dumps(b.ship_to) for b in buyers]

    def order_dict(self, order: Order, *, with_cancel_requests: bool = False) -> dict[str, Any]:
        """Order JSON as a dict; getOrders leaves cancelRequests empty, getOrder fills it (as documented)."""
        d: dict[str, Any] = json.loads(self.order_text(order))
        if with_cancel_requests and order.cancel == CANCELED and order.cancel_ms is not None:
            initiator = "Seller" if order.cancel_reason == "OUT_OF_STOCK_OR_CANNOT_FULFILL" else "Buyer"
            d["cancelStatus"]["cancelRequests"] = [{
                "cancelRequestId": f"5{order.record:09d}", "cancelInitiator": initiator,
                "cancelReason": order.cancel_reason, "cancelRequestedDate": iso(order.cancel_ms),
                "cancelCompletedDate": iso(order.cancel_ms), "cancelRequestState": "COMPLETED"}]
        if order.malformed:
            _break(d, order.malformed)
        return d

    def order_blob(self, order: Order) -> bytes:
        """getOrders bytes of one order, cached until the order changes."""
        blob = order.blob
        if blob is None:
            text = _dumps(self.order_dict(order)) if order.malformed else self.order_text(order)
            blob = order.blob = text.encode()
        return blob

    def order_text(self, order: Order) -> str:
        """The Order JSON text, built from pre-encoded pieces (~4x faster than json.dumps of a dict).

        Only sandbox-made ASCII identifiers are pasted unescaped; names, titles and notes
        were encoded by json.dumps when the pools were built.
        """
        lines = order.lines
        total = order.total
        first = lines[0]
        created = iso(order.created_ms)
        parts = [
            f'{{"orderId":"{order.oid}","legacyOrderId":"{self.listings[first.listing].item_id}-{first.lid}",'
            f'"creationDate":"{created}","lastModifiedDate":"{iso(order.changed)}",'
            f'"orderFulfillmentStatus":"{order.fulfillment_status}",'
            f'"orderPaymentStatus":"{PAYMENT_STATES[order.payment]}","sellerId":"{SELLER_ID}",'
            f'"buyer":{self._buyer_text[order.buyer]}'
        ]
        if order.note:
            parts.append(f',"buyerCheckoutNotes":{_dumps(order.note)}')
        discount = sum(line.discount for line in lines)
        parts.append(f',"pricingSummary":{{"priceSubtotal":{_money(sum(line.cost for line in lines))}')
        if discount:
            parts.append(f',"priceDiscountSubtotal":{_money(-discount)}')  # "should be a negative real number"
        parts.append(f',"deliveryCost":{_money(sum(line.shipping for line in lines))},"total":{_money(total)}}}')
        parts.append(f',"cancelStatus":{{"cancelState":"{CANCEL_STATES[order.cancel]}","cancelRequests":[]')
        refunded = order.payment == FULLY_REFUNDED and order.cancel_ms is not None
        if order.cancel == CANCELED and order.cancel_ms is not None:
            parts.append(f',"cancelledDate":"{iso(order.cancel_ms)}"')
        parts.append("}")
        parts.append(self._payment_text(order, total, refunded))
        min_day, max_day = iso(_day_end(order.created_ms, 2)), iso(_day_end(order.created_ms, 5))
        carrier = next((f.carrier for f in order.fulfillments if f.carrier), "DHL")
        parts.append(
            f',"fulfillmentStartInstructions":[{{"fulfillmentInstructionsType":"SHIP_TO",'
            f'"minEstimatedDeliveryDate":"{min_day}","maxEstimatedDeliveryDate":"{max_day}",'
            f'"ebaySupportedFulfillment":false,"shippingStep":{{"shipTo":{self._ship_to_text[order.buyer]},'
            f'"shippingCarrierCode":"{carrier}","shippingServiceCode":"{SERVICES.get(carrier, "DE_DHLPaket")}"}}}}]'
        )
        hrefs = ",".join(f'"{fulfillment_href(order.oid, f.fid)}"' for f in order.fulfillments)
        parts.append(f',"fulfillmentHrefs":[{hrefs}],"lineItems":[')
        ship_by = iso(_day_end(order.created_ms, 1))
        instructions = (f'"lineItemFulfillmentInstructions":{{"minEstimatedDeliveryDate":"{min_day}",'
                        f'"maxEstimatedDeliveryDate":"{max_day}","shipByDate":"{ship_by}","guaranteedDelivery":false}}')
        refund_date = iso(order.cancel_ms) if refunded else ""  # type: ignore[arg-type]
        for position, line in enumerate(lines):
            status = "FULFILLED" if line.fulfillment is not None else "NOT_STARTED"
            parts.append(
                f'{"," if position else ""}{{"lineItemId":"{line.lid}",{self._listing_text[line.listing]},'
                f'"lineItemCost":{_money(line.cost)},"quantity":{line.qty},"soldFormat":"FIXED_PRICE",'
                f'"listingMarketplaceId":"{MARKETPLACE_ID}","purchaseMarketplaceId":"{MARKETPLACE_ID}",'
                f'"lineItemFulfillmentStatus":"{status}","total":{_money(line.total)},'
                f'"deliveryCost":{{"shippingCost":{_money(line.shipping)}}},"appliedPromotions":['
            )
            if line.discount:
                promotion = _dumps(PROMOTIONS[order.record % len(PROMOTIONS)])
                parts.append(f'{{"promotionId":"5{order.record:09d}{position}","description":{promotion},'
                             f'"discountAmount":{_money(line.discount)}}}],'
                             f'"discountedLineItemCost":{_money(line.cost - line.discount)}')
            else:
                parts.append("]")
            refunds = f'{{"amount":{_money(line.total)},"refundDate":"{refund_date}"}}' if refunded else ""
            parts.append(f',"taxes":[],"properties":{{"buyerProtection":true}},{instructions},"refunds":[{refunds}]}}')
        fee = total * FEE_PERCENT // 100
        parts.append(f'],"salesRecordReference":"{order.record}","totalFeeBasisAmount":{_money(total)},'
                     f'"totalMarketplaceFee":{_money(fee)}}}')
        return "".join(parts)

    @staticmethod
    def _payment_text(order: Order, total: int, refunded: bool) -> str:
        if order.paid_ms is not None:
            payment = f'"paymentDate":"{iso(order.paid_ms)}","paymentStatus":"PAID"'
        else:
            payment = f'"paymentStatus":"{"PENDING" if order.payment == PENDING else "FAILED"}"'
        refunds = ""
        if refunded:
            refunds = (f'{{"refundId":"R{order.record:09d}","refundDate":"{iso(order.cancel_ms)}",'  # type: ignore[arg-type]
                       f'"amount":{_money(total)},"refundStatus":"REFUNDED"}}')
        due = total if order.payment in MONEY_COLLECTED and not refunded else 0
        return (f',"paymentSummary":{{"totalDueSeller":{_money(due)},"refunds":[{refunds}],'
                f'"payments":[{{"paymentMethod":"{PAYMENT_METHOD}",{payment},"amount":{_money(total)}}}]}}')


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _money(cents: int) -> str:
    """Amount as JSON text: the value is a string with two decimals, as eBay sends it."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f'{{"value":"{sign}{cents // 100}.{cents % 100:02d}","currency":"{CURRENCY}"}}'


def _day_end(ms: int, days: int) -> int:
    return (ms // DAY_MS + days + 1) * DAY_MS - 1000


def _break(d: dict[str, Any], kind: str) -> None:
    """Deliberately broken orders for client robustness tests (docs/SANDBOX.md, malformed kinds)."""
    first = d["lineItems"][0]
    if kind == "missing_field":
        del d["creationDate"]
        del first["quantity"]
    elif kind == "wrong_type":
        first["lineItemCost"]["value"] = 49.99  # a number where eBay always sends a string
        first["quantity"] = "2"
    elif kind == "unknown_enum":
        d["orderPaymentStatus"] = "PARTIALLY_TELEPORTED"
        first["lineItemFulfillmentStatus"] = "TELEPORTED"
