"""Status back to OTTO Market (issue 5): shipments with tracking and return tracking, partner
cancellations, and reading the order back to confirm them (marketplaces.md §1.2, §1.5, §1.6).

OTTO changes state by item: a shipment turns PROCESSABLE position items SENT, a cancellation
turns them CANCELLED_BY_PARTNER, and any item in another state makes the request fail with 409
and nothing changes. That makes every request safe to repeat: after a crash, a lost answer or a
retried POST, the repeat earns a 409, the order is read back, and if it already shows the status
the send counts as done. No second shipment is ever created for the same items.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from app.channels.base import AdapterOptions
from app.channels.errors import Conflict, PermanentError
from app.channels.http import HttpSession
from app.channels.otto.adapter import OTTO_RATE_LIMIT
from app.channels.otto.client import (
    SHIPMENTS_PATH,
    OttoClient,
    OttoToken,
    cancel_items_path,
    cancel_order_path,
    describe_otto_error,
    refuse_on_state_or_input,
)
from app.domain.countries import ALPHA3_TO_ALPHA2
from app.domain.statuses import Confirmation, OutboundStatus, PlannedCall, StatusLine, StatusType

ALPHA2_TO_ALPHA3 = {two: three for three, two in ALPHA3_TO_ALPHA2.items()}
SHIPPED = frozenset({"SENT", "RETURNED"})  # a returned item was shipped first
CANCELLED = frozenset({"CANCELLED_BY_PARTNER", "CANCELLED_BY_MARKETPLACE"})
SHOWN_IDS = 5  # position item ids named in one sentence


class OttoStatusSender:
    """One OTTO account's status sender; the same credentials and pacing as its adapter."""

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        # OTTO's 20 requests/s are per partner over every endpoint: the same bucket the fetch uses.
        self.limiter = options.limiter("requests", OTTO_RATE_LIMIT, burst=5)
        self.session = HttpSession(base_url, policy=options.policy, limiter=self.limiter, transport=options.transport,
                                   sleep=options.sleep or time.sleep, describe_error=describe_otto_error,
                                   cancelled=options.cancelled)  # fmt: skip
        self.session.client.event_hooks["response"].append(refuse_on_state_or_input)
        self.token = OttoToken(credentials["client_id"], credentials["client_secret"])
        self.client = OttoClient(self.session, self.token)

    def close(self) -> None:
        self.session.close()

    # -- the protocol ---------------------------------------------------------------------------------
    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        return [self._call(status)]

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        """Send it; a call the marketplace refuses with 409 while the order already shows the
        status (sent before a crash) is left out of the answer instead of failing."""
        call = self._call(status)
        try:
            self.client.write(call.method, call.path, call.body, _what(status))
        except Conflict as exc:
            found = self.confirm_status(status)
            if not found.applied:
                raise Conflict(f"{exc}. {found.detail}") from None
            return []
        return [call]

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        try:
            order = self.client.order(status.marketplace_id)
        except PermanentError as exc:
            if "(HTTP 404)" not in str(exc):  # HttpSession's wording for a 404
                raise
            return Confirmation(False, f"OTTO does not know the order {status.order_number} "
                                       f"(salesOrderId {status.marketplace_id})")
        raw_items = order.get("positionItems")
        items = {str(i.get("positionItemId")): i for i in raw_items if isinstance(i, dict)} \
            if isinstance(raw_items, list) else {}
        if _is_shipment(status):
            return self._confirm_shipment(status, items)
        return _confirm_cancellation(status, items)

    # -- building the requests -------------------------------------------------------------------------
    def _call(self, status: OutboundStatus) -> PlannedCall:
        if _is_shipment(status):
            return self._shipment_call(status)
        if status.status_type is StatusType.FULFILLMENT:
            return _cancellation_call(status)
        raise PermanentError(f"OTTO cannot be told a {status.status_type.value} status ({status.value}); "
                             "it takes shipments and cancellations only")

    def _shipment_call(self, status: OutboundStatus) -> PlannedCall:
        if not status.carrier_code:
            raise PermanentError("OTTO needs a carrier for every shipment (trackingKey.carrier); none was given")
        ids = _one_piece_ids(status.lines) if status.lines else self._open_items(status) if status.complete else []
        if not ids:
            raise PermanentError("the shipment names no position items to ship")
        key: dict[str, str] = {"carrier": status.carrier_code}
        if status.tracking_number:  # forwarders may go without one; parcel carriers are checked before
            key["trackingNumber"] = status.tracking_number
        items: list[dict[str, Any]] = []
        return_key = _return_key(status)
        for pid in ids:
            item: dict[str, Any] = {"positionItemId": pid, "salesOrderId": status.marketplace_id}
            if return_key:
                item["returnTrackingKey"] = dict(return_key)
            items.append(item)
        body = {"trackingKey": key, "shipDate": _utc(status.ship_date), "shipFromAddress": _ship_from(status),
                "positionItems": items}  # fmt: skip
        tracking = f"{status.carrier_code} {status.tracking_number}".strip()
        returns = f", return {return_key['carrier']} {return_key['trackingNumber']}" if return_key else ""
        return PlannedCall("POST", SHIPMENTS_PATH, body,
                           f"ship {_count(ids)} of order {status.order_number} with {tracking}{returns}; "
                           "OTTO marks them SENT")

    def _open_items(self, status: OutboundStatus) -> list[str]:
        """A whole shipment without named lines: every item OTTO still shows as PROCESSABLE."""
        order = self.client.order(status.marketplace_id)
        items = order.get("positionItems")
        return [str(i["positionItemId"]) for i in items if isinstance(i, dict)
                and i.get("fulfillmentStatus") == "PROCESSABLE"] if isinstance(items, list) else []  # fmt: skip

    # -- reading back ----------------------------------------------------------------------------------
    def _confirm_shipment(self, status: OutboundStatus, items: dict[str, dict]) -> Confirmation:
        wanted = [line.line_id for line in status.lines] or [
            pid for pid, item in items.items() if item.get("fulfillmentStatus") in SHIPPED]
        if not wanted:
            return Confirmation(False, f"OTTO shows no position item of order {status.order_number} as SENT")
        problems = []
        for pid in wanted:
            item = items.get(pid)
            state = item.get("fulfillmentStatus") if item else None
            info = item.get("trackingInfo") if item and isinstance(item.get("trackingInfo"), dict) else {}
            if item is None:
                problems.append(f"position item {pid} is not in the order")
            elif state not in SHIPPED:
                problems.append(f"position item {pid} is {state}, not SENT")
            elif not _same_key(info, status.carrier_code, status.tracking_number):
                shown = f"{info.get('carrier') or '?'} {info.get('trackingNumber') or ''}".strip()
                problems.append(f"position item {pid} was sent with {shown}, not with "
                                f"{status.carrier_code} {status.tracking_number}".rstrip())
        if problems:
            return Confirmation(False, _sentence(problems))
        shown = f"OTTO shows {_count(wanted)} as SENT with {status.carrier_code} {status.tracking_number}".rstrip()
        if status.return_tracking_number and status.tracking_number:
            problem = self._return_problem(status, wanted)
            if problem:
                return Confirmation(False, f"{shown}, but {problem}")
            shown += f" and return tracking {status.return_carrier_code} {status.return_tracking_number}"
        return Confirmation(True, shown)

    def _return_problem(self, status: OutboundStatus, pids: list[str]) -> str:
        """The order does not show return tracking; OTTO's shipment (by tracking number) does."""
        shipment = self.client.shipment_by_tracking(status.carrier_code, status.tracking_number)
        if shipment is None:
            return f"OTTO has no shipment with {status.carrier_code} {status.tracking_number}"
        listed = shipment.get("positionItems")
        keys = {str(i.get("positionItemId")): i.get("returnTrackingKey") for i in listed if isinstance(i, dict)} \
            if isinstance(listed, list) else {}
        wrong = [pid for pid in pids if not isinstance(keys.get(pid), dict)
                 or not _same_key(keys[pid], status.return_carrier_code, status.return_tracking_number)]  # fmt: skip
        if wrong:
            return f"its shipment lacks the return tracking {status.return_tracking_number} for {_count(wrong)}"
        return ""


