"""The Shopware status sender against the Shopware sandbox over HTTP: target states walked by
Shopware's transitions, tracking codes on the delivery, one shipment per package however often
it is sent, the read-back, and the errors a clerk sees."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.channels.base import AdapterOptions
from app.channels.errors import AuthError, Conflict, PermanentError, RateLimited, TransientError
from app.channels.http import RetryPolicy
from app.channels.registry import CHANNELS
from app.channels.shopware.adapter import ShopwareAdapter
from app.channels.shopware.status import ShopwareStatusSender
from app.domain.orders import Channel, HoldReason
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from app.sandbox.shopware.model import Transaction
from tests.sandbox.shopware.shopware_access import Shop, shopware  # noqa: F401 - fixture

QUICK = AdapterOptions(policy=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=2.0, read_timeout=10.0),
                       rate_limit=0)
STATES = {"stateMachineState": {}, "deliveries": {"associations": {"stateMachineState": {}}},
          "transactions": {"associations": {"stateMachineState": {}}}}
DHL = "00340434161234567890"
DHL2 = "00340434161234567906"
HERMES = "H1000000000000000001"


@pytest.fixture
def shop(shopware) -> Shop:
    return shopware(orders=0)  # type: ignore[no-any-return]


@pytest.fixture
def sender(shop: Shop):
    made = ShopwareStatusSender(shop.base_url, shop.credentials, QUICK)
    yield made
    made.close()


def new_order(shop: Shop, **body) -> dict:
    created = shop.add(payment=body.pop("payment", "invoice"), **body)
    return {**created, "lines": shop.truth()[created["id"]]["lines"]}


def shipment(order: dict, lines: list[dict] | None = None, *, complete: bool = True, package: int = 1,
             tracking: str = DHL) -> OutboundStatus:
    chosen = order["lines"] if lines is None else lines
    return OutboundStatus(Channel.SHOPWARE, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "shipped", 1,
                          order["id"], order["number"],
                          tuple(StatusLine(ln["id"], f"SKU-{i}", ln["quantity"]) for i, ln in enumerate(chosen)),
                          complete=complete, package_no=package, tracking_number=tracking, carrier="dhl",
                          ship_date=datetime(2025, 5, 2, 12, tzinfo=UTC))


def state_status(order: dict, kind: StatusType, value: str, event: StatusEvent = StatusEvent.INVOICE_CREATED,
                 **extra) -> OutboundStatus:
    return OutboundStatus(Channel.SHOPWARE, event, kind, value, 1, order["id"], order["number"], **extra)


def shown(shop: Shop, oid: str) -> dict:
    raw = shop.order(oid, STATES)
    delivery = raw["deliveries"][0]
    return {"order": raw["stateMachineState"]["technicalName"],
            "delivery": delivery["stateMachineState"]["technicalName"], "codes": delivery["trackingCodes"],
            "payments": [t["stateMachineState"]["technicalName"] for t in raw["transactions"]]}


def received(shop: Shop, since: int = 0) -> list[dict]:
    return [r for r in shop.ok("GET", "/status-requests")["requests"] if r["seq"] > since]


def as_sent(records: list[dict]) -> list[tuple]:
    return [(r["method"], r["path"], r["body"]) for r in records]


def as_planned(calls) -> list[tuple]:
    return [(c.method, c.path, c.body) for c in calls]


# -- shipments ---------------------------------------------------------------------------------------
def test_a_whole_shipment_puts_the_tracking_code_on_the_delivery_then_ships_it(shop: Shop, sender):
    order = new_order(shop, items=2)
    status = shipment(order)
    plan = sender.plan_status(status)
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in plan] == [("PATCH", plan[0].path.rsplit("/", 1)[-1]),
                                                                     ("POST", "ship")]
    assert plan[0].path.startswith("/api/order-delivery/") and plan[0].body == {"trackingCodes": [DHL]}
    assert received(shop) == []  # planning changes nothing
    sent = sender.send_status(status)
    assert as_planned(sent) == as_planned(plan) == as_sent(received(shop))  # the preview is what arrives
    assert shown(shop, order["id"])["delivery"] == "shipped" and shown(shop, order["id"])["codes"] == [DHL]
    confirmation = sender.confirm_status(status)
    assert confirmation.applied and DHL in confirmation.detail and "shipped" in confirmation.detail


def test_packages_ship_partially_then_complete_with_every_tracking_code(shop: Shop, sender):
    order = new_order(shop, items=3)
    first = shipment(order, order["lines"][:1], complete=False, package=1, tracking=DHL)
    second = shipment(order, order["lines"][1:2], complete=False, package=2, tracking=HERMES)
    third = shipment(order, order["lines"][2:], complete=True, package=3, tracking=DHL2)
    plan = sender.plan_status(first)
    assert as_planned(sender.send_status(first)) == as_planned(plan) == as_sent(received(shop))
    assert plan[-1].path.endswith("/state/ship_partially")
    assert shown(shop, order["id"])["delivery"] == "shipped_partially"
    assert sender.confirm_status(first).applied and not sender.confirm_status(third).applied

    seen = len(received(shop))
    plan = sender.plan_status(second)  # the state is already shipped_partially: only the code
    assert as_planned(plan) == [("PATCH", plan[0].path, {"trackingCodes": [DHL, HERMES]})]
    assert as_planned(sender.send_status(second)) == as_planned(plan) == as_sent(received(shop, seen))

    seen = len(received(shop))
    plan = sender.plan_status(third)
    assert [c.body for c in plan] == [{"trackingCodes": [DHL, HERMES, DHL2]}, {"sendMail": True}]
    assert plan[-1].path.endswith("/state/ship")
    assert as_planned(sender.send_status(third)) == as_planned(plan) == as_sent(received(shop, seen))
    assert shown(shop, order["id"])["delivery"] == "shipped"
    assert shown(shop, order["id"])["codes"] == [DHL, HERMES, DHL2]
    assert all(sender.confirm_status(s).applied for s in (first, second, third))
    transitions = [r["transition"] for r in received(shop) if r["kind"] == "transition"]
    assert transitions == ["ship_partially", "ship"]


def test_a_shipment_without_tracking_number_only_moves_the_state(shop: Shop, sender):
    order = new_order(shop)
    sent = sender.send_status(shipment(order, tracking=""))
    assert [c.method for c in sent] == ["POST"]
    assert shown(shop, order["id"])["delivery"] == "shipped" and shown(shop, order["id"])["codes"] == []
    assert sender.confirm_status(shipment(order, tracking="")).applied


def test_sending_twice_ships_once(shop: Shop, sender):
    order = new_order(shop)
    status = shipment(order)
    assert len(sender.send_status(status)) == 2
    assert sender.send_status(status) == [] and sender.plan_status(status) == []
    kinds = [r["kind"] for r in received(shop)]
    assert kinds == ["tracking", "transition"]
    assert shown(shop, order["id"])["codes"] == [DHL]


def test_a_crash_between_tracking_code_and_transition_completes_without_doubling(shop: Shop, sender):
    order = new_order(shop)
    status = shipment(order)
    plan = sender.plan_status(status)
    delivery_id = plan[0].path.rsplit("/", 1)[-1]
    sender.client.update_delivery(delivery_id, plan[0].body)  # the first call went out, then the app died
    rest = sender.send_status(status)
    assert as_planned(rest) == as_planned(plan[1:])
    assert [r["kind"] for r in received(shop)] == ["tracking", "transition"]
    assert shown(shop, order["id"])["codes"] == [DHL] and sender.confirm_status(status).applied


class LoseFirstAnswer(httpx.BaseTransport):
    """Delivers the first transition request to the shop, then loses its answer (a timeout)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and "/_action/" in request.url.path and not self.lost:
            response.read()
            response.close()
            self.lost += 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("older_shop", [False, True])
