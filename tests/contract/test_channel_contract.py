"""One contract every channel keeps, run against each marketplace's sandbox over HTTP.

The sandboxes share a neutral control API (docs/SANDBOX.md, "Control API shared by every
sandbox"): `GET /_sandbox/orders` says what the desk must end up storing, `POST` adds,
releases, cancels or breaks orders and scripts faults. So these tests know nothing of any
wire format: they compare the database with the marketplace's own truth.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.channels.registry import CHANNELS
from app.domain.money import to_minor
from app.domain.orders import Channel
from app.domain.receipts import MARKETPLACE_PAYMENT_SYSTEMS, SHOP_PAYMENT_SYSTEM
from app.store import schema, sync_state
from app.store.protocol_log import read as read_log
from app.store.queries import iter_orders, iter_payments

CHANNEL_NAMES = [c.value for c in CHANNELS]
# Marketplaces where a single line (piece) can be cancelled; elsewhere a cancel is the whole order.
LINE_CANCEL = {"otto", "kaufland"}

pytestmark = pytest.mark.parametrize("channel", CHANNEL_NAMES)


@pytest.fixture
def market(channel):
    from app.sandbox.server import SandboxServer

    # Only the marketplace under test is seeded; the others start empty, which keeps each test cheap.
    server = SandboxServer(port=0, seed=11, orders=60, rate_limit=None, release_delay=1800.0,
                           seeded=[channel]).start()
    yield server
    server.stop()


class Marketplace:
    """One channel's sandbox seen through the shared control API."""

    def __init__(self, server, channel: str) -> None:
        self.channel = channel
        info = server.describe()[channel]
        self.base_url = info["base_url"]
        self.credentials = info["credentials"]

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        response = httpx.request(method, f"{self.base_url}/_sandbox{path}", json=body, timeout=30)
        assert response.status_code < 300, f"{self.channel} control {method} {path}: {response.text}"
        return response.json() if response.content else {}

    def truth(self) -> dict[str, dict]:
        return {o["id"]: o for o in self.control("GET", "/orders")["orders"]}

    def add(self, **body) -> dict:
        return self.control("POST", "/orders", {"count": 1, **body})["orders"][0]


@pytest.fixture
def mp(market, channel) -> Marketplace:
    return Marketplace(market, channel)


@pytest.fixture
def account(app_ctx, mp):
    record = app_ctx.accounts.add(mp.channel, f"{mp.channel} contract", mp.base_url)
    app_ctx.secrets().save(record.secret_ref, dict(mp.credentials))
    return record


def fetch_ok(ctx, account):
    [result] = ctx.fetch.fetch(account=account.name)
    assert result.ok, result.error
    return result


def local_orders(ctx) -> dict[str, dict]:
    return {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}


def receipts(ctx) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in iter_payments(ctx.engine):
        out.setdefault(p["order_number"], []).append(p)
    return out


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def assert_matches(ctx, mp: Marketplace) -> None:
    """The database holds exactly the marketplace's orders, each as the marketplace says."""
    truth, local, paid = mp.truth(), local_orders(ctx), receipts(ctx)
    assert set(local) == set(truth), f"{mp.channel}: missing {set(truth) - set(local)}, extra {set(local) - set(truth)}"
    for oid, want in truth.items():
        have = local[oid]
        assert have["order_number"] == want["number"], oid
        assert have["backlog"] is want["held"], (oid, have["hold_reason"])
        assert have["currency"] == want["currency"]
        lines = {ln["line_id"]: ln for ln in have["lines"]}
        assert set(lines) == {ln["id"] for ln in want["lines"]}, oid
        for ln in want["lines"]:
            assert lines[ln["id"]]["quantity"] == ln["quantity"], (oid, ln)
            assert (lines[ln["id"]]["status"] == "cancelled") is ln["cancelled"], (oid, ln)
        mine = paid.get(have["order_number"], [])
        payments = [p for p in mine if p["kind"] == "payment"]
        refunds = sum(to_minor(p["amount"], p["currency"]) for p in mine if p["kind"] == "refund")
        system = MARKETPLACE_PAYMENT_SYSTEMS.get(Channel(mp.channel), SHOP_PAYMENT_SYSTEM)
        assert all(p["payment_system"].startswith(system) for p in mine), mine
        if all(ln["cancelled"] for ln in want["lines"]):
            # Fully cancelled: either the desk never saw money move (cancelled before it was
            # paid or before the first fetch), or it saw the payment and every cent came back.
            assert not mine or (len(payments) == 1 and refunds == to_minor(payments[0]["amount"], payments[0]["currency"])), (oid, mine)
            continue
        assert len(payments) == (1 if want["paid"] else 0), (oid, want, mine)
        if payments:
            assert to_minor(payments[0]["amount"], payments[0]["currency"]) == want["gross_minor"], (oid, payments[0], want)
            cancelled = {ln["id"] for ln in want["lines"] if ln["cancelled"]}
            # line refunds name their line; a charge refund (a line's own shipping) names none
            assert {p["line_id"] for p in mine if p["kind"] == "refund" and p["line_id"]} == cancelled, (oid, mine)
        else:
            assert not mine, oid


