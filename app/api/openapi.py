"""The web service's OpenAPI 3.1 document: served at /api/v1/openapi.json, kept as docs/openapi.json,
and the schema every updateOrders body is validated against (one source for the contract).

    .venv/bin/python -m app.api.openapi > docs/openapi.json   # after changing this file
"""

from __future__ import annotations

import copy
import json
import sys
from functools import lru_cache
from typing import Any

from app import __version__
from app.domain.orders import Channel, HoldReason, LineStatus, OrderStatus
from app.store.erp_export import DEFAULT_LIMIT, MAX_LIMIT

MAX_UPDATES = 500  # updates per updateOrders call
MAX_BODY = 2 * 1024 * 1024  # bytes

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}
MONEY = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": "decimal text, never a float"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    return out


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, *, closed: bool = True,
         description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props,
                              "required": list(props) if required is None else required}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


CHANNELS = [c.value for c in Channel]
EVENTS = ["invoice_created", "payment_settled", "returned"]

ADDRESS = _obj({k: STR for k in ("salutation", "first_name", "last_name", "company", "street", "house_number",
                                 "addition", "zip_code", "city", "country_code", "email", "phone")})

ORDER_LINE = _obj({
    "line_id": {**STR, "description": "the marketplace's line id; updateOrders accepts it as `line_id`"},
    "sku": STR, "title": STR, "ean": STR, "quantity": {**INT, "minimum": 0}, "unit_price": MONEY,
    "vat_rate": {"type": "number", "description": "percent, e.g. 19.0"},
    "status": {"type": "string", "enum": [s.value for s in LineStatus]}, "recycling": BOOL,
    "cancellation_reason": STR,
})

LAST_EXPORT = _obj({
    "exported_at": {**DATE_TIME, "description": "when fetchOrders last handed this order out with mark_exported"},
    "version": {**DATE_TIME, "description": "the order's updated_at at that moment"},
    "changed_since": {**BOOL, "description": "the order changed after it was exported"},
})

ORDER = _obj({
    "id": {**INT, "description": "OrderDesk's id; `#<id>` names the order in updateOrders"},
    "order_number": STR, "marketplace_id": STR, "channel": {"type": "string", "enum": CHANNELS},
    "account": STR, "order_date": DATE_TIME, "status": {"type": "string", "enum": [s.value for s in OrderStatus]},
    "backlog": {**BOOL, "description": "held by the marketplace (not released for shipping yet)"},
    "hold_reason": {"type": ["string", "null"], "enum": [h.value for h in HoldReason] + [None]},
    "expected_release": _nullable(DATE_TIME),
    "flags": {"type": "array", "items": STR, "description": "`recycling_disposal`: Recycling & Entsorgung"},
    "total": MONEY, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "payment_method": STR,
    "customer": STR, "lines": {"type": "array", "items": _ref("OrderLine")},
    "shipping_address": {"oneOf": [_ref("Address"), {"type": "null"}]},
    "billing_address": {"oneOf": [_ref("Address"), {"type": "null"}]},
    "updated_at": {**DATE_TIME, "description": "when OrderDesk last stored a change of this order"},
    "last_export": {"oneOf": [_ref("LastExport"), {"type": "null"}],
                    "description": "the export before this call; null: never exported"},
})

PAYMENT = _obj({
    "payment_id": {**STR, "description": "stable and unique: use it as the payment's key in the ERP"},
    "id": {**INT, "description": "OrderDesk's receipt id (also stable)"},
    "receipt_key": {**STR, "description": "the same as payment_id"},
    "order_id": INT, "order_number": STR, "marketplace_id": STR, "channel": {"type": "string", "enum": CHANNELS},
    "account": STR,
    "payment_system": {**STR, "description": "the marketplace that collected the money (`OTTO Market`, `Amazon`, "
                                             "...) or `Shopware 6: <payment method>`"},
    "kind": {"type": "string", "enum": ["payment", "refund"]}, "amount": {**MONEY, "description": "positive; "
                                                                                                  "`kind` says the direction"},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "line_id": {"type": ["string", "null"], "description": "the refunded line"}, "created_at": DATE_TIME,
})

PAGE_FIELDS = {
    "next_cursor": {**STR, "description": "pass it as `cursor` to read on; store it once the page is booked"},
    "has_more": {**BOOL, "description": "true: the next page is ready now; false: come back later"},
    "count": {**INT, "minimum": 0},
}

LINE_REF = {
    "type": "object",
    "properties": {"sku": {**STR, "minLength": 1}, "line_id": {**STR, "minLength": 1},
                   "quantity": {**INT, "minimum": 1}},
    "required": ["quantity"], "additionalProperties": False,
    "oneOf": [{"required": ["sku"]}, {"required": ["line_id"]}],
    "description": "a line by SKU or by the marketplace's line id (exactly one of them)",
}

LINES = {"type": "array", "items": _ref("LineRef"), "minItems": 1,
         "description": "omitted: every piece still open"}

