"""The eBay sandbox over HTTP for the channel tests, and a bare client that bypasses the code under test."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.server import SandboxServer

ORDERS = "/sell/fulfillment/v1/order"


class EbayMarket:
    """The eBay sandbox seen through its control API and a hand-rolled getOrders client."""

    def __init__(self, server: SandboxServer) -> None:
        info = server.describe()["ebay"]
        self.server = server
        self.base_url = str(info["base_url"])
        self.credentials: dict[str, str] = dict(info["credentials"])  # type: ignore[arg-type]

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=body, timeout=30)
        assert response.status_code < 300, response.text
        return response.json() if response.content else {}

    def truth(self) -> dict[str, dict]:
        return {o["id"]: o for o in self.control("GET", "/orders")["orders"]}

    def state(self) -> dict:
        return self.control("GET", "/state")

    def raw_orders(self) -> dict[str, dict]:
        """Every order as getOrders serves it (no filter: the last 90 days)."""
        creds = self.credentials
        basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            token = client.post("/identity/v1/oauth2/token", headers={"Authorization": f"Basic {basic}"},
                                data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            orders: dict[str, dict] = {}
            url: str | None = f"{ORDERS}?limit=1000"
            while url:
                page = client.get(url, headers=headers).json()
                orders.update((o["orderId"], o) for o in page["orders"])
                url = page.get("next")
            return orders


@pytest.fixture
def market() -> Iterator[EbayMarket]:
    server = SandboxServer(port=0, seed=5, orders=150, rate_limit=None, release_delay=1800.0,
                           seeded=["ebay"]).start()
    yield EbayMarket(server)
    server.stop()


@pytest.fixture
def ebay_account(app_ctx, market):
    record = app_ctx.accounts.add("ebay", "eBay Nord", market.base_url)
    app_ctx.secrets().save(record.secret_ref, dict(market.credentials))
    return record