def test_a_transition_whose_answer_was_lost_is_not_sent_twice(shop: Shop, older_shop: bool):
    """The shared HTTP layer repeats the POST: the shop says "done" (6.5+) or "illegal from
    shipped" (older shops); either way the delivery shipped once and the send succeeds."""
    if older_shop:
        shop.ok("POST", "/config", {"unnecessary_transitions": False})
    order = new_order(shop)
    transport = LoseFirstAnswer()
    sender = ShopwareStatusSender(shop.base_url, shop.credentials,
                                  AdapterOptions(policy=QUICK.policy, rate_limit=0, transport=transport))
    try:
        sent = sender.send_status(shipment(order, tracking=""))
    finally:
        sender.close()
    assert transport.lost == 1
    assert [c.path.rsplit("/", 1)[-1] for c in sent] == ([] if older_shop else ["ship"])
    assert [(r["kind"], r["transition"]) for r in received(shop)] == [("transition", "ship")]
    assert shown(shop, order["id"])["delivery"] == "shipped"


def test_returned_after_shipping(shop: Shop, sender):
    order = new_order(shop)
    sender.send_status(shipment(order))
    returned = state_status(order, StatusType.DELIVERY, "returned", StatusEvent.RETURNED)
    assert [c.path.rsplit("/", 1)[-1] for c in sender.send_status(returned)] == ["retour"]
    assert shown(shop, order["id"])["delivery"] == "returned" and sender.confirm_status(returned).applied


