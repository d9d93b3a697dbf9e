"""The eBay sandbox alone on a loopback port, a bare client for it, and checks of bodies against
the published OpenAPI document (its schemas, and no keys it does not define).

The sandbox is served by werkzeug, mounted at /ebay as in SandboxServer, but without the four
other marketplaces SandboxServer seeds: these tests start many sandboxes with their own settings.
(The channel and contract tests use SandboxServer itself.)"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from app.sandbox.clock import SandboxClock
from app.sandbox.ebay import EbaySandbox
from app.sandbox.settings import SandboxSettings
from tests.spec_validation import SPECS, validate

SPEC = "ebay/sell_fulfillment_v1_oas3.json"
ORDERS = "/sell/fulfillment/v1/order"
TOKEN = "/identity/v1/oauth2/token"
FULFILLMENT_SCOPE = "https://api.ebay.com/oauth/api_scope/sell.fulfillment"
_SCHEMAS: dict[str, Any] = json.loads((SPECS / SPEC).read_text(encoding="utf-8"))["components"]["schemas"]


def undeclared(body: Any, schema: str, path: str = "$") -> list[str]:
    """Keys the document does not define (its schemas allow extra keys, eBay's real answers do not have them)."""
    node = _SCHEMAS[schema]
    if not isinstance(body, dict):
        return []
    problems = []
    for key, value in body.items():
        field = node.get("properties", {}).get(key)
        if field is None:
            problems.append(f"{path}.{key}")
            continue
        ref = field.get("$ref") or field.get("items", {}).get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[1]
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                problems += undeclared(item, name, f"{path}.{key}[{i}]")
    return problems


def conforms(body: Any, schema: str) -> None:
    validate(SPEC, schema, body)
    assert undeclared(body, schema) == []


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


class EbayServer:
    """EbaySandbox(settings) served over HTTP at http://127.0.0.1:<port>/ebay until stop()."""

    def __init__(self, **settings: Any) -> None:
        self.sandbox = EbaySandbox(SandboxSettings(**settings), SandboxClock())
        app = DispatcherMiddleware(NotFound(), {"/ebay": self.sandbox})
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/ebay"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class EbayApi:
    """Minimal client: login, raw calls, paging by `next` links, the control API."""

    def __init__(self, server: EbayServer) -> None:
        self.server = server
        self.sandbox = server.sandbox
        self.base_url = server.base_url
        self.credentials = dict(server.sandbox.credentials)
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self.login()

    def token_response(self, **form: str) -> httpx.Response:
        data = {"grant_type": "refresh_token", "refresh_token": self.credentials["refresh_token"],
                "scope": FULFILLMENT_SCOPE, **form}
        return self.http.post(TOKEN, data=data, headers=basic(self.credentials["client_id"],
                                                              self.credentials["client_secret"]))

    def login(self, **form: str) -> None:
        response = self.token_response(**form)
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params)

    def orders(self, **params: Any) -> httpx.Response:
        return self.get(ORDERS, **params)

    def pages(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Follow `next` links (full URIs) from a first request."""
        response = self.orders(**params)
        while True:
            assert response.status_code == 200, response.text
            page = response.json()
            yield page
            if "next" not in page:
                return
            assert page["next"].startswith(self.base_url + ORDERS + "?")
            response = self.http.get(page["next"])

    def all_orders(self, **params: Any) -> list[dict[str, Any]]:
        return [order for page in self.pages(**params) for order in page["orders"]]

    def order(self, oid: str) -> dict[str, Any]:
        response = self.get(f"{ORDERS}/{oid}")
        assert response.status_code == 200, response.text
        return response.json()

    def control(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.request(method, f"/_sandbox{path}", json=body)

    def ok(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        response = self.control(method, path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def advance(self, seconds: float) -> None:
        self.ok("POST", "/clock/advance", {"seconds": seconds})

    def close(self) -> None:
        self.http.close()


def error_of(response: httpx.Response, status: int, error_id: int) -> dict[str, Any]:
    """The single entry of eBay's error envelope, checked against the Error schema."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    entry = body["errors"][0]
    conforms(entry, "Error")
    assert entry["errorId"] == error_id and entry["message"] and entry["category"] in ("REQUEST", "APPLICATION")
    return entry
