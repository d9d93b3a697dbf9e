"""WSGI app of the OTTO Market sandbox: token, Orders v4, Shipments v1, Receipts v3.

Paths are relative to the mount point (the server strips `/otto`), exactly as
they are relative to https://api.otto.market on the real service.
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

from app.sandbox.clock import SandboxClock
from app.sandbox.faults import FaultInjector, RateLimiter, cutoff_response, garbage_response, retry_after_seconds
from app.sandbox.status_log import StatusRecorder
from app.sandbox.otto.auth import TokenIssuer
from app.sandbox.otto.errors import JSON_CONTENT_TYPE, error_entry, error_response, errors_response, json_response
from app.sandbox.otto.query import (
    BadQuery,
    OrderQuery,
    ReceiptQuery,
    decode_cursor,
    encode_cursor,
    parse_datetime,
    parse_limit,
)
from app.sandbox.otto.shipments import InvalidShipment, ShipmentRequest, parse_shipment, shipment_json
from app.sandbox.otto.state import Conflict, OrderStore
from app.sandbox.otto.state import NotFound as UnknownOrder

TOKEN_PATHS = frozenset({"/v1/token", "/oauth2/token"})

API_ROUTES = Map(
    [
        Rule("/v1/token", methods=["POST"], endpoint="token"),
        Rule("/oauth2/token", methods=["POST"], endpoint="token"),
        Rule("/v4/orders", methods=["GET"], endpoint="list_orders"),
        Rule("/v4/orders/<key>", methods=["GET"], endpoint="get_order"),
        Rule("/v4/orders/<sid>/cancellation", methods=["POST"], endpoint="cancel_order"),
        Rule("/v4/orders/<sid>/positionItems/<ids>/cancellation", methods=["POST"], endpoint="cancel_items"),
        Rule("/v1/shipments", methods=["POST"], endpoint="create_shipment"),
        Rule("/v1/shipments", methods=["GET"], endpoint="list_shipments"),
        Rule("/v1/shipments/<shipment_id>", methods=["GET"], endpoint="get_shipment"),
        Rule("/v1/shipments/carriers/<carrier>/trackingnumbers/<tracking>", methods=["GET"],
             endpoint="shipment_by_tracking"),
        Rule("/v3/receipts", methods=["GET"], endpoint="list_receipts"),
        Rule("/v3/receipts/<number>", methods=["GET"], endpoint="get_receipt"),
    ],
    strict_slashes=False,
)

WSGIEnviron = dict
StartResponse = Callable[..., object]


class OttoSandbox:
    """One emulated OTTO partner account; a WSGI callable."""

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 50,
        clock: SandboxClock | None = None,
        release_delay: float = 1800.0,
        rate_limit: float | None = 20.0,
        rate_burst: float | None = None,  # None: one second's worth of rate_limit
        token_ttl: int = 1800,
        generate_every: float | None = None,
        client_id: str = "otto-sandbox-client",
        client_secret: str | None = None,
    ) -> None:
        from app.sandbox.otto.control import ControlApi  # control imports this module's types

        self.clock = clock or SandboxClock()
        self.seed = seed
        self.store = OrderStore(
            seed=seed,
            count=orders,
            base_ms=self.clock.now_ms() // 1000 * 1000,
            release_delay_ms=int(release_delay * 1000),
            generate_every_ms=int(generate_every * 1000) if generate_every else None,
        )
        secret = client_secret if client_secret is not None else f"otto-secret-{seed}"
        self.credentials = {"client_id": client_id, "client_secret": secret}
        self.tokens = TokenIssuer(client_id, secret, int(token_ttl), self.clock.now_ms)
        self.faults = FaultInjector()
        self.status_recorder = StatusRecorder()  # status requests it accepted (status_log.py)
        # The burst is one second of the documented 20/s, also when a test scales the rate down.
        self.limiter = RateLimiter(rate_limit, burst=rate_burst)
        self.require_return_tracking = True
        self._stats_lock = threading.Lock()
        self.requests = 0
        self.rate_limited = 0
        self.control = ControlApi(self)

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sandbox"):
            response = self.control.dispatch(request)
        else:
            response = self._serve_api(request)
        return response(environ, start_response)

    def tick(self) -> None:
        self.store.tick(self.clock.now_ms())

    # -- request pipeline ---------------------------------------------------------
    def _serve_api(self, request: Request) -> Response:
        path = request.path
        is_token = path in TOKEN_PATHS
        with self._stats_lock:
            self.requests += 1
        self.tick()
        fault = self.faults.take(is_token_request=is_token)
        cut = False
        if fault is not None:
            if fault.kind in ("429", "503"):
                status = int(fault.kind)
                retry = {"Retry-After": str(fault.retry_after)}
                return error_response(status, path, "Sandbox fault injected", code=fault.kind, headers=retry)
            if fault.kind == "500":
                return error_response(500, path, "Sandbox fault injected", code="500")
            if fault.kind == "garbage":
                return garbage_response()
            if fault.kind == "slow":
                time.sleep(fault.delay)
            cut = fault.kind == "cutoff"
        if not is_token:
            wait = self.limiter.acquire()
            if wait is not None:
                with self._stats_lock:
                    self.rate_limited += 1
                headers = {"Retry-After": str(retry_after_seconds(wait))}
                detail = f"Rate limit of {self.limiter.per_second:g} requests per second exceeded"
                return error_response(429, path, detail, code="429", headers=headers)
        response = self._route(request)
        return cutoff_response(response) if cut else response

    def _route(self, request: Request) -> Response:
        path = request.path
        try:
            endpoint, values = API_ROUTES.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return error_response(405, path, f"Method {request.method} is not allowed here")
        except NotFound:
            return error_response(404, path, "No such resource")
        if endpoint != "token":
            problem = self.tokens.check(request.headers.get("Authorization"))
            if problem:
                headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                return error_response(401, path, problem, code="401", headers=headers)
        try:
            return getattr(self, f"_ep_{endpoint}")(request, **values)
        except BadQuery as exc:
            return error_response(400, path, f"Invalid parameter '{exc.args[0]}': {exc.args[1]}")
        except UnknownOrder as exc:
            return error_response(404, path, f"Not found: {exc.args[0]}")
        except Conflict as exc:
            return errors_response(409, [error_entry(409, path, detail) for detail in exc.args[0]])

    # -- endpoints ---------------------------------------------------------------------
    def _ep_token(self, request: Request) -> Response:
        return self.tokens.token_endpoint(request.form, request.headers.get("Authorization"))

    def _ep_list_orders(self, request: Request) -> Response:
        query = OrderQuery.from_args(request.args)
        limit = parse_limit(request.args)
        store = self.store
        with store.lock:
            orders, cursor = query.select(store.by_changed, store.by_date, limit)
            blobs = [store.renderer.order_blob(order) for order in orders]
        links = b"[]" if cursor is None else b'[{"rel":"next","href":"/v4/orders?nextcursor=%s"}]' % cursor.encode()
        body = b'{"resources":[' + b",".join(blobs) + b'],"links":' + links + b"}"
        return Response(body, content_type=JSON_CONTENT_TYPE)

    def _ep_get_order(self, request: Request, key: str) -> Response:
        with self.store.lock:
            blob = self.store.renderer.order_blob(self.store.get(key))
        return Response(blob, content_type=JSON_CONTENT_TYPE)

    # Status-changing endpoints check the request and the state first (400/404/409 as always),
    # then ask the status recorder whether to swallow it: a swallowed request is answered as a
    # success and changes nothing, as a marketplace that silently drops an update would.
    def _ep_cancel_order(self, request: Request, sid: str) -> Response:
        with self.store.lock:
            cancelled = self.store.cancel_order(sid, self.clock.now_ms(), apply=False)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.cancel_order(sid, self.clock.now_ms())
        self._record_cancel(sid, cancelled, whole=True, swallowed=swallowed)
        return Response(b"", status=200)

    def _ep_cancel_items(self, request: Request, sid: str, ids: str) -> Response:
        pids = [part.strip() for part in ids.split(",") if part.strip()]
        if not pids:
            raise BadQuery("positionItemIds", "at least one positionItemId is required")
        with self.store.lock:
            self.store.cancel_items(sid, pids, self.clock.now_ms(), apply=False)
            swallowed = self.status_recorder.take_swallow()
            if not swallowed:
                self.store.cancel_items(sid, pids, self.clock.now_ms())
        self._record_cancel(sid, list(dict.fromkeys(pids)), whole=False, swallowed=swallowed)
        return Response(b"", status=200)

    def _record_cancel(self, sid: str, pids: list[str], *, whole: bool, swallowed: bool) -> None:
        self.status_recorder.record(order_id=sid, kind="cancel", swallowed=swallowed, whole=whole,
                                    reason="CANCELLED_ON_PARTNER_WISH",
                                    lines=[{"line_id": pid, "quantity": 1} for pid in pids])  # fmt: skip

    def _ep_create_shipment(self, request: Request) -> Response:
        path = request.path
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return error_response(400, path, "Request body is not valid JSON")
        try:
            shipment = parse_shipment(body, require_return_tracking=self.require_return_tracking)
        except InvalidShipment as exc:
            entries = [error_entry(400, path, detail, json_path=where) for where, detail in exc.args[0]]
            return errors_response(400, entries)
        with self.store.lock:
            self.store.check_ship(shipment.lines)  # 409 before anything else
            swallowed = self.status_recorder.take_swallow()
            if swallowed:
                shipment_id = str(uuid.uuid4())  # looks like success; nothing is stored
            else:
                shipment_id = self.store.ship(
                    shipment.carrier, shipment.tracking, shipment.ship_ms, shipment.ship_from, shipment.lines,
                    self.clock.now_ms(), origin=shipment.origin, return_keys=shipment.return_keys,
                )  # fmt: skip
        self._record_shipment(shipment, shipment_id, swallowed)
        return json_response({"shipmentId": shipment_id}, status=201)

    def _record_shipment(self, shipment: ShipmentRequest, shipment_id: str, swallowed: bool) -> None:
        """One record per sales order the shipment touches (a shipment may span orders)."""
        keys = shipment.return_keys or [None] * len(shipment.lines)
        per_order: dict[str, list[tuple[str, dict | None]]] = {}
        for (sid, pid), key in zip(shipment.lines, keys):
            per_order.setdefault(sid, []).append((pid, key))
        for sid, items in per_order.items():
            first_key = next((key for _, key in items if key), None) or {}
            self.status_recorder.record(
                order_id=sid, kind="shipment", swallowed=swallowed, shipment_id=shipment_id,
                carrier_code=shipment.carrier, tracking_number=shipment.tracking or "",
                return_carrier_code=first_key.get("carrier", ""),
                return_tracking_number=first_key.get("trackingNumber", ""),
                lines=[{"line_id": pid, "quantity": 1} for pid, _ in items],
            )  # fmt: skip

    def _ep_list_shipments(self, request: Request) -> Response:
        """GET /v1/shipments?datefrom=YYYY-MM-DD&limit=25&next=...: oldest first, cursor in links."""
        args = request.args
        cursor = args.get("next")
        if cursor:
            state = decode_cursor("next", cursor)
            values = [state.get(key) for key in ("from", "after", "limit")]
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                raise BadQuery("next", "cursor is malformed")
            start, after, limit = (int(v) for v in values)  # type: ignore[arg-type]
        else:
            raw = args.get("datefrom")
            if not raw:
                raise BadQuery("datefrom", "datefrom is required (YYYY-MM-DD)")
            start, after, limit = parse_datetime("datefrom", raw), 0, parse_limit(args, default=25)
        with self.store.lock:
            records = [r for r in self.store.shipments.values()
                       if int(r["created"]) >= start]  # type: ignore[call-overload]
            resources = [shipment_json(r, full=False) for r in records[after:after + limit]]
        links = []
        if after + limit < len(records):
            token = encode_cursor({"v": 1, "from": start, "after": after + limit, "limit": limit})
            links.append({"rel": "next", "href": f"/v1/shipments?next={token}"})
        return json_response({"resources": resources, "links": links})

    def _ep_get_shipment(self, request: Request, shipment_id: str) -> Response:
        with self.store.lock:
            record = self.store.shipments.get(shipment_id)
            if record is None:
                raise UnknownOrder(f"shipment {shipment_id}")
            return json_response(shipment_json(record))

    def _ep_shipment_by_tracking(self, request: Request, carrier: str, tracking: str) -> Response:
        with self.store.lock:
            shipment_id = self.store.shipment_by_key.get((carrier, tracking))
            if shipment_id is None:
                raise UnknownOrder(f"shipment with carrier {carrier} and tracking number {tracking}")
            return json_response(shipment_json(self.store.shipments[shipment_id]))

    def _ep_list_receipts(self, request: Request) -> Response:
        query = ReceiptQuery.from_args(request.args)
        limit = parse_limit(request.args)
        store = self.store
        with store.lock:
            receipts, cursor = query.select(store.receipts, store.receipts_by_order, limit)
            resources = [store.renderer.receipt_dict(r) for r in receipts]
        links = [] if cursor is None else [{"rel": "next", "href": f"/v3/receipts?next={cursor}"}]
        return json_response({"resources": resources, "links": links})

    def _ep_get_receipt(self, request: Request, number: str) -> Response:
        with self.store.lock:
            receipt = self.store.receipt_by_number.get(number)
            if receipt is None:
                raise UnknownOrder(f"receipt {number}")
            return json_response(self.store.renderer.receipt_dict(receipt))
