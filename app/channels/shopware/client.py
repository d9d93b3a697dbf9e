"""Thin httpx client for the Shopware 6 Admin API: the integration's token, order search, and the
state transitions and tracking codes a status is sent with (marketplaces.md §5.3–5.4).

All requests go through the shared HttpSession (retries, Retry-After, pacing, renewal on 401);
this module only knows Shopware's paths, its error envelope and its token endpoint. Retrying a
transition or a tracking-code PATCH is safe: an action that leads to the state the entity is
already in is answered as done (or, on older shops, as an illegal transition, which the sender
checks against the state), and the PATCH writes the whole list.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

from app.channels.errors import AuthError, Conflict, PermanentError, TransientError
from app.channels.http import HttpSession, RateLimiter, retry_after_seconds
from app.channels.tokens import CachedToken

TOKEN_PATH = "/api/oauth/token"
SEARCH_PATH = "/api/search/order"
TRANSITION_PATH = "/api/_action/{entity}/{id}/state/{action}"  # entity: order, order_delivery, order_transaction
AVAILABLE_PATH = "/api/_action/state-machine/{entity}/{id}/state"
DELIVERY_PATH = "/api/order-delivery/{id}"
JSON_HEADERS = {"Accept": "application/json"}
SHOP = "the Shopware 6 shop"
TOKEN_429_RETRIES = 3


def api_root(shop_url: str) -> str:
    """The shop's base URL; clerks often paste the Admin API or administration address instead."""
    root = shop_url.strip().rstrip("/")
    for suffix in ("/api", "/admin"):
        if root.endswith(suffix):
            root = root[: -len(suffix)]
    return root


def describe_shopware_error(response: httpx.Response) -> str:
    """The first entry of Shopware's error envelope as ': CODE detail' for a plain log line."""
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return ""
    first = errors[0]
    code = first.get("code") if isinstance(first.get("code"), str) and first["code"].startswith("FRAMEWORK__") else ""
    text = " ".join(str(part) for part in (code, first.get("detail") or first.get("title") or "") if part)
    return f": {text[:200]}" if text else ""


