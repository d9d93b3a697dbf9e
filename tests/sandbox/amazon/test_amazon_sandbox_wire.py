"""Amazon sandbox wire format over HTTP: every answer validates against Amazon's own models
(../shared/specs/amazon), auth is refused the way LWA and the SP-API refuse it, PII needs
a Restricted Data Token."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.amazon.amazon_access import EPOCH, ORDERS_PII, AmazonApi
from tests.spec_validation import validate

ORDERS = "amazon/ordersV0.json"
TOKENS = "amazon/tokens_2021-03-01.json"
PER_ORDER = [
    ("orderItems", "GetOrderItemsResponse", "0.5"),
    ("", "GetOrderResponse", "0.5"),
    ("address", "GetOrderAddressResponse", "0.5"),
    ("buyerInfo", "GetOrderBuyerInfoResponse", "0.5"),
]
ALL_PII_RESOURCES = ORDERS_PII + [{"method": "GET", "path": "/orders/v0/orders/{orderId}/address"},
                                  {"method": "GET", "path": "/orders/v0/orders/{orderId}/buyerInfo"},
                                  {"method": "GET", "path": "/orders/v0/orders/{orderId}",
                                   "dataElements": ["buyerInfo", "shippingAddress"]}]


def order_path(order_id: str, tail: str) -> str:
    return f"/orders/v0/orders/{order_id}" + (f"/{tail}" if tail else "")


def test_every_operation_answers_in_amazons_models(api: AmazonApi):
    token = api.login()
    created = api.rdt_response(token, ALL_PII_RESOURCES)
    assert created.status_code == 200 and created.headers["x-amzn-RateLimit-Limit"] == "1"
    validate(TOKENS, "CreateRestrictedDataTokenResponse", created.json())
    assert created.json()["expiresIn"] == 3600 and created.json()["restrictedDataToken"].startswith("Atz.sprdt|")
    rdt = created.json()["restrictedDataToken"]
    api.control("POST", "/config", {"order_items_page_size": 2})  # several items pages for some orders
    pages, seen = 0, 0
    params = {"LastUpdatedAfter": EPOCH, "MaxResultsPerPage": 25}
    while True:
        response = api.orders_page(rdt, **params)
        assert response.status_code == 200
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167" and response.headers["x-amzn-RequestId"]
        body = response.json()
        validate(ORDERS, "GetOrdersResponse", body)
        pages += 1
        for order in body["payload"]["Orders"]:
            seen += 1
            for tail, schema, rate in PER_ORDER:
                auth = token if tail == "orderItems" else rdt
                answer = api.get(order_path(order["AmazonOrderId"], tail), auth)
                assert answer.status_code == 200, answer.text
                assert answer.headers["x-amzn-RateLimit-Limit"] == rate and answer.headers["x-amzn-RequestId"]
                validate(ORDERS, schema, answer.json())
                while tail == "orderItems" and "NextToken" in answer.json()["payload"]:
                    answer = api.get(order_path(order["AmazonOrderId"], tail), token,
                                     NextToken=answer.json()["payload"]["NextToken"])
                    validate(ORDERS, schema, answer.json())
        if "NextToken" not in body["payload"]:
            break
        params["NextToken"] = body["payload"]["NextToken"]
    assert pages == 3 and seen == len(api.truth()) == 60


def test_lwa_token_and_its_refusals(shared_api: AmazonApi):
    api = shared_api
    good = api.lwa()
    assert good.status_code == 200 and good.headers["Content-Type"].startswith("application/json")
    body = good.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["access_token"].startswith("Atza|")
    refusals = [
        (api.lwa(client_secret="wrong-secret"), 401, "invalid_client"),
        (api.lwa(client_id="amzn1.application-oa2-client.nobody"), 401, "invalid_client"),
        (api.lwa(refresh_token="Atzr|revoked"), 400, "invalid_grant"),
        (api.lwa(refresh_token=None), 400, "invalid_request"),
        (api.lwa(grant_type=None), 400, "invalid_request"),
        (api.lwa(grant_type="password"), 400, "unsupported_grant_type"),
    ]
    for response, status, error in refusals:
        assert response.status_code == status, response.text
        assert response.json()["error"] == error and response.json()["error_description"]
        assert api.credentials["client_secret"] not in response.text


def test_missing_invalid_and_expired_tokens_get_403_unauthorized(api: AmazonApi):
    token = api.login()
    expected = {
        None: "Access token is missing in the request header.",
        "Atza|made-up": "The access token you provided is revoked, malformed or invalid.",
    }
    for sent, details in expected.items():
        response = api.orders_page(sent, LastUpdatedAfter=EPOCH)
        assert response.status_code == 403
        validate(ORDERS, "GetOrdersResponse", response.json())
        assert response.json()["errors"] == [{"code": "Unauthorized", "message": "Access to requested resource is denied.",
                                              "details": details}]
    assert api.orders_page(token, LastUpdatedAfter=EPOCH).status_code == 200
    api.control("POST", "/clock/advance", {"seconds": 3600})  # the sandbox clock runs the token out
    expired = api.orders_page(token, LastUpdatedAfter=EPOCH)
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["details"] == "The access token you provided has expired."
    fresh = api.login()
    api.control("POST", "/faults", {"kind": "expire_tokens"})
    assert api.orders_page(fresh, LastUpdatedAfter=EPOCH).status_code == 403


def test_addresses_and_buyers_only_with_a_restricted_data_token(api: AmazonApi):
    token = api.login()
    plain = api.all_orders(token)
    assert not any("ShippingAddress" in o or "BuyerInfo" in o for o in plain)
    restricted = api.all_orders(api.rdt(token))
    shippable = {"Unshipped", "PartiallyShipped", "Shipped"}
    for order in restricted:
        has_pii = "ShippingAddress" in order and "BuyerInfo" in order
        assert has_pii is (order["OrderStatus"] in shippable), order["OrderStatus"]
        if has_pii:
            address = order["ShippingAddress"]
            assert {"Name", "AddressLine1", "City", "PostalCode", "CountryCode"} <= set(address)
            assert address["CountryCode"] in ("DE", "AT")
            assert order["BuyerInfo"]["BuyerEmail"].endswith("@marketplace.amazon.de")
    some = next(o["AmazonOrderId"] for o in restricted if o["OrderStatus"] in shippable)
    assert "ShippingAddress" not in api.get(order_path(some, "address"), token).json()["payload"]
    only_address = api.rdt(token, [{"method": "GET", "path": f"/orders/v0/orders/{some}/address"}])
    assert "ShippingAddress" in api.get(order_path(some, "address"), only_address).json()["payload"]
    # An RDT opens only what it was created for.
    denied = api.get(order_path(some, "buyerInfo"), only_address)
    assert denied.status_code == 403 and denied.json()["errors"][0]["code"] == "Unauthorized"
    # UNCONFIRMED switch: a plain token may see the address's public part (city, postcode, country).
    api.control("POST", "/config", {"pii_without_rdt": "partial"})
    partial = next(o for o in api.all_orders(token) if o["AmazonOrderId"] == some)
    assert set(partial["ShippingAddress"]) == {"City", "PostalCode", "CountryCode"} and "BuyerInfo" not in partial


@pytest.mark.parametrize("resources, details", [
    ([], "Resource not provided."),
    ([{"method": "GET", "path": "/orders/v0/orders"}], "dataElements"),
    ([{"method": "GET", "path": "/orders/v0/orders", "dataElements": ["favouriteColour"]}], "dataElements"),
    ([{"method": "GET", "path": "/catalog/v0/items"}], "not a restricted resource"),
    ([{"method": "", "path": "/orders/v0/orders/1/address"}], "Invalid method."),
])
def test_restricted_data_token_requests_are_validated(shared_api: AmazonApi, resources, details):
    api = shared_api
    response = api.rdt_response(api.login(), resources)
    assert response.status_code == 400
    validate(TOKENS, "ErrorList", response.json())
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput" and details in error["details"]


def test_a_restricted_data_token_cannot_create_another(shared_api: AmazonApi):
    api = shared_api
    rdt = api.rdt(api.login())
    response = api.rdt_response(rdt)
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "Unauthorized"


def test_error_answers_validate_and_429_has_no_retry_after(api: AmazonApi):
    token = api.login()
    bad = api.orders_page(token)  # neither CreatedAfter nor LastUpdatedAfter
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "InvalidInput"
    validate(ORDERS, "GetOrdersResponse", bad.json())
    missing = api.get(order_path("999-0000000-0000000", "orderItems"), token)
    assert missing.status_code == 404
    validate(ORDERS, "GetOrderItemsResponse", missing.json())
    for kind, status, code in (("429", 429, "QuotaExceeded"), ("500", 500, "InternalFailure"),
                               ("503", 503, "ServiceUnavailable")):
        api.control("POST", "/faults", {"kind": kind, "retry_after": 7})
        response = api.orders_page(token, LastUpdatedAfter=EPOCH)
        assert response.status_code == status and response.json()["errors"][0]["code"] == code
        assert "Retry-After" not in response.headers  # Amazon sends none
        assert response.headers["x-amzn-RequestId"] and "x-amzn-RateLimit-Limit" not in response.headers
        validate(ORDERS, "GetOrdersResponse", response.json())
    assert api.state()["rate_limited"] == 0  # injected faults are not the usage plan's 429s


def test_garbage_cutoff_and_slow_faults(api: AmazonApi):
    token = api.login()
    api.control("POST", "/faults", {"kind": "garbage"})
    garbage = api.orders_page(token, LastUpdatedAfter=EPOCH)
    assert garbage.status_code == 200 and garbage.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        garbage.json()
    api.control("POST", "/faults", {"kind": "cutoff"})
    with pytest.raises(httpx.RemoteProtocolError):
        api.orders_page(token, LastUpdatedAfter=EPOCH)
    api.control("POST", "/faults", {"kind": "slow", "delay": 0.3})
    assert api.orders_page(token, LastUpdatedAfter=EPOCH).status_code == 200
    api.control("POST", "/faults", {"kind": "500", "count": 3})
    assert len(api.control("GET", "/faults")["faults"]) == 1
    assert api.control("DELETE", "/faults")["faults"] == []
    assert api.lwa().status_code == 200  # token requests are hit only with include_token


def test_confirm_shipment_answers_204_or_the_error_model(api: AmazonApi):
    token = api.login()
    order = api.control("POST", "/orders", {"items": 2})["orders"][0]["id"]
    items = api.get(order_path(order, "orderItems"), token).json()["payload"]["OrderItems"]
    package = {"packageReferenceId": "1", "carrierCode": "DHL", "trackingNumber": "00340434161234567890",
               "shipDate": "2026-05-03T09:00:00Z",
               "orderItems": [{"orderItemId": items[0]["OrderItemId"], "quantity": items[0]["QuantityOrdered"]}]}
    path = order_path(order, "shipmentConfirmation")
    ok = api.http.post(path, json={"marketplaceId": api.marketplace, "packageDetail": package},
                       headers={"x-amz-access-token": token})
    assert ok.status_code == 204 and ok.headers["x-amzn-RateLimit-Limit"] == "2"
    again = api.http.post(path, json={"marketplaceId": api.marketplace, "packageDetail": package},
                          headers={"x-amz-access-token": token})  # the same packageReferenceId again
    assert again.status_code == 400 and "packageReferenceId 1" in again.json()["errors"][0]["message"]
    validate(ORDERS, "ConfirmShipmentErrorResponse", again.json())
    more = api.http.post(path, json={"marketplaceId": api.marketplace,
                                     "packageDetail": {**package, "packageReferenceId": "2"}},
                         headers={"x-amz-access-token": token})
    assert more.status_code == 400 and "left to ship" in more.json()["errors"][0]["message"]
    validate(ORDERS, "ConfirmShipmentErrorResponse", more.json())
    broken = api.http.post(path, json={"marketplaceId": api.marketplace, "packageDetail": {**package, "carrierCode": ""}},
                           headers={"x-amz-access-token": token})
    assert broken.status_code == 400 and "carrierCode" in broken.json()["errors"][0]["message"]


def test_confirmations_are_recorded_swallowed_or_repeated_as_switched(api: AmazonApi):
    token = api.login()
    order = api.control("POST", "/orders", {"items": 1})["orders"][0]["id"]
    item = api.get(order_path(order, "orderItems"), token).json()["payload"]["OrderItems"][0]
    package = {"packageReferenceId": "1", "carrierCode": "DHL", "trackingNumber": "00340434161234567890",
               "shipDate": "2026-05-03T09:00:00Z", "orderItems": [{"orderItemId": item["OrderItemId"], "quantity": 1}]}
    body = {"marketplaceId": api.marketplace, "packageDetail": package}
    path = order_path(order, "shipmentConfirmation")

    def post(payload: dict) -> int:
        return api.http.post(path, json=payload, headers={"x-amz-access-token": token}).status_code

    assert api.control("POST", "/config", {"repeated_package": "sometimes"}, expect=400)
    api.control("POST", "/status-requests/swallow", {"count": 1})
    assert post(body) == 204  # swallowed: answered, nothing kept
    assert api.get(order_path(order, "orderItems"), token).json()["payload"]["OrderItems"][0]["QuantityShipped"] == 0
    assert post(body) == 204
    [swallowed, kept] = api.control("GET", "/status-requests")["requests"]
    assert swallowed["swallowed"] and not kept["swallowed"]
    assert (kept["order_id"], kept["kind"], kept["package_reference_id"], kept["carrier_code"]) == (
        order, "shipment", "1", "DHL")
    assert kept["lines"] == [{"line_id": item["OrderItemId"], "quantity": 1}]
    assert (kept["method"], kept["path"], kept["body"]) == ("POST", path, body)
    assert post(body) == 400  # the reference is used
    assert api.control("POST", "/config", {"repeated_package": "accept"})["repeated_package"] == "accept"
    assert post(body) == 204  # the identical package again: answered, nothing changes, nothing recorded
    assert post({**body, "packageDetail": {**package, "trackingNumber": "00340434161234567891"}}) == 400
    assert len(api.control("GET", "/status-requests")["requests"]) == 2
    shipped = api.get(order_path(order, "orderItems"), token).json()["payload"]["OrderItems"][0]["QuantityShipped"]
    assert shipped == 1
