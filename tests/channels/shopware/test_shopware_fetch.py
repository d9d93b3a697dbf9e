"""The Shopware adapter against the Shopware sandbox over HTTP: through the fetch service into
SQLite/PostgreSQL, and directly for token renewal, the association quirk, formats, errors and
pacing under the real limits."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.channels.base import AdapterOptions
from app.channels.errors import AuthError, PermanentError, TransientError
from app.channels.http import RetryPolicy
from app.channels.shopware import adapter as adapter_module
from app.channels.shopware import criteria as criteria_module
from app.channels.shopware.adapter import ShopwareAdapter
from app.channels.shopware.client import api_root
from app.domain.money import to_minor
from app.store import schema, sync_state
from app.store.queries import iter_orders, iter_payments
from tests.sandbox.shopware.shopware_access import Shop, shopware  # noqa: F401 - fixture

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
QUICK = AdapterOptions(policy=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=2.0, read_timeout=10.0),
                       rate_limit=0)


@pytest.fixture
def shop(shopware) -> Shop:
    return shopware(orders=70, seed=2)  # type: ignore[no-any-return]


@pytest.fixture
def account(app_ctx, shop: Shop):
    record = app_ctx.accounts.add("shopware", "Sandbox-Shop", shop.base_url)
    app_ctx.secrets().save(record.secret_ref, shop.credentials)
    return record


def fetch_ok(ctx, **kwargs):
    [result] = ctx.fetch.fetch(**kwargs)
    assert result.ok, result.error
    return result


def local(ctx) -> dict[str, dict]:
    return {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}


def payments(ctx) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in iter_payments(ctx.engine):
        out.setdefault(p["order_number"], []).append(p)
    return out


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))  # type: ignore[no-any-return]


def assert_stored_as_the_shop_says(ctx, shop: Shop) -> None:
    truth, mine, paid = shop.truth(), local(ctx), payments(ctx)
    assert set(mine) == set(truth)
    for oid, want in truth.items():
        have = mine[oid]
        assert have["backlog"] is want["held"] and (have["hold_reason"] == "awaiting_payment") is want["held"]
        assert [(ln["line_id"], ln["quantity"]) for ln in have["lines"]] == [(ln["id"], ln["quantity"])
                                                                            for ln in want["lines"]]
        assert all((ln["status"] == "cancelled") is w["cancelled"] for ln, w in zip(have["lines"], want["lines"]))
        receipts = [p for p in paid.get(want["number"], []) if p["kind"] == "payment"]
        if want["paid"] and not all(ln["cancelled"] for ln in want["lines"]):
            [receipt] = receipts
            assert to_minor(receipt["amount"], "EUR") == want["gross_minor"]
            assert receipt["payment_system"] == f"Shopware 6: {have['payment_method']}"
        elif not want["paid"]:
            assert not receipts or all(ln["cancelled"] for ln in want["lines"])


def adapter_for(shop: Shop, options: AdapterOptions = QUICK, **credentials: str) -> ShopwareAdapter:
    return ShopwareAdapter(shop.base_url, {**shop.credentials, **credentials}, options)


# -- through the fetch service ----------------------------------------------------------------
def test_first_fetch_stores_the_shop_and_repeats_cheaply(app_ctx, shop, account):
    result = fetch_ok(app_ctx)
    truth = shop.truth()
    assert result.counts.new == len(truth) and result.quarantined == 0
    assert result.requests == 2  # one token, one page of 70 orders
    assert_stored_as_the_shop_says(app_ctx, shop)
    mine = local(app_ctx)
    assert any(o["backlog"] for o in mine.values()) and any(o["status"] == "shipped" for o in mine.values())
    again = fetch_ok(app_ctx)
    assert again.counts.new == again.counts.updated == 0 and again.requests <= 2
    receipt_keys = [p["receipt_key"] for p in iter_payments(app_ctx.engine)]
    assert len(receipt_keys) == len(set(receipt_keys))


@SQLITE_ONLY
def test_promotions_and_shipping_add_up_to_the_order_total(app_ctx, shop, account):
    fetch_ok(app_ctx)
    wire = {o["id"]: o for o in shop.all_orders({"associations": {"lineItems": {}}})}
    promoted = [oid for oid, o in wire.items() if any(i["type"] == "promotion" for i in o["lineItems"])]
    assert promoted
    with app_ctx.engine.connect() as conn:
        rows = {r.marketplace_id: r for r in conn.execute(select(schema.Order.__table__))}
    for oid, order in wire.items():
        assert rows[oid].gross_minor == round(order["amountTotal"] * 100)
    for oid in promoted:
        discount = sum(round(i["totalPrice"] * 100) for i in wire[oid]["lineItems"] if i["type"] == "promotion")
        assert f"{discount}" in rows[oid].charges  # stored as a negative charge


@SQLITE_ONLY
def test_a_payment_alone_is_fetched_although_the_orders_updated_at_stays_null(app_ctx, shop, account):
    invoice, paypal = shop.add(payment="invoice"), shop.add(payment="paypal")
    fetch_ok(app_ctx)
    assert local(app_ctx)[invoice["id"]]["order_number"] not in payments(app_ctx)
    shop.advance(3600)
    shop.ok("POST", f"/orders/{invoice['id']}/pay")
    shop.ok("POST", f"/orders/{paypal['id']}/ship", {"trackingCodes": ["1Z999AA10123456784"]})
    wire = shop.order(invoice["id"])
    assert wire["updatedAt"] is None and wire["transactions"][0]["updatedAt"]
    result = fetch_ok(app_ctx)
    assert result.counts.updated >= 2  # (seeded prepayments that arrived during the hour as well)
    assert [p["payment_system"] for p in payments(app_ctx)[invoice["number"]]] == ["Shopware 6: Rechnung"]
    assert local(app_ctx)[paypal["id"]]["status"] == "shipped"
    assert_stored_as_the_shop_says(app_ctx, shop)


@SQLITE_ONLY
def test_prepayment_waits_in_the_backlog_and_is_receipted_once(app_ctx, shop, account):
    held, invoice = shop.add(held=True), shop.add(payment="invoice")
    fetch_ok(app_ctx)
    mine = local(app_ctx)
    assert mine[held["id"]]["backlog"] and mine[held["id"]]["hold_reason"] == "awaiting_payment"
    assert mine[held["id"]]["payment_method"] == "Vorkasse"
    assert not mine[invoice["id"]]["backlog"]  # an unpaid invoice is shipped all the same
    assert held["number"] not in payments(app_ctx)
    shop.ok("POST", f"/orders/{held['id']}/release")
    assert fetch_ok(app_ctx).counts.released == 1
    for _ in range(2):
        fetch_ok(app_ctx)
    assert [p["payment_system"] for p in payments(app_ctx)[held["number"]]] == ["Shopware 6: Vorkasse"]
    assert_stored_as_the_shop_says(app_ctx, shop)


def test_interrupted_fetch_resumes_without_loss_or_duplicates(app_ctx, shop, account, monkeypatch):
    monkeypatch.setattr(adapter_module, "PAGE_LIMIT", 10)
    cancel = threading.Event()
    [first] = app_ctx.fetch.fetch(cancel=cancel, progress=lambda acc, result: cancel.set())
    assert first.cancelled and first.pages == 1
    assert 0 < count(app_ctx, schema.Order) <= 20  # the prefetched page may not be committed
    mark = sync_state.watermark(app_ctx.engine, account.id)
    with app_ctx.engine.connect() as conn:
        newest = conn.scalar(select(func.max(schema.Order.modified_at)))
    assert mark is not None and mark <= newest  # never beyond what was committed
    old = shop.truth()
    older_one = next(o for o in old.values() if not o["held"] and not o["paid"])
    shop.ok("POST", f"/orders/{older_one['id']}/pay")  # changes of older orders meanwhile
    shop.add()
    second = fetch_ok(app_ctx)
    assert second.pages >= 7
    assert count(app_ctx, schema.Order) == len(shop.truth()) == 71
    assert count(app_ctx, schema.OrderLine) == sum(len(o["lines"]) for o in shop.truth().values())
    assert_stored_as_the_shop_says(app_ctx, shop)


@SQLITE_ONLY
def test_errors_name_the_shop_and_never_the_secret(app_ctx, shop, account):
    shop.ok("POST", "/faults", {"kind": "500", "count": 50})
    [failed] = app_ctx.fetch.fetch()
    assert not failed.ok and "Shopware 6 shop 127.0.0.1" in failed.error and "HTTP 500" in failed.error
    shop.control("DELETE", "/faults")
    app_ctx.secrets().save(account.secret_ref, {**shop.credentials, "client_secret": "wrong-secret-123"})
    [refused] = app_ctx.fetch.fetch()
    assert not refused.ok and "rejected" in refused.error and "Shopware 6" in refused.error
    assert "wrong-secret-123" not in refused.error and shop.credentials["client_secret"] not in failed.error


# -- the adapter on its own -------------------------------------------------------------------
def test_token_is_kept_and_renewed_mid_pagination(shop, monkeypatch):
    monkeypatch.setattr(adapter_module, "PAGE_LIMIT", 10)
    adapter = adapter_for(shop)
    try:
        pages = adapter.fetch_changes(None)
        first = next(pages)
        shop.advance(601)  # the token the adapter holds expires between two pages
        rest = list(pages)
        assert sum(len(p.orders) for p in [first, *rest]) == 70
        assert adapter.token.issued == 2 and adapter.token.requests_sent == 2
        shop.ok("POST", "/faults", {"kind": "expire_tokens"})
        assert sum(len(p.orders) for p in adapter.fetch_changes(None)) == 70
        assert adapter.token.issued == 3
    finally:
        adapter.close()


def test_adapter_asks_for_states_in_the_simple_format(shop):
    sent: list[httpx.Request] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return super().handle_request(request)

    adapter = ShopwareAdapter(shop.base_url + "/api/", shop.credentials, AdapterOptions(transport=Recording(),
                                                                                        rate_limit=0))
    try:
        list(adapter.fetch_changes(None))
    finally:
        adapter.close()
    search = [r for r in sent if r.url.path == "/api/search/order"]
    assert search and all(r.headers["Accept"] == "application/json" for r in search)
    body = httpx.Response(200, content=search[0].content).json()
    associations = body["associations"]
    assert "stateMachineState" in associations["transactions"]["associations"]
    assert "stateMachineState" in associations["deliveries"]["associations"]
    fields = {q["field"] for q in body["filter"][0]["queries"]}
    assert fields == {"createdAt", "updatedAt", "transactions.updatedAt", "deliveries.updatedAt"}


def test_without_the_state_associations_every_order_is_quarantined_by_name(shop, monkeypatch):
    lazy = {k: v for k, v in criteria_module.ASSOCIATIONS.items() if k != "transactions"}
    monkeypatch.setattr(criteria_module, "ASSOCIATIONS",
                        {**lazy, "transactions": {"associations": {"paymentMethod": {}}}})
    adapter = adapter_for(shop)
    try:
        [page] = list(adapter.fetch_changes(None))
    finally:
        adapter.close()
    assert not page.orders and len(page.quarantined) == 70
    assert all(re.match(r"transactions\[\d\]\.stateMachineState is missing \(the criteria must request", q.reason)
               for q in page.quarantined)


def test_a_jsonapi_answer_is_refused_plainly(shop):
    class DropsAccept(httpx.HTTPTransport):  # a proxy that loses the Accept header
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/api/search"):
                del request.headers["Accept"]
            return super().handle_request(request)

    adapter = ShopwareAdapter(shop.base_url, shop.credentials, AdapterOptions(transport=DropsAccept(), rate_limit=0))
    try:
        with pytest.raises(PermanentError, match="JSON:API"):
            list(adapter.fetch_changes(None))
    finally:
        adapter.close()


def test_connection_check_and_wrong_credentials(shop):
    adapter = adapter_for(shop)
    try:
        adapter.check_connection()
    finally:
        adapter.close()
    wrong = adapter_for(shop, client_secret="wrong-secret-456")
    try:
        with pytest.raises(AuthError) as caught:
            wrong.check_connection()
    finally:
        wrong.close()
    message = str(caught.value)
    assert "rejected" in message and "access key" in message and "wrong-secret-456" not in message
    nowhere = ShopwareAdapter("http://127.0.0.1:9", shop.credentials, QUICK)
    try:
        with pytest.raises(TransientError, match="Shopware 6"):
            nowhere.check_connection()
    finally:
        nowhere.close()


def test_shop_url_forms():
    assert api_root("https://shop.example.de/api/") == "https://shop.example.de"
    assert api_root(" https://shop.example.de/admin ") == "https://shop.example.de"
    assert api_root("http://127.0.0.1:8000/shopware") == "http://127.0.0.1:8000/shopware"


def test_incremental_window_reaches_the_newest_change(shop):
    adapter = adapter_for(shop)
    try:
        pages = list(adapter.fetch_changes(None))
        newest = max(o.modified_at for p in pages for o in p.orders)
        assert pages[-1].high_water == newest  # the last page claims exactly the newest change
        shop.advance(60)
        shop.add()
        since = pages[-1].high_water - timedelta(minutes=5)
        later = list(adapter.fetch_changes(since))
        assert [o.order_number for p in later for o in p.orders if o.order_date > newest] == [
            max(shop.truth().values(), key=lambda o: int(o["number"]))["number"]]
        assert adapter.quota()[1].pending_calls == 0
    finally:
        adapter.close()


# -- pacing with the real limits ------------------------------------------------------------------
def test_real_limits_pacing_earns_no_429(shopware, monkeypatch):
    scale = 60.0  # 10 tokens/min -> 10/s, burst 10
    shop: Shop = shopware(orders=300, seed=4, real_limits=True, time_scale=scale)
    monkeypatch.setattr(adapter_module, "PAGE_LIMIT", 25)
    adapter = ShopwareAdapter(shop.base_url, shop.credentials, AdapterOptions(time_scale=scale))
    try:
        token, search = adapter.quota()
        assert token.name == "oauth/token" and token.per_second == pytest.approx(10 / 60 * scale)
        assert search.per_second is None  # the Admin API itself has no documented limit
        assert sum(len(p.orders) for p in adapter.fetch_changes(None)) == 300
        # Renewing the token is the one quota-bound call: force 40 renewals as fast as allowed.
        started = time.monotonic()
        renewals = 30
        for _ in range(renewals):
            adapter.token.invalidate()
            adapter.token.header(adapter.session.client)
        elapsed = time.monotonic() - started
    finally:
        adapter.close()
    state = shop.state()
    assert state["rate_limited"] == 0
    # What the shop's quota allowed in that time: its burst, less the tokens of the test client's
    # login and of the fetch, plus the refill.
    allowed = adapter_module.TOKEN_BURST - 2 + adapter_module.TOKEN_PER_SECOND * scale * elapsed
    achieved = renewals / allowed
    print(f"\nShopware token renewals: {renewals} in {elapsed:.2f} s at {token.per_second:.1f}/s (client burst "
          f"{token.capacity}): {achieved:.1%} of the quota maximum, {state['rate_limited']} x 429")
    assert achieved >= 0.7  # loose: a loaded test machine may be slower than the quota
