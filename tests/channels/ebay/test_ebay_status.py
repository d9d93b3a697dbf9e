"""The eBay status sender against the sandbox over HTTP: one shipping fulfillment per package with
the carrier code, partial shipments per line, a second package, a package without tracking,
repeats that never create a second fulfillment (a crash, a lost answer, an outage), the read-back
catching a swallowed request, eBay's refusals mapped to the neutral errors."""

from __future__ import annotations

from datetime import datetime, timedelta
import httpx
import pytest

from app.channels.base import AdapterOptions
from app.channels.ebay.status import EbayStatusSender
from app.channels.errors import Conflict, PermanentError, RateLimited, TransientError
from app.channels.http import RetryPolicy
from app.domain.orders import Channel
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from tests.channels.ebay.conftest import ORDERS, EbayMarket
from tests.spec_validation import validate

SPEC = "ebay/sell_fulfillment_v1_oas3.json"


def options(transport: httpx.BaseTransport | None = None, attempts: int = 6) -> AdapterOptions:
    return AdapterOptions(policy=RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=5.0, read_timeout=5.0),
                          transport=transport, rate_limit=0)


@pytest.fixture
def sender(market: EbayMarket):
    made = EbayStatusSender(market.base_url, dict(market.credentials), options())
    yield made
    made.close()


class Reader:
    """Reads the sandbox's order and fulfillments with bare httpx (no code under test)."""

    def __init__(self, market: EbayMarket) -> None:
        creds = market.credentials
        self.http = httpx.Client(base_url=market.base_url, timeout=30)
        token = self.http.post("/identity/v1/oauth2/token", auth=(creds["client_id"], creds["client_secret"]),
                               data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]})
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def order(self, oid: str) -> dict:
        body = self.http.get(f"{ORDERS}/{oid}").json()
        validate(SPEC, "Order", body)
        return body

    def fulfillments(self, oid: str) -> list[dict]:
        body = self.http.get(f"{ORDERS}/{oid}/shipping_fulfillment").json()
        validate(SPEC, "ShippingFulfillmentPagedCollection", body)
        for package in body["fulfillments"]:
            validate(SPEC, "ShippingFulfillment", package)
        assert body["total"] == len(body["fulfillments"])
        return body["fulfillments"]


@pytest.fixture
def reader(market: EbayMarket):
    made = Reader(market)
    yield made
    made.http.close()


def new_order(market: EbayMarket, items: int = 2) -> tuple[str, list[dict]]:
    """A paid order, and the sandbox clock moved on so that a package can have shipped since."""
    oid = market.control("POST", "/orders", {"items": items})["orders"][0]["id"]
    market.control("POST", "/clock/advance", {"seconds": 5})
    return oid, market.truth()[oid]["lines"]


def sandbox_now(market: EbayMarket) -> datetime:
    return datetime.fromisoformat(market.control("GET", "/state")["now"].replace("Z", "+00:00"))


def shipment(oid: str, lines: list[dict], *, package: int = 1, complete: bool = True, carrier: str = "DHL",
             tracking: str = "00340434161234567890", shipped: datetime | None = None) -> OutboundStatus:
    return OutboundStatus(
        channel=Channel.EBAY, event=StatusEvent.SHIPMENT_COMPLETED, status_type=StatusType.DELIVERY,
        value="FULFILLED", order_id=1, marketplace_id=oid, order_number=oid,
        lines=tuple(StatusLine(ln["id"], f"SKU-{ln['id'][-4:]}", ln["quantity"]) for ln in lines),
        complete=complete, package_no=package, tracking_number=tracking, carrier="dhl_paket" if carrier else "",
        carrier_code=carrier, ship_date=shipped)


def records(market: EbayMarket, oid: str | None = None) -> list[dict]:
    found = market.control("GET", "/status-requests")["requests"]
    return [r for r in found if oid is None or r["order_id"] == oid]


def statuses(order: dict) -> tuple[str, list[str]]:
    return order["orderFulfillmentStatus"], [li["lineItemFulfillmentStatus"] for li in order["lineItems"]]


