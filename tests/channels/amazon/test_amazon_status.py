"""The Amazon status sender against the sandbox over HTTP: one confirmShipment per package with
the carrier code, partial shipments per line, a second package, repeats that never ship twice
(a crash, a lost answer), the read-back catching a swallowed confirmation, Amazon's refusals
mapped to the neutral errors, and pacing by confirmShipment's usage plan."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.channels.amazon.mapping import build_order, read_header
from app.channels.amazon.status import AmazonStatusSender
from app.channels.base import AdapterOptions
from app.channels.errors import Conflict, PermanentError, RateLimited, TransientError
from app.channels.http import RetryPolicy
from app.domain.orders import Channel, LineStatus
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from tests.sandbox.amazon.amazon_access import AmazonApi, start_sandbox
from tests.spec_validation import validate

SHIP_DATE = datetime(2026, 5, 3, 9, 0, tzinfo=UTC)


def options(transport: httpx.BaseTransport | None = None, attempts: int = 6, **kwargs: Any) -> AdapterOptions:
    kwargs.setdefault("rate_limit", 0)
    return AdapterOptions(policy=RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=5.0, read_timeout=5.0),
                          transport=transport, **kwargs)


@pytest.fixture
def sender(amazon_api: AmazonApi):
    made = AmazonStatusSender(amazon_api.base_url, dict(amazon_api.credentials), options())
    yield made
    made.close()


def new_order(api: AmazonApi, items: int = 2) -> tuple[str, list[dict]]:
    """A fresh Unshipped order's lines: [{"id", "quantity"}, ...]."""
    oid = api.control("POST", "/orders", {"items": items})["orders"][0]["id"]
    return oid, api.truth()[oid]["lines"]


def shipment(oid: str, lines: list[tuple[str, int]], *, package: int = 1, complete: bool = True,
             carrier: str = "DHL", tracking: str = "00340434161234567890", name: str = "DHL Paket") -> OutboundStatus:
    return OutboundStatus(
        channel=Channel.AMAZON, event=StatusEvent.SHIPMENT_COMPLETED, status_type=StatusType.DELIVERY,
        value="Shipped", order_id=1, marketplace_id=oid, order_number=oid,
        lines=tuple(StatusLine(line_id, f"SKU-{line_id[-4:]}", qty) for line_id, qty in lines),
        complete=complete, package_no=package, tracking_number=tracking, carrier="dhl_paket", carrier_code=carrier,
        carrier_name=name, ship_date=SHIP_DATE)


def records(api: AmazonApi, oid: str | None = None) -> list[dict]:
    found = api.control("GET", "/status-requests")["requests"]
    return [r for r in found if oid is None or r["order_id"] == oid]


def items_of(api: AmazonApi, oid: str) -> dict[str, dict]:
    token = api.login()
    payload = api.get(f"/orders/v0/orders/{oid}/orderItems", token).json()["payload"]
    return {item["OrderItemId"]: item for item in payload["OrderItems"]}


def order_status(api: AmazonApi, oid: str) -> str:
    return api.get(f"/orders/v0/orders/{oid}", api.login()).json()["payload"]["OrderStatus"]


def test_one_confirmation_per_package_with_the_carrier_code(amazon_api, sender):
    oid, lines = new_order(amazon_api)
    status = shipment(oid, [(ln["id"], ln["quantity"]) for ln in lines])
    planned = sender.plan_status(status)
    assert records(amazon_api) == []  # planning sends nothing
    sent = sender.send_status(status)
    assert sent == planned
    [record] = records(amazon_api, oid)
    assert record["kind"] == "shipment" and not record["swallowed"]
    assert (record["carrier_code"], record["carrier_name"], record["tracking_number"]) == (
        "DHL", "DHL Paket", "00340434161234567890")
    assert record["package_reference_id"] == "1" and record["ship_date"] == "2026-05-03T09:00:00Z"
    assert record["lines"] == [{"line_id": ln["id"], "quantity": ln["quantity"]} for ln in lines]
    # what was planned is exactly what Amazon received
    assert [(c.method, c.path, c.body) for c in planned] == [(record["method"], record["path"], record["body"])]
    assert record["body"]["marketplaceId"] == amazon_api.marketplace
    validate("amazon/ordersV0.json", "ConfirmShipmentRequest", record["body"])

    assert order_status(amazon_api, oid) == "Shipped"
    confirmation = sender.confirm_status(status)
    assert confirmation.applied and "Shipped" in confirmation.detail and "no tracking numbers" in confirmation.detail
    # a re-fetch maps the order's lines as shipped (getOrder without PII: a shipped order needs no address)
    token = amazon_api.login()
    header = read_header(amazon_api.get(f"/orders/v0/orders/{oid}", token).json()["payload"])
    order = build_order(header, list(items_of(amazon_api, oid).values()))
    assert {line.status for line in order.lines} == {LineStatus.SHIPPED}


