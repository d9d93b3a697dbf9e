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
from app.domain.money import MAX_AMOUNT_MINOR, MoneyError, exponent, is_currency_code, to_minor
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


# -- readers -------------------------------------------------------------------------------------
# A page of 250 orders reads ~170,000 values, so the readers are plain functions over the JSON
# objects as json.loads made them (dicts), and each takes *where* the object sits as a path that
# is only spelled out when an error needs it: "" for the order, a field path ("billingAddress"),
# or a pair (parent, key) whose key is a field name or a list index. The first version wrapped
# every JSON object in a path-carrying node object; reading without the wrappers, amounts
# without Decimal (_money) and an equal shipping address without a second read take 37 instead
# of 65 µs per order, with the same results and the same errors.
Where = str | tuple[Any, str | int]


def _spell(where: Where) -> str:
    if isinstance(where, str):
        return where
    parent, key = where
    if isinstance(key, int):
        return f"{_spell(parent)}[{key}]"
    return field_path(_spell(parent), key)


def _at(where: Where, key: str) -> str:
    return field_path(_spell(where), key)


def _child(obj: dict, key: str, where: Where, hint: str = "") -> dict:
    value = obj.get(key)
    if isinstance(value, dict):
        return value
    if value is None:
        raise MappingError(f"{_at(where, key)} is missing{hint}")
    return as_object(value, _at(where, key))  # raises, naming the path


def _optional_child(obj: dict, key: str, where: Where) -> dict | None:
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    return as_object(value, _at(where, key))  # raises, naming the path