SHIPMENT_REPORT = _obj({
    "tracking_number": {**STR, "minLength": 1, "maxLength": 100},
    "carrier": {**STR, "minLength": 1, "description": "OrderDesk's key (`dhl_paket`), a brand (`DHL Paket`) or "
                                                      "the channel's code (`DHL`); omitted: proposed from the "
                                                      "tracking number"},
    "carrier_name": {**STR, "maxLength": 100, "description": "names a carrier `other`"},
    "ship_date": {**STR, "description": "ISO-8601 date or date-time with offset; omitted: now"},
    "return_tracking_number": {**STR, "maxLength": 100, "description": "OTTO parcels need one"},
    "return_carrier": {**STR, "description": "OTTO: DHL, GLS or HERMES"},
    "skip_check_digit": {**BOOL, "description": "accept a tracking number whose check digit fails"},
    "lines": LINES,
}, required=["tracking_number"])

CANCELLATION_REPORT = _obj({
    "reason": {**STR, "description": "one of the channel's cancellation reasons; omitted: the channel's first"},
    "lines": LINES,
}, required=[])

ORDER_UPDATE = _obj({
    "ref": {**STR, "minLength": 1, "maxLength": 200,
            "description": "the ERP's unique reference of this update; a repeated ref is answered with the "
                           "first result and writes nothing"},
    "order": {**STR, "minLength": 1, "description": "order number, marketplace id or `#<id>`"},
    "shipments": {"type": "array", "items": _ref("ShipmentReport"), "maxItems": 100},
    "cancellations": {"type": "array", "items": _ref("CancellationReport"), "maxItems": 100},
    "events": {"type": "array", "items": {"type": "string", "enum": EVENTS}, "uniqueItems": True},
}, required=["ref", "order"])

UPDATE_REQUEST = _obj({"updates": {"type": "array", "items": _ref("OrderUpdate"), "minItems": 1,
                                   "maxItems": MAX_UPDATES}})

STATUS_LINE = _obj({"line_id": STR, "sku": STR, "quantity": INT})
PROTOCOLS = {"type": "array", "items": INT, "description": "status protocols queued for the marketplace"}

SHIPMENT_RESULT = _obj({
    "shipment_id": INT, "package_no": {**INT, "description": "1, 2, ... per order"},
    "tracking_number": STR,
    "carrier": {**STR, "description": "OrderDesk's carrier key (given or proposed)"},
    "carrier_proposed": {**BOOL, "description": "true: the carrier was told from the tracking number"},
    "carrier_code": {**STR, "description": "the value the marketplace receives"},
    "lines": {"type": "array", "items": _ref("StatusLine")}, "protocols": PROTOCOLS,
    "waiting_for_tracking": BOOL, "note": STR,
})

CANCELLATION_RESULT = _obj({"cancellation_id": INT, "reason": STR,
                            "lines": {"type": "array", "items": _ref("StatusLine")}, "protocols": PROTOCOLS})
EVENT_RESULT = _obj({"event": {"type": "string", "enum": EVENTS}, "protocols": PROTOCOLS})

UPDATE_RESULT = _obj({
    "index": INT, "ref": STR,
    "replayed": {**BOOL, "description": "true: this ref was applied before; the first result, nothing written"},
    "order": _obj({"id": INT, "order_number": STR, "channel": {"type": "string", "enum": CHANNELS}}),
    "shipments": {"type": "array", "items": _ref("ShipmentResult")},
    "cancellations": {"type": "array", "items": _ref("CancellationResult")},
    "events": {"type": "array", "items": _ref("EventResult")},
})

PROBLEM = _obj({
    "index": {"type": ["integer", "null"], "description": "the update's position in `updates`"},
    "ref": {"type": ["string", "null"]},
    "path": {**STR, "description": "where in the body, e.g. `updates/2/shipments/0/carrier`"},
    "reason": STR,
})

ERROR = _obj({"error": _obj({
    "code": {"type": "string", "enum": ["unauthorized", "bad_request", "bad_cursor", "invalid_json",
                                        "validation_failed", "not_found", "method_not_allowed",
                                        "payload_too_large", "unsupported_media_type", "internal_error",
                                        "unavailable"]},
    "message": STR,
    "details": {"type": ["object", "null"],
                "properties": {"problems": {"type": "array", "items": _ref("Problem")}}},
})})


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


UNAUTHORIZED = {**_error_response("missing, unknown or revoked token"),
                "headers": {"WWW-Authenticate": {"schema": STR, "description": "`Bearer realm=\"OrderDesk\"`"}}}

