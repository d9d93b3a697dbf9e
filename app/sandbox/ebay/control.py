"""Control API under `/_sandbox/` (no auth, JSON in and out), as docs/SANDBOX.md defines for every sandbox.

Plays eBay's and the buyers' side: time, new orders, payments clearing, whole-order
cancellations (eBay has no line cancellations: asking for one is a 400), broken
orders, scripted faults. Extra for eBay: `GET/POST /_sandbox/config` for the switches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.control import ControlApiBase, ControlError, bool_arg, choice_arg, control_routes, int_arg, json_response
from app.sandbox.ebay.model import CANCELED, CURRENCY, MALFORMED_KINDS, MONEY_COLLECTED, Order
from app.sandbox.ebay.render import iso
from app.sandbox.ebay.state import Conflict, UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.ebay.app import EbaySandbox

ROUTES = control_routes("oid", [
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
])


def truth_of(order: Order) -> dict[str, Any]:
    """What the desk must end up storing (docs/SANDBOX.md): one line per line item with its quantity,
    the order total as ordered, held while the buyer's payment is outstanding."""
    cancelled = order.cancel == CANCELED
    return {"id": order.oid, "number": order.oid, "held": order.held, "paid": order.payment in MONEY_COLLECTED,
            "currency": CURRENCY, "gross_minor": order.total,
            "lines": [{"id": line.lid, "quantity": line.qty, "cancelled": cancelled} for line in order.lines]}


class ControlApi(ControlApiBase):
    routes = ROUTES
    unknown_record = UnknownOrder
    conflict = Conflict
    not_allowed_message = "{method} is not allowed on {path}"
    unknown_record_message = "no order {0}"
    not_json_message = "the body must be a JSON object"
    not_object_message = "the body must be a JSON object"

    sandbox: EbaySandbox

    def include_token(self, body: dict) -> bool:
        return body.get("include_token") is True

    def now_iso(self) -> str:
        return iso(self._now())

    # -- orders ---------------------------------------------------------------------------
    def _truth(self, request: Request, body: dict[str, Any]) -> Response:
        return json_response({"orders": [truth_of(o) for o in self.store.orders.values() if o.malformed is None]})

    def _add_orders(self, request: Request, body: dict[str, Any]) -> Response:
        count = int_arg(body, "count", 1, 1, 100_000)
        lines = int_arg(body, "items", None, 1, 50)
        held = bool_arg(body, "held", False)
        created = self.store.add(count or 1, held=held, lines=lines, now_ms=self._now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid} for o in created]})

    def _malformed(self, request: Request, body: dict[str, Any]) -> Response:
        kind = choice_arg(body, "kind", None, MALFORMED_KINDS)
        order = self.store.add_malformed(kind, self._now())
        return json_response({"id": order.oid, "number": order.oid})

    def _release(self, request: Request, body: dict[str, Any], oid: str) -> Response:
        self.store.release(oid, self._now())
        return json_response({"id": oid, "released": True})

    def _cancel(self, request: Request, body: dict[str, Any], oid: str) -> Response:
        if body.get("lines") is not None:
            raise ControlError(400, "eBay cancels whole orders only; omit 'lines'")
        self.store.cancel(oid, self._now())
        return json_response({"id": oid, "cancelled": True})

    # -- state, switches (time and faults: the base) ---------------------------------------
    def _state(self, request: Request, body: dict[str, Any]) -> Response:
        sandbox = self.sandbox
        return json_response({"now": self.now_iso(), **self.store.summary(), "requests": sandbox.requests,
                              "rate_limited": sandbox.rate_limited, "tokens_issued": sandbox.tokens.issued,
                              "quotas": [q.as_json() for q in sandbox.quotas], "faults": sandbox.faults.pending(),
                              "config": sandbox.switches.as_json()})

    def _config(self, request: Request, body: dict[str, Any]) -> Response:
        if request.method == "POST":
            try:
                self.sandbox.configure(body)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        return json_response(self.sandbox.switches.as_json())

