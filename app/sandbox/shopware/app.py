"""WSGI app of the Shopware 6 Admin API sandbox: OAuth token, order search, state transitions.

Paths are relative to the mount point (the server strips `/shopware`) exactly as they are
relative to a real shop's URL: `/api/oauth/token`, `/api/search/order`,
`/api/search-ids/order`, the state transitions and `PATCH /api/order-delivery/{id}`
(transitions.py); the `/api/v1`…`/api/v3` prefixes of Shopware <= 6.3 are accepted too.
Request pipeline: tick the state machine -> scripted fault -> rate limit -> bearer check ->
endpoint. See docs/SANDBOX.md ("Shopware 6 Admin API emulation") for what is emulated and which switches exist.
"""

from __future__ import annotations

import json
import random
import re
import string
import threading
import time
from collections.abc import Callable, Iterable

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from app.sandbox.clock import SandboxClock
from app.sandbox.faults import FaultInjector, RateLimiter, cutoff_response, garbage_response, retry_after_seconds
from app.sandbox.status_log import StatusRecorder
from app.sandbox.settings import SandboxSettings
from app.sandbox.shopware.auth import TokenIssuer
from app.sandbox.shopware.criteria import CriteriaError, parse_criteria
from app.sandbox.shopware.errors import (
    ACCESS_DENIED,
    JSON,
    JSON_API,
    error,
    error_response,
    errors_response,
    json_response,
    oauth_error,
)
from app.sandbox.shopware.jsonapi import jsonapi_document
from app.sandbox.shopware.render import ASSOCIATIONS
from app.sandbox.shopware.state import OrderStore
from app.sandbox.shopware.transitions import TransitionApi

TOKEN_TTL_S = 600  # Shopware: PT10M for client_credentials
TOKEN_PER_MINUTE = 10.0  # Shopware SaaS: POST /api/oauth/token, 10 per minute per IP
TOKEN_BURST = 10  # UNCONFIRMED: the SaaS page gives no burst; a full minute's worth
DEFAULT_MAX_LIMIT = 500  # UNCONFIRMED: shopware.api.max_limit differs per installation
TOKEN_PATH = "/api/oauth/token"
OLD_VERSION_PREFIX = re.compile(r"^/api/v[1-3](?=/)")

API_ROUTES = Map(
    [
        Rule(TOKEN_PATH, methods=["POST"], endpoint="token"),
        Rule("/api/search/<entity>", methods=["POST"], endpoint="search"),
        Rule("/api/search-ids/<entity>", methods=["POST"], endpoint="search_ids"),
        Rule("/api/_action/<any(order, order_delivery, order_transaction):machine>/<eid>/state/<action>",
             methods=["POST"], endpoint="transition"),
        Rule("/api/_action/state-machine/<machine>/<eid>/state", methods=["GET"], endpoint="available"),
        Rule("/api/_action/state-machine/<machine>/<eid>/state/<action>", methods=["POST"],
             endpoint="generic_transition"),
        Rule("/api/order-delivery/<eid>", methods=["PATCH"], endpoint="patch_delivery"),
    ],
    strict_slashes=False,
)

StartResponse = Callable[..., object]


