"""The seller's eBay user access token, bought with the long-lived refresh token.

  POST {base}/identity/v1/oauth2/token
  Authorization: Basic base64(client_id:client_secret)
  grant_type=refresh_token&refresh_token=...&scope=https://api.ebay.com/oauth/api_scope/sell.fulfillment

Tokens live two hours; one is renewed five minutes early or when an API call says it
is no longer valid. The token endpoint has its own daily quota, paced by its own limiter.
"""

from __future__ import annotations

import base64
import time
from typing import Callable

import httpx

from app.channels.errors import AuthError, PermanentError, TransientError
from app.channels.http import RateLimiter
from app.channels.tokens import CachedToken

TOKEN_PATH = "/identity/v1/oauth2/token"
FULFILLMENT_SCOPE = "https://api.ebay.com/oauth/api_scope/sell.fulfillment"
RENEW_EARLY = 300.0  # seconds before expiry
# What each OAuth error means for the clerk; none of these gets better by retrying.
REFUSALS = {
    "invalid_client": "eBay rejected the app's client id or client secret (invalid_client)",
    "invalid_grant": "eBay rejected the refresh token (invalid_grant): the seller has to grant OrderDesk "
                     "access to the eBay account again",
    "invalid_scope": "eBay refused the permission to read orders (invalid_scope): the seller's consent "
                     "does not cover order fulfilment",
}


class EbayUserToken(CachedToken):
    """TokenSource for HttpSession: `header()` gives a valid bearer header, `invalidate()` forgets it."""

    def __init__(self, client_id: str, client_secret: str, refresh_token: str, *, limiter: RateLimiter,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._headers = {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"}
        self._form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "scope": FULFILLMENT_SCOPE}
        self._limiter = limiter
        self._sleep = sleep

    def invalidate(self) -> None:
        self._token = None  # one assignment: safe without the lock

    def usable_for(self, lifetime: float) -> float:
        return max(0.0, lifetime - RENEW_EARLY)

    def _fetch(self, client: httpx.Client) -> tuple[str, float]:
        self._limiter.acquire(self._sleep)
        self.requests_sent += 1
        try:
            response = client.post(TOKEN_PATH, data=self._form, headers=self._headers)
        except httpx.HTTPError as exc:
            raise TransientError(f"eBay's token service could not be reached ({type(exc).__name__})") from None
        status = response.status_code
        if status in (400, 401, 403):
            error = _oauth_error(response)
            if error in REFUSALS or status != 400:
                raise AuthError(REFUSALS.get(error, f"eBay refused the credentials (HTTP {status})"))
            raise PermanentError(f"eBay's token service rejected the request ({error or 'HTTP 400'})")
        if status == 429 or status >= 500:
            raise TransientError(f"eBay's token service answered HTTP {status}")
        if not 200 <= status < 300:
            raise PermanentError(f"eBay's token service answered HTTP {status}: is the address right?")
        try:
            body = response.json()
            return str(body["access_token"]), float(body.get("expires_in", 7200))
        except (ValueError, KeyError, TypeError):
            raise TransientError("eBay's token service sent an unreadable answer") from None


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return error[:60] if isinstance(error, str) else ""
