"""With Amazon's real usage plans (time-scaled) a fetch earns no 429 and still runs close to
the most the plans allow: getOrderItems (0.5/s, burst 30) bounds it, one call per order."""

from __future__ import annotations

import time

import pytest

from app.channels.base import AdapterOptions
from app.channels.http import RetryPolicy
from app.services.fetch import FetchService
from tests.sandbox.amazon.amazon_access import AmazonApi, start_sandbox

SCALE = 100  # getOrders 1.67/s burst 20, getOrderItems 50/s burst 30
ORDERS = 300
ITEMS_RATE, ITEMS_BURST = 0.5, 30


@pytest.fixture
def limited():
    server = start_sandbox(seed=31, orders=ORDERS, real_limits=True, time_scale=SCALE)
    api = AmazonApi(server)
    yield api
    api.close()
    server.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the pace, not the database, is tested
def test_real_limits_no_429_and_close_to_the_quota(app_ctx, limited):
    account = app_ctx.accounts.add("amazon", "Amazon paced", limited.base_url)
    app_ctx.secrets().save(account.secret_ref, dict(limited.credentials))
    options = AdapterOptions(policy=RetryPolicy(base_delay=0.05), time_scale=SCALE)  # documented pacing
    service = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets, lambda: options)

    started = time.monotonic()
    [result] = service.fetch()
    elapsed = time.monotonic() - started
    assert result.ok, result.error
    state = limited.state()
    assert state["rate_limited"] == 0, state["rate_limited_by_operation"]
    calls = state["calls_by_operation"]["getOrderItems"]
    assert result.counts.new == ORDERS == calls
    fastest = (calls - ITEMS_BURST) / (ITEMS_RATE * SCALE)  # the burst at once, then the refill rate
    share = fastest / elapsed
    print(f"\namazon real limits x{SCALE}: {calls} getOrderItems calls in {elapsed:.2f} s, the plan allows "
          f"{fastest:.2f} s -> {share:.1%} of the maximum rate, "
          f"{ORDERS / (elapsed * SCALE) * 60:.1f} orders/min at real speed (max {ORDERS / (fastest * SCALE) * 60:.1f})")
    assert share >= 0.8  # measured ~0.93; looser here so a busy machine does not fail it

    # A fetch right after finds Amazon's buckets spent; the quota ledger knows and waits.
    limited.control("POST", "/orders", {"count": 40})
    [again] = service.fetch()
    assert again.ok and again.counts.new == 40
    assert limited.state()["rate_limited"] == 0