def test_one_fulfillment_per_package_partial_then_second(market, sender, reader):
    oid, (first, second) = new_order(market)
    shipped = sandbox_now(market) - timedelta(seconds=2)
    package1 = shipment(oid, [first], complete=False, shipped=shipped)
    planned = sender.plan_status(package1)
    assert records(market) == [] and reader.fulfillments(oid) == []  # planning sends nothing
    assert sender.send_status(package1) == planned
    [record] = records(market, oid)
    assert (record["kind"], record["swallowed"], record["carrier_code"], record["tracking_number"]) == (
        "shipment", False, "DHL", "00340434161234567890")
    assert record["lines"] == [{"line_id": first["id"], "quantity": first["quantity"]}]
    assert [(c.method, c.path, c.body) for c in planned] == [(record["method"], record["path"], record["body"])]
    with_ms = shipped.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    assert planned[0].body["shippedDate"] == record["shipped_date"] == with_ms
    validate(SPEC, "ShippingFulfillmentDetails", record["body"])
    assert statuses(reader.order(oid)) == ("IN_PROGRESS", ["FULFILLED", "NOT_STARTED"])
    [made] = reader.fulfillments(oid)
    assert (made["fulfillmentId"], made["shippingCarrierCode"], made["shipmentTrackingNumber"]) == (
        "00340434161234567890", "DHL", "00340434161234567890")
    confirmation = sender.confirm_status(package1)
    assert confirmation.applied and "00340434161234567890" in confirmation.detail

    package2 = shipment(oid, [second], package=2, carrier="Hermes", tracking="H1000000000000000001")
    assert not sender.confirm_status(package2).applied  # not sent yet
    sender.send_status(package2)
    assert statuses(reader.order(oid)) == ("FULFILLED", ["FULFILLED", "FULFILLED"])
    assert [r["carrier_code"] for r in records(market, oid)] == ["DHL", "Hermes"]
    assert len(reader.fulfillments(oid)) == 2 and len(reader.order(oid)["fulfillmentHrefs"]) == 2
    assert sender.confirm_status(package2).applied and sender.confirm_status(package1).applied


def test_a_package_without_tracking(market, sender, reader):
    oid, lines = new_order(market, items=1)
    status = shipment(oid, lines, carrier="", tracking="")
    body = sender.plan_status(status)[0].body
    assert "shippingCarrierCode" not in body and "trackingNumber" not in body
    sender.send_status(status)
    sender.send_status(status)  # again: the same line items without tracking are this package
    [package] = reader.fulfillments(oid)
    assert "shipmentTrackingNumber" not in package
    assert len(records(market, oid)) == 1 and sender.confirm_status(status).applied
    with pytest.raises(PermanentError, match="trackingNumber"):  # both or neither
        sender.plan_status(shipment(oid, lines, tracking=""))


def test_sending_again_after_a_crash_creates_no_second_fulfillment(market, sender, reader):
    oid, lines = new_order(market)
    status = shipment(oid, lines)
    assert len(sender.send_status(status)) == 1
    assert sender.send_status(status) == []  # eBay holds it already: nothing is sent
    assert len(reader.fulfillments(oid)) == 1 and len(records(market, oid)) == 1
    assert sender.confirm_status(status).applied


class FlakyPost(httpx.HTTPTransport):
    """The first `lose` POSTs reach eBay but their answers are lost; the next `fail` POSTs are
    answered 503 by the sandbox (armed through its fault control just before they go)."""

    def __init__(self, market: EbayMarket, lose: int = 0, fail: int = 0) -> None:
        super().__init__()
        self.market, self.lose, self.fail = market, lose, fail
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        is_post = request.method == "POST" and request.url.path.endswith("/shipping_fulfillment")
        if is_post:
            self.posts += 1
            if not self.lose and self.fail:
                self.fail -= 1
                self.market.control("POST", "/faults", {"kind": "503", "count": 1})
        response = super().handle_request(request)
        if is_post and self.lose:
            self.lose -= 1
            response.read()
            raise httpx.ReadTimeout("the answer never came")
        return response


