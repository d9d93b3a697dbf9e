"""Compact records -> Shopware entity JSON (the simple format; jsonapi.py converts it).

What an order carries depends on the criteria, as on a real shop:
- associations that were not requested are absent, except the ones Shopware autoloads
  (order.stateMachineState, orderCustomer, a delivery's shippingOrderAddress, an
  address's country);
- since 6.6 `deliveries[].stateMachineState` and `transactions[].stateMachineState` come back
  `null` unless requested explicitly (switch `child_state_autoload` restores the older
  autoloading);
- `includes` ({apiAlias: [fields]}) keeps only the named fields (and `apiAlias`).

Each entity is a table of field -> getter; a `View` (associations + includes of one criteria)
selects the fields once, so a field the client does not want is never computed. An order's
simple-format bytes are cached per view until the order changes: paging the same criteria
again joins cached blobs.
"""

from __future__ import annotations

import json
from typing import Any

from app.sandbox.otto.render import iso
from app.sandbox.shopware.catalog import (
    EPOCH_ISO,
    SHARED,
    Customer,
    Product,
    country_entity,
    currency_entity,
    payment_method_entity,
    salutation_entity,
    shipping_method_entity,
    state_entity,
)
from app.sandbox.shopware.entities import (
    ADDRESS_FIELDS,
    CUSTOMER_FIELDS,
    DELIVERY_FIELDS,
    LINE_FIELDS,
    ORDER_FIELDS,
    TRANSACTION_FIELDS,
    Getter,
)
from app.sandbox.shopware.model import LIVE_VERSION_ID, PROMOTIONS, Order, Transaction, derived_id, fixed_id
from app.sandbox.shopware.pricing import Money, calculated_price, money

# The associations a criteria may request, nested as Shopware's definitions allow.
ASSOCIATIONS: dict = {
    "stateMachineState": {},
    "orderCustomer": {"salutation": {}},
    "currency": {},
    "billingAddress": {"country": {}, "salutation": {}},
    "addresses": {"country": {}, "salutation": {}},
    "deliveries": {"stateMachineState": {}, "shippingMethod": {},
                   "shippingOrderAddress": {"country": {}, "salutation": {}}},
    "lineItems": {},
    "transactions": {"stateMachineState": {}, "paymentMethod": {}},
    "tags": {},
    "documents": {},
}
# Cycle checks are for user data; these dicts are ours and acyclic.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def db_datetime(ms: int) -> str:
    """How an aggregation hands back a DATETIME(3) column: '2025-05-02 08:14:00.123' (UNCONFIRMED)."""
    text = iso(ms)
    return f"{text[:10]} {text[11:23]}"


class View:
    """One criteria's associations and includes, with the field lists they select."""

    def __init__(self, tree: dict, includes: dict[str, frozenset[str]], child_state_autoload: bool) -> None:
        self.tree = tree
        self.includes = includes
        self.child_state_autoload = child_state_autoload
        self.profile = json.dumps([tree, {k: sorted(v) for k, v in includes.items()}, child_state_autoload],
                                  sort_keys=True)
        self._memo: dict[int, object] = {}
        self._fields: dict[str, tuple[tuple[str, Getter], ...]] = {}

    def wants(self, alias: str, key: str) -> bool:
        keep = self.includes.get(alias)
        return keep is None or key in keep

    def fields(self, alias: str, table: tuple[tuple[str, Getter], ...]) -> tuple[tuple[str, Getter], ...]:
        selected = self._fields.get(alias)
        if selected is None:
            keep = self.includes.get(alias)
            selected = self._fields[alias] = table if keep is None else tuple(f for f in table if f[0] in keep)
        return selected

    def trim(self, value: Any) -> Any:
        """Apply includes to a struct or a shared entity (the latter filtered once per view)."""
        kind = type(value)
        if not self.includes or (kind is not dict and kind is not list):
            return value
        if kind is list:
            return [self.trim(v) for v in value]
        key = id(value)
        if SHARED.get(key) is value:
            if key not in self._memo:
                self._memo[key] = self._trim_dict(value)
            return self._memo[key]
        return self._trim_dict(value)

    def _trim_dict(self, value: dict) -> dict:
        keep = self.includes.get(value.get("apiAlias"))  # type: ignore[arg-type]
        return {k: self.trim(v) for k, v in value.items() if keep is None or k in keep or k == "apiAlias"}


