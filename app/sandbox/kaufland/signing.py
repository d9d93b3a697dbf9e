"""Kaufland's request signing, checked the way the real service does it.

Every API request carries `Shop-Client-Key`, `Shop-Timestamp` (unix seconds) and
`Shop-Signature` = hex HMAC-SHA256, keyed with the secret key as a plain string, over
METHOD + "\\n" + FULL_URL + "\\n" + BODY + "\\n" + TIMESTAMP. FULL_URL is the absolute URL the
client sent, query string included, so it is rebuilt from the request exactly as it
arrived (scheme, Host header, mount prefix + path, raw query string).

The timestamp window is checked against real wall-clock time, not the sandbox clock:
tests move the sandbox clock by hours while clients sign with their own clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote

from werkzeug.wrappers import Request

from app.sandbox.kaufland.config import KauflandConfig
from app.sandbox.kaufland.errors import Problem, header_problem

SIGNING_HEADERS = ("Shop-Client-Key", "Shop-Timestamp", "Shop-Signature")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def signature(secret: str, method: str, url: str, body: bytes, timestamp: str, *, encoding: str = "hex") -> str:
    message = b"\n".join((method.encode(), url.encode(), body, timestamp.encode()))
    digest = hmac.new(secret.encode(), message, hashlib.sha256)
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


def full_url(environ: dict) -> str:
    """The absolute URL as the client addressed it (what it signed)."""
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = environ.get("SERVER_PORT")
        if port and port not in ("80", "443"):
            host = f"{host}:{port}"
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe=_PATH_SAFE)
    query = environ.get("QUERY_STRING", "")
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")


class SignatureCheck:
    """Verifies one seller's signed requests; raises Problem (401) with Kaufland's problem types."""

    def __init__(self, client_key: str, secret_key: str, config: KauflandConfig, *,
                 wall_clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.client_key = client_key
        self.secret_key = secret_key
        self.config = config  # tolerance, encoding and User-Agent rule are switches
        self.wall_clock = wall_clock

    def verify(self, request: Request) -> None:
        headers, config = request.headers, self.config
        for name in SIGNING_HEADERS:
            if not headers.get(name, "").strip():
                raise header_problem(name, "header is missing")
        if config.require_user_agent and not headers.get("User-Agent", "").strip():
            raise header_problem("User-Agent", "a User-Agent naming the integration is required")
        stamp = headers["Shop-Timestamp"].strip()
        if not (stamp.isascii() and stamp.isdigit()):
            raise header_problem("Shop-Timestamp", "must be a unix timestamp in seconds")
        tolerance = config.timestamp_tolerance
        if abs(self.wall_clock() - int(stamp)) > tolerance:
            raise header_problem("Shop-Timestamp", f"is more than {tolerance} seconds away from the server time")
        if not _same(headers["Shop-Client-Key"].strip(), self.client_key):
            raise Problem(401, "/problems/invalid-credentials", "The client key is not valid")
        url, body = full_url(request.environ), request.get_data(cache=True)
        sent = headers["Shop-Signature"].strip()
        encodings = ("hex", "base64") if config.signature_encoding == "either" else (config.signature_encoding,)
        if not any(_same(sent, signature(self.secret_key, request.method, url, body, stamp, encoding=encoding))
                   for encoding in encodings):  # fmt: skip
            raise Problem(401, "/problems/corrupted-signature", "The signature of the request is not valid")


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also copes with non-ASCII header values."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())