@pytest.mark.parametrize("lose,fail,posts", [(1, 0, 1), (0, 2, 3)])
def test_a_lost_answer_or_an_outage_never_doubles_the_package(market, reader, lose, fail, posts):
    oid, lines = new_order(market)
    transport = FlakyPost(market, lose=lose, fail=fail)
    sender = EbayStatusSender(market.base_url, dict(market.credentials), options(transport))
    try:
        status = shipment(oid, lines)
        assert sender.send_status(status) == sender.plan_status(status)
        assert sender.confirm_status(status).applied
    finally:
        sender.close()
    assert transport.posts == posts  # a lost answer is found by reading, not by posting again
    assert len(reader.fulfillments(oid)) == 1 and len(records(market, oid)) == 1


def test_a_swallowed_fulfillment_is_caught_by_the_read_back(market, sender, reader):
    oid, lines = new_order(market)
    status = shipment(oid, lines)
    market.control("POST", "/status-requests/swallow", {"count": 1})
    assert len(sender.send_status(status)) == 1  # 201 with a Location, but nothing kept
    assert reader.fulfillments(oid) == [] and records(market, oid)[0]["swallowed"]
    confirmation = sender.confirm_status(status)
    assert not confirmation.applied and "NOT_STARTED" in confirmation.detail
    assert len(sender.send_status(status)) == 1  # the queue sends it again
    assert sender.confirm_status(status).applied and len(reader.fulfillments(oid)) == 1


def test_state_conflicts_and_refusals(market, sender, reader):
    oid, lines = new_order(market)
    market.control("POST", f"/orders/{oid}/cancel")
    with pytest.raises(Conflict, match="cancelled"):
        sender.send_status(shipment(oid, lines))
    assert records(market, oid) == []

    oid, lines = new_order(market)
    sender.send_status(shipment(oid, lines[:1], complete=False))
    with pytest.raises(Conflict, match="already shipped"):  # the line went out in another package
        sender.send_status(shipment(oid, lines[:1], package=2, tracking="00340434161234567899"))
    other = shipment(oid, lines[:1], package=2, tracking="00340434161234567899")
    assert not sender.confirm_status(other).applied

    with pytest.raises(PermanentError) as refused:  # an unknown line: eBay's own message
        sender.send_status(shipment(oid, [{"id": "999999999999", "quantity": 1}], package=3))
    assert not isinstance(refused.value, Conflict)
    assert "eBay" in str(refused.value) and "999999999999" in str(refused.value)

    with pytest.raises(PermanentError, match="Invalid shipment tracking number or carrier"):
        sender.send_status(shipment(oid, lines[1:], package=3, tracking="not a tracking number!"))
    assert len(records(market, oid)) == 1


def test_ebay_has_no_seller_cancellation(market, sender):
    oid, lines = new_order(market)
    cancel = OutboundStatus(channel=Channel.EBAY, event=StatusEvent.CANCELLED, status_type=StatusType.FULFILLMENT,
                            value="cancelled", order_id=1, marketplace_id=oid, order_number=oid,
                            lines=(StatusLine(lines[0]["id"], "SKU", 1),))
    for call in (sender.plan_status, sender.send_status):
        with pytest.raises(PermanentError, match="Seller Hub"):
            call(cancel)
    assert records(market) == []
    assert not sender.confirm_status(cancel).applied
    market.control("POST", f"/orders/{oid}/cancel")
    assert sender.confirm_status(cancel).applied


@pytest.mark.parametrize("kind,error", [("429", RateLimited), ("503", TransientError)])
def test_throttling_and_outages_map_to_neutral_errors(market, reader, kind, error):
    oid, lines = new_order(market)
    status = shipment(oid, lines)
    sender = EbayStatusSender(market.base_url, dict(market.credentials), options(attempts=2))
    try:
        sender.confirm_status(status)  # the token is fetched; faults hit API calls only
        market.control("POST", "/faults", {"kind": kind, "count": 5})
        with pytest.raises(error) as raised:
            sender.send_status(status)
        assert "eBay" in str(raised.value) and ("429" if kind == "429" else "503") in str(raised.value)
        market.control("DELETE", "/faults")
        assert reader.fulfillments(oid) == []
        market.control("POST", "/faults", {"kind": kind, "count": 1})  # one fault: retried, sent once
        sender.send_status(status)
    finally:
        sender.close()
    assert len(reader.fulfillments(oid)) == 1 and len(records(market, oid)) == 1