class Renderer:
    def __init__(self, products: tuple[Product, ...], customers: tuple[Customer, ...]) -> None:
        self.products = products
        self.customers = customers
        self.child_state_autoload = False  # switch: Shopware <= 6.5 autoloaded child states
        self.payloads = [self._payload(p) for p in products]

    @staticmethod
    def _payload(p: Product) -> dict[str, object]:
        payload = {"isNew": False, "taxId": p.tax_id, "productNumber": p.number, "markAsTopseller": False,
                   "isCloseout": False, "customFields": [], "features": [], "options": [], "createdAt": EPOCH_ISO,
                   "releaseDate": None, "stock": 100}
        SHARED[id(payload)] = payload
        return payload

    def view(self, tree: dict, includes: dict[str, frozenset[str]]) -> View:
        return View(tree, includes, self.child_state_autoload)

    # -- formats -------------------------------------------------------------------------
    def order_blob(self, order: Order, view: View) -> bytes:
        """Simple-format JSON of one order for this view, cached until the order changes."""
        cached = order.blob
        if cached is not None and cached[0] == view.profile:
            return cached[1]
        blob = _ENCODER.encode(self.entity(order, view)).encode()
        order.blob = (view.profile, blob)
        return blob

    def entity(self, order: Order, view: View) -> dict[str, object]:
        """The order as the criteria asks for it (broken on purpose when it is a malformed one)."""
        d = self.order_dict(order, view)
        if order.malformed:
            break_order(d, order.malformed)
        return d

    # -- entities ------------------------------------------------------------------------
    def _build(self, view: View, alias: str, table: tuple, order: Order, m: Money, item: object) -> dict:
        d = {name: get(self, order, m, item) for name, get in view.fields(alias, table)}
        if view.includes:  # structs (prices, payloads) have includes of their own
            for name, value in d.items():
                if type(value) in (dict, list):
                    d[name] = view.trim(value)
        d["apiAlias"] = alias
        return d

    def _shared(self, view: View, value: dict) -> dict:
        return view.trim(value)  # type: ignore[no-any-return]

    def order_dict(self, order: Order, view: View) -> dict[str, object]:
        m = Money(order, self.products)
        tree = view.tree
        d = self._build(view, "order", ORDER_FIELDS, order, m, None)
        wants = view.wants
        if wants("order", "stateMachineState"):  # autoloaded
            d["stateMachineState"] = self._shared(view, state_entity("order", order.state))
        if wants("order", "orderCustomer"):  # autoloaded (one-to-one)
            d["orderCustomer"] = self.order_customer(order, m, view, tree.get("orderCustomer", {}))
        if "currency" in tree and wants("order", "currency"):
            d["currency"] = self._shared(view, currency_entity())
        if "billingAddress" in tree and wants("order", "billingAddress"):
            d["billingAddress"] = self.address(order, m, view, "billing", order.billing, tree["billingAddress"])
        if "addresses" in tree and wants("order", "addresses"):
            addresses = [self.address(order, m, view, "billing", order.billing, tree["addresses"])]
            if order.shipping_addr != order.billing:
                addresses.append(self.address(order, m, view, "shipping", order.shipping_addr, tree["addresses"]))
            d["addresses"] = addresses
        if "deliveries" in tree and wants("order", "deliveries"):
            d["deliveries"] = [self.delivery(order, m, view, tree["deliveries"])]
        if "lineItems" in tree and wants("order", "lineItems"):
            d["lineItems"] = self.line_items(order, m, view)
        if "transactions" in tree and wants("order", "transactions"):
            d["transactions"] = [self.transaction(order, m, view, (i, tx), tree["transactions"])
                                 for i, tx in enumerate(order.transactions)]
        for empty in ("tags", "documents"):
            if empty in tree and wants("order", empty):
                d[empty] = []
        return d

    def order_customer(self, order: Order, m: Money, view: View, tree: dict) -> dict[str, object]:
        customer = self.customers[order.customer]
        d = self._build(view, "order_customer", CUSTOMER_FIELDS, order, m, customer)
        if "salutation" in tree and view.wants("order_customer", "salutation"):
            d["salutation"] = self._shared(view, salutation_entity(customer.salutation))
        return d

    def address(self, order: Order, m: Money, view: View, role: str, index: int, tree: dict) -> dict[str, object]:
        customer = self.customers[index]
        d = self._build(view, "order_address", ADDRESS_FIELDS, order, m, (role, customer))
        if view.wants("order_address", "country"):  # autoloaded
            d["country"] = self._shared(view, country_entity(customer.country))
        if "salutation" in tree and view.wants("order_address", "salutation"):
            d["salutation"] = self._shared(view, salutation_entity(customer.salutation))
        return d

    def _child_state(self, view: View, entity: str, state: str, requested: bool) -> dict[str, object] | None:
        if requested or view.child_state_autoload:
            return self._shared(view, state_entity(entity, state))
        return None

    def delivery(self, order: Order, m: Money, view: View, tree: dict) -> dict[str, object]:
        d = self._build(view, "order_delivery", DELIVERY_FIELDS, order, m, None)
        wants = view.wants
        if wants("order_delivery", "stateMachineState"):
            d["stateMachineState"] = self._child_state(view, "order_delivery", order.delivery_state,
                                                       "stateMachineState" in tree)
        if wants("order_delivery", "shippingOrderAddress"):  # autoloaded
            d["shippingOrderAddress"] = self.address(order, m, view, "shipping", order.shipping_addr,
                                                     tree.get("shippingOrderAddress", {}))
        if "shippingMethod" in tree and wants("order_delivery", "shippingMethod"):
            d["shippingMethod"] = self._shared(view, shipping_method_entity(order.shipping_method))
        return d

    def transaction(self, order: Order, m: Money, view: View, item: tuple[int, Transaction],
                    tree: dict) -> dict[str, object]:
        tx = item[1]
        d = self._build(view, "order_transaction", TRANSACTION_FIELDS, order, m, item)
        if view.wants("order_transaction", "stateMachineState"):
            d["stateMachineState"] = self._child_state(view, "order_transaction", tx.state,
                                                       "stateMachineState" in tree)
        if "paymentMethod" in tree and view.wants("order_transaction", "paymentMethod"):
            d["paymentMethod"] = self._shared(view, payment_method_entity(tx.method))
        return d

    def line_items(self, order: Order, m: Money, view: View) -> list[dict[str, object]]:
        items = [self._build(view, "order_line_item", LINE_FIELDS, order, m, (i, ln, self.products[ln.product]))
                 for i, ln in enumerate(order.lines)]
        if order.promotion is not None:
            items.append(view.trim(self.promotion_item(order, m)))
        return items

    def promotion_item(self, order: Order, m: Money) -> dict[str, object]:
        oid = order.id
        code, label, percent, absolute = PROMOTIONS[order.promotion or 0]
        promotion_id = fixed_id(f"promotion:{code}")
        rates: dict[float, int] = {}
        for ln, share in zip(order.lines, m.shares):
            rate = self.products[ln.product].vat
            rates[rate] = rates.get(rate, 0) - share
        composition = [{"id": self.products[ln.product].id, "quantity": ln.quantity, "discount": money(share)}
                       for ln, share in zip(order.lines, m.shares)]
        return {
            "id": derived_id(oid, "promotion"), "versionId": LIVE_VERSION_ID, "orderId": oid,
            "orderVersionId": LIVE_VERSION_ID, "productId": None, "productVersionId": None,
            "promotionId": promotion_id, "parentId": None, "identifier": promotion_id, "referencedId": code,
            "quantity": 1, "label": label,
            "payload": {"promotionId": promotion_id, "code": code, "discountId": fixed_id(f"discount:{code}"),
                        "discountType": "percentage" if percent else "absolute",
                        "value": str(percent or money(absolute or 0)), "maxValue": "", "discountScope": "cart",
                        "groupId": "", "preventCombination": False, "exclusions": [], "promotionCodeType": "fixed",
                        "composition": composition},
            "good": False, "removable": True, "stackable": False, "position": len(order.lines) + 1, "states": [],
            "price": calculated_price(-order.discount, 1, rates), "unitPrice": money(-order.discount),
            "totalPrice": money(-order.discount), "description": None, "type": "promotion", "coverId": None,
            "customFields": None, "createdAt": iso(order.created_ms), "updatedAt": None,
            "apiAlias": "order_line_item",
        }  # fmt: skip


def break_order(d: dict, kind: str) -> None:
    """The control API's persistently broken orders (docs/SANDBOX.md malformed kinds)."""
    items = d.get("lineItems")
    first = items[0] if isinstance(items, list) and items else {}
    if kind == "missing_field":
        d.pop("orderDateTime", None)
        first.pop("quantity", None)
    elif kind == "wrong_type":
        d["amountTotal"] = "49,99"
        if first:
            first["quantity"] = "2"
    elif kind == "unknown_enum":
        d["stateMachineState"] = {**(d.get("stateMachineState") or {}), "technicalName": "teleported"}
