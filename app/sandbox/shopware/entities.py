"""The fields of each entity the sandbox renders, as tables of (name, getter).

A getter takes (renderer, order, money, item): the Renderer (for its pools), the order record,
its `Money` split and the entity's own item (a customer, an address role, a transaction, a
line). A `View` picks the fields a criteria's `includes` keep, so unwanted fields are never
computed. Field names and nullability are Shopware's (OrderDefinition and friends).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.sandbox.otto.render import iso
from app.sandbox.shopware.catalog import SALES_CHANNEL_ID, SHARED, payment_method_id, shipping_method_id, state_id
from app.sandbox.shopware.model import (
    DAY_MS,
    EUR_CURRENCY_ID,
    LIVE_VERSION_ID,
    SYSTEM_LANGUAGE_ID,
    derived_id,
    fixed_id,
    line_id,
    transaction_id,
)
from app.sandbox.shopware.pricing import calculated_price, money

ROUNDING = {"decimals": 2, "interval": 0.01, "roundForNet": True}
SHARED[id(ROUNDING)] = ROUNDING


def _iso_or_none(ms: int | None) -> str | None:
    return None if ms is None else iso(ms)


Getter = Callable[..., Any]

# -- field tables: (name, getter(renderer, order, money, item)) ------------------------------
ORDER_FIELDS: tuple[tuple[str, Getter], ...] = (
    ("id", lambda r, o, m, x: o.id),
    ("versionId", lambda r, o, m, x: LIVE_VERSION_ID),
    ("autoIncrement", lambda r, o, m, x: o.auto_increment),
    ("orderNumber", lambda r, o, m, x: o.number),
    ("billingAddressId", lambda r, o, m, x: derived_id(o.id, "billing")),
    ("billingAddressVersionId", lambda r, o, m, x: LIVE_VERSION_ID),
    ("currencyId", lambda r, o, m, x: EUR_CURRENCY_ID),
    ("languageId", lambda r, o, m, x: SYSTEM_LANGUAGE_ID),
    ("salesChannelId", lambda r, o, m, x: SALES_CHANNEL_ID),
    ("orderDateTime", lambda r, o, m, x: iso(o.created_ms)),
    ("orderDate", lambda r, o, m, x: iso(o.created_ms)[:10]),
    ("price", lambda r, o, m, x: m.cart_price(o)),
    ("amountTotal", lambda r, o, m, x: money(o.total)),
    ("amountNet", lambda r, o, m, x: money(m.net(o))),
    ("positionPrice", lambda r, o, m, x: money(o.goods - o.discount)),
    ("taxStatus", lambda r, o, m, x: "gross"),
    ("shippingCosts", lambda r, o, m, x: calculated_price(o.shipping, 1, {m.shipping_rate: o.shipping})),
    ("shippingTotal", lambda r, o, m, x: money(o.shipping)),
    ("currencyFactor", lambda r, o, m, x: 1.0),
    ("deepLinkCode", lambda r, o, m, x: derived_id(o.id, "deep_link")),
    ("affiliateCode", lambda r, o, m, x: None),
    ("campaignCode", lambda r, o, m, x: None),
    ("customerComment", lambda r, o, m, x: None),
    ("stateId", lambda r, o, m, x: state_id("order", o.state)),
    ("ruleIds", lambda r, o, m, x: []),
    ("customFields", lambda r, o, m, x: None),
    ("createdById", lambda r, o, m, x: None),
    ("updatedById", lambda r, o, m, x: None),
    ("itemRounding", lambda r, o, m, x: ROUNDING),
    ("totalRounding", lambda r, o, m, x: ROUNDING),
    ("createdAt", lambda r, o, m, x: iso(o.created_ms)),
    ("updatedAt", lambda r, o, m, x: _iso_or_none(o.updated_ms)),
)
CUSTOMER_FIELDS: tuple[tuple[str, Getter], ...] = (
    ("id", lambda r, o, m, c: derived_id(o.id, "customer")),
    ("versionId", lambda r, o, m, c: LIVE_VERSION_ID),
    ("orderId", lambda r, o, m, c: o.id),
    ("orderVersionId", lambda r, o, m, c: LIVE_VERSION_ID),
    ("customerId", lambda r, o, m, c: fixed_id(f"customer:{c.customer_number}")),
    ("email", lambda r, o, m, c: c.email),
    ("salutationId", lambda r, o, m, c: c.address["salutationId"]),
    ("firstName", lambda r, o, m, c: c.first_name),
    ("lastName", lambda r, o, m, c: c.last_name),
    ("title", lambda r, o, m, c: c.address["title"]),
    ("vatIds", lambda r, o, m, c: None),
    ("company", lambda r, o, m, c: c.company),
    ("customerNumber", lambda r, o, m, c: c.customer_number),
    ("customFields", lambda r, o, m, c: None),
    ("remoteAddress", lambda r, o, m, c: None),
    ("createdAt", lambda r, o, m, c: iso(o.created_ms)),
    ("updatedAt", lambda r, o, m, c: None),
)
_ADDRESS_KEYS = ("countryId", "countryStateId", "salutationId", "firstName", "lastName", "street", "zipcode", "city",
                 "company", "department", "title", "phoneNumber", "additionalAddressLine1", "additionalAddressLine2",
                 "vatId", "customFields")
ADDRESS_FIELDS: tuple[tuple[str, Getter], ...] = (
    ("id", lambda r, o, m, a: derived_id(o.id, a[0])),
    ("versionId", lambda r, o, m, a: LIVE_VERSION_ID),
    ("orderId", lambda r, o, m, a: o.id),
    ("orderVersionId", lambda r, o, m, a: LIVE_VERSION_ID),
    *((key, (lambda k: lambda r, o, m, a: a[1].address[k])(key)) for key in _ADDRESS_KEYS),
    ("createdAt", lambda r, o, m, a: iso(o.created_ms)),
    ("updatedAt", lambda r, o, m, a: None),
)
DELIVERY_FIELDS: tuple[tuple[str, Getter], ...] = (
    ("id", lambda r, o, m, x: derived_id(o.id, "delivery")),
    ("versionId", lambda r, o, m, x: LIVE_VERSION_ID),
    ("orderId", lambda r, o, m, x: o.id),
    ("orderVersionId", lambda r, o, m, x: LIVE_VERSION_ID),
    ("shippingOrderAddressId", lambda r, o, m, x: derived_id(o.id, "shipping")),
    ("shippingOrderAddressVersionId", lambda r, o, m, x: LIVE_VERSION_ID),
    ("shippingMethodId", lambda r, o, m, x: shipping_method_id(o.shipping_method)),
    ("stateId", lambda r, o, m, x: state_id("order_delivery", o.delivery_state)),
    ("trackingCodes", lambda r, o, m, x: list(o.tracking)),
    ("shippingDateEarliest", lambda r, o, m, x: iso(o.created_ms // DAY_MS * DAY_MS + DAY_MS)),
    ("shippingDateLatest", lambda r, o, m, x: iso(o.created_ms // DAY_MS * DAY_MS + 3 * DAY_MS)),
    ("shippingCosts", lambda r, o, m, x: calculated_price(o.shipping, 1, {m.shipping_rate: o.shipping})),
    ("customFields", lambda r, o, m, x: None),
    ("createdAt", lambda r, o, m, x: iso(o.created_ms)),
    ("updatedAt", lambda r, o, m, x: _iso_or_none(o.delivery_updated_ms)),
)
TRANSACTION_FIELDS: tuple[tuple[str, Getter], ...] = (
    ("id", lambda r, o, m, t: transaction_id(o.id, t[0])),
    ("versionId", lambda r, o, m, t: LIVE_VERSION_ID),
    ("orderId", lambda r, o, m, t: o.id),
    ("orderVersionId", lambda r, o, m, t: LIVE_VERSION_ID),
    ("paymentMethodId", lambda r, o, m, t: payment_method_id(t[1].method)),
    ("amount", lambda r, o, m, t: calculated_price(o.total, 1, m.by_rate)),
    ("stateId", lambda r, o, m, t: state_id("order_transaction", t[1].state)),
    ("customFields", lambda r, o, m, t: None),
    ("createdAt", lambda r, o, m, t: iso(t[1].created_ms)),
    ("updatedAt", lambda r, o, m, t: _iso_or_none(t[1].updated_ms)),
)
LINE_FIELDS: tuple[tuple[str, Getter], ...] = (  # item: (index, Line, Product)
    ("id", lambda r, o, m, i: line_id(o.id, i[0])),
    ("versionId", lambda r, o, m, i: LIVE_VERSION_ID),
    ("orderId", lambda r, o, m, i: o.id),
    ("orderVersionId", lambda r, o, m, i: LIVE_VERSION_ID),
    ("productId", lambda r, o, m, i: i[2].id),
    ("productVersionId", lambda r, o, m, i: LIVE_VERSION_ID),
    ("promotionId", lambda r, o, m, i: None),
    ("parentId", lambda r, o, m, i: None),
    ("identifier", lambda r, o, m, i: i[2].id),
    ("referencedId", lambda r, o, m, i: i[2].id),
    ("quantity", lambda r, o, m, i: i[1].quantity),
    ("label", lambda r, o, m, i: i[2].name),
    ("payload", lambda r, o, m, i: r.payloads[i[1].product]),
    ("good", lambda r, o, m, i: True),
    ("removable", lambda r, o, m, i: True),
    ("stackable", lambda r, o, m, i: True),
    ("position", lambda r, o, m, i: i[0] + 1),
    ("states", lambda r, o, m, i: ["is-physical"]),
    ("price", lambda r, o, m, i: calculated_price(i[1].unit, i[1].quantity, {i[2].vat: m.totals[i[0]]})),
    ("unitPrice", lambda r, o, m, i: money(i[1].unit)),
    ("totalPrice", lambda r, o, m, i: money(m.totals[i[0]])),
    ("description", lambda r, o, m, i: None),
    ("type", lambda r, o, m, i: "product"),
    ("coverId", lambda r, o, m, i: None),
    ("customFields", lambda r, o, m, i: None),
    ("createdAt", lambda r, o, m, i: iso(o.created_ms)),
    ("updatedAt", lambda r, o, m, i: None),
)
