"""Shopware sandbox over real HTTP: token endpoint, auth rejections, both response formats,
association and includes rules, error envelopes, faults and the token rate limit."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from tests.sandbox.shopware.shopware_access import FULL_ASSOCIATIONS, Shop, shopware  # noqa: F401 - fixture
from tests.sandbox.shopware.shopware_schema import (
    ERRORS,
    JSONAPI,
    SEARCH,
    SEARCH_IDS,
    TOKEN,
    from_jsonapi,
    validate,
)

ADAPTER_LIKE_INCLUDES = {
    "order": ["id", "orderNumber", "createdAt", "updatedAt", "amountTotal", "transactions", "lineItems"],
    "order_transaction": ["id", "stateMachineState", "paymentMethod"],
    "state_machine_state": ["technicalName"], "payment_method": ["name"],
    "order_line_item": ["id", "quantity", "price"], "calculated_price": ["totalPrice"],
}


def errors_of(response: httpx.Response, status: int) -> list[dict]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    validate(body, ERRORS)
    return body["errors"]  # type: ignore[no-any-return]


# -- token and auth ---------------------------------------------------------------------------
def test_token_is_a_ten_minute_bearer_without_refresh_token(shopware):
    shop: Shop = shopware(orders=0)
    response = shop.token()
    assert response.status_code == 200
    body = response.json()
    validate(body, TOKEN)
    assert body["expires_in"] == 600 and "refresh_token" not in body
    claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
    assert claims["exp"] - claims["iat"] == 600
    form = shop.http.post("/api/oauth/token", data={"grant_type": "client_credentials", **shop.credentials})
    assert form.status_code == 200  # a form body is accepted as well as JSON


def test_credentials_are_an_integration_key_derived_from_the_seed(shopware):
    a, b = shopware(orders=0, seed=3), shopware(orders=0, seed=4)
    assert a.credentials["client_id"].startswith("SWIA") and len(a.credentials["client_secret"]) >= 8
    assert set(a.credentials) == {"client_id", "client_secret"}
    assert a.credentials != b.credentials
    assert shopware(orders=0, seed=3).credentials == a.credentials


@pytest.mark.parametrize("override, status, code, title", [
    ({"client_secret": "wrong-secret"}, 401, "4", "Client authentication failed"),
    ({"client_id": "SWIAUNKNOWN"}, 401, "4", "Client authentication failed"),
    ({"client_id": ""}, 400, "3", None),
    ({"grant_type": "password"}, 400, "2",
     "The authorization grant type is not supported by the authorization server."),
])
def test_token_rejections_use_shopwares_envelope(shopware, override, status, code, title):
    shop: Shop = shopware(orders=0)
    [error] = errors_of(shop.token(**override), status)
    assert error["code"] == code and error["status"] == str(status)
    if title:
        assert error["title"] == title
    assert shop.credentials["client_secret"] not in json.dumps(error)


@pytest.mark.parametrize("header, hint", [
    (None, 'Missing "Authorization" header'),
    ("Bearer not-a-token", "Access token could not be verified"),
    ("Basic abc", "The JWT string must have two dots"),
])
def test_api_calls_without_a_valid_token_answer_401(shopware, header, hint):
    shop: Shop = shopware(orders=3)
    headers = {"Accept": "application/json", "Authorization": header or ""}
    response = httpx.post(f"{shop.base_url}/api/search/order", json={}, headers=headers if header else
                          {"Accept": "application/json"})
    [error] = errors_of(response, 401)
    assert error["code"] == "9" and error["detail"] == hint
    assert error["title"] == "The resource owner or authorization server denied the request."


def test_token_expires_after_ten_minutes_of_sandbox_time(shopware):
    shop: Shop = shopware(orders=3)
    assert shop.search({"limit": 1}).status_code == 200
    shop.advance(599, relogin=False)
    assert shop.search({"limit": 1}).status_code == 200
    shop.advance(2, relogin=False)
    [error] = errors_of(shop.search({"limit": 1}), 401)
    assert error["detail"] == "Access token is expired"
    shop.login()
    assert shop.search({"limit": 1}).status_code == 200


def test_expire_tokens_fault_invalidates_every_token_at_once(shopware):
    shop: Shop = shopware(orders=3)
    assert shop.ok("POST", "/faults", {"kind": "expire_tokens"})["expired"] >= 1
    errors_of(shop.search({"limit": 1}), 401)


def test_old_versioned_prefix_is_accepted(shopware):
    shop: Shop = shopware(orders=5)
    assert len(shop.search({"limit": 2}, path="/api/v3/search/order").json()["data"]) == 2
    token = shop.http.post("/api/v3/oauth/token", json={"grant_type": "client_credentials", **shop.credentials})
    assert token.status_code == 200


# -- response formats ---------------------------------------------------------------------------
def test_simple_format_validates_with_every_association(shopware):
    shop: Shop = shopware(orders=80)
    body = shop.search({"limit": 80, "associations": FULL_ASSOCIATIONS, "total-count-mode": 1}).json()
    validate(body, SEARCH)
    assert body["total"] == 80 and len(body["data"]) == 80 and body["aggregations"] == []
    types = {item["type"] for order in body["data"] for item in order["lineItems"]}
    assert types == {"product", "promotion"}  # a seeded mix has promotions
    assert any(item["quantity"] > 1 for order in body["data"] for item in order["lineItems"])
    assert any(order["deliveries"][0]["trackingCodes"] for order in body["data"])
    for order in body["data"]:  # the amounts add up like Shopware's cart
        items = sum(item["totalPrice"] for item in order["lineItems"])
        assert round(items + order["shippingCosts"]["totalPrice"], 2) == order["amountTotal"]
        assert order["price"]["totalPrice"] == order["amountTotal"] == order["transactions"][-1]["amount"]["totalPrice"]


def test_without_associations_only_the_autoloaded_ones_come_back(shopware):
    shop: Shop = shopware(orders=10)
    body = shop.search({"limit": 5}).json()
    validate(body, SEARCH)
    for order in body["data"]:
        assert "stateMachineState" in order and "orderCustomer" in order  # autoloaded by Shopware
        for name in ("lineItems", "transactions", "deliveries", "billingAddress", "currency"):
            assert name not in order


def test_child_states_are_null_unless_requested(shopware):
    shop: Shop = shopware(orders=10)
    lazy = shop.orders({"limit": 3, "associations": {"transactions": {"associations": {"paymentMethod": {}}},
                                                     "deliveries": {}}})
    for order in lazy:
        assert order["transactions"][0]["stateMachineState"] is None  # Shopware 6.6 behaviour
        assert order["deliveries"][0]["stateMachineState"] is None
        assert order["transactions"][0]["paymentMethod"]["name"]
        assert order["deliveries"][0]["shippingOrderAddress"]["country"]["iso"]  # autoloaded
    dotted = shop.orders({"limit": 3, "associations": {"transactions.stateMachineState": {}}})
    assert all(o["transactions"][0]["stateMachineState"]["technicalName"] for o in dotted)
    assert shop.ok("POST", "/config", {"child_state_autoload": True})["child_state_autoload"] is True
    older = shop.orders({"limit": 3, "associations": {"transactions": {}, "deliveries": {}}})
    assert all(o["transactions"][0]["stateMachineState"] and o["deliveries"][0]["stateMachineState"] for o in older)


def test_includes_keep_only_the_named_fields(shopware):
    shop: Shop = shopware(orders=20)
    criteria = {"limit": 20, "associations": FULL_ASSOCIATIONS, "includes": ADAPTER_LIKE_INCLUDES}
    body = shop.search(criteria).json()
    validate(body, SEARCH, trimmed=True)
    order = body["data"][0]
    assert set(order) == set(ADAPTER_LIKE_INCLUDES["order"]) | {"apiAlias"}
    assert set(order["transactions"][0]) == {"id", "stateMachineState", "paymentMethod", "apiAlias"}
    assert set(order["transactions"][0]["paymentMethod"]) == {"name", "apiAlias"}
    assert set(order["lineItems"][0]["price"]) == {"totalPrice", "apiAlias"}
    full = shop.orders({"limit": 20, "associations": FULL_ASSOCIATIONS})
    assert len(json.dumps(body["data"])) < len(json.dumps(full)) / 2


def test_jsonapi_is_the_default_format_and_carries_the_same_orders(shopware):
    shop: Shop = shopware(orders=25)
    criteria = {"limit": 10, "associations": FULL_ASSOCIATIONS, "total-count-mode": 1}
    response = shop.search(criteria, simple=False)
    assert response.headers["content-type"] == "application/vnd.api+json"
    document = response.json()
    validate(document, JSONAPI)
    assert document["meta"]["total"] == 25
    assert {r["type"] for r in document["data"]} == {"order"}
    included = {(r["type"], r["id"]) for r in document["included"]}
    assert len(included) == len(document["included"])  # every related entity once
    for resource in document["data"] + document["included"]:
        assert "id" not in resource["attributes"]
        for relation in resource["relationships"].values():
            targets = relation["data"] if isinstance(relation["data"], list) else [relation["data"]]
            assert all((t["type"], t["id"]) in included for t in targets if t)
    rebuilt = from_jsonapi(document)
    validate({"total": 10, "data": rebuilt, "aggregations": []}, SEARCH)
    assert rebuilt == shop.orders(criteria)


def test_search_ids_lists_ids_only(shopware):
    shop: Shop = shopware(orders=12)
    body = shop.search({"limit": 5, "total-count-mode": 1}, path="/api/search-ids/order").json()
    validate(body, SEARCH_IDS)
    assert body["total"] == 12 and body["data"] == [o["id"] for o in shop.orders({"limit": 5})]


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("criteria, code, pointer", [
    ({"limit": 0}, "FRAMEWORK__INVALID_LIMIT_QUERY", "/limit"),
    ({"limit": 501}, "FRAMEWORK__INVALID_LIMIT_QUERY", "/limit"),
    ({"page": "x"}, "FRAMEWORK__INVALID_PAGE_QUERY", "/page"),
    ({"filter": [{"type": "teleport", "field": "id"}]}, "FRAMEWORK__INVALID_FILTER_QUERY", "/filter/0/type"),
    ({"filter": [{"type": "equals", "field": "nope", "value": 1}]}, "FRAMEWORK__UNMAPPED_FIELD", "/filter/0/field"),
    ({"filter": [{"type": "range", "field": "createdAt", "parameters": {"gte": "yesterday"}}]},
     "FRAMEWORK__INVALID_FILTER_QUERY", "/filter/0/parameters/gte"),
    ({"filter": {"type": "equals"}}, "FRAMEWORK__INVALID_FILTER_QUERY", "/filter"),
    ({"sort": [{"field": "createdAt", "order": "UP"}]}, "FRAMEWORK__INVALID_SORT_QUERY", "/sort/0"),
    ({"associations": {"teleports": {}}}, "FRAMEWORK__ASSOCIATION_NOT_FOUND", "/associations/teleports"),
    ({"ids": ["not-an-id"]}, "FRAMEWORK__INVALID_CRITERIA_IDS", "/ids"),
    ({"aggregations": [{"name": "x", "type": "median", "field": "amountTotal"}]},
     "FRAMEWORK__INVALID_AGGREGATION_QUERY", "/aggregations/0/type"),
])
def test_bad_criteria_answer_400_with_a_pointer(shopware, criteria, code, pointer):
    shop: Shop = shopware(orders=3)
    errors = errors_of(shop.search(criteria), 400)
    assert [(e["code"], e["source"]["pointer"]) for e in errors] == [(code, pointer)]


def test_unknown_routes_entities_and_methods(shopware):
    shop: Shop = shopware(orders=1)
    assert errors_of(shop.http.get("/api/teleport"), 404)[0]["title"] == "Not Found"
    assert errors_of(shop.http.get("/api/search/order"), 405)[0]["detail"].endswith("(Allow: POST)")
    assert errors_of(shop.search({}, path="/api/search/product"), 404)[0]["code"] == "FRAMEWORK__DEFINITION_NOT_FOUND"
    bad_json = shop.http.post("/api/search/order", content=b"{nope", headers={"Content-Type": "application/json"})
    errors_of(bad_json, 400)


# -- faults and limits -----------------------------------------------------------------------
@pytest.mark.parametrize("kind, status", [("429", 429), ("500", 500), ("503", 503)])
def test_scripted_faults_answer_in_the_envelope(shopware, kind, status):
    shop: Shop = shopware(orders=2)
    shop.ok("POST", "/faults", {"kind": kind, "count": 2, "retry_after": 3})
    for _ in range(2):
        response = shop.search({"limit": 1})
        errors_of(response, status)
        assert (response.headers.get("Retry-After") == "3") is (kind != "500")
    assert shop.search({"limit": 1}).status_code == 200
    assert shop.state()["faults"] == []


def test_garbage_cutoff_and_token_faults(shopware):
    shop: Shop = shopware(orders=5)
    shop.ok("POST", "/faults", {"kind": "garbage"})
    garbage = shop.search({"limit": 1})
    assert garbage.status_code == 200 and garbage.text.startswith("<html>")
    shop.ok("POST", "/faults", {"kind": "cutoff"})
    with pytest.raises(httpx.RemoteProtocolError):
        shop.search({"limit": 5, "associations": FULL_ASSOCIATIONS})
    shop.ok("POST", "/faults", {"kind": "503"})  # not for the token endpoint unless include_token
    assert shop.token().status_code == 200
    errors_of(shop.search({"limit": 1}), 503)  # the next API call takes it
    shop.ok("POST", "/faults", {"kind": "503", "include_token": True})
    errors_of(shop.token(), 503)
    assert shop.search({"limit": 1}).status_code == 200


def test_slow_fault_answers_late_but_correctly(shopware):
    shop: Shop = shopware(orders=3)
    shop.ok("POST", "/faults", {"kind": "slow", "delay": 0.3})
    started = time.monotonic()
    assert len(shop.orders({"limit": 3})) == 3
    assert time.monotonic() - started >= 0.3


def test_token_endpoint_is_limited_like_shopware_saas(shopware):
    shop: Shop = shopware(orders=2, real_limits=True, time_scale=60)  # 10/min -> 10/s, burst 10
    answers = []
    while len(answers) < 40 and (not answers or answers[-1].status_code == 200):
        answers.append(shop.token())
    assert len(answers) >= 10  # the burst (less the login's token), plus what refilled meanwhile
    [error] = errors_of(answers[-1], 429)
    assert error["code"] == "FRAMEWORK__RATE_LIMIT_EXCEEDED" and int(answers[-1].headers["Retry-After"]) >= 1
    assert shop.state()["rate_limited"] == 1
    assert all(shop.search({"limit": 1}).status_code == 200 for _ in range(30))  # searches are not limited
    time.sleep(0.15)  # 10/s refill
    assert shop.token().status_code == 200


def test_no_limits_without_real_limits(shopware):
    shop: Shop = shopware(orders=1)
    assert all(shop.token().status_code == 200 for _ in range(25))
    assert shop.state()["rate_limited"] == 0


def test_limit_switches(shopware):
    shop: Shop = shopware(orders=1)
    shop.ok("POST", "/config", {"api_per_second": 0.2, "max_limit": None})  # one call per 5 s
    codes = [shop.search({"limit": 1000}).status_code for _ in range(3)]
    assert codes[0] == 200 and 429 in codes
    shop.ok("POST", "/config", {"api_per_second": None, "token_per_minute": 1})
    assert [shop.token().status_code for _ in range(3)].count(429) == 0  # burst of 10 tokens
    assert shop.ok("GET", "/config")["token_per_minute"] == 1
