"""Control API under `/_sandbox/` (no auth, JSON in and out), as docs/SANDBOX.md defines for every sandbox.

Plays eBay's and the buyers' side: time, new orders, payments clearing, whole-order
cancellations (eBay has no line cancellations: asking for one is a 400), broken
orders, scripted faults. Extra for eBay: `GET/POST /_sandbox/config` for the switches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.ebay.errors import json_response
from app.sandbox.ebay.model import CANCELED, CURRENCY, MALFORMED_KINDS, MONEY_COLLECTED, Order
from app.sandbox.ebay.render import iso
from app.sandbox.ebay.state import Conflict, UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.ebay.app import EbaySandbox

ROUTES = Map([
    Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
    Rule("/_sandbox/orders", methods=["POST"], endpoint="add"),
    Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
    Rule("/_sandbox/orders/<oid>/release", methods=["POST"], endpoint="release"),
    Rule("/_sandbox/orders/<oid>/cancel", methods=["POST"], endpoint="cancel"),
    Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
    Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
    Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
], strict_slashes=False)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def truth_of(order: Order) -> dict[str, Any]:
    """What the desk must end up storing (docs/SANDBOX.md): one line per line item with its quantity,
    the order total as ordered, held while the buyer's payment is outstanding."""
    cancelled = order.cancel == CANCELED
    return {"id": order.oid, "number": order.oid, "held": order.held, "paid": order.payment in MONEY_COLLECTED,
            "currency": CURRENCY, "gross_minor": order.total,
            "lines": [{"id": line.lid, "quantity": line.qty, "cancelled": cancelled} for line in order.lines]}


def _whole(body: dict[str, Any], name: str, default: int | None, low: int, high: int) -> int | None:
    value = body.get(name, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
        raise ControlError(400, f"'{name}' must be an integer between {low} and {high}")
    return value


class ControlApi:
    def __init__(self, sandbox: EbaySandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, values = ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return json_response({"error": f"{request.method} is not allowed on {request.path}"}, 405)
        except NotFound:
            return json_response({"error": f"unknown control endpoint {request.path}"}, 404)
        try:
            body = _body(request)
            self.sandbox.tick()
            with self.store.lock:
                return getattr(self, f"_{endpoint}")(request, body, **values)
        except ControlError as exc:
            return json_response({"error": str(exc)}, exc.status)
        except UnknownOrder as exc:
            return json_response({"error": f"no order {exc.args[0]}"}, 404)
        except Conflict as exc:
            return json_response({"error": str(exc)}, 409)

    def _now(self) -> int:
        return self.sandbox.clock.now_ms()

    # -- orders ---------------------------------------------------------------------------
    def _truth(self, request: Request, body: dict[str, Any]) -> Response:
        return json_response({"orders": [truth_of(o) for o in self.store.orders.values() if o.malformed is None]})

    def _add(self, request: Request, body: dict[str, Any]) -> Response:
        count = _whole(body, "count", 1, 1, 100_000)
        lines = _whole(body, "items", None, 1, 50)
        held = body.get("held", False)
        if not isinstance(held, bool):
            raise ControlError(400, "'held' must be true or false")
        created = self.store.add(count or 1, held=held, lines=lines, now_ms=self._now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid} for o in created]})

    def _malformed(self, request: Request, body: dict[str, Any]) -> Response:
        kind = body.get("kind")
        if kind not in MALFORMED_KINDS:
            raise ControlError(400, f"'kind' must be one of {', '.join(MALFORMED_KINDS)}")
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

    # -- time, faults, state, switches -------------------------------------------------------
    def _advance(self, request: Request, body: dict[str, Any]) -> Response:
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 3650 * 86400:
            raise ControlError(400, "'seconds' must be a non-negative number")
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": iso(self._now())})

    def _faults(self, request: Request, body: dict[str, Any]) -> Response:
        faults = self.sandbox.faults
        if request.method == "POST" and body.get("kind") == "expire_tokens":  # acts at once; no count
            return json_response({"expired": self.sandbox.tokens.expire_all(), "faults": faults.pending()})
        if request.method == "POST":
            given = {name: body[name] for name in ("count", "delay", "retry_after") if name in body}
            try:  # what is not given keeps FaultInjector's defaults
                faults.add(str(body.get("kind")), include_token=body.get("include_token") is True, **given)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        elif request.method == "DELETE":
            faults.clear()
        return json_response({"faults": faults.pending()})

    def _state(self, request: Request, body: dict[str, Any]) -> Response:
        sandbox = self.sandbox
        return json_response({"now": iso(self._now()), **self.store.summary(), "requests": sandbox.requests,
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


def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent (none at all counts as {}), whatever the content type says."""
    if not request.get_data().strip():
        return {}
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body
