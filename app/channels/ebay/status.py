"""eBay (Sell Fulfillment API v1) told that a package shipped: one shipping fulfillment per package.

What eBay can be told, and how a repeat stays harmless:
- Shipments only. The Fulfillment API has no seller cancellation (marketplaces.md §3.6): the
  service never creates one for eBay, and this sender refuses one with a sentence saying where.
- One package = one ``POST /order/{orderId}/shipping_fulfillment`` (201 + Location) with its line
  items, ship date and, both or neither, carrier code and tracking number.
- That POST is not idempotent: sent twice, eBay would hold two packages. So before it is sent, and
  before it is tried again after a fault whose outcome is unknown (a timeout, a 5xx, a cut-off
  answer), the order's fulfillments are read, and one with the same line items and tracking number
  (without tracking: the same line items) counts as this package, already there. The shared HTTP
  session never repeats the POST by itself.
- A refusal (400) is read back: the order cancelled or unpaid, or a line already shipped in
  another package, is a Conflict; anything else a PermanentError with eBay's message.
- Read-back: the order's orderFulfillmentStatus (NOT_STARTED → IN_PROGRESS → FULFILLED) and
  lineItemFulfillmentStatus per line, and the fulfillment with its tracking number and carrier.
- Pacing: eBay meters calls per application and day (the adapter's daily bucket).
"""

from __future__ import annotations

import dataclasses
import random
import time
from datetime import UTC, datetime
from typing import Any

from app.channels.base import AdapterOptions
from app.channels.ebay.adapter import FULFILLMENT_CALLS_PER_DAY, TOKEN_CALLS_PER_DAY, daily_bucket
from app.channels.ebay.auth import EbayUserToken
from app.channels.ebay.client import EbayClient, describe_ebay_error, ebay_errors, ebay_time, fulfillments_path
from app.channels.errors import ChannelError, Conflict, PermanentError, RateLimited, TransientError
from app.channels.status_checks import is_cancellation, pieces_per_line, require_shipment
from app.channels.http import HttpSession
from app.domain.statuses import Confirmation, OutboundStatus, PlannedCall

UNPAID = frozenset({"PENDING", "FAILED", "FULLY_REFUNDED"})


class EbayStatusSender:
    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        self.quota = daily_bucket(options, "sell.fulfillment", FULFILLMENT_CALLS_PER_DAY)
        self.token_quota = daily_bucket(options, "identity token", TOKEN_CALLS_PER_DAY)
        self.policy = options.policy
        self._sleep = options.sleep or time.sleep
        common: dict[str, Any] = {"limiter": self.quota, "transport": options.transport, "sleep": self._sleep,
                                  "describe_error": describe_ebay_error, "cancelled": options.cancelled}
        self.session = HttpSession(base_url, policy=options.policy, **common)
        # One attempt per POST (a renewed token aside): send_status decides about another.
        self.write_session = HttpSession(base_url, policy=dataclasses.replace(options.policy, max_attempts=1),
                                         **common)
        self.token = EbayUserToken(credentials["client_id"], credentials["client_secret"],
                                   credentials["refresh_token"], limiter=self.token_quota, sleep=self._sleep)
        self.client = EbayClient(self.session, self.token, self.write_session)

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.write_session.requests_sent + self.token.requests_sent

    def close(self) -> None:
        self.write_session.close()
        self.session.close()

    # -- the protocol --------------------------------------------------------------------
    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        return [self._call(status)]

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        """The POST made, or no call at all when eBay already holds this package."""
        call = self._call(status)
        assert isinstance(call.body, dict)
        oid = status.marketplace_id
        attempts = max(1, self.policy.max_attempts)
        with ebay_errors():
            if _matching(self.client.shipping_fulfillments(oid), status) is not None:
                return []
            last: ChannelError | None = None
            for attempt in range(1, attempts + 1):
                try:
                    self.client.create_shipping_fulfillment(oid, call.body)
                    return [call]
                except RateLimited as exc:  # not taken; the session has waited already
                    if exc.retry_after is not None and exc.retry_after > self.policy.max_delay:
                        raise
                    last = exc
                except TransientError as exc:  # taken or not: the read below tells
                    last = exc
                    if attempt < attempts:
                        self._sleep(self._backoff(attempt))
                except PermanentError as exc:
                    self._after_refusal(status, exc)  # returns only when the package is there
                    return [call]
                if attempt < attempts and _matching(self.client.shipping_fulfillments(oid), status) is not None:
                    return [call]  # an earlier try went through; only its answer was lost
            assert last is not None
            raise last

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        oid = status.marketplace_id
        with ebay_errors():
            order = self.client.order(oid)
            if is_cancellation(status):
                state = _cancel_state(order)
                return Confirmation(state == "CANCELED", f"eBay shows order {oid} with cancel state {state}.")
            packages = self.client.shipping_fulfillments(oid)
        return _compare(status, order, packages)

    # -- building the request --------------------------------------------------------------
    def _call(self, status: OutboundStatus) -> PlannedCall:
        _check_kind(status)
        oid = status.marketplace_id
        items = [{"lineItemId": line_id, "quantity": quantity} for line_id, quantity in _quantities(status).items()]
        if not items:
            raise PermanentError(f"Package {status.package_no} of eBay order {oid} has no line items with pieces "
                                 "to ship (lineItems).")
        if bool(status.carrier_code) != bool(status.tracking_number):
            missing = "tracking number (trackingNumber)" if status.carrier_code else "carrier (shippingCarrierCode)"
            raise PermanentError(f"eBay order {oid}: eBay takes the carrier (shippingCarrierCode) and the tracking "
                                 f"number (trackingNumber) together or neither; the {missing} is missing.")
        body: dict[str, Any] = {"lineItems": items}
        if status.ship_date is not None:
            body["shippedDate"] = ebay_shipped_date(status.ship_date)
        if status.tracking_number:
            body["shippingCarrierCode"] = status.carrier_code
            body["trackingNumber"] = status.tracking_number
        note = (f"create a shipping fulfillment (package {status.package_no}) for eBay order {oid}: "
                f"{len(items)} line item(s), carrier {status.carrier_code or '(none)'}, "
                f"tracking {status.tracking_number or '(none)'}")
        return PlannedCall("POST", fulfillments_path(oid), body, note)

    def _backoff(self, attempt: int) -> float:
        delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)

    # -- a refused fulfillment ----------------------------------------------------------------
    def _after_refusal(self, status: OutboundStatus, exc: PermanentError) -> None:
        """Return when eBay holds this package after all; else raise Conflict (the order's state
        forbids it) or PermanentError with eBay's message."""
        oid = status.marketplace_id
        reason = str(exc).replace("the marketplace", "eBay", 1)
        refused = PermanentError(f"eBay refused the shipping fulfillment (package {status.package_no}) of order "
                                 f"{oid}: {reason}")
        try:
            order = self.client.order(oid)
            packages = self.client.shipping_fulfillments(oid)
        except PermanentError:
            raise refused from None
        except ChannelError as read_error:
            raise TransientError(f"{refused} Reading the order back failed: {read_error}") from None
        if _matching(packages, status) is not None:
            return
        prefix = f"eBay refused the shipping fulfillment (package {status.package_no}) of order {oid}:"
        if _cancel_state(order) == "CANCELED":
            raise Conflict(f"{prefix} the order is cancelled at eBay. ({reason})")
        payment = order.get("orderPaymentStatus")
        if payment in UNPAID:
            raise Conflict(f"{prefix} the buyer's payment is {payment} at eBay. ({reason})")
        lines = _lines(order)
        shipped = [lid for lid in _quantities(status) if lines.get(lid, {}).get("lineItemFulfillmentStatus")
                   == "FULFILLED"]
        if shipped:
            raise Conflict(f"{prefix} line item(s) {', '.join(shipped)} already shipped in another package. "
                           f"({reason})")
        raise refused


