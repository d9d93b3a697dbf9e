"""Kaufland sandbox over real HTTP: wire conformance with the spec, request signing,
pagination and filters. Read-only tests share one seeded server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.sandbox.server import SandboxServer
from tests.sandbox.kaufland.kaufland_access import SPEC, SignedClient, serve
from tests.spec_validation import validate

UNIT_EMBEDS = ["delivery_attempt_timestamp_iso", "return_unit", "tickets", "delivery", "kss_delivery"]


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[SandboxServer, SignedClient]]:
    server = serve(orders=400, seed=5)
    client = SignedClient(server)
    yield server, client
    client.close()
    server.stop()


@pytest.fixture
def kl(shared: tuple[SandboxServer, SignedClient]) -> SignedClient:
    return shared[1]


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_every_endpoint_answers_in_the_spec_shape(kl: SignedClient) -> None:
    validate(SPEC, "ApiResponse_PingMessage_", kl.get("/v2/status/ping").json())
    validate(SPEC, "ApiResponse_Carriers_", kl.get("/v2/carriers").json())
    for page in (kl.get("/v2/order-units", limit=100, storefront="de", sort="ts_updated:desc"),
                 kl.get("/v2/order-units", limit=100, offset=100, fulfillment_type="fulfilled_by_kaufland"),
                 kl.get("/v2/order-units", limit=100, offset=200)):  # fmt: skip
        assert page.status_code == 200 and page.headers["content-type"] == "application/json"
        validate(SPEC, "CollectionApiResponse_OrderUnit_", page.json())
    orders = kl.get("/v2/orders", limit=100)
    validate(SPEC, "CollectionApiResponse_Order_", orders.json())
    sample: dict[tuple, str] = {}  # one order per (storefront, fulfillment, unit states): every shape once
    for unit in kl.all("/v2/order-units", fulfillment_type="fulfilled_by_merchant,fulfilled_by_kaufland"):
        sample.setdefault((unit["storefront"], unit["fulfillment_type"], unit["status"]), unit["id_order"])
    assert len(sample) >= 10
    for oid in set(sample.values()):
        validate(SPEC, "ApiResponse_OrderDetails_", kl.get(f"/v2/orders/{oid}").json())
    unit = kl.data("/v2/order-units", limit=1)[0]
    details = kl.get(f"/v2/order-units/{unit['id_order_unit']}", embedded=UNIT_EMBEDS).json()
    validate(SPEC, "ApiResponse_OrderUnitDetails_", details)
    assert set(UNIT_EMBEDS) - {"kss_delivery"} <= set(details["data"]) and details["data"]["kss_eligible"] is False
    plain = kl.data(f"/v2/order-units/{unit['id_order_unit']}")
    assert plain == unit  # without `embedded` the unit reads exactly as listed


def test_seeded_mix_looks_like_a_sellers_backlog(kl: SignedClient) -> None:
    units = kl.all("/v2/order-units", storefront="de")
    statuses = Counter(u["status"] for u in units)
    assert statuses["need_to_be_sent"] > statuses["sent"] > statuses["open"] > 0
    assert statuses["cancelled"] and statuses["received"] and statuses["returned"] + statuses["returned_paid"]
    by_order = Counter(u["id_order"] for u in units)
    assert max(by_order.values()) >= 3  # several units per order
    offers = Counter((u["id_order"], u["id_offer"]) for u in units)
    assert max(offers.values()) >= 2  # the same offer twice in one order = quantity 2
    assert all(isinstance(u["price"], int) and isinstance(u["shipping_rate"], int) for u in units)
    assert {u["currency"] for u in units} == {"EUR"} and {u["storefront"] for u in units} == {"de"}
    assert any(u["shipping_rate"] == 0 for u in units) and any(u["shipping_rate"] > 0 for u in units)
    for u in units:  # addresses and buyers only once the order was released
        released = u["status"] != "open" and u["cancel_reason"] != "NoReactionBuyer"
        assert (u["shipping_address"] is not None) is released, u
        assert (u["cancel_reason"] is not None) is (u["status"] == "cancelled")
        assert u["shipping_address"] is None or u["shipping_address"]["country"] == "DE"
    foreign = kl.all("/v2/orders", storefront="at") + kl.all("/v2/orders", storefront="cz")
    assert foreign and all(o["storefront"] in ("at", "cz") for o in foreign)
    by_kaufland = kl.all("/v2/orders", fulfillment_type="fulfilled_by_kaufland")
    assert by_kaufland and not {o["id_order"] for o in by_kaufland} & {u["id_order"] for u in units}
    streets = [u["shipping_address"] for u in units if u["shipping_address"]]
    assert any(a["house_number"] == "" for a in streets)  # the number typed into the street line


def test_pagination_covers_every_unit_once_newest_first(kl: SignedClient) -> None:
    everything = kl.all("/v2/order-units", limit=100, fulfillment_type=["fulfilled_by_merchant", "fulfilled_by_kaufland"])
    assert len({u["id_order_unit"] for u in everything}) == len(everything)
    small = kl.all("/v2/order-units", limit=7, fulfillment_type="fulfilled_by_merchant,fulfilled_by_kaufland")
    assert [u["id_order_unit"] for u in small] == [u["id_order_unit"] for u in everything]
    created = [(stamp(u["ts_created_iso"]), u["id_order_unit"]) for u in everything]
    assert created == sorted(created, reverse=True)  # default sort ts_created:desc
    by_update = kl.all("/v2/order-units", sort="ts_updated:desc")
    updated = [(stamp(u["ts_updated_iso"]), u["id_order_unit"]) for u in by_update]
    assert updated == sorted(updated, reverse=True)
    page = kl.get("/v2/order-units").json()
    assert len(page["data"]) == 30 and page["pagination"] == {"offset": 0, "limit": 30, "total": len(by_update)}
    beyond = kl.get("/v2/order-units", offset=10_000).json()
    assert beyond["data"] == [] and beyond["pagination"]["total"] == len(by_update)


def test_filters(kl: SignedClient) -> None:
    units = kl.all("/v2/order-units", storefront="de")
    pivot = sorted(stamp(u["ts_updated_iso"]) for u in units)[len(units) // 2]
    since = pivot.strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = kl.all("/v2/order-units", storefront="de", ts_updated_from_iso=since)
    assert {u["id_order_unit"] for u in recent} == {u["id_order_unit"] for u in units if stamp(u["ts_updated_iso"]) >= pivot}
    with_offset = kl.all("/v2/order-units", storefront="de", ts_updated_from_iso=pivot.isoformat())  # +00:00 form
    assert len(with_offset) == len(recent)
    new = kl.all("/v2/order-units", ts_created_from_iso=since)
    assert new and all(stamp(u["ts_created_iso"]) >= pivot for u in new)
    wanted = kl.all("/v2/order-units", status=["open", "cancelled"])
    assert wanted and {u["status"] for u in wanted} == {"open", "cancelled"}
    assert len(kl.all("/v2/order-units", **{"status[]": "open,cancelled"})) == len(wanted)
    offer = units[0]["id_offer"]
    assert {u["id_offer"] for u in kl.all("/v2/order-units", id_offer=offer)} == {offer}
    orders = kl.all("/v2/orders", storefront="de")
    changed = kl.all("/v2/orders", storefront="de", ts_units_updated_from_iso=since)
    assert {o["id_order"] for o in changed} == {o["id_order"] for o in orders
                                                if stamp(o["ts_units_updated_iso"]) >= pivot}  # fmt: skip
    created = [(stamp(o["ts_created_iso"]), o["id_order"]) for o in changed]
    assert created == sorted(created, reverse=True)
    counts = Counter(u["id_order"] for u in units)
    assert all(o["order_units_count"] == counts[o["id_order"]] for o in orders)
    assert all(o["ts_units_updated_iso"] == max(u["ts_updated_iso"] for u in units if u["id_order"] == o["id_order"])
               for o in orders[:40])  # fmt: skip


@pytest.mark.parametrize("params,field", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"), ({"offset": -1}, "offset"),
    ({"storefront": "xx"}, "storefront"), ({"status": "lost"}, "status"), ({"sort": "id:asc"}, "sort"),
    ({"ts_updated_from_iso": "yesterday"}, "ts_updated_from_iso"), ({"fulfillment_type": "drone"}, "fulfillment_type"),
])  # fmt: skip
def test_bad_parameters_are_validation_errors(kl: SignedClient, params: dict, field: str) -> None:
    response = kl.get("/v2/order-units", **params)
    assert response.status_code == 400
    body = response.json()
    validate(SPEC, "ErrorResponse", body)
    assert body["type"] == "/problems/validation-error" and body["errors"][0]["field"] == field


def test_unknown_things_are_404_and_wrong_methods_405(kl: SignedClient) -> None:
    for path in ("/v2/orders/NOSUCH1", "/v2/order-units/999", "/v2/nothing-here"):
        response = kl.get(path)
        assert response.status_code == 404 and response.json()["type"] == "/problems/not-found"
        validate(SPEC, "ErrorResponse", response.json())
    assert kl.get("/v2/order-units/abc").status_code == 400
    assert kl.signed("DELETE", "/v2/orders").status_code == 405


# -- signing ---------------------------------------------------------------------------------
def problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    validate(SPEC, "ErrorResponse", body)
    assert body["type"] == f"/problems/{kind}", body
    return body


def test_correctly_signed_requests_pass(kl: SignedClient) -> None:
    assert kl.get("/v2/status/ping").json() == {"data": {"message": "pong"}}
    assert kl.signed("GET", "/v2/order-units", params={"storefront": "de", "status": ["open", "sent"],
                                                       "ts_updated_from_iso": "2020-01-01T00:00:00Z"}).status_code == 200
    assert kl.signed("GET", "/v2/status/ping", skew=-290).status_code == 200  # inside the 300 s window
    assert kl.signed("GET", "/v2/status/ping", skew=290).status_code == 200


@pytest.mark.parametrize("header", ["Shop-Client-Key", "Shop-Timestamp", "Shop-Signature", "User-Agent"])
def test_each_missing_header_is_rejected(kl: SignedClient, header: str) -> None:
    body = problem(kl.signed("GET", "/v2/status/ping", drop=header), 401, "missing-or-invalid-request-header")
    assert body["errors"] == [{"field": header, "message": body["errors"][0]["message"]}]


def test_signature_rejections(kl: SignedClient) -> None:
    problem(kl.signed("GET", "/v2/status/ping", secret="not-the-secret-key"), 401, "corrupted-signature")
    original = kl.base_url + "/v2/order-units?storefront=de&limit=10"
    tampered = kl.signed("GET", "/v2/order-units", params={"storefront": "de", "limit": 100}, sign_url=original)
    problem(tampered, 401, "corrupted-signature")
    honest = kl.signed("GET", "/v2/order-units", params={"storefront": "de", "limit": 10}, sign_url=original)
    assert honest.status_code == 200  # the very URL that was signed
    other_host = kl.signed("GET", "/v2/status/ping", sign_url="https://sellerapi.kaufland.com/v2/status/ping")
    problem(other_host, 401, "corrupted-signature")  # the host is part of the signed URL
    problem(kl.signed("GET", "/v2/status/ping", skew=-400), 401, "missing-or-invalid-request-header")  # stale
    problem(kl.signed("GET", "/v2/status/ping", skew=400), 401, "missing-or-invalid-request-header")  # future
    not_a_number = kl.http.build_request("GET", kl.base_url + "/v2/status/ping", headers={
        "Shop-Client-Key": kl.credentials["client_key"], "Shop-Timestamp": "soon", "Shop-Signature": "f" * 64})
    problem(kl.http.send(not_a_number), 401, "missing-or-invalid-request-header")
    saved = kl.credentials["client_key"]
    kl.credentials["client_key"] = "0" * 32  # signed correctly, but by a client Kaufland does not know
    try:
        problem(kl.signed("GET", "/v2/status/ping"), 401, "invalid-credentials")
    finally:
        kl.credentials["client_key"] = saved


def test_body_is_signed(shared: tuple[SandboxServer, SignedClient]) -> None:
    server, kl = shared
    order = kl.ok("POST", "/orders", {"items": 2})["orders"][0]
    uid = order["units"][0]
    body = b'{"reason":"NoInventory"}'
    problem(kl.signed("PATCH", f"/v2/order-units/{uid}/cancel", body=b'{"reason":"WrongPrice"}', sign_body=body),
            401, "corrupted-signature")  # fmt: skip
    assert kl.signed("PATCH", f"/v2/order-units/{uid}/cancel", body=body).status_code == 204
    assert kl.data(f"/v2/order-units/{uid}")["cancel_reason"] == "NoInventory"


def test_timestamp_window_follows_wall_clock_not_sandbox_clock(shared: tuple[SandboxServer, SignedClient]) -> None:
    server, kl = shared
    kl.ok("POST", "/clock/advance", {"seconds": 6 * 3600})
    assert kl.get("/v2/status/ping").status_code == 200


def test_signature_switches(shared: tuple[SandboxServer, SignedClient]) -> None:
    import base64
    import hashlib
    import hmac
    import time

    server, kl = shared
    url, stamp_text = kl.base_url + "/v2/status/ping", str(int(time.time()))
    raw = hmac.new(kl.credentials["secret_key"].encode(), f"GET\n{url}\n\n{stamp_text}".encode(), hashlib.sha256)
    as_base64 = {"Shop-Client-Key": kl.credentials["client_key"], "Shop-Timestamp": stamp_text,
                 "Shop-Signature": base64.b64encode(raw.digest()).decode()}  # fmt: skip
    try:
        assert kl.http.get(url, headers=as_base64).status_code == 401
        kl.ok("POST", "/config", {"signature_encoding": "either"})
        assert kl.http.get(url, headers=as_base64).status_code == 200
        assert kl.get("/v2/status/ping").status_code == 200  # hex still works
        kl.ok("POST", "/config", {"timestamp_tolerance": 30})
        problem(kl.signed("GET", "/v2/status/ping", skew=-60), 401, "missing-or-invalid-request-header")
        kl.ok("POST", "/config", {"require_user_agent": False})
        assert kl.signed("GET", "/v2/status/ping", drop="User-Agent").status_code == 200
        assert kl.control("POST", "/config", {"signature_encoding": "rot13"}).status_code == 400
        assert kl.control("POST", "/config", {"no_such_switch": 1}).status_code == 400
    finally:
        kl.ok("POST", "/config", {"signature_encoding": "hex", "timestamp_tolerance": 300,
                                  "require_user_agent": True})  # fmt: skip


def test_inclusive_lower_bound_is_a_switch(shared: tuple[SandboxServer, SignedClient]) -> None:
    server, kl = shared
    unit = kl.data("/v2/order-units", sort="ts_updated:desc", limit=1)[0]
    exact = unit["ts_updated_iso"]
    ids = lambda: {u["id_order_unit"] for u in kl.all("/v2/order-units", ts_updated_from_iso=exact)}  # noqa: E731
    assert unit["id_order_unit"] in ids()
    try:
        kl.ok("POST", "/config", {"from_inclusive": False})  # "updated after this timestamp"
        assert unit["id_order_unit"] not in ids()
    finally:
        kl.ok("POST", "/config", {"from_inclusive": True})
    later = (stamp(exact) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert unit["id_order_unit"] not in {u["id_order_unit"] for u in kl.all("/v2/order-units", ts_updated_from_iso=later)}