def test_partial_shipment_per_line_then_a_second_package(amazon_api, sender):
    for _ in range(30):  # an order whose first item has at least two pieces
        oid, lines = new_order(amazon_api, items=2)
        if lines[0]["quantity"] >= 2:
            break
    else:
        pytest.fail("no order with two pieces of an item")
    first, second = lines
    one_piece = shipment(oid, [(first["id"], 1)], complete=False, tracking="00340434161234567891")
    sender.send_status(one_piece)
    assert order_status(amazon_api, oid) == "PartiallyShipped"
    shipped = items_of(amazon_api, oid)
    assert shipped[first["id"]]["QuantityShipped"] == 1 and shipped[second["id"]]["QuantityShipped"] == 0
    assert sender.confirm_status(one_piece).applied

    rest = shipment(oid, [(first["id"], first["quantity"] - 1), (second["id"], second["quantity"])], package=2,
                    tracking="00340434161234567892")
    assert not sender.confirm_status(rest).applied  # not sent yet
    sender.send_status(rest)
    assert order_status(amazon_api, oid) == "Shipped"
    assert [r["package_reference_id"] for r in records(amazon_api, oid)] == ["1", "2"]
    assert [r["tracking_number"] for r in records(amazon_api, oid)] == ["00340434161234567891", "00340434161234567892"]
    assert sender.confirm_status(rest).applied
    assert all(i["QuantityShipped"] == i["QuantityOrdered"] for i in items_of(amazon_api, oid).values())


@pytest.mark.parametrize("repeated_package", ["reject", "accept"])
def test_sending_again_after_a_crash_ships_once(amazon_api, sender, repeated_package):
    amazon_api.control("POST", "/config", {"repeated_package": repeated_package})
    oid, lines = new_order(amazon_api)
    status = shipment(oid, [(lines[0]["id"], lines[0]["quantity"])], complete=False)
    first = sender.send_status(status)
    again = sender.send_status(status)  # the outbox did not record the first: it sends once more
    assert first == again
    assert len(records(amazon_api, oid)) == 1
    assert items_of(amazon_api, oid)[lines[0]["id"]]["QuantityShipped"] == lines[0]["quantity"]
    assert sender.confirm_status(status).applied


class LosingTransport(httpx.HTTPTransport):
    """Delivers the first `lose` POSTs but loses their answers, as a dropped connection would."""

    def __init__(self, lose: int = 1) -> None:
        super().__init__()
        self.lose = lose
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/shipmentConfirmation"):
            self.posts += 1
            if self.lose > 0:
                self.lose -= 1
                response.read()
                raise httpx.ReadError("connection lost after the request was sent")
        return response


def test_a_lost_answer_is_retried_without_shipping_twice(amazon_api):
    oid, lines = new_order(amazon_api)
    transport = LosingTransport(lose=1)
    sender = AmazonStatusSender(amazon_api.base_url, dict(amazon_api.credentials), options(transport))
    try:
        status = shipment(oid, [(ln["id"], ln["quantity"]) for ln in lines])
        assert sender.send_status(status) == sender.plan_status(status)
        assert sender.confirm_status(status).applied
    finally:
        sender.close()
    assert transport.posts == 2  # the retry reached Amazon, which refused the known packageReferenceId
    assert len(records(amazon_api, oid)) == 1


def test_a_swallowed_confirmation_is_caught_by_the_read_back(amazon_api, sender):
    oid, lines = new_order(amazon_api)
    status = shipment(oid, [(ln["id"], ln["quantity"]) for ln in lines])
    amazon_api.control("POST", "/status-requests/swallow", {"count": 1})
    sender.send_status(status)  # Amazon answers 204 but keeps nothing
    [record] = records(amazon_api, oid)
    assert record["swallowed"]
    confirmation = sender.confirm_status(status)
    assert not confirmation.applied
    assert "Unshipped" in confirmation.detail and "0 piece(s) shipped" in confirmation.detail
    sender.send_status(status)  # the queue sends it again
    assert sender.confirm_status(status).applied
    assert [r["swallowed"] for r in records(amazon_api, oid)] == [True, False]


