"""The status service without a marketplace: what ship/cancel/events write, rules, waiting for
tracking, and the outbox's claims, on SQLite and PostgreSQL. Sending is covered against the
sandboxes in tests/contract/test_status_contract.py."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.orders import Address, Channel, HoldReason, LineStatus, Order, OrderLine
from app.domain.shipments import ShipmentError
from app.domain.statuses import ProtocolState, StatusEvent, StatusRule, StatusType
from app.services.status import SETTING_SHIP_FROM, SETTING_TRACKING_WAIT, ShipRequest
from app.store import schema
from app.store import status_store as store
from app.store.db import write_transaction
from app.store.order_writer import write_page

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ADDR = Address("Erika", "Beispiel", "Musterweg", "7a", "22089", "Hamburg", "DE")
DHL = "00340434161234567896"  # valid GS1 check digit
DHL_RETURN = "00340434169999999990"
SHIP_FROM = {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"}


def order(channel: Channel, number: str, lines: tuple[OrderLine, ...], held: bool = False) -> Order:
    return Order(channel, f"mp-{number}", number, T0, T0, "EUR", lines, shipping_address=ADDR, billing_address=ADDR,
                 hold_reason=HoldReason.PAYMENT_CHECK if held else None)


def line(lid: str, sku: str, qty: int = 1, status: LineStatus = LineStatus.OPEN) -> OrderLine:
    return OrderLine(lid, sku, "Article " + sku, qty, 1999, 1900, status)


@pytest.fixture
def desk(app_ctx):
    """Orders of every channel, written as a fetch writes them."""
    made = {}
    for channel in Channel:
        acc = app_ctx.accounts.add(channel.value, f"{channel.value} shop", "http://127.0.0.1:9")
        orders = [order(channel, f"{channel.value.upper()}-1", (line("l1", "A"), line("l2", "A"), line("l3", "B", 3))),
                  order(channel, f"{channel.value.upper()}-HELD", (line("h1", "A", status=LineStatus.PENDING),),
                        held=True)]
        with write_transaction(app_ctx.engine) as conn:
            write_page(conn, acc.id, orders, T0)
        made[channel] = acc
    app_ctx.status.set_setting(SETTING_SHIP_FROM, SHIP_FROM)
    return app_ctx


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def otto_ship(**kw) -> ShipRequest:
    base = dict(order="OTTO-1", tracking_number=DHL, return_tracking_number=DHL_RETURN, return_carrier="DHL")
    return ShipRequest(**{**base, **kw})


def test_a_shipment_writes_package_lines_timeline_log_and_one_protocol_together(desk):
    out = desk.status.ship(otto_ship(lines=[("A", 2)]))
    assert (out.package_no, out.carrier, out.carrier_code, out.waiting) == (1, "dhl_paket", "DHL", False)
    assert [(ln.line_id, ln.quantity) for ln in out.lines] == [("l1", 1), ("l2", 1)]
    [rec] = desk.status.queue()
    status = rec.status
    assert (rec.state, rec.event, rec.status_type, rec.value) == ("pending", "shipment_completed", "delivery", "SENT")
    assert (status.tracking_number, status.carrier_code, status.return_tracking_number, status.return_carrier_code,
            status.complete, status.extra["ship_from"]) == (DHL, "DHL", DHL_RETURN, "DHL", False, SHIP_FROM)
    with desk.engine.connect() as conn:
        kinds = [r.kind for r in conn.execute(select(schema.OrderEvent.__table__.c.kind))]
        logged = conn.scalar(select(func.count()).select_from(schema.LogEntry.__table__)
                             .where(schema.LogEntry.__table__.c.event == "shipment_recorded"))
    assert "shipped" in kinds and logged == 1
    second = desk.status.ship(otto_ship(lines=[("B", 3)]))
    assert second.package_no == 2 and desk.status.queue()[0].status.complete


def test_shipping_more_than_is_open_writes_nothing(desk):
    desk.status.ship(otto_ship(lines=[("B", 2)]))
    with pytest.raises(ShipmentError, match="line 'B': 2 asked to ship, but only 1 piece is still open"):
        desk.status.ship(otto_ship(lines=[("B", 2)]))
    assert count(desk, schema.Shipment) == 1 and count(desk, schema.StatusProtocol) == 1


@pytest.mark.parametrize("kw, message", [
    (dict(tracking_number="00340434161234567897"), "looks like DHL Paket, but its check digit is wrong"),
    (dict(tracking_number="00340434161234567897", carrier="DHL"), "fails the check digit"),
    (dict(return_tracking_number="", return_carrier=None), "OTTO needs a return carrier"),
    (dict(return_carrier="UPS"), "OTTO accepts only DHL, GLS, HERMES as return carrier"),
    (dict(carrier="deutsche_post"), "OTTO has no carrier value for Deutsche Post"),
    (dict(carrier="Pigeon Post"), "carrier 'Pigeon Post': not a carrier OrderDesk knows"),
])
def test_a_shipment_the_channel_would_reject_is_stopped_before_anything_is_written(desk, kw, message):
    with pytest.raises(ShipmentError, match=message):
        desk.status.ship(otto_ship(**kw))
    assert count(desk, schema.Shipment) == 0 and count(desk, schema.StatusProtocol) == 0


def test_a_confirmed_check_digit_failure_may_be_sent(desk):
    out = desk.status.ship(otto_ship(tracking_number="00340434161234567897", carrier="DHL", skip_check_digit=True))
    assert out.carrier_code == "DHL"


def test_otto_needs_the_ship_from_address(desk):
    desk.status.set_setting(SETTING_SHIP_FROM, None)
    with pytest.raises(ShipmentError, match="shipFromAddress"):
        desk.status.ship(otto_ship())


def test_held_orders_and_unknown_orders_are_refused(desk):
    with pytest.raises(ShipmentError, match="still held by the marketplace"):
        desk.status.ship(otto_ship(order="OTTO-HELD"))
    with pytest.raises(store.OrderNotFound, match="order NOPE: no such order"):
        desk.status.ship(otto_ship(order="NOPE"))


def test_channel_codes_follow_the_carrier(desk):
    amazon = desk.status.ship(ShipRequest("AMAZON-1", tracking_number=DHL))
    ebay = desk.status.ship(ShipRequest("EBAY-1", tracking_number=DHL, carrier="Hermes"))
    kaufland = desk.status.ship(ShipRequest("KAUFLAND-1", tracking_number=DHL))
    assert (amazon.carrier_code, ebay.carrier_code, kaufland.carrier_code) == ("DHL", "Hermes", "DHL")


def test_without_tracking_a_shipment_waits_and_the_number_can_follow(desk):
    out = desk.status.ship(ShipRequest("AMAZON-1"))
    [rec] = desk.status.queue()
    assert out.waiting and rec.state == "waiting" and rec.wait_until is not None
    moved = desk.status.add_tracking(out.shipment_id, DHL)
    [rec] = desk.status.queue()
    assert moved == [rec.id] and rec.state == "pending"
    assert (rec.status.tracking_number, rec.status.carrier_code) == (DHL, "DHL")


def test_when_the_wait_runs_out_channels_that_need_tracking_hand_it_to_the_clerk(desk):
    desk.status.set_setting(SETTING_TRACKING_WAIT, 30)
    desk.status.ship(ShipRequest("AMAZON-1"))  # Amazon requires a tracking number
    desk.status.ship(ShipRequest("EBAY-1"))  # eBay: both carrier and number, or neither
    desk.status.ship(ShipRequest("SHOPWARE-1"))  # Shopware: trackingCodes may be empty
    early = desk.status.transmit(now=datetime.now(UTC) + timedelta(minutes=29))
    assert early.tracking_timeouts == 0
    assert {r.state for r in desk.status.queue()} == {"waiting"}
    late = desk.status.transmit(now=datetime.now(UTC) + timedelta(minutes=31), channel="amazon")
    assert late.tracking_timeouts == 1
    [amazon] = desk.status.queue(channel="amazon")
    assert amazon.state == "failed"
    assert "No tracking number arrived within 0.5 h, and Amazon needs a tracking number" in amazon.last_error
    # Shopware may go without: it leaves the wait and is sent (here: tried, the test shop is not
    # reachable, so it stays pending for the next run; nothing is dropped)
    shop = desk.status.transmit(now=datetime.now(UTC) + timedelta(minutes=31), channel="shopware")
    [shopware] = desk.status.queue(channel="shopware")
    assert shop.tracking_timeouts == 1 and shopware.state == "pending" and shopware.attempts == 1
    # a number arriving for the failed one brings it back
    assert desk.status.add_tracking(_shipment_id(desk, "AMAZON-1"), DHL) == [amazon.id]
    assert desk.status.queue(channel="amazon")[0].state == "pending"


def _shipment_id(ctx, number: str) -> int:
    with ctx.engine.connect() as conn:
        ref = store.find_order(conn, number)
        return store.shipments_of(conn, ref.id)[-1].id


def test_cancellations_need_a_channel_that_can_cancel_and_one_of_its_reasons(desk):
    with pytest.raises(ShipmentError, match="Amazon cannot be told of a cancellation"):
        desk.status.cancel("AMAZON-1", None)
    with pytest.raises(ShipmentError, match="reason 'Oops': not a cancellation reason of kaufland"):
        desk.status.cancel("KAUFLAND-1", None, "Oops")
    with pytest.raises(ShipmentError, match="Shopware cancels whole orders only"):
        desk.status.cancel("SHOPWARE-1", [("A", 1)])
    out = desk.status.cancel("KAUFLAND-1", [("B", 2)], "NoInventory")
    [rec] = desk.status.queue(channel="kaufland")
    assert (rec.value, rec.status.reason, rec.status.complete) == ("cancelled", "NoInventory", False)
    assert [(ln.line_id, ln.quantity) for ln in out.lines] == [("l3", 2)]
    # cancelled pieces are no longer open for shipping
    with pytest.raises(ShipmentError, match="only 1 piece is still open"):
        desk.status.ship(ShipRequest("KAUFLAND-1", tracking_number=DHL, lines=[("B", 2)]))


def test_a_repeated_event_is_queued_once_and_disabled_rules_queue_nothing(desk):
    first = desk.status.record_event("SHOPWARE-1", StatusEvent.PAYMENT_SETTLED, source="erp")
    again = desk.status.record_event("SHOPWARE-1", StatusEvent.PAYMENT_SETTLED, source="erp")
    assert len(first.protocols) == 1 and again.protocols == []
    desk.status.save_rule(StatusRule(Channel.SHOPWARE, StatusEvent.INVOICE_CREATED, StatusType.FULFILLMENT,
                                     "in_progress", enabled=False))
    assert desk.status.record_event("SHOPWARE-1", StatusEvent.INVOICE_CREATED).protocols == []
    assert count(desk, schema.StatusProtocol) == 1


def test_rules_are_validated_and_stored_changes_win_over_defaults(desk):
    with pytest.raises(ValueError, match="allowed: in_progress, completed, cancelled"):
        desk.status.save_rule(StatusRule(Channel.SHOPWARE, StatusEvent.INVOICE_CREATED, StatusType.FULFILLMENT, "paid"))
    desk.status.save_rule(StatusRule(Channel.SHOPWARE, StatusEvent.INVOICE_CREATED, StatusType.FULFILLMENT,
                                     "completed"))
    [rule] = [r for r in desk.status.rules(Channel.SHOPWARE) if r.event is StatusEvent.INVOICE_CREATED]
    assert rule.value == "completed" and rule.enabled
    desk.status.record_event("SHOPWARE-1", StatusEvent.INVOICE_CREATED)
    assert desk.status.queue()[0].value == "completed"


def test_retry_and_discard_move_only_what_may_move(desk):
    desk.status.ship(ShipRequest("AMAZON-1"))
    [rec] = desk.status.queue()
    assert desk.status.retry(rec.id)  # waiting -> pending: the clerk sends it without waiting
    assert desk.status.discard(rec.id)
    assert not desk.status.retry(rec.id)  # discarded stays discarded
    assert desk.status.queue()[0].state == "discarded"


def test_two_transmissions_never_claim_the_same_protocol(desk):
    for number in ("AMAZON-1", "EBAY-1", "KAUFLAND-1", "SHOPWARE-1"):
        for sku in ("A", "A", "B"):
            desk.status.ship(ShipRequest(number, tracking_number=DHL, carrier="dhl_paket", lines=[(sku, 1)]))
    total = count(desk, schema.StatusProtocol)
    now = datetime.now(UTC)
    claims: list[list[int]] = []
    barrier = threading.Barrier(3)

    def claim() -> None:
        barrier.wait()
        _, got = store.claim_due(desk.engine, now)
        claims.append([rec.id for rec, _ in got])

    threads = [threading.Thread(target=claim) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for c in claims for i in c]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == total


def test_a_claim_whose_holder_died_is_taken_over_as_half_done_after_its_lease(desk):
    desk.status.ship(ShipRequest("AMAZON-1", tracking_number=DHL))
    now = datetime.now(UTC)
    token, [(rec, recovered)] = store.claim_due(desk.engine, now)
    assert not recovered and rec.attempts == 1
    assert store.claim_due(desk.engine, now + timedelta(minutes=4))[1] == []  # the lease still holds
    _, [(again, recovered)] = store.claim_due(desk.engine, now + timedelta(minutes=6))
    assert again.id == rec.id and recovered and again.attempts == 2
    # the dead holder's late answer is ignored: its claim is gone
    assert not store.finish(desk.engine, rec.id, token, now, state=ProtocolState.SENT)


def test_a_later_tracking_number_brings_its_own_carrier_and_otto_asks_for_the_return_label(desk):
    out = desk.status.ship(ShipRequest("AMAZON-1", carrier="ups"))  # the clerk guessed UPS, no number yet
    desk.status.add_tracking(out.shipment_id, DHL)  # ... then a DHL label was printed
    [rec] = desk.status.queue(channel="amazon")
    assert (rec.state, rec.status.carrier, rec.status.carrier_code) == ("pending", "dhl_paket", "DHL")
    otto = desk.status.ship(ShipRequest("OTTO-1"))
    with pytest.raises(ShipmentError, match="OTTO needs a return carrier"):
        desk.status.add_tracking(otto.shipment_id, DHL)
    assert desk.status.queue(channel="otto")[0].state == "waiting"  # nothing changed
    desk.status.add_tracking(otto.shipment_id, DHL, return_tracking_number=DHL_RETURN, return_carrier="DHL")
    [rec] = desk.status.queue(channel="otto")
    assert (rec.state, rec.status.return_tracking_number, rec.status.return_carrier_code) == (
        "pending", DHL_RETURN, "DHL")
