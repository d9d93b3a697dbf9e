"""Control API under `/_sandbox/` (no auth, JSON in and out), as shared by every sandbox
(docs/SANDBOX.md, "Control API shared by every sandbox"), plus Amazon's switches.

Control calls are not API requests: they are never hit by faults or usage plans.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.amazon.errors import json_response
from app.sandbox.amazon.model import CANCELED, CURRENCY, HELD, MALFORMED_KINDS, PAID, Order
from app.sandbox.amazon.render import iso
from app.sandbox.amazon.state import Conflict, UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.amazon.app import AmazonSandbox

CONTROL_ROUTES = Map(
    [
        Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
        Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
        Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
        Rule("/_sandbox/orders", methods=["POST"], endpoint="add_orders"),
        Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
        Rule("/_sandbox/orders/<order_id>/release", methods=["POST"], endpoint="release"),
        Rule("/_sandbox/orders/<order_id>/cancel", methods=["POST"], endpoint="cancel"),
        Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
        Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
    ],
    strict_slashes=False,
)
PII_WITHOUT_RDT = ("omit", "partial")
MAX_ADVANCE = 10 * 365 * 86_400


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _checked(body: dict, name: str, default: object, valid: Callable[[object], bool], wanted: str) -> Any:
    """body[name] (or the default) if `valid` says so, else a 400 that says what was wanted."""
    value = body.get(name, default)
    if not valid(value):
        raise ControlError(400, f"'{name}' must be {wanted}")
    return value


def _whole(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: type(value) is int and low <= value <= high


def _request_body(request: Request) -> dict:
    raw = request.get_data()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise ControlError(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


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


class ControlApi:
    def __init__(self, sandbox: AmazonSandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, values = CONTROL_ROUTES.bind_to_environ(request.environ).match()
            body = _request_body(request)
            self.sandbox.tick()
            return getattr(self, f"_{endpoint}")(request, body, **values)
        except (NotFound, MethodNotAllowed) as exc:
            return json_response({"error": f"{request.method} {request.path}: {exc.name}"}, exc.code or 404)
        except ControlError as exc:
            return json_response({"error": str(exc)}, exc.status)
        except UnknownOrder as exc:
            return json_response({"error": f"not found: {exc.args[0]}"}, 404)
        except Conflict as exc:
            return json_response({"error": str(exc)}, 409)

    # -- endpoints --------------------------------------------------------------------
    def _advance(self, request: Request, body: dict) -> Response:
        seconds = _checked(body, "seconds", None, lambda v: type(v) in (int, float) and 0 <= v <= MAX_ADVANCE,
                           "a number of seconds (0 to ten years)")
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": iso(self.sandbox.now())})

    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        with self.store.lock:
            summary = self.store.summary()
        plans = sandbox.plans
        return json_response({
            "now": iso(sandbox.now()),
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
        count = _checked(body, "count", 1, _whole(1, 100_000), "a whole number from 1 to 100000")
        items = _checked(body, "items", None, lambda v: v is None or _whole(1, 1000)(v), "a whole number from 1 to 1000")
        held = _checked(body, "held", False, lambda v: type(v) is bool, "true or false")
        with self.store.lock:
            created = self.store.add_orders(count, held=held, items=items, now=self.sandbox.now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid} for o in created]})

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = body.get("kind")
        if kind not in MALFORMED_KINDS:
            raise ControlError(400, f"'kind' must be one of {', '.join(MALFORMED_KINDS)}")
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

    def _faults(self, request: Request, body: dict) -> Response:
        faults = self.sandbox.faults
        if request.method == "DELETE":
            faults.clear()
        elif request.method == "POST":
            if body.get("kind") == "expire_tokens":
                return json_response({"expired": self.sandbox.tokens.expire_all(), "faults": faults.pending()})
            try:
                faults.add(str(body.get("kind")), body.get("count", 1), delay=body.get("delay", 0.0),
                           retry_after=body.get("retry_after", 1), include_token=bool(body.get("include_token", False)))
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        return json_response({"faults": faults.pending()})

    def _config(self, request: Request, body: dict) -> Response:
        """Switches for behaviour the docs leave open (UNCONFIRMED in marketplaces.md)."""
        sandbox, renderer = self.sandbox, self.store.renderer
        if request.method == "POST":
            if "pii_without_rdt" in body:
                if body["pii_without_rdt"] not in PII_WITHOUT_RDT:
                    raise ControlError(400, f"'pii_without_rdt' must be one of {', '.join(PII_WITHOUT_RDT)}")
                with self.store.lock:
                    renderer.partial_pii = body["pii_without_rdt"] == "partial"
                    self.store.forget_rendering()
            if "order_items_page_size" in body:
                sandbox.items_page_size = _checked(body, "order_items_page_size", None, _whole(1, 100),
                                                   "a whole number from 1 to 100")
        return json_response({"pii_without_rdt": PII_WITHOUT_RDT[renderer.partial_pii],
                              "order_items_page_size": sandbox.items_page_size})
