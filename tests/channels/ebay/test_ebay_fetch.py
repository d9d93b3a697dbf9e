"""FetchService with the eBay adapter against the eBay sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.channels.base import AdapterOptions
from app.channels.ebay import adapter as ebay_adapter
from app.channels.ebay.adapter import EbayAdapter
from app.channels.ebay.client import EbayClient
from app.channels.errors import AuthError
from app.channels.http import RetryPolicy
from app.domain.money import to_minor
from app.sandbox.server import SandboxServer
from app.services.fetch import FetchService
from app.store import schema, sync_state
from app.store.queries import iter_orders, iter_payments
from tests.conftest import fast_options

FAST = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=5.0, read_timeout=10.0)
# Where the database plays no part in what is tested, SQLite alone keeps the suite quick;
# storing, resuming and data moving under us run on both databases.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def local(ctx) -> dict[str, dict]:
    return {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}


def fetch(ctx, account, **kwargs):
    [result] = ctx.fetch.fetch(account=account.name, **kwargs)
    return result


def assert_stored_as_the_marketplace_says(ctx, market) -> None:
    truth, mine = market.truth(), local(ctx)
    assert set(mine) == set(truth)
    payments = {p["order_number"]: p for p in iter_payments(ctx.engine) if p["kind"] == "payment"}
    for oid, want in truth.items():
        have = mine[oid]
        assert have["backlog"] is want["held"], oid
        assert [(ln["line_id"], ln["quantity"], ln["status"] == "cancelled") for ln in have["lines"]] == \
            [(ln["id"], ln["quantity"], ln["cancelled"]) for ln in want["lines"]], oid
        if want["paid"] and not all(ln["cancelled"] for ln in want["lines"]):
            assert to_minor(payments[oid]["amount"], "EUR") == want["gross_minor"], oid
    assert count(ctx, schema.OrderLine) == sum(len(o["lines"]) for o in truth.values())


def test_full_fetch_stores_everything_and_a_repeat_costs_one_call(app_ctx, market, ebay_account):
    market.control("POST", "/config", {"max_limit": 200})  # the stricter reading of getOrders' limit
    result = fetch(app_ctx, ebay_account)
    assert result.ok, result.error
    assert result.counts.new == 150 and result.pages == 1 and result.requests == 2  # token + one page of 200
    assert_stored_as_the_marketplace_says(app_ctx, market)
    stored = local(app_ctx)
    shipped = [o for o in stored.values() if o["status"] == "shipped"]
    assert shipped and all(o["shipping_address"]["house_number"] for o in shipped)
    assert {o["hold_reason"] for o in stored.values() if o["backlog"]} == {"awaiting_payment"}
    assert all(p["payment_system"] == "eBay" for p in iter_payments(app_ctx.engine))
    again = fetch(app_ctx, ebay_account)
    assert again.ok and again.counts.new == 0 and again.counts.updated == 0 and again.requests == 2


def test_interrupted_fetch_resumes_without_loss_or_duplicates(app_ctx, market, ebay_account, monkeypatch):
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 10)
    cancel = threading.Event()
    first = fetch(app_ctx, ebay_account, cancel=cancel, progress=lambda account, result: cancel.set())
    assert first.cancelled and first.pages == 1
    assert count(app_ctx, schema.Order) == 10
    with app_ctx.engine.connect() as conn:
        newest = conn.scalar(select(func.max(schema.Order.modified_at)))
    assert sync_state.watermark(app_ctx.engine, ebay_account.id) == newest  # exactly what was committed
    second = fetch(app_ctx, ebay_account)
    assert second.ok, second.error
    assert_stored_as_the_marketplace_says(app_ctx, market)
    keys = [p["receipt_key"] for p in iter_payments(app_ctx.engine)]
    assert len(keys) == len(set(keys))


@sqlite_only
def test_token_expiry_mid_pagination_is_renewed(app_ctx, market, ebay_account, monkeypatch):
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 20)

    def expire_after_second_page(account, result) -> None:
        if result.pages == 2:
            market.control("POST", "/faults", {"kind": "expire_tokens"})

    result = fetch(app_ctx, ebay_account, progress=expire_after_second_page)
    assert result.ok, result.error
    assert market.state()["tokens_issued"] == 2
    assert_stored_as_the_marketplace_says(app_ctx, market)


def test_orders_changing_mid_pagination_are_neither_skipped_nor_lost(app_ctx, market, ebay_account, monkeypatch):
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 10)
    changed: list[str] = []

    def cancel_stored_orders(account, result) -> None:
        if result.pages == 2:  # orders already read change: they leave the window, the rest moves up
            for oid, order in local(app_ctx).items():
                if order["status"] == "open" and len(changed) < 6:
                    market.control("POST", f"/orders/{oid}/cancel")
                    changed.append(oid)

    first = fetch(app_ctx, ebay_account, progress=cancel_stored_orders)
    assert first.ok and len(changed) == 6
    assert set(local(app_ctx)) == set(market.truth())  # nobody slid past the offsets unseen
    second = fetch(app_ctx, ebay_account)
    assert second.ok and second.counts.cancelled == 6
    assert_stored_as_the_marketplace_says(app_ctx, market)


@sqlite_only
def test_a_clock_jump_mid_pagination_expires_tokens_and_releases_orders(app_ctx, market, ebay_account, monkeypatch):
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 25)
    jumped = threading.Event()

    def jump(account, result) -> None:
        if not jumped.is_set():
            jumped.set()
            market.control("POST", "/clock/advance", {"seconds": 3 * 3600})  # tokens last 2 h; payments clear

    assert fetch(app_ctx, ebay_account, progress=jump).ok
    assert market.state()["tokens_issued"] >= 2
    assert fetch(app_ctx, ebay_account).ok
    assert_stored_as_the_marketplace_says(app_ctx, market)
    assert not any(o["backlog"] for o in local(app_ctx).values())


@sqlite_only
def test_newest_first_results_are_complete_and_hold_the_watermark(app_ctx, market, ebay_account, monkeypatch):
    market.control("POST", "/config", {"sort_descending": True})
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 10)
    cancel = threading.Event()
    first = fetch(app_ctx, ebay_account, cancel=cancel, progress=lambda account, result: cancel.set())
    assert first.cancelled and sync_state.watermark(app_ctx.engine, ebay_account.id) is None
    assert fetch(app_ctx, ebay_account).ok
    assert_stored_as_the_marketplace_says(app_ctx, market)
    assert sync_state.watermark(app_ctx.engine, ebay_account.id) is not None


@sqlite_only
def test_start_dates_beyond_90_days_are_clamped(app_ctx, market, ebay_account):
    adapter = EbayAdapter(market.base_url, market.credentials, fast_options())
    sent: list[str] = []
    order_page = adapter.client.order_page
    adapter.client.order_page = lambda f, o, limit: sent.append(f) or order_page(f, o, limit)  # type: ignore[method-assign]
    try:
        for since in (None, datetime.now(UTC) - timedelta(days=400)):
            pages = list(adapter.fetch_changes(since))
            assert sum(len(p.orders) for p in pages) == 150
    finally:
        adapter.close()
    starts = [datetime.fromisoformat(f.split("[")[1].split("..")[0]) for f in sent]
    assert all(timedelta(days=88) < datetime.now(UTC) - s < timedelta(days=90) for s in starts)
    # ...and a watermark that old, kept by the desk, is clamped the same way
    with app_ctx.engine.begin() as conn:
        sync_state.advance_watermark(conn, ebay_account.id, datetime.now(UTC) - timedelta(days=200))
    assert fetch(app_ctx, ebay_account).ok


@sqlite_only
@pytest.mark.parametrize("field,needle", [("client_secret", "client id or client secret"),
                                          ("refresh_token", "refresh token (invalid_grant)")])
def test_rejected_credentials_say_which_and_keep_the_secret(app_ctx, market, ebay_account, field, needle):
    app_ctx.secrets().set(ebay_account.secret_ref, field, "wrong-value-123456")
    result = fetch(app_ctx, ebay_account)
    assert not result.ok and needle in result.error and "rejected" in result.error
    assert "wrong-value-123456" not in result.error and count(app_ctx, schema.Order) == 0
    adapter = EbayAdapter(market.base_url, {**market.credentials, field: "wrong-value-123456"}, fast_options())
    with pytest.raises(AuthError, match="rejected"):
        adapter.check_connection()
    adapter.close()


@sqlite_only
def test_errors_name_ebay_and_its_message(app_ctx, market, ebay_account):
    market.control("POST", "/faults", {"kind": "500", "count": 50})
    result = fetch(app_ctx, ebay_account)
    assert not result.ok
    assert result.error.startswith("eBay had an internal error (HTTP 500): System error (error 30500)")


@sqlite_only
def test_quota_counts_down_the_calls_still_to_make(app_ctx, market, ebay_account, monkeypatch):
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 30)
    seen: list[list] = []
    result = fetch(app_ctx, ebay_account, progress=lambda account, result: seen.append(list(result.quota)))
    assert result.ok
    pending = [q[0].pending_calls for q in seen]
    assert pending[0] == 4 and pending[-1] == 0 and pending == sorted(pending, reverse=True)
    assert [q.name for q in seen[0]] == ["sell.fulfillment", "identity token"]


def test_real_limits_are_used_to_the_full_without_a_single_429(monkeypatch):
    """Daily quotas, scaled so a day passes in half a second: 10 calls a day = a bucket of 10, 20 calls/s.

    The adapter alone (no database): what is measured is the pacing, not how fast a loaded
    test machine commits pages."""
    calls_per_day, scale = 10, 172_800.0  # 10 / 86,400 s * 172,800 = 20 calls per second
    rate = calls_per_day / 86_400 * scale
    monkeypatch.setattr(ebay_adapter, "FULFILLMENT_CALLS_PER_DAY", calls_per_day)
    monkeypatch.setattr(ebay_adapter, "TOKEN_CALLS_PER_DAY", 4)
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 3)
    answered: list[float] = []  # when each getOrders call came back
    order_page = EbayClient.order_page
    monkeypatch.setattr(EbayClient, "order_page",
                        lambda self, *a: (order_page(self, *a), answered.append(time.monotonic()))[0])
    server = SandboxServer(port=0, seed=8, orders=150, rate_limit=None, real_limits=True, time_scale=scale,
                           seeded=["ebay"]).start()
    try:
        info = server.describe()["ebay"]
        server.ebay.configure({"api_calls_per_day": calls_per_day, "token_calls_per_day": 4})
        adapter = EbayAdapter(str(info["base_url"]), dict(info["credentials"]),  # type: ignore[arg-type]
                              AdapterOptions(policy=FAST, time_scale=scale))
        try:
            orders = {o.marketplace_id for page in adapter.fetch_changes(None) for o in page.orders}
        finally:
            adapter.close()
        assert len(orders) == 150
        # From the first call to the last, the quota allowed its full bucket plus what refilled meanwhile.
        span = answered[-1] - answered[0]
        allowed = calls_per_day + rate * span
        print(f"\neBay real limits: {len(answered)} getOrders calls in {span:.2f} s ({len(answered) / span:.1f}/s, "
              f"refill {rate:.0f}/s + bucket {calls_per_day}); the quota allowed {allowed:.1f}: "
              f"{len(answered) / allowed:.0%} used; 429s: {server.ebay.rate_limited}")
        assert server.ebay.rate_limited == 0
        assert span > 1.5 and len(answered) / allowed >= 0.8
    finally:
        server.stop()


@sqlite_only
def test_a_fetch_with_real_limits_stores_everything_without_a_429(app_ctx, monkeypatch):
    """The same quotas through the fetch service: paced, complete, never refused."""
    scale = 172_800.0
    monkeypatch.setattr(ebay_adapter, "FULFILLMENT_CALLS_PER_DAY", 10)
    monkeypatch.setattr("app.channels.ebay.client.PAGE_LIMIT", 10)
    server = SandboxServer(port=0, seed=9, orders=150, rate_limit=None, real_limits=True, time_scale=scale,
                           seeded=["ebay"]).start()
    try:
        info = server.describe()["ebay"]
        server.ebay.configure({"api_calls_per_day": 10})
        account = app_ctx.accounts.add("ebay", "eBay quota", info["base_url"])
        app_ctx.secrets().save(account.secret_ref, dict(info["credentials"]))
        service = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets,
                               lambda: AdapterOptions(policy=FAST, time_scale=scale))
        [result] = service.fetch(account=account.name)
        assert result.ok, result.error
        assert count(app_ctx, schema.Order) == 150 and result.pages == 15
        assert server.ebay.rate_limited == 0
    finally:
        server.stop()
