"""Packages, cancellations and status rules: pure domain, no database."""

from datetime import UTC, datetime

import pytest

from app.domain.orders import Channel, LineStatus
from app.domain.shipments import LineState, ShipmentError, allocate, covers_everything, parse_line_request
from app.domain.statuses import (
    CHANNEL_VALUES,
    DEFAULT_RULES,
    OutboundStatus,
    StatusEvent,
    StatusLine,
    StatusRule,
    StatusType,
    channel_can_cancel,
    check_rule,
)

OPEN = LineStatus.OPEN


def _lines() -> list[LineState]:
    # OTTO style: one position item per piece, two of them the same SKU; plus a 3-piece line.
    return [LineState("p1", "A", "Kettle", 1, OPEN), LineState("p2", "A", "Kettle", 1, OPEN),
            LineState("p3", "B", "Toaster", 3, OPEN, shipped=1), LineState("p4", "C", "Mug", 1, LineStatus.CANCELLED)]


def test_everything_open_is_taken_when_no_lines_are_named():
    picked = allocate(_lines(), None)
    assert picked == (StatusLine("p1", "A", 1), StatusLine("p2", "A", 1), StatusLine("p3", "B", 2))
    assert covers_everything(_lines(), picked)


def test_a_sku_spread_over_position_items_is_filled_item_by_item():
    picked = allocate(_lines(), [("A", 2), ("B", 1)])
    assert picked == (StatusLine("p1", "A", 1), StatusLine("p2", "A", 1), StatusLine("p3", "B", 1))
    assert not covers_everything(_lines(), picked)  # one toaster piece is still open


def test_lines_can_be_named_by_the_marketplace_line_id():
    assert allocate(_lines(), [("p2", 1)]) == (StatusLine("p2", "A", 1),)


@pytest.mark.parametrize("wanted, message", [
    ([("A", 3)], "line 'A': 3 asked to ship, but only 2 pieces are still open"),
    ([("B", 3)], "line 'B': 3 asked to ship, but only 2 pieces are still open"),
    ([("C", 1)], "line 'C': 1 asked to ship, but only 0 pieces are still open"),
    ([("Z", 1)], "line 'Z': the order has no line with this SKU or line id"),
])
def test_asking_for_more_than_is_open_names_the_line(wanted, message):
    with pytest.raises(ShipmentError) as err:
        allocate(_lines(), wanted)
    assert str(err.value) == message


def test_nothing_left_and_held_orders_are_refused():
    done = [LineState("p1", "A", "Kettle", 1, LineStatus.SHIPPED)]
    with pytest.raises(ShipmentError, match="nothing left to ship"):
        allocate(done, None)
    held = [LineState("p1", "A", "Kettle", 1, LineStatus.PENDING)]
    with pytest.raises(ShipmentError, match="still held by the marketplace.*cannot be cancelled"):
        allocate(held, None, action="cancel")


@pytest.mark.parametrize("text, expected", [("SKU-1:2", ("SKU-1", 2)), ("SKU-1", ("SKU-1", 1)),
                                            ("a:b:3", ("a:b", 3))])
def test_line_requests_parse(text, expected):
    assert parse_line_request(text) == expected


@pytest.mark.parametrize("text, message", [("SKU:x", "not a whole number"), ("SKU:0", "at least 1"),
                                           (":2", "SKU:QUANTITY")])
def test_bad_line_requests_say_why(text, message):
    with pytest.raises(ShipmentError, match=message):
        parse_line_request(text)


def test_every_default_rule_is_a_value_its_channel_accepts():
    for rule in DEFAULT_RULES:
        check_rule(rule)
        assert rule.value == CHANNEL_VALUES[rule.channel][rule.status_type][0] or rule.channel is Channel.SHOPWARE
    for channel in Channel:  # every channel reports shipments
        assert any(r.channel is channel and r.event is StatusEvent.SHIPMENT_COMPLETED for r in DEFAULT_RULES)


def test_rules_a_channel_cannot_send_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="amazon has no fulfillment status"):
        check_rule(StatusRule(Channel.AMAZON, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "Canceled"))
    with pytest.raises(ValueError, match="allowed: shipped, returned, cancelled"):
        check_rule(StatusRule(Channel.SHOPWARE, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "complete"))


def test_only_channels_with_a_seller_cancellation_can_cancel():
    assert {c for c in Channel if channel_can_cancel(c)} == {Channel.OTTO, Channel.KAUFLAND, Channel.SHOPWARE}


def test_outbound_status_survives_its_json_round_trip():
    status = OutboundStatus(Channel.OTTO, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "SENT", 7, "so-1",
                            "ABC", (StatusLine("p1", "A", 1),), False, 2, "00340434161234567896", "dhl_paket", "DHL",
                            "", datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "00340434169999999990", "DHL",
                            extra={"ship_from": {"city": "Hamburg"}})
    assert OutboundStatus.from_json(status.to_json()) == status
