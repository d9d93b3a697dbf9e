"""Amazon sandbox behaviour over HTTP: getOrders filters and NextToken, the order state
machine on the sandbox clock, seeded data, usage plans and the control API."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from app.sandbox.amazon import AmazonSandbox
from app.sandbox.settings import SandboxSettings
from tests.sandbox.amazon.amazon_access import EPOCH, AmazonApi, start_sandbox


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def amazon_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.mark.parametrize("params, message", [
    ({}, "Either CreatedAfter or LastUpdatedAfter must be specified"),
    ({"MarketplaceIds": ""}, "MarketplaceIds is required"),
    ({"MarketplaceIds": "ATVPDKIKX0DER", "LastUpdatedAfter": EPOCH}, "not registered"),
    ({"CreatedAfter": EPOCH, "LastUpdatedAfter": EPOCH}, "cannot be combined"),
    ({"CreatedAfter": EPOCH, "LastUpdatedBefore": "2001-01-01T00:00:00Z"}, "cannot be combined"),
    ({"LastUpdatedBefore": "2001-01-01T00:00:00Z"}, "LastUpdatedAfter is required"),
    ({"LastUpdatedAfter": "2001-01-01T00:00:00Z", "LastUpdatedBefore": EPOCH}, "equal to or after"),
    ({"LastUpdatedAfter": EPOCH, "LastUpdatedBefore": "NOW"}, "at least two minutes before"),
    ({"LastUpdatedAfter": "2999-01-01T00:00:00Z"}, "future"),
    ({"LastUpdatedAfter": "yesterday"}, "not a valid ISO 8601 date"),
    ({"LastUpdatedAfter": EPOCH, "MaxResultsPerPage": "0"}, "MaxResultsPerPage"),
    ({"LastUpdatedAfter": EPOCH, "MaxResultsPerPage": "101"}, "MaxResultsPerPage"),
    ({"LastUpdatedAfter": EPOCH, "OrderStatuses": "Unshipped,Lost"}, "OrderStatuses"),
    ({"LastUpdatedAfter": EPOCH, "NextToken": "not-a-token"}, "Invalid NextToken"),
])
def test_get_orders_rejects_what_amazon_rejects(shared_api: AmazonApi, params, message):
    api = shared_api
    if params.get("LastUpdatedBefore") == "NOW":
        params["LastUpdatedBefore"] = amazon_time(datetime.now(timezone.utc) - timedelta(seconds=30))
    response = api.orders_page(api.login(), **params)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput" and message in error["message"]


def test_pagination_is_complete_sorted_and_keeps_its_filters(api: AmazonApi):
    token = api.login()
    truth = api.truth()
    served = api.all_orders(token, MaxResultsPerPage=7)
    ids = [o["AmazonOrderId"] for o in served]
    assert len(ids) == len(set(ids)) == len(truth) and set(ids) == set(truth)
    keys = [(stamp(o["LastUpdateDate"]), o["AmazonOrderId"]) for o in served]
    assert keys == sorted(keys)  # oldest change first
    by_purchase = api.all_orders(token, CreatedAfter=EPOCH, LastUpdatedAfter=None, MaxResultsPerPage=50)
    assert [stamp(o["PurchaseDate"]) for o in by_purchase] == sorted(stamp(o["PurchaseDate"]) for o in by_purchase)
    # Filters keep applying with the NextToken; repeating them differently is refused.
    first = api.orders_page(token, LastUpdatedAfter=EPOCH, OrderStatuses="Shipped", MaxResultsPerPage=5).json()
    shipped = api.all_orders(token, OrderStatuses="Shipped", MaxResultsPerPage=5)
    assert {o["OrderStatus"] for o in shipped} == {"Shipped"}
    assert len(shipped) == sum(1 for o in served if o["OrderStatus"] == "Shipped") > 5
    token_only = api.orders_page(token, NextToken=first["payload"]["NextToken"], MaxResultsPerPage=5)
    assert {o["OrderStatus"] for o in token_only.json()["payload"]["Orders"]} == {"Shipped"}
    mixed = api.orders_page(token, LastUpdatedAfter=EPOCH, OrderStatuses="Pending",
                            NextToken=first["payload"]["NextToken"])
    assert mixed.status_code == 400 and "different filters" in mixed.json()["errors"][0]["message"]
    # The answer names the window's upper bound, fixed at the first page.
    assert stamp(first["payload"]["LastUpdatedBefore"]) <= datetime.now().astimezone()
    assert token_only.json()["payload"]["LastUpdatedBefore"] == first["payload"]["LastUpdatedBefore"]


def test_a_pagination_never_skips_when_orders_change_underneath(api: AmazonApi):
    token = api.login()
    everything = {o["AmazonOrderId"]: o["OrderStatus"] for o in api.all_orders(token)}
    first = api.orders_page(token, LastUpdatedAfter=EPOCH, MaxResultsPerPage=20).json()["payload"]
    served = {o["AmazonOrderId"] for o in first["Orders"]}
    waiting = [oid for oid, status in everything.items() if oid not in served]
    released = next(oid for oid in waiting if everything[oid] == "Pending")
    cancelled = next(oid for oid in waiting if everything[oid] == "Unshipped")
    api.control("POST", f"/orders/{released}/release")  # both change now: past the fixed bound
    api.control("POST", f"/orders/{cancelled}/cancel")
    rest = api.all_orders(token, MaxResultsPerPage=20, NextToken=first["NextToken"])
    rest_ids = [o["AmazonOrderId"] for o in rest]
    assert not served & set(rest_ids) and len(rest_ids) == len(set(rest_ids))
    assert set(everything) - served - set(rest_ids) == {released, cancelled}  # nothing else went missing
    again = {o["AmazonOrderId"]: o for o in api.all_orders(token)}
    assert again[released]["OrderStatus"] == "Unshipped" and again[cancelled]["OrderStatus"] == "Canceled"
    newest_before = max(stamp(o["LastUpdateDate"]) for o in rest)
    assert min(stamp(again[oid]["LastUpdateDate"]) for oid in (released, cancelled)) >= newest_before


def test_held_orders_are_authorised_on_the_sandbox_clock(api: AmazonApi):
    token = api.login()
    held = api.control("POST", "/orders", {"count": 3, "held": True, "items": 2})["orders"]
    ids = {o["id"] for o in held}
    before = {o["AmazonOrderId"]: o for o in api.all_orders(token) if o["AmazonOrderId"] in ids}
    assert {o["OrderStatus"] for o in before.values()} == {"Pending"}
    assert not any("OrderTotal" in o for o in before.values())  # no total before payment
    items = api.get(f"/orders/v0/orders/{held[0]['id']}/orderItems", token).json()["payload"]["OrderItems"]
    assert len(items) == 2 and not any("ItemPrice" in i or "PromotionDiscount" in i for i in items)
    api.control("POST", "/clock/advance", {"seconds": 1700})
    assert {o["AmazonOrderId"] for o in api.all_orders(api.login(), OrderStatuses="Pending")} >= ids
    api.control("POST", "/clock/advance", {"seconds": 100})
    after = {o["AmazonOrderId"]: o for o in api.all_orders(api.login()) if o["AmazonOrderId"] in ids}
    for oid, order in after.items():
        assert order["OrderStatus"] == "Unshipped" and "OrderTotal" in order
        # stamped with its due time (purchase + release_delay), not with the moment of the request
        assert stamp(order["LastUpdateDate"]) - stamp(order["PurchaseDate"]) == timedelta(seconds=1800)
    truth = api.truth()
    assert not any(truth[oid]["held"] for oid in ids) and all(truth[oid]["paid"] for oid in ids)


def test_control_api_transitions_and_refusals(api: AmazonApi):
    token = api.login()
    plain, held = (api.control("POST", "/orders", body)["orders"][0]["id"] for body in ({"items": 2}, {"held": True}))
    api.control("POST", f"/orders/{plain}/release", expect=409)
    api.control("POST", f"/orders/{held}/release")
    api.control("POST", f"/orders/{held}/release", expect=409)
    api.control("POST", f"/orders/{plain}/cancel", {"lines": ["x"]}, expect=400)  # whole orders only
    api.control("POST", f"/orders/{plain}/cancel")
    truth = api.truth()[plain]
    assert truth["lines"] and all(ln["cancelled"] for ln in truth["lines"]) and truth["gross_minor"] > 0
    api.control("POST", f"/orders/{plain}/cancel", expect=409)  # already cancelled
    api.control("POST", "/orders/999-0000000-0000000/release", expect=404)
    api.control("POST", "/orders", {"count": 0}, expect=400)
    api.control("POST", "/orders/malformed", {"kind": "teleported"}, expect=400)
    api.control("POST", "/clock/advance", {"seconds": -1}, expect=400)
    order = api.get(f"/orders/v0/orders/{plain}", token).json()["payload"]
    assert order["OrderStatus"] == "Canceled"


def test_shipping_moves_orders_to_partially_shipped_and_shipped(api: AmazonApi):
    token = api.login()
    oid = api.control("POST", "/orders", {"items": 2})["orders"][0]["id"]
    items = api.get(f"/orders/v0/orders/{oid}/orderItems", token).json()["payload"]["OrderItems"]

    def ship(item: dict, reference: str) -> int:
        package = {"packageReferenceId": reference, "carrierCode": "Other", "carrierName": "Hermes",
                   "trackingNumber": "H1000000000000000001", "shipDate": "2026-05-03T09:00:00Z",
                   "orderItems": [{"orderItemId": item["OrderItemId"], "quantity": item["QuantityOrdered"]}]}
        return api.http.post(f"/orders/v0/orders/{oid}/shipmentConfirmation", headers={"x-amz-access-token": token},
                             json={"marketplaceId": api.marketplace, "packageDetail": package}).status_code

    assert ship(items[0], "1") == 204
    assert api.get(f"/orders/v0/orders/{oid}", token).json()["payload"]["OrderStatus"] == "PartiallyShipped"
    assert ship(items[1], "2") == 204
    order = api.get(f"/orders/v0/orders/{oid}", token).json()["payload"]
    assert order["OrderStatus"] == "Shipped" and order["NumberOfItemsUnshipped"] == 0
    shipped = api.get(f"/orders/v0/orders/{oid}/orderItems", token).json()["payload"]["OrderItems"]
    assert all(i["QuantityShipped"] == i["QuantityOrdered"] for i in shipped)
    api.control("POST", f"/orders/{oid}/cancel", expect=409)


def test_order_items_come_in_pages(api: AmazonApi):
    token = api.login()
    oid = api.control("POST", "/orders", {"items": 45})["orders"][0]["id"]
    path = f"/orders/v0/orders/{oid}/orderItems"
    pages, items, params = 0, [], {}
    while True:
        payload = api.get(path, token, **params).json()["payload"]
        pages += 1
        items += payload["OrderItems"]
        if "NextToken" not in payload:
            break
        params = {"NextToken": payload["NextToken"]}
    assert pages == 3 and len({i["OrderItemId"] for i in items}) == 45
    other = api.control("POST", "/orders", {"items": 1})["orders"][0]["id"]
    foreign = api.get(f"/orders/v0/orders/{other}/orderItems", token, NextToken=params["NextToken"])
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["message"] == "Invalid NextToken"


def test_malformed_orders_are_listed_but_not_in_the_truth(api: AmazonApi):
    token = api.login()
    bad = {kind: api.control("POST", "/orders/malformed", {"kind": kind})["id"]
           for kind in ("missing_field", "wrong_type", "unknown_enum")}
    listed = {o["AmazonOrderId"]: o for o in api.all_orders(token)}
    assert "PurchaseDate" not in listed[bad["missing_field"]]
    assert isinstance(listed[bad["wrong_type"]]["OrderTotal"]["Amount"], float)
    assert listed[bad["unknown_enum"]]["OrderStatus"] == "PartiallyTeleported"
    items = api.get(f"/orders/v0/orders/{bad['wrong_type']}/orderItems", token).json()["payload"]["OrderItems"]
    assert isinstance(items[0]["QuantityOrdered"], str)
    assert not set(bad.values()) & set(api.truth())


def test_seeded_orders_are_deterministic_and_look_like_a_backlog():
    one = AmazonSandbox(SandboxSettings(seed=3, orders=400))
    two = AmazonSandbox(SandboxSettings(seed=3, orders=400))
    other = AmazonSandbox(SandboxSettings(seed=4, orders=400))

    def shape(sandbox: AmazonSandbox) -> list:
        return sorted((o.oid, o.status, o.total, o.changed - o.purchase, [(i.iid, i.qty, i.price) for i in o.items])
                      for o in sandbox.store.orders.values())

    assert shape(one) == shape(two) and one.credentials == two.credentials
    assert {o.oid for o in one.store.orders.values()}.isdisjoint(o.oid for o in other.store.orders.values())
    assert one.credentials["client_secret"] != other.credentials["client_secret"]
    assert all(len(one.credentials[k]) >= 8 for k in ("client_secret", "refresh_token"))
    orders = list(one.store.orders.values())
    statuses = Counter(o.status for o in orders)
    held = statuses[0] + statuses[1]  # Pending, PendingAvailability
    assert 0.05 * len(orders) <= held <= 0.16 * len(orders)
    assert statuses[2] > len(orders) / 3 and statuses[3] and statuses[4] and statuses[5]  # Unshipped .. Canceled
    items = [i for o in orders for i in o.items]
    assert sum(len(o.items) > 1 for o in orders) > 0.2 * len(orders) and any(i.qty > 1 for i in items)
    assert any(i.promo for i in items) and any(i.ship_discount for i in items) and any(i.shipping for i in items)
    assert any(i.price % i.qty for i in items)  # quantity discounts that do not divide evenly
    now = one.now()
    assert all(now - 31 * 86_400_000 < o.purchase <= now for o in orders)
    assert all(o.release_due > now for o in orders if o.release_due is not None)


def test_generate_every_adds_held_orders_over_time():
    server = start_sandbox(seed=9, orders=0, generate_every=600)
    api = AmazonApi(server)
    try:
        assert api.truth() == {}
        api.control("POST", "/clock/advance", {"seconds": 3600})
        truth = api.truth()
        assert len(truth) == 6
        # The first ones were authorised (or failed) half an hour after they were placed.
        assert sum(o["held"] for o in truth.values()) in (3, 4)
    finally:
        api.close()
        server.stop()


def test_usage_plans_with_real_limits_answer_quota_exceeded():
    server = start_sandbox(seed=9, orders=30, real_limits=True, time_scale=60)  # getOrders refills 1/s
    api = AmazonApi(server)
    try:
        token = api.login()
        started, answers = time.monotonic(), []
        while len(answers) < 60 and (not answers or answers[-1].status_code == 200):
            answers.append(api.orders_page(token, LastUpdatedAfter=EPOCH))
        elapsed = time.monotonic() - started
        refused = answers[-1]
        # The burst of 20, plus whatever refilled at ~1/s while we were asking.
        assert 20 <= len(answers) - 1 <= 20 + elapsed * 1.002 + 1
        assert refused.status_code == 429 and "Retry-After" not in refused.headers
        assert refused.json() == {"errors": [{"code": "QuotaExceeded",
                                              "message": "You exceeded your quota for the requested resource."}]}
        assert answers[0].headers["x-amzn-RateLimit-Limit"] == f"{0.0167 * 60:g}"
        oid = answers[0].json()["payload"]["Orders"][0]["AmazonOrderId"]
        assert api.get(f"/orders/v0/orders/{oid}/orderItems", token).status_code == 200  # its own bucket
        state = api.state()
        assert state["rate_limited"] == 1 and state["rate_limited_by_operation"]["getOrders"] == 1
        time.sleep(1.1)
        assert api.orders_page(token, LastUpdatedAfter=EPOCH).status_code == 200
    finally:
        api.close()
        server.stop()


def test_without_real_limits_nothing_is_refused(api: AmazonApi):
    token = api.login()
    assert all(api.orders_page(token, LastUpdatedAfter=EPOCH, MaxResultsPerPage=1).status_code == 200
               for _ in range(30))
    assert api.state()["rate_limited"] == 0 and api.state()["real_limits"] is False
