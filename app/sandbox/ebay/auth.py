"""eBay's identity service (POST /identity/v1/oauth2/token) and the bearer check of every API call.

A desk holds the seller's long-lived refresh token (from the consent flow, which the
sandbox does not emulate) and trades it for 2-hour user access tokens:
  Authorization: Basic base64(client_id:client_secret)
  grant_type=refresh_token&refresh_token=...&scope=<space separated scopes>
`client_credentials` gives an application token, which the Fulfillment API refuses.
Expiry runs on the sandbox clock, so advancing it past `expires_in` expires tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping

from werkzeug.wrappers import Response

from app.sandbox.tokens import TokenLedger, basic_credentials
from app.sandbox.ebay.errors import (
    ApiError,
    insufficient_scope,
    invalid_token,
    json_response,
    missing_token,
    oauth_error,
)

SCOPE_ROOT = "https://api.ebay.com/oauth/api_scope"
FULFILLMENT = f"{SCOPE_ROOT}/sell.fulfillment"
FULFILLMENT_READ = f"{SCOPE_ROOT}/sell.fulfillment.readonly"
CONSENTED_SCOPES = frozenset({SCOPE_ROOT, FULFILLMENT, FULFILLMENT_READ})  # what the seller agreed to
APP_SCOPES = frozenset({SCOPE_ROOT})
DEFAULT_TTL = 7200  # user access tokens live 2 hours (UNCONFIRMED from eBay's page text)
TOKEN_PREFIX = "v^1.1#i^1#p^3#r^1#I^3#f^0#t^"  # the look of eBay's opaque user tokens


def sandbox_credentials(seed: int) -> dict[str, str]:
    """Deterministic per seed, so a restarted sandbox keeps accepting a saved account."""
    digest = hashlib.sha256(f"ebay-sandbox-{seed}".encode()).hexdigest()
    return {
        "client_id": f"OrderDes-Sandbox-SBX-{digest[:9]}-{digest[9:17]}",
        "client_secret": f"SBX-{digest[17:29]}-{digest[29:33]}-{digest[33:37]}-{digest[37:41]}-{digest[41:45]}",
        "refresh_token": f"v^1.1#i^1#f^0#r^1#I^3#p^3#t^Ul4xMF8{digest[45:64]}{digest[:24]}==",
    }


class TokenService:
    def __init__(self, credentials: dict[str, str], ttl: int, now_ms: Callable[[], int]) -> None:
        self._client = (credentials["client_id"], credentials["client_secret"])
        self._refresh_token = credentials["refresh_token"]
        self.ttl = ttl
        self._now_ms = now_ms
        self._tokens: TokenLedger[frozenset[str]] = TokenLedger(now_ms)  # token -> its scopes

    @property
    def issued(self) -> int:
        return self._tokens.issued

    # -- POST /identity/v1/oauth2/token ----------------------------------------------------
    def token_endpoint(self, form: Mapping[str, str], authorization: str | None) -> Response:
        if basic_credentials(authorization) != self._client:
            return oauth_error(401, "invalid_client", "client authentication failed")
        grant = form.get("grant_type")
        if not grant:
            return oauth_error(400, "invalid_request", "request is missing a required parameter or malformed")
        if grant == "refresh_token":
            token = form.get("refresh_token")
            if not token:
                return oauth_error(400, "invalid_request", "request is missing a required parameter or malformed")
            if token != self._refresh_token:
                return oauth_error(400, "invalid_grant", "the provided authorization refresh token is invalid "
                                                         "or was issued to another client")
            return self._grant(form.get("scope"), CONSENTED_SCOPES, "User Access Token")
        if grant == "client_credentials":
            return self._grant(form.get("scope"), APP_SCOPES, "Application Access Token")
        if grant == "authorization_code":  # the sandbox runs no consent flow, so no code is ever valid
            return oauth_error(400, "invalid_grant",
                               "the provided authorization grant code is invalid or was issued to another client")
        return oauth_error(400, "unsupported_grant_type",
                           "grant type in request is not supported by the authorization server")

    def _grant(self, scope: str | None, allowed: frozenset[str], token_type: str) -> Response:
        # Omitted scope: everything the consent (or the app) allows. Asked scopes must be a subset.
        wanted = frozenset(scope.split()) if scope and scope.strip() else allowed
        if not wanted <= allowed:
            return oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, malformed, "
                                                     "or exceeds the scope granted to the client")
        token = TOKEN_PREFIX + secrets.token_urlsafe(48)
        self._tokens.issue(token, self.ttl, wanted)
        return json_response({"access_token": token, "expires_in": self.ttl, "token_type": token_type})

    # -- every API call -------------------------------------------------------------------------
    def check(self, authorization: str | None, *, write: bool) -> ApiError | None:
        """None when the bearer token may make this call, else the error eBay answers."""
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return missing_token()
        found = self._tokens.find(value.strip())
        if found is None or found[0]:
            return invalid_token()
        needed = {FULFILLMENT} if write else {FULFILLMENT, FULFILLMENT_READ}
        if not found[1] & needed:
            return insufficient_scope()
        return None

    def expire_all(self) -> int:
        return self._tokens.clear()
