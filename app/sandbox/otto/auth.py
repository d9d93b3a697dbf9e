"""OAuth2 token endpoint emulation: client_credentials (also via HTTP Basic),
the legacy password grant and single-use refresh tokens.

Expiry is measured on the sandbox clock, so a test can advance time past
`expires_in` and watch the client refresh its token.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping

from werkzeug.wrappers import Response

from app.sandbox.otto.errors import json_response, oauth_error
from app.sandbox.tokens import TokenLedger, basic_credentials

DEFAULT_SCOPE = "orders shipments receipts"
REFRESH_TTL_S = 7200


class TokenIssuer:
    """Issues opaque bearer tokens and checks them on every API request."""

    def __init__(self, client_id: str, client_secret: str, ttl: int, now_ms: Callable[[], int]) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._tokens: TokenLedger[None] = TokenLedger(now_ms)
        self._refresh: dict[str, int] = {}

    @property
    def issued(self) -> int:
        return self._tokens.issued

    def token_endpoint(self, form: Mapping[str, str], authorization: str | None) -> Response:
        grant = form.get("grant_type")
        if not grant:
            return oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
        basic = basic_credentials(authorization)
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        if grant == "client_credentials":
            if client_id != self.client_id or secret != self.client_secret:
                return oauth_error(401, "invalid_client", "Invalid client credentials")
            return self._grant(form.get("scope") or DEFAULT_SCOPE, refresh=False)
        if grant == "password":
            if form.get("username") != self.client_id or form.get("password") != self.client_secret:
                return oauth_error(401, "invalid_grant", "Invalid user credentials")
            return self._grant(form.get("scope") or DEFAULT_SCOPE, refresh=True)
        if grant == "refresh_token":
            token = form.get("refresh_token") or ""
            with self._lock:
                expiry = self._refresh.pop(token, None)  # single use
            if expiry is None or expiry <= self._now_ms():
                return oauth_error(400, "invalid_grant", "Invalid refresh token")
            return self._grant(form.get("scope") or DEFAULT_SCOPE, refresh=True)
        return oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type '{grant}'")

    def _grant(self, scope: str, *, refresh: bool) -> Response:
        token = secrets.token_urlsafe(32)
        now = self._now_ms()
        body: dict[str, object] = {
            "access_token": token,
            "expires_in": self.ttl,
            "token_type": "bearer",
            "scope": scope,
            "not-before-policy": 0,
        }
        self._tokens.issue(token, self.ttl, None)
        with self._lock:
            if refresh:
                refresh_token = secrets.token_urlsafe(32)
                self._refresh[refresh_token] = now + REFRESH_TTL_S * 1000
                body.update(refresh_token=refresh_token, refresh_expires_in=REFRESH_TTL_S)
                body["session_state"] = secrets.token_hex(8)
        return json_response(body)

    def check(self, authorization: str | None) -> str | None:
        """None if the bearer token is valid, else the reason for a 401."""
        if not authorization:
            return "Missing Authorization header"
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "Authorization header must be 'Bearer <access_token>'"
        found = self._tokens.find(token.strip())
        if found is None:
            return "Access token is invalid"
        if found[0]:
            return "Access token has expired"
        return None

    def expire_all(self) -> int:
        with self._lock:
            self._refresh.clear()
        return self._tokens.clear()
