"""Amazon (SP-API Orders v0) told that a package shipped: one confirmShipment per package.

What Amazon can be told, and how a repeat stays harmless:
- Shipments only. Orders v0 has no seller cancellation (marketplaces.md §2.5): the service never
  creates one for Amazon, and this sender refuses one with a sentence saying where to do it.
- One package = one confirmShipment (204) with ``packageReferenceId`` = the package number, which
  Amazon keeps unique per order. A repeat of the same package (the session retrying a request whose
  answer was lost, or the outbox resending after a crash) is therefore refused by Amazon instead of
  shipping twice; the sender recognises that refusal by the field it names, reads the order back,
  and answers normally when the order shows the package's pieces shipped. (Whether Amazon refuses
  the repeat or accepts it silently is not documented; either way nothing ships twice.)
- Read-back: getOrder (OrderStatus Unshipped → PartiallyShipped → Shipped) and getOrderItems
  (QuantityShipped). Orders v0 returns no tracking numbers or carriers, so a confirmation is by
  shipped quantities only, and says so.
- Pacing: confirmShipment 2/s burst 10; getOrder and getOrderItems 0.5/s burst 30, shared with
  the fetch through the quota ledger.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from app.channels.amazon.auth import ORDERS_PII, LwaToken, RestrictedDataToken, lwa_url, token_rejected
from app.channels.amazon.client import AmazonClient, confirm_shipment_path, describe_amazon_error
from app.channels.amazon.pacing import CREATE_RDT, GET_ORDER_ITEMS, GET_ORDERS, LEDGER, UsagePlan
from app.channels.base import AdapterOptions
from app.channels.errors import ChannelError, Conflict, PermanentError, TransientError
from app.channels.status_checks import is_cancellation, pieces_per_line, require_shipment
from app.channels.http import HttpSession
from app.domain.statuses import Confirmation, OutboundStatus, PlannedCall

# ordersV0.json, "Usage Plan" tables.
CONFIRM_SHIPMENT = UsagePlan("confirmShipment", 2.0, 10)
GET_ORDER = UsagePlan("getOrder", 0.5, 30)

SHIPPABLE = frozenset({"Unshipped", "PartiallyShipped"})
SHIPPED = frozenset({"Shipped", "InvoiceUnconfirmed"})
NO_TRACKING_NOTE = ("Orders v0 returns no tracking numbers or carriers, so only the shipped quantities "
                    "could be compared")


class AmazonStatusSender:
    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        # The same quota ledger key as the adapter's: the buckets belong to the seller and the app.
        self._account = hashlib.sha256("\n".join(
            (base_url, credentials["client_id"], credentials["refresh_token"])).encode()).hexdigest()
        self.pacers = {plan.operation: LEDGER.limiter(options, self._account, plan)
                       for plan in (CONFIRM_SHIPMENT, GET_ORDER, GET_ORDER_ITEMS, GET_ORDERS, CREATE_RDT)}
        sleep = options.sleep or time.sleep
        self.session = HttpSession(base_url, policy=options.policy, transport=options.transport, sleep=sleep,
                                   describe_error=describe_amazon_error, cancelled=options.cancelled,
                                   auth_expired=token_rejected)
        self.lwa = LwaToken(lwa_url(base_url), credentials["client_id"], credentials["client_secret"],
                            credentials["refresh_token"])
        # Never used for status: the client wants one, and it is only fetched when asked for.
        rdt = RestrictedDataToken(self.lwa, ORDERS_PII, self.pacers[CREATE_RDT.operation], sleep)
        self.marketplace_id = credentials["marketplace_id"]
        self.client = AmazonClient(self.session, self.pacers, self.lwa, rdt, self.marketplace_id)

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.lwa.requests_sent

    def close(self) -> None:
        for pacer in self.pacers.values():
            LEDGER.remember(self._account, pacer)
        self.session.close()

    # -- the protocol --------------------------------------------------------------------
    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        return [self._call(status)]

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        call = self._call(status)
        assert isinstance(call.body, dict)
        try:
            self.client.confirm_shipment(status.marketplace_id, call.body)
        except PermanentError as exc:
            self._after_refusal(status, exc)  # returns only when this package is already there
        return [call]

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        oid = status.marketplace_id
        order = self.client.order(oid)
        state = order["OrderStatus"]
        if is_cancellation(status):
            return Confirmation(state == "Canceled", f"Amazon shows order {oid} as {state}.")
        return _compare(status, state, self.client.order_items(oid))

    # -- building the request --------------------------------------------------------------
    def _call(self, status: OutboundStatus) -> PlannedCall:
        _check_kind(status)
        if status.ship_date is None:
            raise PermanentError(f"The shipment of Amazon order {status.marketplace_id} has no ship date "
                                 "(packageDetail.shipDate), which Amazon requires.")
        items = [{"orderItemId": line_id, "quantity": quantity} for line_id, quantity in _quantities(status).items()]
        if not items:
            raise PermanentError(f"Package {status.package_no} of Amazon order {status.marketplace_id} has no "
                                 "lines with pieces to ship (packageDetail.orderItems).")
        package: dict[str, Any] = {"packageReferenceId": str(status.package_no)}
        for key, value in (("carrierCode", status.carrier_code), ("carrierName", status.carrier_name),
                           ("trackingNumber", status.tracking_number)):
            if value:  # left out when empty: Amazon names a missing required field
                package[key] = value
        package["shipDate"] = amazon_ship_date(status.ship_date)
        package["orderItems"] = items
        body = {"marketplaceId": self.marketplace_id, "packageDetail": package}
        pieces = sum(item["quantity"] for item in items)
        note = (f"confirm package {status.package_no} of Amazon order {status.marketplace_id}: {pieces} piece(s), "
                f"carrier {status.carrier_code or '(none)'}, tracking {status.tracking_number or '(none)'}")
        return PlannedCall("POST", confirm_shipment_path(status.marketplace_id), body, note)

    # -- a refused confirmation ---------------------------------------------------------------
    def _after_refusal(self, status: OutboundStatus, exc: PermanentError) -> None:
        """Return when the refusal is Amazon turning down a repeat of this very package (the order
        shows it shipped); else raise Conflict (the order's state forbids it) or PermanentError."""
        oid, package = status.marketplace_id, status.package_no
        reason = str(exc).removeprefix("Amazon confirmShipment: ")
        refused = PermanentError(f"Amazon refused to confirm package {package} of order {oid}: {reason}")
        try:
            state = self.client.order(oid)["OrderStatus"]
            items = self.client.order_items(oid)
        except PermanentError:
            raise refused from None  # the order cannot be read either (unknown id, ...)
        except ChannelError as read_error:
            raise TransientError(f"{refused} Reading the order back to check for an earlier confirmation "
                                 f"failed: {read_error}") from None
        shown = _compare(status, state, items)
        if "packagereferenceid" in reason.lower() and shown.applied:
            return  # this package was confirmed before (a lost answer, a crash): nothing to do
        if state not in SHIPPABLE:
            raise Conflict(f"Amazon refused to confirm package {package} of order {oid}: the order is {state} "
                           f"at Amazon. ({reason})")
        short = _short_lines(status, items)
        if short:
            raise Conflict(f"Amazon refused to confirm package {package} of order {oid}: {'; '.join(short)}. "
                           f"({reason})")
        raise refused


def amazon_ship_date(moment: datetime) -> str:
    """packageDetail.shipDate: ISO 8601 in UTC with Z (a naive time is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_kind(status: OutboundStatus) -> None:
    require_shipment(status, label="Amazon", api="Orders API", portal="Seller Central", value="Shipped")


_quantities = pieces_per_line


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _short_lines(status: OutboundStatus, items: list[Any]) -> list[str]:
    """Lines of the package that have fewer pieces left to ship at Amazon than it carries."""
    by_id = {item.get("OrderItemId"): item for item in items if isinstance(item, dict)}
    short = []
    for line_id, quantity in _quantities(status).items():
        item = by_id.get(line_id)
        if item is None:
            continue  # an unknown item is Amazon's own (permanent) complaint
        left = _count(item.get("QuantityOrdered")) - _count(item.get("QuantityShipped"))
        if left < quantity:
            short.append(f"item {line_id} has {max(0, left)} piece(s) left to ship, the package carries {quantity}")
    return short


def _compare(status: OutboundStatus, state: str, items: list[Any]) -> Confirmation:
    """Does Amazon show the package's pieces shipped (and, for a complete one, the order shipped)?"""
    oid = status.marketplace_id
    by_id = {item.get("OrderItemId"): item for item in items if isinstance(item, dict)}
    sku_of = {line.line_id: line.sku for line in status.lines}
    gaps = []
    for line_id, quantity in _quantities(status).items():
        item = by_id.get(line_id)
        name = f"item {line_id}" + (f" ({sku_of[line_id]})" if sku_of.get(line_id) else "")
        if item is None:
            gaps.append(f"{name} is not on the order")
            continue
        shipped = _count(item.get("QuantityShipped"))
        if shipped < quantity:
            gaps.append(f"{name} shows {shipped} piece(s) shipped, the package carries {quantity}")
    if status.complete:
        for line_id, item in by_id.items():
            ordered, shipped = _count(item.get("QuantityOrdered")), _count(item.get("QuantityShipped"))
            if shipped < ordered and line_id not in sku_of:
                gaps.append(f"item {line_id} still has {ordered - shipped} piece(s) to ship")
        if not gaps and state not in SHIPPED:
            gaps.append(f"the order is {state}, not Shipped")
    if gaps:
        return Confirmation(False, f"Amazon shows order {oid} as {state} but {'; '.join(gaps)}. {NO_TRACKING_NOTE}.")
    return Confirmation(True, f"Amazon shows order {oid} as {state} with every piece of package {status.package_no} "
                              f"shipped. {NO_TRACKING_NOTE}.")
