"""Talking to the Shopware sandbox in tests with bare httpx, without the code under test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from app.sandbox.clock import SandboxClock
from app.sandbox.server import KeepAliveHandler, SandboxServer
from app.sandbox.settings import SandboxSettings
from app.sandbox.shopware import ShopwareSandbox

# What the desk's adapter asks for (kept here independently of app.channels.shopware.criteria).
FULL_ASSOCIATIONS: dict[str, Any] = {
    "stateMachineState": {}, "orderCustomer": {"associations": {"salutation": {}}}, "currency": {},
    "billingAddress": {"associations": {"country": {}, "salutation": {}}},
    "addresses": {"associations": {"country": {}, "salutation": {}}}, "lineItems": {},
    "deliveries": {"associations": {"stateMachineState": {}, "shippingMethod": {},
                                    "shippingOrderAddress": {"associations": {"country": {}, "salutation": {}}}}},
    "transactions": {"associations": {"stateMachineState": {}, "paymentMethod": {}}},
    "tags": {}, "documents": {},
}  # fmt: skip


class ShopServer:
    """Only the Shopware sandbox on a loopback port (real HTTP, the shared keep-alive handler):
    starting all five marketplaces of a SandboxServer for every test would cost ~0.7 s each."""

    def __init__(self, **settings: Any) -> None:
        self.clock = SandboxClock()
        self.app = ShopwareSandbox(SandboxSettings(**settings), self.clock)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=KeepAliveHandler)
        self._server.open_connections = set()  # type: ignore[attr-defined] - KeepAliveHandler's registry
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def describe(self) -> dict[str, dict[str, Any]]:
        return {"shopware": {"base_url": f"http://127.0.0.1:{self._server.server_port}",
                             "credentials": dict(self.app.credentials)}}

    def stop(self) -> None:
        self._server.shutdown()
        for conn in list(self._server.open_connections):  # type: ignore[attr-defined]
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        self._thread.join(5)


class Shop:
    """A logged-in Admin API client for one sandbox plus its control API."""

    def __init__(self, server: ShopServer | SandboxServer) -> None:
        self.server = server
        info = server.describe()["shopware"]
        self.base_url = str(info["base_url"])
        self.credentials: dict[str, str] = dict(info["credentials"])  # type: ignore[arg-type]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self.login()

    def login(self) -> None:
        response = self.token()
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def token(self, **override: str) -> httpx.Response:
        body = {"grant_type": "client_credentials", **self.credentials, **override}
        return self.http.post("/api/oauth/token", json=body, headers={"Authorization": ""})

    def search(self, criteria: dict | None = None, *, simple: bool = True, path: str = "/api/search/order",
               **headers: str) -> httpx.Response:
        accept = {"Accept": "application/json"} if simple else {}
        return self.http.post(path, json=criteria or {}, headers={**accept, **headers})

    def orders(self, criteria: dict | None = None) -> list[dict[str, Any]]:
        response = self.search(criteria)
        assert response.status_code == 200, response.text
        return response.json()["data"]  # type: ignore[no-any-return]

    def all_orders(self, criteria: dict | None = None, limit: int = 100) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            batch = self.orders({**(criteria or {}), "page": page, "limit": limit})
            yield from batch
            if len(batch) < limit:
                return
            page += 1

    def order(self, oid: str, associations: dict | None = None) -> dict[str, Any]:
        [found] = self.orders({"ids": [oid], "associations": associations or FULL_ASSOCIATIONS})
        return found

    def control(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.request(method, f"/_sandbox{path}", json=body)

    def ok(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        response = self.control(method, path, body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def truth(self) -> dict[str, dict[str, Any]]:
        return {o["id"]: o for o in self.ok("GET", "/orders")["orders"]}

    def add(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", "/orders", {"count": 1, **body})["orders"][0]  # type: ignore[no-any-return]

    def advance(self, seconds: float, *, relogin: bool = True) -> None:
        """Move the shared clock; the test client's token may expire on the way, so log in again."""
        self.ok("POST", "/clock/advance", {"seconds": seconds})
        if relogin:
            self.login()

    def state(self) -> dict[str, Any]:
        return self.ok("GET", "/state")

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def shopware():
    """Factory: serve a Shopware sandbox (SandboxSettings keywords) and return a logged-in Shop."""
    started: list[Shop] = []

    def make(**settings: Any) -> Shop:
        settings.setdefault("orders", 60)
        shop = Shop(ShopServer(**settings))
        started.append(shop)
        return shop

    yield make
    for shop in started:
        shop.close()
        shop.server.stop()
