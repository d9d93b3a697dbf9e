"""Control API under `/_sandbox/` (no auth, JSON in and out), shared by every sandbox.

The neutral calls of docs/SANDBOX.md ("Control API shared by every sandbox") plus Shopware
extras: `pay` (an invoice or cash payment arrives), `ship` (delivery shipped with tracking
codes) and `config` (switches for behaviour the docs leave open, the transition endpoints' too).
Shopware cancels whole orders only, so a cancel naming lines answers 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.control import ControlApiBase, bool_arg, check, choice_arg, control_routes, int_arg, json_response
from app.sandbox.otto.render import iso
from app.sandbox.shopware.model import MALFORMED_KINDS, PAYMENT_CODE, TRANSACTION_SPELLINGS, Order, line_id
from app.sandbox.shopware.state import Conflict
from app.sandbox.shopware.state import NotFound as UnknownOrder

if TYPE_CHECKING:
    from app.sandbox.shopware.app import ShopwareSandbox

ROUTES = control_routes("oid", [
    Rule("/_sandbox/orders/<oid>/pay", methods=["POST"], endpoint="pay"),
    Rule("/_sandbox/orders/<oid>/ship", methods=["POST"], endpoint="ship"),
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
])


def _count(body: dict, name: str, default: int | None, top: int) -> int | None:
    return int_arg(body, name, default, 1, top, wanted=f"an integer from 1 to {top}")


def _rate(value: object, name: str) -> float | None:
    check(value is None or (type(value) in (int, float) and value > 0), f"'{name}' must be a positive number or null")
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


class ControlApi(ControlApiBase):
    routes = ROUTES
    unknown_record = UnknownOrder
    conflict = Conflict
    unknown_record_message = "no order {0}"
    advance_message = "'seconds' must be >= 0"

    sandbox: ShopwareSandbox

    def now_iso(self) -> str:
        return iso(self._now())

    # -- the shared calls (time and faults: the base) ------------------------------------------
    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        return json_response({
            "now": self.now_iso(), **self.store.summary(), "requests": sandbox.requests,
            "rate_limited": sandbox.rate_limited, "tokens_issued": sandbox.tokens.issued,
            "faults": sandbox.faults.pending(), "config": self._switches(),
        })  # fmt: skip

    def _truth(self, request: Request, body: dict) -> Response:
        return json_response({"orders": [truth_of(o) for o in self.store.orders.values() if o.malformed is None]})

    def _add_orders(self, request: Request, body: dict) -> Response:
        count = _count(body, "count", 1, 100_000) or 1
        items = _count(body, "items", None, 100)
        payment = body.get("payment")  # extra: prepayment, invoice, cash, debit, paypal, card
        check(payment is None or payment in PAYMENT_CODE, f"'payment' must be one of {', '.join(PAYMENT_CODE)}")
        held = bool_arg(body, "held", False)
        check(not (held and payment not in (None, "prepayment")), "only prepayment orders are held")
        created = self.store.add_orders(count, held=held, items=items,
                                        payment=PAYMENT_CODE[payment] if payment else None, now_ms=self._now())
        return json_response({"orders": [{"id": o.id, "number": o.number} for o in created]})

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = choice_arg(body, "kind", None, MALFORMED_KINDS)
        order = self.store.add_malformed(kind, self._now())
        return json_response({"id": order.id, "number": order.number})

    def _release(self, request: Request, body: dict, oid: str) -> Response:
        self.store.release(oid, self._now())
        return json_response({"id": oid, "released": True})

    def _cancel(self, request: Request, body: dict, oid: str) -> Response:
        check(not body.get("lines"), "Shopware cancels whole orders only; line cancellation is not possible")
        self.store.cancel(oid, self._now())
        return json_response({"id": oid, "cancelled": True})

    # -- Shopware extras ---------------------------------------------------------------------
    def _pay(self, request: Request, body: dict, oid: str) -> Response:
        self.store.pay(oid, self._now())
        return json_response({"id": oid, "paid": True})

    def _ship(self, request: Request, body: dict, oid: str) -> Response:
        codes = body.get("trackingCodes", [])
        check(isinstance(codes, list) and all(isinstance(c, str) for c in codes), "'trackingCodes' must be strings")
        self.store.ship(oid, codes, self._now())
        return json_response({"id": oid, "shipped": True})

    def _config(self, request: Request, body: dict) -> Response:
        sandbox, store = self.sandbox, self.store
        if request.method == "POST":
            if "child_state_autoload" in body:
                store.renderer.child_state_autoload = bool_arg(body, "child_state_autoload", False)
                store.version += 1  # cached JSON of every order is stale
                for order in store.orders.values():
                    order.blob = None
            if "touch_order_on_child_change" in body:
                store.touch_order_on_child_change = bool_arg(body, "touch_order_on_child_change", False)
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
            if "transaction_actions" in body:
                spelling = body["transaction_actions"]
                check(spelling in TRANSACTION_SPELLINGS,
                      f"'transaction_actions' must be one of {', '.join(TRANSACTION_SPELLINGS)}")
                sandbox.transitions.set_spelling(spelling)
            if "unnecessary_transitions" in body:
                sandbox.transitions.unnecessary_ok = bool_arg(body, "unnecessary_transitions", True)
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
            "transaction_actions": sandbox.transitions.spelling,
            "unnecessary_transitions": sandbox.transitions.unnecessary_ok,
            "time_scale": scale,
        }
