"""Status back to Kaufland (issue 5): order units marked sent with tracking numbers and carrier,
seller cancellations with Kaufland's reason, and reading the order back (marketplaces.md §4.2, §4.4).

Kaufland sells one piece per order unit, so a package or a cancellation is one PATCH per unit
(``/v2/order-units/{id}/send`` or ``/cancel``, 204). A unit in the wrong state answers 403 and
nothing changes, which makes every PATCH safe to repeat: after a crash part-way through a
package, the units already sent answer 403, are read back, found sent and skipped; the rest go
out. Kaufland's OrderUnit has no tracking field, so the read-back can confirm the unit's status
only, not the tracking number.
"""

from __future__ import annotations

import time
from typing import Any

from app.channels.base import AdapterOptions
from app.channels.errors import Conflict, PermanentError
from app.channels.http import HttpSession
from app.channels.kaufland.adapter import KAUFLAND_BURST, KAUFLAND_RATE
from app.channels.kaufland.client import KauflandClient, describe_kaufland_error, refuse_on_state_or_input, unit_path
from app.channels.kaufland.signing import KauflandSigner
from app.domain.orders import Channel
from app.domain.statuses import CANCEL_REASONS, Confirmation, OutboundStatus, PlannedCall, StatusType

SHIPPED = frozenset({"sent", "sent_and_autopaid", "received", "returned", "returned_paid"})  # sent at some point
SENDABLE = frozenset({"need_to_be_sent"})
CANCELLABLE = frozenset({"open", "need_to_be_sent"})
REASONS = CANCEL_REASONS[Channel.KAUFLAND]
SHOWN_IDS = 5
NO_TRACKING_SHOWN = "Kaufland's API does not show tracking numbers, so only the status was checked"


