"""Shopware 6 order entities (simple JSON format) to the domain. Strict: whatever does not fit
raises MappingError naming the field, so the order is quarantined instead of stored half-right.

Shopware specifics:
- the money is the shop's own: `paid` when the last payment attempt (transaction) is paid;
  an unpaid prepayment ("Vorkasse", handler PrePayment) keeps the order in the backlog until
  the money arrives, other unpaid methods (invoice, cash on delivery) do not hold it;
- a cancelled order cancels every line (Shopware cancels whole orders); otherwise the
  delivery's state says whether the lines left the warehouse;
- promotion (and credit) line items are discounts on the lines their `composition` names,
  shipping costs a charge on all product lines, so the lines plus charges add up to
  `amountTotal`, which is checked.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from app.channels.fields import MappingError, as_object, field_path, read_number, read_text
from app.channels.shopware.street import split_street
from app.domain.countries import to_alpha2
from app.domain.money import MoneyError, is_currency_code, to_minor
from app.domain.orders import Address, Channel, Charge, HoldReason, LineStatus, Order, OrderLine

ORDER_STATES = frozenset({"open", "in_progress", "completed", "cancelled"})
DELIVERY_LINE_STATUS = {
    "open": LineStatus.OPEN,
    "shipped": LineStatus.SHIPPED,
    "shipped_partially": LineStatus.OPEN,  # which lines left is in the delivery positions; the rest is open
    "returned": LineStatus.RETURNED,
    "returned_partially": LineStatus.SHIPPED,
    "cancelled": LineStatus.CANCELLED,
}
TRANSACTION_STATES = frozenset({"open", "paid", "paid_partially", "refunded", "refunded_partially", "cancelled",
                                "reminded", "authorized", "failed", "in_progress", "chargeback", "unconfirmed"})
PRODUCT_TYPES = frozenset({"product", "custom"})  # goods (custom: a position added by hand)
DISCOUNT_TYPES = frozenset({"promotion", "credit", "discount"})  # negative positions
PREPAYMENT_HANDLER = "\\PrePayment"
PREPAYMENT_TECHNICAL = "payment_prepayment"
SALUTATIONS = {"mr": "MR", "mrs": "MS"}
HEX_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_ITEMS = 999
MAX_TEXT = 2000
# A customary payment term for prepayment: shown to the clerk as a hint, not a promise.
PREPAYMENT_TERM = timedelta(days=7)


def parse_stamp(value: object) -> datetime | None:
    """A Shopware timestamp: ISO-8601 with offset, or an aggregation's 'Y-m-d H:i:s.v' (UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


class Node:
    """One JSON object of the order with the path it sits at, for errors that name the field.

    The path is only spelled out when an error needs it: a page of 250 orders reads ~170,000
    values, and building each one's path string up front cost a third of the mapping time.
    """

    __slots__ = ("data", "_parent", "_key")

    def __init__(self, data: Any, where: str | None = None, *, parent: "Node | None" = None, key: str = "") -> None:
        self._parent = parent
        self._key = where if where is not None else key
        if not isinstance(data, dict):
            as_object(data, self.where)  # raises, naming the path
        self.data = data

    @property
    def where(self) -> str:
        if self._parent is None:
            return self._key
        return field_path(self._parent.where, self._key) if not self._key.startswith("[") \
            else f"{self._parent.where}{self._key}"

    def _path(self, key: str) -> str:
        return field_path(self.where, key)

    def text(self, key: str, *, required: bool = True, limit: int = 200) -> str:
        value = self.data.get(key)
        if type(value) is str and len(value) <= limit and (not required or value.strip()):
            return value  # the usual cases, without spelling out the path
        if value is None and not required:
            return ""
        return read_text(value, self._path(key), required=required, limit=limit)

    def enum(self, key: str, allowed: frozenset[str]) -> str:
        value = self.data.get(key)
        if value not in allowed:
            shown = "missing" if value is None else f"the unknown value {str(value)[:40]!r}"
            raise MappingError(f"{self._path(key)} is {shown}")
        return value  # type: ignore[no-any-return]

    def number(self, key: str) -> float | int:
        value = self.data.get(key)
        if type(value) is int or type(value) is float:  # bool is excluded: its type is bool
            return value
        return read_number(value, self._path(key))

    def count(self, key: str) -> int:
        value = self.number(key)
        if not isinstance(value, int) or not 1 <= value <= 1_000_000:
            raise MappingError(f"{self._path(key)} should be a whole number of pieces but is {value!r}")
        return value

    def money(self, key: str, currency: str) -> int:
        try:
            return to_minor(self.number(key), currency)
        except MoneyError as exc:
            raise MappingError(f"{self._path(key)}: {exc}") from None

    def date(self, key: str, *, required: bool = True) -> datetime | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        parsed = parse_stamp(value)
        if parsed is None:
            shown = "missing" if value is None else f"not a date: {str(value)[:40]!r}"
            raise MappingError(f"{self._path(key)} is {shown}")
        return parsed

    def node(self, key: str, *, required: bool = True, hint: str = "") -> Node | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise MappingError(f"{self._path(key)} is missing{hint}")
            return None
        return Node(value, parent=self, key=key)

    def nodes(self, key: str, *, hint: str = "") -> list[Node]:
        value = self.data.get(key)
        if not isinstance(value, list):
            shown = "missing" if value is None else f"a {type(value).__name__}, not a list"
            raise MappingError(f"{self._path(key)} is {shown}{hint}")
        listed = Node({}, parent=self, key=key)  # the list's own path, spelled out only on error
        return [Node(item, parent=listed, key=f"[{i}]") for i, item in enumerate(value)]


