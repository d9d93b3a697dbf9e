"""Plumbing of the control API under `/_sandbox/` that every marketplace sandbox shares.

docs/SANDBOX.md ("Control API shared by every sandbox") defines the neutral calls; this module
holds what they have in common: route matching, the JSON body, argument checks, the error answer
`{"error": ...}`, `POST /clock/advance` and `GET/POST/DELETE /faults` (incl. `expire_tokens`).
Each marketplace subclasses `ControlApiBase`, adds its own endpoints as `_<endpoint>` methods and
sets the few messages in which the sandboxes differ on purpose.

Control calls are not API requests: they are never rate limited and never hit by faults.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

MAX_ADVANCE = 10 * 365 * 86_400
"""The most `POST /_sandbox/clock/advance` moves the clock in one call: ten years."""


class ControlError(Exception):
    """A control call that cannot be done: answered with `status` and `{"error": message}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Never(Exception):
    """Stands in for a sandbox exception type that a subclass does not name."""


def json_response(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status=status, content_type="application/json")


def error_response(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def shared_rules(key: str = "oid") -> list[Rule]:
    """The neutral calls of docs/SANDBOX.md; `key` names the order id argument of the endpoints."""
    return [
        Rule("/_sandbox/clock/advance", methods=["POST"], endpoint="advance"),
        Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
        Rule("/_sandbox/orders", methods=["GET"], endpoint="truth"),
        Rule("/_sandbox/orders", methods=["POST"], endpoint="add_orders"),
        Rule("/_sandbox/orders/malformed", methods=["POST"], endpoint="malformed"),
        Rule(f"/_sandbox/orders/<{key}>/release", methods=["POST"], endpoint="release"),
        Rule(f"/_sandbox/orders/<{key}>/cancel", methods=["POST"], endpoint="cancel"),
        Rule("/_sandbox/faults", methods=["GET", "POST", "DELETE"], endpoint="faults"),
        Rule("/_sandbox/status-requests", methods=["GET"], endpoint="status_requests"),
        Rule("/_sandbox/status-requests/swallow", methods=["POST"], endpoint="swallow_status"),
    ]


def control_routes(key: str = "oid", extra: list[Rule] | None = None) -> Map:
    """The shared calls plus a marketplace's own `extra` rules."""
    return Map(shared_rules(key) + list(extra or []), strict_slashes=False)


# -- argument checks (each raises ControlError 400 saying what was wanted) -------------------------
def int_arg(body: dict, name: str, default: int | None, low: int, high: int, *,
            wanted: str | None = None, nullable: bool = True) -> int | None:  # fmt: skip
    """body[name] (or the default): an integer in [low, high]; null passes if `nullable`."""
    value = body.get(name, default)
    if value is None and nullable:
        return None
    if type(value) is not int or not low <= value <= high:
        raise ControlError(400, f"'{name}' must be {wanted or f'an integer between {low} and {high}'}")
    return value


def bool_arg(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ControlError(400, f"'{name}' must be true or false")
    return value


def choice_arg(body: dict, name: str, default: Any, choices: tuple | list | dict) -> Any:
    """body[name] (or the default), one of `choices`."""
    value = body.get(name, default)
    if value not in choices:
        raise ControlError(400, f"'{name}' must be one of {', '.join(choices)}")
    return value


def check(ok: bool, message: str) -> None:
    if not ok:
        raise ControlError(400, message)


class ControlApiBase:
    """Dispatches `/_sandbox/...` to `_<endpoint>(request, body, **route values)` methods.

    Subclasses set `routes` (see `control_routes`), implement `now_iso()` and the endpoints
    `_state`, `_truth`, `_add_orders`, `_malformed`, `_release`, `_cancel` (and their extras), and
    may change the class attributes below where their sandbox answers differently.
    """

    routes: ClassVar[Map]
    unknown_record: ClassVar[type[Exception]] = _Never  # the store's "no such order" -> 404
    conflict: ClassVar[type[Exception]] = _Never  # the store's "not in that state" -> 409
    lock_calls: ClassVar[bool] = True  # hold the store lock for the whole call
    not_allowed_message = "{method} not allowed on {path}"
    unknown_endpoint_message = "unknown control endpoint {path}"
    unknown_record_message = "not found: {0}"
    not_json_message = "body must be JSON"
    not_object_message = "body must be a JSON object"
    advance_message = "'seconds' must be a non-negative number"

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store

    def dispatch(self, request: Request) -> Response:
        try:
            endpoint, values = self.routes.bind_to_environ(request.environ).match()
        except (MethodNotAllowed, NotFound) as exc:
            return self.routing_error(request, exc)
        try:
            body = self.body(request)
            self.sandbox.tick()
            call = getattr(self, f"_{endpoint}")
            if not self.lock_calls:
                return call(request, body, **values)
            with self.store.lock:
                return call(request, body, **values)
        except ControlError as exc:
            return error_response(exc.status, str(exc))
        except self.unknown_record as exc:
            return error_response(404, self.unknown_record_message.format(exc.args[0]))
        except self.conflict as exc:
            return error_response(409, self.conflict_message(exc))

    def routing_error(self, request: Request, exc: HTTPException) -> Response:
        if isinstance(exc, MethodNotAllowed):
            return error_response(405, self.not_allowed_message.format(method=request.method, path=request.path))
        return error_response(404, self.unknown_endpoint_message.format(method=request.method, path=request.path))

    def conflict_message(self, exc: Exception) -> str:
        return str(exc)

    def body(self, request: Request) -> dict:
        """The JSON object sent (none at all counts as {}), whatever the content type says."""
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ControlError(400, self.not_json_message) from None
        if not isinstance(body, dict):
            raise ControlError(400, self.not_object_message)
        return body

    def _now(self) -> int:
        """Sandbox time in epoch milliseconds."""
        return self.sandbox.clock.now_ms()

    def now_iso(self) -> str:
        """Sandbox time in the marketplace's own timestamp format."""
        raise NotImplementedError

    # -- the shared calls ---------------------------------------------------------------------
    def _advance(self, request: Request, body: dict) -> Response:
        seconds = body.get("seconds")
        check(type(seconds) in (int, float) and 0 <= seconds <= MAX_ADVANCE, self.advance_message)
        self.sandbox.clock.advance(seconds)
        self.sandbox.tick()
        return json_response({"now": self.now_iso()})

    def _faults(self, request: Request, body: dict) -> Response:
        faults = self.sandbox.faults
        if request.method == "DELETE":
            faults.clear()
        elif request.method == "POST":
            if body.get("kind") == "expire_tokens":  # acts at once; no count
                return json_response({"expired": self.expire_tokens(), "faults": faults.pending()})
            try:
                faults.add(str(body.get("kind")), body.get("count", 1), delay=body.get("delay", 0.0),
                           retry_after=body.get("retry_after", 1), include_token=self.include_token(body))
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        return json_response({"faults": faults.pending()})

    def _status_requests(self, request: Request, body: dict) -> Response:
        """Every shipment, cancellation and state change this sandbox accepted (status_log.py)."""
        return json_response({"requests": self.sandbox.status_recorder.records()})

    def _swallow_status(self, request: Request, body: dict) -> Response:
        count = int_arg(body, "count", 1, 0, 1000)
        self.sandbox.status_recorder.swallow(count)
        return json_response({"swallow": count})

    def expire_tokens(self) -> int:
        """`expire_tokens`: every issued token becomes invalid; answers how many."""
        return self.sandbox.tokens.expire_all()

    def include_token(self, body: dict) -> bool:
        return bool(body.get("include_token", False))

    def _rate_limit(self, request: Request, body: dict) -> Response:
        """`{"per_second": R}` enforces R at once; null switches limits off (OTTO, Kaufland)."""
        if "per_second" not in body:
            raise ControlError(400, "'per_second' is required (number or null)")
        try:
            self.sandbox.limiter.set_rate(body["per_second"])
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        return json_response({"per_second": self.sandbox.limiter.per_second})
