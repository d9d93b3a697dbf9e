"""The Shopware sandbox's state transitions and tracking codes over real HTTP, with bare httpx:
Shopware's transition tables with the `pay`/`paid` spellings, its answers (state entity,
illegal transition, unreadable id, unnecessary transition), `PATCH order-delivery`, and that
every change shows in the order search the desk's fetch and read-back use."""

from __future__ import annotations

import pytest

from tests.sandbox.shopware.shopware_access import Shop, shopware  # noqa: F401 - fixture
from tests.sandbox.shopware.shopware_schema import ERRORS, JSONAPI, ref, validate

STATES = {"stateMachineState": {}, "deliveries": {"associations": {"stateMachineState": {}}},
          "transactions": {"associations": {"stateMachineState": {}}}}
STATE = ref("state")
AVAILABLE = {
    "type": "object", "additionalProperties": False, "required": ["transitions"],
    "properties": {"transitions": {"type": "array", "items": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "technicalName", "actionName", "fromStateName", "toStateName", "url"],
        "properties": {k: {"type": "string"} for k in
                       ("name", "technicalName", "actionName", "fromStateName", "toStateName", "url")}}}},
}


@pytest.fixture
def shop(shopware) -> Shop:
    return shopware(orders=0)  # type: ignore[no-any-return]


def new_order(shop: Shop, **body) -> dict:
    """A fresh order as the search shows it with every state (and its delivery and last payment)."""
    created = shop.add(payment=body.pop("payment", "invoice"), **body)
    return shop.order(created["id"], STATES)


def move(shop: Shop, entity: str, eid: str, action: str, body: dict | None = None):
    return shop.http.post(f"/api/_action/{entity}/{eid}/state/{action}", json=body)


def states(shop: Shop, oid: str) -> tuple[str, str, str]:
    order = shop.order(oid, STATES)
    return (order["stateMachineState"]["technicalName"], order["deliveries"][0]["stateMachineState"]["technicalName"],
            order["transactions"][-1]["stateMachineState"]["technicalName"])


def records(shop: Shop) -> list[dict]:
    return shop.ok("GET", "/status-requests")["requests"]  # type: ignore[no-any-return]


def assert_illegal(response, action: str, possible: list[str]) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    validate(body, ERRORS)
    [entry] = body["errors"]
    assert entry["code"] == "SYSTEM__ILLEGAL_STATE_TRANSITION"
    assert entry["meta"]["parameters"]["transition"] == action
    assert entry["meta"]["parameters"]["possibleTransitions"] == possible
    assert entry["detail"].startswith(f'Illegal transition "{action}" from state "')


# -- the three state machines ---------------------------------------------------------------------
def test_order_state_machine_answers_the_new_state_and_stamps_the_order(shop: Shop):
    order = new_order(shop)
    oid = order["id"]
    assert order["updatedAt"] is None
    shop.advance(60)
    response = move(shop, "order", oid, "process", {"sendMail": False})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    validate(response.json(), STATE)
    assert response.json()["technicalName"] == "in_progress" and response.json()["name"] == "In Bearbeitung"
    assert_illegal(move(shop, "order", oid, "reopen"), "reopen", ["cancel", "complete"])
    assert move(shop, "order", oid, "complete").json()["technicalName"] == "completed"
    assert_illegal(move(shop, "order", oid, "cancel"), "cancel", [])
    after = shop.order(oid, STATES)
    assert after["stateMachineState"]["technicalName"] == "completed"
    assert after["updatedAt"] is not None and after["updatedAt"] > order["createdAt"]  # the order row was written
    assert [(r["entity"], r["transition"], r["from_state"], r["to_state"], r["send_mail"]) for r in records(shop)] == [
        ("order", "process", "open", "in_progress", False), ("order", "complete", "in_progress", "completed", True)]


def test_cancelling_the_order_leaves_delivery_and_payment_as_they_are(shop: Shop):
    oid = new_order(shop)["id"]
    assert move(shop, "order", oid, "cancel").json()["technicalName"] == "cancelled"
    assert states(shop, oid) == ("cancelled", "open", "open")  # Shopware does not cascade
    assert shop.truth()[oid]["lines"][0]["cancelled"] is True
    assert move(shop, "order", oid, "reopen").json()["technicalName"] == "open"


