"""Kaufland sandbox over real HTTP: state machine, seller actions, control API, faults,
rate limits, malformed orders and determinism."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from app.sandbox.server import SandboxServer
from tests.sandbox.kaufland.kaufland_access import SPEC, SignedClient, serve
from tests.spec_validation import validate


@pytest.fixture
def sandbox() -> Iterator[Callable[..., SignedClient]]:
    started: list[tuple[SandboxServer, SignedClient]] = []

    def make(**settings: Any) -> SignedClient:
        settings.setdefault("orders", 40)
        server = serve(**settings)
        client = SignedClient(server)
        started.append((server, client))
        return client

    yield make
    for server, client in started:
        client.close()
        server.stop()


def units_of(kl: SignedClient, oid: str) -> list[dict]:
    return kl.data(f"/v2/orders/{oid}")["order_units"]


def test_held_orders_are_released_after_the_delay_stamped_at_due_time(sandbox) -> None:
    kl = sandbox(orders=300, seed=2, release_delay=1800)
    held = {o["id"] for o in kl.ok("GET", "/orders")["orders"] if o["held"]}
    assert held
    before = {oid: units_of(kl, oid) for oid in held}
    assert all(u["status"] == "open" for units in before.values() for u in units)
    kl.ok("POST", "/clock/advance", {"seconds": 1800})
    outcomes = set()
    for oid in held:
        units = units_of(kl, oid)
        created = datetime.fromisoformat(units[0]["ts_created_iso"])
        for unit in units:
            outcomes.add(unit["status"])
            assert unit["status"] in ("need_to_be_sent", "cancelled")
            due = (datetime.fromisoformat(unit["ts_updated_iso"]) - created).total_seconds()
            assert due == 1800  # stamped with the moment it was due, not with "now"
            if unit["status"] == "cancelled":
                assert unit["cancel_reason"] == "NoReactionBuyer"
        details = kl.data(f"/v2/orders/{oid}")
        assert (details["shipping_address"] is None) is (units[0]["status"] == "cancelled")
    assert "need_to_be_sent" in outcomes
    truth = {o["id"]: o for o in kl.ok("GET", "/orders")["orders"]}
    assert not any(truth[oid]["held"] for oid in held)


def test_generate_every_adds_held_orders_over_time(sandbox) -> None:
    kl = sandbox(orders=0, generate_every=600)
    assert kl.state()["orders"] == 0
    kl.ok("POST", "/clock/advance", {"seconds": 3600})
    state = kl.state()
    assert state["orders"] == 6 and state["held"] >= 3  # the first ones are released after 30 minutes
    stamps = sorted(o["ts_created_iso"] for o in kl.all("/v2/orders"))
    gaps = {(datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() for a, b in zip(stamps, stamps[1:])}
    assert gaps == {600}


def test_seller_send_and_cancel_follow_the_state_machine(sandbox) -> None:
    kl = sandbox(orders=0)
    order = kl.ok("POST", "/orders", {"items": 3})["orders"][0]
    first, second, third = order["units"]
    send = b'{"tracking_numbers":"00340434161234567890","carrier_code":"DHL"}'
    assert kl.signed("PATCH", f"/v2/order-units/{first}/send", body=send).status_code == 204
    assert kl.data(f"/v2/order-units/{first}")["status"] == "sent"
    again = kl.signed("PATCH", f"/v2/order-units/{first}/send", body=send)
    assert again.status_code == 403 and again.json()["type"] == "/problems/forbidden"
    validate(SPEC, "ErrorResponse", again.json())
    bad_carrier = kl.signed("PATCH", f"/v2/order-units/{second}/send", body=b'{"tracking_numbers":"1","carrier_code":"Owl"}')
    assert bad_carrier.status_code == 400 and bad_carrier.json()["errors"][0]["field"] == "carrier_code"
    assert kl.signed("PATCH", f"/v2/order-units/{second}/cancel", body=b'{"reason":"Nope"}').status_code == 400
    assert kl.signed("PATCH", f"/v2/order-units/{second}/cancel", body=b'{"reason":"NoInventory"}').status_code == 204
    assert kl.signed("PATCH", f"/v2/order-units/{first}/cancel", body=b'{"reason":"NoInventory"}').status_code == 403
    assert kl.signed("PATCH", "/v2/order-units/1/cancel", body=b'{"reason":"NoInventory"}').status_code == 404
    statuses = {u["id_order_unit"]: u["status"] for u in units_of(kl, order["id"])}
    assert statuses == {int(first): "sent", int(second): "cancelled", int(third): "need_to_be_sent"}


def test_control_api(sandbox) -> None:
    kl = sandbox(orders=0)
    plain, held = kl.ok("POST", "/orders", {"count": 2, "items": 2})["orders"], kl.ok("POST", "/orders", {"held": True})
    held_id = held["orders"][0]["id"]
    truth = {o["id"]: o for o in kl.ok("GET", "/orders")["orders"]}
    assert set(truth) == {plain[0]["id"], plain[1]["id"], held_id}
    one = truth[plain[0]["id"]]
    units = units_of(kl, one["id"])
    assert one["gross_minor"] == sum(u["price"] + u["shipping_rate"] for u in units)
    assert one["lines"] == [{"id": str(u["id_order_unit"]), "quantity": 1, "cancelled": False} for u in units]
    assert truth[held_id]["held"] and not truth[held_id]["paid"] and one["paid"] and not one["held"]
    assert kl.control("POST", f"/orders/{one['id']}/release").status_code == 409
    assert kl.ok("POST", f"/orders/{held_id}/release")["released"] is True
    assert {u["status"] for u in units_of(kl, held_id)} == {"need_to_be_sent"}
    # single units or whole orders; with ids all-or-nothing
    line = one["lines"][0]["id"]
    assert kl.ok("POST", f"/orders/{one['id']}/cancel", {"lines": [line]})["cancelled"] == 1
    assert kl.control("POST", f"/orders/{one['id']}/cancel", {"lines": [line]}).status_code == 409
    assert kl.control("POST", f"/orders/{one['id']}/cancel", {"lines": ["123"]}).status_code == 404
    assert kl.control("POST", f"/orders/{one['id']}/cancel", {"lines": "all"}).status_code == 400
    assert kl.ok("POST", f"/orders/{one['id']}/cancel")["cancelled"] == 1  # the rest
    assert kl.control("POST", f"/orders/{one['id']}/cancel").status_code == 409
    assert kl.control("POST", "/orders/NOPE/release").status_code == 404
    assert all(ln["cancelled"] for ln in {o["id"]: o for o in kl.ok("GET", "/orders")["orders"]}[one["id"]]["lines"])
    # returns via control
    other = plain[1]["id"]
    for unit in units_of(kl, other):
        kl.signed("PATCH", f"/v2/order-units/{unit['id_order_unit']}/send",
                  body=b'{"tracking_numbers":"1","carrier_code":"DHL"}')  # fmt: skip
    assert kl.ok("POST", f"/orders/{other}/return", {})["returned"] == 2
    assert {u["status"] for u in units_of(kl, other)} == {"returned"}
    # other storefronts and Kaufland-fulfilled orders are not what a `de` desk stores
    kl.ok("POST", "/orders", {"storefront": "cz"})
    kl.ok("POST", "/orders", {"fulfillment_type": "fulfilled_by_kaufland"})
    assert len(kl.ok("GET", "/orders")["orders"]) == 3
    assert len(kl.ok("GET", "/orders?storefront=all")["orders"]) == 4
    cz = kl.ok("GET", "/orders?storefront=cz")["orders"]
    assert [o["currency"] for o in cz] == ["CZK"]
    for body in ({"count": 0}, {"held": "yes"}, {"storefront": "xx"}, {"items": 0}):
        assert kl.control("POST", "/orders", body).status_code == 400
    assert kl.control("GET", "/nothing").status_code == 404
    state = kl.state()
    assert {"now", "orders", "requests", "rate_limited", "faults"} <= set(state)


@pytest.mark.parametrize("kind,field", [("missing_field", "price"), ("wrong_type", "price"), ("unknown_enum", "status")])
def test_malformed_orders_are_listed_like_any_other(sandbox, kind: str, field: str) -> None:
    kl = sandbox(orders=5)
    bad = kl.ok("POST", "/orders/malformed", {"kind": kind})["id"]
    listed = [u for u in kl.all("/v2/order-units") if u["id_order"] == bad]
    details = units_of(kl, bad)
    assert listed and len(details) == 2
    first = next(u for u in listed if u["id_order_unit"] == details[0]["id_order_unit"])
    for unit in (first, details[0]):
        if kind == "missing_field":
            assert field not in unit
        elif kind == "wrong_type":
            assert unit["price"] == "49,99"
        else:
            assert unit["status"] == "teleported"
    assert bad not in {o["id"] for o in kl.ok("GET", "/orders")["orders"]}  # the truth lists readable ones
    assert kl.control("POST", "/orders/malformed", {"kind": "haunted"}).status_code == 400


def test_rate_limit_with_real_limits_time_scaled(sandbox) -> None:
    kl = sandbox(orders=1, real_limits=True, time_scale=0.02)  # 111/s refills at 2.22/s; the burst stays 111
    assert kl.state()["rate_limit"] == pytest.approx(2.22)
    started, passed = time.monotonic(), 0
    while (first := kl.get("/v2/status/ping")).status_code == 200 and passed < 300:
        passed += 1
    refilled = (time.monotonic() - started) * 2.22
    assert first.status_code == 429 and 111 <= passed <= 111 + refilled + 1
    validate(SPEC, "ErrorResponse", first.json())
    assert "Retry-After" not in first.headers  # not known to be sent (switch `retry_after`)
    assert kl.state()["rate_limited"] == 1
    time.sleep(0.5)  # one token back
    assert kl.get("/v2/status/ping").status_code == 200
    kl.ok("POST", "/config", {"retry_after": True})
    while (r := kl.get("/v2/status/ping")).status_code != 429:
        pass
    assert int(r.headers["Retry-After"]) >= 1
    kl.ok("POST", "/rate_limit", {"per_second": None})
    assert all(kl.get("/v2/status/ping").status_code == 200 for _ in range(20))
    assert kl.control("GET", "/state").status_code == 200  # the control API is never limited


def test_no_limits_without_real_limits(sandbox) -> None:
    kl = sandbox(orders=1)
    assert all(kl.get("/v2/status/ping").status_code == 200 for _ in range(150))
    assert kl.state()["rate_limited"] == 0 and kl.state()["rate_limit"] is None


def test_faults(sandbox) -> None:
    kl = sandbox(orders=3)
    kl.ok("POST", "/faults", {"kind": "429", "count": 1, "retry_after": 7})
    kl.ok("POST", "/faults", {"kind": "503"})
    kl.ok("POST", "/faults", {"kind": "500"})
    kl.ok("POST", "/faults", {"kind": "garbage"})
    assert len(kl.ok("GET", "/faults")["faults"]) == 4
    first = kl.get("/v2/status/ping")
    assert first.status_code == 429 and "Retry-After" not in first.headers
    validate(SPEC, "ErrorResponse", first.json())
    assert kl.get("/v2/status/ping").json()["type"] == "/problems/service-unavailable"
    assert kl.get("/v2/status/ping").json()["type"] == "/problems/server-error"
    garbage = kl.get("/v2/status/ping")
    assert garbage.status_code == 200 and garbage.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError):
        garbage.json()
    kl.ok("POST", "/config", {"retry_after": True})
    kl.ok("POST", "/faults", {"kind": "503", "retry_after": 3})
    assert kl.get("/v2/status/ping").headers["Retry-After"] == "3"
    kl.ok("POST", "/faults", {"kind": "cutoff"})
    with pytest.raises(httpx.RemoteProtocolError):
        kl.get("/v2/order-units")
    kl.ok("POST", "/faults", {"kind": "slow", "delay": 0.3})
    started = time.monotonic()
    assert kl.get("/v2/status/ping").status_code == 200 and time.monotonic() - started >= 0.3
    assert kl.ok("POST", "/faults", {"kind": "expire_tokens"})["expired"] == 0  # signed requests: no tokens
    kl.ok("POST", "/faults", {"kind": "500", "count": 5})
    assert kl.ok("DELETE", "/faults")["faults"] == []
    assert kl.control("POST", "/faults", {"kind": "meteor"}).status_code == 400
    assert kl.ok("GET", "/state")["requests"] >= 7


def test_offsets_shift_while_units_change_but_nothing_is_skipped(sandbox) -> None:
    """Newest-first paging: a change moves a unit to the front, rows behind shift back."""
    kl = sandbox(orders=120, seed=9)
    before = kl.all("/v2/order-units", sort="ts_updated:desc")
    page = kl.get("/v2/order-units", sort="ts_updated:desc", limit=50, offset=0).json()["data"]
    seen = [u["id_order_unit"] for u in page]
    victim = next(u for u in before[120:] if u["status"] == "need_to_be_sent")  # not read yet
    kl.ok("POST", "/clock/advance", {"seconds": 60})
    kl.ok("POST", f"/orders/{victim['id_order']}/cancel", {"lines": [str(victim["id_order_unit"])]})
    kl.ok("POST", "/orders", {"items": 3})  # and three new units in front
    offset = 50
    while True:
        rows = kl.get("/v2/order-units", sort="ts_updated:desc", limit=50, offset=offset).json()["data"]
        seen += [u["id_order_unit"] for u in rows]
        offset += len(rows)
        if len(rows) < 50:
            break
    untouched = {u["id_order_unit"] for u in before} - {victim["id_order_unit"]}
    assert untouched <= set(seen)  # shifted back: maybe seen twice, never skipped


def test_same_seed_same_orders_and_other_seed_others(sandbox) -> None:
    def snapshot(kl: SignedClient) -> list[tuple]:
        base = min(datetime.fromisoformat(u["ts_created_iso"]) for u in kl.all("/v2/order-units"))
        return [(u["id_order_unit"], u["id_order"], u["status"], u["price"], u["shipping_rate"], u["id_offer"],
                 (datetime.fromisoformat(u["ts_updated_iso"]) - base).total_seconds() // 5,
                 u["shipping_address"] and u["shipping_address"]["last_name"])
                for u in kl.all("/v2/order-units", fulfillment_type="fulfilled_by_merchant,fulfilled_by_kaufland")]

    first, second, other = sandbox(orders=80, seed=4), sandbox(orders=80, seed=4), sandbox(orders=80, seed=5)
    assert snapshot(first) == snapshot(second)
    assert first.credentials == second.credentials and first.credentials != other.credentials
    assert {u[1] for u in snapshot(first)}.isdisjoint({u[1] for u in snapshot(other)})
    assert all(len(first.credentials[key]) >= 8 for key in ("client_key", "secret_key"))
    assert first.credentials["storefront"] == "de"