def _items(obj: dict, key: str, where: Where, hint: str = "") -> list[dict]:
    """A list of objects; the caller reads item i at (path of the list, i)."""
    value = obj.get(key)
    if not isinstance(value, list):
        shown = "missing" if value is None else f"a {type(value).__name__}, not a list"
        raise MappingError(f"{_at(where, key)} is {shown}{hint}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            as_object(item, f"{_at(where, key)}[{index}]")  # raises, naming the path
    return value


def _text(obj: dict, key: str, where: Where, required: bool = True, limit: int = 200) -> str:
    value = obj.get(key)
    if type(value) is str and len(value) <= limit and (not required or value.strip()):
        return value  # the usual cases, without spelling out the path
    if value is None and not required:
        return ""
    return read_text(value, _at(where, key), required=required, limit=limit)


def _enum(obj: dict, key: str, where: Where, allowed: frozenset[str]) -> str:
    value = obj.get(key)
    if type(value) is str and value in allowed:
        return value
    shown = "missing" if value is None else f"the unknown value {str(value)[:40]!r}"
    raise MappingError(f"{_at(where, key)} is {shown}")


def _number(obj: dict, key: str, where: Where) -> float | int:
    value = obj.get(key)
    if type(value) is int or type(value) is float:  # bool is excluded: its type is bool
        return value
    return read_number(value, _at(where, key))


def _count(obj: dict, key: str, where: Where) -> int:
    value = _number(obj, key, where)
    if not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise MappingError(f"{_at(where, key)} should be a whole number of pieces but is {value!r}")
    return value


def _money(obj: dict, key: str, where: Where, currency: str, scale: int) -> int:
    """Minor units (`scale` = 10 ** the currency's exponent), exactly as to_minor() reads them.

    to_minor() goes through Decimal(repr(value)), ~2 µs per amount. A float within the
    plausible range that is an exact number of minor units is the nearest float to minor/scale
    (and the other way round), so `minor / scale == value` is the same test without Decimal;
    everything else, errors included, takes to_minor()."""
    value = obj.get(key)
    if type(value) is float:
        if -_FAST_RANGE < value < _FAST_RANGE:  # also rules out nan and inf
            minor = round(value * scale)
            if minor / scale == value and -MAX_AMOUNT_MINOR <= minor <= MAX_AMOUNT_MINOR:
                return minor
    elif type(value) is int:
        minor = value * scale
        if -MAX_AMOUNT_MINOR <= minor <= MAX_AMOUNT_MINOR:
            return minor
    try:
        return to_minor(_number(obj, key, where), currency)
    except MoneyError as exc:
        raise MappingError(f"{_at(where, key)}: {exc}") from None


_FAST_RANGE = 1e12  # any finite bound: the MAX_AMOUNT_MINOR check decides


def _date(obj: dict, key: str, where: Where, required: bool = True) -> datetime | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    parsed = parse_stamp(value)
    if parsed is None:
        shown = "missing" if value is None else f"not a date: {str(value)[:40]!r}"
        raise MappingError(f"{_at(where, key)} is {shown}")
    return parsed


_REQUEST_IT = " (the criteria must request this association)"
_ITEM_TYPES = PRODUCT_TYPES | DISCOUNT_TYPES
_DELIVERY_STATES = frozenset(DELIVERY_LINE_STATUS)


def parse_order(raw: Any) -> Order:
    order = as_object(raw, "")
    order_id = _text(order, "id", "", limit=64)
    if not HEX_ID.match(order_id):
        raise MappingError(f"id {order_id[:40]!r} is not a Shopware id (32 hex characters)")
    currency = _text(_child(order, "currency", "", _REQUEST_IT), "isoCode", "currency", limit=3)
    if not is_currency_code(currency):
        raise MappingError(f"currency.isoCode is not a currency code: {currency!r}")
    scale = 10 ** exponent(currency)
    state = _state(order, "", ORDER_STATES)
    created = _date(order, "createdAt", "")
    assert created is not None
    transactions = _items(order, "transactions", "", _REQUEST_IT)
    if not transactions:
        raise MappingError("transactions is empty: the order has no payment")
    # The last payment attempt counts (a failed PayPal payment is followed by a new transaction).
    _, last = max((_date(tx, "createdAt", ("transactions", i)), i) for i, tx in enumerate(transactions))
    payment, payment_at = transactions[last], ("transactions", last)
    paid = _state(payment, payment_at, TRANSACTION_STATES) == "paid"
    method_node = _child(payment, "paymentMethod", payment_at, _REQUEST_IT)
    method_at = (payment_at, "paymentMethod")
    method = _text(method_node, "name", method_at, limit=100)
    prepayment = (_text(method_node, "handlerIdentifier", method_at, False, 300).endswith(PREPAYMENT_HANDLER)
                  or _text(method_node, "technicalName", method_at, False, 100) == PREPAYMENT_TECHNICAL)
    held = prepayment and not paid and state != "cancelled"
    deliveries = _items(order, "deliveries", "", _REQUEST_IT)
    status = _line_status(state, deliveries, held)
    lines, discounts = _line_items(_items(order, "lineItems", "", _REQUEST_IT), currency, scale, status)
    shipping = _shipping(order, deliveries, currency, scale, lines)
    charges = discounts + shipping
    total = _money(order, "amountTotal", "", currency, scale)
    summed = sum(line.total_minor for line in lines) + sum(charge.amount_minor for charge in charges)
    if summed != total:
        raise MappingError(f"amountTotal is {total / 100:.2f} but the line items and shipping costs add up to "
                           f"{summed / 100:.2f}")
    email = _text(_child(order, "orderCustomer", "", _REQUEST_IT), "email", "orderCustomer", False, 254)
    billing_raw = _child(order, "billingAddress", "", _REQUEST_IT)
    billing = _address(billing_raw, "billingAddress", email)
    shipping_address = billing
    if deliveries:
        shipping_raw = _child(deliveries[0], "shippingOrderAddress", ("deliveries", 0), _REQUEST_IT)
        if shipping_raw != billing_raw:  # equal ones (the usual case) read the same
            shipping_address = _address(shipping_raw, (("deliveries", 0), "shippingOrderAddress"), email)
    stamps = [created, _date(order, "updatedAt", "", False)]
    stamps += [_date(tx, "updatedAt", ("transactions", i), False) for i, tx in enumerate(transactions)]
    stamps += [_date(d, "updatedAt", ("deliveries", i), False) for i, d in enumerate(deliveries)]
    order_date = _date(order, "orderDateTime", "")
    assert order_date is not None
    return Order(
        channel=Channel.SHOPWARE,
        marketplace_id=order_id,
        order_number=_text(order, "orderNumber", "", limit=64),
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


def _state(obj: dict, where: Where, allowed: frozenset[str]) -> str:
    """technicalName of the entity's stateMachineState (null when the association was not requested)."""
    state = _child(obj, "stateMachineState", where, _REQUEST_IT)
    return _enum(state, "technicalName", (where, "stateMachineState"), allowed)


def _line_status(state: str, deliveries: list[dict], held: bool) -> LineStatus:
    if state == "cancelled":
        return LineStatus.CANCELLED
    if held:
        return LineStatus.PENDING
    if not deliveries:  # downloads and services: done once the order is completed
        return LineStatus.SHIPPED if state == "completed" else LineStatus.OPEN
    return DELIVERY_LINE_STATUS[_state(deliveries[0], ("deliveries", 0), _DELIVERY_STATES)]


def _position(entry: tuple[int, dict]) -> int:
    position = entry[1].get("position")
    return position if isinstance(position, int) else 0


def _line_items(items: list[dict], currency: str, scale: int,
                status: LineStatus) -> tuple[list[OrderLine], list[Charge]]:
    if len(items) > MAX_ITEMS:
        raise MappingError(f"lineItems has {len(items)} entries (at most {MAX_ITEMS} expected)")
    lines: list[OrderLine] = []
    discounts: list[tuple[dict, Where, str]] = []
    by_identifier: dict[str, str] = {}
    for index, item in sorted(enumerate(items), key=_position):
        at = ("lineItems", index)
        if item.get("parentId") is not None:
            raise MappingError(f"{_spell(at)}.parentId is set: nested line items (bundles) are not supported")
        kind = _enum(item, "type", at, _ITEM_TYPES)
        if kind in DISCOUNT_TYPES:
            discounts.append((item, at, kind))
            continue
        line = _product_line(item, at, currency, scale, status)
        lines.append(line)
        identifier = item.get("identifier")
        if isinstance(identifier, str):
            by_identifier[identifier] = line.external_id
    if not lines:
        raise MappingError("lineItems holds no product")
    if len({line.external_id for line in lines}) != len(lines):
        raise MappingError("lineItems repeats a line item id")
    all_ids = tuple(line.external_id for line in lines)
    charges = []
    for item, at, kind in discounts:
        amount = _money(item, "totalPrice", at, currency, scale)
        if amount > 0:
            raise MappingError(f"{_spell(at)}.totalPrice of a {kind} should not be positive")
        charges.append(Charge(f"{kind}:{_text(item, 'id', at, limit=64)}", _text(item, "label", at, limit=MAX_TEXT),
                              amount, _discounted_lines(item, at, by_identifier) or all_ids))
    return lines, charges


def _product_line(item: dict, at: Where, currency: str, scale: int, status: LineStatus) -> OrderLine:
    quantity = _count(item, "quantity", at)
    unit = _money(item, "unitPrice", at, currency, scale)
    if unit < 0:
        raise MappingError(f"{_spell(at)}.unitPrice is negative")
    if _money(item, "totalPrice", at, currency, scale) != unit * quantity:
        raise MappingError(f"{_spell(at)}.totalPrice is not unitPrice times quantity")
    price_at = (at, "price")
    rules = _items(_child(item, "price", at), "taxRules", price_at)
    vat = _number(rules[0], "taxRate", ((price_at, "taxRules"), 0)) if rules else 0
    if not 0 <= vat <= 100:
        raise MappingError(f"{_spell(price_at)}.taxRules[0].taxRate is not a percentage: {vat!r}")
    payload = _optional_child(item, "payload", at)
    payload_at = (at, "payload")
    return OrderLine(
        external_id=_text(item, "id", at, limit=64),
        sku=(_text(payload, "productNumber", payload_at, item.get("type") == "product", 100)
             if payload is not None else ""),
        title=_text(item, "label", at, limit=MAX_TEXT),
        quantity=quantity,
        unit_price_minor=unit,
        vat_rate_bp=round(vat * 100),
        status=status,
        ean=_text(payload, "ean", payload_at, False, 20) if payload is not None else "",
        cancellation_reason="cancelled in the shop" if status is LineStatus.CANCELLED else "",
    )


def _discounted_lines(item: dict, at: Where, by_identifier: dict[str, str]) -> tuple[str, ...]:
    """The product lines a promotion applies to, from its payload's composition (cart ids)."""
    payload = _optional_child(item, "payload", at)
    composition = payload.get("composition") if payload is not None else None
    if not isinstance(composition, list):
        return ()
    ids = [by_identifier.get(cart_id) for entry in composition
           if isinstance(entry, dict) and isinstance(cart_id := entry.get("id"), str)]
    return tuple(dict.fromkeys(i for i in ids if i))


def _shipping(order: dict, deliveries: list[dict], currency: str, scale: int,
              lines: list[OrderLine]) -> list[Charge]:
    amount = _money(_child(order, "shippingCosts", ""), "totalPrice", "shippingCosts", currency, scale)
    if amount < 0:
        raise MappingError("shippingCosts.totalPrice is negative")
    if not amount:
        return []
    name = "Versand"
    if deliveries:
        method = _optional_child(deliveries[0], "shippingMethod", ("deliveries", 0))
        if method is not None:
            name = _text(method, "name", (("deliveries", 0), "shippingMethod"), False, 100)
    return [Charge("shipping", name or "Versand", amount, tuple(line.external_id for line in lines))]


def _address(node: dict, at: Where, email: str) -> Address:
    street, house_number = split_street(_text(node, "street", at, limit=300))
    country = _child(node, "country", at, _REQUEST_IT)
    salutation = _optional_child(node, "salutation", at)
    extra = [_text(node, k, at, False, 300) for k in ("additionalAddressLine1", "additionalAddressLine2")]
    return Address(
        first_name=_text(node, "firstName", at),
        last_name=_text(node, "lastName", at),
        street=street,
        house_number=house_number,
        zip_code=_text(node, "zipcode", at, limit=20),
        city=_text(node, "city", at),
        country_code=to_alpha2(_text(country, "iso", (at, "country"), limit=3)),
        salutation=_salutation(salutation),
        company=_text(node, "company", at, False),
        addition=", ".join(part for part in extra if part),
        email=email,
        phone=_text(node, "phoneNumber", at, False, 50),
    )


def _salutation(salutation: dict | None) -> str:
    key = salutation.get("salutationKey") if salutation is not None else None
    return SALUTATIONS.get(key, "") if isinstance(key, str) else ""


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