def test_delivery_transitions_show_in_the_search_and_move_the_delivery_stamp(shop: Shop):
    order = new_order(shop)
    oid, did = order["id"], order["deliveries"][0]["id"]
    shop.advance(120)
    assert move(shop, "order_delivery", did, "ship_partially").json()["technicalName"] == "shipped_partially"
    assert_illegal(move(shop, "order_delivery", did, "ship_partially" + "x"), "ship_partiallyx",
                   ["cancel", "retour", "retour_partially", "ship"])
    assert move(shop, "order_delivery", did, "ship").json()["technicalName"] == "shipped"
    after = shop.order(oid, STATES)
    assert after["deliveries"][0]["stateMachineState"]["technicalName"] == "shipped"
    stamp = after["deliveries"][0]["updatedAt"]
    assert stamp is not None and stamp > order["createdAt"]
    assert after["updatedAt"] is None  # a child's change does not write the order row (switch below)
    window = shop.orders({"filter": [{"type": "range", "field": "deliveries.updatedAt",
                                      "parameters": {"gte": stamp}}]})
    assert [o["id"] for o in window] == [oid]  # the desk's incremental fetch looks at this stamp
    shipped = shop.orders({"filter": [{"type": "equals", "field": "deliveries.stateMachineState.technicalName",
                                       "value": "shipped"}]})
    assert [o["id"] for o in shipped] == [oid]
    assert move(shop, "order_delivery", did, "retour_partially").json()["technicalName"] == "returned_partially"
    assert move(shop, "order_delivery", did, "retour").json()["technicalName"] == "returned"
    assert_illegal(move(shop, "order_delivery", did, "cancel"), "cancel", [])


def test_switch_touch_order_on_child_change_moves_the_order_stamp_too(shop: Shop):
    shop.ok("POST", "/config", {"touch_order_on_child_change": True})
    order = new_order(shop)
    shop.advance(30)
    move(shop, "order_delivery", order["deliveries"][0]["id"], "ship")
    after = shop.order(order["id"], STATES)
    assert after["updatedAt"] == after["deliveries"][0]["updatedAt"] is not None


@pytest.mark.parametrize("spelling, works, refused", [
    ("both", ["pay", "paid"], []), ("pay", ["pay"], ["paid"]), ("paid", ["paid"], ["pay"])])
def test_pay_and_paid_spellings(shop: Shop, spelling: str, works: list[str], refused: list[str]):
    assert shop.ok("POST", "/config", {"transaction_actions": spelling})["transaction_actions"] == spelling
    for action in works:
        order = new_order(shop)
        tid = order["transactions"][-1]["id"]
        offered = shop.http.get(f"/api/_action/state-machine/order_transaction/{tid}/state").json()
        names = [t["actionName"] for t in offered["transitions"]]
        assert action in names and not set(refused) & set(names)
        assert move(shop, "order_transaction", tid, action).json()["technicalName"] == "paid"
        assert states(shop, order["id"])[2] == "paid"
        assert shop.truth()[order["id"]]["paid"] is True
    for action in refused:
        order = new_order(shop)
        response = move(shop, "order_transaction", order["transactions"][-1]["id"], action)
        assert response.status_code == 400 and action in response.json()["errors"][0]["detail"]
    assert shop.control("POST", "/config", {"transaction_actions": "pai"}).status_code == 400


def test_paying_a_held_prepayment_order_releases_it_for_good(shop: Shop):
    order = new_order(shop, payment="prepayment", held=True)
    oid, tid = order["id"], order["transactions"][-1]["id"]
    assert shop.truth()[oid]["held"] is True
    assert move(shop, "order_transaction", tid, "paid").json()["technicalName"] == "paid"
    assert shop.truth()[oid]["held"] is False
    shop.advance(10 * 86_400)  # the sandbox's own payment or give-up event no longer fires
    assert states(shop, oid) == ("open", "open", "paid")
    paid = shop.orders({"filter": [{"type": "equals", "field": "transactions.stateMachineState.technicalName",
                                    "value": "paid"}]})
    assert oid in [o["id"] for o in paid]


def test_an_unnecessary_transition_is_done_without_a_change(shop: Shop):
    order = new_order(shop)
    did = order["deliveries"][0]["id"]
    first, second = move(shop, "order_delivery", did, "ship"), move(shop, "order_delivery", did, "ship")
    assert first.status_code == second.status_code == 200 and second.json() == first.json()
    assert len(records(shop)) == 1  # Shopware writes no history entry for it
    shop.ok("POST", "/config", {"unnecessary_transitions": False})  # Shopware <= 6.4
    assert_illegal(move(shop, "order_delivery", did, "ship"), "ship", ["cancel", "retour", "retour_partially"])


def test_available_transitions_and_the_generic_endpoints(shop: Shop):
    order = new_order(shop)
    did = order["deliveries"][0]["id"]
    body = shop.http.get(f"/api/_action/state-machine/order_delivery/{did}/state").json()
    validate(body, AVAILABLE)
    assert [(t["actionName"], t["toStateName"]) for t in body["transitions"]] == [
        ("cancel", "cancelled"), ("ship", "shipped"), ("ship_partially", "shipped_partially")]
    assert {t["fromStateName"] for t in body["transitions"]} == {"open"}
    assert body["transitions"][1]["url"].endswith(f"/api/_action/state-machine/order_delivery/{did}/state/ship")
    simple = shop.http.post(f"/api/_action/state-machine/order/{order['id']}/state/process",
                            headers={"Accept": "application/json"})
    assert simple.status_code == 200 and simple.json()["data"]["technicalName"] == "in_progress"
    validate(simple.json()["data"], STATE)
    jsonapi = shop.http.post(f"/api/_action/state-machine/order/{order['id']}/state/complete")
    assert jsonapi.headers["content-type"].startswith("application/vnd.api+json")
    document = jsonapi.json()
    validate({"data": [document["data"]], "included": document["included"], "links": {}, "meta": {"total": 1},
              "aggregations": []}, JSONAPI)
    assert document["data"]["attributes"]["technicalName"] == "completed"
    unknown = shop.http.get(f"/api/_action/state-machine/product/{did}/state")
    assert unknown.status_code == 404


