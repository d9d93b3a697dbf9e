"""Control API under `/_sandbox/` (no auth, JSON in and out), as shared by every sandbox
(docs/SANDBOX.md, "Control API shared by every sandbox"), plus Amazon's switches.

Control calls are not API requests: they are never hit by faults or usage plans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.amazon.model import CANCELED, CURRENCY, HELD, MALFORMED_KINDS, PAID, Order
from app.sandbox.amazon.render import iso
from app.sandbox.amazon.state import Conflict, UnknownOrder
from app.sandbox.control import (
    ControlApiBase,
    ControlError,
    bool_arg,
    choice_arg,
    control_routes,
    error_response,
    int_arg,
    json_response,
)

if TYPE_CHECKING:
    from app.sandbox.amazon.app import AmazonSandbox

CONTROL_ROUTES = control_routes("order_id", [
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
])
PII_WITHOUT_RDT = ("omit", "partial")
REPEATED_PACKAGE = ("reject", "accept")  # a confirmShipment repeating a used packageReferenceId (shipment.py)


def truth_of(order: Order) -> dict:
    """An order as the desk must end up storing it (the neutral shape of docs/SANDBOX.md):
    one line per OrderItem with its quantity, the total as ordered (items + shipping -
    promotions), held while the payment is not authorised, paid once it is."""
    return {
        "id": order.oid,
        "number": order.oid,  # Amazon has one identifier for both
        "held": order.status in HELD,
        "paid": order.status in PAID,
        "currency": CURRENCY,
        "gross_minor": order.total,
        "lines": [{"id": item.iid, "quantity": item.qty, "cancelled": order.status == CANCELED}
                  for item in order.items],
    }


class ControlApi(ControlApiBase):
    routes = CONTROL_ROUTES
    unknown_record = UnknownOrder
    conflict = Conflict
    lock_calls = False  # each call takes the store lock itself
    not_json_message = "the body is not JSON"
    not_object_message = "the body must be a JSON object"
    advance_message = "'seconds' must be a number of seconds (0 to ten years)"

    sandbox: AmazonSandbox

    def routing_error(self, request: Request, exc: HTTPException) -> Response:
        return error_response(exc.code or 404, f"{request.method} {request.path}: {exc.name}")

    def now_iso(self) -> str:
        return iso(self.sandbox.now())

    # -- endpoints --------------------------------------------------------------------
    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        with self.store.lock:
            summary = self.store.summary()
        plans = sandbox.plans
        return json_response({
            "now": self.now_iso(),
            **summary,
            "requests": sandbox.requests,
            "rate_limited": plans.rate_limited,
            "rate_limited_by_operation": dict(plans.rejected),
            "calls_by_operation": dict(plans.calls),
            "real_limits": plans.enforced,
            "usage_plans": plans.describe(),
            "tokens_issued": sandbox.tokens.issued,
            "restricted_tokens_issued": sandbox.tokens.restricted_issued,
            "faults": sandbox.faults.pending(),
        })

    def _truth(self, request: Request, body: dict) -> Response:
        with self.store.lock:
            orders = [truth_of(o) for o in self.store.orders.values() if o.malformed is None]
        return json_response({"orders": orders})

    def _add_orders(self, request: Request, body: dict) -> Response:
        count = int_arg(body, "count", 1, 1, 100_000, wanted="a whole number from 1 to 100000", nullable=False)
        items = int_arg(body, "items", None, 1, 1000, wanted="a whole number from 1 to 1000")
        held = bool_arg(body, "held", False)
        with self.store.lock:
            created = self.store.add_orders(count, held=held, items=items, now=self.sandbox.now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid} for o in created]})

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = choice_arg(body, "kind", None, MALFORMED_KINDS)
        with self.store.lock:
            order = self.store.add_malformed(kind, self.sandbox.now())
        return json_response({"id": order.oid, "number": order.oid})

    def _release(self, request: Request, body: dict, order_id: str) -> Response:
        with self.store.lock:
            self.store.release(order_id, self.sandbox.now())
        return json_response({"id": order_id, "released": True})

    def _cancel(self, request: Request, body: dict, order_id: str) -> Response:
        if body.get("lines"):
            raise ControlError(400, "Amazon cancels whole orders only (Orders v0 has no line cancellation)")
        with self.store.lock:
            self.store.cancel(order_id, self.sandbox.now())
        return json_response({"id": order_id, "cancelled": True})

    def _config(self, request: Request, body: dict) -> Response:
        """Switches for behaviour the docs leave open (UNCONFIRMED in marketplaces.md)."""
        sandbox, renderer = self.sandbox, self.store.renderer
        if request.method == "POST":
            if "pii_without_rdt" in body:
                choice_arg(body, "pii_without_rdt", None, PII_WITHOUT_RDT)
                with self.store.lock:
                    renderer.partial_pii = body["pii_without_rdt"] == "partial"
                    self.store.forget_rendering()
            if "repeated_package" in body:
                choice_arg(body, "repeated_package", None, REPEATED_PACKAGE)
                with self.store.lock:
                    self.store.accept_repeated_package = body["repeated_package"] == "accept"
            if "order_items_page_size" in body:
                sandbox.items_page_size = int_arg(body, "order_items_page_size", None, 1, 100,
                                                  wanted="a whole number from 1 to 100", nullable=False)
        return json_response({"pii_without_rdt": PII_WITHOUT_RDT[renderer.partial_pii],
                              "order_items_page_size": sandbox.items_page_size,
                              "repeated_package": REPEATED_PACKAGE[self.store.accept_repeated_package]})
