"""Talking to the Kaufland sandbox in tests without going through the code under test.

`serve()` starts the shared SandboxServer with only the Kaufland sandbox seeded (the other
marketplaces get no orders). `SignedClient` signs requests with its own few lines of HMAC,
written from the documented formula, not with the adapter's signer.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import httpx

from app.sandbox.kaufland import KauflandSandbox
from app.sandbox.server import SandboxServer
from app.sandbox.settings import SandboxSettings

SPEC = "kaufland/seller_api_v2.json"


def serve(**settings: Any) -> SandboxServer:
    """A started loopback server whose `kaufland` mount has these settings (others empty)."""
    server = SandboxServer(port=0, orders=0, rate_limit=None)
    sandbox = KauflandSandbox(SandboxSettings(**settings), server.clock)
    server.kaufland = server.mounts["kaufland"] = sandbox  # type: ignore[assignment]
    return server.start()


def signature(secret: str, method: str, url: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), f"{method}\n{url}\n".encode() + body + f"\n{timestamp}".encode(),
                    hashlib.sha256).hexdigest()  # fmt: skip


class SignedClient:
    """Bare httpx plus signing, paging and the control API."""

    def __init__(self, server: SandboxServer) -> None:
        info = server.describe()["kaufland"]
        self.base_url = str(info["base_url"])
        self.credentials: dict[str, str] = dict(info["credentials"])  # type: ignore[arg-type]
        self.http = httpx.Client(timeout=30, headers={"User-Agent": "OrderDesk tests", "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    def signed(self, method: str, path: str, *, params: Any = None, body: bytes = b"",
               skew: float = 0.0, secret: str | None = None, drop: str | None = None,
               sign_url: str | None = None, sign_body: bytes | None = None) -> httpx.Response:  # fmt: skip
        """Send a signed request; the keyword arguments break it in one controlled way."""
        request = self.http.build_request(method, self.base_url + path, params=params, content=body)
        stamp = str(int(time.time() + skew))
        url = sign_url if sign_url is not None else str(request.url)
        signed_body = sign_body if sign_body is not None else body
        request.headers["Shop-Client-Key"] = self.credentials["client_key"]
        request.headers["Shop-Timestamp"] = stamp
        request.headers["Shop-Signature"] = signature(secret or self.credentials["secret_key"], method, url,
                                                      signed_body, stamp)  # fmt: skip
        if drop:
            del request.headers[drop]
        return self.http.send(request)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.signed("GET", path, params=params or None)

    def data(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def all(self, path: str, limit: int = 100, **params: Any) -> list[dict]:
        """Every row of a list endpoint, page by page."""
        rows: list[dict] = []
        while True:
            page = self.get(path, limit=limit, offset=len(rows), **params).json()
            rows.extend(page["data"])
            if len(page["data"]) < limit:
                assert page["pagination"]["total"] == len(rows)
                return rows

    def control(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.request(method, f"{self.base_url}/_sandbox{path}", json=body)

    def ok(self, method: str, path: str, body: dict | None = None) -> Any:
        response = self.control(method, path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def state(self) -> dict:
        return self.ok("GET", "/state")
