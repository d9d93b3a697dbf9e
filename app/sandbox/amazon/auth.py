"""Login with Amazon (refresh-token grant) and Restricted Data Tokens.

An LWA access token opens the Orders API without PII. A Restricted Data Token, created with
an LWA token for named (method, path, dataElements) resources, is sent in the same
`x-amz-access-token` header and opens exactly those resources with the PII they name.
Both expire on the sandbox clock, so a test can advance time past `expires_in`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from werkzeug.wrappers import Response

from app.sandbox.amazon.errors import (
    LWA_CONTENT_TYPE,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    TOKEN_MISSING,
    api_error,
    json_response,
    lwa_error,
)
from app.sandbox.amazon.model import MARKETPLACE_ID
from app.sandbox.amazon.render import BUYER_INFO, SHIPPING_ADDRESS
from app.sandbox.tokens import TokenLedger

DEFAULT_TTL = 3600  # LWA access tokens and RDTs both live an hour
ORDER_PATH = r"/orders/v0/orders/(?:\{orderId\}|[A-Za-z0-9-]{1,40})"
# Restricted operations: path pattern -> data elements a request may name (None: implied by the path).
RESTRICTED: tuple[tuple[re.Pattern[str], frozenset[str] | None, int], ...] = (
    (re.compile(r"/orders/v0/orders"), frozenset({"buyerInfo", "shippingAddress", "buyerTaxInformation"}), 0),
    (re.compile(ORDER_PATH), frozenset({"buyerInfo", "shippingAddress", "buyerTaxInformation"}), 0),
    (re.compile(ORDER_PATH + "/orderItems"), frozenset({"buyerInfo"}), 0),
    (re.compile(ORDER_PATH + "/address"), None, SHIPPING_ADDRESS),
    (re.compile(ORDER_PATH + "/buyerInfo"), None, BUYER_INFO),
    (re.compile(ORDER_PATH + "/orderItems/buyerInfo"), None, BUYER_INFO),
)
ELEMENT_BITS = {"shippingAddress": SHIPPING_ADDRESS, "buyerInfo": BUYER_INFO, "buyerTaxInformation": 0}


def seeded_credentials(seed: int) -> dict[str, str]:
    """The seller's app and authorisation, derived from the seed (secrets >= 8 characters)."""
    digest = hashlib.sha256(f"amazon-sandbox-{seed}".encode()).hexdigest()
    return {
        "client_id": f"amzn1.application-oa2-client.{digest[:32]}",
        "client_secret": f"amzn1.oa2-cs.v1.{digest[32:64]}",
        "refresh_token": f"Atzr|{hashlib.sha256(digest.encode()).hexdigest()}",
        "marketplace_id": MARKETPLACE_ID,
    }


@dataclass(frozen=True)
class Grant:
    """One restricted resource an RDT opens: request pattern and the PII bits it unlocks."""

    method: str
    pattern: re.Pattern[str]
    pii: int


@dataclass(frozen=True)
class Access:
    """What a valid token may see on this request; `problem` set means 403."""

    pii: int = 0
    problem: str | None = None


