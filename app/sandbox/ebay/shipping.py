"""Validation of createShippingFulfillment bodies (ShippingFulfillmentDetails).

One call per package: `lineItems[{lineItemId, quantity}]`, optional `shippedDate`
(default now, ISO 8601 UTC), and `shippingCarrierCode` with `trackingNumber` both or
neither. Problems get the API's ids: 32200 line item, 32300 tracking/carrier,
32500 shipped date, 32600 anything else about the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.sandbox.ebay.errors import ApiError
from app.sandbox.ebay.model import CANCELED, PAID, Order
from app.sandbox.ebay.query import parse_ms

_TRACKING = re.compile(r"^[A-Za-z0-9]{4,40}$")
_CARRIER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,39}$")


@dataclass(frozen=True)
class Package:
    line_ids: list[str]
    shipped_ms: int
    carrier: str | None
    tracking: str | None


def _input_error(detail: str) -> ApiError:
    return ApiError(400, 32600, "Invalid input data", long_message=detail)


def parse_package(body: Any, order: Order, now_ms: int) -> Package:
    if not isinstance(body, dict):
        raise _input_error("The request body must be a JSON object.")
    if order.cancel == CANCELED or order.payment != PAID:
        raise _input_error(f"Order {order.oid} cannot be shipped: it is cancelled or not paid.")
    entries = body.get("lineItems")
    if not isinstance(entries, list) or not entries:
        raise _input_error("lineItems must list at least one line item.")
    lines = {line.lid: line for line in order.lines}
    ids: list[str] = []
    for entry in entries:
        lid = entry.get("lineItemId") if isinstance(entry, dict) else None
        line = lines.get(lid) if isinstance(lid, str) else None
        if line is None or lid in ids or line.fulfillment is not None:
            raise ApiError(400, 32200, "Invalid line item id", parameters={"lineItemId": str(lid)},
                           long_message=f"Line item {lid} is not an unshipped line item of order {order.oid}.")
        ids.append(lid)  # type: ignore[arg-type]
    carrier, tracking = body.get("shippingCarrierCode"), body.get("trackingNumber")
    if (carrier is None) != (tracking is None) or any(
            value is not None and not (isinstance(value, str) and pattern.match(value))
            for value, pattern in ((carrier, _CARRIER), (tracking, _TRACKING))):
        raise ApiError(400, 32300, "Invalid shipment tracking number or carrier")
    shipped = body.get("shippedDate")
    if shipped is None:
        shipped_ms = now_ms
    else:
        try:
            shipped_ms = parse_ms(shipped, "shippedDate") if isinstance(shipped, str) else -1
        except ApiError:
            shipped_ms = -1
        if not order.created_ms <= shipped_ms <= now_ms:
            raise ApiError(400, 32500, "Invalid shipped date", parameters={"shippedDate": str(shipped)})
    return Package(ids, shipped_ms, carrier, tracking)
