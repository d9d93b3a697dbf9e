"""The Kaufland channel end to end: FetchService + adapter against the sandbox over HTTP, on
SQLite and PostgreSQL. Storefront filter, whole orders across pages, changes during
paging, an interrupted fetch, a partial change, and pacing under the real rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select

from app.channels.base import AdapterOptions
from app.channels.http import RetryPolicy
from app.channels.kaufland import changes
from app.channels.kaufland import client as kaufland_client
from app.channels.kaufland.adapter import KAUFLAND_RATE, KauflandAdapter
from app.services.fetch import FetchService
from app.store import schema, sync_state
from app.store.queries import iter_orders, iter_payments
from tests.conftest import fast_options
from tests.sandbox.kaufland.kaufland_access import SignedClient, serve

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def market() -> Iterator[Callable[..., SignedClient]]:
    started = []

    def make(**settings: object) -> SignedClient:
        settings.setdefault("orders", 120)
        settings.setdefault("seed", 21)
        server = serve(**settings)
        client = SignedClient(server)
        started.append((server, client))
        return client

    yield make
    for server, client in started:
        client.close()
        server.stop()


@pytest.fixture
def kl(market: Callable[..., SignedClient]) -> SignedClient:
    return market()


def add_account(ctx, kl: SignedClient):
    account = ctx.accounts.add("kaufland", "Kaufland DE", kl.base_url)
    ctx.secrets().save(account.secret_ref, dict(kl.credentials))
    return account


def fetch_ok(service, account):
    [result] = service.fetch(account=account.name)
    assert result.ok, result.error
    return result


def stored(ctx) -> dict[str, dict]:
    orders = {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}
    with ctx.engine.connect() as conn:
        for oid, gross in conn.execute(select(schema.Order.marketplace_id, schema.Order.gross_minor)):
            orders[oid]["gross_minor"] = gross
    return orders


def assert_stored_as_truth(ctx, kl: SignedClient) -> None:
    truth = {o["id"]: o for o in kl.ok("GET", "/orders")["orders"]}
    local = stored(ctx)
    assert set(local) == set(truth), (set(truth) - set(local), set(local) - set(truth))
    for oid, want in truth.items():
        have = local[oid]
        assert have["gross_minor"] == want["gross_minor"] and have["backlog"] is want["held"], oid
        assert [(ln["line_id"], ln["quantity"], ln["status"] == "cancelled") for ln in have["lines"]] == [
            (ln["id"], 1, ln["cancelled"]) for ln in want["lines"]], oid
    payments = [p for p in iter_payments(ctx.engine) if p["kind"] == "payment"]
    assert len(payments) == len({p["order_number"] for p in payments})  # one payment per order at most
    assert {p["payment_system"] for p in payments} <= {"Kaufland"}


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def test_first_fetch_stores_the_storefronts_orders_whole(app_ctx, kl: SignedClient) -> None:
    account = add_account(app_ctx, kl)
    result = fetch_ok(app_ctx.fetch, account)
    assert_stored_as_truth(app_ctx, kl)
    everything = {o["id"]: o for o in kl.ok("GET", "/orders?storefront=all")["orders"]}
    elsewhere = {oid for oid, o in everything.items() if o["currency"] != "EUR"} | {
        o["id_order"] for o in kl.all("/v2/orders", storefront="at")}
    assert elsewhere and not elsewhere & set(stored(app_ctx))  # other storefronts are other accounts
    assert result.counts.new == len(kl.ok("GET", "/orders")["orders"]) and result.quarantined == 0
    held = [o for o in stored(app_ctx).values() if o["backlog"]]
    assert held and {o["hold_reason"] for o in held} == {"not_released"}
    some = next(o for o in stored(app_ctx).values() if o["shipping_address"])
    assert len(some["shipping_address"]["country_code"]) == 2 and some["shipping_address"]["house_number"]
    # a repeat fetch reads only the overlap window and changes nothing
    again = fetch_ok(app_ctx.fetch, account)
    assert again.counts.new == 0 and again.counts.updated == 0 and again.requests <= 4
    assert sync_state.watermark(app_ctx.engine, account.id) is not None


@SQLITE_ONLY  # adapter behaviour; the contract suite covers PostgreSQL
def test_unconfirmed_wire_variants_map_the_same(app_ctx, market) -> None:
    """Alpha-3 countries and addresses on unpaid orders (switches for what the docs leave open)."""
    kl = market(orders=60)
    kl.ok("POST", "/config", {"country_alpha3": True, "addresses_while_open": True})
    assert kl.data("/v2/order-units", limit=1, status="open")[0]["shipping_address"]["country"] == "DEU"
    fetch_ok(app_ctx.fetch, add_account(app_ctx, kl))
    assert_stored_as_truth(app_ctx, kl)
    local = stored(app_ctx).values()
    assert {o["shipping_address"]["country_code"] for o in local if o["shipping_address"]} == {"DE"}
    assert any(o["backlog"] and o["shipping_address"] for o in local)


def record_pages(adapter: KauflandAdapter) -> list:
    return list(adapter.fetch_changes(None))


def direct_adapter(kl: SignedClient, **options: object) -> KauflandAdapter:
    return KauflandAdapter(kl.base_url, kl.credentials, replace(fast_options(), **options))  # type: ignore[arg-type]


@SQLITE_ONLY  # adapter behaviour; the contract suite covers PostgreSQL
def test_an_orders_units_are_never_split_across_stored_versions(
        app_ctx, market, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(kaufland_client, "PAGE_LIMIT", 5)
    kl = market(orders=30)
    spread = [o["id"] for o in kl.ok("POST", "/orders", {"count": 6, "items": 4})["orders"]]
    for oid in spread:  # one unit of each changes later: it sits far from its siblings in the list
        kl.ok("POST", "/clock/advance", {"seconds": 90})
        uid = kl.data(f"/v2/orders/{oid}")["order_units"][1]["id_order_unit"]
        assert kl.signed("PATCH", f"/v2/order-units/{uid}/send",
                         body=b'{"tracking_numbers":"1","carrier_code":"DHL"}').status_code == 204  # fmt: skip
    truth = {o["id"]: o for o in kl.ok("GET", "/orders")["orders"]}
    adapter = direct_adapter(kl)
    try:
        pages = record_pages(adapter)
    finally:
        adapter.close()
    emitted = [order for page in pages for order in page.orders]
    assert sorted(o.marketplace_id for o in emitted) == sorted(truth)  # each order exactly once
    for order in emitted:
        assert [ln.external_id for ln in order.lines] == [ln["id"] for ln in truth[order.marketplace_id]["lines"]]
        assert order.gross_minor == truth[order.marketplace_id]["gross_minor"]
    assert [p.high_water is not None for p in pages] == [False] * (len(pages) - 1) + [True]
    assert adapter.requests_sent < len(truth)  # most orders came whole from the unit list
    account = add_account(app_ctx, kl)
    fetch_ok(app_ctx.fetch, account)
    assert_stored_as_truth(app_ctx, kl)


class ChangesWhilePaging(httpx.HTTPTransport):
    """Plays the marketplace's side in the middle of a fetch, after the n-th unit page."""

    def __init__(self, act: Callable[[], None], after: int) -> None:
        super().__init__()
        self.act, self.after, self.unit_pages = act, after, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/v2/order-units"):
            self.unit_pages += 1
            if self.unit_pages == self.after:
                self.act()
        return super().handle_request(request)