# -- the order and the payment --------------------------------------------------------------------
def test_order_states_walk_the_order_state_machine(shop: Shop, sender):
    order = new_order(shop)
    progress = state_status(order, StatusType.FULFILLMENT, "in_progress")
    completed = state_status(order, StatusType.FULFILLMENT, "completed")
    assert [c.path.rsplit("/", 1)[-1] for c in sender.plan_status(completed)] == ["process", "complete"]
    assert [c.path.rsplit("/", 1)[-1] for c in sender.send_status(progress)] == ["process"]
    assert sender.send_status(progress) == []
    assert [c.path.rsplit("/", 1)[-1] for c in sender.send_status(completed)] == ["complete"]
    assert shown(shop, order["id"])["order"] == "completed"
    assert sender.confirm_status(progress).applied  # completed is past in_progress
    cancel = state_status(order, StatusType.FULFILLMENT, "cancelled", StatusEvent.CANCELLED, complete=True,
                          reason="cancelled")
    with pytest.raises(Conflict, match="order is completed; Shopware has no transition from there to cancelled"):
        sender.send_status(cancel)
    assert not sender.confirm_status(cancel).applied


def test_a_whole_order_is_cancelled(shop: Shop, sender):
    order = new_order(shop)
    cancel = state_status(order, StatusType.FULFILLMENT, "cancelled", StatusEvent.CANCELLED,
                          lines=tuple(StatusLine(ln["id"], "", ln["quantity"]) for ln in order["lines"]),
                          complete=True, reason="cancelled")
    plan = sender.plan_status(cancel)
    assert as_planned(sender.send_status(cancel)) == as_planned(plan) == as_sent(received(shop))
    assert plan[0].path == f"/api/_action/order/{order['id']}/state/cancel"
    assert shown(shop, order["id"])["order"] == "cancelled"
    assert all(ln["cancelled"] for ln in shop.truth()[order["id"]]["lines"])
    assert sender.confirm_status(cancel).applied and sender.send_status(cancel) == []


def test_paid_releases_a_held_prepayment_order_for_the_fetch(shop: Shop, sender):
    order = new_order(shop, payment="prepayment", held=True)
    adapter = ShopwareAdapter(shop.base_url, shop.credentials, QUICK)
    try:
        [page] = list(adapter.fetch_changes(None))
        [before] = [o for o in page.orders if o.marketplace_id == order["id"]]
        assert before.hold_reason is HoldReason.AWAITING_PAYMENT and not before.paid
        shop.advance(60)
        paid = state_status(order, StatusType.PAYMENT, "paid", StatusEvent.PAYMENT_SETTLED)
        plan = sender.plan_status(paid)
        assert as_planned(sender.send_status(paid)) == as_planned(plan) == as_sent(received(shop))
        assert plan[0].path.startswith("/api/_action/order_transaction/") and plan[0].path.endswith("/state/paid")
        [page] = list(adapter.fetch_changes(page.high_water))  # the incremental fetch sees the payment
        [after] = [o for o in page.orders if o.marketplace_id == order["id"]]
        assert after.hold_reason is None and after.paid
    finally:
        adapter.close()
    assert shop.truth()[order["id"]]["held"] is False and sender.confirm_status(paid).applied
    assert sender.send_status(paid) == []


@pytest.mark.parametrize("spelling, action", [("pay", "pay"), ("paid", "paid"), ("both", "paid")])
def test_the_pay_action_is_spelled_as_the_shop_knows_it(shop: Shop, sender, spelling: str, action: str):
    shop.ok("POST", "/config", {"transaction_actions": spelling})
    order = new_order(shop)
    paid = state_status(order, StatusType.PAYMENT, "paid", StatusEvent.PAYMENT_SETTLED)
    [call] = sender.send_status(paid)
    assert call.path.endswith(f"/state/{action}")
    assert [r["transition"] for r in received(shop)] == [action]
    assert shown(shop, order["id"])["payments"] == ["paid"]


def test_the_latest_payment_attempt_is_the_one_marked_paid(shop: Shop, sender):
    order = new_order(shop)
    store = shop.server.app.store  # a first attempt failed, the customer paid with a second one
    with store.lock:
        record = store.orders[order["id"]]
        first = record.transactions[0]
        first.state = "failed"
        record.transactions.append(Transaction(first.method, "open", first.created_ms + 60_000))
        store.touch(record)
    sender.send_status(state_status(order, StatusType.PAYMENT, "paid", StatusEvent.PAYMENT_SETTLED))
    assert shown(shop, order["id"])["payments"] == ["failed", "paid"]