def sandbox_credentials(seed: int) -> dict[str, str]:
    """An integration's access key id ("SWIA…") and secret, derived from the seed."""
    rng = random.Random(f"shopware-credentials-{seed}")
    upper = string.ascii_uppercase + string.digits
    return {"client_id": "SWIA" + "".join(rng.choice(upper) for _ in range(22)),
            "client_secret": "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(46))}


class ShopwareSandbox:
    """One emulated Shopware 6 shop with one integration; a WSGI callable."""

    def __init__(self, settings: SandboxSettings | None = None, clock: SandboxClock | None = None) -> None:
        from app.sandbox.shopware.control import ControlApi  # control reads this module's sandbox

        self.settings = settings or SandboxSettings()
        self.clock = clock or SandboxClock()
        s = self.settings
        self.store = OrderStore(seed=s.seed, count=s.orders, base_ms=self.clock.now_ms(),
                                release_delay_ms=int(s.release_delay * 1000),
                                generate_every_ms=int(s.generate_every * 1000) if s.generate_every else None)
        self.credentials = sandbox_credentials(s.seed)
        self.tokens = TokenIssuer(self.credentials["client_id"], self.credentials["client_secret"],
                                  s.token_ttl or TOKEN_TTL_S, self.clock.now_ms)
        self.faults = FaultInjector()
        self.status_recorder = StatusRecorder()  # status requests it accepted (status_log.py)
        self.transitions = TransitionApi(self)
        self.token_limiter = RateLimiter(s.scaled(TOKEN_PER_MINUTE / 60) if s.real_limits else None, burst=TOKEN_BURST)
        self.api_limiter = RateLimiter(None)  # self-hosted shops have no Admin API limit (UNCONFIRMED)
        self.max_limit: int | None = DEFAULT_MAX_LIMIT
        self._stats = threading.Lock()
        self.requests = 0
        self.rate_limited = 0
        self.control = ControlApi(self)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/_sandbox"):
            response = self.control.dispatch(request)
        else:
            response = self._serve_api(request)
        return response(environ, start_response)

    def tick(self) -> None:
        self.store.tick(self.clock.now_ms())

    # -- request pipeline -------------------------------------------------------------------
    def _serve_api(self, request: Request) -> Response:
        path = OLD_VERSION_PREFIX.sub("/api", request.path)
        is_token = path.rstrip("/") == TOKEN_PATH
        with self._stats:
            self.requests += 1
        self.tick()
        fault = self.faults.take(is_token_request=is_token)
        if fault is not None and fault.kind in ("429", "500", "503", "garbage"):
            return self._fault_response(fault.kind, fault.retry_after)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        wait = (self.token_limiter if is_token else self.api_limiter).acquire()
        if wait is not None:
            with self._stats:
                self.rate_limited += 1
            return too_many_requests(retry_after_seconds(wait))
        response = self._route(request, path)
        return cutoff_response(response) if fault is not None and fault.kind == "cutoff" else response

    @staticmethod
    def _fault_response(kind: str, retry_after: int) -> Response:
        if kind == "429":
            return too_many_requests(retry_after)
        if kind == "503":
            return error_response(503, "0", "The shop is in maintenance mode (sandbox fault).",
                                  headers={"Retry-After": str(retry_after)})
        if kind == "500":
            return error_response(500, "0", "An internal error occurred (sandbox fault).")
        return garbage_response()

    def _route(self, request: Request, path: str) -> Response:
        try:
            endpoint, values = API_ROUTES.bind("shop").match(path, method=request.method)
        except MethodNotAllowed as exc:
            allowed = ", ".join(exc.valid_methods or [])
            return error_response(405, "0", f'No route found for "{request.method} {path}": Method Not Allowed '
                                             f"(Allow: {allowed})")
        except NotFound:
            return error_response(404, "0", f'No route found for "{request.method} {path}"')
        if endpoint == "token":
            return self.tokens.token_endpoint(request)
        hint = self.tokens.check(request.headers.get("Authorization"))
        if hint is not None:
            return oauth_error(ACCESS_DENIED, hint)
        if endpoint in ("search", "search_ids"):
            return self._search(request, values["entity"], ids_only=endpoint == "search_ids")
        api = self.transitions
        if endpoint == "available":
            return api.available(request, values["machine"], values["eid"])
        if endpoint == "patch_delivery":
            return api.patch_delivery(request, path, values["eid"])
        return api.transition(request, path, values["machine"], values["eid"], values["action"],
                              generic=endpoint == "generic_transition", simple=_wants_simple(request))

    # -- search ------------------------------------------------------------------------------
    def _search(self, request: Request, entity: str, *, ids_only: bool) -> Response:
        if entity != "order":
            return error_response(404, "FRAMEWORK__DEFINITION_NOT_FOUND",
                                  f'Definition for entity "{entity}" does not exist (the sandbox emulates orders).')
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return error_response(400, "FRAMEWORK__INVALID_JSON", "The request body is not valid JSON.")  # UNCONFIRMED
        store = self.store
        try:
            crit = parse_criteria(body, store.fields, ASSOCIATIONS, max_limit=self.max_limit)
        except CriteriaError as exc:
            return errors_response(400, [error(400, p.code, p.detail, pointer=p.pointer) for p in exc.args[0]])
        with store.lock:
            rows, shown = store.matching(crit)
            page = shown[crit.offset: crit.offset + crit.limit] if crit.limit else shown[crit.offset:]
            total = _total(crit.total_count_mode, len(shown), len(page), crit.offset, crit.limit)
            aggregations = store.aggregate(crit, rows) if crit.aggregations else {}
            if ids_only:
                return json_response({"total": total, "data": [o.id for o in page]})
            view = store.renderer.view(crit.associations, crit.includes)
            if _wants_simple(request):
                blobs = [store.renderer.order_blob(o, view) for o in page]
                # An empty aggregation collection is a PHP empty array: `[]`, not `{}`.
                tail = json.dumps(aggregations or [], separators=(",", ":")).encode()
                data = b'{"total":%d,"data":[' % total + b",".join(blobs) + b'],"aggregations":' + tail + b"}"
                return Response(data, content_type=JSON)
            entities = [store.renderer.entity(o, view) for o in page]
        base = request.host_url.rstrip("/") + request.script_root + "/api"
        document = jsonapi_document(entities, base, {
            "links": {"self": f"{base}/search/order"},
            "meta": {"totalCountMode": crit.total_count_mode, "total": total},
            "aggregations": aggregations or [],
        })
        return json_response(document, content_type=JSON_API)


def _wants_simple(request: Request) -> bool:
    """Accept: application/json selects the simple format; JSON:API is Shopware's default."""
    best = request.accept_mimetypes.best_match([JSON_API, JSON], default=JSON_API)
    return best == JSON


def _total(mode: int, matched: int, shown: int, offset: int, limit: int | None) -> int:
    """total-count-mode 0: rows on this page; 1: exact; 2: up to five pages ahead (UNCONFIRMED)."""
    if mode == 1:
        return matched
    if mode == 2 and limit:
        return min(matched, offset + 5 * limit + 1)
    return shown


def too_many_requests(seconds: int) -> Response:
    """Shopware's rate limiter answer (code UNCONFIRMED), with Retry-After in seconds."""
    return error_response(429, "FRAMEWORK__RATE_LIMIT_EXCEEDED", f"Too many requests, try again in {seconds} seconds.",
                          headers={"Retry-After": str(seconds)}, meta={"parameters": {"seconds": seconds}})