_REQUEST_IT = " (the criteria must request this association)"


def parse_order(raw: Any) -> Order:
    order = Node(raw, "")
    order_id = order.text("id", limit=64)
    if not HEX_ID.match(order_id):
        raise MappingError(f"id {order_id[:40]!r} is not a Shopware id (32 hex characters)")
    currency_node = order.node("currency", hint=_REQUEST_IT)
    assert currency_node is not None
    currency = currency_node.text("isoCode", limit=3)
    if not is_currency_code(currency):
        raise MappingError(f"currency.isoCode is not a currency code: {currency!r}")
    state = _state(order, ORDER_STATES)
    created = order.date("createdAt")
    assert created is not None
    transactions = order.nodes("transactions", hint=_REQUEST_IT)
    if not transactions:
        raise MappingError("transactions is empty: the order has no payment")
    # The last payment attempt counts (a failed PayPal payment is followed by a new transaction).
    _, _, payment = max((tx.date("createdAt"), index, tx) for index, tx in enumerate(transactions))
    paid = _state(payment, TRANSACTION_STATES) == "paid"
    method_node = payment.node("paymentMethod", hint=_REQUEST_IT)
    assert method_node is not None
    method = method_node.text("name", limit=100)
    prepayment = (method_node.text("handlerIdentifier", required=False, limit=300).endswith(PREPAYMENT_HANDLER)
                  or method_node.text("technicalName", required=False, limit=100) == PREPAYMENT_TECHNICAL)
    held = prepayment and not paid and state != "cancelled"
    deliveries = order.nodes("deliveries", hint=_REQUEST_IT)
    status = _line_status(state, deliveries, held)
    lines, discounts = _line_items(order.nodes("lineItems", hint=_REQUEST_IT), currency, status)
    shipping = _shipping(order, deliveries, currency, lines)
    charges = discounts + shipping
    total = order.money("amountTotal", currency)
    summed = sum(line.total_minor for line in lines) + sum(charge.amount_minor for charge in charges)
    if summed != total:
        raise MappingError(f"amountTotal is {total / 100:.2f} but the line items and shipping costs add up to "
                           f"{summed / 100:.2f}")
    customer = order.node("orderCustomer", hint=_REQUEST_IT)
    assert customer is not None
    email = customer.text("email", required=False, limit=254)
    billing = _address(order.node("billingAddress", hint=_REQUEST_IT), email)
    shipping_address = (_address(deliveries[0].node("shippingOrderAddress", hint=_REQUEST_IT), email)
                        if deliveries else billing)
    stamps = [created, order.date("updatedAt", required=False)]
    stamps += [node.date("updatedAt", required=False) for node in transactions + deliveries]
    order_date = order.date("orderDateTime")
    assert order_date is not None
    return Order(
        channel=Channel.SHOPWARE,
        marketplace_id=order_id,
        order_number=order.text("orderNumber", limit=64),
        order_date=order_date,
        modified_at=max(s for s in stamps if s is not None),
        currency=currency,
        lines=tuple(lines),
        charges=tuple(charges),
        payment_method=method,
        shipping_address=shipping_address,
        billing_address=billing,
        hold_reason=HoldReason.AWAITING_PAYMENT if held else None,
        expected_release=order_date + PREPAYMENT_TERM if held else None,
        paid=paid,
    )


def _state(node: Node, allowed: frozenset[str]) -> str:
    """technicalName of the entity's stateMachineState (null when the association was not requested)."""
    state = node.node("stateMachineState", hint=_REQUEST_IT)
    assert state is not None
    return state.enum("technicalName", allowed)


def _line_status(state: str, deliveries: list[Node], held: bool) -> LineStatus:
    if state == "cancelled":
        return LineStatus.CANCELLED
    if held:
        return LineStatus.PENDING
    if not deliveries:  # downloads and services: done once the order is completed
        return LineStatus.SHIPPED if state == "completed" else LineStatus.OPEN
    delivery_state = deliveries[0].node("stateMachineState", hint=_REQUEST_IT)
    assert delivery_state is not None
    return DELIVERY_LINE_STATUS[delivery_state.enum("technicalName", frozenset(DELIVERY_LINE_STATUS))]