def test_first_fetch_stores_what_the_marketplace_holds(app_ctx, mp, account):
    result = fetch_ok(app_ctx, account)
    truth = mp.truth()
    assert len(truth) >= 40 and result.counts.new == len(truth)
    assert any(o["held"] for o in truth.values()) and any(o["paid"] for o in truth.values())
    assert_matches(app_ctx, mp)
    before = (count(app_ctx, schema.Order), count(app_ctx, schema.OrderLine), count(app_ctx, schema.PaymentReceipt))
    again = fetch_ok(app_ctx, account)
    assert again.counts.new == 0 and again.counts.updated == 0
    assert (count(app_ctx, schema.Order), count(app_ctx, schema.OrderLine),
            count(app_ctx, schema.PaymentReceipt)) == before


def test_new_orders_backlog_and_release(app_ctx, mp, account):
    fetch_ok(app_ctx, account)
    plain, held = mp.add(), mp.add(held=True)
    result = fetch_ok(app_ctx, account)
    assert result.counts.new == 2
    local = local_orders(app_ctx)
    assert not local[plain["id"]]["backlog"] and local[held["id"]]["backlog"]
    assert local[held["id"]]["hold_reason"]
    assert_matches(app_ctx, mp)
    mp.control("POST", f"/orders/{held['id']}/release")
    released = fetch_ok(app_ctx, account)
    assert released.counts.released == 1
    assert not local_orders(app_ctx)[held["id"]]["backlog"]
    assert_matches(app_ctx, mp)
    fetch_ok(app_ctx, account)
    assert len([p for p in receipts(app_ctx)[held["number"]] if p["kind"] == "payment"]) == 1


def test_held_orders_are_released_by_time(app_ctx, mp, account):
    held = mp.add(held=True)
    fetch_ok(app_ctx, account)
    assert local_orders(app_ctx)[held["id"]]["backlog"]
    mp.control("POST", "/clock/advance", {"seconds": 12 * 3600})
    fetch_ok(app_ctx, account)
    assert mp.truth()[held["id"]]["held"] is False
    assert_matches(app_ctx, mp)


def test_cancellations_refund_exactly_once(app_ctx, mp, account):
    whole, held = mp.add(items=2), mp.add(held=True)
    fetch_ok(app_ctx, account)
    mp.control("POST", f"/orders/{whole['id']}/cancel")
    mp.control("POST", f"/orders/{held['id']}/cancel")
    for _ in range(2):  # twice: each refund exists once
        fetch_ok(app_ctx, account)
    local = local_orders(app_ctx)
    assert local[whole["id"]]["status"] == "cancelled" and local[held["id"]]["status"] == "cancelled"
    assert not local[held["id"]]["backlog"]  # cancelled while held: leaves the backlog, no money moved
    assert_matches(app_ctx, mp)
    assert any(p["kind"] == "refund" for p in receipts(app_ctx)[whole["number"]])
    assert held["number"] not in receipts(app_ctx)


def test_single_line_cancellation(app_ctx, mp, account):
    order = mp.add(items=3)
    if mp.channel not in LINE_CANCEL:
        # These marketplaces cancel whole orders only; their sandbox refuses a line cancel.
        line = mp.truth()[order["id"]]["lines"][0]["id"]
        refused = httpx.post(f"{mp.base_url}/_sandbox/orders/{order['id']}/cancel", json={"lines": [line]}, timeout=30)
        assert refused.status_code == 400, refused.text
        fetch_ok(app_ctx, account)
        assert local_orders(app_ctx)[order["id"]]["status"] == "open"
        assert_matches(app_ctx, mp)
        return

    fetch_ok(app_ctx, account)
    first = mp.truth()[order["id"]]["lines"][0]["id"]
    mp.control("POST", f"/orders/{order['id']}/cancel", {"lines": [first]})
    fetch_ok(app_ctx, account)
    fetch_ok(app_ctx, account)
    refunds = [p for p in receipts(app_ctx)[order["number"]] if p["kind"] == "refund"]
    assert [r["line_id"] for r in refunds if r["line_id"]] == [first]  # plus the refund of its own charges, if any
    assert local_orders(app_ctx)[order["id"]]["status"] == "open"
    assert_matches(app_ctx, mp)


