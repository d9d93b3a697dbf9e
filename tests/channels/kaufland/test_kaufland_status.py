"""Kaufland status sender against the Kaufland sandbox over HTTP on loopback: one PATCH per order
unit for shipments and cancellations, plan equal to what went over the wire, repeats after a
crash part-way, read-back, and Kaufland's answers mapped to the neutral errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.channels.base import AdapterOptions
from app.channels.errors import Conflict, PermanentError, RateLimited, TransientError
from app.channels.http import RetryPolicy
from app.channels.kaufland.status import KauflandStatusSender
from app.domain.orders import Channel
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from app.sandbox.server import SandboxServer
from tests.sandbox.kaufland.kaufland_access import SignedClient, serve

DHL_1, DHL_2 = "00340434161234567890", "00340434167777777777"


class Recording(httpx.HTTPTransport):
    """The real loopback transport, remembering every request that changes state."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            path = request.url.path.removeprefix("/kaufland")
            self.writes.append((request.method, path, json.loads(request.content)))
        return super().handle_request(request)


class LosesFirstAnswer(httpx.HTTPTransport):
    """Delivers the first PATCH, then loses Kaufland's answer (204 has no body a cut could hit)."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "PATCH" and not self.lost:
            self.lost += 1
            response.close()
            raise httpx.ReadTimeout("the answer never came", request=request)
        return response


class Market:
    def __init__(self, server: SandboxServer) -> None:
        self.kl = SignedClient(server)
        self.sleeps: list[float] = []
        self.senders: list[KauflandStatusSender] = []  # closed by the fixture, also when a test fails

    def control(self, method: str, path: str, body: dict | None = None) -> Any:
        return self.kl.ok(method, path, body)

    def new_order(self, units: int = 3) -> tuple[str, list[str]]:
        order = self.control("POST", "/orders", {"count": 1, "items": units})["orders"][0]
        return order["id"], order["units"]

    def states(self, oid: str) -> list[str]:
        return [u["status"] for u in self.kl.data(f"/v2/orders/{oid}")["order_units"]]

    def requests(self, kind: str | None = None) -> list[dict]:
        return [r for r in self.control("GET", "/status-requests")["requests"] if kind in (None, r["kind"])]

    def sender(self, transport: httpx.BaseTransport | None = None, **policy: Any) -> KauflandStatusSender:
        options = AdapterOptions(policy=RetryPolicy(**{"max_attempts": 4, "base_delay": 0.01, "max_delay": 5.0,
                                                       "read_timeout": 5.0, **policy}),
                                 transport=transport, sleep=self.sleeps.append, rate_limit=0)  # fmt: skip
        sender = KauflandStatusSender(self.kl.base_url, self.kl.credentials, options)
        self.senders.append(sender)
        return sender


@pytest.fixture
def market() -> Iterator[Market]:
    server = serve(orders=0, seed=9)
    market = Market(server)
    yield market
    for sender in market.senders:
        sender.close()
    market.kl.close()
    server.stop()


@pytest.fixture
def sender(market: Market) -> KauflandStatusSender:
    return market.sender()


def shipment(oid: str, units: list[str], *, tracking: str = DHL_1, carrier: str = "DHL", package_no: int = 1,
             complete: bool = False) -> OutboundStatus:  # fmt: skip
    return OutboundStatus(Channel.KAUFLAND, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "sent", 1, oid, oid,
                          tuple(StatusLine(uid, "SKU-1", 1) for uid in units), complete, package_no, tracking,
                          carrier="dhl_paket", carrier_code=carrier)  # fmt: skip


def cancellation(oid: str, units: list[str], *, reason: str = "NoInventory", complete: bool = False) -> OutboundStatus:
    return OutboundStatus(Channel.KAUFLAND, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "cancelled", 1, oid, oid,
                          tuple(StatusLine(uid, "SKU-1", 1) for uid in units), complete, reason=reason)


def test_one_patch_per_unit_partial_then_second_package(market: Market) -> None:
    recording = Recording()
    sender = market.sender(recording)
    oid, units = market.new_order(units=3)
    first = shipment(oid, units[:2])
    planned = sender.plan_status(first)
    assert recording.writes == []
    assert sender.send_status(first) == planned
    assert [(c.method, c.path, c.body) for c in planned] == recording.writes  # plan == the wire
    assert recording.writes == [("PATCH", f"/v2/order-units/{uid}/send",
                                 {"tracking_numbers": DHL_1, "carrier_code": "DHL"}) for uid in units[:2]]
    assert market.states(oid) == ["sent", "sent", "need_to_be_sent"]

    second = shipment(oid, units[2:], tracking="H1234567890123", carrier="HERMES", package_no=2, complete=True)
    assert len(sender.send_status(second)) == 1
    assert market.states(oid) == ["sent"] * 3
    recorded = market.requests("shipment")
    assert [(r["order_id"], r["carrier_code"], r["tracking_number"], r["lines"]) for r in recorded] == [
        (oid, "DHL", DHL_1, [{"line_id": units[0], "quantity": 1}]),
        (oid, "DHL", DHL_1, [{"line_id": units[1], "quantity": 1}]),
        (oid, "HERMES", "H1234567890123", [{"line_id": units[2], "quantity": 1}])]
    parcels = market.control("GET", f"/orders/{oid}/shipping")["units"]
    assert [u["parcels"] for u in parcels] == [[{"carrier_code": "DHL", "tracking_number": DHL_1}]] * 2 + [
        [{"carrier_code": "HERMES", "tracking_number": "H1234567890123"}]]
    found = sender.confirm_status(first)
    assert found.applied and "only the status" in found.detail
    sender.close()


def test_a_crash_part_way_sends_each_unit_once(market: Market, sender: KauflandStatusSender) -> None:
    oid, units = market.new_order(units=3)
    status = shipment(oid, units)
    # The first unit went out, then the desk crashed before recording anything.
    sender.send_status(shipment(oid, units[:1]))
    made = sender.send_status(status)  # the outbox sends the whole package again
    assert [c.path for c in made] == [f"/v2/order-units/{uid}/send" for uid in units[1:]]
    assert sender.send_status(status) == []  # and once more: everything already there
    assert sorted(ln["line_id"] for r in market.requests("shipment") for ln in r["lines"]) == sorted(units)
    assert market.states(oid) == ["sent"] * 3



def test_a_lost_answer_is_not_sent_twice(market: Market) -> None:
    """Kaufland applied the PATCH but its answer never came: HttpSession retries, the retry
    earns a 403, the unit reads back as sent: done, not doubled."""
    losing = LosesFirstAnswer()
    sender = market.sender(losing)
    oid, units = market.new_order(units=2)
    assert [c.path for c in sender.send_status(shipment(oid, units))] == [f"/v2/order-units/{units[1]}/send"]
    assert losing.lost == 1
    assert sorted(ln["line_id"] for r in market.requests("shipment") for ln in r["lines"]) == sorted(units)
    assert market.states(oid) == ["sent", "sent"]
    sender.close()


def test_cancel_per_unit_and_whole_order(market: Market) -> None:
    recording = Recording()
    sender = market.sender(recording)
    oid, units = market.new_order(units=3)
    one = cancellation(oid, units[:1], reason="BuyerCancelled")
    planned = sender.plan_status(one)
    assert [(c.method, c.path, c.body) for c in planned] == [
        ("PATCH", f"/v2/order-units/{units[0]}/cancel", {"reason": "BuyerCancelled"})]
    assert sender.send_status(one) == planned and recording.writes == [(c.method, c.path, c.body) for c in planned]
    assert market.states(oid) == ["cancelled", "need_to_be_sent", "need_to_be_sent"]
    assert sender.confirm_status(one).applied
    assert sender.send_status(one) == []  # 403, reads back cancelled: already done

    sender.send_status(shipment(oid, units[1:2]))
    whole = cancellation(oid, [], complete=True)  # no lines named: every unit still open
    planned = sender.plan_status(whole)
    assert [c.path for c in planned] == [f"/v2/order-units/{units[2]}/cancel"]
    assert sender.send_status(whole) == planned
    assert market.states(oid) == ["cancelled", "sent", "cancelled"]
    assert sender.confirm_status(whole).applied
    cancels = market.requests("cancel")
    assert [(r["reason"], r["lines"][0]["line_id"]) for r in cancels] == [("BuyerCancelled", units[0]),
                                                                          ("NoInventory", units[2])]
    with pytest.raises(Conflict, match=r"HTTP 403.*order unit %s is sent" % units[1]):
        sender.send_status(cancellation(oid, units[1:2]))  # a sent unit cannot be cancelled
    sender.close()


def test_wrong_state_is_a_conflict(market: Market, sender: KauflandStatusSender) -> None:
    oid, units = market.new_order(units=2)
    market.control("POST", f"/orders/{oid}/cancel", {"lines": units[:1], "reason": "BuyerCancelled"})
    with pytest.raises(Conflict, match=r"HTTP 403.*is cancelled") as refused:
        sender.send_status(shipment(oid, units))
    assert "order unit" in str(refused.value)
    found = sender.confirm_status(shipment(oid, units))
    assert not found.applied and f"order unit {units[0]} is cancelled, not sent" in found.detail
    held = market.control("POST", "/orders", {"held": True, "items": 1})["orders"][0]
    with pytest.raises(Conflict, match="is open"):  # not released by Kaufland yet: cannot be sent
        sender.send_status(shipment(held["id"], held["units"]))
    assert market.requests() == []


def test_read_back_catches_a_swallowed_request(market: Market, sender: KauflandStatusSender) -> None:
    oid, units = market.new_order(units=2)
    status = shipment(oid, units)
    market.control("POST", "/status-requests/swallow", {"count": 1})
    assert len(sender.send_status(status)) == 2  # both answered 204
    found = sender.confirm_status(status)
    assert not found.applied and f"order unit {units[0]} is need_to_be_sent, not sent" in found.detail
    assert [r["swallowed"] for r in market.requests()] == [True, False]
    assert [c.path for c in sender.send_status(status)] == [f"/v2/order-units/{units[0]}/send"]
    assert sender.confirm_status(status).applied

    cancel = cancellation(*market.new_order(units=1))
    market.control("POST", "/status-requests/swallow", {"count": 1})
    sender.send_status(cancel)
    assert not sender.confirm_status(cancel).applied


def test_rate_limit_and_outage_are_retried_then_mapped(market: Market) -> None:
    sender = market.sender(max_attempts=3)
    oid, units = market.new_order(units=3)
    market.control("POST", "/faults", {"kind": "429", "count": 1})
    assert len(sender.send_status(shipment(oid, units[:1]))) == 1
    assert len(market.requests("shipment")) == 1

    market.control("POST", "/config", {"retry_after": True})
    market.control("POST", "/faults", {"kind": "429", "count": 3, "retry_after": 2})
    with pytest.raises(RateLimited) as limited:
        sender.send_status(shipment(oid, units[1:2], package_no=2))
    assert limited.value.retry_after == 2.0 and 2.0 in market.sleeps  # Retry-After honoured between tries
    market.control("POST", "/faults", {"kind": "503", "count": 3})
    with pytest.raises(TransientError, match="HTTP 503"):
        sender.send_status(shipment(oid, units[1:2], package_no=2))
    assert market.states(oid)[1] == "need_to_be_sent"
    market.control("DELETE", "/faults")
    assert len(sender.send_status(shipment(oid, units[1:], package_no=2))) == 2
    assert len(market.requests("shipment")) == 3
    sender.close()


def test_invalid_statuses_are_refused_plainly(market: Market, sender: KauflandStatusSender) -> None:
    oid, units = market.new_order(units=2)
    status = shipment(oid, units)
    with pytest.raises(PermanentError, match=r"HTTP 400.*carrier_code: not valid") as refused:
        sender.send_status(replace(status, carrier_code="OWL_POST"))
    assert not isinstance(refused.value, Conflict)
    with pytest.raises(PermanentError, match="tracking_numbers"):
        sender.plan_status(replace(status, tracking_number=""))
    with pytest.raises(PermanentError, match="carrier_code"):
        sender.plan_status(replace(status, carrier_code=""))
    with pytest.raises(PermanentError, match="one piece"):
        sender.plan_status(replace(status, lines=(StatusLine(units[0], "SKU-1", 2),)))
    with pytest.raises(PermanentError, match="not a Kaufland cancel reason"):
        sender.plan_status(cancellation(oid, units, reason="Bored"))
    with pytest.raises(PermanentError, match="not a Kaufland order unit id"):
        sender.plan_status(shipment(oid, ["abc"]))
    with pytest.raises(PermanentError, match="does not know the order unit"):
        sender.send_status(shipment(oid, ["1"]))
    assert market.states(oid) == ["need_to_be_sent"] * 2 and market.requests() == []


def test_a_batch_under_kaufland_s_real_quota_earns_no_429() -> None:
    """111 requests/s per seller (here ten times slower, burst as documented): more requests than
    one burst go out paced, without a single 429."""
    scale = 0.1
    server = serve(orders=0, seed=10, real_limits=True, time_scale=scale)
    market = Market(server)
    sender = KauflandStatusSender(market.kl.base_url, market.kl.credentials, AdapterOptions(time_scale=scale))
    try:
        orders = [market.new_order(units=3) for _ in range(30)]
        for oid, units in orders:
            status = shipment(oid, units)
            assert len(sender.send_status(status)) == 3
            assert sender.confirm_status(status).applied
        state = market.kl.state()
        assert state["rate_limited"] == 0 and state["requests"] >= 120  # more than Kaufland's burst of 111
        assert len(market.requests("shipment")) == 90
    finally:
        sender.close()
        market.kl.close()
        server.stop()