def _is_shipment(status: OutboundStatus) -> bool:
    return status.status_type is StatusType.DELIVERY


def _what(status: OutboundStatus) -> str:
    return "shipment" if _is_shipment(status) else "cancellation"


def _cancellation_call(status: OutboundStatus) -> PlannedCall:
    kept = f" (OTTO takes no reason; {status.reason} is kept in OrderDesk)" if status.reason else ""
    if status.complete:
        return PlannedCall("POST", cancel_order_path(status.marketplace_id), None,
                           f"cancel every PROCESSABLE item of order {status.order_number}; OTTO marks them "
                           f"CANCELLED_BY_PARTNER{kept}")
    ids = _one_piece_ids(status.lines)
    if not ids:
        raise PermanentError("the cancellation names no position items")
    return PlannedCall("POST", cancel_items_path(status.marketplace_id, ids), None,
                       f"cancel {_count(ids)} of order {status.order_number}; OTTO marks them "
                       f"CANCELLED_BY_PARTNER{kept}")


def _confirm_cancellation(status: OutboundStatus, items: dict[str, dict]) -> Confirmation:
    states = {pid: item.get("fulfillmentStatus") for pid, item in items.items()}
    if status.lines:
        wanted = [line.line_id for line in status.lines]
        problems = [f"position item {pid} is not in the order" if pid not in states else
                    f"position item {pid} is {states[pid]}, not cancelled"
                    for pid in wanted if states.get(pid) not in CANCELLED]  # fmt: skip
        if problems:
            return Confirmation(False, _sentence(problems))
        return Confirmation(True, f"OTTO shows {_count(wanted)} as cancelled")
    still_open = [pid for pid, state in states.items() if state == "PROCESSABLE"]
    if still_open:
        return Confirmation(False, f"{_count(still_open)} of order {status.order_number} still PROCESSABLE")
    if not any(state == "CANCELLED_BY_PARTNER" for state in states.values()):
        return Confirmation(False, f"OTTO shows no item of order {status.order_number} as CANCELLED_BY_PARTNER")
    return Confirmation(True, f"OTTO shows no item of order {status.order_number} left to cancel")