class TokenIssuer:
    def __init__(self, credentials: Mapping[str, str], ttl: int, now: Callable[[], int]) -> None:
        self.credentials = dict(credentials)
        self.ttl = ttl
        self._now = now
        self._access: TokenLedger[bool] = TokenLedger(now)  # LWA token -> does it open the seller's data?
        self._restricted: TokenLedger[tuple[Grant, ...]] = TokenLedger(now)  # RDT -> what it opens

    @property
    def issued(self) -> int:
        return self._access.issued

    @property
    def restricted_issued(self) -> int:
        return self._restricted.issued

    # -- Login with Amazon -----------------------------------------------------------
    def lwa_endpoint(self, form: Mapping[str, str]) -> Response:
        grant = form.get("grant_type")
        if not grant:
            return lwa_error(400, "invalid_request", "The request is missing a required parameter : grant_type")
        if grant not in ("refresh_token", "client_credentials"):
            return lwa_error(400, "unsupported_grant_type", f"The authorization grant type is not supported : {grant[:40]}")
        for name in ("client_id", "client_secret") + (("refresh_token",) if grant == "refresh_token" else ()):
            if not form.get(name):
                return lwa_error(400, "invalid_request", f"The request is missing a required parameter : {name}")
        if (form["client_id"], form["client_secret"]) != (self.credentials["client_id"],
                                                          self.credentials["client_secret"]):
            return lwa_error(401, "invalid_client", "Client authentication failed")
        if grant == "client_credentials":  # grantless: no seller behind it, so no orders either
            if not form.get("scope"):
                return lwa_error(400, "invalid_scope", "The request has an invalid parameter : scope")
            return self._grant(refresh=None, for_seller=False)
        if form["refresh_token"] != self.credentials["refresh_token"]:
            return lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        return self._grant(refresh=form["refresh_token"], for_seller=True)

    def _grant(self, *, refresh: str | None, for_seller: bool) -> Response:
        """A new access token; only one issued for the seller (refresh grant) opens the Orders API."""
        token = "Atza|" + secrets.token_urlsafe(48)
        self._access.issue(token, self.ttl, for_seller)
        body: dict[str, object] = {"access_token": token, "token_type": "bearer", "expires_in": self.ttl}
        if refresh:
            body["refresh_token"] = refresh  # LWA echoes the refresh token it was given
        return json_response(body, content_type=LWA_CONTENT_TYPE)

    # -- Restricted Data Tokens ------------------------------------------------------
    def create_restricted(self, body: object) -> Response:
        """POST /tokens/2021-03-01/restrictedDataToken (the caller checked the LWA token)."""
        resources = body.get("restrictedResources") if isinstance(body, dict) else None
        if not isinstance(resources, list) or not resources:
            return _invalid("Resource not provided.")
        grants = []
        for resource in resources:
            grant = _grant_for(resource)
            if isinstance(grant, str):
                return _invalid(grant)
            grants.append(grant)
        token = "Atz.sprdt|" + secrets.token_urlsafe(48)
        self._restricted.issue(token, self.ttl, tuple(grants))
        return json_response({"restrictedDataToken": token, "expiresIn": self.ttl})

    # -- checking ----------------------------------------------------------------------
    def check(self, token: str | None, method: str, path: str, *, lwa_only: bool = False) -> Access:
        if not token:
            return Access(problem=TOKEN_MISSING)
        access = self._access.find(token)
        if access is not None:
            if not access[1]:  # grantless: no seller behind it, so it opens nothing here
                return Access(problem=TOKEN_INVALID)
            return Access(problem=TOKEN_EXPIRED) if access[0] else Access()
        restricted = self._restricted.find(token)
        if restricted is None:
            return Access(problem=TOKEN_INVALID)
        if restricted[0]:
            return Access(problem=TOKEN_EXPIRED)
        if not lwa_only:
            for grant in restricted[1]:
                if grant.method == method and grant.pattern.fullmatch(path):
                    return Access(pii=grant.pii)
        # An RDT opens only the resources it was created for.
        return Access(problem="The restricted data token does not grant access to this resource.")

    def expire_all(self) -> int:
        return self._access.clear() + self._restricted.clear()


def _invalid(details: str) -> Response:
    return api_error(400, "InvalidInput", "Request is missing or has invalid parameters", details)


def _grant_for(resource: object) -> Grant | str:
    """A Grant, or the reason the resource is not acceptable."""
    if not isinstance(resource, dict):
        return "Resource not provided."
    method, path, elements = resource.get("method"), resource.get("path"), resource.get("dataElements")
    if method not in ("GET", "PUT", "POST", "DELETE"):
        return "Invalid method."
    if not isinstance(path, str) or not path:
        return "Resource not provided."
    for pattern, allowed, implied in RESTRICTED:
        if not pattern.fullmatch(path):
            continue
        if method != "GET":
            return f"{method} {path} is not a restricted operation."
        if allowed is None:
            if elements:
                return f"dataElements are not supported for {path}."
            return Grant(method, _request_pattern(path), implied)
        if not isinstance(elements, list) or not elements or any(e not in allowed for e in elements):
            return f"dataElements for {path} must be a non-empty subset of {', '.join(sorted(allowed))}."
        return Grant(method, _request_pattern(path), sum({ELEMENT_BITS[e] for e in elements}))
    return f"{path} is not a restricted resource."


def _request_pattern(path: str) -> re.Pattern[str]:
    """The resource path as a pattern for request paths: '{orderId}' stands for any order."""
    return re.compile(re.escape(path).replace(re.escape("{orderId}"), "[^/]+"))

