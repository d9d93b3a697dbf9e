"""Talking to the sandbox in tests without going through the code under test."""

from __future__ import annotations

import json

import httpx


def control(sandbox, method: str, path: str, body: dict | None = None) -> dict:
    base = sandbox.describe()["otto"]["base_url"]
    response = httpx.request(method, f"{base}/_sandbox{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json() if response.content else {}


def truth(sandbox) -> dict[str, dict]:
    """Every order the sandbox holds, read with bare httpx: salesOrderId -> order JSON."""
    info = sandbox.describe()["otto"]
    with httpx.Client(base_url=info["base_url"], timeout=30) as client:
        token = client.post("/v1/token", data={"grant_type": "client_credentials", **info["credentials"]}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        params: dict = {"limit": 128, "fromDate": "2000-01-01T00:00:00.000+00:00"}
        orders: dict[str, dict] = {}
        while True:
            body = client.get("/v4/orders", params=params, headers=headers).content
            page = json.loads(body.decode("utf-8", "surrogateescape"))  # the sandbox may serve broken bytes
            for order in page["resources"]:
                orders[order["salesOrderId"]] = order
            nxt = [link["href"] for link in page.get("links", []) if link.get("rel") == "next"]
            if not nxt:
                return orders
            params = {"limit": 128, "nextcursor": httpx.URL(nxt[0]).params["nextcursor"]}
