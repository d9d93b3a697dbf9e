"""Kaufland sandbox, status side: send and cancel keep what the seller said (tracking, carrier,
reason), answer 204 / 403 as Kaufland does, are recorded for the read-back tests, can be
swallowed, and POST /v2/shipments adds a parcel to a sent unit. Bodies stay valid per the spec."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.kaufland.kaufland_access import SPEC, SignedClient, serve
from tests.spec_validation import validate

SEND = b'{"tracking_numbers":"00340434161234567890,00340434167777777777","carrier_code":"DHL"}'


@pytest.fixture
def kl() -> Iterator[SignedClient]:
    server = serve(orders=0)
    client = SignedClient(server)
    yield client
    client.close()
    server.stop()


def records(kl: SignedClient) -> list[dict]:
    return kl.ok("GET", "/status-requests")["requests"]


def test_send_keeps_tracking_and_carrier_off_the_wire(kl: SignedClient) -> None:
    order = kl.ok("POST", "/orders", {"items": 2})["orders"][0]
    first, second = order["units"]
    assert kl.signed("PATCH", f"/v2/order-units/{first}/send", body=SEND).status_code == 204
    unit = kl.get(f"/v2/order-units/{first}").json()
    validate(SPEC, "ApiResponse_OrderUnitDetails_", unit)  # OrderUnit has no tracking field
    assert unit["data"]["status"] == "sent"
    shipping = kl.ok("GET", f"/orders/{order['id']}/shipping")
    assert shipping == {"id": order["id"], "units": [
        {"id": first, "status": "sent", "parcels": [
            {"carrier_code": "DHL", "tracking_number": "00340434161234567890"},
            {"carrier_code": "DHL", "tracking_number": "00340434167777777777"}]},
        {"id": second, "status": "need_to_be_sent", "parcels": []}]}
    assert kl.control("GET", "/orders/NOPE/shipping").status_code == 404
    [record] = records(kl)
    assert record == {"seq": 1, "order_id": order["id"], "kind": "shipment", "swallowed": False,
                      "carrier_code": "DHL", "tracking_number": "00340434161234567890,00340434167777777777",
                      "lines": [{"line_id": first, "quantity": 1}]}


def test_refusals_are_not_recorded_and_swallowed_requests_change_nothing(kl: SignedClient) -> None:
    order = kl.ok("POST", "/orders", {"items": 2})["orders"][0]
    first, second = order["units"]
    kl.ok("POST", "/status-requests/swallow", {"count": 2})
    bad = kl.signed("PATCH", f"/v2/order-units/{first}/send", body=b'{"tracking_numbers":"1","carrier_code":"Owl"}')
    assert bad.status_code == 400
    assert kl.signed("PATCH", f"/v2/order-units/{first}/send", body=SEND).status_code == 204
    assert kl.signed("PATCH", f"/v2/order-units/{second}/cancel", body=b'{"reason":"NoInventory"}').status_code == 204
    units = kl.data(f"/v2/orders/{order['id']}")["order_units"]
    assert [u["status"] for u in units] == ["need_to_be_sent", "need_to_be_sent"]  # both swallowed
    assert kl.ok("GET", f"/orders/{order['id']}/shipping")["units"][0]["parcels"] == []
    assert kl.signed("PATCH", f"/v2/order-units/{second}/cancel", body=b'{"reason":"WrongPrice"}').status_code == 204
    refused = kl.signed("PATCH", f"/v2/order-units/{second}/send", body=SEND)
    assert refused.status_code == 403 and refused.json()["type"] == "/problems/forbidden"
    validate(SPEC, "ErrorResponse", refused.json())
    got = records(kl)
    assert [(r["kind"], r["swallowed"], r["lines"][0]["line_id"]) for r in got] == [
        ("shipment", True, first), ("cancel", True, second), ("cancel", False, second)]
    assert got[2]["reason"] == "WrongPrice" and got[2]["order_id"] == order["id"]


def test_a_second_parcel_for_a_sent_unit(kl: SignedClient) -> None:
    order = kl.ok("POST", "/orders", {"items": 1})["orders"][0]
    (uid,) = order["units"]
    parcel = b'{"id_order_unit":%s,"shipment_information":{"tracking_number":"H1234567890123","carrier_code":"HERMES"}}'
    early = kl.signed("POST", "/v2/shipments", body=parcel % uid.encode())
    assert early.status_code == 403  # only for units already marked as sent
    assert kl.signed("PATCH", f"/v2/order-units/{uid}/send",
                     body=b'{"tracking_numbers":"00340434161234567890","carrier_code":"DHL"}').status_code == 204
    assert kl.signed("POST", "/v2/shipments", body=parcel % uid.encode()).status_code == 204
    assert kl.signed("POST", "/v2/shipments", body=parcel % b'"1"').status_code == 404
    invalid = kl.signed("POST", "/v2/shipments", body=b'{"id_order_unit":%s,"shipment_information":{}}' % uid.encode())
    assert invalid.status_code == 400 and invalid.json()["errors"][0]["field"].startswith("shipment_information")
    parcels = kl.ok("GET", f"/orders/{order['id']}/shipping")["units"][0]["parcels"]
    assert parcels == [{"carrier_code": "DHL", "tracking_number": "00340434161234567890"},
                       {"carrier_code": "HERMES", "tracking_number": "H1234567890123"}]
    assert [r["kind"] for r in records(kl)] == ["shipment", "tracking"]