def _line_items(items: list[Node], currency: str, status: LineStatus) -> tuple[list[OrderLine], list[Charge]]:
    if len(items) > MAX_ITEMS:
        raise MappingError(f"lineItems has {len(items)} entries (at most {MAX_ITEMS} expected)")
    lines: list[OrderLine] = []
    discounts: list[tuple[Node, str]] = []
    by_identifier: dict[str, str] = {}
    for item in sorted(items, key=lambda n: n.data.get("position") if isinstance(n.data.get("position"), int) else 0):
        if item.data.get("parentId") is not None:
            raise MappingError(f"{item.where}.parentId is set: nested line items (bundles) are not supported")
        kind = item.enum("type", PRODUCT_TYPES | DISCOUNT_TYPES)
        if kind in DISCOUNT_TYPES:
            discounts.append((item, kind))
            continue
        line = _product_line(item, currency, status)
        lines.append(line)
        identifier = item.data.get("identifier")
        if isinstance(identifier, str):
            by_identifier[identifier] = line.external_id
    if not lines:
        raise MappingError("lineItems holds no product")
    if len({line.external_id for line in lines}) != len(lines):
        raise MappingError("lineItems repeats a line item id")
    all_ids = tuple(line.external_id for line in lines)
    charges = []
    for item, kind in discounts:
        amount = item.money("totalPrice", currency)
        if amount > 0:
            raise MappingError(f"{item.where}.totalPrice of a {kind} should not be positive")
        charges.append(Charge(f"{kind}:{item.text('id', limit=64)}", item.text("label", limit=MAX_TEXT), amount,
                              _discounted_lines(item, by_identifier) or all_ids))
    return lines, charges


def _product_line(item: Node, currency: str, status: LineStatus) -> OrderLine:
    quantity = item.count("quantity")
    unit = item.money("unitPrice", currency)
    if unit < 0:
        raise MappingError(f"{item.where}.unitPrice is negative")
    if item.money("totalPrice", currency) != unit * quantity:
        raise MappingError(f"{item.where}.totalPrice is not unitPrice times quantity")
    price = item.node("price")
    assert price is not None
    rules = price.nodes("taxRules")
    vat = rules[0].number("taxRate") if rules else 0
    if not 0 <= vat <= 100:
        raise MappingError(f"{price.where}.taxRules[0].taxRate is not a percentage: {vat!r}")
    payload = item.node("payload", required=False)
    return OrderLine(
        external_id=item.text("id", limit=64),
        sku=payload.text("productNumber", required=item.data.get("type") == "product", limit=100) if payload else "",
        title=item.text("label", limit=MAX_TEXT),
        quantity=quantity,
        unit_price_minor=unit,
        vat_rate_bp=round(vat * 100),
        status=status,
        ean=payload.text("ean", required=False, limit=20) if payload else "",
        cancellation_reason="cancelled in the shop" if status is LineStatus.CANCELLED else "",
    )


def _discounted_lines(item: Node, by_identifier: dict[str, str]) -> tuple[str, ...]:
    """The product lines a promotion applies to, from its payload's composition (cart ids)."""
    payload = item.node("payload", required=False)
    composition = payload.data.get("composition") if payload else None
    if not isinstance(composition, list):
        return ()
    ids = [by_identifier.get(entry.get("id")) for entry in composition if isinstance(entry, dict)]
    return tuple(dict.fromkeys(i for i in ids if i))


def _shipping(order: Node, deliveries: list[Node], currency: str, lines: list[OrderLine]) -> list[Charge]:
    costs = order.node("shippingCosts")
    assert costs is not None
    amount = costs.money("totalPrice", currency)
    if amount < 0:
        raise MappingError("shippingCosts.totalPrice is negative")
    if not amount:
        return []
    name = "Versand"
    if deliveries:
        method = deliveries[0].node("shippingMethod", required=False)
        name = method.text("name", required=False, limit=100) if method else name
    return [Charge("shipping", name or "Versand", amount, tuple(line.external_id for line in lines))]


def _address(node: Node | None, email: str) -> Address:
    assert node is not None
    street, house_number = split_street(node.text("street", limit=300))
    country = node.node("country", hint=_REQUEST_IT)
    assert country is not None
    salutation = node.node("salutation", required=False)
    extra = [node.text(k, required=False, limit=300) for k in ("additionalAddressLine1", "additionalAddressLine2")]
    return Address(
        first_name=node.text("firstName"),
        last_name=node.text("lastName"),
        street=street,
        house_number=house_number,
        zip_code=node.text("zipcode", limit=20),
        city=node.text("city"),
        country_code=to_alpha2(country.text("iso", limit=3)),
        salutation=SALUTATIONS.get(salutation.data.get("salutationKey", ""), "") if salutation else "",
        company=node.text("company", required=False),
        addition=", ".join(part for part in extra if part),
        email=email,
        phone=node.text("phoneNumber", required=False, limit=50),
    )


def order_identity(raw: Any) -> str:
    """Best name for an order that could not be read: its id, else its number."""
    if isinstance(raw, dict):
        for key in ("id", "orderNumber"):
            value = raw.get(key)
            if isinstance(value, str) and value and len(value) <= 100 and value.isprintable():
                return value
    return ""


def created_stamp(raw: Any) -> datetime | None:
    """createdAt of a raw order if readable: the sort key of the fetch, broken orders included."""
    return parse_stamp(raw.get("createdAt")) if isinstance(raw, dict) else None
