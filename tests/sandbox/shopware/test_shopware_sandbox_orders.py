"""Shopware sandbox over real HTTP: paging, filters and sorting, the lazy state machine with
its change stamps, the shared control API and deterministic seeds."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.sandbox.shopware.shopware_access import FULL_ASSOCIATIONS, Shop, shopware  # noqa: F401 - fixture

STATES = {"transactions": {"associations": {"stateMachineState": {}, "paymentMethod": {}}},
          "deliveries": {"associations": {"stateMachineState": {}}}, "lineItems": {}}


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def window(field: str, since: str) -> dict:
    return {"type": "range", "field": field, "parameters": {"gte": since}}


# -- paging, filters, sorting -------------------------------------------------------------------
def test_pages_partition_the_sorted_result_and_count_modes(shopware):
    shop: Shop = shopware(orders=53)
    sort = [{"field": "createdAt", "order": "ASC"}, {"field": "id", "order": "ASC"}]
    pages = [shop.search({"page": p, "limit": 10, "sort": sort, "total-count-mode": 1}).json() for p in range(1, 7)]
    ids = [o["id"] for page in pages for o in page["data"]]
    assert [len(p["data"]) for p in pages] == [10, 10, 10, 10, 10, 3] and len(set(ids)) == 53
    assert all(p["total"] == 53 for p in pages)
    created = [o["createdAt"] for page in pages for o in page["data"]]
    assert created == sorted(created)
    assert shop.search({"limit": 10, "total-count-mode": 0}).json()["total"] == 10  # none: what this page holds
    assert shop.search({"limit": 5, "page": 2, "total-count-mode": 2}).json()["total"] == 31  # five pages ahead
    numbers = [int(o["orderNumber"]) for page in pages for o in page["data"]]
    assert numbers == sorted(numbers) and numbers[0] == 10000  # the number range follows creation


def test_filters_sort_and_to_many_semantics(shopware):
    shop: Shop = shopware(orders=120)
    everything = list(shop.all_orders({"associations": STATES}))
    paid = shop.orders({"limit": 500, "filter": [
        {"type": "equals", "field": "transactions.stateMachineState.technicalName", "value": "paid"}]})
    assert {o["id"] for o in paid} == {o["id"] for o in everything
                                       if any(t["stateMachineState"]["technicalName"] == "paid"
                                              for t in o["transactions"])}
    never_updated = shop.orders({"limit": 500, "filter": [{"type": "equals", "field": "updatedAt", "value": None}]})
    assert never_updated and all(o["updatedAt"] is None for o in never_updated)
    states = shop.orders({"limit": 500, "filter": [
        {"type": "equalsAny", "field": "stateMachineState.technicalName", "value": ["cancelled", "completed"]}]})
    assert states and {o["stateMachineState"]["technicalName"] for o in states} == {"cancelled", "completed"}
    neither = shop.orders({"limit": 500, "filter": [{"type": "not", "operator": "or", "queries": [
        {"type": "equals", "field": "stateMachineState.technicalName", "value": "cancelled"},
        {"type": "equals", "field": "stateMachineState.technicalName", "value": "completed"}]}]})
    assert len(neither) + len(states) == len(everything)
    number = everything[7]["orderNumber"]
    assert [o["orderNumber"] for o in shop.orders({"filter": [{"type": "prefix", "field": "orderNumber",
                                                               "value": number}]})] == [number]
    assert shop.orders({"term": number})[0]["orderNumber"] == number
    expensive = shop.orders({"limit": 5, "sort": [{"field": "amountTotal", "order": "DESC"}]})
    totals = sorted((o["amountTotal"] for o in everything), reverse=True)[:5]
    assert [o["amountTotal"] for o in expensive] == totals
    ranged = shop.orders({"limit": 500, "filter": [
        {"type": "range", "field": "amountTotal", "parameters": {"gt": 50, "lte": 100}}]})
    assert all(50 < o["amountTotal"] <= 100 for o in ranged) and ranged


def test_change_window_covers_created_updated_and_child_stamps(shopware):
    shop: Shop = shopware(orders=80)
    everything = list(shop.all_orders({"associations": STATES}))
    cut = sorted(o["createdAt"] for o in everything)[60]
    changed = {o["id"] for o in shop.all_orders({"filter": [{"type": "multi", "operator": "OR", "queries": [
        window(f, cut) for f in ("createdAt", "updatedAt", "transactions.updatedAt", "deliveries.updatedAt")]}]})}

    def newest(o: dict) -> str:
        stamps = [o["createdAt"], o["updatedAt"]] + [c["updatedAt"] for c in o["transactions"] + o["deliveries"]]
        return max(stamp(s) for s in stamps if s).isoformat()

    assert changed == {o["id"] for o in everything if stamp(newest(o)) >= stamp(cut)}
    only_order = {o["id"] for o in shop.all_orders({"filter": [{"type": "multi", "operator": "OR", "queries": [
        window("createdAt", cut), window("updatedAt", cut)]}]})}
    assert only_order < changed  # payments and shipments do not move the order's own updatedAt


def test_max_aggregation_answers_database_datetimes(shopware):
    shop: Shop = shopware(orders=30)
    body = shop.search({"limit": 1, "aggregations": [
        {"name": "newest", "type": "max", "field": "transactions.updatedAt"},
        {"name": "orders", "type": "count", "field": "id"}]}).json()
    newest = body["aggregations"]["newest"]["max"]
    assert len(newest) == 23 and newest[10] == " "  # '2025-05-02 08:14:00.123'
    assert body["aggregations"]["orders"]["count"] == 30


# -- state machine ---------------------------------------------------------------------------
def test_held_prepayment_is_paid_at_its_due_time(shopware):
    shop: Shop = shopware(orders=0, release_delay=1800)
    held = shop.add(held=True)
    before = shop.order(held["id"])
    tx = before["transactions"][0]
    assert tx["paymentMethod"]["technicalName"] == "payment_prepayment"
    assert tx["stateMachineState"]["technicalName"] == "open" and shop.truth()[held["id"]]["held"] is True
    shop.advance(3 * 3600)  # long after the money arrived
    after = shop.order(held["id"])
    tx = after["transactions"][0]
    assert tx["stateMachineState"]["technicalName"] == "paid"
    due = stamp(before["createdAt"]).timestamp() + 1800
    assert stamp(tx["updatedAt"]).timestamp() == pytest.approx(due, abs=0.001)  # stamped with its due time
    assert after["updatedAt"] is None  # a payment does not write the order row
    assert shop.truth()[held["id"]]["held"] is False and shop.truth()[held["id"]]["paid"] is True


def test_touch_switch_moves_the_orders_updated_at_with_its_children(shopware):
    shop: Shop = shopware(orders=0)
    shop.ok("POST", "/config", {"touch_order_on_child_change": True})
    order = shop.add(payment="invoice")
    shop.ok("POST", f"/orders/{order['id']}/pay")
    paid = shop.order(order["id"])
    assert paid["updatedAt"] == paid["transactions"][0]["updatedAt"] is not None


def test_generated_orders_arrive_held_and_some_are_cancelled(shopware):
    shop: Shop = shopware(orders=0, generate_every=600, release_delay=1800)
    shop.advance(6 * 3600)
    state = shop.state()
    assert state["orders"] == 36
    truth = shop.truth().values()
    assert sum(o["held"] for o in truth) == 3  # the last half hour's orders still wait for the money
    assert state["by_state"].get("cancelled", 0) >= 1 and state["by_transaction_state"]["paid"] >= 20


def test_seeded_mix_looks_like_a_shop(shopware):
    shop: Shop = shopware(orders=400)
    state = shop.state()
    assert 0.06 <= state["held"] / 400 <= 0.14
    assert state["by_delivery_state"]["shipped"] > 80 and state["by_state"]["cancelled"] >= 4
    truth = list(shop.truth().values())
    assert sum(o["paid"] for o in truth) > 250
    assert any(len(o["lines"]) >= 3 for o in truth) and any(ln["quantity"] > 1 for o in truth for ln in o["lines"])
    methods = {o["transactions"][-1]["paymentMethod"]["name"] for o in shop.all_orders({"associations": STATES})}
    assert {"Vorkasse", "Rechnung", "PayPal"} <= methods
    two_attempts = [o for o in shop.all_orders({"associations": STATES}) if len(o["transactions"]) > 1]
    assert all(o["transactions"][0]["stateMachineState"]["technicalName"] == "failed" for o in two_attempts)


# -- control API -------------------------------------------------------------------------------
def test_truth_matches_the_wire(shopware):
    shop: Shop = shopware(orders=40)
    truth = shop.truth()
    for order in shop.all_orders({"associations": FULL_ASSOCIATIONS}):
        want = truth[order["id"]]
        products = [i for i in order["lineItems"] if i["type"] == "product"]
        assert want["number"] == order["orderNumber"] and want["currency"] == order["currency"]["isoCode"]
        assert want["gross_minor"] == round(order["amountTotal"] * 100)
        assert [(ln["id"], ln["quantity"]) for ln in want["lines"]] == [(i["id"], i["quantity"]) for i in products]
        last = order["transactions"][-1]
        assert want["paid"] is (last["stateMachineState"]["technicalName"] == "paid")
        cancelled = order["stateMachineState"]["technicalName"] == "cancelled"
        assert all(ln["cancelled"] is cancelled for ln in want["lines"])
        assert want["held"] is (last["paymentMethod"]["technicalName"] == "payment_prepayment"
                                and not want["paid"] and not cancelled)


def test_control_calls_and_their_refusals(shopware):
    shop: Shop = shopware(orders=0)
    invoice = shop.add(payment="invoice", items=3)
    assert len(shop.truth()[invoice["id"]]["lines"]) == 3
    assert shop.control("POST", f"/orders/{invoice['id']}/release").status_code == 409  # not held
    assert shop.control("POST", f"/orders/{invoice['id']}/cancel", {"lines": ["x"]}).status_code == 400
    assert shop.control("POST", "/orders/0123456789abcdef0123456789abcdef/cancel").status_code == 404
    assert shop.control("POST", "/orders", {"held": True, "payment": "invoice"}).status_code == 400
    shop.ok("POST", f"/orders/{invoice['id']}/ship", {"trackingCodes": ["00340434161234567890"]})
    shipped = shop.order(invoice["id"])
    assert shipped["deliveries"][0]["stateMachineState"]["technicalName"] == "shipped"
    assert shipped["deliveries"][0]["trackingCodes"] == ["00340434161234567890"]
    shop.ok("POST", f"/orders/{invoice['id']}/cancel")
    assert shop.control("POST", f"/orders/{invoice['id']}/cancel").status_code == 409  # already cancelled
    cancelled = shop.order(invoice["id"])
    assert cancelled["stateMachineState"]["technicalName"] == "cancelled" and cancelled["updatedAt"]
    assert cancelled["transactions"][0]["stateMachineState"]["technicalName"] == "cancelled"
    held = shop.add(held=True)
    shop.ok("POST", f"/orders/{held['id']}/release")
    assert shop.truth()[held["id"]]["paid"] is True
    assert shop.control("POST", "/orders/malformed", {"kind": "huge"}).status_code == 400
    assert shop.control("POST", "/clock/advance", {"seconds": -1}).status_code == 400


@pytest.mark.parametrize("kind, broken", [
    ("missing_field", lambda o: "orderDateTime" not in o and "quantity" not in o["lineItems"][0]),
    ("wrong_type", lambda o: o["amountTotal"] == "49,99" and o["lineItems"][0]["quantity"] == "2"),
    ("unknown_enum", lambda o: o["stateMachineState"]["technicalName"] == "teleported"),
])
def test_malformed_orders_are_listed_but_not_in_the_truth(shopware, kind, broken):
    shop: Shop = shopware(orders=5)
    bad = shop.ok("POST", "/orders/malformed", {"kind": kind})
    assert bad["id"] not in shop.truth()
    [listed] = [o for o in shop.all_orders({"associations": FULL_ASSOCIATIONS}) if o["id"] == bad["id"]]
    assert broken(listed) and listed["orderNumber"] == bad["number"]


def test_determinism_of_seeds(shopware):
    a, b, c = shopware(orders=50, seed=5), shopware(orders=50, seed=5), shopware(orders=50, seed=6)
    assert a.truth() == b.truth()
    assert [o["id"] for o in a.all_orders()] == [o["id"] for o in b.all_orders()]
    assert set(a.truth()).isdisjoint(c.truth())


def test_served_through_the_sandbox_server_mount():
    from app.sandbox.server import SandboxServer

    with SandboxServer(orders=7, seeded=["shopware"], rate_limit=None) as server:
        shop = Shop(server)
        try:
            assert shop.base_url.endswith("/shopware")
            assert len(shop.orders({"limit": 50})) == 7 and shop.state()["rate_limited"] == 0
        finally:
            shop.close()


def test_state_machines_accept_both_pay_spellings_and_refuse_illegal_moves():
    from app.sandbox.shopware.model import IllegalTransition, transition

    assert transition("order_transaction", "pay", "open") == transition("order_transaction", "paid", "open") == "paid"
    assert transition("order_transaction", "do_pay", "open") == "in_progress"
    assert transition("order_delivery", "ship", "shipped_partially") == "shipped"
    assert transition("order", "complete", "in_progress") == "completed"
    with pytest.raises(IllegalTransition):
        transition("order", "complete", "open")
    with pytest.raises(IllegalTransition):
        transition("order_transaction", "refund", "open")
