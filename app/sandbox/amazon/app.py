"""WSGI app of the Amazon SP-API sandbox: Login with Amazon, Tokens API (RDT), Orders v0.

Paths are relative to the mount point (the server strips `/amazon`), exactly as they are
relative to https://sellingpartnerapi-eu.amazon.com (and, for `/auth/o2/token`, to
https://api.amazon.com). Request pipeline: tick -> fault -> route -> auth -> usage plan ->
operation; every answer carries `x-amzn-RequestId`, and `x-amzn-RateLimit-Limit` where an
operation's usage plan applies.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.amazon.auth import DEFAULT_TTL, Access, TokenIssuer, seeded_credentials
from app.sandbox.amazon.errors import (
    api_error,
    invalid_input,
    not_found,
    payload_response,
    quota_exceeded,
    unauthorized,
)
from app.sandbox.amazon.items import item_page
from app.sandbox.amazon.limits import UsagePlans
from app.sandbox.amazon.query import InvalidInput, OrdersQuery, page_size
from app.sandbox.amazon.render import iso
from app.sandbox.amazon.shipment import parse_confirmation
from app.sandbox.amazon.state import Conflict, OrderStore, UnknownOrder
from app.sandbox.clock import SandboxClock
from app.sandbox.faults import FaultInjector, cutoff_response, garbage_response
from app.sandbox.status_log import StatusRecorder
from app.sandbox.settings import SandboxSettings

LWA_PATH = "/auth/o2/token"
API_ROUTES = Map(
    [
        Rule(LWA_PATH, methods=["POST"], endpoint="lwa_token"),
        Rule("/tokens/2021-03-01/restrictedDataToken", methods=["POST"], endpoint="createRestrictedDataToken"),
        Rule("/orders/v0/orders", methods=["GET"], endpoint="getOrders"),
        Rule("/orders/v0/orders/<order_id>", methods=["GET"], endpoint="getOrder"),
        Rule("/orders/v0/orders/<order_id>/address", methods=["GET"], endpoint="getOrderAddress"),
        Rule("/orders/v0/orders/<order_id>/buyerInfo", methods=["GET"], endpoint="getOrderBuyerInfo"),
        Rule("/orders/v0/orders/<order_id>/orderItems", methods=["GET"], endpoint="getOrderItems"),
        Rule("/orders/v0/orders/<order_id>/shipmentConfirmation", methods=["POST"], endpoint="confirmShipment"),
    ],
    strict_slashes=False,
)

WSGIEnviron = dict
StartResponse = Callable[..., object]


class AmazonSandbox:
    """One emulated Amazon.de seller behind one SP-API application; a WSGI callable."""

    def __init__(self, settings: SandboxSettings | None = None, clock: SandboxClock | None = None) -> None:
        from app.sandbox.amazon.control import ControlApi  # control reads this module's sandbox

        self.settings = settings or SandboxSettings()
        self.clock = clock or SandboxClock()
        self.store = OrderStore(
            seed=self.settings.seed,
            count=self.settings.orders,
            base=self.now() // 1000 * 1000,
            release_delay=int(self.settings.release_delay * 1000),
            generate_every=int(self.settings.generate_every * 1000) if self.settings.generate_every else None,
        )
        self.credentials = seeded_credentials(self.settings.seed)
        self.tokens = TokenIssuer(self.credentials, self.settings.token_ttl or DEFAULT_TTL, self.now)
        self.faults = FaultInjector()
        self.status_recorder = StatusRecorder()  # status requests it accepted (status_log.py)
        self.plans = UsagePlans(self.settings)
        self.items_page_size = 20  # UNCONFIRMED how many items getOrderItems returns per page: a switch
        self._stats_lock = threading.Lock()
        self.requests = 0
        self.control = ControlApi(self)

    def now(self) -> int:
        """Sandbox time in epoch milliseconds (orders, events and tokens all use it)."""
        return self.clock.now_ms()

    def tick(self) -> None:
        self.store.tick(self.now())

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sandbox"):
            response = self.control.dispatch(request)
        else:
            response = self._serve_api(request)
            response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        return response(environ, start_response)

    # -- request pipeline -------------------------------------------------------------
    def _serve_api(self, request: Request) -> Response:
        with self._stats_lock:
            self.requests += 1
        self.tick()
        fault = self.faults.take(is_token_request=request.path == LWA_PATH)
        cut = False
        if fault is not None:
            if fault.kind == "429":
                return quota_exceeded()
            if fault.kind == "500":
                return api_error(500, "InternalFailure", "We encountered an internal error. Please try again.")
            if fault.kind == "503":
                return api_error(503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.")
            if fault.kind == "garbage":
                return garbage_response()
            if fault.kind == "slow":
                time.sleep(fault.delay)
            cut = fault.kind == "cutoff"
        response = self._route(request)
        return cutoff_response(response) if cut else response

    def _route(self, request: Request) -> Response:
        try:
            operation, values = API_ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return api_error(405, "MethodNotAllowed", f"{request.method} is not supported for this resource.")
        except NotFound:
            return not_found("Resource not found.")
        if operation == "lwa_token":
            return self.tokens.lwa_endpoint(request.form)
        access = self.tokens.check(request.headers.get("x-amz-access-token"), request.method, request.path,
                                   lwa_only=operation == "createRestrictedDataToken")
        if access.problem:
            return unauthorized(access.problem)
        if not self.plans.admit(operation):
            return quota_exceeded()
        try:
            response = getattr(self, f"_op_{operation}")(request, access, **values)
        except InvalidInput as exc:
            response = invalid_input(str(exc))
        except UnknownOrder:
            response = not_found()
        except Conflict as exc:
            response = invalid_input(str(exc))
        response.headers["x-amzn-RateLimit-Limit"] = self.plans.header(operation)
        return response

    # -- operations ---------------------------------------------------------------------
    def _op_createRestrictedDataToken(self, request: Request, access: Access) -> Response:
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            body = None
        return self.tokens.create_restricted(body)

    def _op_getOrders(self, request: Request, access: Access) -> Response:
        store = self.store
        query = OrdersQuery.from_args(request.args, self.now())
        limit = page_size(request.args)
        with store.lock:
            orders, token = query.select(store.by_changed, store.by_purchase, limit)
            blobs = [store.renderer.order_blob(order, access.pii) for order in orders]
        bound = "LastUpdatedBefore" if query.by_update else "CreatedBefore"
        tail = f'"{bound}":"{iso(query.until)}"'
        if token is not None:
            tail = f'"NextToken":"{token}",' + tail
        return payload_response(b'{"Orders":[' + b",".join(blobs) + b"]," + tail.encode() + b"}")

    def _op_getOrder(self, request: Request, access: Access, order_id: str) -> Response:
        with self.store.lock:
            return payload_response(self.store.renderer.order_blob(self.store.get(order_id), access.pii))

    def _op_getOrderAddress(self, request: Request, access: Access, order_id: str) -> Response:
        with self.store.lock:
            return payload_response(self.store.renderer.address_payload(self.store.get(order_id), access.pii))

    def _op_getOrderBuyerInfo(self, request: Request, access: Access, order_id: str) -> Response:
        with self.store.lock:
            return payload_response(self.store.renderer.buyer_info_payload(self.store.get(order_id), access.pii))

    def _op_getOrderItems(self, request: Request, access: Access, order_id: str) -> Response:
        with self.store.lock:
            order = self.store.get(order_id)
            blobs = self.store.renderer.item_blobs(order)
            return payload_response(item_page(order.oid, blobs, request.args.get("NextToken"), self.items_page_size))

    def _op_confirmShipment(self, request: Request, access: Access, order_id: str) -> Response:
        """204 for a valid package. Accepted packages are recorded for the tests; a swallowed
        one is answered the same but changes nothing (status_log.py)."""
        package = parse_confirmation(request.get_data(), self.credentials["marketplace_id"])
        with self.store.lock:
            wanted = self.store.check_shipment(order_id, package)
            if wanted is None:  # the same package again, accepted as already done: nothing changes
                return Response(status=204)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.apply_shipment(order_id, package, wanted, self.now())
        self.status_recorder.record(
            order_id=order_id, kind="shipment", swallowed=swallowed, carrier_code=package.carrier_code,
            carrier_name=package.carrier_name, tracking_number=package.tracking_number, ship_date=package.ship_date,
            package_reference_id=package.reference,
            lines=[{"line_id": iid, "quantity": quantity} for iid, quantity in package.lines],
            method=request.method, path=request.path, body=package.body)
        return Response(status=204)