def _one_piece_ids(lines: Iterable[StatusLine]) -> list[str]:
    """Position item ids; OTTO has one item per piece, so a line of several pieces cannot be sent."""
    ids = []
    for line in lines:
        if line.quantity != 1:
            raise PermanentError(f"OTTO position item {line.line_id} ({line.sku}) is one piece, but {line.quantity} "
                                 "pieces were asked for it: OTTO lines must be stored one per piece; fetch the "
                                 "order again")  # fmt: skip
        if not line.line_id:
            raise PermanentError(f"the line with SKU {line.sku} has no OTTO position item id; fetch the order again")
        if line.line_id not in ids:
            ids.append(line.line_id)
    return ids


def _return_key(status: OutboundStatus) -> dict[str, str] | None:
    number, carrier = status.return_tracking_number, status.return_carrier_code
    if not number and not carrier:
        return None
    if not number:
        raise PermanentError(f"OTTO needs the return tracking number with the return carrier {carrier} "
                             "(returnTrackingKey.trackingNumber)")
    if not carrier:
        raise PermanentError(f"OTTO needs the return carrier with the return tracking number {number} "
                             "(returnTrackingKey.carrier: DHL, GLS or HERMES)")
    return {"carrier": carrier, "trackingNumber": number}


def _ship_from(status: OutboundStatus) -> dict[str, str]:
    raw = status.extra.get("ship_from") if isinstance(status.extra, dict) else None
    fields = {k: str(raw.get(k) or "").strip() for k in ("city", "countryCode", "zipCode")} \
        if isinstance(raw, dict) else {}
    if not fields or not all(fields.values()):
        raise PermanentError("OTTO needs the address the parcels leave from (shipFromAddress: city, country, "
                             "postcode): set the ship-from address in Administration")
    country = fields["countryCode"].upper()
    fields["countryCode"] = ALPHA2_TO_ALPHA3.get(country, country)  # OTTO wants alpha-3 (DEU)
    return fields


def _utc(moment: datetime | None) -> str:
    """shipDate must be UTC ISO-8601; a status without one ships "now"."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _same_key(info: dict, carrier: str, number: str) -> bool:
    """Carrier codes compare exactly; tracking numbers without spaces and case."""
    def norm(value: object) -> str:
        return "".join(str(value or "").split()).upper()

    return str(info.get("carrier") or "") == carrier and norm(info.get("trackingNumber")) == norm(number)


def _count(ids: list[str]) -> str:
    named = ", ".join(ids[:SHOWN_IDS]) + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")
    return f"position item {named}" if len(ids) == 1 else f"{len(ids)} position items ({named})"


def _sentence(problems: list[str]) -> str:
    more = f"; and {len(problems) - SHOWN_IDS} more" if len(problems) > SHOWN_IDS else ""
    return "; ".join(problems[:SHOWN_IDS]) + more
