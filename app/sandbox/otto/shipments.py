"""Validation of POST /v1/shipments bodies (CreateShipmentRequestShipmentsV1).

Strict on purpose: every problem is reported with a JSON path so a client bug
shows up in the sandbox instead of on the live marketplace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.sandbox.otto.model import CARRIERS, PARCEL_CARRIERS, RETURN_CARRIERS

_COUNTRY = re.compile(r"^[A-Z]{3}$")


@dataclass
class ShipmentRequest:
    carrier: str
    tracking: str | None
    ship_ms: int
    ship_from: tuple[str, str]  # (countryCode, zipCode) as the receipt shows it
    lines: list[tuple[str, str]]  # (salesOrderId, positionItemId)
    origin: dict[str, str] | None = None  # shipFromAddress {city, countryCode, zipCode}
    return_keys: list[dict[str, str] | None] | None = None  # returnTrackingKey per line (None: not sent)


class InvalidShipment(ValueError):
    """args[0] is a list of (jsonPath, detail)."""


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def parse_shipment(body: object, *, require_return_tracking: bool = True) -> ShipmentRequest:
    problems: list[tuple[str, str]] = []
    if not isinstance(body, dict):
        raise InvalidShipment([("$", "request body must be a JSON object")])

    key = body.get("trackingKey")
    carrier, tracking = "", None
    if not isinstance(key, dict):
        problems.append(("$.trackingKey", "trackingKey is required"))
    else:
        carrier = key.get("carrier")  # type: ignore[assignment]
        if carrier not in CARRIERS:
            problems.append(("$.trackingKey.carrier", f"carrier must be one of {', '.join(CARRIERS)}"))
        tracking = key.get("trackingNumber")
        if tracking is not None and not isinstance(tracking, str):
            problems.append(("$.trackingKey.trackingNumber", "trackingNumber must be a string"))
        elif carrier in PARCEL_CARRIERS and not _text(tracking):
            problems.append(("$.trackingKey.trackingNumber", f"trackingNumber is required for carrier {carrier}"))

    ship_ms = 0
    raw_date = body.get("shipDate")
    if not _text(raw_date):
        problems.append(("$.shipDate", "shipDate is required (ISO-8601, UTC)"))
    else:
        try:
            parsed = datetime.fromisoformat(str(raw_date))
        except ValueError:
            parsed = None
        if parsed is None or len(str(raw_date)) < 16:
            problems.append(("$.shipDate", f"'{raw_date}' is not an ISO-8601 date-time"))
        elif parsed.utcoffset() != timedelta(0):
            problems.append(("$.shipDate", "shipDate must be given in UTC (suffix 'Z' or '+00:00')"))
        else:
            ship_ms = int(parsed.timestamp() * 1000)

    origin = body.get("shipFromAddress")
    ship_from = ("", "")
    address: dict[str, str] = {}
    if not isinstance(origin, dict):
        problems.append(("$.shipFromAddress", "shipFromAddress is required"))
    else:
        for field in ("city", "countryCode", "zipCode"):
            if not _text(origin.get(field)):
                problems.append((f"$.shipFromAddress.{field}", f"{field} is required"))
        if _text(origin.get("countryCode")) and not _COUNTRY.match(origin["countryCode"]):
            problems.append(("$.shipFromAddress.countryCode", "countryCode must be ISO-3166 alpha-3, e.g. DEU"))
        ship_from = (str(origin.get("countryCode")), str(origin.get("zipCode")))
        address = {field: str(origin.get(field)) for field in ("city", "countryCode", "zipCode")}

    lines: list[tuple[str, str]] = []
    return_keys: list[dict[str, str] | None] = []
    items = body.get("positionItems")
    if not isinstance(items, list) or not items:
        problems.append(("$.positionItems", "positionItems must be a non-empty array"))
        items = []
    for index, item in enumerate(items):
        path = f"$.positionItems[{index}]"
        if not isinstance(item, dict):
            problems.append((path, "position item must be an object"))
            continue
        for field in ("positionItemId", "salesOrderId"):
            if not _text(item.get(field)):
                problems.append((f"{path}.{field}", f"{field} is required"))
        # The guide wants a return tracking key for PARCEL deliveries; freight goes with a forwarder.
        problems.extend(_return_key(path, item.get("returnTrackingKey"),
                                    require_return_tracking and carrier in PARCEL_CARRIERS))
        line = (item.get("salesOrderId"), item.get("positionItemId"))
        if line in lines:
            problems.append((path, "position item is listed twice"))
        elif all(_text(v) for v in line):
            lines.append(line)  # type: ignore[arg-type]
            key = item.get("returnTrackingKey")
            return_keys.append({"carrier": str(key.get("carrier")), "trackingNumber": str(key.get("trackingNumber"))}
                               if isinstance(key, dict) else None)  # fmt: skip

    if problems:
        raise InvalidShipment(problems)
    return ShipmentRequest(carrier, tracking if _text(tracking) else None, ship_ms, ship_from, lines, address,
                           return_keys)


def _return_key(path: str, key: object, required: bool) -> list[tuple[str, str]]:
    if key is None:
        return [(f"{path}.returnTrackingKey", "returnTrackingKey is required")] if required else []
    if not isinstance(key, dict):
        return [(f"{path}.returnTrackingKey", "returnTrackingKey must be an object")]
    problems = []
    if key.get("carrier") not in RETURN_CARRIERS:
        problems.append((f"{path}.returnTrackingKey.carrier", f"carrier must be one of {', '.join(RETURN_CARRIERS)}"))
    if not _text(key.get("trackingNumber")):
        problems.append((f"{path}.returnTrackingKey.trackingNumber", "trackingNumber is required"))
    return problems


def shipment_json(record: dict, *, full: bool = True) -> dict[str, object]:
    """A stored shipment as ShipmentShipmentsV1 (``full``) or ShipmentWithMinimumDetailsShipmentsV1."""
    from app.sandbox.otto.render import iso  # render imports nothing from here; keeps the module light

    key: dict[str, str] = {"carrier": str(record["carrier"])}
    if record["trackingNumber"] is not None:  # forwarders may ship without one: omitted, never null
        key["trackingNumber"] = str(record["trackingNumber"])
    out: dict[str, object] = {"shipmentId": record["shipmentId"], "creationDate": iso(int(record["created"])),
                              "trackingKey": key,
                              "states": [{"state": "SENT", "occurredOn": iso(int(record["shipDate"]))}]}  # fmt: skip
    if full:
        out["shipDate"] = iso(int(record["shipDate"]))
        if record["shipFrom"]:
            out["shipFromAddress"] = dict(record["shipFrom"])
        out["positionItems"] = [dict(item) for item in record["positionItems"]]
    return out