# -- refusals and failures -------------------------------------------------------------------------
def test_a_cancelled_delivery_cannot_ship_and_nothing_is_sent(shop: Shop, sender):
    order = new_order(shop)
    shop.ok("POST", f"/orders/{order['id']}/cancel")  # the shop cancelled order and delivery
    status = shipment(order)
    with pytest.raises(Conflict) as caught:
        sender.send_status(status)
    assert f"order {order['number']}" in str(caught.value) and "delivery is cancelled" in str(caught.value)
    assert received(shop) == []
    assert not sender.confirm_status(status).applied


class CancelBeforeFirstTransition(httpx.BaseTransport):
    """The shop's clerk cancels the order between the desk's reading and its transition."""

    def __init__(self, shop: Shop, order_id: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.shop, self.order_id, self.done = shop, order_id, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/_action/" in request.url.path and not self.done:
            self.done = True
            self.shop.ok("POST", f"/orders/{self.order_id}/cancel")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_the_shops_illegal_transition_answer_is_a_conflict(shop: Shop):
    order = new_order(shop)
    sender = ShopwareStatusSender(shop.base_url, shop.credentials,
                                  AdapterOptions(policy=QUICK.policy, rate_limit=0,
                                                 transport=CancelBeforeFirstTransition(shop, order["id"])))
    try:
        with pytest.raises(Conflict) as caught:
            sender.send_status(shipment(order, tracking=""))
    finally:
        sender.close()
    text = str(caught.value)
    assert "SYSTEM__ILLEGAL_STATE_TRANSITION" in text and "the delivery is now cancelled" in text
    assert order["number"] in text
    assert received(shop) == []


def test_a_swallowed_status_is_caught_by_the_read_back(shop: Shop, sender):
    order = new_order(shop)
    status = shipment(order)
    shop.ok("POST", "/status-requests/swallow", {"count": 2})
    assert len(sender.send_status(status)) == 2  # the shop answered both as done
    confirmation = sender.confirm_status(status)
    assert not confirmation.applied
    assert "open" in confirmation.detail and f"{DHL} is missing" in confirmation.detail
    assert [r["swallowed"] for r in received(shop)] == [True, True]
    assert len(sender.send_status(status)) == 2 and sender.confirm_status(status).applied  # a resend lands


def test_rate_limit_and_outage_are_mapped_and_change_nothing(shop: Shop, sender):
    order = new_order(shop)
    status = shipment(order)
    sender.plan_status(status)  # token in hand: the faults hit the API calls
    shop.ok("POST", "/faults", {"kind": "429", "count": 10, "retry_after": 60})
    with pytest.raises(RateLimited) as limited:
        sender.send_status(status)
    assert limited.value.retry_after == 60 and "429" in str(limited.value)
    shop.ok("DELETE", "/faults")
    shop.ok("POST", "/faults", {"kind": "503", "count": 10})
    with pytest.raises(TransientError, match="503"):
        sender.send_status(status)
    shop.ok("DELETE", "/faults")
    assert received(shop) == []
    shop.ok("POST", "/faults", {"kind": "503", "count": 2})  # a short outage is ridden out
    assert len(sender.send_status(status)) == 2 and sender.confirm_status(status).applied


def test_unknown_order_and_wrong_credentials_are_said_plainly(shop: Shop, sender):
    ghost = {"id": "0" * 32, "number": "99999", "lines": []}
    with pytest.raises(PermanentError, match="has no order with the id 0000"):
        sender.send_status(state_status(ghost, StatusType.FULFILLMENT, "in_progress"))
    wrong = ShopwareStatusSender(shop.base_url, {**shop.credentials, "client_secret": "nope"}, QUICK)
    try:
        with pytest.raises(AuthError) as caught:
            wrong.plan_status(state_status(ghost, StatusType.FULFILLMENT, "in_progress"))
    finally:
        wrong.close()
    assert "nope" not in str(caught.value) and "Shopware 6" in str(caught.value)
    with pytest.raises(PermanentError, match="not a delivery state"):
        sender.plan_status(state_status(ghost, StatusType.DELIVERY, "teleported"))


def test_the_registry_builds_this_sender(shop: Shop):
    made = CHANNELS[Channel.SHOPWARE].create_sender(shop.base_url + "/api", shop.credentials, QUICK)
    try:
        assert isinstance(made, ShopwareStatusSender)
        order = new_order(shop)
        assert made.send_status(state_status(order, StatusType.FULFILLMENT, "in_progress"))
    finally:
        made.close()