PARAMS = {
    "cursor": {"name": "cursor", "in": "query", "required": False, "schema": STR,
               "description": "`next_cursor` of the previous page; omitted: from the beginning"},
    "limit": {"name": "limit", "in": "query", "required": False,
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    "channel": {"name": "channel", "in": "query", "required": False, "schema": {"type": "string", "enum": CHANNELS}},
    "since": {"name": "since", "in": "query", "required": False, "schema": STR,
              "description": "ISO-8601 date or date-time with offset: orders stored or changed at or after it "
                             "(instead of a cursor)"},
    "only_unexported": {"name": "only_unexported", "in": "query", "required": False,
                        "schema": {"type": "boolean", "default": False},
                        "description": "only orders never exported, or changed since they were"},
    "mark_exported": {"name": "mark_exported", "in": "query", "required": False,
                      "schema": {"type": "boolean", "default": False},
                      "description": "record the returned orders as exported (in this version)"},
}


def _build() -> dict[str, Any]:
    failures = {"500": _error_response("internal error (the server's log has the details)"),
                "503": _error_response("the database cannot be reached or is busy; try again later")}
    errors = {"400": _error_response("bad parameter or cursor"), "401": UNAUTHORIZED, **failures}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OrderDesk ERP web service",
            "version": __version__,
            "description": (
                "Orders and payment receipts for an ERP, and the ERP's shipments and cancellations back to the "
                "marketplaces. Every call needs `Authorization: Bearer <token>` (`orderdesk api-token create "
                "NAME`). Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`.\n\n"
                "Paging: read until `has_more` is false, passing `next_cursor` as `cursor`; keep the last "
                "`next_cursor` and continue from it next time. A changed order comes again (newer `updated_at`). "
                "Orders and receipts younger than a few seconds are held back until every transaction that "
                "could precede them has committed, so a cursor never passes something still being written."),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/fetchOrders": {"get": {
                "operationId": "fetchOrders",
                "summary": "Orders new or changed since a cursor or a date, oldest change first",
                "parameters": [PARAMS[p] for p in ("cursor", "since", "limit", "only_unexported", "mark_exported",
                                                    "channel")],
                "responses": {"200": {"description": "one page", "content": {"application/json": {
                    "schema": _ref("OrdersPage")}}}, **errors},
            }},
            "/api/v1/fetchPayments": {"get": {
                "operationId": "fetchPayments",
                "summary": "Payment receipts (payments and refunds) since a cursor, in the order they were recorded",
                "parameters": [PARAMS[p] for p in ("cursor", "limit", "channel")],
                "responses": {"200": {"description": "one page", "content": {"application/json": {
                    "schema": _ref("PaymentsPage")}}}, **errors},
            }},
            "/api/v1/updateOrders": {"post": {
                "operationId": "updateOrders",
                "summary": "Shipments, cancellations and events reported by the ERP; they become status protocols",
                "description": (
                    "All or nothing: the whole request is checked first; if any update is invalid the answer is "
                    "422 naming each (index, ref, reason) and nothing is written. Each update's `ref` makes it "
                    "idempotent: sending it again returns the first result and writes nothing."),
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("UpdateOrdersRequest")}}},
                "responses": {
                    "200": {"description": "every update applied (or replayed)", "content": {"application/json": {
                        "schema": _ref("UpdateOrdersResponse")}}},
                    "400": _error_response("the body is not JSON, or the call was given a parameter"),
                    "401": UNAUTHORIZED,
                    "413": _error_response("the body is larger than 2 MiB"),
                    "415": _error_response("the body is not application/json"),
                    "422": _error_response("invalid updates (details.problems); nothing was written"),
                    **failures,
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document (needs no token: it holds no data)",
                "security": [],
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "a token from `orderdesk api-token create NAME`"}},
            "schemas": {
                "Error": ERROR, "Problem": PROBLEM, "Address": ADDRESS, "OrderLine": ORDER_LINE,
                "LastExport": LAST_EXPORT, "Order": ORDER, "Payment": PAYMENT,
                "OrdersPage": _obj({"orders": {"type": "array", "items": _ref("Order")}, **PAGE_FIELDS}),
                "PaymentsPage": _obj({"payments": {"type": "array", "items": _ref("Payment")}, **PAGE_FIELDS}),
                "LineRef": LINE_REF, "ShipmentReport": SHIPMENT_REPORT, "CancellationReport": CANCELLATION_REPORT,
                "OrderUpdate": ORDER_UPDATE, "UpdateOrdersRequest": UPDATE_REQUEST, "StatusLine": STATUS_LINE,
                "ShipmentResult": SHIPMENT_RESULT, "CancellationResult": CANCELLATION_RESULT,
                "EventResult": EVENT_RESULT, "UpdateResult": UPDATE_RESULT,
                "UpdateOrdersResponse": _obj({"results": {"type": "array", "items": _ref("UpdateResult")}}),
            },
        },
    }


@lru_cache(maxsize=1)
def _cached() -> str:
    return render()


def render() -> str:
    """The document as the file in docs/ holds it."""
    return json.dumps(_build(), indent=2, ensure_ascii=False) + "\n"


def document() -> dict[str, Any]:
    """A fresh copy (callers may not change the shared one)."""
    return copy.deepcopy(json.loads(_cached()))


if __name__ == "__main__":
    sys.stdout.write(render())
