"""The order fields a criteria may filter, sort or aggregate on, read from the compact records.

Each field knows its kind (how a filter value is parsed and compared) and whether it runs
through a to-many association (`transactions.updatedAt`): Shopware's SQL join makes such a
filter match when *any* transaction matches, which `many=True` reproduces. Values come out
the way the database compares them: dates as epoch milliseconds, amounts as floats.
Unknown paths raise UnknownField (-> 400), like Shopware's unmapped-field error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.sandbox.shopware.catalog import (
    SALES_CHANNEL_ID,
    Customer,
    Product,
    payment_method_id,
    shipping_method_id,
    state_id,
)
from app.sandbox.shopware.model import (
    DAY_MS,
    EUR_CURRENCY_ID,
    LIVE_VERSION_ID,
    PAYMENT_METHODS,
    PROMOTIONS,
    SHIPPING_METHODS,
    SYSTEM_LANGUAGE_ID,
    Order,
    derived_id,
    line_id,
    transaction_id,
)

DATE, STRING, NUMBER = "date", "string", "number"


class UnknownField(LookupError):
    """A field path the order entity does not have (args[0] is the path)."""


@dataclass(frozen=True)
class Field:
    path: str
    kind: str
    many: bool
    get: Callable[[Order], Any]  # a value, or a list of values when many


def _cents(value: int) -> float:
    return value / 100


def order_fields(products: tuple[Product, ...], customers: tuple[Customer, ...]) -> dict[str, Field]:
    """Every supported path of the order entity and its associations."""

    def one(path: str, kind: str, get: Callable[[Order], Any]) -> tuple[str, Field]:
        return path, Field(path, kind, False, get)

    def many(path: str, kind: str, get: Callable[[Order], list[Any]]) -> tuple[str, Field]:
        return path, Field(path, kind, True, get)

    def line_items(o: Order) -> list[tuple[str, str, int, str, str | None]]:
        """(id, type, quantity, label, productNumber) per line item, promotion last."""
        items = [(line_id(o.id, i), "product", ln.quantity, products[ln.product].name, products[ln.product].number)
                 for i, ln in enumerate(o.lines)]
        if o.promotion is not None:
            items.append((derived_id(o.id, "promotion"), "promotion", 1, PROMOTIONS[o.promotion][1], None))
        return items

    def tx_methods(o: Order, column: int) -> list[str]:
        return [PAYMENT_METHODS[tx.method][column] for tx in o.transactions]

    table = dict([
        one("id", STRING, lambda o: o.id),
        one("versionId", STRING, lambda o: LIVE_VERSION_ID),
        one("orderNumber", STRING, lambda o: o.number),
        one("autoIncrement", NUMBER, lambda o: o.auto_increment),
        one("orderDateTime", DATE, lambda o: o.created_ms),
        one("orderDate", DATE, lambda o: o.created_ms // DAY_MS * DAY_MS),
        one("createdAt", DATE, lambda o: o.created_ms),
        one("updatedAt", DATE, lambda o: o.updated_ms),
        one("amountTotal", NUMBER, lambda o: _cents(o.total)),
        one("positionPrice", NUMBER, lambda o: _cents(o.goods - o.discount)),
        one("shippingTotal", NUMBER, lambda o: _cents(o.shipping)),
        one("taxStatus", STRING, lambda o: "gross"),
        one("currencyId", STRING, lambda o: EUR_CURRENCY_ID),
        one("currency.id", STRING, lambda o: EUR_CURRENCY_ID),
        one("currency.isoCode", STRING, lambda o: "EUR"),
        one("languageId", STRING, lambda o: SYSTEM_LANGUAGE_ID),
        one("salesChannelId", STRING, lambda o: SALES_CHANNEL_ID),
        one("stateId", STRING, lambda o: state_id("order", o.state)),
        one("stateMachineState.id", STRING, lambda o: state_id("order", o.state)),
        one("stateMachineState.technicalName", STRING, lambda o: o.state),
        one("orderCustomer.email", STRING, lambda o: customers[o.customer].email),
        one("orderCustomer.firstName", STRING, lambda o: customers[o.customer].first_name),
        one("orderCustomer.lastName", STRING, lambda o: customers[o.customer].last_name),
        one("orderCustomer.customerNumber", STRING, lambda o: customers[o.customer].customer_number),
        one("billingAddressId", STRING, lambda o: derived_id(o.id, "billing")),
        one("billingAddress.zipcode", STRING, lambda o: customers[o.billing].address["zipcode"]),
        one("billingAddress.city", STRING, lambda o: customers[o.billing].address["city"]),
        one("billingAddress.lastName", STRING, lambda o: customers[o.billing].last_name),
        one("billingAddress.country.iso", STRING, lambda o: customers[o.billing].country),
        many("lineItems.id", STRING, lambda o: [li[0] for li in line_items(o)]),
        many("lineItems.type", STRING, lambda o: [li[1] for li in line_items(o)]),
        many("lineItems.quantity", NUMBER, lambda o: [li[2] for li in line_items(o)]),
        many("lineItems.label", STRING, lambda o: [li[3] for li in line_items(o)]),
        many("lineItems.payload.productNumber", STRING, lambda o: [li[4] for li in line_items(o)]),
        many("transactions.id", STRING, lambda o: [transaction_id(o.id, i) for i in range(len(o.transactions))]),
        many("transactions.createdAt", DATE, lambda o: [tx.created_ms for tx in o.transactions]),
        many("transactions.updatedAt", DATE, lambda o: [tx.updated_ms for tx in o.transactions]),
        many("transactions.stateMachineState.technicalName", STRING, lambda o: [tx.state for tx in o.transactions]),
        many("transactions.stateId", STRING,
             lambda o: [state_id("order_transaction", tx.state) for tx in o.transactions]),
        many("transactions.paymentMethodId", STRING, lambda o: [payment_method_id(tx.method) for tx in o.transactions]),
        many("transactions.paymentMethod.name", STRING, lambda o: tx_methods(o, 1)),
        many("transactions.paymentMethod.handlerIdentifier", STRING, lambda o: tx_methods(o, 2)),
        many("transactions.paymentMethod.technicalName", STRING, lambda o: tx_methods(o, 3)),
        many("deliveries.id", STRING, lambda o: [derived_id(o.id, "delivery")]),
        many("deliveries.createdAt", DATE, lambda o: [o.created_ms]),
        many("deliveries.updatedAt", DATE, lambda o: [o.delivery_updated_ms]),
        many("deliveries.stateMachineState.technicalName", STRING, lambda o: [o.delivery_state]),
        many("deliveries.stateId", STRING, lambda o: [state_id("order_delivery", o.delivery_state)]),
        many("deliveries.trackingCodes", STRING, lambda o: list(o.tracking)),
        many("deliveries.shippingMethodId", STRING, lambda o: [shipping_method_id(o.shipping_method)]),
        many("deliveries.shippingMethod.name", STRING, lambda o: [SHIPPING_METHODS[o.shipping_method][0]]),
    ])  # fmt: skip
    return table


def resolve(fields: dict[str, Field], path: object) -> Field:
    """The field for a criteria path; the entity prefix (`order.createdAt`) is optional."""
    if not isinstance(path, str) or not path:
        raise UnknownField(str(path))
    field = fields.get(path.removeprefix("order."))
    if field is None:
        raise UnknownField(path)
    return field
