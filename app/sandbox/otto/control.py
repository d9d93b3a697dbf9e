"""Control API under `/_sandbox/` (no auth, JSON in and out).

Lets tests and demos play the marketplace's side: move time, add orders,
release or cancel them, break orders on purpose and script faults. Documented
in docs/SANDBOX.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.otto.catalog import DELIVERY_FEES
from app.sandbox.otto.errors import json_response
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

CONTROL_ROUTES = Map(
    [
        Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
        Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
        Rule("/_sandbox/orders", methods=["POST"], endpoint="add_orders"),
        Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
        Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
        Rule("/_sandbox/orders/<sid>/release", methods=["POST"], endpoint="release"),
        Rule("/_sandbox/orders/<sid>/cancel", methods=["POST"], endpoint="cancel"),
        Rule("/_sandbox/orders/<sid>/return", methods=["POST"], endpoint="return_items"),
        Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
        Rule("/_sandbox/rate_limit", methods=["POST"], endpoint="rate_limit"),
        Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
    ],
    strict_slashes=False,
)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _fail(status: int, message: str) -> Response:
    return json_response({"error": message}, status=status)


def _int(body: dict, name: str, default: int | None, low: int, high: int) -> int | None:
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ControlError(400, f"'{name}' must be an integer between {low} and {high}")
    return value


def _bool(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ControlError(400, f"'{name}' must be true or false")
    return value


def _ids(body: dict) -> list[str] | None:
    value = body.get("positionItemIds")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ControlError(400, "'positionItemIds' must be a non-empty list of strings")
    return value


class ControlApi:
    def __init__(self, sandbox: OttoSandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, values = CONTROL_ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return _fail(405, f"{request.method} not allowed on {request.path}")
        except NotFound:
            return _fail(404, f"unknown control endpoint {request.path}")
        try:
            body = self._body(request)
            self.sandbox.tick()
            return getattr(self, f"_{endpoint}")(request, body, **values)
        except ControlError as exc:
            return _fail(exc.status, str(exc))
        except UnknownOrder as exc:
            return _fail(404, f"not found: {exc.args[0]}")
        except Conflict as exc:
            return _fail(409, "; ".join(exc.args[0]))

    @staticmethod
    def _body(request: Request) -> dict:
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ControlError(400, "body must be JSON") from None
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        return body

    def _now(self) -> int:
        return self.sandbox.clock.now_ms()

    # -- endpoints -------------------------------------------------------------------
    def _advance(self, request: Request, body: dict) -> Response:
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10 * 365 * 86400:
            raise ControlError(400, "'seconds' must be a non-negative number")
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": iso(self._now())})

    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        with self.store.lock:
            summary = self.store.summary()
        return json_response(
            {
                "now": iso(self._now()),
                **summary,
                "requests": sandbox.requests,
                "rate_limited": sandbox.rate_limited,
                "tokens_issued": sandbox.tokens.issued,
                "rate_limit": sandbox.limiter.per_second,
                "faults": sandbox.faults.pending(),
            }
        )

    def _add_orders(self, request: Request, body: dict) -> Response:
        count = _int(body, "count", 1, 1, 100_000)
        items = _int(body, "items", None, 1, 1000)
        # "held" is the name every sandbox's control API shares (the contract tests use it).
        announced = _bool(body, "announced", False) or _bool(body, "held", False)
        weee = _bool(body, "weee", False)
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
        kind = body.get("kind")
        if kind not in MALFORMED_KINDS:
            raise ControlError(400, f"'kind' must be one of {', '.join(MALFORMED_KINDS)}")
        with self.store.lock:
            order = self.store.add_malformed(kind, self._now())
        return json_response({"salesOrderId": order.sid, "orderNumber": order.number, "id": order.sid, "number": order.number})

    def _release(self, request: Request, body: dict, sid: str) -> Response:
        with self.store.lock:
            self.store.release(sid, self._now())
        return json_response({"salesOrderId": sid, "released": True})

    def _cancel(self, request: Request, body: dict, sid: str) -> Response:
        reason = body.get("reason", "CANCELLED_ON_CUSTOMER_WISH")
        if reason not in CANCELLATION_REASONS:
            raise ControlError(400, f"'reason' must be one of {', '.join(CANCELLATION_REASONS)}")
        if "lines" in body and "positionItemIds" not in body:  # the shared control API's name
            body = {**body, "positionItemIds": body["lines"]}
        with self.store.lock:
            count = self.store.marketplace_cancel(sid, reason, _ids(body), self._now())
        return json_response({"salesOrderId": sid, "cancelled": count})

    def _return_items(self, request: Request, body: dict, sid: str) -> Response:
        with self.store.lock:
            count = self.store.return_items(sid, _ids(body), self._now())
        return json_response({"salesOrderId": sid, "returned": count})

    def _faults(self, request: Request, body: dict) -> Response:
        faults = self.sandbox.faults
        if request.method == "DELETE":
            faults.clear()
            return json_response({"faults": []})
        if request.method == "POST":
            kind = body.get("kind")
            if kind == "expire_tokens":
                return json_response({"expired": self.sandbox.tokens.expire_all(), "faults": faults.pending()})
            try:
                faults.add(
                    str(kind),
                    body.get("count", 1),
                    delay=body.get("delay", 0.0),
                    retry_after=body.get("retry_after", 1),
                    include_token=bool(body.get("include_token", False)),
                )
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        return json_response({"faults": faults.pending()})

    def _rate_limit(self, request: Request, body: dict) -> Response:
        if "per_second" not in body:
            raise ControlError(400, "'per_second' is required (number or null)")
        try:
            self.sandbox.limiter.set_rate(body["per_second"])
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        return json_response({"per_second": self.sandbox.limiter.per_second})

    def _config(self, request: Request, body: dict) -> Response:
        if request.method == "POST" and "require_return_tracking" in body:
            self.sandbox.require_return_tracking = _bool(body, "require_return_tracking", True)
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
