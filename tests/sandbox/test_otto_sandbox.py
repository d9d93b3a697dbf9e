"""OTTO Market sandbox: wire conformance, state machine, control API and faults.

Everything runs over real HTTP on a loopback port (SandboxServer, port 0) with
httpx, the way the channel client will talk to it.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sandbox.otto import OttoSandbox
from app.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
MODELS: dict[str, Any] = json.loads((ROOT.parent / "shared" / "specs" / "otto" / "models.json").read_text())
# Referenced by models.json but not listed there: all are {amount, currency} money objects.
MONEY = {"fields": {"amount": {"required": True, "type": "float"}, "currency": {"required": True, "type": "string"}}}
for _name in (
    "PriceReceiptsV3Gross", "PriceReceiptsV3Net", "PriceReceiptsV3Tax", "ReceiptReceiptsV3AmountDue",
    "ReceiptReceiptsV3TotalsGrossAmount", "TotalsReductionReceiptsV3Gross",
):  # fmt: skip
    MODELS.setdefault(_name, MONEY)

ENUM_FIELDS = {
    ("PositionItemOrdersV4", "fulfillmentStatus"): MODELS["PositionItemOrdersV4"]["enum_constants"]["FULFILLMENT"],
    ("PositionItemOrdersV4", "cancellationReason"): MODELS["PositionItemOrdersV4"]["enum_constants"]["CANCELLATION"],
    ("TrackingInfoOrdersV4", "carrier"): MODELS["TrackingKeyShipmentsV1"]["enum_constants"]["CARRIER"],
    ("ReceiptReceiptsV3", "receiptType"): MODELS["ReceiptReceiptsV3"]["enum_constants"]["RECEIPT"],
    ("PaymentReceiptsV3", "paymentMethod"): MODELS["PaymentReceiptsV3"]["enum_constants"]["PAYMENT"],
    ("ServicePositionReceiptsV3", "serviceType"): MODELS["ServicePositionReceiptsV3"]["enum_constants"]["SERVICE"],
    ("DeliveryCostReceiptsV3", "deliveryCostType"): MODELS["DeliveryCostReceiptsV3"]["enum_constants"]["DELIVERY"],
    ("PriceReceiptsV3", "taxType"): MODELS["PriceReceiptsV3"]["enum_constants"]["TAX"],
    ("PriceModificationReceiptsV3", "priceModificationType"): MODELS["PriceModificationReceiptsV3"]["enum_constants"][
        "PRICE"
    ],
    ("PaymentOrdersV4", "paymentMethod"): [
        "INVOICE_SINGLE", "INVOICE_INSTALLMENTS", "PREPAYMENT", "DIRECT_DEBIT", "DIRECT_DEBIT_INSTALLMENTS",
        "CREDIT_CARD_ONLINE", "PAYPAL", "CREDIT_CARD",
    ],  # fmt: skip
    ("AddressOrdersV4", "salutation"): ["MR", "MS", "COMPANY", "UNKNOWN"],
    ("AddressOrdersV4", "countryCode"): ["DEU", "AUT"],
    ("AmountOrdersV4", "currency"): ["EUR"],
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$")
STATES = MODELS["PositionItemOrdersV4"]["enum_constants"]["FULFILLMENT"]


def validate(value: Any, model: str, path: str = "$") -> list[str]:
    """Recursive check against models.json: required fields, types, enums, no unknown keys."""
    spec = MODELS[model]["fields"]
    if not isinstance(value, dict):
        return [f"{path}: expected object {model}, got {type(value).__name__}"]
    errors = [f"{path}.{key}: not a field of {model}" for key in value if key not in spec]
    for name, field in spec.items():
        if name not in value:
            if field.get("required"):
                errors.append(f"{path}.{name}: required by {model} but missing")
            continue
        errors += _check(value[name], field["type"], f"{path}.{name}")
        allowed = ENUM_FIELDS.get((model, name))
        if allowed is not None and value[name] not in allowed:
            errors.append(f"{path}.{name}: {value[name]!r} not in enum")
    return errors


def _check(value: Any, kind: str, path: str) -> list[str]:
    if kind.endswith("[]"):
        if not isinstance(value, list):
            return [f"{path}: expected array"]
        return [e for i, v in enumerate(value) for e in _check(v, kind[:-2], f"{path}[{i}]")]
    simple: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "\\DateTime": lambda v: isinstance(v, str) and bool(ISO_WITH_OFFSET.match(v)),
    }
    if kind in simple:
        return [] if simple[kind](value) else [f"{path}: {value!r} is not {kind}"]
    return validate(value, kind, path)


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


# -- client helpers -------------------------------------------------------------------------
RETURN_KEY = {"carrier": "DHL", "trackingNumber": "00340434169999999999"}


class Otto:
    """Minimal test client: token handling, paging, control API."""

    def __init__(self, server: SandboxServer) -> None:
        info = server.describe()["otto"]
        self.base_url = str(info["base_url"])
        self.credentials = dict(info["credentials"])  # type: ignore[arg-type]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self.login()

    def login(self) -> None:
        response = self.http.post("/v1/token", data={"grant_type": "client_credentials", **self.credentials})
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params)

    def pages(self, **params: Any) -> Iterator[dict[str, Any]]:
        query = dict(params)
        while True:
            response = self.get("/v4/orders", **query)
            assert response.status_code == 200, response.text
            page = response.json()
            yield page
            nxt = [link for link in page["links"] if link["rel"] == "next"]
            if not nxt:
                return
            assert nxt[0]["href"].startswith("/v4/orders?nextcursor=")
            query = {"nextcursor": nxt[0]["href"].split("nextcursor=", 1)[1]}
            if "limit" in params:
                query["limit"] = params["limit"]

    def orders(self, **params: Any) -> list[dict[str, Any]]:
        return [order for page in self.pages(**params) for order in page["resources"]]

    def control(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        return self.http.request(method, f"/_sandbox{path}", json=body)

    def advance(self, seconds: float) -> None:
        assert self.control("POST", "/clock/advance", {"seconds": seconds}).status_code == 200

    def new_orders(self, count: int = 1, **body: Any) -> list[str]:
        response = self.control("POST", "/orders", {"count": count, **body})
        assert response.status_code == 200, response.text
        return [o["salesOrderId"] for o in response.json()["orders"]]

    def order(self, sid: str) -> dict[str, Any]:
        response = self.get(f"/v4/orders/{sid}")
        assert response.status_code == 200, response.text
        return response.json()

    def ship(self, lines: list[tuple[str, str]], carrier: str = "DHL", tracking: str | None = "00340434161234567890",
             **overrides: Any) -> httpx.Response:  # fmt: skip
        body: dict[str, Any] = {
            "trackingKey": {"carrier": carrier, **({"trackingNumber": tracking} if tracking else {})},
            "shipDate": "2025-05-03T09:00:00Z",
            "shipFromAddress": {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"},
            "positionItems": [
                {"salesOrderId": s, "positionItemId": p, "returnTrackingKey": RETURN_KEY} for s, p in lines
            ],
        }
        body.update(overrides)
        return self.http.post("/v1/shipments", json=body)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def sandbox() -> Iterator[Callable[..., tuple[SandboxServer, Otto]]]:
    """Factory: start a SandboxServer (rate limit off unless given) and a logged-in client."""
    started: list[tuple[SandboxServer, Otto]] = []

    def make(**kwargs: Any) -> tuple[SandboxServer, Otto]:
        kwargs.setdefault("rate_limit", None)
        kwargs.setdefault("orders", 40)
        server = SandboxServer(**kwargs).start()
        client = Otto(server)
        started.append((server, client))
        return server, client

    yield make
    for server, client in started:
        client.close()
        server.stop()


def assert_envelope(response: httpx.Response, status: int, title: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    errors = response.json()["errors"]
    assert isinstance(errors, list) and errors
    for error in errors:
        assert isinstance(error["path"], str) and isinstance(error["title"], str) and error["detail"]
    if title:
        assert errors[0]["title"] == title
    return errors[0]


def status_set(order: dict[str, Any]) -> set[str]:
    return {item["fulfillmentStatus"] for item in order["positionItems"]}


# -- conformance -------------------------------------------------------------------------------
def test_orders_conform_to_models_and_mix(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=600, seed=3)
    raw_pages = []
    query: dict[str, Any] = {}
    orders = []
    while True:  # raw bytes too: amounts must be written with exactly two decimals
        response = otto.get("/v4/orders", **query)
        raw_pages.append(response.text)
        page = response.json()
        assert set(page) == {"resources", "links"}
        orders += page["resources"]
        if not page["links"]:
            break
        query = {"nextcursor": page["links"][0]["href"].split("=", 1)[1]}
    assert len(orders) == 600
    for order in orders:
        assert validate(order, "PartnerOrderOrdersV4") == [], order["salesOrderId"]
    for raw in raw_pages:
        amounts = re.findall(r'"amount":(-?[0-9.]+)', raw)
        assert amounts and all(re.fullmatch(r"-?\d+\.\d{2}", a) for a in amounts)

    by_status = Counter()
    for order in orders:
        states = status_set(order)
        by_status.update(states)
        assert order["links"] == [{"rel": "self", "href": f"/v4/orders/{order['salesOrderId']}"}]
        assert len(order["orderNumber"]) == 10
        assert order["lastModifiedDate"] == order["orderLifecycleInformation"]["lifecycleChangeDate"]
        assert 1 <= len(order["positionItems"]) <= 3
        ids = [item["positionItemId"] for item in order["positionItems"]]
        assert len(set(ids)) == len(ids)
        for fee in order["initialDeliveryFees"]:
            assert fee["positionItemIds"] == ids
        for item in order["positionItems"]:
            assert 2.99 <= item["itemValueGrossPrice"]["amount"] <= 899.99
            if item["fulfillmentStatus"].startswith("CANCELLED"):
                assert item["cancellationReason"] and item["cancellationDate"]
            if item["fulfillmentStatus"] == "SENT":
                assert item["sentDate"] and item["trackingInfo"]["trackingNumber"]
        if states == {"ANNOUNCED"}:
            assert "deliveryAddress" not in order and "invoiceAddress" not in order
        if "PROCESSABLE" in states or "SENT" in states:
            assert order["deliveryAddress"]["countryCode"] in ("DEU", "AUT")
            assert order["invoiceAddress"]["email"] != order["deliveryAddress"]["email"]
    announced = sum("ANNOUNCED" in status_set(o) for o in orders)
    cancelled = sum(status_set(o) == {"CANCELLED_BY_MARKETPLACE"} for o in orders)
    weee = sum(any(i.get("weeePickup") is True for i in o["positionItems"]) for o in orders)
    mixed = sum(len(status_set(o)) > 1 for o in orders)
    assert 0.06 * 600 <= announced <= 0.15 * 600
    assert 0.01 * 600 <= cancelled <= 0.06 * 600
    assert 0.02 * 600 <= weee <= 0.09 * 600
    assert by_status["SENT"] > 100 and by_status["PROCESSABLE"] > 250 and mixed >= 5
    assert any(o.get("deliveryAddress", {}).get("countryCode") == "AUT" for o in orders)
    reasons = {i["cancellationReason"] for o in orders for i in o["positionItems"] if "cancellationReason" in i}
    assert {"PAYMENT_ABORTED", "CANCELLED_ON_CUSTOMER_WISH", "CANCELLED_ON_PARTNER_WISH"} <= reasons


def test_fast_renderer_matches_reference_dicts() -> None:
    """The hand-written JSON fast path must equal json.dumps of the reference dicts."""
    otto = OttoSandbox(orders=800, seed=5)
    renderer = otto.store.renderer
    for order in otto.store.orders.values():
        assert json.loads(renderer.order_text(order)) == renderer.order_dict(order)


def test_receipts_conform_and_page(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=300, seed=4)
    first = otto.get("/v3/receipts", limit=25)
    assert first.status_code == 200
    receipts, query = [], {"limit": 25}
    while True:
        page = otto.get("/v3/receipts", **query).json()
        receipts += page["resources"]
        if not page["links"]:
            break
        query = {"limit": 25, "next": page["links"][0]["href"].split("next=", 1)[1]}
    state = otto.control("GET", "/state").json()
    assert len(receipts) == state["receipts"] > 50
    assert len({r["receiptNumber"] for r in receipts}) == len(receipts)
    for receipt in receipts:
        assert validate(receipt, "ReceiptReceiptsV3") == [], receipt["receiptNumber"]
        assert receipt["receiptType"] == "PURCHASE"
    created = [parse(r["creationDate"]) for r in receipts]
    assert created == sorted(created)
    sid = receipts[0]["salesOrderId"]
    mine = otto.get("/v3/receipts", salesOrderId=sid).json()["resources"]
    assert mine and {r["salesOrderId"] for r in mine} == {sid}
    assert otto.get("/v3/receipts", receiptTypes="REFUND").json()["resources"] == []
    assert_envelope(otto.get("/v3/receipts", receiptTypes="BOGUS"), 400)
    cut = receipts[len(receipts) // 2]["creationDate"]
    later = otto.get("/v3/receipts", **{"from": cut}).json()["resources"]
    assert later and all(parse(r["creationDate"]) >= parse(cut) for r in later)
    one = otto.get(f"/v3/receipts/{receipts[0]['receiptNumber']}")
    assert one.status_code == 200 and one.json() == receipts[0]


# -- pagination & filters --------------------------------------------------------------------
def _key(order: dict[str, Any]) -> tuple[datetime, str]:
    return parse(order["orderLifecycleInformation"]["lifecycleChangeDate"]), order["salesOrderId"]


def test_pagination_covers_everything_once(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=700, seed=6)
    asc = otto.orders(limit=128)
    desc = otto.orders(orderDirection="DESC", limit=100)
    by_date = otto.orders(orderColumnType="ORDER_DATE", limit=77)
    everything = set(server.otto.store.orders)
    for listing in (asc, desc, by_date):
        ids = [o["salesOrderId"] for o in listing]
        assert len(ids) == len(set(ids)) == 700 and set(ids) == everything
    assert [_key(o) for o in asc] == sorted(_key(o) for o in asc)
    assert [_key(o) for o in desc] == sorted((_key(o) for o in desc), reverse=True)
    order_keys = [(parse(o["orderDate"]), o["salesOrderId"]) for o in by_date]
    assert order_keys == sorted(order_keys)
    pages = list(otto.pages())
    assert [len(p["resources"]) for p in pages] == [128] * 5 + [60] and pages[-1]["links"] == []


def test_pagination_is_stable_while_orders_change(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=300, seed=8)
    all_ids = {o["salesOrderId"] for o in otto.orders()}
    pages = otto.pages(limit=40, fulfillmentStatus="PROCESSABLE", mode="AT_LEAST_ONE")
    seen = [o["salesOrderId"] for o in next(pages)["resources"]]
    # Change one order already served and one not yet served: both jump to the end.
    processable = [o for o in otto.orders(fulfillmentStatus="PROCESSABLE") if o["salesOrderId"] not in seen]
    assert otto.http.post(f"/v4/orders/{seen[3]}/cancellation").status_code == 200
    target = processable[5]
    item = next(i for i in target["positionItems"] if i["fulfillmentStatus"] == "PROCESSABLE")
    assert otto.ship([(target["salesOrderId"], item["positionItemId"])]).status_code == 201
    for page in pages:
        seen += [o["salesOrderId"] for o in page["resources"]]
    expected = {o["salesOrderId"] for o in otto.orders(fulfillmentStatus="PROCESSABLE", mode="AT_LEAST_ONE")}
    assert expected - set(seen) == set()  # nobody skipped
    assert set(seen) <= all_ids


def test_from_date_and_order_date_filters(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=400, seed=9)
    orders = otto.orders()
    cut = orders[len(orders) // 2]["lastModifiedDate"]
    expected = {o["salesOrderId"] for o in orders if parse(o["lastModifiedDate"]) >= parse(cut)}
    got = otto.orders(fromDate=cut)
    assert {o["salesOrderId"] for o in got} == expected and len(got) == len(expected)
    # Same instant written with a +02:00 offset, and with the '+' left unencoded (arrives as a space).
    local = parse(cut).astimezone(timezone(timedelta(hours=2))).isoformat(timespec="milliseconds")
    assert {o["salesOrderId"] for o in otto.orders(fromDate=local)} == expected
    raw = otto.http.get(f"/v4/orders?fromDate={local}&limit=128")
    assert raw.status_code == 200 and len(raw.json()["resources"]) == min(128, len(expected))
    dates = sorted(parse(o["orderDate"]) for o in orders)
    low, high = dates[100], dates[300]
    window = otto.orders(fromOrderDate=low.isoformat(), toOrderDate=high.isoformat())
    assert len(window) == sum(low <= d <= high for d in dates) and window
    assert otto.orders(fromDate=(parse(cut) + timedelta(days=365)).isoformat()) == []


def test_bucket_and_at_least_one_semantics(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=500, seed=10)
    (sid,) = otto.new_orders(1, items=2)
    order = otto.order(sid)
    assert otto.ship([(sid, order["positionItems"][0]["positionItemId"])]).status_code == 201
    assert status_set(otto.order(sid)) == {"SENT", "PROCESSABLE"}

    def ids(**params: Any) -> set[str]:
        return {o["salesOrderId"] for o in otto.orders(**params)}

    assert sid not in ids(fulfillmentStatus="SENT")
    assert sid in ids(fulfillmentStatus="SENT", mode="AT_LEAST_ONE")
    assert sid in ids(fulfillmentStatus="PROCESSABLE")
    (returned,) = otto.new_orders(1, items=1)
    item = otto.order(returned)["positionItems"][0]["positionItemId"]
    assert otto.ship([(returned, item)]).status_code == 201
    assert otto.control("POST", f"/orders/{returned}/return").status_code == 200
    assert ids(fulfillmentStatus="RETURNED") == {returned}  # seeded partial returns still have SENT items
    assert len(ids(fulfillmentStatus="RETURNED", mode="AT_LEAST_ONE")) > 1

    everything = otto.orders()
    blockers = {"PROCESSABLE": {"ANNOUNCED"}, "SENT": {"ANNOUNCED", "PROCESSABLE"},
                "RETURNED": {"ANNOUNCED", "PROCESSABLE", "SENT"}}  # fmt: skip
    for state in STATES:
        bucket = {o["salesOrderId"] for o in everything
                  if state in status_set(o) and not status_set(o) & blockers.get(state, set())}  # fmt: skip
        at_least_one = {o["salesOrderId"] for o in everything if state in status_set(o)}
        assert ids(fulfillmentStatus=state) == bucket, state
        assert ids(fulfillmentStatus=state, mode="AT_LEAST_ONE") == at_least_one, state
    assert ids(fulfillmentStatus=["SENT", "CANCELLED_BY_MARKETPLACE"]) == (
        ids(fulfillmentStatus="SENT") | ids(fulfillmentStatus="CANCELLED_BY_MARKETPLACE")
    )


def test_limit_bounds_and_bad_parameters(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=200)
    for bad in ("0", "129", "-1", "ten"):
        error = assert_envelope(otto.get("/v4/orders", limit=bad), 400, "Bad Request")
        assert error["path"] == "/v4/orders" and "limit" in error["detail"]
    assert len(otto.get("/v4/orders", limit=128).json()["resources"]) == 128
    one = otto.get("/v4/orders", limit=1).json()
    assert len(one["resources"]) == 1 and one["links"][0]["rel"] == "next"
    assert len(otto.get("/v4/orders").json()["resources"]) == 128  # default limit
    for params in (
        {"fromDate": "yesterday"},
        {"fulfillmentStatus": "SHIPPED"},
        {"orderDirection": "UP"},
        {"orderColumnType": "PRICE"},
        {"mode": "ALL"},
        {"nextcursor": "not-a-cursor"},
        {"nextcursor": "eyJ2IjoxfQ"},  # valid base64 JSON, wrong content
    ):
        assert_envelope(otto.get("/v4/orders", **params), 400)
    # With a cursor, other filters are ignored (only limit counts).
    page = otto.get("/v4/orders", limit=10).json()
    cursor = page["links"][0]["href"].split("=", 1)[1]
    plain = otto.get("/v4/orders", nextcursor=cursor, limit=10).json()
    noisy = otto.get("/v4/orders", nextcursor=cursor, limit=10, fulfillmentStatus="SENT", fromDate="x").json()
    assert plain == noisy and len(plain["resources"]) == 10


def test_get_single_order_by_id_and_number(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()
    order = otto.orders()[7]
    assert otto.order(order["salesOrderId"]) == order
    assert otto.order(order["orderNumber"]) == order
    assert_envelope(otto.get("/v4/orders/DOESNOTEXIST"), 404, "Not Found")
    assert_envelope(otto.get("/v9/whatever"), 404)
    assert_envelope(otto.http.delete("/v4/orders"), 405)


# -- auth ------------------------------------------------------------------------------------------
def test_token_flow(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(token_ttl=600)
    creds = otto.credentials
    with httpx.Client(base_url=otto.base_url) as anon:
        bad = anon.post("/v1/token", data={"grant_type": "client_credentials", "client_id": creds["client_id"],
                                           "client_secret": "wrong"})  # fmt: skip
        assert bad.status_code == 401
        assert bad.json() == {"error": "invalid_client", "error_description": "Invalid client credentials"}
        unsupported = anon.post("/v1/token", data={"grant_type": "authorization_code", **creds})
        assert unsupported.status_code == 400 and unsupported.json()["error"] == "unsupported_grant_type"
        basic = anon.post("/oauth2/token", data={"grant_type": "client_credentials", "scope": "orders"},
                          auth=(creds["client_id"], creds["client_secret"]))  # fmt: skip
        assert basic.status_code == 200
        body = basic.json()
        assert body["expires_in"] == 600 and body["token_type"] == "bearer" and body["scope"] == "orders"
        assert body["not-before-policy"] == 0 and len(body["access_token"]) >= 32
        assert_envelope(anon.get("/v4/orders"), 401, "Unauthorized")
        assert_envelope(anon.get("/v4/orders", headers={"Authorization": "Bearer nope"}), 401)
        token = {"Authorization": f"Bearer {body['access_token']}"}
        assert anon.get("/v4/orders", headers=token).status_code == 200
        otto.advance(599)
        assert anon.get("/v4/orders", headers=token).status_code == 200
        otto.advance(2)
        error = assert_envelope(anon.get("/v4/orders", headers=token), 401, "Unauthorized")
        assert "expired" in error["detail"] and error["path"] == "/v4/orders"
    otto.login()
    assert otto.get("/v4/orders").status_code == 200
    assert otto.control("GET", "/state").json()["tokens_issued"] == 3


# -- order life --------------------------------------------------------------------------------
def test_announced_orders_release_after_clock_advance(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=300, seed=12, release_delay=1800)
    seeded_announced = otto.orders(fulfillmentStatus="ANNOUNCED")
    assert len(seeded_announced) > 10
    assert all("deliveryAddress" not in o for o in seeded_announced)
    sids = otto.new_orders(3, announced=True)
    for sid in sids:
        order = otto.order(sid)
        assert status_set(order) == {"ANNOUNCED"}
        assert "deliveryAddress" not in order and "invoiceAddress" not in order
    otto.advance(1799)
    assert status_set(otto.order(sids[0])) == {"ANNOUNCED"}
    time.sleep(0.01)
    otto.advance(5)
    otto.login()  # 1804 s passed: the token (1800 s) expired
    for sid in sids:
        order = otto.order(sid)
        assert status_set(order) == {"PROCESSABLE"}
        assert validate(order["deliveryAddress"], "AddressOrdersV4") == []
        due = parse(order["orderDate"]) + timedelta(seconds=1800)
        assert parse(order["lastModifiedDate"]) == due  # stamped with the due time, not the request time
        assert all(parse(i["processableDate"]) == due for i in order["positionItems"])
    otto.advance(6 * 86400)  # prepayment orders may wait days
    otto.login()  # the old token expired meanwhile
    assert otto.orders(fulfillmentStatus="ANNOUNCED") == []
    outcomes = Counter()
    for before in seeded_announced:
        after = otto.order(before["salesOrderId"])
        outcomes.update(status_set(after))
        if status_set(after) == {"CANCELLED_BY_MARKETPLACE"}:
            assert {i["cancellationReason"] for i in after["positionItems"]} == {"PAYMENT_ABORTED"}
            assert "deliveryAddress" not in after
    assert outcomes["PROCESSABLE"] > 0


def test_generate_every_creates_orders_over_time(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=0, generate_every=60, release_delay=120)
    assert otto.orders() == []
    otto.advance(600.5)
    orders = otto.orders(orderColumnType="ORDER_DATE")
    assert len(orders) == 10
    dates = [parse(o["orderDate"]) for o in orders]
    assert all(b - a == timedelta(seconds=60) for a, b in zip(dates, dates[1:]))
    assert {s for o in orders[-2:] for s in status_set(o)} == {"ANNOUNCED"}
    released = [o for o in orders[:-2] if o["payment"]["paymentMethod"] != "PREPAYMENT"]  # prepayment waits longer
    assert released and all(status_set(o) <= {"PROCESSABLE", "CANCELLED_BY_MARKETPLACE"} for o in released)
    assert any(status_set(o) == {"PROCESSABLE"} for o in released)


def test_cancellation_rules(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()
    a, b, c = otto.new_orders(3, items=2)
    (announced,) = otto.new_orders(1, announced=True)

    before = otto.order(a)
    otto.advance(60)
    assert otto.http.post(f"/v4/orders/{a}/cancellation").status_code == 200
    after = otto.order(a)
    assert status_set(after) == {"CANCELLED_BY_PARTNER"}
    for item in after["positionItems"]:
        assert item["cancellationReason"] == "CANCELLED_ON_PARTNER_WISH" and item["cancellationDate"]
    assert parse(after["lastModifiedDate"]) >= parse(before["lastModifiedDate"]) + timedelta(seconds=60)
    assert_envelope(otto.http.post(f"/v4/orders/{a}/cancellation"), 409, "Conflict")  # nothing left
    assert_envelope(otto.http.post(f"/v4/orders/{announced}/cancellation"), 409)
    assert_envelope(otto.http.post("/v4/orders/unknown/cancellation"), 404)

    # Whole order: only PROCESSABLE items are cancelled, others skipped.
    items_b = [i["positionItemId"] for i in otto.order(b)["positionItems"]]
    assert otto.ship([(b, items_b[0])]).status_code == 201
    assert otto.http.post(f"/v4/orders/{b}/cancellation").status_code == 200
    assert [i["fulfillmentStatus"] for i in otto.order(b)["positionItems"]] == ["SENT", "CANCELLED_BY_PARTNER"]

    # Per item: any item in another state -> 409 and nothing changes.
    items_c = [i["positionItemId"] for i in otto.order(c)["positionItems"]]
    assert otto.ship([(c, items_c[0])]).status_code == 201
    snapshot = otto.order(c)
    conflict = otto.http.post(f"/v4/orders/{c}/positionItems/{','.join(items_c)}/cancellation")
    assert_envelope(conflict, 409, "Conflict")
    assert otto.order(c) == snapshot
    ok = otto.http.post(f"/v4/orders/{c}/positionItems/{items_c[1]}/cancellation")
    assert ok.status_code == 200 and ok.content == b""
    assert otto.order(c)["positionItems"][1]["fulfillmentStatus"] == "CANCELLED_BY_PARTNER"
    again = otto.http.post(f"/v4/orders/{c}/positionItems/{items_c[1]}/cancellation")
    assert again.status_code == 200  # CANCELLED_BY_PARTNER items are ignored
    assert_envelope(otto.http.post(f"/v4/orders/{c}/positionItems/nope/cancellation"), 404)


def test_shipments(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()
    (sid,) = otto.new_orders(1, items=3, weee=True)
    (announced,) = otto.new_orders(1, announced=True)
    pids = [i["positionItemId"] for i in otto.order(sid)["positionItems"]]
    created = otto.ship([(sid, pids[0]), (sid, pids[1])], carrier="HERMES", tracking="H1234567890123")
    assert created.status_code == 201 and set(created.json()) == {"shipmentId"}
    order = otto.order(sid)
    assert [i["fulfillmentStatus"] for i in order["positionItems"]] == ["SENT", "SENT", "PROCESSABLE"]
    sent = order["positionItems"][0]
    assert sent["sentDate"] == "2025-05-03T09:00:00.000+00:00"
    assert sent["trackingInfo"] == {"carrier": "HERMES", "trackingNumber": "H1234567890123"}
    receipts = otto.get("/v3/receipts", salesOrderId=sid).json()["resources"]
    assert len(receipts) == 1 and validate(receipts[0], "ReceiptReceiptsV3") == []
    shipped = [pid for line in receipts[0]["lineItems"]["itemPositions"] for pid in line["positionItemIds"]]
    assert sorted(shipped) == sorted(pids[:2])
    disposal = receipts[0]["lineItems"]["servicePositions"]
    assert disposal and disposal[0]["serviceType"] == "DISPOSAL"

    again = otto.ship([(sid, pids[0])])
    assert_envelope(again, 409, "Conflict")
    assert_envelope(otto.ship([(announced, otto.order(announced)["positionItems"][0]["positionItemId"])]), 409)
    assert_envelope(otto.ship([(sid, "no-such-item")]), 409)
    assert otto.order(sid)["positionItems"][2]["fulfillmentStatus"] == "PROCESSABLE"

    line = [(sid, pids[2])]
    invalid = [
        otto.ship(line, carrier="DHL", tracking=None),  # parcel carrier needs a tracking number
        otto.ship(line, carrier="POSTKUTSCHE"),
        otto.ship(line, shipDate="2025-05-03T11:00:00+02:00"),  # not UTC
        otto.ship(line, shipDate="gestern"),
        otto.ship(line, shipFromAddress={"city": "Hamburg"}),
        otto.ship(line, positionItems=[{"salesOrderId": sid, "positionItemId": pids[2]}]),  # no returnTrackingKey
        otto.ship(line, positionItems=[]),
        otto.http.post("/v1/shipments", content=b"{not json", headers={"Content-Type": "application/json"}),
    ]
    for response in invalid:
        error = assert_envelope(response, 400, "Bad Request")
        assert error["path"] == "/v1/shipments"
    assert invalid[0].json()["errors"][0]["jsonPath"] == "$.trackingKey.trackingNumber"
    assert otto.order(sid)["positionItems"][2]["fulfillmentStatus"] == "PROCESSABLE"
    forwarder = otto.ship(line, carrier="DACHSER", tracking=None,  # forwarders may omit it, and the return key
                          positionItems=[{"salesOrderId": sid, "positionItemId": pids[2]}])
    assert forwarder.status_code == 201
    assert otto.order(sid)["positionItems"][2]["trackingInfo"] == {"carrier": "DACHSER"}


def test_shipments_can_be_read_back(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=0)
    (sid,) = otto.new_orders(1, items=2)
    pids = [i["positionItemId"] for i in otto.order(sid)["positionItems"]]
    created = otto.ship([(sid, pids[0])], tracking="00340434161234567890")
    shipment_id = created.json()["shipmentId"]
    one = otto.get(f"/v1/shipments/{shipment_id}")
    assert one.status_code == 200 and validate(one.json(), "ShipmentShipmentsV1") == []
    body = one.json()
    assert body["trackingKey"] == {"carrier": "DHL", "trackingNumber": "00340434161234567890"}
    assert body["shipFromAddress"] == {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"}
    assert body["positionItems"] == [{"salesOrderId": sid, "positionItemId": pids[0], "returnTrackingKey": RETURN_KEY}]
    assert body["shipDate"] == "2025-05-03T09:00:00.000+00:00"
    assert [s["state"] for s in body["states"]] == ["SENT"]
    assert otto.get("/v1/shipments/carriers/DHL/trackingnumbers/00340434161234567890").json() == body
    assert_envelope(otto.get("/v1/shipments/carriers/DHL/trackingnumbers/000"), 404, "Not Found")
    assert_envelope(otto.get("/v1/shipments/nope"), 404)

    otto.ship([(sid, pids[1])], carrier="HERMES", tracking="H1234567890123")
    today = otto.control("GET", "/state").json()["now"][:10]
    page = otto.get("/v1/shipments", datefrom=today, limit=1).json()
    assert validate(page, "ShipmentListShipmentsV1") == []
    assert [r["shipmentId"] for r in page["resources"]] == [shipment_id]
    cursor = page["links"][0]["href"].split("next=", 1)[1]
    rest = otto.get("/v1/shipments", next=cursor).json()
    assert [r["trackingKey"]["carrier"] for r in rest["resources"]] == ["HERMES"] and rest["links"] == []
    assert otto.get("/v1/shipments", datefrom="2999-01-01").json()["resources"] == []
    assert_envelope(otto.get("/v1/shipments"), 400)  # datefrom is required
    assert_envelope(otto.get("/v1/shipments", next="garbage"), 400)


def test_status_requests_are_recorded_and_can_be_swallowed(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=0)
    a, b = otto.new_orders(2, items=2)
    items_a = [i["positionItemId"] for i in otto.order(a)["positionItems"]]
    items_b = [i["positionItemId"] for i in otto.order(b)["positionItems"]]

    def records() -> list[dict[str, Any]]:
        return otto.control("GET", "/status-requests").json()["requests"]

    assert otto.control("POST", "/status-requests/swallow", {"count": 1}).status_code == 200
    assert_envelope(otto.ship([(a, "no-such-item")]), 409)  # refusals are neither swallowed nor recorded
    assert_envelope(otto.ship([(a, items_a[0])], carrier="POSTKUTSCHE"), 400)
    swallowed = otto.ship([(a, items_a[0])])
    assert swallowed.status_code == 201 and swallowed.json()["shipmentId"]
    assert status_set(otto.order(a)) == {"PROCESSABLE"}  # answered as success, nothing changed
    assert_envelope(otto.get(f"/v1/shipments/{swallowed.json()['shipmentId']}"), 404)
    assert otto.ship([(a, items_a[0])]).status_code == 201
    assert otto.order(a)["positionItems"][0]["fulfillmentStatus"] == "SENT"

    assert otto.control("POST", "/status-requests/swallow", {"count": 2}).status_code == 200
    assert otto.http.post(f"/v4/orders/{b}/positionItems/{items_b[0]}/cancellation").status_code == 200
    assert otto.http.post(f"/v4/orders/{b}/cancellation").status_code == 200
    assert status_set(otto.order(b)) == {"PROCESSABLE"}
    assert otto.http.post(f"/v4/orders/{b}/cancellation").status_code == 200
    assert status_set(otto.order(b)) == {"CANCELLED_BY_PARTNER"}

    got = records()
    assert [(r["kind"], r["order_id"], r["swallowed"]) for r in got] == [
        ("shipment", a, True), ("shipment", a, False), ("cancel", b, True), ("cancel", b, True), ("cancel", b, False)]
    ship = got[1]
    assert (ship["carrier_code"], ship["tracking_number"]) == ("DHL", "00340434161234567890")
    assert (ship["return_carrier_code"], ship["return_tracking_number"]) == (RETURN_KEY["carrier"],
                                                                              RETURN_KEY["trackingNumber"])
    assert ship["lines"] == [{"line_id": items_a[0], "quantity": 1}]
    assert got[2]["lines"] == [{"line_id": items_b[0], "quantity": 1}] and got[2]["whole"] is False
    assert got[4]["whole"] is True and [ln["line_id"] for ln in got[4]["lines"]] == items_b
    assert [r["seq"] for r in got] == [1, 2, 3, 4, 5]


def test_marketplace_cancel_and_return_via_control(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()
    a, b = otto.new_orders(2, items=2)
    items_a = [i["positionItemId"] for i in otto.order(a)["positionItems"]]
    response = otto.control("POST", f"/orders/{a}/cancel", {"reason": "PAYMENT_FRAUD", "positionItemIds": items_a[:1]})
    assert response.status_code == 200
    first, second = otto.order(a)["positionItems"]
    assert first["fulfillmentStatus"] == "CANCELLED_BY_MARKETPLACE" and first["cancellationReason"] == "PAYMENT_FRAUD"
    assert second["fulfillmentStatus"] == "PROCESSABLE"
    assert otto.control("POST", f"/orders/{a}/cancel", {"reason": "NOPE"}).status_code == 400
    assert otto.control("POST", "/orders/unknown/cancel", {}).status_code == 404
    assert otto.ship([(b, p["positionItemId"]) for p in otto.order(b)["positionItems"]]).status_code == 201
    assert otto.control("POST", f"/orders/{b}/return", {}).status_code == 200
    assert status_set(otto.order(b)) == {"RETURNED"}
    assert b in {o["salesOrderId"] for o in otto.orders(fulfillmentStatus="RETURNED")}
    (announced,) = otto.new_orders(1, announced=True)
    assert otto.control("POST", f"/orders/{announced}/release").status_code == 200
    assert status_set(otto.order(announced)) == {"PROCESSABLE"}
    assert otto.control("POST", f"/orders/{announced}/release").status_code == 409


# -- limits, faults, malformed data ----------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(rate_limit=20.0)
    assert otto.control("POST", "/rate_limit", {"per_second": 5}).json() == {"per_second": 5.0}
    responses = [otto.get("/v4/orders", limit=1) for _ in range(25)]
    limited = [r for r in responses if r.status_code == 429]
    assert 10 <= len(limited) <= 22
    error = assert_envelope(limited[0], 429, "Too Many Requests")
    assert error["path"] == "/v4/orders"
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert otto.control("GET", "/state").json()["rate_limited"] == len(limited)
    time.sleep(1.1)
    assert otto.get("/v4/orders", limit=1).status_code == 200
    otto.control("POST", "/rate_limit", {"per_second": None})
    assert all(otto.get("/v4/orders", limit=1).status_code == 200 for _ in range(40))
    assert otto.control("POST", "/rate_limit", {"per_second": "fast"}).status_code == 400


def test_faults(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()

    def fault(**body: Any) -> None:
        assert otto.control("POST", "/faults", body).status_code == 200

    fault(kind="429", count=2, retry_after=7)
    for _ in range(2):
        response = otto.get("/v4/orders", limit=1)
        assert_envelope(response, 429, "Too Many Requests")
        assert response.headers["Retry-After"] == "7"
    assert otto.get("/v4/orders", limit=1).status_code == 200

    fault(kind="500")
    assert_envelope(otto.get("/v4/orders", limit=1), 500, "Internal Server Error")
    fault(kind="503")
    assert_envelope(otto.get("/v4/orders", limit=1), 503, "Service Unavailable")

    fault(kind="garbage")
    garbage = otto.get("/v4/orders", limit=1)
    assert garbage.status_code == 200
    with pytest.raises(ValueError):
        garbage.json()

    fault(kind="slow", delay=0.4)
    started = time.monotonic()
    assert otto.get("/v4/orders", limit=1).status_code == 200
    assert time.monotonic() - started >= 0.4

    fault(kind="cutoff")
    with pytest.raises(httpx.TransportError):  # RemoteProtocolError: body shorter than Content-Length
        otto.get("/v4/orders")
    assert otto.get("/v4/orders", limit=2).status_code == 200  # a fresh connection works

    # Token requests are spared unless include_token is set.
    fault(kind="500")
    otto.login()
    assert_envelope(otto.get("/v4/orders", limit=1), 500)
    fault(kind="500", include_token=True)
    with httpx.Client(base_url=otto.base_url) as anon:
        token = anon.post("/v1/token", data={"grant_type": "client_credentials", **otto.credentials})
        assert token.status_code == 500

    fault(kind="expire_tokens")
    assert_envelope(otto.get("/v4/orders", limit=1), 401, "Unauthorized")
    otto.login()

    fault(kind="500", count=5)
    assert len(otto.control("GET", "/faults").json()["faults"]) == 1
    assert otto.control("DELETE", "/faults").status_code == 200
    assert otto.get("/v4/orders", limit=1).status_code == 200
    assert otto.control("POST", "/faults", {"kind": "explode"}).status_code == 400
    assert otto.control("POST", "/faults", {"kind": "slow", "delay": -1}).status_code == 400


def test_malformed_orders(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox(orders=20)
    made = {}
    for kind in ("missing_field", "wrong_type", "unknown_enum", "huge", "bad_encoding"):
        response = otto.control("POST", "/orders/malformed", {"kind": kind})
        assert response.status_code == 200
        made[kind] = response.json()["salesOrderId"]
    assert otto.control("POST", "/orders/malformed", {"kind": "haunted"}).status_code == 400

    raw = otto.get(f"/v4/orders/{made['bad_encoding']}").content
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert made["bad_encoding"].encode() in raw

    page = otto.get("/v4/orders", fromDate=otto.order(made["missing_field"])["lastModifiedDate"]).content
    with pytest.raises(UnicodeDecodeError):
        page.decode("utf-8")
    orders = {o["salesOrderId"]: o for o in json.loads(page.decode("utf-8", errors="replace"))["resources"]}
    assert set(made.values()) <= set(orders)
    assert "orderDate" not in orders[made["missing_field"]]
    assert any("required" in e for e in validate(orders[made["missing_field"]], "PartnerOrderOrdersV4"))
    assert orders[made["wrong_type"]]["positionItems"][0]["itemValueGrossPrice"]["amount"] == "49,99"
    assert validate(orders[made["wrong_type"]], "PartnerOrderOrdersV4")
    assert orders[made["unknown_enum"]]["positionItems"][0]["fulfillmentStatus"] not in STATES
    huge = orders[made["huge"]]
    assert len(huge["positionItems"]) == 10_000
    assert len(huge["positionItems"][0]["product"]["productTitle"]) >= 200_000
    listed, query = 0, {}
    while True:  # persistent: still listed, and pagination around them stays intact
        page = json.loads(otto.get("/v4/orders", **query).content.decode("utf-8", errors="replace"))
        listed += len(page["resources"])
        if not page["links"]:
            break
        query = {"nextcursor": page["links"][0]["href"].split("=", 1)[1]}
    assert listed == 25


def test_determinism_same_seed_same_orders(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    date_keys = {"orderDate", "lastModifiedDate", "lifecycleChangeDate", "expectedDeliveryDate", "processableDate",
                 "sentDate", "cancellationDate", "returnedDate"}  # fmt: skip

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in date_keys}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    _, first = sandbox(orders=150, seed=21)
    time.sleep(1.1)  # start the second one in another second: dates must shift, content must not
    _, second = sandbox(orders=150, seed=21)
    _, other = sandbox(orders=150, seed=22)
    one, two = first.orders(orderColumnType="ORDER_DATE"), second.orders(orderColumnType="ORDER_DATE")
    assert strip(one) == strip(two)
    shifts = {parse(b["orderDate"]) - parse(a["orderDate"]) for a, b in zip(one, two)}
    assert len(shifts) == 1 and timedelta(seconds=1) <= shifts.pop() <= timedelta(seconds=3)
    assert not {o["salesOrderId"] for o in one} & {o["salesOrderId"] for o in other.orders()}


# -- transport, dispatch, CLI ------------------------------------------------------------------
def test_keep_alive_and_dispatch(sandbox: Callable[..., tuple[SandboxServer, Otto]]) -> None:
    server, otto = sandbox()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        auth = {"Authorization": otto.http.headers["Authorization"]}
        conn.request("GET", "/otto/v4/orders?limit=2", headers=auth)
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        assert first.status == 200 and first.getheader("Connection") != "close"
        conn.request("POST", "/otto/v1/shipments", body=b'{"x": 1}', headers={"Content-Type": "application/json"})
        unauthorized = conn.getresponse()  # body left unread by the app must not break the next request
        unauthorized.read()
        assert unauthorized.status == 401
        conn.request("GET", "/otto/v4/orders?limit=1", headers=auth)
        third = conn.getresponse()
        assert third.status == 200 and json.loads(third.read())["resources"]
        assert conn.sock is sock  # same TCP connection all along
        conn.request("GET", "/zalando/orders")  # no such marketplace mounted
        unknown = conn.getresponse()
        assert unknown.status == 404 and json.loads(unknown.read())["errors"][0]["title"] == "Not Found"
    finally:
        conn.close()
    assert otto.control("GET", "/state").json()["requests"] >= 3


def test_cli_prints_one_json_line_and_stops_on_sigterm() -> None:
    command = [sys.executable, "-m", "app.sandbox.server", "--port", "0", "--orders", "5", "--seed", "3"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            info = json.loads(line)
            otto = info["otto"]
            assert set(otto) == {"base_url", "credentials"}
            assert set(otto["credentials"]) == {"client_id", "client_secret"}
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/otto", otto["base_url"])
            with httpx.Client(base_url=otto["base_url"], timeout=10) as client:
                token = client.post("/v1/token", data={"grant_type": "client_credentials", **otto["credentials"]})
                headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
                page = client.get("/v4/orders", headers=headers)
                assert page.status_code == 200 and len(page.json()["resources"]) == 5
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
            assert proc.stdout.read() == ""  # type: ignore[union-attr]  # exactly one line
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
