"""Status back to every marketplace, against its sandbox over HTTP (issue 5, "Done when").

Each sandbox records the status requests it accepted (``GET /_sandbox/status-requests``,
app/sandbox/status_log.py), so these tests see the marketplace's side: exactly one shipment per
package with the channel's carrier code, lines and quantities as shipped or cancelled, nothing
doubled by a crash or a retry. A re-fetch must then show the new state in the desk as well.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.channels.registry import CHANNELS
from app.domain.statuses import StatusEvent, StatusRule, channel_can_cancel
from app.domain.orders import Channel
from app.services import status as status_module
from app.services.status import SETTING_SHIP_FROM, SETTING_TRACKING_WAIT, ShipRequest
from app.store.protocol_log import read as read_log
from app.store.queries import iter_orders
from tests.contract.test_channel_contract import Marketplace, fetch_ok  # noqa: F401  (fixtures below)
from tests.contract.test_channel_contract import account, market, mp  # noqa: F401

CHANNEL_NAMES = [c.value for c in CHANNELS]
pytestmark = pytest.mark.parametrize("channel", CHANNEL_NAMES)

DHL = ["00340434161234567896", "00340434161234567902", "00340434169999999990", "00340434160000000007"]
RETURN = {"return_tracking_number": "00340434169999999990", "return_carrier": "DHL"}
CARRIER_CODE = {"otto": "DHL", "amazon": "DHL", "ebay": "DHL", "kaufland": "DHL", "shopware": ""}
SHIP_DATE = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def ship_request(channel: str, order: str, tracking: str, lines=None, **kw) -> ShipRequest:
    extra = RETURN if channel == "otto" else {}
    return ShipRequest(order, lines, tracking, ship_date=SHIP_DATE, **{**extra, **kw})


@pytest.fixture
def desk(app_ctx, account):
    fetch_ok(app_ctx, account)
    app_ctx.status.set_setting(SETTING_SHIP_FROM, {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"})
    return app_ctx


def open_orders(ctx, min_pieces: int = 1) -> list[dict]:
    """Released, unshipped, uncancelled orders with at least ``min_pieces`` pieces, most pieces first."""
    found = [o for o in iter_orders(ctx.engine) if not o["backlog"] and o["status"] == "open"
             and all(ln["status"] == "open" for ln in o["lines"])
             and sum(ln["quantity"] for ln in o["lines"]) >= min_pieces]
    assert found, "the seeded sandbox has no open order of that size"
    return sorted(found, key=lambda o: (-len(o["lines"]), o["order_number"]))


def order_of(ctx, number: str) -> dict:
    [found] = [o for o in iter_orders(ctx.engine) if o["order_number"] == number]  # read to the end: closes the cursor
    return found


def accepted(mp: Marketplace, marketplace_id: str | None = None, kind: str | None = None) -> list[dict]:
    records = mp.control("GET", "/status-requests")["requests"]
    return [r for r in records if not r["swallowed"] and (marketplace_id is None or r["order_id"] == marketplace_id)
            and (kind is None or r["kind"] == kind)]


def shipped_lines(mp: Marketplace, marketplace_id: str) -> dict[str, dict[str, int]]:
    """tracking number -> {line id: pieces} as the marketplace received them (not Shopware: its
    deliveries carry tracking codes, not lines)."""
    out: dict[str, dict[str, int]] = {}
    for rec in accepted(mp, marketplace_id, "shipment"):
        per = out.setdefault(rec.get("tracking_number") or "", {})
        for ln in rec.get("lines", []):
            per[ln["line_id"]] = per.get(ln["line_id"], 0) + ln["quantity"]
    return out


def transmit_ok(ctx, **kw):
    result = ctx.status.transmit(**kw)
    assert result.failed == 0 and result.deferred == 0, result.errors
    return result


def test_each_package_reaches_the_marketplace_once_with_its_carrier_code(desk, mp, channel, account):
    order = open_orders(desk, min_pieces=2)[0]
    first = order["lines"][0]
    one = [(first["line_id"], 1)]
    partial = channel != "shopware"  # Shopware's delivery ships whole or "partially", without lines
    p1 = desk.status.ship(ship_request(channel, order["order_number"], DHL[0], one if partial else None))
    result = transmit_ok(desk)
    assert (result.sent, result.verified) == (1, 1)
    if partial:
        p2 = desk.status.ship(ship_request(channel, order["order_number"], DHL[1]))  # the rest
        assert p2.package_no == 2
        assert transmit_ok(desk).sent == 1
    assert transmit_ok(desk).sent == 0  # nothing is sent twice
    mid = order["marketplace_id"]
    if channel == "shopware":
        tracking = [r for r in accepted(mp, mid, "tracking")]
        assert [r["tracking_number"] for r in tracking] == [DHL[0]]
        assert [r["transition"] for r in accepted(mp, mid, "transition")] == ["ship"]
    else:
        sent = shipped_lines(mp, mid)
        assert set(sent) == {DHL[0], DHL[1]}
        assert sent[DHL[0]] == {first["line_id"]: 1}
        rest = {ln["line_id"]: ln["quantity"] for ln in order["lines"]}
        rest[first["line_id"]] -= 1
        assert sent[DHL[1]] == {k: v for k, v in rest.items() if v}
        assert {r["carrier_code"] for r in accepted(mp, mid, "shipment")} == {CARRIER_CODE[channel]}
    # the desk learns the new state from the marketplace on the next fetch
    fetch_ok(desk, account)
    assert order_of(desk, order["order_number"])["status"] == "shipped"
    assert all(p.verified for p in desk.status.queue())
    assert p1.protocols and all(p.state == "sent" for p in desk.status.queue())


def test_a_crash_between_sending_and_recording_does_not_send_twice(desk, mp, channel, monkeypatch):
    order = open_orders(desk)[0]
    desk.status.ship(ship_request(channel, order["order_number"], DHL[0]))
    real_finish = status_module.store.finish

    class Killed(BaseException):
        pass

    def crash_on_sent(*args, **kw):
        if kw.get("state") is status_module.ProtocolState.SENT:
            raise Killed()  # the process dies after the marketplace took it, before it is recorded
        return real_finish(*args, **kw)

    monkeypatch.setattr(status_module.store, "finish", crash_on_sent)
    with pytest.raises(Killed):
        desk.status.transmit()
    monkeypatch.setattr(status_module.store, "finish", real_finish)
    before = accepted(mp, order["marketplace_id"])
    assert before, "the marketplace received the status before the crash"
    [rec] = desk.status.queue()
    assert rec.state == "sending"
    assert desk.status.transmit().sent == 0  # the lease of the dead run still holds
    later = transmit_ok(desk, now=datetime.now(UTC) + timedelta(minutes=6))
    assert (later.sent, later.recovered) == (1, 1)
    assert accepted(mp, order["marketplace_id"]) == before  # nothing sent a second time
    [rec] = desk.status.queue()
    assert rec.state == "sent" and rec.verified


def test_a_marketplace_outage_delays_a_status_but_never_drops_it(desk, mp, channel):
    order = open_orders(desk)[0]
    desk.status.ship(ship_request(channel, order["order_number"], DHL[0]))
    mp.control("POST", "/faults", {"kind": "503", "count": 500})
    down = desk.status.transmit()
    assert (down.sent, down.deferred, down.failed) == (0, 1, 0)
    [rec] = desk.status.queue()
    assert rec.state == "pending" and rec.last_error and rec.next_try_at > datetime.now(UTC)
    assert desk.status.transmit().sent == 0  # not due yet: it backs off
    mp.control("DELETE", "/faults")
    up = transmit_ok(desk, now=datetime.now(UTC) + timedelta(hours=2))
    assert up.sent == 1
    assert len(accepted(mp, order["marketplace_id"], "tracking" if channel == "shopware" else "shipment")) >= 1
    events = [e.event for e in read_log(desk.engine)]
    assert "status_retry" in events and "status_sent" in events


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: tests/services/test_status_service.py
def test_the_rules_preview_matches_what_is_then_sent(desk, mp, channel):
    order = open_orders(desk)[0]
    preview = desk.status.preview(order["order_number"], ship=ship_request(channel, order["order_number"], DHL[0]),
                                  events=[StatusEvent.SHIPMENT_COMPLETED])
    [item] = preview
    assert item.calls and not item.problem, item.problem
    desk.status.ship(ship_request(channel, order["order_number"], DHL[0]))
    transmit_ok(desk)
    [rec] = desk.status.queue()
    assert json.loads(rec.sent_request) == [c.as_json() for c in item.calls]


def test_the_read_back_catches_a_status_the_marketplace_did_not_take(desk, mp, channel):
    order = open_orders(desk)[0]
    desk.status.ship(ship_request(channel, order["order_number"], DHL[0]))
    mp.control("POST", "/status-requests/swallow", {"count": 10})
    result = desk.status.transmit()
    assert (result.sent, result.mismatched, result.verified) == (1, 1, 0)
    [rec] = desk.status.queue()
    assert rec.state == "sent" and rec.verified is False and rec.verify_detail
    assert "status_mismatch" in [e.event for e in read_log(desk.engine)]
    mp.control("POST", "/status-requests/swallow", {"count": 0})
    assert desk.status.retry(rec.id)  # the clerk sends it again
    again = transmit_ok(desk)
    assert (again.sent, again.verified) == (1, 1)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: tests/services/test_status_service.py
def test_cancellations_land_per_line_where_the_channel_can(desk, mp, channel, account):
    order = open_orders(desk, min_pieces=2)[0]
    if not channel_can_cancel(Channel(channel)):
        with pytest.raises(ValueError, match="cannot be told of a cancellation"):
            desk.status.cancel(order["order_number"], None)
        return
    whole_only = channel == "shopware"
    first = order["lines"][0]
    lines = None if whole_only else [(first["line_id"], 1)]
    desk.status.cancel(order["order_number"], lines)
    transmit_ok(desk)
    records = accepted(mp, order["marketplace_id"], "cancel" if not whole_only else "transition")
    assert records
    fetch_ok(desk, account)
    after = {ln["line_id"]: ln["status"] for ln in order_of(desk, order["order_number"])["lines"]}
    if whole_only:
        assert set(after.values()) == {"cancelled"}
    else:
        cancelled = {lid for lid, st in after.items() if st == "cancelled"}
        assert first["line_id"] in cancelled and len(cancelled) < len(after)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: tests/services/test_status_service.py
def test_waiting_for_tracking_times_out_as_configured(desk, mp, channel):
    desk.status.set_setting(SETTING_TRACKING_WAIT, 60)
    order = open_orders(desk)[0]
    extra = {"carrier": "other_forwarder"} if channel == "otto" else {}  # OTTO forwarders may go without
    desk.status.ship(ShipRequest(order["order_number"], None, "", ship_date=SHIP_DATE, **extra))
    assert desk.status.transmit(now=datetime.now(UTC) + timedelta(minutes=59)).sent == 0
    assert desk.status.queue()[0].state == "waiting"
    result = desk.status.transmit(now=datetime.now(UTC) + timedelta(minutes=61))
    [rec] = desk.status.queue()
    assert result.tracking_timeouts == 1
    if channel in ("amazon", "kaufland"):  # their APIs need a tracking number: the clerk decides
        assert rec.state == "failed" and "No tracking number arrived within 1 h" in rec.last_error
        assert accepted(mp, order["marketplace_id"]) == []
    else:
        assert rec.state == "sent", rec.last_error
        assert accepted(mp, order["marketplace_id"])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: tests/services/test_status_service.py
def test_disabled_rules_send_nothing_and_automatic_switching_keeps_what_was_queued(desk, mp, channel):
    order = open_orders(desk)[0]
    [rule] = [r for r in desk.status.rules(Channel(channel)) if r.event is StatusEvent.SHIPMENT_COMPLETED]
    desk.status.save_rule(StatusRule(rule.channel, rule.event, rule.status_type, rule.value, enabled=False))
    assert desk.status.ship(ship_request(channel, order["order_number"], DHL[0])).protocols == []
    desk.status.save_rule(rule)
    second = open_orders(desk)[1]
    desk.status.set_auto(Channel(channel), False)
    out = desk.status.ship(ship_request(channel, second["order_number"], DHL[1]))
    assert out.protocols  # queued while automatic transmission is off ...
    desk.status.set_auto(Channel(channel), True, 5)
    assert transmit_ok(desk).sent == 1  # ... and sent once it runs
    assert accepted(mp, order["marketplace_id"]) == []
