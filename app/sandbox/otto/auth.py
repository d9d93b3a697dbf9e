"""OAuth2 token endpoint emulation: client_credentials (also via HTTP Basic),
the legacy password grant and single-use refresh tokens.

Expiry is measured on the sandbox clock, so a test can advance time past
`expires_in` and watch the client refresh its token.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from collections.abc import Callable, Mapping

from werkzeug.wrappers import Response

from app.sandbox.otto.errors import json_response, oauth_error

DEFAULT_SCOPE = "orders shipments receipts"
REFRESH_TTL_S = 7200


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


class TokenIssuer:
    """Issues opaque bearer tokens and checks them on every API request."""

    def __init__(self, client_id: str, client_secret: str, ttl: int, now_ms: Callable[[], int]) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._tokens: dict[str, int] = {}  # access token -> expiry (ms, sandbox clock)
        self._refresh: dict[str, int] = {}
        self.issued = 0

    def token_endpoint(self, form: Mapping[str, str], authorization: str | None) -> Response:
        grant = form.get("grant_type")
        if not grant:
            return oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
        basic = _basic_credentials(authorization)
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
        with self._lock:
            if len(self._tokens) > 10_000:
                self._tokens = {t: e for t, e in self._tokens.items() if e > now}
            self._tokens[token] = now + self.ttl * 1000
            self.issued += 1
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
        with self._lock:
            expiry = self._tokens.get(token.strip())
        if expiry is None:
            return "Access token is invalid"
        if expiry <= self._now_ms():
            return "Access token has expired"
        return None

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
            self._refresh.clear()
        return count
