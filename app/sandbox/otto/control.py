"""Control API under `/_sandbox/` (no auth, JSON in and out).

Lets tests and demos play the marketplace's side: move time, add orders,
release or cancel them, break orders on purpose and script faults. Documented
in docs/SANDBOX.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.control import (
    ControlApiBase,
    ControlError,
    bool_arg,
    choice_arg,
    control_routes,
    int_arg,
    json_response,
)
from app.sandbox.otto.catalog import DELIVERY_FEES
from app.sandbox.otto.model import (
    ANNOUNCED,
    CANCELLATION_REASONS,
    CANCELLED_BY_MARKETPLACE,
    CANCELLED_BY_PARTNER,
    MALFORMED_KINDS,
    Order,
)
from app.sandbox.otto.render import iso
from app.sandbox.otto.state import Conflict
from app.sandbox.otto.state import NotFound as UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.otto.app import OttoSandbox

CONTROL_ROUTES = control_routes("sid", [
    Rule("/_sandbox/orders/<sid>/return", methods=["POST"], endpoint="return_items"),
    Rule("/_sandbox/rate_limit", methods=["POST"], endpoint="rate_limit"),
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
])


def _ids(body: dict) -> list[str] | None:
    value = body.get("positionItemIds")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ControlError(400, "'positionItemIds' must be a non-empty list of strings")
    return value


class ControlApi(ControlApiBase):
    routes = CONTROL_ROUTES
    unknown_record = UnknownOrder
    conflict = Conflict
    lock_calls = False  # each call takes the store lock itself

    sandbox: OttoSandbox

    def conflict_message(self, exc: Exception) -> str:
        return "; ".join(exc.args[0])

    def now_iso(self) -> str:
        return iso(self._now())

    # -- endpoints -------------------------------------------------------------------
    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        with self.store.lock:
            summary = self.store.summary()
        return json_response(
            {
                "now": self.now_iso(),
                **summary,
                "requests": sandbox.requests,
                "rate_limited": sandbox.rate_limited,
                "tokens_issued": sandbox.tokens.issued,
                "rate_limit": sandbox.limiter.per_second,
                "faults": sandbox.faults.pending(),
            }
        )

    def _add_orders(self, request: Request, body: dict) -> Response:
        count = int_arg(body, "count", 1, 1, 100_000)
        items = int_arg(body, "items", None, 1, 1000)
        # "held" is the name every sandbox's control API shares (the contract tests use it).
        announced = bool_arg(body, "announced", False) or bool_arg(body, "held", False)
        weee = bool_arg(body, "weee", False)
        with self.store.lock:
            created = self.store.add_orders(count or 1, announced=announced, weee=weee, items=items, now_ms=self._now())
            out = [{"salesOrderId": o.sid, "orderNumber": o.number, "id": o.sid, "number": o.number}
                   for o in created]
        return json_response({"orders": out})

    def _truth(self, request: Request, body: dict) -> Response:
        """Every readable order in the neutral shape all sandboxes share (docs/SANDBOX.md)."""
        with self.store.lock:
            orders = [truth_of(o) for o in self.store.orders.values() if o.malformed is None]
        return json_response({"orders": orders})

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = choice_arg(body, "kind", None, MALFORMED_KINDS)
        with self.store.lock:
            order = self.store.add_malformed(kind, self._now())
        return json_response({"salesOrderId": order.sid, "orderNumber": order.number, "id": order.sid, "number": order.number})

    def _release(self, request: Request, body: dict, sid: str) -> Response:
        with self.store.lock:
            self.store.release(sid, self._now())
        return json_response({"salesOrderId": sid, "released": True})

    def _cancel(self, request: Request, body: dict, sid: str) -> Response:
        reason = choice_arg(body, "reason", "CANCELLED_ON_CUSTOMER_WISH", CANCELLATION_REASONS)
        if "lines" in body and "positionItemIds" not in body:  # the shared control API's name
            body = {**body, "positionItemIds": body["lines"]}
        with self.store.lock:
            count = self.store.marketplace_cancel(sid, reason, _ids(body), self._now())
        return json_response({"salesOrderId": sid, "cancelled": count})

    def _return_items(self, request: Request, body: dict, sid: str) -> Response:
        with self.store.lock:
            count = self.store.return_items(sid, _ids(body), self._now())
        return json_response({"salesOrderId": sid, "returned": count})

    def _config(self, request: Request, body: dict) -> Response:
        if request.method == "POST" and "require_return_tracking" in body:
            self.sandbox.require_return_tracking = bool_arg(body, "require_return_tracking", True)
        return json_response({"require_return_tracking": self.sandbox.require_return_tracking})


def truth_of(order: Order) -> dict:
    """An order as the desk must end up storing it: one line per position item (OTTO has no
    quantity), the full order sum with fees and discounts, held while any item is ANNOUNCED."""
    fee = DELIVERY_FEES[order.fee][1] if DELIVERY_FEES[order.fee][0] else 0
    cancelled = (CANCELLED_BY_PARTNER, CANCELLED_BY_MARKETPLACE)
    return {
        "id": order.sid,
        "number": order.number,
        "held": any(item.status == ANNOUNCED for item in order.items),
        "paid": not any(item.status == ANNOUNCED for item in order.items),  # OTTO collects on release
        "currency": "EUR",
        "gross_minor": sum(item.price for item in order.items) + fee - order.discount,
        "lines": [{"id": item.pid, "quantity": 1, "cancelled": item.status in cancelled} for item in order.items],
    }
