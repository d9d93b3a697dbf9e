"""Kaufland's HMAC request signing as an httpx auth flow.

httpx runs the auth flow for every request it sends, and HttpSession builds a new request
for every attempt, so each retry (after a 429, a 503, a dropped connection) is signed
afresh with the current timestamp: a retry after a long Retry-After never carries a stale
`Shop-Timestamp`. Kaufland has no tokens; a 401 means the keys or the clock are wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Generator

import httpx


def sign(secret_key: str, method: str, url: str, body: bytes, timestamp: str) -> str:
    """Lowercase hex HMAC-SHA256, keyed with the secret key as a plain string, over
    METHOD \\n FULL_URL \\n BODY \\n TIMESTAMP (the absolute URL exactly as sent, query included)."""
    message = b"\n".join((method.encode(), url.encode(), body, timestamp.encode()))
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


class KauflandSigner(httpx.Auth):
    requires_request_body = True  # the body is part of the signature

    def __init__(self, client_key: str, secret_key: str, clock: Callable[[], float] = time.time) -> None:
        self._client_key = client_key
        self._secret_key = secret_key
        self._clock = clock  # wall-clock seconds: Kaufland allows a few minutes of skew

    def __repr__(self) -> str:  # never show the secret in a traceback or log
        return "KauflandSigner(<keys hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(int(self._clock()))
        request.headers["Shop-Client-Key"] = self._client_key
        request.headers["Shop-Timestamp"] = timestamp
        request.headers["Shop-Signature"] = sign(self._secret_key, request.method, str(request.url),
                                                 request.content, timestamp)  # fmt: skip
        yield request
