"""Control API under `/_sandbox/` (no auth, JSON in and out, `{"error": ...}` on failure).

The calls every sandbox shares (docs/SANDBOX.md, "Control API shared by every sandbox") plus
Kaufland extras: `POST /orders/{id}/return`, `POST /rate_limit`, `GET/POST /config`.
Control calls are not API requests: they are never rate limited and never hit by faults.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.kaufland.errors import json_response
from app.sandbox.kaufland.model import (
    CANCEL_REASONS,
    CANCELLED,
    EXTENDED_STOREFRONTS,
    FULFILLMENT_TYPES,
    MALFORMED_KINDS,
    STOREFRONTS,
    Order,
)
from app.sandbox.kaufland.render import iso
from app.sandbox.kaufland.state import Conflict
from app.sandbox.kaufland.state import NotFound as UnknownRecord

if TYPE_CHECKING:
    from app.sandbox.kaufland.app import KauflandSandbox

ROUTES = Map(
    [
        Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
        Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
        Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
        Rule("/_sandbox/orders", methods=["POST"], endpoint="add_orders"),
        Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
        Rule("/_sandbox/orders/<oid>/release", methods=["POST"], endpoint="release"),
        Rule("/_sandbox/orders/<oid>/cancel", methods=["POST"], endpoint="cancel"),
        Rule("/_sandbox/orders/<oid>/return", methods=["POST"], endpoint="return_units"),
        Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
        Rule("/_sandbox/rate_limit", methods=["POST"], endpoint="rate_limit"),
        Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
    ],
    strict_slashes=False,
)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _number(body: dict, name: str, default: int | None, low: int, high: int) -> int | None:
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(400, f"'{name}' must be an integer between {low} and {high}")
    return value


def _unit_ids(body: dict) -> list[int] | None:
    """`lines` as the shared API names them: OrderLine.external_id, i.e. id_order_unit as text."""
    value = body.get("lines")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).isdigit() for v in value):
        raise Refused(400, "'lines' must be a non-empty list of order unit ids")
    return [int(v) for v in value]


class ControlApi:
    def __init__(self, sandbox: KauflandSandbox) -> None:
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
        except Refused as exc:
            return json_response({"error": str(exc)}, exc.status)
        except UnknownRecord as exc:
            return json_response({"error": f"not found: {exc.args[0]}"}, 404)
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
            raise Refused(400, "body must be JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "body must be a JSON object")
        return body

    # -- the shared calls ---------------------------------------------------------------------
    def _advance(self, request: Request, body: dict) -> Response:
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10 * 365 * 86400:
            raise Refused(400, "'seconds' must be a non-negative number")
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": iso(self.sandbox.now())})

    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        return json_response({
            "now": iso(sandbox.now()), **self.store.summary(), "requests": sandbox.requests,
            "rate_limited": sandbox.rate_limited, "rate_limit": sandbox.limiter.per_second,
            "faults": sandbox.faults.pending(), "config": sandbox.config.as_json(),
        })  # fmt: skip

    def _truth(self, request: Request, body: dict) -> Response:
        """What a desk account for this seller's storefront must end up storing: every readable
        order of that storefront that the merchant fulfils (the default list filter).
        `?storefront=cz` or `?storefront=all` widen it."""
        wanted = request.args.get("storefront", self.sandbox.storefront)
        orders = [truth_of(o) for o in self.store.orders.values()
                  if o.malformed is None and o.fulfillment == 0 and wanted in ("all", o.storefront)]  # fmt: skip
        return json_response({"orders": orders})

    def _add_orders(self, request: Request, body: dict) -> Response:
        count = _number(body, "count", 1, 1, 100_000)
        units = _number(body, "items", None, 1, 100)
        held = body.get("held", False)
        storefront = body.get("storefront", self.sandbox.storefront)
        fulfillment = body.get("fulfillment_type", FULFILLMENT_TYPES[0])
        if not isinstance(held, bool):
            raise Refused(400, "'held' must be true or false")
        if storefront not in STOREFRONTS + EXTENDED_STOREFRONTS:
            raise Refused(400, f"'storefront' must be one of {', '.join(STOREFRONTS + EXTENDED_STOREFRONTS)}")
        if fulfillment not in FULFILLMENT_TYPES:
            raise Refused(400, f"'fulfillment_type' must be one of {', '.join(FULFILLMENT_TYPES)}")
        created = self.store.add_orders(count or 1, held=held, units=units, storefront=storefront,
                                        fulfillment=FULFILLMENT_TYPES.index(fulfillment), now=self.sandbox.now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid, "units": [str(u.uid) for u in o.units]}
                                         for o in created]})  # fmt: skip

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = body.get("kind")
        if kind not in MALFORMED_KINDS:
            raise Refused(400, f"'kind' must be one of {', '.join(MALFORMED_KINDS)}")
        order = self.store.add_malformed(kind, self.sandbox.now())
        return json_response({"id": order.oid, "number": order.oid})

    def _release(self, request: Request, body: dict, oid: str) -> Response:
        self.store.release(oid, self.sandbox.now())
        return json_response({"id": oid, "released": True})

    def _cancel(self, request: Request, body: dict, oid: str) -> Response:
        reason = body.get("reason", "BuyerCancelled")
        if reason not in CANCEL_REASONS:
            raise Refused(400, f"'reason' must be one of {', '.join(CANCEL_REASONS)}")
        cancelled = self.store.marketplace_cancel(oid, _unit_ids(body), reason, self.sandbox.now())
        return json_response({"id": oid, "cancelled": cancelled})

    def _return_units(self, request: Request, body: dict, oid: str) -> Response:
        returned = self.store.return_units(oid, _unit_ids(body), self.sandbox.now())
        return json_response({"id": oid, "returned": returned})

    def _faults(self, request: Request, body: dict) -> Response:
        faults = self.sandbox.faults
        if request.method == "DELETE":
            faults.clear()
        elif request.method == "POST":
            if body.get("kind") == "expire_tokens":  # Kaufland signs every request: no tokens to expire
                return json_response({"expired": 0, "faults": faults.pending()})
            try:
                faults.add(str(body.get("kind")), body.get("count", 1), delay=body.get("delay", 0.0),
                           retry_after=body.get("retry_after", 1), include_token=bool(body.get("include_token")))
            except ValueError as exc:
                raise Refused(400, str(exc)) from None
        return json_response({"faults": faults.pending()})

    # -- Kaufland extras ----------------------------------------------------------------------
    def _rate_limit(self, request: Request, body: dict) -> Response:
        """`{"per_second": R}` enforces R (already scaled) at once; null switches limits off."""
        if "per_second" not in body:
            raise Refused(400, "'per_second' is required (number or null)")
        try:
            self.sandbox.limiter.set_rate(body["per_second"])
        except ValueError as exc:
            raise Refused(400, str(exc)) from None
        return json_response({"per_second": self.sandbox.limiter.per_second})

    def _config(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        if request.method == "POST":
            try:
                sandbox.config.update(body)
            except ValueError as exc:
                raise Refused(400, str(exc)) from None
            if "rate_limit" in body:
                sandbox.apply_rate_limit()
            if {"addresses_while_open", "country_alpha3"} & set(body):  # cached unit JSON holds the old choice
                for unit in self.store.units.values():
                    unit.blob = None
                self.store.version += 1
        return json_response(sandbox.config.as_json())


def truth_of(order: Order) -> dict:
    """The neutral truth shape: one line per unit (quantity 1), gross = prices + shipping rates."""
    return {
        "id": order.oid,
        "number": order.oid,
        "held": order.held,
        "paid": order.visible and not order.held,  # Kaufland releases units once it has the money
        "currency": order.currency,
        "gross_minor": sum(unit.price + unit.shipping for unit in order.units),
        "lines": [{"id": str(unit.uid), "quantity": 1, "cancelled": unit.status == CANCELLED} for unit in order.units],
    }
