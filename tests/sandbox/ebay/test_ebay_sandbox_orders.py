"""eBay sandbox: getOrders/getOrder/shipping fulfillments over HTTP, checked against the OpenAPI document."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from ebay_api import ORDERS, conforms, error_of

ISO_MS_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
VALUE = re.compile(r"^-?\d+\.\d{2}$")
PAYMENT = {"PAID", "PENDING", "FAILED", "FULLY_REFUNDED", "PARTIALLY_REFUNDED"}
FULFILLMENT = {"NOT_STARTED", "IN_PROGRESS", "FULFILLED"}


def cents(money: dict) -> int:
    assert VALUE.match(money["value"]) and money["currency"] == "EUR", money
    return round(float(money["value"]) * 100)


def ebay_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def check_order(order: dict) -> None:
    """Internal consistency of one order, the way a client relies on it."""
    for key in ("creationDate", "lastModifiedDate"):
        assert ISO_MS_Z.match(order[key]), order[key]
    assert re.fullmatch(r"\d{2}-\d{5}-\d{5}", order["orderId"])
    assert order["orderPaymentStatus"] in PAYMENT and order["orderFulfillmentStatus"] in FULFILLMENT
    pricing = order["pricingSummary"]
    lines = order["lineItems"]
    assert cents(pricing["total"]) == cents(pricing["priceSubtotal"]) + cents(pricing["deliveryCost"]) + \
        cents(pricing.get("priceDiscountSubtotal", {"value": "0.00", "currency": "EUR"}))
    assert cents(pricing["total"]) == sum(cents(line["total"]) for line in lines)
    assert cents(pricing["priceSubtotal"]) == sum(cents(line["lineItemCost"]) for line in lines)
    for line in lines:
        off = sum(cents(p["discountAmount"]) for p in line["appliedPromotions"])
        assert cents(line["total"]) == cents(line["lineItemCost"]) + cents(line["deliveryCost"]["shippingCost"]) - off
        assert cents(line["lineItemCost"]) % line["quantity"] == 0 and line["quantity"] >= 1
        assert line["lineItemFulfillmentStatus"] in ("NOT_STARTED", "FULFILLED")
    shipped = {line["lineItemFulfillmentStatus"] for line in lines}
    expected = {frozenset({"NOT_STARTED"}): "NOT_STARTED", frozenset({"FULFILLED"}): "FULFILLED"}.get(
        frozenset(shipped), "IN_PROGRESS")
    assert order["orderFulfillmentStatus"] == expected
    assert order["cancelStatus"]["cancelRequests"] == []  # getOrders never fills them
    ship_to = order["fulfillmentStartInstructions"][0]["shippingStep"]["shipTo"]
    assert re.search(r"\d+[a-z]?$", ship_to["contactAddress"]["addressLine1"])
    assert ship_to["contactAddress"]["countryCode"] in ("DE", "AT")
    assert bool(order["fulfillmentHrefs"]) is (order["orderFulfillmentStatus"] != "NOT_STARTED")


def test_every_order_conforms_and_the_mix_looks_like_a_sellers_backlog(shared):
    pages = list(shared.pages(limit=100))
    for page in pages:
        conforms(page, "OrderSearchPagedCollection")
    orders = [order for page in pages for order in page["orders"]]
    assert len(orders) == 400 == pages[0]["total"] and len({o["orderId"] for o in orders}) == 400
    for order in orders:
        check_order(order)
    payment = Counter(o["orderPaymentStatus"] for o in orders)
    fulfillment = Counter(o["orderFulfillmentStatus"] for o in orders)
    cancelled = [o for o in orders if o["cancelStatus"]["cancelState"] == "CANCELED"]
    assert 36 <= payment["PENDING"] <= 44  # ~10% wait for the buyer's money
    assert fulfillment["FULFILLED"] >= 100 and fulfillment["IN_PROGRESS"] >= 8
    assert 8 <= len(cancelled) <= 20 and {"FAILED", "FULLY_REFUNDED"} <= {o["orderPaymentStatus"] for o in cancelled}
    lines = [line for o in orders for line in o["lineItems"]]
    assert sum(line["quantity"] > 1 for line in lines) > 40
    assert sum(bool(line["appliedPromotions"]) for line in lines) >= 10
    assert any(cents(line["deliveryCost"]["shippingCost"]) for line in lines)
    assert any(not cents(line["deliveryCost"]["shippingCost"]) for line in lines)
    assert sum(len(o["lineItems"]) > 1 for o in orders) > 80
    ages = [datetime.now(timezone.utc) - parse(o["creationDate"]) for o in orders]
    assert max(ages) < timedelta(days=31) and min(ages) < timedelta(hours=1)


def test_next_links_walk_the_whole_set_and_prev_links_go_back(shared):
    whole = [o["orderId"] for o in shared.orders(limit=1000).json()["orders"]]
    pages = list(shared.pages(limit=37))
    assert [o["orderId"] for page in pages for o in page["orders"]] == whole
    for number, page in enumerate(pages):
        assert (page["offset"], page["limit"], page["total"]) == (number * 37, 37, 400)
        assert ("next" in page) is (number < len(pages) - 1)
        assert ("prev" in page) is (number > 0)
        assert page["href"].startswith(shared.base_url + ORDERS + "?")
    back = shared.http.get(pages[2]["prev"]).json()
    assert back["offset"] == 37 and back["orders"] == pages[1]["orders"]
    beyond = shared.orders(limit=50, offset=400).json()
    assert beyond["orders"] == [] and "next" not in beyond and beyond["total"] == 400
    assert shared.orders().json()["limit"] == 50  # the documented default


def test_lastmodifieddate_window_is_inclusive_and_sorted_oldest_change_first(shared):
    orders = shared.all_orders(limit=1000)
    middle = sorted(orders, key=lambda o: o["lastModifiedDate"])[200]
    stamp = parse(middle["lastModifiedDate"])
    since = shared.all_orders(filter=f"lastmodifieddate:[{ebay_time(stamp)}..]", limit=1000)
    assert since[0]["lastModifiedDate"] <= middle["lastModifiedDate"] and middle in since
    keys = [(o["lastModifiedDate"], o["orderId"]) for o in since]
    assert keys == sorted(keys)
    assert all(o["lastModifiedDate"] >= middle["lastModifiedDate"] for o in since)
    after = ebay_time(stamp + timedelta(milliseconds=1))
    assert middle not in shared.all_orders(filter=f"lastmodifieddate:[{after}..]", limit=1000)
    upto = shared.all_orders(filter=f"lastmodifieddate:[{ebay_time(stamp - timedelta(days=40))}..{ebay_time(stamp)}]",
                             limit=1000)
    assert middle in upto and all(o["lastModifiedDate"] <= middle["lastModifiedDate"] for o in upto)
    assert len(since) + len(upto) == 400 + sum(o["lastModifiedDate"] == middle["lastModifiedDate"] for o in orders)


def test_creationdate_wins_when_both_dates_are_given(shared):
    start = datetime.now(timezone.utc) - timedelta(days=10)
    created = shared.all_orders(filter=f"creationdate:[{ebay_time(start)}..]", limit=1000)
    both = shared.all_orders(filter=f"creationdate:[{ebay_time(start)}..],lastmodifieddate:[{ebay_time(start)}..]",
                             limit=1000)
    assert both == created and 0 < len(created) < 400
    assert [o["creationDate"] for o in created] == sorted(o["creationDate"] for o in created)
    assert all(parse(o["creationDate"]) >= start for o in created)


def test_fulfillment_status_filter_takes_the_two_documented_combinations(shared):
    open_ = shared.all_orders(filter="orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}", limit=1000)
    done = shared.all_orders(filter="orderfulfillmentstatus:{FULFILLED|IN_PROGRESS}", limit=1000)
    assert {o["orderFulfillmentStatus"] for o in open_} == {"NOT_STARTED", "IN_PROGRESS"}
    assert {o["orderFulfillmentStatus"] for o in done} == {"FULFILLED", "IN_PROGRESS"}
    in_progress = sum(o["orderFulfillmentStatus"] == "IN_PROGRESS" for o in open_)
    assert len(open_) + len(done) == 400 + in_progress
    recently = ebay_time(datetime.now(timezone.utc) - timedelta(days=5))
    combined = shared.all_orders(
        filter=f"lastmodifieddate:[{recently}..],orderfulfillmentstatus:{{IN_PROGRESS|FULFILLED}}", limit=1000)
    assert {o["orderId"] for o in combined} <= {o["orderId"] for o in done}


def test_order_ids_override_every_other_parameter(shared):
    ids = [o["orderId"] for o in shared.orders(limit=3).json()["orders"]]
    page = shared.orders(orderIds=",".join(ids[::-1]), filter="nonsense:[x]", limit="abc", offset=-3).json()
    assert [o["orderId"] for o in page["orders"]] == ids[::-1] and page["total"] == 3
    conforms(page, "OrderSearchPagedCollection")
    too_many = ",".join(f"01-00000-{i:05d}" for i in range(51))
    error_of(shared.orders(orderIds=too_many), 400, 30900)


NOW = datetime.now(timezone.utc)


@pytest.mark.parametrize("params,error_id", [
    ({"filter": "createdate:[2026-01-01T00:00:00.000Z..]"}, 30700),
    ({"filter": "lastmodifieddate:2026-01-01T00:00:00.000Z"}, 30800),
    ({"filter": "orderfulfillmentstatus:{NOT_STARTED|FULFILLED}"}, 30800),
    ({"filter": "orderfulfillmentstatus:{SHIPPED}"}, 30800),
    ({"filter": "lastmodifieddate:[2026-01-01..]"}, 30810),
    ({"filter": "lastmodifieddate:[2026-01-01T00:00:00+01:00..]"}, 30810),
    ({"filter": "lastmodifieddate:[..2026-01-01T00:00:00.000Z]"}, 30820),
    ({"filter": f"lastmodifieddate:[{ebay_time(NOW - timedelta(days=91))}..]"}, 30830),
    ({"filter": f"creationdate:[{ebay_time(NOW - timedelta(days=2))}..{ebay_time(NOW - timedelta(days=3))}]"}, 30840),
    ({"filter": f"lastmodifieddate:[{ebay_time(NOW + timedelta(hours=1))}..]"}, 30850),
    ({"filter": f"lastmodifieddate:[{ebay_time(NOW - timedelta(days=1))}..{ebay_time(NOW + timedelta(days=1))}]"},
     30850),
    ({"limit": 0}, 31100), ({"limit": 1001}, 31100), ({"limit": "ten"}, 31100),
    ({"offset": -1}, 31000), ({"offset": "x"}, 31000),
    ({"fieldGroups": "EVERYTHING"}, 32800),
])
def test_bad_parameters_get_the_documented_error_ids(shared, params, error_id):
    entry = error_of(shared.orders(**params), 400, error_id)
    assert entry["domain"] == "API_FULFILLMENT"


def test_get_order_and_its_shipping_fulfillments(shared):
    orders = shared.all_orders(limit=1000)
    shipped = next(o for o in orders if o["orderFulfillmentStatus"] == "FULFILLED")
    single = shared.order(shipped["orderId"])
    conforms(single, "Order")
    assert single == shipped  # same JSON by id as in the list (no cancellation requests here)
    for href in shipped["fulfillmentHrefs"]:
        assert href.startswith(shared.base_url + ORDERS + f"/{shipped['orderId']}/shipping_fulfillment/")
        package = shared.http.get(href).json()
        conforms(package, "ShippingFulfillment")
        assert package["shipmentTrackingNumber"] and ISO_MS_Z.match(package["shippedDate"])
        assert {ref["lineItemId"] for ref in package["lineItems"]} == {li["lineItemId"] for li in shipped["lineItems"]}
    listing = shared.get(f"{ORDERS}/{shipped['orderId']}/shipping_fulfillment").json()
    conforms(listing, "ShippingFulfillmentPagedCollection")
    assert listing["total"] == len(shipped["fulfillmentHrefs"]) == 1
    assert shared.get(f"{ORDERS}/{shipped['orderId']}", fieldGroups="TAX_BREAKDOWN").status_code == 200
    error_of(shared.get(f"{ORDERS}/99-99999-99999"), 404, 32100)
    error_of(shared.get(f"{ORDERS}/not-an-order"), 400, 32100)
    error_of(shared.get(f"{ORDERS}/{shipped['orderId']}/shipping_fulfillment/nope"), 404, 32110)
    assert shared.get("/sell/fulfillment/v1/nothing").status_code == 404
    assert shared.http.delete(ORDERS).status_code == 405


def test_shipping_fulfillment_moves_the_order_along(sandbox):
    api = sandbox()
    oid = api.ok("POST", "/orders", {"items": 2})["orders"][0]["id"]
    before = api.order(oid)
    first, second = (line["lineItemId"] for line in before["lineItems"])
    api.advance(5)
    path = f"{ORDERS}/{oid}/shipping_fulfillment"
    created = api.http.post(path, json={"lineItems": [{"lineItemId": first, "quantity": 1}],
                                        "shippingCarrierCode": "DHL", "trackingNumber": "00340434161234567890"})
    assert created.status_code == 201 and created.json() == {}
    assert created.headers["Location"] == f"{api.base_url}{path}/00340434161234567890"
    conforms(api.http.get(created.headers["Location"]).json(), "ShippingFulfillment")
    after = api.order(oid)
    assert after["orderFulfillmentStatus"] == "IN_PROGRESS" and after["lastModifiedDate"] > before["lastModifiedDate"]
    assert [li["lineItemFulfillmentStatus"] for li in after["lineItems"]] == ["FULFILLED", "NOT_STARTED"]
    recent = api.all_orders(filter=f"lastmodifieddate:[{after['lastModifiedDate']}..]")
    assert [o["orderId"] for o in recent] == [oid]
    error_of(api.http.post(path, json={"lineItems": [{"lineItemId": first}]}), 400, 32200)  # already shipped
    error_of(api.http.post(path, json={"lineItems": [{"lineItemId": "123"}]}), 400, 32200)
    untracked_carrier = {"lineItems": [{"lineItemId": second}], "shippingCarrierCode": "DHL"}
    error_of(api.http.post(path, json=untracked_carrier), 400, 32300)
    future = ebay_time(datetime.now(timezone.utc) + timedelta(days=2))
    error_of(api.http.post(path, json={"lineItems": [{"lineItemId": second}], "shippedDate": future}), 400, 32500)
    error_of(api.http.post(path, json={"items": []}), 400, 32600)
    assert api.http.post(path, json={"lineItems": [{"lineItemId": second}]}).status_code == 201  # untracked
    assert api.order(oid)["orderFulfillmentStatus"] == "FULFILLED"
    held = api.ok("POST", "/orders", {"held": True})["orders"][0]["id"]
    held_line = api.order(held)["lineItems"][0]["lineItemId"]
    error_of(api.http.post(f"{ORDERS}/{held}/shipping_fulfillment", json={"lineItems": [{"lineItemId": held_line}]}),
             400, 32600)  # not paid: not shippable
    api.login(scope="https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly")
    assert api.orders().status_code == 200
    error_of(api.http.post(path, json={"lineItems": [{"lineItemId": second}]}), 403, 1100)


def test_accepted_fulfillments_are_recorded_and_a_swallowed_one_keeps_nothing(sandbox):
    api = sandbox()
    oid = api.ok("POST", "/orders", {"items": 2})["orders"][0]["id"]
    first, second = (line["lineItemId"] for line in api.order(oid)["lineItems"])
    api.advance(5)
    path = f"{ORDERS}/{oid}/shipping_fulfillment"
    api.ok("POST", "/status-requests/swallow", {"count": 1})
    body = {"lineItems": [{"lineItemId": first, "quantity": 1}], "shippingCarrierCode": "DHL",
            "trackingNumber": "00340434161234567890"}
    swallowed = api.http.post(path, json=body)
    assert swallowed.status_code == 201 and swallowed.headers["Location"].endswith("/00340434161234567890")
    assert api.get(path).json() == {"fulfillments": [], "total": 0}
    assert api.order(oid)["orderFulfillmentStatus"] == "NOT_STARTED"
    assert api.http.post(path, json=body).status_code == 201
    error_of(api.http.post(path, json=body), 400, 32200)  # refused: not recorded
    assert api.http.post(path, json={"lineItems": [{"lineItemId": second, "quantity": 2}]}).status_code == 201
    records = api.ok("GET", "/status-requests")["requests"]
    assert [(r["swallowed"], r["kind"], r["order_id"]) for r in records] == [
        (True, "shipment", oid), (False, "shipment", oid), (False, "shipment", oid)]
    kept, untracked = records[1:]
    assert (kept["carrier_code"], kept["tracking_number"], kept["fulfillment_id"]) == ("DHL", "00340434161234567890",
                                                                                       "00340434161234567890")
    assert kept["lines"] == [{"line_id": first, "quantity": 1}] and ISO_MS_Z.match(kept["shipped_date"])
    assert (kept["method"], kept["path"], kept["body"]) == ("POST", path, body)
    assert (untracked["carrier_code"], untracked["tracking_number"]) == ("", "")
    assert untracked["lines"] == [{"line_id": second, "quantity": 2}]
    listing = api.get(path).json()
    conforms(listing, "ShippingFulfillmentPagedCollection")
    assert listing["total"] == 2 and api.order(oid)["orderFulfillmentStatus"] == "FULFILLED"