@pytest.mark.parametrize("kind", ["429", "500", "503", "garbage", "cutoff"])
def test_faults_are_retried(app_ctx, mp, account, kind):
    mp.control("POST", "/faults", {"kind": kind, "count": 2, "retry_after": 1})
    fetch_ok(app_ctx, account)
    assert_matches(app_ctx, mp)


def test_token_expiry_and_token_endpoint_outage(app_ctx, mp, account):
    fetch_ok(app_ctx, account)
    mp.add()
    mp.control("POST", "/faults", {"kind": "expire_tokens"})
    mp.control("POST", "/faults", {"kind": "503", "count": 1, "include_token": True})
    fetch_ok(app_ctx, account)
    assert_matches(app_ctx, mp)


def test_persistent_outage_keeps_what_was_stored(app_ctx, mp, account):
    fetch_ok(app_ctx, account)
    before = (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt))
    mark = sync_state.watermark(app_ctx.engine, account.id)
    mp.add()
    mp.control("POST", "/faults", {"kind": "500", "count": 200})
    [result] = app_ctx.fetch.fetch(account=account.name)
    assert not result.ok and "HTTP 500" in result.error
    assert (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt)) == before
    assert sync_state.watermark(app_ctx.engine, account.id) == mark
    mp.control("DELETE", "/faults")
    fetch_ok(app_ctx, account)
    assert_matches(app_ctx, mp)


@pytest.mark.parametrize("kind", ["missing_field", "wrong_type", "unknown_enum"])
def test_malformed_order_is_quarantined_and_the_rest_stored(app_ctx, mp, account, kind):
    bad = mp.control("POST", "/orders/malformed", {"kind": kind})["id"]
    result = fetch_ok(app_ctx, account)
    assert result.quarantined == 1
    assert bad not in local_orders(app_ctx)
    assert_matches(app_ctx, mp)  # the truth lists readable orders only
    warnings = [e for e in read_log(app_ctx.engine) if e.event == "quarantined"]
    assert [e.order_number for e in warnings] == [bad]
    fetch_ok(app_ctx, account)
    assert count(app_ctx, schema.QuarantinedOrder) == 1


def test_wrong_credentials_fail_plainly_and_store_nothing(app_ctx, mp, account):
    info = CHANNELS[Channel(mp.channel)]
    wrong = {name: ("wrong-" + value if name in info.secret_fields else value) for name, value in mp.credentials.items()}
    app_ctx.secrets().save(account.secret_ref, wrong)
    [result] = app_ctx.fetch.fetch(account=account.name)
    assert not result.ok
    assert any(word in result.error for word in ("refused", "rejected", "credentials", "signature")), result.error
    assert count(app_ctx, schema.Order) == 0
    assert "wrong-" not in " ".join(e.message for e in read_log(app_ctx.engine))


def test_secrets_never_reach_the_database_or_the_log(app_ctx, mp, account, database_url):
    info = CHANNELS[Channel(mp.channel)]
    secrets = [mp.credentials[name] for name in info.secret_fields]
    assert secrets and all(len(s) >= 8 for s in secrets)
    fetch_ok(app_ctx, account)
    mp.control("POST", "/faults", {"kind": "expire_tokens"})
    mp.control("POST", "/faults", {"kind": "500", "count": 200})
    app_ctx.fetch.fetch(account=account.name)  # fails: error texts must not carry secrets either
    with app_ctx.engine.connect() as conn:
        for table in schema.Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                text = repr(tuple(row))
                assert not any(s in text for s in secrets), table.name
    logs = b"".join(p.read_bytes() for p in Path(app_ctx.paths.logs).rglob("*") if p.is_file())
    assert not any(s.encode() in logs for s in secrets)
    if database_url.startswith("sqlite"):
        db_path = database_url.removeprefix("sqlite:///")
        app_ctx.engine.dispose()
        raw = b"".join(Path(p).read_bytes() for p in (db_path, db_path + "-wal") if os.path.exists(p))
        assert raw and not any(s.encode() in raw for s in secrets)