def test_changes_arriving_during_paging_are_not_lost(app_ctx, market, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kaufland_client, "PAGE_LIMIT", 10)
    kl = market(orders=150, release_delay=600)
    units = kl.all("/v2/order-units", storefront="de", sort="ts_updated:desc")
    listed_early = next(u for u in units[:60] if u["status"] == "need_to_be_sent")  # on the first pages
    listed_late = next(u for u in units[-40:] if u["status"] == "need_to_be_sent")

    def marketplace_moves() -> None:
        kl.ok("POST", "/clock/advance", {"seconds": 700})  # every held order is released (or aborted)
        kl.ok("POST", "/orders", {"count": 5, "items": 2})
        kl.ok("POST", "/orders", {"count": 2, "held": True})
        kl.ok("POST", f"/orders/{listed_early['id_order']}/cancel", {"lines": [str(listed_early["id_order_unit"])]})
        kl.ok("POST", f"/orders/{listed_late['id_order']}/cancel", {"lines": [str(listed_late["id_order_unit"])]})

    hook = ChangesWhilePaging(marketplace_moves, after=3)
    service = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets,
                           lambda: replace(fast_options(), transport=hook))  # fmt: skip
    account = add_account(app_ctx, kl)
    first = fetch_ok(service, account)
    assert hook.unit_pages > 3 and first.counts.new > 100
    mark = sync_state.watermark(app_ctx.engine, account.id)
    fetch_ok(service, account)  # picks up what changed beyond the first fetch's window
    assert sync_state.watermark(app_ctx.engine, account.id) > mark
    assert_stored_as_truth(app_ctx, kl)
    local = stored(app_ctx)
    for unit in (listed_early, listed_late):
        line = next(ln for ln in local[unit["id_order"]]["lines"] if ln["line_id"] == str(unit["id_order_unit"]))
        assert line["status"] == "cancelled"


