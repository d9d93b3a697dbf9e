"""WSGI app of the Kaufland Seller API v2 sandbox.

Paths are relative to the mount point (the server strips `/kaufland`) exactly as they are
relative to https://sellerapi.kaufland.com. Request pipeline: tick the state machine ->
scripted fault -> signature check -> rate limit (per seller, so after auth) -> endpoint.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.clock import SandboxClock
from app.sandbox.faults import FaultInjector, RateLimiter, cutoff_response, garbage_response, retry_after_seconds
from app.sandbox.status_log import StatusRecorder
from app.sandbox.kaufland.catalog import carriers_payload
from app.sandbox.kaufland.config import KauflandConfig
from app.sandbox.kaufland.errors import Problem, invalid, json_response, raw_json
from app.sandbox.kaufland.model import CANCEL_REASONS
from app.sandbox.kaufland.query import Selector, order_query, unit_query
from app.sandbox.kaufland.render import Renderer
from app.sandbox.kaufland.signing import SignatureCheck
from app.sandbox.kaufland.state import Forbidden, OrderStore
from app.sandbox.kaufland.state import NotFound as UnknownRecord
from app.sandbox.settings import SandboxSettings

API_ROUTES = Map(
    [
        Rule("/v2/status/ping", methods=["GET"], endpoint="ping"),
        Rule("/v2/carriers", methods=["GET"], endpoint="carriers"),
        Rule("/v2/order-units", methods=["GET"], endpoint="list_units"),
        Rule("/v2/order-units/<uid>", methods=["GET"], endpoint="get_unit"),
        Rule("/v2/order-units/<uid>/send", methods=["PATCH"], endpoint="send_unit"),
        Rule("/v2/order-units/<uid>/cancel", methods=["PATCH"], endpoint="cancel_unit"),
        Rule("/v2/shipments", methods=["POST"], endpoint="add_shipment"),
        Rule("/v2/orders", methods=["GET"], endpoint="list_orders"),
        Rule("/v2/orders/<oid>", methods=["GET"], endpoint="get_order"),
    ],
    strict_slashes=False,
)
UNIT_EMBEDDABLE = frozenset({"delivery_attempt_timestamp_iso", "return_unit", "tickets", "delivery", "kss_delivery"})
# Carrier codes accepted by PATCH /order-units/{id}/send (names from a real.de/Kaufland plugin;
# the exact strings are UNCONFIRMED, GET /carriers is the live source).
CARRIER_CODES = frozenset({
    "Other", "Computeruniverse", "DHL", "DHL_2_MH", "DHL_FREIGHT", "DTL", "DPD", "DEUTSCHE_POST", "DACHSER", "EMONS",
    "FEDEX", "GLS", "GEL", "HERMES", "HERMES_2_MH", "HELLMANN", "ILOXX", "KUEHNE_NAGEL", "RHENUS", "SCHENKER",
    "SPEDITION_GUETTLER", "TNT", "TRANS_O_FLEX", "UPS",
})  # fmt: skip

StartResponse = Callable[..., object]


def _derived(seed: int, purpose: str, length: int) -> str:
    return hashlib.sha256(f"kaufland-sandbox-{purpose}-{seed}".encode()).hexdigest()[:length]


class KauflandSandbox:
    """One emulated Kaufland seller account (storefront `de`); a WSGI callable."""

    def __init__(self, settings: SandboxSettings, clock: SandboxClock, *,
                 wall_clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        from app.sandbox.kaufland.control import ControlApi  # control imports this module's types

        self.settings = settings
        self.clock = clock
        self.config = KauflandConfig()
        every = max(1, round(settings.generate_every)) if settings.generate_every else None
        self.store = OrderStore(seed=settings.seed, count=settings.orders, base=int(clock.timestamp()),
                                release_delay=int(settings.release_delay), generate_every=every)  # fmt: skip
        self.renderer = Renderer(self.store.catalog, self.config)
        self.selector = Selector(self.store)
        self.storefront = "de"
        client_key, secret_key = _derived(settings.seed, "client", 32), _derived(settings.seed, "secret", 40)
        self.credentials = {"client_key": client_key, "secret_key": secret_key, "storefront": self.storefront}
        self.signatures = SignatureCheck(client_key, secret_key, self.config, wall_clock=wall_clock)
        self.faults = FaultInjector()
        self.status_recorder = StatusRecorder()  # status requests it accepted (status_log.py)
        self.limiter = RateLimiter(None, burst=self.config.rate_limit)
        self.apply_rate_limit()
        self._stats_lock = threading.Lock()
        self.requests = 0
        self.rate_limited = 0
        self.control = ControlApi(self)

    def apply_rate_limit(self) -> None:
        """The configured quota, refilled `time_scale` times faster; none without real limits."""
        rate = self.config.rate_limit
        self.limiter = RateLimiter(self.settings.scaled(rate) if self.settings.real_limits else None, burst=rate)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sandbox"):
            response = self.control.dispatch(request)
        else:
            response = self._serve_api(request)
        return response(environ, start_response)

    def now(self) -> int:
        return int(self.clock.timestamp())

    def tick(self) -> None:
        self.store.tick(self.now())

    # -- request pipeline -------------------------------------------------------------
    def _serve_api(self, request: Request) -> Response:
        with self._stats_lock:
            self.requests += 1
        self.tick()
        retry = self.config.retry_after
        fault = self.faults.take(is_token_request=False)
        cut = False
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if retry else {}
            if fault.kind == "429":
                return Problem(429, "about:blank", "Too Many Requests", headers=headers).response()
            if fault.kind == "503":
                return Problem(503, "/problems/service-unavailable", "Service Unavailable", headers=headers).response()
            if fault.kind == "500":
                return Problem(500, "/problems/server-error", "Internal Server Error").response()
            if fault.kind == "garbage":
                return garbage_response()
            if fault.kind == "slow":
                time.sleep(fault.delay)
            cut = fault.kind == "cutoff"
        try:
            self.signatures.verify(request)
            self._take_quota()
            response = self._route(request)
        except Problem as problem:
            response = problem.response()
        return cutoff_response(response) if cut else response

    def _take_quota(self) -> None:
        wait = self.limiter.acquire()
        if wait is None:
            return
        with self._stats_lock:
            self.rate_limited += 1
        headers = {"Retry-After": str(retry_after_seconds(wait))} if self.config.retry_after else {}
        raise Problem(429, "about:blank", f"Too Many Requests: at most {self.config.rate_limit:g} requests per "
                                          "second per seller", headers=headers)  # fmt: skip

    def _route(self, request: Request) -> Response:
        try:
            endpoint, values = API_ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            raise Problem(405, "/problems/bad-request",
                          f"Method {request.method} is not allowed on {request.path}") from None
        except NotFound:
            raise Problem(404, "/problems/not-found", f"No resource at {request.path}") from None
        try:
            return getattr(self, f"_ep_{endpoint}")(request, **values)
        except UnknownRecord as exc:
            raise Problem(404, "/problems/not-found", f"Not found: {exc.args[0]}") from None
        except Forbidden as exc:
            raise Problem(403, "/problems/forbidden", str(exc)) from None

    # -- endpoints --------------------------------------------------------------------------
    def _ep_ping(self, request: Request) -> Response:
        return json_response({"data": {"message": "pong"}})

    def _ep_carriers(self, request: Request) -> Response:
        return json_response(carriers_payload())

    def _ep_list_units(self, request: Request) -> Response:
        query = unit_query(request.args, inclusive=self.config.from_inclusive,
                           extended=self.config.extended_storefronts)  # fmt: skip
        store = self.store
        with store.lock:
            rows = self.selector.units(query)
            blobs = [self.renderer.unit_blob(unit, store.orders[unit.oid]) for unit in query.page(rows)]
            total = len(rows)
        return raw_json(b'{"data":[' + b",".join(blobs) + b'],' + _pagination(query.offset, query.limit, total))

    def _ep_get_unit(self, request: Request, uid: str) -> Response:
        embedded = set(_array(request, "embedded"))
        if embedded - UNIT_EMBEDDABLE:
            raise invalid("embedded", f"'{sorted(embedded - UNIT_EMBEDDABLE)[0]}' cannot be embedded")
        with self.store.lock:
            unit = self.store.unit(_unit_id(uid))
            return raw_json(self.renderer.unit_details(unit, self.store.orders[unit.oid], frozenset(embedded)))

    def _ep_list_orders(self, request: Request) -> Response:
        query = order_query(request.args, inclusive=self.config.from_inclusive,
                            extended=self.config.extended_storefronts)  # fmt: skip
        with self.store.lock:
            rows = self.selector.orders(query)
            blobs = [self.renderer.order_entry(order) for order in query.page(rows)]
            total = len(rows)
        return raw_json(b'{"data":[' + b",".join(blobs) + b'],' + _pagination(query.offset, query.limit, total))

    def _ep_get_order(self, request: Request, oid: str) -> Response:
        with self.store.lock:
            return raw_json(self.renderer.order_details(self.store.order(oid)))

    # Status-changing endpoints check the body and the unit's state first (400/403/404 as always),
    # then ask the status recorder whether to swallow the request: a swallowed one is answered
    # 204 and changes nothing, as a marketplace that silently drops an update would.
    def _ep_send_unit(self, request: Request, uid: str) -> Response:
        body = _json_body(request)
        tracking, carrier = body.get("tracking_numbers"), body.get("carrier_code")
        if not isinstance(tracking, str) or not tracking.strip():
            raise invalid("tracking_numbers", "comma-separated tracking numbers are required")
        if carrier not in CARRIER_CODES:
            raise invalid("carrier_code", "not valid")
        numbers = tuple(part.strip() for part in tracking.split(",") if part.strip())
        unit_id = _unit_id(uid)
        with self.store.lock:
            unit = self.store.check_send(unit_id)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.send(unit_id, self.now(), tuple((carrier, number) for number in numbers))
            oid = unit.oid
        self.status_recorder.record(order_id=oid, kind="shipment", swallowed=swallowed, carrier_code=carrier,
                                    tracking_number=tracking, lines=[{"line_id": str(unit_id), "quantity": 1}])
        return Response(status=204)

    def _ep_cancel_unit(self, request: Request, uid: str) -> Response:
        reason = _json_body(request).get("reason")
        if reason not in CANCEL_REASONS:
            raise invalid("reason", f"must be one of {', '.join(CANCEL_REASONS)}")
        unit_id = _unit_id(uid)
        with self.store.lock:
            unit = self.store.check_cancel(unit_id)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.seller_cancel(unit_id, reason, self.now())  # type: ignore[arg-type]
            oid = unit.oid
        self.status_recorder.record(order_id=oid, kind="cancel", swallowed=swallowed, reason=reason,
                                    lines=[{"line_id": str(unit_id), "quantity": 1}])
        return Response(status=204)

    def _ep_add_shipment(self, request: Request) -> Response:
        """POST /v2/shipments: another parcel for a unit already marked as sent (AddShipmentRequest)."""
        body = _json_body(request)
        raw_id, info = body.get("id_order_unit"), body.get("shipment_information")
        if isinstance(raw_id, bool) or not isinstance(raw_id, (int, str)) or not str(raw_id).isdigit():
            raise invalid("id_order_unit", "an order unit id is required")
        if not isinstance(info, dict):
            raise invalid("shipment_information", "an object with tracking_number and carrier_code is required")
        tracking, carrier = info.get("tracking_number"), info.get("carrier_code")
        if not isinstance(tracking, str) or not tracking.strip():
            raise invalid("shipment_information.tracking_number", "a tracking number is required")
        if carrier not in CARRIER_CODES:
            raise invalid("shipment_information.carrier_code", "not valid")
        unit_id = int(raw_id)
        with self.store.lock:
            unit = self.store.check_add_shipment(unit_id)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.add_shipment(unit_id, carrier, tracking.strip())
            oid = unit.oid
        self.status_recorder.record(order_id=oid, kind="tracking", swallowed=swallowed, carrier_code=carrier,
                                    tracking_number=tracking.strip(), lines=[{"line_id": str(unit_id), "quantity": 1}])
        return Response(status=204)


def _pagination(offset: int, limit: int, total: int) -> bytes:
    return b'"pagination":{"offset":%d,"limit":%d,"total":%d}}' % (offset, limit, total)


def _array(request: Request, name: str) -> list[str]:
    return [p for raw in request.args.getlist(name) + request.args.getlist(f"{name}[]") for p in raw.split(",") if p]


def _unit_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):
        raise invalid("id_order_unit", f"'{raw}' is not an order unit id")
    return int(raw)


def _json_body(request: Request) -> dict:
    try:
        body = json.loads(request.get_data(cache=True) or b"{}")
    except ValueError:
        raise Problem(400, "/problems/bad-request", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Problem(400, "/problems/bad-request", "The request body must be a JSON object")
    return body