def test_a_cancelled_or_fully_shipped_order_is_a_conflict(amazon_api, sender):
    oid, lines = new_order(amazon_api)
    amazon_api.control("POST", f"/orders/{oid}/cancel")
    with pytest.raises(Conflict, match="Canceled"):
        sender.send_status(shipment(oid, [(lines[0]["id"], 1)]))
    assert not sender.confirm_status(shipment(oid, [(lines[0]["id"], 1)])).applied

    oid, lines = new_order(amazon_api, items=1)
    sender.send_status(shipment(oid, [(lines[0]["id"], lines[0]["quantity"])]))
    with pytest.raises(Conflict, match="Shipped"):  # a second package for pieces already shipped
        sender.send_status(shipment(oid, [(lines[0]["id"], 1)], package=2, tracking="00340434161234567899"))
    assert len(records(amazon_api, oid)) == 1


def test_the_carrier_is_required_and_amazons_message_is_shown(amazon_api, sender):
    oid, lines = new_order(amazon_api)
    status = shipment(oid, [(lines[0]["id"], 1)], carrier="", name="")
    assert "carrierCode" not in sender.plan_status(status)[0].body["packageDetail"]
    with pytest.raises(PermanentError) as refused:
        sender.send_status(status)
    assert not isinstance(refused.value, Conflict)
    message = str(refused.value)
    assert "Amazon" in message and oid in message and "packageDetail.carrierCode is required" in message
    assert records(amazon_api, oid) == [] and order_status(amazon_api, oid) == "Unshipped"
    other = shipment(oid, [(lines[0]["id"], 1)], carrier="Other", name="")
    with pytest.raises(PermanentError, match="carrierName"):
        sender.send_status(other)


def test_amazon_has_no_seller_cancellation(amazon_api, sender):
    oid, lines = new_order(amazon_api)
    cancel = OutboundStatus(channel=Channel.AMAZON, event=StatusEvent.CANCELLED, status_type=StatusType.FULFILLMENT,
                            value="cancelled", order_id=1, marketplace_id=oid, order_number=oid,
                            lines=(StatusLine(lines[0]["id"], "SKU", 1),))
    for call in (sender.plan_status, sender.send_status):
        with pytest.raises(PermanentError, match="Seller Central"):
            call(cancel)
    assert records(amazon_api) == []
    assert not sender.confirm_status(cancel).applied  # read back: the order is not Canceled
    amazon_api.control("POST", f"/orders/{oid}/cancel")
    assert sender.confirm_status(cancel).applied


@pytest.mark.parametrize("kind,error", [("429", RateLimited), ("503", TransientError)])
def test_throttling_and_outages_map_to_neutral_errors(amazon_api, kind, error):
    oid, lines = new_order(amazon_api)
    status = shipment(oid, [(ln["id"], ln["quantity"]) for ln in lines])
    sender = AmazonStatusSender(amazon_api.base_url, dict(amazon_api.credentials), options(attempts=2))
    try:
        amazon_api.control("POST", "/faults", {"kind": kind, "count": 2})
        with pytest.raises(error) as raised:
            sender.send_status(status)
        assert "Amazon" in str(raised.value)
        assert records(amazon_api, oid) == []
        amazon_api.control("POST", "/faults", {"kind": kind, "count": 1})  # one fault: retried, sent once
        sender.send_status(status)
    finally:
        sender.close()
    assert len(records(amazon_api, oid)) == 1


def test_a_batch_under_real_limits_earns_no_429():
    scale = 10  # confirmShipment 20/s burst 10
    server = start_sandbox(seed=41, orders=0, real_limits=True, time_scale=scale)
    api = AmazonApi(server)
    sender = AmazonStatusSender(api.base_url, dict(api.credentials),
                                AdapterOptions(policy=RetryPolicy(base_delay=0.05), time_scale=scale))
    try:
        created = api.control("POST", "/orders", {"count": 25, "items": 1})["orders"]
        truth = api.truth()
        for n, order in enumerate(created):
            line = truth[order["id"]]["lines"][0]
            sender.send_status(shipment(order["id"], [(line["id"], line["quantity"])],
                                        tracking=f"0034043416{n:010d}"))
        state = api.state()
        assert state["rate_limited"] == 0, state["rate_limited_by_operation"]
        assert state["calls_by_operation"]["confirmShipment"] == 25
    finally:
        sender.close()
        api.close()
        server.stop()
