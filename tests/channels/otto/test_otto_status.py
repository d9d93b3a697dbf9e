"""OTTO status sender against the OTTO sandbox over HTTP on loopback: shipments per package with
carrier and return tracking, partial shipments, cancellations per item and per order, plan equal
to what went over the wire, repeats after a crash, read-back, and errors mapped to the neutral ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.channels.base import AdapterOptions
from app.channels.errors import Conflict, PermanentError, RateLimited, TransientError
from app.channels.http import RetryPolicy
from app.channels.otto.status import OttoStatusSender
from app.domain.orders import Channel
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from app.sandbox.server import SandboxServer

SHIP_FROM = {"city": "Hamburg", "countryCode": "DE", "zipCode": "22089"}
SHIP_DATE = datetime(2026, 5, 3, 9, 0, tzinfo=UTC)
DHL_1, DHL_2, RETURN_1 = "00340434161234567890", "00340434167777777777", "00340434169999999999"


class Recording(httpx.HTTPTransport):
    """The real loopback transport, remembering every request that changes state."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and not request.url.path.endswith(("/v1/token", "/oauth2/token")):
            body = json.loads(request.content) if request.content else None
            self.writes.append((request.method, request.url.path.removeprefix("/otto"), body))
        return super().handle_request(request)


class Market:
    def __init__(self, server: SandboxServer) -> None:
        info = server.describe()["otto"]
        self.base_url = str(info["base_url"])
        self.credentials: dict[str, str] = dict(info["credentials"])  # type: ignore[arg-type]
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self.sleeps: list[float] = []
        self.senders: list[OttoStatusSender] = []  # closed by the fixture, also when a test fails

    def control(self, method: str, path: str, body: dict | None = None) -> Any:
        response = self.http.request(method, f"/_sandbox{path}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def new_order(self, items: int = 3) -> tuple[str, str]:
        order = self.control("POST", "/orders", {"count": 1, "items": items})["orders"][0]
        return order["salesOrderId"], order["orderNumber"]

    def requests(self, kind: str | None = None) -> list[dict]:
        return [r for r in self.control("GET", "/status-requests")["requests"] if kind in (None, r["kind"])]

    def sender(self, transport: httpx.BaseTransport | None = None, **policy: Any) -> OttoStatusSender:
        options = AdapterOptions(policy=RetryPolicy(**{"max_attempts": 4, "base_delay": 0.01, "max_delay": 5.0,
                                                       "read_timeout": 5.0, **policy}),
                                 transport=transport, sleep=self.sleeps.append, rate_limit=0)  # fmt: skip
        sender = OttoStatusSender(self.base_url, self.credentials, options)
        self.senders.append(sender)
        return sender


@pytest.fixture
def market() -> Iterator[Market]:
    server = SandboxServer(port=0, seed=5, orders=0, rate_limit=None, seeded=[]).start()
    market = Market(server)
    yield market
    for sender in market.senders:
        sender.close()
    market.http.close()
    server.stop()


@pytest.fixture
def sender(market: Market) -> OttoStatusSender:
    return market.sender()


def items_of(sender: OttoStatusSender, sid: str) -> list[dict]:
    return sender.client.order(sid)["positionItems"]


def shipment(sid: str, number: str, pids: list[str], *, tracking: str = DHL_1, carrier: str = "DHL",
             package_no: int = 1, complete: bool = False, **extra: Any) -> OutboundStatus:  # fmt: skip
    values: dict[str, Any] = {"return_tracking_number": RETURN_1, "return_carrier_code": "DHL",
                              "extra": {"ship_from": dict(SHIP_FROM)}, **extra}  # fmt: skip
    return OutboundStatus(Channel.OTTO, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "SENT", 1, sid, number,
                          tuple(StatusLine(pid, "SKU-1", 1) for pid in pids), complete, package_no, tracking,
                          carrier="dhl_paket", carrier_code=carrier, ship_date=SHIP_DATE, **values)  # fmt: skip


def cancellation(sid: str, number: str, pids: list[str], *, complete: bool = False) -> OutboundStatus:
    return OutboundStatus(Channel.OTTO, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "CANCELLED_BY_PARTNER", 1,
                          sid, number, tuple(StatusLine(pid, "SKU-1", 1) for pid in pids), complete,
                          reason="CANCELLED_ON_PARTNER_WISH")  # fmt: skip


def test_one_shipment_per_package_partial_then_the_rest(market: Market) -> None:
    recording = Recording()
    sender = market.sender(recording)
    sid, number = market.new_order(items=3)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]

    first = shipment(sid, number, pids[:2])
    planned = sender.plan_status(first)
    assert recording.writes == []  # planning changes nothing
    assert sender.send_status(first) == planned
    assert [(c.method, c.path, c.body) for c in planned] == recording.writes  # plan == the wire
    body = planned[0].body
    assert body["trackingKey"] == {"carrier": "DHL", "trackingNumber": DHL_1}
    assert body["shipDate"] == "2026-05-03T09:00:00.000Z"
    assert body["shipFromAddress"] == {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"}  # alpha-3
    returns = [i["returnTrackingKey"] for i in body["positionItems"]]
    assert returns == [{"carrier": "DHL", "trackingNumber": RETURN_1}] * 2
    states = items_of(sender, sid)
    assert [i["fulfillmentStatus"] for i in states] == ["SENT", "SENT", "PROCESSABLE"]
    assert states[0]["trackingInfo"] == {"carrier": "DHL", "trackingNumber": DHL_1}

    second = shipment(sid, number, pids[2:], tracking="H1234567890123", carrier="HERMES", package_no=2,
                      complete=True)  # fmt: skip
    assert len(sender.send_status(second)) == 1
    assert [i["trackingInfo"]["carrier"] for i in items_of(sender, sid)] == ["DHL", "DHL", "HERMES"]
    recorded = market.requests("shipment")
    assert [(r["carrier_code"], r["tracking_number"], [ln["line_id"] for ln in r["lines"]]) for r in recorded] == [
        ("DHL", DHL_1, pids[:2]), ("HERMES", "H1234567890123", pids[2:])]
    assert all(r["order_id"] == sid and not r["swallowed"] for r in recorded)
    assert recorded[0]["return_tracking_number"] == RETURN_1
    assert sender.confirm_status(first).applied and sender.confirm_status(second).applied
    sender.close()


def test_forwarder_without_tracking_number(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=1)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    status = shipment(sid, number, pids, tracking="", carrier="DACHSER", return_tracking_number="",
                      return_carrier_code="")  # fmt: skip
    [call] = sender.send_status(status)  # forwarders need no returnTrackingKey
    assert call.body["trackingKey"] == {"carrier": "DACHSER"}
    assert "returnTrackingKey" not in call.body["positionItems"][0]
    assert items_of(sender, sid)[0]["trackingInfo"] == {"carrier": "DACHSER"}
    assert sender.confirm_status(status).applied


def test_sending_again_after_a_crash_ships_once(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=2)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    status = shipment(sid, number, pids)
    assert len(sender.send_status(status)) == 1
    # The process died before recording it: the outbox sends the same status again.
    assert sender.send_status(status) == []  # OTTO answered 409; the read-back shows it is there
    assert len(market.requests("shipment")) == 1

    # The answer is lost on the way (connection cut after OTTO applied it): the retried POST
    # earns a 409, which the read-back resolves; still one shipment.
    sid2, number2 = market.new_order(items=1)
    pid2 = [i["positionItemId"] for i in items_of(sender, sid2)]
    market.control("POST", "/faults", {"kind": "cutoff", "count": 1})
    assert sender.send_status(shipment(sid2, number2, pid2, tracking=DHL_2)) == []
    assert [r["order_id"] for r in market.requests("shipment")] == [sid, sid2]
    assert items_of(sender, sid2)[0]["trackingInfo"]["trackingNumber"] == DHL_2


def test_items_sent_with_another_tracking_number_are_a_conflict(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=1)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    sender.send_status(shipment(sid, number, pids))
    other = shipment(sid, number, pids, tracking=DHL_2, package_no=2)
    with pytest.raises(Conflict, match=r"HTTP 409.*not PROCESSABLE.*was sent with DHL 00340434161234567890"):
        sender.send_status(other)
    found = sender.confirm_status(other)
    assert not found.applied and DHL_1 in found.detail


def test_cancelled_item_cannot_be_shipped(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=2)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    market.control("POST", f"/orders/{sid}/cancel", {"positionItemIds": pids[:1]})
    with pytest.raises(Conflict, match="CANCELLED_BY_MARKETPLACE, not PROCESSABLE"):
        sender.send_status(shipment(sid, number, pids))
    assert [i["fulfillmentStatus"] for i in items_of(sender, sid)] == ["CANCELLED_BY_MARKETPLACE", "PROCESSABLE"]
    assert market.requests() == []


def test_cancel_per_item_and_whole_order(market: Market) -> None:
    recording = Recording()
    sender = market.sender(recording)
    sid, number = market.new_order(items=3)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    one = cancellation(sid, number, pids[:1])
    planned = sender.plan_status(one)
    assert planned[0].path == f"/v4/orders/{sid}/positionItems/{pids[0]}/cancellation" and planned[0].body is None
    assert sender.send_status(one) == planned
    assert [i["fulfillmentStatus"] for i in items_of(sender, sid)] == ["CANCELLED_BY_PARTNER", "PROCESSABLE",
                                                                       "PROCESSABLE"]
    assert sender.confirm_status(one).applied
    assert sender.send_status(one) == planned  # already cancelled items are ignored by OTTO: still 200

    two = cancellation(sid, number, pids[1:], complete=False)
    sender.send_status(two)  # two ids in one call, comma-joined
    assert recording.writes[-1][1] == f"/v4/orders/{sid}/positionItems/{pids[1]},{pids[2]}/cancellation"

    sid2, number2 = market.new_order(items=2)
    pids2 = [i["positionItemId"] for i in items_of(sender, sid2)]
    sender.send_status(shipment(sid2, number2, pids2[:1]))
    whole = cancellation(sid2, number2, pids2[1:], complete=True)
    [call] = sender.plan_status(whole)
    assert (call.method, call.path, call.body) == ("POST", f"/v4/orders/{sid2}/cancellation", None)
    assert sender.send_status(whole) == [call]
    assert [i["fulfillmentStatus"] for i in items_of(sender, sid2)] == ["SENT", "CANCELLED_BY_PARTNER"]
    assert sender.confirm_status(whole).applied
    assert sender.send_status(whole) == []  # a repeat: 409 (nothing left), the read-back shows it done
    writes = [(m, p, b) for m, p, b in recording.writes if "cancellation" in p]
    assert writes.count(("POST", call.path, None)) == 2
    cancels = market.requests("cancel")
    assert [(r["order_id"], r["whole"], [ln["line_id"] for ln in r["lines"]]) for r in cancels] == [
        (sid, False, pids[:1]), (sid, False, pids[:1]), (sid, False, pids[1:]), (sid2, True, pids2[1:])]
    # a SENT item cannot be cancelled: OTTO's 409 becomes Conflict
    with pytest.raises(Conflict, match="SENT, not PROCESSABLE"):
        sender.send_status(cancellation(sid2, number2, pids2[:1]))
    sender.close()


def test_read_back_catches_a_swallowed_shipment(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=2)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    status = shipment(sid, number, pids)
    market.control("POST", "/status-requests/swallow", {"count": 1})
    assert len(sender.send_status(status)) == 1  # OTTO said 201
    found = sender.confirm_status(status)
    assert not found.applied and "PROCESSABLE, not SENT" in found.detail
    assert [r["swallowed"] for r in market.requests()] == [True]
    sender.send_status(status)  # the retry goes through
    assert sender.confirm_status(status).applied

    cancel_sid, cancel_number = market.new_order(items=1)
    cancel = cancellation(cancel_sid, cancel_number, [items_of(sender, cancel_sid)[0]["positionItemId"]])
    market.control("POST", "/status-requests/swallow", {"count": 1})
    sender.send_status(cancel)
    assert not sender.confirm_status(cancel).applied


def test_read_back_checks_the_return_tracking(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=1)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    sender.send_status(shipment(sid, number, pids))
    other_return = shipment(sid, number, pids, return_tracking_number="00340434161111111111")
    found = sender.confirm_status(other_return)
    assert not found.applied and "return tracking" in found.detail


def test_rate_limit_and_outage_are_retried_then_mapped(market: Market) -> None:
    sender = market.sender(max_attempts=3)
    sid, number = market.new_order(items=3)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    market.control("POST", "/faults", {"kind": "429", "count": 1, "retry_after": 2})
    assert len(sender.send_status(shipment(sid, number, pids[:1]))) == 1
    assert 2.0 in market.sleeps  # Retry-After honoured
    assert len(market.requests("shipment")) == 1

    market.control("POST", "/faults", {"kind": "429", "count": 3, "retry_after": 1})
    with pytest.raises(RateLimited) as limited:
        sender.send_status(shipment(sid, number, pids[1:2], package_no=2))
    assert limited.value.retry_after == 1.0
    market.control("POST", "/faults", {"kind": "503", "count": 3})
    with pytest.raises(TransientError, match="HTTP 503"):
        sender.send_status(shipment(sid, number, pids[1:2], package_no=2))
    assert [i["fulfillmentStatus"] for i in items_of(sender, sid)][1] == "PROCESSABLE"  # nothing half-done
    market.control("DELETE", "/faults")
    assert len(sender.send_status(shipment(sid, number, pids[1:2], package_no=2))) == 1
    assert len(market.requests("shipment")) == 2

    sender_long = market.sender(max_attempts=3, max_delay=1.0)  # a Retry-After longer than we wait
    market.control("POST", "/faults", {"kind": "429", "count": 1, "retry_after": 30})
    with pytest.raises(RateLimited) as limited:
        sender_long.send_status(shipment(sid, number, pids[2:], package_no=3))
    assert limited.value.retry_after == 30.0
    sender.close()
    sender_long.close()


def test_invalid_shipments_are_refused_plainly(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=2)
    pids = [i["positionItemId"] for i in items_of(sender, sid)]
    no_return = shipment(sid, number, pids, return_tracking_number="", return_carrier_code="")
    with pytest.raises(PermanentError, match=r"HTTP 400.*returnTrackingKey") as refused:
        sender.send_status(no_return)
    assert not isinstance(refused.value, Conflict)
    with pytest.raises(PermanentError, match="ship-from address .* Administration"):
        sender.plan_status(replace(no_return, extra={}))
    with pytest.raises(PermanentError, match="one piece"):
        sender.plan_status(replace(no_return, lines=(StatusLine(pids[0], "SKU-1", 2),)))
    with pytest.raises(PermanentError, match="trackingKey.carrier"):
        sender.plan_status(replace(no_return, carrier_code=""))
    with pytest.raises(PermanentError, match="return carrier"):
        sender.plan_status(replace(no_return, return_tracking_number=RETURN_1))
    with pytest.raises(Conflict, match="does not exist.*OTTO does not know the order"):
        sender.send_status(shipment("unknown-order", number, ["unknown-item"]))  # OTTO: 409 for unknown items
    assert [i["fulfillmentStatus"] for i in items_of(sender, sid)] == ["PROCESSABLE", "PROCESSABLE"]
    assert market.requests() == []


def test_whole_shipment_without_named_lines_takes_every_open_item(market: Market, sender: OttoStatusSender) -> None:
    sid, number = market.new_order(items=2)
    status = shipment(sid, number, [], complete=True)
    [call] = sender.plan_status(status)
    assert len(call.body["positionItems"]) == 2
    sender.send_status(status)
    assert {i["fulfillmentStatus"] for i in items_of(sender, sid)} == {"SENT"}
    assert sender.confirm_status(status).applied


def test_a_batch_under_otto_s_real_quota_earns_no_429() -> None:
    """20 requests/s per partner (burst one second's worth): the sender's pacing keeps below it."""
    server = SandboxServer(port=0, seed=6, orders=0, rate_limit=20.0, seeded=[]).start()
    market = Market(server)
    sender = OttoStatusSender(market.base_url, market.credentials, AdapterOptions(sleep=None))  # documented quota
    try:
        orders = [market.new_order(items=1) for _ in range(20)]
        for sid, number in orders:
            pids = [i["positionItemId"] for i in items_of(sender, sid)]
            status = shipment(sid, number, pids)
            sender.send_status(status)
            assert sender.confirm_status(status).applied
        state = market.control("GET", "/state")
        assert state["rate_limited"] == 0 and state["requests"] >= 60
        assert len(market.requests("shipment")) == 20
    finally:
        sender.close()
        market.http.close()
        server.stop()
