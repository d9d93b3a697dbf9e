"""Thin httpx client for the Shopware 6 Admin API: the integration's token and order search.

All requests go through the shared HttpSession (retries, Retry-After, pacing, renewal on 401);
this module only knows Shopware's paths, its error envelope and its token endpoint.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

import httpx

from app.channels.errors import AuthError, PermanentError, TransientError
from app.channels.http import HttpSession, RateLimiter, retry_after_seconds
from app.channels.tokens import CachedToken

TOKEN_PATH = "/api/oauth/token"
SEARCH_PATH = "/api/search/order"
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


def decode_search(response: httpx.Response) -> dict[str, Any]:
    """A search result in the simple format; a garbled one is worth fetching again."""
    if "vnd.api+json" in response.headers.get("content-type", ""):  # a proxy dropped our Accept header?
        raise PermanentError(f"{SHOP} answered in the JSON:API format although the simple format was requested")
    try:
        body = json.loads(response.content)
    except ValueError:
        raise TransientError(f"{SHOP} sent a search result that is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise TransientError(f"{SHOP} sent a search result without a list of orders")
    return body


class ShopwareClient:
    def __init__(self, session: HttpSession, token: ShopwareToken) -> None:
        self.session = session
        self.token = token

    def search_orders(self, criteria: dict[str, Any]) -> dict[str, Any]:
        """POST /api/search/order in the simple format (`Accept: application/json`)."""
        return self.session.request("POST", SEARCH_PATH, json=criteria, auth=self.token,  # type: ignore[no-any-return]
                                    headers={"Accept": "application/json"}, decode=decode_search)
