"""The web service under test: a client that checks every answer against the OpenAPI document,
orders written the way a fetch writes them, and a token."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from app.api.openapi import document
from app.domain.orders import Address, Channel, HoldReason, LineStatus, Order, OrderLine
from app.store import schema
from app.store.api_tokens import ApiTokenStore
from app.store.db import write_transaction
from app.store.order_writer import write_page

with warnings.catch_warnings():  # starlette asks for httpx2; httpx is what the project ships
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

DOCS_OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
ADDR = Address("Erika", "Beispiel", "Musterweg", "7a", "22089", "Hamburg", "DE", email="erika@example.de")
SHIP_FROM = {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"}
DHL = ["00340434161234567896", "00340434161234567902"]
DHL_RETURN = "00340434169999999990"
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)  # the tests' "fetch times", in the past


class SchemaCheck:
    """Validates an answer against the response the document declares for its path, method and status."""

    def __init__(self) -> None:
        self.doc = document()
        self.registry = Registry().with_resource("urn:test:openapi",
                                                 Resource.from_contents(self.doc, default_specification=DRAFT202012))
        self.checked = 0

    def validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"urn:test:openapi#{pointer}"}, registry=self.registry)

    def __call__(self, method: str, path: str, status: int, body: Any) -> None:
        operation = self.doc["paths"].get(path, {}).get(method.lower())
        if operation is None:  # unknown call or method: still the documented error shape
            assert status in (404, 405), (method, path, status)
            pointer = "/components/schemas/Error"
        else:
            assert str(status) in operation["responses"], f"{method} {path}: status {status} is not documented"
            schema_ = operation["responses"][str(status)]["content"]["application/json"]["schema"]
            pointer = schema_["$ref"][1:] if "$ref" in schema_ else None
            if pointer is None:
                Draft202012Validator(schema_).validate(body)
                self.checked += 1
                return
        errors = sorted(self.validator(pointer).iter_errors(body), key=str)
        assert not errors, f"{method} {path} {status}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
        self.checked += 1


class Api:
    """A Starlette TestClient whose every answer is checked against the OpenAPI document."""

    def __init__(self, app: Any, token: str | None) -> None:
        self.client = TestClient(app, raise_server_exceptions=True)
        self.token = token
        self.check = SchemaCheck()

    def request(self, method: str, path: str, *, token: str | None | bool = True, headers: dict | None = None,
                **kw: Any):  # type: ignore[no-untyped-def]
        headers = dict(headers or {})
        if token is True and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif isinstance(token, str):
            headers["Authorization"] = token
        response = self.client.request(method, path, headers=headers, **kw)
        assert response.headers["content-type"].startswith("application/json"), response.headers
        self.check(method, path.split("?")[0], response.status_code, response.json())
        return response

    def get(self, path: str, **kw: Any):  # type: ignore[no-untyped-def]
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any):  # type: ignore[no-untyped-def]
        return self.request("POST", path, **kw)

    def orders(self, **params: Any) -> dict:
        response = self.get("/api/v1/fetchOrders", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def payments(self, **params: Any) -> dict:
        response = self.get("/api/v1/fetchPayments", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def update(self, *updates: dict, status: int = 200) -> dict:
        response = self.post("/api/v1/updateOrders", json={"updates": list(updates)})
        assert response.status_code == status, response.text
        return response.json()

    def close(self) -> None:
        self.client.close()


def line(lid: str, sku: str, qty: int = 1, status: LineStatus = LineStatus.OPEN) -> OrderLine:
    return OrderLine(lid, sku, "Article " + sku, qty, 1999, 1900, status)


def make_order(channel: Channel, number: str, lines: tuple[OrderLine, ...], *, held: bool = False,
               modified: datetime = BASE) -> Order:
    return Order(channel, f"mp-{number}", number, BASE, modified, "EUR", lines, shipping_address=ADDR,
                 billing_address=ADDR, hold_reason=HoldReason.PAYMENT_CHECK if held else None,
                 payment_method="PAYPAL")


class Desk:
    """Writes orders as a fetch does (write_page, one transaction, receipts included)."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.accounts: dict[Channel, int] = {}

    def account(self, channel: Channel) -> int:
        if channel not in self.accounts:
            self.accounts[channel] = self.ctx.accounts.add(channel.value, f"{channel.value} shop",
                                                           "http://127.0.0.1:9").id
        return self.accounts[channel]

    def write(self, orders: list[Order], at: datetime) -> None:
        by_channel: dict[Channel, list[Order]] = {}
        for o in orders:
            by_channel.setdefault(o.channel, []).append(o)
        for channel, batch in by_channel.items():
            account_id = self.account(channel)
            with write_transaction(self.ctx.engine) as conn:
                write_page(conn, account_id, batch, at)

    def count(self, model) -> int:  # type: ignore[no-untyped-def]
        with self.ctx.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model.__table__))

    def written(self) -> dict[str, int]:
        """Everything an update may write, to show that a refused request wrote none of it."""
        return {m.__tablename__: self.count(m) for m in (schema.Shipment, schema.ShipmentLine, schema.Cancellation,
                                                         schema.CancellationLine, schema.StatusProtocol,
                                                         schema.OrderEvent, schema.LogEntry, schema.ErpRequest)}


@pytest.fixture
def desk(app_ctx) -> Desk:
    app_ctx.status.set_setting("status.ship_from", SHIP_FROM)
    return Desk(app_ctx)


@pytest.fixture
def token(app_ctx) -> str:
    return ApiTokenStore(app_ctx.engine).create("ERP").token


@pytest.fixture
def api(app_ctx, token):  # type: ignore[no-untyped-def]
    from app.api import create_app

    client = Api(create_app(app_ctx, settle_seconds=0), token)
    yield client
    client.close()


def dump_database(ctx) -> str:  # type: ignore[no-untyped-def]
    """Every row of every table as text, to look for a secret that must not be there."""
    parts = []
    with ctx.engine.connect() as conn:
        for table in schema.Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(json.dumps([str(v) for v in row]))
    return "\n".join(parts)
