"""Packages and cancellations of an order: which lines, how many pieces, and whether that is allowed.

A line's remaining quantity is what the marketplace still shows as open, less what OrderDesk
already shipped or cancelled locally (those may not have reached the marketplace yet). Requests
name lines by SKU or by the marketplace's line id; a SKU spread over several lines (OTTO position
items and Kaufland order units are one piece each) is filled line by line in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from app.domain.orders import LineStatus
from app.domain.statuses import StatusLine


class ShipmentError(ValueError):
    """A shipment or cancellation that cannot be made; the message names the line and the reason."""


@dataclass(frozen=True, slots=True)
class LineState:
    line_id: str
    sku: str
    title: str
    quantity: int
    status: LineStatus
    shipped: int = 0  # pieces in OrderDesk's own packages
    cancelled: int = 0  # pieces OrderDesk cancelled

    @property
    def remaining(self) -> int:
        if self.status in (LineStatus.CANCELLED, LineStatus.SHIPPED, LineStatus.RETURNED):
            return 0
        return max(0, self.quantity - self.shipped - self.cancelled)


@dataclass(frozen=True, slots=True)
class Package:
    """One parcel as the clerk (or the ERP) reports it."""

    lines: tuple[StatusLine, ...]
    tracking_number: str = ""
    carrier: str = ""  # Carrier value; "" = not known yet
    carrier_name: str = ""
    ship_date: datetime | None = None
    return_tracking_number: str = ""
    return_carrier: str = ""


def parse_line_request(text: str) -> tuple[str, int]:
    """``SKU:QTY`` (or just ``SKU`` for one piece) from the command line or the web service."""
    key, sep, qty = text.rpartition(":")
    if not sep:
        key, qty = text, "1"
    key = key.strip()
    if not key:
        raise ShipmentError(f"line {text!r}: give it as SKU:QUANTITY")
    try:
        quantity = int(qty)
    except ValueError:
        raise ShipmentError(f"line {text!r}: the quantity {qty!r} is not a whole number") from None
    if quantity <= 0:
        raise ShipmentError(f"line {text!r}: the quantity must be at least 1")
    return key, quantity


def allocate(lines: Sequence[LineState], wanted: Sequence[tuple[str, int]] | None, *,
             action: str = "ship") -> tuple[StatusLine, ...]:
    """The lines and quantities of a package or cancellation. ``wanted`` None: everything still open.

    Raises ShipmentError naming the line when a SKU or line id is unknown, or when more pieces
    are asked for than remain open."""
    if any(ln.status is LineStatus.PENDING for ln in lines):
        done = "shipped" if action == "ship" else "cancelled"
        raise ShipmentError(f"the order is still held by the marketplace (not released yet); it cannot be {done} now")
    left = {ln.line_id: ln.remaining for ln in lines}
    if wanted is None:
        picked = [StatusLine(ln.line_id, ln.sku, left[ln.line_id]) for ln in lines if left[ln.line_id] > 0]
        if not picked:
            raise ShipmentError(f"nothing left to {action}: every line is already shipped or cancelled")
        return tuple(picked)
    taken: dict[str, int] = {}
    for key, quantity in wanted:
        candidates = [ln for ln in lines if ln.line_id == key] or [ln for ln in lines if ln.sku == key]
        if not candidates:
            raise ShipmentError(f"line {key!r}: the order has no line with this SKU or line id")
        need = quantity
        for ln in candidates:
            free = left[ln.line_id] - taken.get(ln.line_id, 0)
            use = min(free, need)
            if use > 0:
                taken[ln.line_id] = taken.get(ln.line_id, 0) + use
                need -= use
            if need == 0:
                break
        if need:
            open_now = sum(left[ln.line_id] for ln in candidates)
            raise ShipmentError(f"line {key!r}: {quantity} asked to {action}, but only {open_now} "
                                f"{'piece is' if open_now == 1 else 'pieces are'} still open")
    return tuple(StatusLine(ln.line_id, ln.sku, taken[ln.line_id]) for ln in lines if taken.get(ln.line_id))


def covers_everything(lines: Sequence[LineState], picked: Sequence[StatusLine]) -> bool:
    """True when ``picked`` takes every piece still open: a complete shipment or whole-order cancel."""
    taken: dict[str, int] = {}
    for p in picked:
        taken[p.line_id] = taken.get(p.line_id, 0) + p.quantity
    return all(taken.get(ln.line_id, 0) >= ln.remaining for ln in lines)
