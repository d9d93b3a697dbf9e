"""Control API under `/_sandbox/` (no auth, JSON in and out), shared by every sandbox.

The neutral calls of docs/SANDBOX.md ("Control API shared by every sandbox") plus Shopware
extras: `pay` (an invoice or cash payment arrives), `ship` (delivery shipped with tracking
codes) and `config` (switches for behaviour the docs leave open). Shopware cancels whole
orders only, so a cancel naming lines answers 400.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.otto.render import iso
from app.sandbox.shopware.errors import json_response
from app.sandbox.shopware.model import MALFORMED_KINDS, PAYMENT_CODE, Order, line_id
from app.sandbox.shopware.state import Conflict
from app.sandbox.shopware.state import NotFound as UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.shopware.app import ShopwareSandbox

ROUTES = Map(
    [
        Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
        Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
        Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
        Rule("/_sandbox/orders", methods=["POST"], endpoint="add"),
        Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
        Rule("/_sandbox/orders/<oid>/release", methods=["POST"], endpoint="release"),
        Rule("/_sandbox/orders/<oid>/cancel", methods=["POST"], endpoint="cancel"),
        Rule("/_sandbox/orders/<oid>/pay", methods=["POST"], endpoint="pay"),
        Rule("/_sandbox/orders/<oid>/ship", methods=["POST"], endpoint="ship"),
        Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
        Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
    ],
    strict_slashes=False,
)


class BadControlCall(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise BadControlCall(400, message)


def _count(body: dict, name: str, default: int | None, top: int) -> int | None:
    value = body.get(name, default)
    _check(value is None or (type(value) is int and 1 <= value <= top), f"'{name}' must be an integer from 1 to {top}")
    return value


def _flag(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    _check(isinstance(value, bool), f"'{name}' must be true or false")
    return value


def _rate(value: object, name: str) -> float | None:
    _check(value is None or (type(value) in (int, float) and value > 0), f"'{name}' must be a positive number or null")
    return value  # type: ignore[return-value]


def truth_of(order: Order) -> dict[str, Any]:
    """What the desk must end up storing (docs/SANDBOX.md): product lines only (a promotion is a
    discount, not a line), the amountTotal as gross, held while a prepayment is awaited."""
    cancelled = order.state == "cancelled"
    return {
        "id": order.id,
        "number": order.number,
        "held": order.held,
        "paid": order.transaction.state == "paid",
        "currency": "EUR",
        "gross_minor": order.total,
        "lines": [{"id": line_id(order.id, i), "quantity": ln.quantity, "cancelled": cancelled}
                  for i, ln in enumerate(order.lines)],
    }


class ControlApi:
    def __init__(self, sandbox: ShopwareSandbox) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, values = ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return json_response({"error": f"{request.method} not allowed on {request.path}"}, 405)
        except NotFound:
            return json_response({"error": f"unknown control endpoint {request.path}"}, 404)
        try:
            body = self._body(request)
            self.sandbox.tick()
            with self.store.lock:
                return getattr(self, f"_{endpoint}")(request, body, **values)
        except BadControlCall as exc:
            return json_response({"error": str(exc)}, exc.status)
        except UnknownOrder as exc:
            return json_response({"error": f"no order {exc.args[0]}"}, 404)
        except Conflict as exc:
            return json_response({"error": str(exc)}, 409)

    @staticmethod
    def _body(request: Request) -> dict:
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise BadControlCall(400, "body must be JSON") from None
        _check(isinstance(body, dict), "body must be a JSON object")
        return body

    def _now(self) -> int:
        return self.sandbox.clock.now_ms()

    # -- the shared calls --------------------------------------------------------------------
    def _advance(self, request: Request, body: dict) -> Response:
        seconds = body.get("seconds")
        _check(type(seconds) in (int, float) and 0 <= seconds <= 10 * 365 * 86400, "'seconds' must be >= 0")
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": iso(self._now())})

    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        return json_response({
            "now": iso(self._now()), **self.store.summary(), "requests": sandbox.requests,
            "rate_limited": sandbox.rate_limited, "tokens_issued": sandbox.tokens.issued,
            "faults": sandbox.faults.pending(), "config": self._switches(),
        })  # fmt: skip

    def _truth(self, request: Request, body: dict) -> Response:
        return json_response({"orders": [truth_of(o) for o in self.store.orders.values() if o.malformed is None]})

    def _add(self, request: Request, body: dict) -> Response:
        count = _count(body, "count", 1, 100_000) or 1
        items = _count(body, "items", None, 100)
        payment = body.get("payment")  # extra: prepayment, invoice, cash, debit, paypal, card
        _check(payment is None or payment in PAYMENT_CODE, f"'payment' must be one of {', '.join(PAYMENT_CODE)}")
        held = _flag(body, "held", False)
        _check(not (held and payment not in (None, "prepayment")), "only prepayment orders are held")
        created = self.store.add_orders(count, held=held, items=items,
                                        payment=PAYMENT_CODE[payment] if payment else None, now_ms=self._now())
        return json_response({"orders": [{"id": o.id, "number": o.number} for o in created]})

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = body.get("kind")
        _check(kind in MALFORMED_KINDS, f"'kind' must be one of {', '.join(MALFORMED_KINDS)}")
        order = self.store.add_malformed(kind, self._now())
        return json_response({"id": order.id, "number": order.number})

    def _release(self, request: Request, body: dict, oid: str) -> Response:
        self.store.release(oid, self._now())
        return json_response({"id": oid, "released": True})

    def _cancel(self, request: Request, body: dict, oid: str) -> Response:
        _check(not body.get("lines"), "Shopware cancels whole orders only; line cancellation is not possible")
        self.store.cancel(oid, self._now())
        return json_response({"id": oid, "cancelled": True})

    def _faults(self, request: Request, body: dict) -> Response:
        faults = self.sandbox.faults
        if request.method == "DELETE":
            faults.clear()
        elif request.method == "POST":
            if body.get("kind") == "expire_tokens":
                return json_response({"expired": self.sandbox.tokens.expire_all(), "faults": faults.pending()})
            try:
                faults.add(str(body.get("kind")), body.get("count", 1), delay=body.get("delay", 0.0),
                           retry_after=body.get("retry_after", 1), include_token=bool(body.get("include_token")))
            except ValueError as exc:
                raise BadControlCall(400, str(exc)) from None
        return json_response({"faults": faults.pending()})

    # -- Shopware extras ---------------------------------------------------------------------
    def _pay(self, request: Request, body: dict, oid: str) -> Response:
        self.store.pay(oid, self._now())
        return json_response({"id": oid, "paid": True})

    def _ship(self, request: Request, body: dict, oid: str) -> Response:
        codes = body.get("trackingCodes", [])
        _check(isinstance(codes, list) and all(isinstance(c, str) for c in codes), "'trackingCodes' must be strings")
        self.store.ship(oid, codes, self._now())
        return json_response({"id": oid, "shipped": True})

    def _config(self, request: Request, body: dict) -> Response:
        sandbox, store = self.sandbox, self.store
        if request.method == "POST":
            if "child_state_autoload" in body:
                store.renderer.child_state_autoload = _flag(body, "child_state_autoload", False)
                store.version += 1  # cached JSON of every order is stale
                for order in store.orders.values():
                    order.blob = None
            if "touch_order_on_child_change" in body:
                store.touch_order_on_child_change = _flag(body, "touch_order_on_child_change", False)
            if "max_limit" in body:
                sandbox.max_limit = _count(body, "max_limit", None, 1_000_000)
            if "token_per_minute" in body:
                per_minute = _rate(body["token_per_minute"], "token_per_minute")
                sandbox.token_limiter.set_rate(sandbox.settings.scaled(per_minute / 60) if per_minute else None)
            if "api_per_second" in body:
                per_second = _rate(body["api_per_second"], "api_per_second")
                sandbox.api_limiter.set_rate(sandbox.settings.scaled(per_second) if per_second else None)
            if "token_ttl" in body:
                sandbox.tokens.ttl = _count(body, "token_ttl", None, 86_400) or sandbox.tokens.ttl
        return json_response(self._switches())

    def _switches(self) -> dict[str, object]:
        sandbox = self.sandbox
        token_rate = sandbox.token_limiter.per_second
        api_rate = sandbox.api_limiter.per_second
        scale = sandbox.settings.time_scale
        return {
            "child_state_autoload": self.store.renderer.child_state_autoload,
            "touch_order_on_child_change": self.store.touch_order_on_child_change,
            "max_limit": sandbox.max_limit,
            "token_per_minute": round(token_rate * 60 / scale, 6) if token_rate else None,
            "api_per_second": round(api_rate / scale, 6) if api_rate else None,
            "token_ttl": sandbox.tokens.ttl,
            "time_scale": scale,
        }
