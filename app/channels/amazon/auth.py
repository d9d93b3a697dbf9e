"""Login with Amazon access tokens and Restricted Data Tokens, as TokenSources for HttpSession.

Both travel in `x-amz-access-token`. The LWA token (refresh-token grant, an hour) opens the
Orders API without personal data; the RDT, created with the LWA token for getOrders with the
data elements buyerInfo and shippingAddress, makes getOrders include addresses and buyer
e-mails. One RDT serves a whole fetch and is renewed when it expires; Amazon answers an
expired or invalid token with 403 "Unauthorized", which `token_rejected` recognises so the
session renews the token once and repeats the request.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

from app.channels.errors import AuthError, PermanentError, TransientError
from app.channels.http import RateLimiter
from app.channels.tokens import CachedToken

LWA_PRODUCTION_URL = "https://api.amazon.com/auth/o2/token"
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
# What getOrders may reveal with the RDT: one token for every order of the fetch.
ORDERS_PII = [{"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}]


def lwa_url(base_url: str) -> str:
    """Amazon's own hosts use the real Login with Amazon service; anything else (the
    sandbox, a proxy) is expected to answer at the same path under its base URL."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "amazon.com" or host.endswith(".amazon.com"):
        return LWA_PRODUCTION_URL
    return base_url.rstrip("/") + "/auth/o2/token"


def error_code(response: httpx.Response) -> str:
    """The first `errors[].code` of an SP-API error body, or ""."""
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("code") or "")
    return ""


def token_rejected(response: httpx.Response) -> bool:
    """Amazon's answer to a missing, invalid or expired access token: 403 Unauthorized."""
    return response.status_code == 403 and error_code(response) == "Unauthorized"


class _CachedToken(CachedToken):
    """A token and when to stop using it, guarded for the prefetch thread; sent without a
    scheme in `x-amz-access-token`."""

    header_name = "x-amz-access-token"
    prefix = ""


class LwaToken(_CachedToken):
    def __init__(self, url: str, client_id: str, client_secret: str, refresh_token: str) -> None:
        super().__init__()
        self._url = url
        self._form = {"grant_type": "refresh_token", "refresh_token": refresh_token,
                      "client_id": client_id, "client_secret": client_secret}

    def _fetch(self, client: httpx.Client) -> tuple[str, int]:
        self.requests_sent += 1
        try:
            response = client.post(self._url, data=self._form)
        except httpx.HTTPError as exc:
            raise TransientError(f"Login with Amazon could not be reached ({type(exc).__name__})") from None
        status = response.status_code
        if status in (400, 401, 403):
            reason = _lwa_error(response)
            raise AuthError("Login with Amazon rejected the app's client id or secret or the seller's refresh "
                            f"token (HTTP {status}{': ' + reason if reason else ''})")
        if status >= 300:
            raise TransientError(f"Login with Amazon answered HTTP {status}")
        return _read_token(response, "access_token", "expires_in", "Login with Amazon")


class RestrictedDataToken(_CachedToken):
    """One RDT for the given resources, created with the LWA token, paced by its own quota."""

    def __init__(self, lwa: LwaToken, resources: list[dict[str, Any]], limiter: RateLimiter,
                 sleep: Callable[[float], None]) -> None:
        super().__init__()
        self._lwa = lwa
        self._body = {"restrictedResources": resources}
        self._limiter = limiter
        self._sleep = sleep

    def _fetch(self, client: httpx.Client) -> tuple[str, int]:
        response = self._post(client)
        if token_rejected(response):  # the LWA token expired: renew it once
            self._lwa.invalidate()
            response = self._post(client)
        status = response.status_code
        if status == 403:
            raise AuthError("Amazon refused a restricted data token for buyer addresses (HTTP 403): "
                            "the app needs the role for personal data, or the seller's authorisation was withdrawn")
        if status == 429:
            raise TransientError("Amazon's quota for restricted data tokens was exceeded (HTTP 429)")
        if status >= 500 or status == 408:
            raise TransientError(f"Amazon's Tokens API had an internal error (HTTP {status})")
        if status >= 300:
            raise PermanentError(f"Amazon rejected the restricted data token request (HTTP {status})")
        return _read_token(response, "restrictedDataToken", "expiresIn", "Amazon's Tokens API")

    def _post(self, client: httpx.Client) -> httpx.Response:
        self._limiter.acquire(self._sleep)
        headers = self._lwa.header(client)
        self.requests_sent += 1
        try:
            response = client.post(RDT_PATH, json=self._body, headers=headers)
            response.read()
        except httpx.TimeoutException:
            raise TransientError("Amazon's Tokens API did not answer in time") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise TransientError(f"the connection to Amazon's Tokens API failed ({type(exc).__name__})") from None
        return response


def _lwa_error(response: httpx.Response) -> str:
    """LWA's `error` code (invalid_client, invalid_grant, ...): safe to show, never a secret."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) and error.replace("_", "").isalnum() and len(error) < 40 else ""


def _read_token(response: httpx.Response, token_key: str, lifetime_key: str, service: str) -> tuple[str, int]:
    try:
        body = response.json()
        token, lifetime = body[token_key], int(body.get(lifetime_key, 3600))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TransientError(f"{service} sent an unreadable answer") from None
    if not isinstance(token, str) or not token:
        raise TransientError(f"{service} sent an unreadable answer")
    return token, lifetime
