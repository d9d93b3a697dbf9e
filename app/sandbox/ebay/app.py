"""WSGI app of the eBay sandbox: identity service and Sell Fulfillment API v1.

Mounted at /ebay; paths below it are exactly those below https://api.ebay.com:
  POST /identity/v1/oauth2/token
  GET  /sell/fulfillment/v1/order                      getOrders (filter, limit, offset, orderIds, fieldGroups)
  GET  /sell/fulfillment/v1/order/{orderId}            getOrder
  GET  /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment[/{fulfillmentId}]
  POST /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment  -> 201 + Location
Every API request runs: tick -> scripted fault -> daily quota -> route -> bearer check -> endpoint.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.clock import SandboxClock
from app.sandbox.ebay.auth import DEFAULT_TTL, TokenService, sandbox_credentials
from app.sandbox.ebay.control import ControlApi
from app.sandbox.ebay.errors import (
    JSON_CONTENT_TYPE,
    ApiError,
    json_response,
    method_not_allowed,
    not_found,
    oauth_error,
    system_error,
    too_many_requests,
)
from app.sandbox.ebay.model import Order
from app.sandbox.ebay.query import LOOKBACK_MS, OrderQuery, check_field_groups, parse_order_ids
from app.sandbox.ebay.render import BASE_MARKER, ORDER_PATH, Renderer, fulfillment_dict, iso
from app.sandbox.ebay.shipping import parse_package
from app.sandbox.ebay.state import OrderStore
from app.sandbox.ebay.switches import DailyQuota, Switches
from app.sandbox.faults import FaultInjector, cutoff_response, garbage_response, retry_after_seconds
from app.sandbox.status_log import StatusRecorder
from app.sandbox.settings import SandboxSettings

TOKEN_PATH = "/identity/v1/oauth2/token"
_ORDER_ID = re.compile(r"^(\d{2}-\d{5}-\d{5}|\d{9,14}-\d{9,16}|\d{9,16})$")  # new format or legacy

ROUTES = Map([
    Rule(TOKEN_PATH, methods=["POST"], endpoint="token"),
    Rule(ORDER_PATH, methods=["GET"], endpoint="orders"),
    Rule(f"{ORDER_PATH}/<oid>", methods=["GET"], endpoint="order"),
    Rule(f"{ORDER_PATH}/<oid>/shipping_fulfillment", methods=["GET"], endpoint="fulfillments"),
    Rule(f"{ORDER_PATH}/<oid>/shipping_fulfillment", methods=["POST"], endpoint="ship"),
    Rule(f"{ORDER_PATH}/<oid>/shipping_fulfillment/<fid>", methods=["GET"], endpoint="fulfillment"),
], strict_slashes=False)
WRITE_ENDPOINTS = frozenset({"ship"})


@dataclass(frozen=True)
class _Selection:
    key: tuple[object, ...]
    version: int
    oldest_ms: int
    orders: list[Order]


class EbaySandbox:
    """One emulated eBay seller account with its developer application; a WSGI callable."""

    def __init__(self, settings: SandboxSettings | None = None, clock: SandboxClock | None = None) -> None:
        self.settings = settings = settings or SandboxSettings()
        self.clock = clock or SandboxClock()
        self.store = OrderStore(
            seed=settings.seed, count=settings.orders, base_ms=self.clock.now_ms() // 1000 * 1000,
            release_delay_ms=int(settings.release_delay * 1000),
            generate_every_ms=int(settings.generate_every * 1000) if settings.generate_every else None,
        )
        self.renderer = Renderer(self.store.listings, self.store.buyers)
        self.credentials = sandbox_credentials(settings.seed)
        self.tokens = TokenService(self.credentials, settings.token_ttl or DEFAULT_TTL, self.clock.now_ms)
        self.faults = FaultInjector()
        self.status_recorder = StatusRecorder()  # status requests it accepted (status_log.py)
        self.switches = Switches()
        self.api_quota = DailyQuota("sell.fulfillment", settings, self.switches.api_calls_per_day)
        self.token_quota = DailyQuota("identity.oauth2.token", settings, self.switches.token_calls_per_day)
        self._stats = threading.Lock()
        self.requests = 0
        self.rate_limited = 0  # 429s sent because a daily quota ran out (injected 429s not counted)
        self._selection: _Selection | None = None  # the last getOrders result set
        self.control = ControlApi(self)

    @property
    def quotas(self) -> tuple[DailyQuota, DailyQuota]:
        return self.api_quota, self.token_quota

    def configure(self, body: dict[str, object]) -> None:
        self.switches.update(body)
        if "api_calls_per_day" in body:
            self.api_quota.configure(self.switches.api_calls_per_day)
        if "token_calls_per_day" in body:
            self.token_quota.configure(self.switches.token_calls_per_day)

    def tick(self) -> None:
        self.store.tick(self.clock.now_ms())

    def __call__(self, environ: dict, start_response: Callable[..., object]) -> Iterable[bytes]:
        request = Request(environ)
        control = request.path.startswith("/_sandbox")
        response = self.control.dispatch(request) if control else self._serve(request)
        return response(environ, start_response)

    # -- request pipeline ---------------------------------------------------------------
    def _serve(self, request: Request) -> Response:
        is_token = request.path.rstrip("/") == TOKEN_PATH
        with self._stats:
            self.requests += 1
        self.tick()
        fault = self.faults.take(is_token_request=is_token)
        if fault is not None and fault.kind in ("429", "500", "503", "garbage"):
            return self._fault_response(fault.kind, fault.retry_after, is_token)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        wait = (self.token_quota if is_token else self.api_quota).acquire()
        if wait is not None:
            with self._stats:
                self.rate_limited += 1
            return self._too_many(is_token, retry_after_seconds(wait))
        response = self._route(request)
        return cutoff_response(response) if fault is not None and fault.kind == "cutoff" else response

    def _too_many(self, is_token: bool, retry_after: int) -> Response:
        headers = {"Retry-After": str(retry_after)} if self.switches.retry_after_on_429 else {}
        if is_token:  # UNCONFIRMED: the identity service's throttling body
            response = oauth_error(429, "temporarily_unavailable", "the request limit for the application is reached")
            response.headers.update(headers)
            return response
        return too_many_requests().response(headers)

    def _fault_response(self, kind: str, retry_after: int, is_token: bool) -> Response:
        if kind == "garbage":
            return garbage_response()
        if kind == "429":
            return self._too_many(is_token, retry_after)
        if is_token:
            error = "server_error" if kind == "500" else "temporarily_unavailable"
            return oauth_error(int(kind), error, "the authorization server is not available")
        return system_error(int(kind)).response()

    def _route(self, request: Request) -> Response:
        try:
            endpoint, values = ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return method_not_allowed(request.method).response()
        except NotFound:
            return not_found(request.path).response()
        try:
            if endpoint != "token":
                problem = self.tokens.check(request.headers.get("Authorization"), write=endpoint in WRITE_ENDPOINTS)
                if problem is not None:
                    return problem.response()
            return getattr(self, f"_ep_{endpoint}")(request, **values)
        except ApiError as exc:
            return exc.response()

    # -- endpoints ------------------------------------------------------------------------
    def _ep_token(self, request: Request) -> Response:
        return self.tokens.token_endpoint(request.form, request.headers.get("Authorization"))

    def _ep_orders(self, request: Request) -> Response:
        args = request.args
        check_field_groups(args)
        base = _base_url(request)
        store = self.store
        if args.get("orderIds") is not None:  # overrides filter, limit and offset
            ids = parse_order_ids(args["orderIds"])
            with store.lock:
                orders = [store.orders[oid] for oid in ids if oid in store.orders]
                blobs = [self.renderer.order_blob(o) for o in orders]
            head = {"href": base + request.full_path.rstrip("?"), "total": len(blobs), "limit": len(blobs) or 1,
                    "offset": 0}
            return self._collection(head, blobs, base)
        now = self.clock.now_ms()
        query = OrderQuery.from_args(args, now, self.switches.max_limit)
        with store.lock:
            selected = self._select(query, now)
            page = selected[query.offset:query.offset + query.limit]
            blobs = [self.renderer.order_blob(o) for o in page]
        head: dict[str, object] = {"href": base + request.full_path.rstrip("?"), "total": len(selected),
                                   "limit": query.limit, "offset": query.offset}
        if query.offset + query.limit < len(selected):
            head["next"] = _page_url(base, args, query.limit, query.offset + query.limit)
        if query.offset > 0:
            head["prev"] = _page_url(base, args, query.limit, max(0, query.offset - query.limit))
        return self._collection(head, blobs, base)

    def _select(self, query: OrderQuery, now_ms: int) -> list[Order]:
        """The matching orders; reused while nothing changed, so paging 100k orders stays cheap."""
        key = query.cache_key(self.switches.sort_descending)
        cached = self._selection
        store = self.store
        if cached is not None and cached.key == key and cached.version == store.version \
                and cached.oldest_ms >= now_ms - LOOKBACK_MS:  # nobody aged out of the 90 days
            return cached.orders
        selected = query.select(store.by_created, store.by_changed, now_ms, self.switches.sort_descending)
        oldest = min((o.created_ms for o in selected), default=now_ms)
        self._selection = _Selection(key, store.version, oldest, selected)
        return selected

    @staticmethod
    def _collection(head: dict[str, object], blobs: list[bytes], base: str) -> Response:
        """OrderSearchPagedCollection from cached order bytes (key order as eBay sends it)."""
        text = json.dumps(head, separators=(",", ":"))[:-1]
        body = text.encode() + b',"orders":[' + b",".join(blobs) + b"]}"
        return Response(body.replace(BASE_MARKER.encode(), base.encode()), content_type=JSON_CONTENT_TYPE)

    def _order_or_error(self, oid: str) -> Order:
        if not _ORDER_ID.match(oid):
            raise ApiError(400, 32100, f"Invalid order ID: {oid}", parameters={"orderId": oid})
        order = self.store.orders.get(oid)
        if order is None:
            raise ApiError(404, 32100, f"Invalid order ID: {oid}", parameters={"orderId": oid})
        return order

    def _ep_order(self, request: Request, oid: str) -> Response:
        check_field_groups(request.args)
        with self.store.lock:
            order = self._order_or_error(oid)
            body = json.dumps(self.renderer.order_dict(order, with_cancel_requests=True),
                              ensure_ascii=False, separators=(",", ":"))
        return Response(body.replace(BASE_MARKER, _base_url(request)), content_type=JSON_CONTENT_TYPE)

    def _ep_fulfillments(self, request: Request, oid: str) -> Response:
        with self.store.lock:
            order = self._order_or_error(oid)
            quantities = {line.lid: line.qty for line in order.lines}
            packages = [fulfillment_dict(f, quantities) for f in order.fulfillments]
        return json_response({"fulfillments": packages, "total": len(packages)})

    def _ep_fulfillment(self, request: Request, oid: str, fid: str) -> Response:
        with self.store.lock:
            order = self._order_or_error(oid)
            package = next((f for f in order.fulfillments if f.fid == fid), None)
            if package is None:
                raise ApiError(404, 32110, f"Invalid shipping fulfillment ID: {fid}", parameters={"fulfillmentId": fid})
            quantities = {line.lid: line.qty for line in order.lines}
            return json_response(fulfillment_dict(package, quantities))

    def _ep_ship(self, request: Request, oid: str) -> Response:
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            body = None
        now = self.clock.now_ms()
        with self.store.lock:
            order = self._order_or_error(oid)
            package = parse_package(body, order, now)
            swallowed = self.status_recorder.take_swallow()  # answered as created, nothing kept
            if swallowed:
                fid = self.store.fulfillment_id(order, package.tracking, now)
            else:
                fid = self.store.ship(order, package.line_ids, package.carrier, package.tracking,
                                      package.shipped_ms, now).fid
        quantities = {entry["lineItemId"]: entry.get("quantity") for entry in body["lineItems"]}
        self.status_recorder.record(
            order_id=oid, kind="shipment", swallowed=swallowed, carrier_code=package.carrier or "",
            tracking_number=package.tracking or "", shipped_date=iso(package.shipped_ms), fulfillment_id=fid,
            lines=[{"line_id": lid, "quantity": quantities[lid]} for lid in package.line_ids],
            method=request.method, path=request.path, body=body)
        location = f"{_base_url(request)}{ORDER_PATH}/{oid}/shipping_fulfillment/{fid}"
        return json_response({}, 201, {"Location": location})


def _base_url(request: Request) -> str:
    """Where this sandbox is mounted, e.g. http://127.0.0.1:41234/ebay (stands for https://api.ebay.com)."""
    return request.host_url.rstrip("/") + request.script_root


def _page_url(base: str, args: MultiDict[str, str], limit: int, offset: int) -> str:
    params = [(k, v) for k, v in args.items(multi=True) if k not in ("limit", "offset")]
    params += [("limit", str(limit)), ("offset", str(offset))]
    return f"{base}{ORDER_PATH}?{urlencode(params, quote_via=quote, safe=':,')}"