def test_unknown_ids_are_answered_as_shopware_does(shop: Shop):
    new_order(shop)
    for entity in ("order", "order_delivery", "order_transaction"):
        response = move(shop, entity, "0" * 32, "cancel")
        assert response.status_code == 400
        validate(response.json(), ERRORS)
        assert response.json()["errors"][0]["code"] == "SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID"
    assert move(shop, "order", "not-an-id", "cancel").status_code == 400
    patch = shop.http.patch(f"/api/order-delivery/{'0' * 32}", json={"trackingCodes": ["X"]})
    assert patch.status_code == 404 and patch.json()["errors"][0]["code"] == "FRAMEWORK__RESOURCE_NOT_FOUND"
    assert move(shop, "order_line_item", "0" * 32, "cancel").status_code == 404  # no such route
    assert records(shop) == []


def test_the_admin_api_needs_the_bearer_token(shop: Shop):
    order = new_order(shop)
    response = shop.http.post(f"/api/_action/order/{order['id']}/state/process", headers={"Authorization": ""})
    assert response.status_code == 401
    assert states(shop, order["id"])[0] == "open"


# -- tracking codes --------------------------------------------------------------------------------
def test_tracking_codes_are_written_on_the_delivery(shop: Shop):
    order = new_order(shop)
    oid, did = order["id"], order["deliveries"][0]["id"]
    shop.advance(45)
    response = shop.http.patch(f"/api/order-delivery/{did}", json={"trackingCodes": ["00340434161234567890"]})
    assert response.status_code == 204 and response.content == b""
    assert response.headers["Location"].endswith(f"/api/order-delivery/{did}")
    shop.http.patch(f"/api/order-delivery/{did}", json={"trackingCodes": ["00340434161234567890", "H1000000000"]})
    after = shop.order(oid, STATES)
    assert after["deliveries"][0]["trackingCodes"] == ["00340434161234567890", "H1000000000"]
    assert after["deliveries"][0]["updatedAt"] > order["createdAt"]
    found = shop.orders({"filter": [{"type": "equals", "field": "deliveries.trackingCodes", "value": "H1000000000"}]})
    assert [o["id"] for o in found] == [oid]
    assert [(r["kind"], r["added"], r["order_id"]) for r in records(shop)] == [
        ("tracking", ["00340434161234567890"], oid), ("tracking", ["H1000000000"], oid)]


@pytest.mark.parametrize("body, pointers", [
    ({"trackingCodes": "00340434161234567890"}, ["/0/trackingCodes"]),
    ({"trackingCodes": ["ok", 7, None]}, ["/0/trackingCodes/1", "/0/trackingCodes/2"]),
    ({"stateId": "x", "trackingCodes": []}, ["/0/stateId"]),
])
def test_bad_delivery_writes_are_refused_with_pointers(shop: Shop, body: dict, pointers: list[str]):
    did = new_order(shop)["deliveries"][0]["id"]
    response = shop.http.patch(f"/api/order-delivery/{did}", json=body)
    assert response.status_code == 400
    validate(response.json(), ERRORS)
    assert [e["source"]["pointer"] for e in response.json()["errors"]] == pointers
    assert {e["code"] for e in response.json()["errors"]} == {"FRAMEWORK__WRITE_CONSTRAINT_VIOLATION"}
    assert records(shop) == []


# -- the shared status recorder -----------------------------------------------------------------
def test_swallowed_requests_answer_as_done_and_change_nothing(shop: Shop):
    order = new_order(shop)
    oid, did = order["id"], order["deliveries"][0]["id"]
    shop.ok("POST", "/status-requests/swallow", {"count": 2})
    response = move(shop, "order_delivery", did, "ship")
    assert response.status_code == 200 and response.json()["technicalName"] == "shipped"
    assert shop.http.patch(f"/api/order-delivery/{did}", json={"trackingCodes": ["X1"]}).status_code == 204
    after = shop.order(oid, STATES)
    assert after["deliveries"][0]["stateMachineState"]["technicalName"] == "open"
    assert after["deliveries"][0]["trackingCodes"] == []
    assert [(r["kind"], r["swallowed"]) for r in records(shop)] == [("transition", True), ("tracking", True)]
    assert move(shop, "order_delivery", did, "ship").json()["technicalName"] == "shipped"  # the next one lands
    assert states(shop, oid)[1] == "shipped"


def test_faults_hit_transitions_before_anything_changes(shop: Shop):
    order = new_order(shop)
    shop.ok("POST", "/faults", {"kind": "503", "count": 1})
    assert move(shop, "order", order["id"], "process").status_code == 503
    assert states(shop, order["id"])[0] == "open" and records(shop) == []
