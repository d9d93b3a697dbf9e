"""A bare-httpx client of the Amazon sandbox for tests: no code under test in between."""

from __future__ import annotations

from typing import Any

import httpx

from app.sandbox.server import SandboxServer

ORDERS_PII = [{"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}]
EPOCH = "2000-01-01T00:00:00Z"


def start_sandbox(**kwargs: Any) -> SandboxServer:
    """The sandbox server on a free loopback port, with only Amazon seeded."""
    kwargs.setdefault("orders", 60)
    return SandboxServer(port=0, rate_limit=None, seeded=["amazon"], **kwargs).start()


class AmazonApi:
    def __init__(self, server) -> None:  # type: ignore[no-untyped-def]
        info = server.describe()["amazon"]
        self.base_url = str(info["base_url"])
        self.credentials: dict[str, str] = dict(info["credentials"])
        self.marketplace = self.credentials["marketplace_id"]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    # -- auth ---------------------------------------------------------------------------
    def lwa(self, **override: str) -> httpx.Response:
        form = {"grant_type": "refresh_token", **{k: self.credentials[k] for k in
                                                  ("client_id", "client_secret", "refresh_token")}, **override}
        return self.http.post("/auth/o2/token", data={k: v for k, v in form.items() if v is not None})

    def login(self) -> str:
        response = self.lwa()
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def rdt_response(self, token: str, resources: Any = ORDERS_PII) -> httpx.Response:
        return self.http.post("/tokens/2021-03-01/restrictedDataToken", json={"restrictedResources": resources},
                              headers={"x-amz-access-token": token})

    def rdt(self, token: str, resources: Any = ORDERS_PII) -> str:
        response = self.rdt_response(token, resources)
        assert response.status_code == 200, response.text
        return response.json()["restrictedDataToken"]

    # -- API -----------------------------------------------------------------------------
    def get(self, path: str, token: str | None, **params: Any) -> httpx.Response:
        headers = {"x-amz-access-token": token} if token else {}
        return self.http.get(path, params=params, headers=headers)

    def orders_page(self, token: str, **params: Any) -> httpx.Response:
        params.setdefault("MarketplaceIds", self.marketplace)
        return self.get("/orders/v0/orders", token, **params)

    def all_orders(self, token: str, **params: Any) -> list[dict]:
        """Every order of a getOrders pagination, in the order served."""
        params.setdefault("LastUpdatedAfter", EPOCH)
        out: list[dict] = []
        while True:
            response = self.orders_page(token, **params)
            assert response.status_code == 200, response.text
            payload = response.json()["payload"]
            out.extend(payload["Orders"])
            if "NextToken" not in payload:
                return out
            params["NextToken"] = payload["NextToken"]

    # -- control ---------------------------------------------------------------------------
    def control(self, method: str, path: str, body: dict | None = None, *, expect: int = 200) -> dict:
        response = self.http.request(method, f"/_sandbox{path}", json=body)
        assert response.status_code == expect, response.text
        return response.json() if response.content else {}

    def truth(self) -> dict[str, dict]:
        return {o["id"]: o for o in self.control("GET", "/orders")["orders"]}

    def state(self) -> dict:
        return self.control("GET", "/state")
