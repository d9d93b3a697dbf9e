"""The ERP web service as an ASGI app: fetchOrders, fetchPayments, updateOrders, the OpenAPI document.

Every data call needs ``Authorization: Bearer <token>``. Database and status-service work is
blocking, so each call does it (authentication included) in Starlette's thread pool; the event
loop only moves bytes. Every error is ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.openapi import CHANNELS, MAX_BODY, document
from app.api.updates import UpdateOrders, UpdateRejected
from app.store import erp_export
from app.store.api_tokens import ApiTokenRecord, ApiTokenStore
from app.store.schema import utcnow

if TYPE_CHECKING:
    from app.bootstrap import AppContext

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
REALM = 'Bearer realm="OrderDesk"'
NO_STORE = {"Cache-Control": "no-store"}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "details": details}}, status_code=status,
                        headers={**NO_STORE, **(headers or {})})


# -- parameters -----------------------------------------------------------------------------------------

def _bad(parameter: str, message: str, code: str = "bad_request") -> ApiError:
    return ApiError(400, code, message, {"parameter": parameter})


ORDER_PARAMS = ("cursor", "since", "limit", "only_unexported", "mark_exported", "channel")
PAYMENT_PARAMS = ("cursor", "limit", "channel")


def _single(query: QueryParams, allowed: tuple[str, ...]) -> dict[str, str]:
    unknown = sorted(set(query.keys()) - set(allowed))
    if unknown:
        takes = f"this call takes {', '.join(allowed)}" if allowed else "this call takes none"
        raise ApiError(400, "bad_request", f"unknown parameter(s): {', '.join(unknown)}; {takes}",
                       {"parameter": unknown[0]})
    for name in query.keys():
        if len(query.getlist(name)) > 1:
            raise _bad(name, f"{name}: given more than once")
    return dict(query)


def _limit(params: dict[str, str]) -> int:
    text = params.get("limit")
    if text is None:
        return erp_export.DEFAULT_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise _bad("limit", f"limit {text!r}: not a whole number") from None
    if not 1 <= value <= erp_export.MAX_LIMIT:
        raise _bad("limit", f"limit {value}: must be between 1 and {erp_export.MAX_LIMIT}")
    return value


def _flag(params: dict[str, str], name: str) -> bool:
    text = params.get(name)
    if text is None:
        return False
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise _bad(name, f"{name} {text!r}: give true or false")


def _channel(params: dict[str, str]) -> str | None:
    value = params.get("channel")
    if value is not None and value not in CHANNELS:
        raise _bad("channel", f"channel {value!r}: not a channel; use one of {', '.join(CHANNELS)}")
    return value


def _since(params: dict[str, str]) -> datetime | None:
    text = params.get("since")
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(0, 0), UTC)
        when = datetime.fromisoformat(text)
    except ValueError:
        raise _bad("since", f"since {text!r}: not an ISO-8601 date (2026-05-02) or date-time with offset "
                            f"(2026-05-02T08:00:00Z)") from None
    if when.tzinfo is None:
        raise _bad("since", f"since {text!r}: give the UTC offset (e.g. Z or +02:00)")
    return when.astimezone(UTC)


# -- the app ----------------------------------------------------------------------------------------------

class WebService:
    def __init__(self, ctx: "AppContext", settle: timedelta, clock: Callable[[], datetime]) -> None:
        self.engine = ctx.engine
        self.tokens = ApiTokenStore(ctx.engine, clock)
        self.update = UpdateOrders(ctx.engine, ctx.status, clock)
        self.settle = settle
        self.clock = clock
        self.openapi = json.dumps(document(), ensure_ascii=False).encode()

    def authorize(self, header: str | None) -> ApiTokenRecord:
        if not header:
            raise ApiError(401, "unauthorized", "send the API token as 'Authorization: Bearer <token>' "
                                                "(create one with 'orderdesk api-token create NAME')",
                           headers={"WWW-Authenticate": REALM})
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "the Authorization header must be 'Bearer <token>'",
                           headers={"WWW-Authenticate": f'{REALM}, error="invalid_request"'})
        record = self.tokens.verify(token.strip())
        if record is None:
            raise ApiError(401, "unauthorized", "the API token is unknown or revoked",
                           headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
        return record

    def fetch_orders(self, header: str | None, query: QueryParams) -> JSONResponse:
        self.authorize(header)  # before anything else: a caller without a token learns nothing
        params = _single(query, ORDER_PARAMS)
        limit, since, channel = _limit(params), _since(params), _channel(params)
        only_unexported, mark = _flag(params, "only_unexported"), _flag(params, "mark_exported")
        cursor = params.get("cursor")
        if cursor is not None and since is not None:
            raise _bad("since", "give either cursor or since, not both (the cursor already knows where it is)")
        try:
            page = erp_export.fetch_orders(self.engine, now=self.clock(), cursor=cursor, since=since, limit=limit,
                                           only_unexported=only_unexported, mark_exported=mark, channel=channel,
                                           settle=self.settle)
        except erp_export.CursorError as exc:
            raise _bad("cursor", str(exc), "bad_cursor") from None
        return JSONResponse({"orders": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more,
                             "count": len(page.items)}, headers=NO_STORE)

    def fetch_payments(self, header: str | None, query: QueryParams) -> JSONResponse:
        self.authorize(header)
        params = _single(query, PAYMENT_PARAMS)
        limit, channel = _limit(params), _channel(params)
        try:
            page = erp_export.fetch_payments(self.engine, now=self.clock(), cursor=params.get("cursor"), limit=limit,
                                             channel=channel, settle=self.settle)
        except erp_export.CursorError as exc:
            raise _bad("cursor", str(exc), "bad_cursor") from None
        return JSONResponse({"payments": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more,
                             "count": len(page.items)}, headers=NO_STORE)

    def update_orders(self, token: ApiTokenRecord, raw: bytes) -> JSONResponse:
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None
        try:
            results = self.update(body)
        except UpdateRejected as exc:
            bad = sorted({p.index for p in exc.problems if p.index is not None})
            total = len(body["updates"]) if isinstance(body, dict) and isinstance(body.get("updates"), list) else 0
            message = (f"{len(bad)} of {total} update(s) invalid; nothing was written" if bad
                       else "the request is invalid; nothing was written")
            log.info("updateOrders (token %r) refused: %s", token.name, message)
            raise ApiError(422, "validation_failed", message,
                           {"problems": [p.as_json() for p in exc.problems]}) from None
        replayed = sum(1 for r in results if r["replayed"])
        log.info("updateOrders (token %r): %d update(s) applied, %d replayed", token.name,
                 len(results) - replayed, replayed)
        return JSONResponse({"results": results}, headers=NO_STORE)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "payload_too_large", f"the body is larger than {MAX_BODY // 1024 // 1024} MiB; send "
                                                 f"fewer updates per call")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(413, "payload_too_large", f"the body is larger than {MAX_BODY // 1024 // 1024} MiB; "
                                                     f"send fewer updates per call")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(ctx: "AppContext", *, settle_seconds: float = erp_export.DEFAULT_SETTLE.total_seconds(),
               clock: Callable[[], datetime] = utcnow) -> Starlette:
    """The web service over ``ctx``'s database. ``settle_seconds``: how long new rows are held back
    before a cursor may pass them (store/erp_export.py explains why)."""
    service = WebService(ctx, timedelta(seconds=settle_seconds), clock)

    async def fetch_orders(request: Request) -> Response:
        return await run_in_threadpool(service.fetch_orders, request.headers.get("authorization"),
                                       request.query_params)

    async def fetch_payments(request: Request) -> Response:
        return await run_in_threadpool(service.fetch_payments, request.headers.get("authorization"),
                                       request.query_params)

    async def update_orders(request: Request) -> Response:
        token = await run_in_threadpool(service.authorize, request.headers.get("authorization"))
        _single(request.query_params, ())
        kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            raise ApiError(415, "unsupported_media_type", f"the body must be application/json, not {kind!r} "
                                                          f"(curl: -H 'Content-Type: application/json')")
        raw = await _read_body(request)
        return await run_in_threadpool(service.update_orders, token, raw)

    async def openapi(request: Request) -> Response:
        return Response(service.openapi, media_type="application/json")

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return error_response(404, "not_found", f"no such call: {request.url.path}; the calls are "
                                                    f"{PREFIX}/fetchOrders, {PREFIX}/fetchPayments, "
                                                    f"{PREFIX}/updateOrders and {PREFIX}/openapi.json")
        if exc.status_code == 405:
            return error_response(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}",
                                  headers=exc.headers)
        return error_response(exc.status_code, "bad_request", str(exc.detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OperationalError):
            log.error("web service: database unavailable on %s: %s", request.url.path, type(exc.orig).__name__)
            return error_response(503, "unavailable", "the database cannot be reached or is busy; try again later")
        log.error("web service: internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "internal error; the server's log has the details")

    routes = [
        Route(f"{PREFIX}/fetchOrders", fetch_orders, methods=["GET"]),
        Route(f"{PREFIX}/fetchPayments", fetch_payments, methods=["GET"]),
        Route(f"{PREFIX}/updateOrders", update_orders, methods=["POST"]),
        Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={ApiError: api_error, HTTPException: http_error,
                                                        Exception: server_error})