class ShopwareToken(CachedToken):
    """The integration's client_credentials bearer token (TokenSource of HttpSession).

    Kept for its whole lifetime (10 minutes) and renewed shortly before it runs out or when
    an API call answers 401; there is no refresh token. Token requests are paced by their own
    quota bucket (Shopware SaaS: 10 per minute), so a fetch never earns a 429 for them.
    """

    def __init__(self, client_id: str, client_secret: str, limiter: RateLimiter,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock=clock)
        self._body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        self.limiter = limiter
        self._sleep = sleep
        self.issued = 0

    def usable_for(self, lifetime: float) -> float:
        return lifetime - min(60.0, lifetime / 10)  # renew a little early

    def _fetch(self, client: httpx.Client) -> tuple[str, float]:
        for attempt in range(TOKEN_429_RETRIES + 1):
            self.limiter.acquire(self._sleep)
            self.requests_sent += 1
            try:
                response = client.post(TOKEN_PATH, json=self._body, headers={"Accept": "application/json"})
            except httpx.HTTPError as exc:
                raise TransientError(f"{SHOP}'s token endpoint could not be reached ({type(exc).__name__})") from None
            status = response.status_code
            if status == 429 and attempt < TOKEN_429_RETRIES:  # another client spent the quota
                self._sleep(retry_after_seconds(response) or 10.0)
                continue
            if status in (400, 401, 403):
                raise AuthError(f"{SHOP} rejected the integration's access key ID or secret access key "
                                f"(HTTP {status}{describe_shopware_error(response)})")
            if status == 404:
                raise PermanentError(f"there is no Shopware 6 Admin API at this shop address (HTTP 404 for "
                                     f"{TOKEN_PATH}); check the shop URL")
            if status >= 300:
                raise TransientError(f"{SHOP}'s token endpoint answered HTTP {status}")
            try:
                body = response.json()
                token, ttl = body["access_token"], float(body.get("expires_in", 600))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise TransientError(f"{SHOP}'s token endpoint sent an unreadable answer") from None
            if not isinstance(token, str) or not token:
                raise TransientError(f"{SHOP}'s token endpoint sent no access token")
            self.issued += 1
            return token, max(1.0, ttl)
        raise TransientError(f"{SHOP}'s token endpoint kept answering HTTP 429")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding a page (250 orders, ~800 kB) builds ~9,000 dicts and lists and no reference
    cycles, so the collector passes that these allocations trigger find nothing, yet each full
    pass walks the whole heap: ~10 of them per 20,000 orders, ~0.3 s. Paused
    for the decoding only (the GUI keeps it paused anyway, see gc_guard), restored as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decode_search(response: httpx.Response) -> dict[str, Any]:
    """A search result in the simple format; a garbled one is worth fetching again."""
    if "vnd.api+json" in response.headers.get("content-type", ""):  # a proxy dropped our Accept header?
        raise PermanentError(f"{SHOP} answered in the JSON:API format although the simple format was requested")
    try:
        with _collector_paused():
            body = json.loads(response.content)
    except ValueError:
        raise TransientError(f"{SHOP} sent a search result that is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise TransientError(f"{SHOP} sent a search result without a list of orders")
    return body


class ShopwareClient:
    def __init__(self, session: HttpSession, token: ShopwareToken, notes: "RefusalNotes | None" = None) -> None:
        """``notes``: the session's ``describe_error`` when it is a RefusalNotes; then the status
        requests' refusals are classified (Conflict for an illegal transition)."""
        self.session = session
        self.token = token
        self.notes = notes

    def search_orders(self, criteria: dict[str, Any]) -> dict[str, Any]:
        """POST /api/search/order in the simple format (`Accept: application/json`)."""
        return self.session.request("POST", SEARCH_PATH, json=criteria, auth=self.token,  # type: ignore[no-any-return]
                                    headers={"Accept": "application/json"}, decode=decode_search)

    # -- status (issue 5) -------------------------------------------------------------------------
    def transition(self, entity: str, entity_id: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST /api/_action/{entity}/{id}/state/{action}: the new state_machine_state entity.
        Raises Conflict when the shop calls the transition illegal from the current state."""
        path = TRANSITION_PATH.format(entity=entity, id=entity_id, action=action)
        with self._refusals(f"the {ENTITY_WORDS.get(entity, entity)} transition {action!r}"):
            return self.session.request("POST", path, json=body, auth=self.token,  # type: ignore[no-any-return]
                                        headers=JSON_HEADERS, decode=decode_object)

    def available_transitions(self, entity: str, entity_id: str) -> list[dict[str, Any]]:
        """GET /api/_action/state-machine/{entity}/{id}/state: the actions possible now."""
        path = AVAILABLE_PATH.format(entity=entity, id=entity_id)
        with self._refusals(f"reading the {ENTITY_WORDS.get(entity, entity)}'s possible transitions"):
            body = self.session.request("GET", path, auth=self.token, headers=JSON_HEADERS, decode=decode_object)
        transitions = body.get("transitions")
        if not isinstance(transitions, list):
            raise TransientError(f"{SHOP} sent a list of transitions that cannot be read")
        return [t for t in transitions if isinstance(t, dict)]

    def update_delivery(self, delivery_id: str, fields: dict[str, Any]) -> None:
        """PATCH /api/order-delivery/{id} (204): e.g. {"trackingCodes": [...]}, the whole list."""
        with self._refusals("writing the delivery's tracking codes"):
            self.session.request("PATCH", DELIVERY_PATH.format(id=delivery_id), json=fields, auth=self.token,
                                 headers=JSON_HEADERS)

    def _refusals(self, what: str) -> "_Refusals":
        return _Refusals(self.notes, what)


ENTITY_WORDS = {"order": "order", "order_delivery": "delivery", "order_transaction": "payment"}


def decode_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        raise TransientError(f"{SHOP} sent an answer that is not valid JSON") from None
    if not isinstance(body, dict):
        raise TransientError(f"{SHOP} sent an answer that is not a JSON object")
    return body


@dataclass(frozen=True)
class Refusal:
    """The first entry of Shopware's error envelope."""

    status: int
    code: str = ""
    detail: str = ""
    pointer: str = ""  # JSON pointer of the offending field, e.g. /0/trackingCodes/1
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def illegal_transition(self) -> bool:
        return "ILLEGAL_STATE_TRANSITION" in self.code  # SYSTEM__… (6.5+; older shops alike)

    @property
    def unknown_entity(self) -> bool:
        return self.status == 404 or self.code.endswith(("INVALID_ENTITY_ID", "RESOURCE_NOT_FOUND"))


def read_refusal(response: httpx.Response) -> Refusal:
    refusal = Refusal(response.status_code)
    try:
        errors = response.json().get("errors")
        first = errors[0]
    except (ValueError, AttributeError, TypeError, IndexError, KeyError):
        return refusal
    if not isinstance(first, dict):
        return refusal
    source = first.get("source") if isinstance(first.get("source"), dict) else {}
    meta = first.get("meta") if isinstance(first.get("meta"), dict) else {}
    params = meta.get("parameters") if isinstance(meta.get("parameters"), dict) else {}
    return Refusal(response.status_code, str(first.get("code") or ""),
                   str(first.get("detail") or first.get("title") or "")[:300], str(source.get("pointer") or ""),
                   params)


class RefusalNotes:
    """``describe_error`` of the sender's HttpSession: describes an error answer (any Shopware
    code, not only FRAMEWORK__ ones) and keeps it, per thread, for the client to classify."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __call__(self, response: httpx.Response) -> str:
        refusal = read_refusal(response)
        self._local.last = refusal
        code = refusal.code if "__" in refusal.code else ""
        text = " ".join(part for part in (code, refusal.detail) if part)
        return f": {text[:200]}" if text else ""

    def take(self) -> Refusal | None:
        last = getattr(self._local, "last", None)
        self._local.last = None
        return last  # type: ignore[no-any-return]


class _Refusals:
    """Turns the shared layer's PermanentError for a status request into Conflict (illegal
    transition, 409) or a PermanentError that names the field and the shop's message."""

    def __init__(self, notes: RefusalNotes | None, what: str) -> None:
        self.notes = notes
        self.what = what

    def __enter__(self) -> None:
        if self.notes is not None:
            self.notes.take()  # forget an older request's answer

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if not isinstance(exc, PermanentError) or isinstance(exc, Conflict) or self.notes is None:
            return False
        refusal = self.notes.take()
        if refusal is None:
            return False
        shop_says = f"{refusal.code}: {refusal.detail}" if refusal.code and refusal.detail else refusal.detail
        if refusal.illegal_transition or refusal.status == 409:
            raise Conflict(f"the shop refused {self.what} in the current state ({shop_says})") from None
        if refusal.unknown_entity:
            raise PermanentError(f"the shop no longer knows the entity of {self.what} (HTTP {refusal.status}: "
                                 f"{shop_says})") from None
        where = f" in the field {refusal.pointer.split('/', 2)[-1]}" if refusal.pointer else ""
        raise PermanentError(f"the shop refused {self.what}{where} (HTTP {refusal.status}: {shop_says})") from None

