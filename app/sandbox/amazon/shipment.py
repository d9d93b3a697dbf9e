"""confirmShipment request body (ConfirmShipmentRequest / PackageDetail) validation.

The list of valid `carrierCode` values is not published in the model (UNCONFIRMED), so any
non-empty code is accepted; everything the model requires is checked.
"""

from __future__ import annotations

import json
from datetime import datetime

from app.sandbox.amazon.query import InvalidInput

REQUIRED_PACKAGE_FIELDS = ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems")


def _text(obj: dict, name: str, where: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}{name} is required and must be a non-empty string")
    return value


def parse_confirmation(raw: bytes, marketplace_id: str) -> list[tuple[str, int]]:
    """(orderItemId, quantity) pairs of a valid confirmation, else InvalidInput."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise InvalidInput("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a ConfirmShipmentRequest object")
    if _text(body, "marketplaceId", "") != marketplace_id:
        raise InvalidInput(f"marketplaceId must be {marketplace_id}")
    package = body.get("packageDetail")
    if not isinstance(package, dict):
        raise InvalidInput("packageDetail is required")
    for name in REQUIRED_PACKAGE_FIELDS[:4]:
        _text(package, name, "packageDetail.")
    if package["carrierCode"] == "Other":
        _text(package, "carrierName", "packageDetail.")  # required with the "Other" carrier code
    if not package["packageReferenceId"].isdigit() or int(package["packageReferenceId"]) < 1:
        raise InvalidInput("packageDetail.packageReferenceId must be a positive number")
    try:
        datetime.fromisoformat(package["shipDate"])
    except ValueError:
        raise InvalidInput("packageDetail.shipDate must be an ISO 8601 date-time") from None
    items = package.get("orderItems")
    if not isinstance(items, list) or not items:
        raise InvalidInput("packageDetail.orderItems must list at least one item")
    lines = []
    for index, item in enumerate(items):
        where = f"packageDetail.orderItems[{index}]."
        if not isinstance(item, dict):
            raise InvalidInput(f"{where[:-1]} must be an object")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidInput(f"{where}quantity must be a positive integer")
        lines.append((_text(item, "orderItemId", where), quantity))
    return lines
