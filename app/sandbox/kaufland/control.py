"""Control API under `/_sandbox/` (no auth, JSON in and out, `{"error": ...}` on failure).

The calls every sandbox shares (docs/SANDBOX.md, "Control API shared by every sandbox") plus
Kaufland extras: `POST /orders/{id}/return`, `POST /rate_limit`, `GET/POST /config`.
Control calls are not API requests: they are never rate limited and never hit by faults.
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
from app.sandbox.kaufland.model import (
    CANCEL_REASONS,
    CANCELLED,
    EXTENDED_STOREFRONTS,
    FULFILLMENT_TYPES,
    MALFORMED_KINDS,
    STOREFRONTS,
    UNIT_STATUS,
    Order,
)
from app.sandbox.kaufland.render import iso
from app.sandbox.kaufland.state import Conflict
from app.sandbox.kaufland.state import NotFound as UnknownRecord

if TYPE_CHECKING:
    from app.sandbox.kaufland.app import KauflandSandbox

ROUTES = control_routes("oid", [
    Rule("/_sandbox/orders/<oid>/return", methods=["POST"], endpoint="return_units"),
    Rule("/_sandbox/orders/<oid>/shipping", methods=["GET"], endpoint="shipping"),
    Rule("/_sandbox/rate_limit", methods=["POST"], endpoint="rate_limit"),
    Rule("/_sandbox/config", methods=["GET", "POST"], endpoint="config"),
])


def _unit_ids(body: dict) -> list[int] | None:
    """`lines` as the shared API names them: OrderLine.external_id, i.e. id_order_unit as text."""
    value = body.get("lines")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).isdigit() for v in value):
        raise ControlError(400, "'lines' must be a non-empty list of order unit ids")
    return [int(v) for v in value]


class ControlApi(ControlApiBase):
    routes = ROUTES
    unknown_record = UnknownRecord
    conflict = Conflict

    sandbox: KauflandSandbox

    def now_iso(self) -> str:
        return iso(self.sandbox.now())

    def expire_tokens(self) -> int:
        return 0  # Kaufland signs every request: no tokens to expire

    # -- the shared calls ---------------------------------------------------------------------
    def _state(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        return json_response({
            "now": self.now_iso(), **self.store.summary(), "requests": sandbox.requests,
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
        count = int_arg(body, "count", 1, 1, 100_000)
        units = int_arg(body, "items", None, 1, 100)
        held = bool_arg(body, "held", False)
        storefront = choice_arg(body, "storefront", self.sandbox.storefront, STOREFRONTS + EXTENDED_STOREFRONTS)
        fulfillment = choice_arg(body, "fulfillment_type", FULFILLMENT_TYPES[0], FULFILLMENT_TYPES)
        created = self.store.add_orders(count or 1, held=held, units=units, storefront=storefront,
                                        fulfillment=FULFILLMENT_TYPES.index(fulfillment), now=self.sandbox.now())
        return json_response({"orders": [{"id": o.oid, "number": o.oid, "units": [str(u.uid) for u in o.units]}
                                         for o in created]})  # fmt: skip

    def _malformed(self, request: Request, body: dict) -> Response:
        kind = choice_arg(body, "kind", None, MALFORMED_KINDS)
        order = self.store.add_malformed(kind, self.sandbox.now())
        return json_response({"id": order.oid, "number": order.oid})

    def _release(self, request: Request, body: dict, oid: str) -> Response:
        self.store.release(oid, self.sandbox.now())
        return json_response({"id": oid, "released": True})

    def _cancel(self, request: Request, body: dict, oid: str) -> Response:
        reason = choice_arg(body, "reason", "BuyerCancelled", CANCEL_REASONS)
        cancelled = self.store.marketplace_cancel(oid, _unit_ids(body), reason, self.sandbox.now())
        return json_response({"id": oid, "cancelled": cancelled})

    def _return_units(self, request: Request, body: dict, oid: str) -> Response:
        returned = self.store.return_units(oid, _unit_ids(body), self.sandbox.now())
        return json_response({"id": oid, "returned": returned})

    # -- Kaufland extras (POST /rate_limit is the base's `_rate_limit`) ---------------------------
    def _shipping(self, request: Request, body: dict, oid: str) -> Response:
        """What the seller told Kaufland per unit: status and parcels (carrier_code, tracking_number).
        Kaufland's OrderUnit has no tracking fields, so this is the only place they show."""
        order = self.store.order(oid)
        return json_response({"id": oid, "units": [
            {"id": str(unit.uid), "status": UNIT_STATUS[unit.status],
             "parcels": [{"carrier_code": carrier, "tracking_number": number} for carrier, number in unit.parcels]}
            for unit in order.units]})  # fmt: skip

    def _config(self, request: Request, body: dict) -> Response:
        sandbox = self.sandbox
        if request.method == "POST":
            try:
                sandbox.config.update(body)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
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
