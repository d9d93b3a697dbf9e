"""confirmShipment request body (ConfirmShipmentRequest / PackageDetail) validation.

The list of valid `carrierCode` values is not published in the model (UNCONFIRMED), so any
non-empty code is accepted; everything the model requires is checked.

`packageReferenceId` identifies a package within its order. What Amazon answers when the same
reference comes again is not documented (UNCONFIRMED); the sandbox refuses it with 400
InvalidInput naming the field (switch `repeated_package`: `reject`), or, with `accept`, answers
an identical repeat with 204 and changes nothing (a different package under a used reference is
refused either way).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from app.sandbox.amazon.query import InvalidInput

REQUIRED_PACKAGE_FIELDS = ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems")


@dataclass(frozen=True)
class Package:
    """One confirmed package as the request described it (kept per order by the store)."""

    reference: str
    carrier_code: str
    carrier_name: str
    tracking_number: str
    ship_date: str
    lines: tuple[tuple[str, int], ...]  # (orderItemId, quantity)
    body: dict

    def same_shipment(self, other: Package) -> bool:
        """The same package sent again (the request repeated), whatever the key order."""
        return (self.carrier_code, self.carrier_name, self.tracking_number, sorted(self.lines)) == (
            other.carrier_code, other.carrier_name, other.tracking_number, sorted(other.lines))


def _text(obj: dict, name: str, where: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}{name} is required and must be a non-empty string")
    return value


def parse_confirmation(raw: bytes, marketplace_id: str) -> Package:
    """The package of a valid confirmation, else InvalidInput."""
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
    carrier_name = package.get("carrierName")
    if package["carrierCode"] == "Other":
        carrier_name = _text(package, "carrierName", "packageDetail.")  # required with the "Other" carrier code
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
    return Package(package["packageReferenceId"], package["carrierCode"],
                   carrier_name if isinstance(carrier_name, str) else "", package["trackingNumber"],
                   package["shipDate"], tuple(lines), body)