def test_interrupted_fetch_resumes_without_loss_or_duplicates(app_ctx, kl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kaufland_client, "PAGE_LIMIT", 10)
    monkeypatch.setattr(changes, "ORDERS_PER_PAGE", 20)
    account = add_account(app_ctx, kl)
    cancel = threading.Event()
    [first] = app_ctx.fetch.fetch(account=account.name, cancel=cancel, progress=lambda a, r: cancel.set())
    assert first.cancelled and first.pages == 1
    truth = kl.ok("GET", "/orders")["orders"]
    partial = count(app_ctx, schema.Order)
    assert 0 < partial < len(truth)
    # pages come newest first: a cut-off fetch must not move the watermark past what it skipped
    assert sync_state.watermark(app_ctx.engine, account.id) is None
    second = fetch_ok(app_ctx.fetch, account)
    assert second.counts.new == len(truth) - partial
    assert count(app_ctx, schema.Order) == len(truth)
    assert count(app_ctx, schema.OrderLine) == sum(len(o["lines"]) for o in truth)
    keys = [p["receipt_key"] for p in iter_payments(app_ctx.engine)]
    assert len(keys) == len(set(keys))
    assert_stored_as_truth(app_ctx, kl)


def test_a_change_to_one_unit_rereads_its_whole_order(app_ctx, market) -> None:
    kl = market(orders=0)
    account = add_account(app_ctx, kl)
    order = kl.ok("POST", "/orders", {"items": 3})["orders"][0]
    fetch_ok(app_ctx.fetch, account)
    kl.ok("POST", "/clock/advance", {"seconds": 3600})
    kl.ok("POST", "/orders", {})  # another order an hour later moves the watermark past the first one
    fetch_ok(app_ctx.fetch, account)
    payments_before = [p for p in iter_payments(app_ctx.engine) if p["order_number"] == order["id"]]
    kl.ok("POST", "/clock/advance", {"seconds": 3600})
    assert kl.signed("PATCH", f"/v2/order-units/{order['units'][2]}/send",
                     body=b'{"tracking_numbers":"0034","carrier_code":"DHL"}').status_code == 204  # fmt: skip
    result = fetch_ok(app_ctx.fetch, account)
    assert result.counts.updated == 1 and result.requests == 3  # unit page, count page, the order's details
    mine = stored(app_ctx)[order["id"]]
    assert [ln["status"] for ln in mine["lines"]] == ["open", "open", "shipped"]
    assert mine["status"] == "partially_shipped"
    assert [p for p in iter_payments(app_ctx.engine) if p["order_number"] == order["id"]] == payments_before


def test_a_cancelled_unit_is_refunded_with_its_own_shipping(app_ctx, market) -> None:
    kl = market(orders=0)
    account = add_account(app_ctx, kl)
    created = kl.ok("POST", "/orders", {"count": 5, "items": 3})["orders"]
    fetch_ok(app_ctx.fetch, account)
    oid, unit = next((o["id"], u) for o in created for u in kl.data(f"/v2/orders/{o['id']}")["order_units"]
                     if u["shipping_rate"] > 0)  # fmt: skip
    kl.ok("POST", f"/orders/{oid}/cancel", {"lines": [str(unit["id_order_unit"])]})
    for _ in range(2):  # twice: each refund exists once
        fetch_ok(app_ctx.fetch, account)
    mine = [p for p in iter_payments(app_ctx.engine) if p["order_number"] == oid]
    gross = sum(u["price"] + u["shipping_rate"] for u in kl.data(f"/v2/orders/{oid}")["order_units"])
    cents = lambda amount: round(float(amount) * 100)  # noqa: E731
    assert [(p["kind"], cents(p["amount"])) for p in mine if p["kind"] == "payment"] == [("payment", gross)]
    assert sorted((p["line_id"] or "", cents(p["amount"])) for p in mine if p["kind"] == "refund") == sorted(
        [(str(unit["id_order_unit"]), unit["price"]), ("", unit["shipping_rate"])])
    assert stored(app_ctx)[oid]["status"] == "open"


@SQLITE_ONLY
def test_real_limits_are_used_fully_without_a_single_429(app_ctx, market, monkeypatch: pytest.MonkeyPatch) -> None:
    """111 requests/s (time-scaled) with a burst of 111: the paced fetch must come close to
    the most the quota allows and never be answered 429."""
    monkeypatch.setattr(kaufland_client, "PAGE_LIMIT", 10)
    scale = 0.4  # 44.4 requests/s
    kl = market(orders=1100, seed=4, real_limits=True, time_scale=scale)
    account = add_account(app_ctx, kl)
    paced = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets,
                         lambda: AdapterOptions(policy=RetryPolicy(base_delay=0.01), time_scale=scale))  # fmt: skip
    started = time.monotonic()
    result = fetch_ok(paced, account)
    elapsed = time.monotonic() - started
    state = kl.state()
    calls = state["requests"]
    rate = KAUFLAND_RATE * scale
    fastest = max(0.0, calls - KAUFLAND_RATE) / rate  # a full burst, then the refill rate
    share = fastest / elapsed
    print(f"\nkaufland real limits x{scale}: {calls} requests in {elapsed:.2f} s, quota allows {fastest:.2f} s "
          f"-> {share:.1%} of the maximum rate, {state['rate_limited']} x 429")
    assert state["rate_limited"] == 0
    assert calls > 2 * KAUFLAND_RATE and result.counts.new > 900
    assert share >= 0.8  # typically ~95 %; looser so a busy machine does not fail it
    assert_stored_as_truth(app_ctx, kl)