class KauflandStatusSender:
    """One Kaufland account's status sender; the same keys, storefront and pacing as its adapter."""

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        # Kaufland's 111 requests/s are per seller over all endpoints: the adapter's bucket.
        self.limiter = options.limiter("requests", KAUFLAND_RATE, burst=KAUFLAND_BURST)
        self.session = HttpSession(base_url, policy=options.policy, limiter=self.limiter, transport=options.transport,
                                   sleep=options.sleep or time.sleep, describe_error=describe_kaufland_error,
                                   cancelled=options.cancelled)  # fmt: skip
        self.session.client.auth = KauflandSigner(credentials["client_key"].strip(), credentials["secret_key"])
        self.session.client.event_hooks["response"].append(refuse_on_state_or_input)
        self.client = KauflandClient(self.session, credentials.get("storefront", "de").strip().lower() or "de")

    def close(self) -> None:
        self.session.close()

    # -- the protocol ---------------------------------------------------------------------------------
    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        return [call for _, call in self._steps(status)]

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        """One PATCH per unit. A unit that answers 403 but already shows the status (sent before a
        crash) is skipped and left out of the answer; one in another state stops with Conflict."""
        made = []
        shipment = _is_shipment(status)
        for uid, call in self._steps(status):
            try:
                self.client.write(call.method, call.path, call.body, "shipment" if shipment else "cancellation")
            except Conflict as exc:
                state = str(self.client.unit(uid).get("status"))
                if state not in (SHIPPED if shipment else {"cancelled"}):
                    raise Conflict(f"{exc} (order unit {uid} is {state})") from None
                continue
            made.append(call)
        return made

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        order = self.client.order(status.marketplace_id)
        if order is None:
            return Confirmation(False, f"Kaufland does not know the order {status.marketplace_id}")
        units = {str(u.get("id_order_unit")): u for u in order.get("order_units") or [] if isinstance(u, dict)}
        states = {uid: str(u.get("status")) for uid, u in units.items()}
        shipment = _is_shipment(status)
        done = SHIPPED if shipment else frozenset({"cancelled"})
        word = "sent" if shipment else "cancelled"
        if status.lines:
            wanted = [line.line_id for line in status.lines]
        else:  # a whole shipment/cancellation: nothing may be left open, and something must show it
            still = [uid for uid, st in states.items() if st in (SENDABLE if shipment else CANCELLABLE)]
            if still:
                return Confirmation(False, f"Kaufland still shows {_units(still)} as {states[still[0]]}")
            wanted = [uid for uid, st in states.items() if st in done]
            if not wanted:
                return Confirmation(False, f"Kaufland shows no order unit of {status.marketplace_id} as {word}")
        problems = [f"order unit {uid} is not in the order" if uid not in states else
                    f"order unit {uid} is {states[uid]}, not {word}" for uid in wanted if states.get(uid) not in done]
        if problems:
            more = f"; and {len(problems) - SHOWN_IDS} more" if len(problems) > SHOWN_IDS else ""
            return Confirmation(False, "; ".join(problems[:SHOWN_IDS]) + more)
        if shipment:
            return Confirmation(True, f"Kaufland shows {_units(wanted)} as sent ({NO_TRACKING_SHOWN})")
        other = sorted({str(units[uid].get("cancel_reason")) for uid in wanted
                        if units[uid].get("cancel_reason") not in (None, _reason(status))})  # fmt: skip
        note = f" (reason {', '.join(other)}, not {_reason(status)})" if other else ""
        return Confirmation(True, f"Kaufland shows {_units(wanted)} as cancelled{note}")

    # -- building the requests -------------------------------------------------------------------------
    def _steps(self, status: OutboundStatus) -> list[tuple[str, PlannedCall]]:
        """(order unit id, the call for it) per unit, in the order the status names them."""
        if _is_shipment(status):
            if not status.carrier_code:
                raise PermanentError("Kaufland needs a carrier for every shipment (carrier_code); none was given")
            if not status.tracking_number:
                raise PermanentError("Kaufland needs a tracking number for every shipment (tracking_numbers)")
            body: dict[str, Any] = {"tracking_numbers": status.tracking_number, "carrier_code": status.carrier_code}
            note = f"mark order unit {{uid}} of order {status.marketplace_id} sent with {status.carrier_code} " \
                   f"{status.tracking_number}"
            return [(uid, PlannedCall("PATCH", unit_path(uid, "send"), dict(body), note.format(uid=uid)))
                    for uid in self._unit_ids(status, SENDABLE)]
        if status.status_type is StatusType.FULFILLMENT:
            reason = _reason(status)
            return [(uid, PlannedCall("PATCH", unit_path(uid, "cancel"), {"reason": reason},
                                      f"cancel order unit {uid} of order {status.marketplace_id} ({reason})"))
                    for uid in self._unit_ids(status, CANCELLABLE)]
        raise PermanentError(f"Kaufland cannot be told a {status.status_type.value} status ({status.value}); "
                             "it takes shipments and cancellations only")

    def _unit_ids(self, status: OutboundStatus, open_states: frozenset[str]) -> list[str]:
        """The units the status names; one piece each. None named and ``complete``: every unit
        Kaufland still shows in ``open_states`` (read from the order)."""
        ids: list[str] = []
        for line in status.lines:
            if line.quantity != 1:
                raise PermanentError(f"Kaufland order unit {line.line_id} ({line.sku}) is one piece, but "
                                     f"{line.quantity} pieces were asked for it: Kaufland lines must be stored one "
                                     "per unit; fetch the order again")  # fmt: skip
            if line.line_id not in ids:
                ids.append(line.line_id)
        if not ids and status.complete:
            order = self.client.order(status.marketplace_id)
            if order is None:
                raise PermanentError(f"Kaufland does not know the order {status.marketplace_id}")
            ids = [str(u.get("id_order_unit")) for u in order.get("order_units") or []
                   if isinstance(u, dict) and u.get("status") in open_states]  # fmt: skip
        if not ids:
            raise PermanentError(f"the status for order {status.marketplace_id} names no order units")
        return ids


def _is_shipment(status: OutboundStatus) -> bool:
    return status.status_type is StatusType.DELIVERY


def _reason(status: OutboundStatus) -> str:
    reason = status.reason or REASONS[0]
    if reason not in REASONS:
        raise PermanentError(f"{reason!r} is not a Kaufland cancel reason (reason); allowed: {', '.join(REASONS)}")
    return reason


def _units(ids: list[str]) -> str:
    named = ", ".join(ids[:SHOWN_IDS]) + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")
    return f"order unit {named}" if len(ids) == 1 else f"{len(ids)} order units ({named})"
