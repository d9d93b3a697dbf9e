"""Turn compact sandbox records into OTTO wire JSON (Orders v4, Receipts v3).

Orders are serialised once and cached as bytes on the record (`Order.blob`);
the store clears the cache whenever an order changes. A list page is then just
a join of cached blobs, which is what keeps paging 100,000 orders cheap.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from app.sandbox.otto.catalog import DELIVERY_FEES, Product, invoice_address, pseudonym_email, receipt_address
from app.sandbox.otto.model import (
    CANCELLATION_REASONS,
    FULFILLMENT,
    PAYMENT_METHODS,
    Item,
    Order,
    Receipt,
)

DAY_MS = 86_400_000
BAD_UTF8_MARKER = "@@SANDBOX-BAD-UTF8@@"
BAD_UTF8_BYTES = b"Kaffeem\xe4schine \xff\xfe\xc3\x28"  # Latin-1 umlaut + invalid UTF-8 sequences
HUGE_TITLE = "Sehr langer Produkttitel mit vielen Details. " * 4500  # ~200 kB
PARTNER = {
    "partnerName": "Sandbox Handel GmbH",
    "shopName": "Sandbox Shop",
    "street": "Teststraße 1",
    "zipCode": "22089",
    "city": "Hamburg",
    "countryCode": "DEU",
    "vatId": "DE999999999",
    "representedBy": "Erika Beispiel",
    "registerCourt": "Amtsgericht Hamburg",
    "commercialRegisterNumber": "HRB 999999",
    "weeeRegistrationNumber": "DE 99999999",
}
_PREPAID = {"PAYPAL", "CREDIT_CARD", "CREDIT_CARD_ONLINE", "PREPAYMENT"}


_DAYS: dict[int, str] = {}
_CLOCK: list[str] = []  # "HH:MM:SS." for every second of a day (5 MB, built on first use)
_MILLIS = [f"{i:03d}+00:00" for i in range(1000)]


def iso(ms: int) -> str:
    """OTTO style timestamp: '2025-05-02T08:14:00.000+00:00'.

    Hot path (5 calls per order, ~500k per 100k-order pagination), hence the
    lookup tables instead of strftime: about 4x faster.
    """
    day, rest = divmod(ms, DAY_MS)
    prefix = _DAYS.get(day)
    if prefix is None:
        if not _CLOCK:  # publish the table in one step before any day prefix can be seen
            _CLOCK[:] = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]
        y, mo, d = time.gmtime(day * 86_400)[:3]
        prefix = _DAYS[day] = f"{y:04d}-{mo:02d}-{d:02d}T"
    seconds, millis = divmod(rest, 1000)
    return prefix + _CLOCK[seconds] + _MILLIS[millis]


def amount(cents: int) -> dict[str, object]:
    return {"amount": round(cents / 100, 2), "currency": "EUR"}


def money_json(cents: int) -> str:
    """AmountOrdersV4 as JSON text with exactly two decimals ("5.00", not "5.0")."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f'{{"amount":{sign}{cents // 100}.{cents % 100:02d},"currency":"EUR"}}'


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def product_dicts(products: Sequence[Product]) -> list[dict[str, object]]:
    """Prebuilt ProductOrdersV4 dicts, shared by every order (never mutated)."""
    out = []
    for p in products:
        d: dict[str, object] = {
            "sku": p.sku,
            "articleNumber": p.article_number,
            "productTitle": p.title,
            "ean": p.ean,
            "vatRate": p.vat,
            "shopUrl": p.shop_url,
        }
        if p.color:
            d["dimensions"] = [{"type": "COLOR", "displayName": "Farbe", "value": p.color}]
        out.append(d)
    return out


