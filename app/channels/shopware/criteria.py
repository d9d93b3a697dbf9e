"""The criteria the desk sends to `POST /api/search/order`.

Shopware stamps a change on the entity that changed: the order's `updatedAt` (null until the
order row is written again), each transaction's and each delivery's `updatedAt`. A payment
does not necessarily touch the order, so "changed since" must look at all four stamps.

Associations: the states of deliveries and transactions come back null unless requested
explicitly (6.6), so they are named here; `includes` keeps each page to the fields the
mapping reads (a full order is ~11 kB of JSON, the included part ~3 kB).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

# Where Shopware records that an order changed; "created" first (never null).
STAMP_FIELDS = ("createdAt", "updatedAt", "transactions.updatedAt", "deliveries.updatedAt")

ASSOCIATIONS: dict[str, Any] = {
    "stateMachineState": {},
    "orderCustomer": {},
    "currency": {},
    "billingAddress": {"associations": {"country": {}, "salutation": {}}},
    "lineItems": {},
    "deliveries": {"associations": {"stateMachineState": {}, "shippingMethod": {},
                                    "shippingOrderAddress": {"associations": {"country": {}, "salutation": {}}}}},
    "transactions": {"associations": {"stateMachineState": {}, "paymentMethod": {}}},
}

INCLUDES: dict[str, list[str]] = {
    "order": ["id", "orderNumber", "orderDateTime", "createdAt", "updatedAt", "amountTotal", "shippingCosts",
              "stateMachineState", "orderCustomer", "currency", "billingAddress", "lineItems", "deliveries",
              "transactions"],
    "calculated_price": ["totalPrice", "taxRules"],
    "cart_tax_rule": ["taxRate"],
    "state_machine_state": ["technicalName"],
    "order_customer": ["email", "firstName", "lastName"],
    "currency": ["isoCode"],
    "order_address": ["firstName", "lastName", "street", "zipcode", "city", "company", "additionalAddressLine1",
                      "additionalAddressLine2", "phoneNumber", "country", "salutation"],
    "country": ["iso"],
    "salutation": ["salutationKey"],
    "order_line_item": ["id", "type", "label", "quantity", "unitPrice", "totalPrice", "payload", "position", "price",
                        "identifier", "parentId"],
    "order_delivery": ["id", "updatedAt", "stateMachineState", "shippingOrderAddress", "shippingMethod",
                       "trackingCodes"],
    "shipping_method": ["name"],
    "order_transaction": ["id", "createdAt", "updatedAt", "stateMachineState", "paymentMethod"],
    "payment_method": ["name", "handlerIdentifier", "technicalName"],
}

# Immutable sort key: an order never moves to another page because it changed (see adapter.py).
SORT = [{"field": "createdAt", "order": "ASC"}, {"field": "id", "order": "ASC"}]

# The newest change stamp in the window when the fetch starts: the watermark it may reach.
NEWEST_CHANGE = [{"name": f"newest-{field.replace('.', '-')}", "type": "max", "field": field}
                 for field in STAMP_FIELDS]


def shopware_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def changed_since(since: datetime) -> list[dict[str, Any]]:
    """Orders with any change stamp at or after `since` (null stamps never match a range)."""
    bound = {"gte": shopware_time(since)}
    return [{"type": "multi", "operator": "OR",
             "queries": [{"type": "range", "field": field, "parameters": bound} for field in STAMP_FIELDS]}]


def page_criteria(since: datetime, page: int, limit: int) -> dict[str, Any]:
    """One page of the change window; the first page also asks for the total and the newest stamp."""
    criteria: dict[str, Any] = {
        "page": page, "limit": limit, "filter": changed_since(since), "sort": SORT,
        "associations": ASSOCIATIONS, "includes": INCLUDES, "total-count-mode": 1 if page == 1 else 0,
    }
    if page == 1:
        criteria["aggregations"] = NEWEST_CHANGE
    return criteria
