"""JSON Schemas of the Shopware 6 Admin API answers the desk reads.

There is no machine-readable Shopware spec in ../shared/specs, so these are written from
marketplaces.md §5 and Shopware's entity definitions (OrderDefinition, OrderLineItemDefinition,
OrderDeliveryDefinition, OrderTransactionDefinition, ...): field names, types, nullability and
the state enums. Entities are closed (`additionalProperties: false`), so a field the sandbox
invents or renames fails. `partial()` drops the `required` lists, for answers trimmed by
`includes`.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema

ID = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
NULL_ID = {"anyOf": [ID, {"type": "null"}]}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$"}
NULL_DATETIME = {"anyOf": [DATETIME, {"type": "null"}]}
TEXT = {"type": "string"}
NULL_TEXT = {"type": ["string", "null"]}
NUMBER = {"type": "number"}
NULL = {"type": "null"}
OBJECT_OR_NULL = {"type": ["object", "null"]}

ORDER_STATES = ["open", "in_progress", "completed", "cancelled"]
DELIVERY_STATES = ["open", "shipped", "shipped_partially", "returned", "returned_partially", "cancelled"]
TRANSACTION_STATES = ["open", "paid", "paid_partially", "refunded", "refunded_partially", "cancelled", "reminded",
                      "authorized", "failed", "in_progress", "chargeback", "unconfirmed"]


def entity(alias: str, properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    props = {**properties, "apiAlias": {"const": alias}}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "required": required if required is not None else [k for k in props if not k.startswith("?")]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def nullable(name: str) -> dict[str, Any]:
    return {"anyOf": [ref(name), NULL]}


CHILD = {"id": ID, "versionId": ID, "orderId": ID, "orderVersionId": ID, "createdAt": DATETIME,
         "updatedAt": NULL_DATETIME}
ROUNDING = {"type": "object", "properties": {"decimals": {"type": "integer"}, "interval": NUMBER,
                                             "roundForNet": {"type": "boolean"}},
            "required": ["decimals", "interval", "roundForNet"], "additionalProperties": False}
TRANSLATED = {"type": "object"}

DEFS: dict[str, Any] = {
    "tax": entity("cart_tax_calculated", {"tax": NUMBER, "taxRate": NUMBER, "price": NUMBER}),
    "tax_rule": entity("cart_tax_rule", {"taxRate": NUMBER, "percentage": NUMBER}),
    "calculated_price": entity("calculated_price", {
        "unitPrice": NUMBER, "quantity": {"type": "integer"}, "totalPrice": NUMBER,
        "calculatedTaxes": {"type": "array", "items": ref("tax")},
        "taxRules": {"type": "array", "items": ref("tax_rule")},
        "referencePrice": OBJECT_OR_NULL, "listPrice": OBJECT_OR_NULL, "regulationPrice": OBJECT_OR_NULL}),
    "cart_price": entity("cart_price", {
        "netPrice": NUMBER, "totalPrice": NUMBER, "calculatedTaxes": {"type": "array", "items": ref("tax")},
        "taxRules": {"type": "array", "items": ref("tax_rule")}, "positionPrice": NUMBER, "rawTotal": NUMBER,
        "taxStatus": {"enum": ["gross", "net", "tax-free"]}}),
    "state": entity("state_machine_state", {
        "id": ID, "technicalName": TEXT, "name": TEXT, "stateMachineId": ID, "customFields": OBJECT_OR_NULL,
        "createdAt": DATETIME, "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "country": entity("country", {
        "id": ID, "name": TEXT, "iso": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "iso3": {"type": "string", "pattern": "^[A-Z]{3}$"}, "position": {"type": "integer"},
        "active": {"type": "boolean"}, "shippingAvailable": {"type": "boolean"}, "taxFree": {"type": "boolean"},
        "customFields": OBJECT_OR_NULL, "createdAt": DATETIME, "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "salutation": entity("salutation", {
        "id": ID, "salutationKey": {"enum": ["mr", "mrs", "not_specified"]}, "displayName": TEXT, "letterName": TEXT,
        "customFields": OBJECT_OR_NULL, "createdAt": DATETIME, "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "currency": entity("currency", {
        "id": ID, "isoCode": {"type": "string", "pattern": "^[A-Z]{3}$"}, "factor": NUMBER, "symbol": TEXT,
        "shortName": TEXT, "name": TEXT, "position": {"type": "integer"}, "isSystemDefault": {"type": "boolean"},
        "taxFreeFrom": NUMBER, "itemRounding": ROUNDING, "totalRounding": ROUNDING, "customFields": OBJECT_OR_NULL,
        "createdAt": DATETIME, "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "payment_method": entity("payment_method", {
        "id": ID, "handlerIdentifier": TEXT, "technicalName": TEXT, "name": TEXT, "distinguishableName": TEXT,
        "description": NULL_TEXT, "position": {"type": "integer"}, "active": {"type": "boolean"},
        "afterOrderEnabled": {"type": "boolean"}, "customFields": OBJECT_OR_NULL, "createdAt": DATETIME,
        "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "shipping_method": entity("shipping_method", {
        "id": ID, "name": TEXT, "technicalName": TEXT, "active": {"type": "boolean"}, "position": {"type": "integer"},
        "trackingUrl": NULL_TEXT, "description": NULL_TEXT, "customFields": OBJECT_OR_NULL, "createdAt": DATETIME,
        "updatedAt": NULL_DATETIME, "translated": TRANSLATED}),
    "address": entity("order_address", {
        **CHILD, "countryId": ID, "countryStateId": NULL_ID, "salutationId": NULL_ID, "firstName": TEXT,
        "lastName": TEXT, "street": TEXT, "zipcode": NULL_TEXT, "city": TEXT, "company": NULL_TEXT,
        "department": NULL_TEXT, "title": NULL_TEXT, "phoneNumber": NULL_TEXT, "additionalAddressLine1": NULL_TEXT,
        "additionalAddressLine2": NULL_TEXT, "vatId": NULL_TEXT, "customFields": OBJECT_OR_NULL,
        "country": ref("country"), "?salutation": ref("salutation")}),
    "customer": entity("order_customer", {
        **CHILD, "customerId": NULL_ID, "email": {"type": "string", "pattern": "@"}, "salutationId": NULL_ID,
        "firstName": TEXT, "lastName": TEXT, "title": NULL_TEXT, "vatIds": {"type": ["array", "null"]},
        "company": NULL_TEXT, "customerNumber": NULL_TEXT, "customFields": OBJECT_OR_NULL, "remoteAddress": NULL_TEXT,
        "?salutation": ref("salutation")}),
    "line_item": entity("order_line_item", {
        **CHILD, "productId": NULL_ID, "productVersionId": NULL_ID, "promotionId": NULL_ID, "parentId": NULL_ID,
        "identifier": TEXT, "referencedId": NULL_TEXT, "quantity": {"type": "integer", "minimum": 1},
        "label": TEXT, "payload": {"type": "object"}, "good": {"type": "boolean"}, "removable": {"type": "boolean"},
        "stackable": {"type": "boolean"}, "position": {"type": "integer"},
        "states": {"type": "array", "items": TEXT}, "price": ref("calculated_price"), "unitPrice": NUMBER,
        "totalPrice": NUMBER, "description": NULL_TEXT,
        "type": {"enum": ["product", "promotion", "custom", "credit", "discount", "container"]},
        "coverId": NULL_ID, "customFields": OBJECT_OR_NULL}),
    "delivery": entity("order_delivery", {
        **CHILD, "shippingOrderAddressId": ID, "shippingOrderAddressVersionId": ID, "shippingMethodId": ID,
        "stateId": ID, "trackingCodes": {"type": "array", "items": TEXT}, "shippingDateEarliest": DATETIME,
        "shippingDateLatest": DATETIME, "shippingCosts": ref("calculated_price"), "customFields": OBJECT_OR_NULL,
        "stateMachineState": {"anyOf": [{"allOf": [ref("state"), {"properties": {
            "technicalName": {"enum": DELIVERY_STATES}}}]}, NULL]},
        "shippingOrderAddress": ref("address"), "?shippingMethod": ref("shipping_method")}),
    "transaction": entity("order_transaction", {
        **CHILD, "paymentMethodId": ID, "amount": ref("calculated_price"), "stateId": ID,
        "customFields": OBJECT_OR_NULL,
        "stateMachineState": {"anyOf": [{"allOf": [ref("state"), {"properties": {
            "technicalName": {"enum": TRANSACTION_STATES}}}]}, NULL]},
        "?paymentMethod": ref("payment_method")}),
    "order": entity("order", {
        "id": ID, "versionId": ID, "autoIncrement": {"type": "integer"}, "orderNumber": TEXT, "billingAddressId": ID,
        "billingAddressVersionId": ID, "currencyId": ID, "languageId": ID, "salesChannelId": ID,
        "orderDateTime": DATETIME, "orderDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "price": ref("cart_price"), "amountTotal": NUMBER, "amountNet": NUMBER, "positionPrice": NUMBER,
        "taxStatus": {"enum": ["gross", "net", "tax-free"]}, "shippingCosts": ref("calculated_price"),
        "shippingTotal": NUMBER, "currencyFactor": NUMBER, "deepLinkCode": NULL_TEXT, "affiliateCode": NULL_TEXT,
        "campaignCode": NULL_TEXT, "customerComment": NULL_TEXT, "stateId": ID, "ruleIds": {"type": "array"},
        "customFields": OBJECT_OR_NULL, "createdById": NULL_ID, "updatedById": NULL_ID, "itemRounding": ROUNDING,
        "totalRounding": ROUNDING, "createdAt": DATETIME, "updatedAt": NULL_DATETIME,
        "stateMachineState": {"allOf": [ref("state"), {"properties": {"technicalName": {"enum": ORDER_STATES}}}]},
        "orderCustomer": ref("customer"), "?currency": ref("currency"), "?billingAddress": ref("address"),
        "?addresses": {"type": "array", "items": ref("address")},
        "?deliveries": {"type": "array", "items": ref("delivery")},
        "?lineItems": {"type": "array", "items": ref("line_item"), "minItems": 1},
        "?transactions": {"type": "array", "items": ref("transaction"), "minItems": 1},
        "?tags": {"type": "array"}, "?documents": {"type": "array"}}),
}


def _unmark(node: Any) -> Any:
    """'?name' marks an optional property (an association that must be requested)."""
    if isinstance(node, dict):
        out = {k: _unmark(v) for k, v in node.items()}
        if "properties" in out:
            out["properties"] = {k.lstrip("?"): v for k, v in out["properties"].items()}
        return out
    if isinstance(node, list):
        return [_unmark(v) for v in node]
    return node


DEFS = _unmark(DEFS)

SEARCH = {
    "type": "object", "additionalProperties": False, "required": ["total", "data", "aggregations"],
    "properties": {"total": {"type": "integer", "minimum": 0}, "data": {"type": "array", "items": ref("order")},
                   "aggregations": {"anyOf": [{"type": "array", "maxItems": 0}, {"type": "object"}]}},
}
SEARCH_IDS = {
    "type": "object", "additionalProperties": False, "required": ["total", "data"],
    "properties": {"total": {"type": "integer"}, "data": {"type": "array", "items": ID}},
}
TOKEN = {
    "type": "object", "additionalProperties": False, "required": ["token_type", "expires_in", "access_token"],
    "properties": {"token_type": {"const": "Bearer"}, "expires_in": {"type": "integer", "minimum": 1},
                   "access_token": {"type": "string", "pattern": r"^[\w-]+\.[\w-]+\.[\w-]+$"}},
}
ERRORS = {
    "type": "object", "additionalProperties": False, "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False, "required": ["status", "code", "title", "detail"],
        "properties": {"status": {"type": "string", "pattern": r"^\d{3}$"}, "code": TEXT, "title": TEXT,
                       "detail": NULL_TEXT, "meta": {"type": "object"},
                       "source": {"type": "object", "required": ["pointer"]}}}}},
}
_RELATION = {"type": "object", "required": ["type", "id"], "additionalProperties": False,
             "properties": {"type": TEXT, "id": ID}}
RESOURCE = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "type", "attributes", "links", "relationships", "meta"],
    "properties": {
        "id": ID, "type": TEXT, "attributes": {"type": "object"},
        "links": {"type": "object", "required": ["self"]}, "meta": NULL,
        "relationships": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["data", "links"],
            "properties": {"data": {"anyOf": [NULL, _RELATION, {"type": "array", "items": _RELATION}]},
                           "links": {"type": "object", "required": ["related"]}}}}},
}
JSONAPI = {
    "type": "object", "additionalProperties": False, "required": ["data", "included", "links", "meta", "aggregations"],
    "properties": {"data": {"type": "array", "items": RESOURCE}, "included": {"type": "array", "items": RESOURCE},
                   "links": {"type": "object"}, "aggregations": {"type": ["array", "object"]},
                   "meta": {"type": "object", "required": ["total"], "properties": {"total": {"type": "integer"}}}},
}


def partial(schema: Any) -> Any:
    """The same schema without `required`: for answers trimmed by includes."""
    if isinstance(schema, dict):
        return {k: partial(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [partial(v) for v in schema]
    return schema


def validate(body: Any, schema: dict[str, Any], *, trimmed: bool = False) -> None:
    """Raise jsonschema.ValidationError (with the path) unless body fits."""
    document = {**copy.deepcopy(schema), "$defs": DEFS}
    if trimmed:
        document = partial(document)
    validator = jsonschema.Draft7Validator(document)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise jsonschema.ValidationError(f"at {where}: {first.message} ({len(errors)} problem(s))")


def from_jsonapi(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Rebuild simple-format entities from a JSON:API document (relationships resolved via included)."""
    index = {(r["type"], r["id"]): r for r in document["included"]}

    def build(resource: dict[str, Any]) -> dict[str, Any]:
        out = {"id": resource["id"], **resource["attributes"], "apiAlias": resource["type"]}
        for name, rel in resource["relationships"].items():
            data = rel["data"]
            if data is None or data == []:
                out[name] = data
            elif isinstance(data, list):
                out[name] = [build(index[(d["type"], d["id"])]) for d in data]
            else:
                out[name] = build(index[(data["type"], data["id"])])
        return out

    return [build(r) for r in document["data"]]