class Renderer:
    """Holds the shared pools (and their pre-encoded JSON) so render calls stay cheap."""

    def __init__(self, products: Sequence[Product], addresses: Sequence[dict[str, str]]) -> None:
        self.products = products
        self.product_json = product_dicts(products)
        self.addresses = addresses
        # ',"product":{...}' plus the weeePickup tail for absent / false / true, per product.
        self._item_tail = [
            (
                f',"product":{text}}}',
                f',"product":{text},"weeePickup":false}}',
                f',"product":{text},"weeePickup":true}}',
            )
            for text in (_dumps(p) for p in self.product_json)
        ]
        self._address_text = [_dumps(a) for a in addresses]
        # Invoice addresses differ only by the pseudonymised e-mail, which comes last.
        self._invoice_prefix = [
            _dumps({**{k: v for k, v in a.items() if k != "email"}, "email": ""})[:-2] for a in addresses
        ]

    # -- orders -------------------------------------------------------------
    def item_dict(self, order: Order, item: Item, first: bool) -> dict[str, object]:
        d: dict[str, object] = {
            "positionItemId": item.pid,
            "fulfillmentStatus": FULFILLMENT[item.status],
            "itemValueGrossPrice": amount(item.price),
        }
        if first and order.discount:
            d["itemValueDiscount"] = amount(order.discount)
            d["itemValueReducedGrossPrice"] = amount(item.price - order.discount)
        d["expectedDeliveryDate"] = iso((order.order_ms // DAY_MS + order.edd_days) * DAY_MS)
        if item.processable_ms is not None:
            d["processableDate"] = iso(item.processable_ms)
        if item.sent_ms is not None:
            d["sentDate"] = iso(item.sent_ms)
            d["trackingInfo"] = tracking_info(item)
        if item.cancel_ms is not None:
            d["cancellationDate"] = iso(item.cancel_ms)
            d["cancellationReason"] = CANCELLATION_REASONS[item.reason or 0]
        if item.returned_ms is not None:
            d["returnedDate"] = iso(item.returned_ms)
            d["returnAcceptedByMarketplace"] = True
        d["product"] = self.product_json[item.product]
        if item.weee is not None:
            d["weeePickup"] = item.weee
        return d

    def order_dict(self, order: Order) -> dict[str, object]:
        changed = iso(order.changed)
        d: dict[str, object] = {
            "salesOrderId": order.sid,
            "orderNumber": order.number,
            "orderDate": iso(order.order_ms),
            "lastModifiedDate": changed,
            "orderLifecycleInformation": {"lifecycleChangeDate": changed},
            "payment": {"paymentMethod": PAYMENT_METHODS[order.payment]},
        }
        if order.visible:
            d["deliveryAddress"] = self.addresses[order.addr]
            d["invoiceAddress"] = invoice_address(self.addresses[order.inv], order.sid)
        d["positionItems"] = [self.item_dict(order, item, i == 0) for i, item in enumerate(order.items)]
        name, cents = DELIVERY_FEES[order.fee]
        fees = []
        if name:
            fees.append(
                {
                    "name": name,
                    "deliveryFeeAmount": amount(cents),
                    "positionItemIds": [item.pid for item in order.items],
                    "vatRate": 19.0,
                }
            )
        d["initialDeliveryFees"] = fees
        if order.discount:
            d["initialDiscounts"] = [
                {
                    "discountId": f"DISC-{order.number}",
                    "discountName": "Sandbox-Rabatt",
                    "name": "PARTNER_DISCOUNT",
                    "discountAmount": amount(order.discount),
                    "positionItemIds": [order.items[0].pid],
                    "vatRate": self.products[order.items[0].product].vat,
                }
            ]
        d["links"] = [{"rel": "self", "href": f"/v4/orders/{order.sid}"}]
        return d

    def order_blob(self, order: Order) -> bytes:
        """Wire bytes of one order, cached until the order changes."""
        blob = order.blob
        if blob is None:
            if order.malformed:
                blob = self._malformed_blob(order)
            else:
                blob = self.order_text(order).encode()
            order.blob = blob
        return blob

    def order_text(self, order: Order) -> str:
        """Same JSON as json.dumps(order_dict(order)) but ~3x faster, amounts with 2 decimals.

        Only sandbox-made ASCII identifiers are pasted unescaped; anything a client
        supplied (tracking numbers) goes through json.dumps.
        """
        changed = iso(order.changed)
        parts = [
            f'{{"salesOrderId":"{order.sid}","orderNumber":"{order.number}","orderDate":"{iso(order.order_ms)}",'
            f'"lastModifiedDate":"{changed}","orderLifecycleInformation":{{"lifecycleChangeDate":"{changed}"}},'
            f'"payment":{{"paymentMethod":"{PAYMENT_METHODS[order.payment]}"}}'
        ]
        if order.visible:
            email = pseudonym_email(order.sid)
            parts.append(f',"deliveryAddress":{self._address_text[order.addr]}')
            parts.append(f',"invoiceAddress":{self._invoice_prefix[order.inv]}{email}"}}')
        parts.append(',"positionItems":[')
        edd = iso((order.order_ms // DAY_MS + order.edd_days) * DAY_MS)
        tails = self._item_tail
        for index, item in enumerate(order.items):
            price = money_json(item.price)
            parts.append(
                f'{"," if index else ""}{{"positionItemId":"{item.pid}",'
                f'"fulfillmentStatus":"{FULFILLMENT[item.status]}","itemValueGrossPrice":{price}'
            )
            if index == 0 and order.discount:
                parts.append(
                    f',"itemValueDiscount":{money_json(order.discount)}'
                    f',"itemValueReducedGrossPrice":{money_json(item.price - order.discount)}'
                )
            parts.append(f',"expectedDeliveryDate":"{edd}"')
            if item.processable_ms is not None:
                when = changed if item.processable_ms == order.changed else iso(item.processable_ms)
                parts.append(f',"processableDate":"{when}"')
            if item.sent_ms is not None:
                tracking = _dumps(tracking_info(item))
                parts.append(f',"sentDate":"{iso(item.sent_ms)}","trackingInfo":{tracking}')
            if item.cancel_ms is not None:
                reason = CANCELLATION_REASONS[item.reason or 0]
                parts.append(f',"cancellationDate":"{iso(item.cancel_ms)}","cancellationReason":"{reason}"')
            if item.returned_ms is not None:
                parts.append(f',"returnedDate":"{iso(item.returned_ms)}","returnAcceptedByMarketplace":true')
            parts.append(tails[item.product][0 if item.weee is None else 2 if item.weee else 1])
        parts.append('],"initialDeliveryFees":[')
        name, cents = DELIVERY_FEES[order.fee]
        if name:
            ids = ",".join(f'"{item.pid}"' for item in order.items)
            parts.append(
                f'{{"name":"{name}","deliveryFeeAmount":{money_json(cents)},"positionItemIds":[{ids}],"vatRate":19.0}}'
            )
        parts.append("]")
        if order.discount:
            first = order.items[0]
            vat = self.products[first.product].vat
            parts.append(
                f',"initialDiscounts":[{{"discountId":"DISC-{order.number}","discountName":"Sandbox-Rabatt",'
                f'"name":"PARTNER_DISCOUNT","discountAmount":{money_json(order.discount)},'
                f'"positionItemIds":["{first.pid}"],"vatRate":{vat!r}}}]'
            )
        parts.append(f',"links":[{{"rel":"self","href":"/v4/orders/{order.sid}"}}]}}')
        return "".join(parts)

    def _malformed_blob(self, order: Order) -> bytes:
        """Deliberately broken orders for client robustness tests (see docs/SANDBOX.md)."""
        d = self.order_dict(order)
        items = d["positionItems"]
        assert isinstance(items, list)
        first = dict(items[0])
        items[0] = first
        kind = order.malformed
        if kind == "missing_field":
            del d["orderDate"]
            del first["fulfillmentStatus"]
        elif kind == "wrong_type":
            first["itemValueGrossPrice"] = {"amount": "49,99", "currency": "EUR"}
            d["orderNumber"] = 1234567890
        elif kind == "unknown_enum":
            first["fulfillmentStatus"] = "PARTIALLY_TELEPORTED"
        elif kind == "huge":
            product = dict(first["product"])  # type: ignore[arg-type]
            product["productTitle"] = HUGE_TITLE
            first["product"] = product
        elif kind == "bad_encoding":
            product = dict(first["product"])  # type: ignore[arg-type]
            product["productTitle"] = BAD_UTF8_MARKER
            first["product"] = product
        raw = json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()
        return raw.replace(BAD_UTF8_MARKER.encode(), BAD_UTF8_BYTES)

    # -- receipts -------------------------------------------------------------
    def receipt_dict(self, receipt: Receipt) -> dict[str, object]:
        order = receipt.order
        pids = set(receipt.pids)
        items = [item for item in order.items if item.pid in pids]
        lines: list[dict[str, object]] = []
        services: list[dict[str, object]] = []
        by_vat: dict[float, int] = {}
        groups: dict[int, list[Item]] = {}
        for item in items:
            groups.setdefault(item.product, []).append(item)
        line = 0
        for product_index, group in groups.items():
            product = self.products[product_index]
            line += 1
            mods = []
            gross = sum(i.price for i in group)
            if order.discount and order.items[0] in group:
                gross -= order.discount
                mods.append(
                    {
                        "lineNumber": 1,
                        "priceModificationType": "PARTNER_DISCOUNT",
                        "priceModificationAmount": price(-order.discount, product.vat),
                        "details": {"description": "Sandbox-Rabatt", "type": "PARTNER_DISCOUNT"},
                    }
                )
            lines.append(
                {
                    "lineNumber": line,
                    "articleNumber": product.article_number,
                    "sku": product.sku,
                    "productTitle": product.title,
                    "positionItemIds": [i.pid for i in group],
                    "quantity": len(group),
                    "unitPrice": price(group[0].price, product.vat),
                    "positionSum": price(gross, product.vat),
                    "priceModifications": mods,
                }
            )
            by_vat[product.vat] = by_vat.get(product.vat, 0) + gross
            for item in group:
                if item.weee:
                    services.append(_disposal(len(services) + 1, product, item))
        costs = []
        name, cents = DELIVERY_FEES[order.fee]
        if name and receipt.with_fees:
            costs.append(
                {
                    "lineNumber": 1,
                    "deliveryCostType": "DELIVERY_FEE_FREIGHT_SURCHARGE" if order.fee == 4 else "DELIVERY_FEE_STANDARD",
                    "unitPrice": price(cents, 19.0),
                    "positionSum": price(cents, 19.0),
                    "priceModifications": [],
                }
            )
            by_vat[19.0] = by_vat.get(19.0, 0) + cents
        total = sum(by_vat.values())
        method = PAYMENT_METHODS[order.payment]
        delivery = self.addresses[order.addr]
        return {
            "receiptType": "PURCHASE",
            "isRealReceipt": True,
            "receiptNumber": receipt.number,
            "creationDate": iso(receipt.created_ms),
            "salesOrderId": order.sid,
            "orderNumber": order.number,
            "orderDate": iso(order.order_ms),
            "shipmentDate": iso(receipt.ship_ms),
            "shipment": {"shipFromAddress": {"countryCode": receipt.ship_from[0], "zipCode": receipt.ship_from[1]}},
            "payment": {"paymentMethod": method, "paymentProvider": "OTTO_PAYMENTS"},
            "partner": PARTNER,
            "customer": {"invoiceAddress": receipt_address(self.addresses[order.inv])},
            "deliveryAddress": receipt_address(delivery),
            "lineItems": {
                "itemPositions": lines,
                "servicePositions": services,
                "deliveryCosts": costs,
                "itemPartialRefundPositions": [],
                "servicePartialRefundPositions": [],
                "deliveryFeePartialRefundPositions": [],
            },
            "totals": [price(cents, vat) for vat, cents in sorted(by_vat.items())],
            "totalsGrossAmount": amount(total),
            "amountDue": amount(0 if method in _PREPAID else total),
        }


def tracking_info(item: Item) -> dict[str, str]:
    """Forwarder shipments may have no tracking number: omit it rather than send null."""
    info = {"carrier": item.carrier or ""}
    if item.tracking is not None:
        info["trackingNumber"] = item.tracking
    return info


def price(gross: int, vat: float) -> dict[str, object]:
    """PriceReceiptsV3: gross/net/tax split for one VAT rate."""
    net = round(gross / (1 + vat / 100))
    return {
        "taxType": "VAT",
        "taxRate": f"{vat:.2f}",
        "gross": amount(gross),
        "net": amount(net),
        "tax": amount(gross - net),
    }


def _disposal(line: int, product: Product, item: Item) -> dict[str, object]:
    service_id = f"{item.pid[:-4]}d15p"  # stable, unique per item
    return {
        "lineNumber": line,
        "serviceType": "DISPOSAL",
        "serviceName": "Altgerätemitnahme",
        "servicePositionItemIds": [service_id],
        "quantity": 1,
        "unitPrice": price(0, 19.0),
        "positionSum": price(0, 19.0),
        "priceModifications": [],
        "linkedItemDetails": {
            "articleNumber": product.article_number,
            "sku": product.sku,
            "productTitle": product.title,
            "serviceRelations": [{"positionItemId": item.pid, "servicePositionItemId": service_id}],
        },
    }
