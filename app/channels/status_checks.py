"""Checks shared by the senders of marketplaces that can only be told about shipments."""

from __future__ import annotations

from app.channels.errors import PermanentError
from app.domain.statuses import OutboundStatus, StatusEvent, StatusType


def is_cancellation(status: OutboundStatus) -> bool:
    return status.event is StatusEvent.CANCELLED or status.status_type is StatusType.FULFILLMENT


def require_shipment(status: OutboundStatus, *, label: str, api: str, portal: str, value: str) -> None:
    """Amazon's Orders v0 and eBay's Fulfillment API take shipments only: a cancellation, or any
    other status, is refused with where the clerk can do it instead."""
    oid = status.marketplace_id
    if is_cancellation(status):
        raise PermanentError(f"{label} order {oid} cannot be cancelled through the {api}: {label} has no seller "
                             f"cancellation there; cancel it in {portal}.")
    if status.status_type is not StatusType.DELIVERY or status.value != value:
        raise PermanentError(f"{label} can only be told that a package shipped, not {status.status_type.value} "
                             f"{status.value!r} (order {oid}).")


def pieces_per_line(status: OutboundStatus) -> dict[str, int]:
    """Pieces per marketplace line id (OrderLine.external_id), in the order of the lines."""
    wanted: dict[str, int] = {}
    for line in status.lines:
        if line.quantity > 0:
            wanted[line.line_id] = wanted.get(line.line_id, 0) + line.quantity
    return wanted
