"""eBay sandbox: the lazy state machine, the shared control API, broken orders, faults, quotas, seeds."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

import httpx
import pytest
from ebay_api import ORDERS, EbayApi, conforms, error_of

from app.sandbox.clock import SandboxClock
from app.sandbox.ebay import EbaySandbox
from app.sandbox.settings import SandboxSettings


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def add(api: EbayApi, **body) -> str:
    return api.ok("POST", "/orders", {"count": 1, **body})["orders"][0]["id"]


def test_a_pending_payment_clears_at_its_due_time(sandbox):
    api = sandbox(orders=0, release_delay=600)
    oid = add(api, held=True, items=2)
    order = api.order(oid)
    assert order["orderPaymentStatus"] == "PENDING" and "paymentDate" not in order["paymentSummary"]["payments"][0]
    assert api.ok("GET", "/orders")["orders"][0]["held"] is True
    api.advance(900)  # later than due: the change is stamped with its due time, not with now
    order = api.order(oid)
    due = parse(order["creationDate"]) + timedelta(seconds=600)
    assert order["orderPaymentStatus"] == "PAID" and parse(order["lastModifiedDate"]) == due
    assert parse(order["paymentSummary"]["payments"][0]["paymentDate"]) == due
    truth = api.ok("GET", "/orders")["orders"][0]
    assert truth["held"] is False and truth["paid"] is True


def test_seeded_payments_clear_or_fail_in_due_order(sandbox):
    api = sandbox(orders=500, seed=2)
    held = {o["id"] for o in api.ok("GET", "/orders")["orders"] if o["held"]}
    assert 45 <= len(held) <= 55
    before = api.ok("GET", "/state")["now"]
    api.advance(1800)
    after = {o["orderId"]: o for o in api.all_orders(limit=1000) if o["orderId"] in held}
    outcome = Counter((o["orderPaymentStatus"], o["cancelStatus"]["cancelState"]) for o in after.values())
    assert set(outcome) == {("PAID", "NONE_REQUESTED"), ("FAILED", "CANCELED")}
    assert 0 < outcome[("FAILED", "CANCELED")] < len(held) / 2
    for order in after.values():
        stamp = parse(order["lastModifiedDate"])
        assert parse(before) < stamp <= parse(order["creationDate"]) + timedelta(seconds=1800)
    assert not any(o["held"] for o in api.ok("GET", "/orders")["orders"])


def test_new_orders_arrive_over_time(sandbox):
    api = sandbox(orders=0, generate_every=60.0)
    api.advance(600)
    orders = api.all_orders()
    assert len(orders) == 10 and {o["orderPaymentStatus"] for o in orders} == {"PENDING"}
    created = sorted(parse(o["creationDate"]) for o in orders)
    assert {b - a for a, b in zip(created, created[1:], strict=False)} == {timedelta(seconds=60)}


def test_control_release_and_whole_order_cancellation(sandbox):
    api = sandbox(orders=0)
    paid, held = add(api, items=2), add(api, held=True)
    assert api.control("POST", f"/orders/{paid}/release").status_code == 409
    assert api.control("POST", f"/orders/{paid}/cancel", {"lines": ["x"]}).status_code == 400  # no line cancels
    assert api.control("POST", "/orders/99-99999-99999/cancel").status_code == 404
    api.ok("POST", f"/orders/{paid}/cancel")
    listed = next(o for o in api.all_orders() if o["orderId"] == paid)
    assert (listed["orderPaymentStatus"], listed["cancelStatus"]["cancelState"]) == ("FULLY_REFUNDED", "CANCELED")
    assert listed["cancelStatus"]["cancelRequests"] == [] and listed["cancelStatus"]["cancelledDate"]
    assert all(line["refunds"] for line in listed["lineItems"])
    single = api.order(paid)  # getOrder has the cancellation requests getOrders leaves out
    conforms(single, "Order")
    assert single["cancelStatus"]["cancelRequests"][0]["cancelRequestState"] == "COMPLETED"
    assert api.control("POST", f"/orders/{paid}/cancel").status_code == 409
    api.ok("POST", f"/orders/{held}/cancel")
    truth = {o["id"]: o for o in api.ok("GET", "/orders")["orders"]}
    assert truth[held]["held"] is False and truth[held]["paid"] is False
    assert all(line["cancelled"] for line in truth[held]["lines"]) and len(truth[paid]["lines"]) == 2
    shipped = add(api)
    line = api.order(shipped)["lineItems"][0]["lineItemId"]
    assert api.http.post(f"{ORDERS}/{shipped}/shipping_fulfillment", json={"lineItems": [{"lineItemId": line}]}) \
        .status_code == 201
    assert api.control("POST", f"/orders/{shipped}/cancel").status_code == 409  # shipped: a return, not a cancel
    released = add(api, held=True)
    api.ok("POST", f"/orders/{released}/release")
    assert api.order(released)["orderPaymentStatus"] == "PAID"


@pytest.mark.parametrize("kind,check", [
    ("missing_field", lambda o: "creationDate" not in o and "quantity" not in o["lineItems"][0]),
    ("wrong_type", lambda o: o["lineItems"][0]["lineItemCost"]["value"] == 49.99
                             and o["lineItems"][0]["quantity"] == "2"),
    ("unknown_enum", lambda o: o["orderPaymentStatus"] == "PARTIALLY_TELEPORTED"),
])
def test_malformed_orders_are_listed_but_not_in_the_truth(sandbox, kind, check):
    api = sandbox(orders=5)
    bad = api.ok("POST", "/orders/malformed", {"kind": kind})["id"]
    listed = {o["orderId"]: o for o in api.all_orders()}
    assert check(listed[bad]) and len(listed) == 6
    assert bad not in {o["id"] for o in api.ok("GET", "/orders")["orders"]}
    assert api.control("POST", "/orders/malformed", {"kind": "weird"}).status_code == 400


def test_faults_answer_in_ebays_envelopes(sandbox):
    api = sandbox(orders=3)
    api.ok("POST", "/faults", {"kind": "429", "retry_after": 3})
    entry = error_of(api.orders(), 429, 2001)
    assert "Retry-After" not in api.orders().headers  # eBay documents none (switch below)
    assert entry["domain"] == "ACCESS"
    api.ok("POST", "/config", {"retry_after_on_429": True})
    api.ok("POST", "/faults", {"kind": "429", "retry_after": 3})
    assert api.orders().headers["Retry-After"] == "3"
    api.ok("POST", "/faults", {"kind": "500"})
    assert error_of(api.orders(), 500, 30500)["category"] == "APPLICATION"
    api.ok("POST", "/faults", {"kind": "503", "count": 2})
    assert [api.orders().status_code for _ in range(3)] == [503, 503, 200]
    api.ok("POST", "/faults", {"kind": "garbage"})
    garbage = api.orders()
    assert garbage.status_code == 200 and garbage.text.startswith("<html>")
    api.ok("POST", "/faults", {"kind": "cutoff"})
    with pytest.raises(httpx.RemoteProtocolError):
        api.orders()
    api.ok("POST", "/faults", {"kind": "slow", "delay": 0.3})
    started = time.monotonic()
    assert api.orders().status_code == 200 and time.monotonic() - started >= 0.3
    api.ok("POST", "/faults", {"kind": "503", "include_token": True})
    token = api.token_response()
    assert token.status_code == 503 and token.json()["error"] == "temporarily_unavailable"
    api.ok("POST", "/faults", {"kind": "500", "count": 5})
    assert api.token_response().status_code == 200  # token calls are spared unless include_token
    assert len(api.ok("GET", "/state")["faults"]) == 1
    assert api.ok("DELETE", "/faults")["faults"] == [] and api.orders().status_code == 200
    assert api.control("POST", "/faults", {"kind": "meteor"}).status_code == 400


def test_daily_quotas_run_out_with_ebays_429(sandbox):
    api = sandbox(orders=3, real_limits=True, time_scale=172_800.0)  # a day in half a second
    api.ok("POST", "/config", {"api_calls_per_day": 5, "token_calls_per_day": 2})  # 10 and 4 calls per second
    assert [api.orders().status_code for _ in range(5)] == [200] * 5
    error_of(api.orders(), 429, 2001)
    time.sleep(0.15)  # refilled: the day moved on
    assert api.orders().status_code == 200
    assert [api.token_response().status_code for _ in range(3)] == [200, 200, 429]  # a bucket of its own
    state = api.ok("GET", "/state")
    assert state["rate_limited"] == 2
    assert {q["name"]: q["calls_per_day"] for q in state["quotas"]} == \
        {"sell.fulfillment": 5, "identity.oauth2.token": 2}
    assert api.ok("GET", "/state")["rate_limited"] == 2  # the control API is never metered


def test_without_real_limits_nothing_is_metered(sandbox):
    api = sandbox(orders=1)
    api.ok("POST", "/config", {"api_calls_per_day": 1})
    assert {api.orders().status_code for _ in range(30)} == {200}
    assert api.ok("GET", "/state")["rate_limited"] == 0


def test_switches_are_checked_and_change_the_sort(sandbox):
    api = sandbox(orders=30)
    assert api.control("POST", "/config", {"sort_descending": "yes"}).status_code == 400
    assert api.control("POST", "/config", {"teleport": True}).status_code == 400
    assert api.control("POST", "/config", {"max_limit": 0}).status_code == 400
    api.ok("POST", "/config", {"sort_descending": True, "max_limit": 200})
    stamps = [o["creationDate"] for o in api.all_orders(limit=200)]
    assert stamps == sorted(stamps, reverse=True)
    error_of(api.orders(limit=201), 400, 31100)


def test_the_shared_control_api_shapes(sandbox):
    api = sandbox(orders=20)
    state = api.ok("GET", "/state")
    assert {"now", "orders", "requests", "rate_limited", "faults"} <= set(state) and state["orders"] == 20
    truth = api.ok("GET", "/orders")["orders"]
    assert set(truth[0]) == {"id", "number", "held", "paid", "currency", "gross_minor", "lines"}
    assert set(truth[0]["lines"][0]) == {"id", "quantity", "cancelled"}
    made = api.ok("POST", "/orders", {"count": 3, "items": 4})["orders"]
    assert len(made) == 3 and all(set(o) == {"id", "number"} for o in made)
    assert all(len(api.order(o["id"])["lineItems"]) == 4 for o in made)
    assert api.control("POST", "/orders", {"count": 0}).status_code == 400
    assert api.control("GET", "/nothing").status_code == 404
    assert api.control("POST", "/clock/advance", {"seconds": -5}).status_code == 400


def test_same_seed_same_orders_other_seed_other_orders():
    def seeded(seed: int) -> list:
        sandbox = EbaySandbox(SandboxSettings(seed=seed, orders=80), SandboxClock())
        return sorted((o.oid, o.record, o.total, o.payment,
                       [(ln.lid, ln.qty, ln.unit, ln.shipping, ln.discount) for ln in o.lines])
                      for o in sandbox.store.orders.values())

    assert seeded(6) == seeded(6)
    assert not {o[0] for o in seeded(6)} & {o[0] for o in seeded(7)}