def _check_kind(status: OutboundStatus) -> None:
    require_shipment(status, label="eBay", api="Fulfillment API", portal="Seller Hub", value="FULFILLED")


_quantities = pieces_per_line


def _tracking(value: object) -> str:
    return "".join(value.split()).upper() if isinstance(value, str) else ""


def _matching(packages: list[dict[str, Any]], status: OutboundStatus) -> dict[str, Any] | None:
    """The fulfillment that is this package: the same line items and, when the status has one,
    the same tracking number."""
    wanted = set(_quantities(status))
    tracking = _tracking(status.tracking_number)
    for package in packages:
        refs = package.get("lineItems")
        ids = {ref.get("lineItemId") for ref in refs if isinstance(ref, dict)} if isinstance(refs, list) else set()
        if ids == wanted and (not tracking or _tracking(package.get("shipmentTrackingNumber")) == tracking):
            return package
    return None


def _cancel_state(order: dict[str, Any]) -> str:
    cancel = order.get("cancelStatus")
    state = cancel.get("cancelState") if isinstance(cancel, dict) else None
    return state if isinstance(state, str) else "unknown"


def _lines(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["lineItemId"]: line for line in order.get("lineItems", [])
            if isinstance(line, dict) and isinstance(line.get("lineItemId"), str)}


def _compare(status: OutboundStatus, order: dict[str, Any], packages: list[dict[str, Any]]) -> Confirmation:
    oid = status.marketplace_id
    state = order.get("orderFulfillmentStatus")
    lines = _lines(order)
    wanted = list(_quantities(status))
    package = _matching(packages, status)
    gaps = []
    if package is None:
        tracking = f"tracking number {status.tracking_number}" if status.tracking_number else "no tracking number"
        gaps.append(f"no shipping fulfillment with {tracking} for line item(s) {', '.join(wanted)}")
    elif status.carrier_code and package.get("shippingCarrierCode") != status.carrier_code:
        gaps.append(f"the package's carrier is {package.get('shippingCarrierCode') or '(none)'}, "
                    f"not {status.carrier_code}")
    open_lines = [lid for lid in wanted if lines.get(lid, {}).get("lineItemFulfillmentStatus") != "FULFILLED"]
    if open_lines:
        gaps.append(f"line item(s) {', '.join(open_lines)} are not FULFILLED")
    if status.complete and state != "FULFILLED":
        gaps.append(f"the order is {state}, not FULFILLED")
    if gaps:
        return Confirmation(False, f"eBay shows order {oid} as {state} but {'; '.join(gaps)}.")
    assert package is not None
    carrier = package.get("shippingCarrierCode") or "no carrier"
    tracking = package.get("shipmentTrackingNumber") or "no tracking number"
    return Confirmation(True, f"eBay shows order {oid} as {state} with shipping fulfillment "
                              f"{package.get('fulfillmentId')} ({carrier}, {tracking}) for line item(s) "
                              f"{', '.join(wanted)}.")


def ebay_shipped_date(moment: datetime) -> str:
    """shippedDate: ISO 8601 UTC with milliseconds and Z (a naive time is taken as UTC)."""
    return ebay_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
