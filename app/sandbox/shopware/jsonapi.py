"""Shopware's default response format: the same entities as a JSON:API document.

Resources carry `id`, `type` (the entity name), `attributes`, `links.self` and
`relationships` (with `links.related`); every associated entity appears once in `included`.
Built from the simple-format entities, so both formats always carry the same data.
"""

from __future__ import annotations

from collections.abc import Iterable

ASSOCIATION_NAMES = frozenset({"stateMachineState", "orderCustomer", "currency", "billingAddress", "addresses",
                               "deliveries", "lineItems", "transactions", "tags", "documents", "country",
                               "salutation", "shippingOrderAddress", "shippingMethod", "paymentMethod"})
ENTITY_ALIASES = frozenset({"order", "order_line_item", "order_delivery", "order_transaction", "state_machine_state",
                            "order_customer", "order_address", "country", "currency", "payment_method",
                            "shipping_method", "salutation"})


def jsonapi_document(entities: Iterable[dict], base: str, extra: dict[str, object]) -> dict[str, object]:
    """A JSON:API search document: resources in `data`, every associated entity once in `included`."""
    included: dict[tuple[str, str], dict] = {}

    def resource(d: dict) -> dict[str, object]:
        alias = str(d["apiAlias"])
        path = f"{base}/{alias.replace('_', '-')}/{d['id']}"
        attributes: dict[str, object] = {}
        relationships: dict[str, dict[str, object]] = {}
        for key, value in d.items():
            if key in ("id", "apiAlias"):
                continue
            if _is_entity(value):
                relationships[key] = {"data": link(value)}
            elif isinstance(value, list) and value and all(_is_entity(v) for v in value):
                relationships[key] = {"data": [link(v) for v in value]}
            elif key in ASSOCIATION_NAMES and (value is None or value == []):
                relationships[key] = {"data": value}
            else:
                attributes[key] = value
        for name, relationship in relationships.items():
            relationship["links"] = {"related": f"{path}/{name}"}
        return {"id": d["id"], "type": alias, "attributes": attributes, "links": {"self": path},
                "relationships": relationships, "meta": None}

    def link(d: dict) -> dict[str, str]:
        key = (str(d["apiAlias"]), str(d["id"]))
        if key not in included:
            included[key] = {}  # reserve the slot first: entities may refer to each other
            included[key] = resource(d)
        return {"type": key[0], "id": key[1]}

    data = [resource(d) for d in entities]
    return {"data": data, "included": list(included.values()), **extra}


def _is_entity(value: object) -> bool:
    return isinstance(value, dict) and value.get("apiAlias") in ENTITY_ALIASES and "id" in value
