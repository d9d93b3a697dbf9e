"""`POST /api/oauth/token` with the client_credentials grant of an integration, and the bearer
check in front of every other API route.

Tokens are JWT-shaped, live `ttl` seconds **of the sandbox clock** (Shopware: 10 minutes) and
come without a refresh token. Failures use league/oauth2-server's codes inside Shopware's
error envelope (errors.py); the hints of an API call's 401 say whether the header was missing,
the token unknown or expired.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from app.sandbox.tokens import TokenLedger
from app.sandbox.shopware.errors import INVALID_CLIENT, INVALID_REQUEST, UNSUPPORTED_GRANT, json_response, oauth_error


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_form(request: Request) -> dict[str, object]:
    """Shopware takes the token request as JSON or as a form."""
    if request.mimetype == "application/json" or request.get_data()[:1] == b"{":
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return dict(request.form)


class TokenIssuer:
    def __init__(self, client_id: str, client_secret: str, ttl: int, now_ms: Callable[[], int]) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self._now_ms = now_ms
        self._tokens: TokenLedger[None] = TokenLedger(now_ms)

    @property
    def issued(self) -> int:
        return self._tokens.issued

    def token_endpoint(self, request: Request) -> Response:
        form = read_form(request)
        grant = form.get("grant_type")
        if grant != "client_credentials":  # password/refresh grants are for admin users, not emulated
            return oauth_error(UNSUPPORTED_GRANT, "Check that all required parameters have been provided")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if not isinstance(client_id, str) or not client_id:
            return oauth_error(INVALID_REQUEST, "Check the `client_id` parameter")
        if client_id != self.client_id or secret != self.client_secret:
            return oauth_error(INVALID_CLIENT, None)
        return json_response({"token_type": "Bearer", "expires_in": self.ttl, "access_token": self._issue()})

    def _issue(self) -> str:
        now = self._now_ms()
        claims = {"aud": self.client_id, "jti": secrets.token_hex(40),
                  "iat": now // 1000, "nbf": now // 1000, "exp": now // 1000 + self.ttl, "sub": "", "scopes": ["write"]}
        token = ".".join((_b64({"typ": "JWT", "alg": "RS256"}), _b64(claims), _b64(secrets.token_bytes(64))))
        self._tokens.issue(token, self.ttl, None)
        return token

    def check(self, authorization: str | None) -> str | None:
        """None if the bearer token is valid, else the hint for the 401."""
        if not authorization:
            return 'Missing "Authorization" header'
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "The JWT string must have two dots"
        found = self._tokens.find(token.strip())
        if found is None:
            return "Access token could not be verified"
        if found[0]:
            return "Access token is expired"
        return None

    def expire_all(self) -> int:
        return self._tokens.clear()
