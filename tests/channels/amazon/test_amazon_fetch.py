"""The Amazon adapter against the sandbox over HTTP: restricted data tokens, token expiry in
the middle of a walk, the change window and its NextToken, item pages, faults, quarantine,
and an interrupted fetch through the fetch service (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.channels.amazon import adapter as adapter_module
from app.channels.amazon import client as client_module
from app.channels.errors import AuthError
from app.store import schema, sync_state
from app.store.queries import iter_orders
from tests.channels.amazon.amazon_tools import Recorder, adapter_for
from tests.sandbox.amazon.amazon_access import AmazonApi

RDT = "/restrictedDataToken"
ORDERS = "/orders/v0/orders"


def fetch_all(api: AmazonApi, recorder: Recorder, **options) -> tuple[dict, list]:
    """Every page of one fetch (initial window): orders by id, and the pages themselves."""
    adapter = adapter_for(api, recorder, **options)
    try:
        pages = list(adapter.fetch_changes(None))
    finally:
        adapter.close()
    orders = {}
    for page in pages:
        for order in page.orders:
            assert order.marketplace_id not in orders, "an order was yielded twice"
            orders[order.marketplace_id] = order
    return orders, pages


def small_pages(monkeypatch, page_size: int = 5, batch: int = 5) -> None:
    monkeypatch.setattr(client_module, "PAGE_SIZE", page_size)
    monkeypatch.setattr(adapter_module, "DETAIL_BATCH", batch)


def list_calls(recorder: Recorder) -> list[dict[str, str]]:
    return [params for method, path, params, status in recorder.log if path.endswith(ORDERS) and status == 200]


def test_one_restricted_data_token_brings_every_address(amazon_api, recorder):
    orders, _ = fetch_all(amazon_api, recorder)
    truth = amazon_api.truth()
    assert set(orders) == set(truth)
    for oid, want in truth.items():
        address = orders[oid].shipping_address
        assert (address is not None) is want["paid"], oid  # shippable orders: address from the RDT
        if address:
            assert address.zip_code and address.street and address.country_code in ("DE", "AT")
            assert address.email.endswith("@marketplace.amazon.de")
    assert len(recorder.calls(RDT)) == 1 and amazon_api.state()["restricted_tokens_issued"] == 1


def test_the_window_is_walked_by_its_own_change_filter(amazon_api, recorder, monkeypatch):
    monkeypatch.setattr(client_module, "PAGE_SIZE", 20)
    orders, pages = fetch_all(amazon_api, recorder)
    assert len(orders) == len(amazon_api.truth()) == 60
    calls = list_calls(recorder)
    assert not any("LastUpdatedBefore" in c or "CreatedAfter" in c for c in calls)  # up to "now"
    assert all(c["MaxResultsPerPage"] == "20" and c["MarketplaceIds"] == "A1PA6795UKMFR9" for c in calls)
    # Each page after the first is a fresh query anchored at the newest stamp seen so far.
    stamps = [max(o.modified_at for o in page.orders) for page in pages if page.orders]
    anchors = [datetime.fromisoformat(c["LastUpdatedAfter"]) for c in calls[1:]]
    assert anchors == sorted(anchors) and set(anchors) <= set(stamps)
    assert all(page.high_water == max(o.modified_at for o in page.orders) for page in pages if page.orders)


def test_orders_sharing_one_stamp_follow_the_next_token(amazon_api, recorder, monkeypatch):
    small_pages(monkeypatch)
    fetch_all(amazon_api, recorder)
    amazon_api.control("POST", "/orders", {"count": 17})  # same LastUpdateDate, more than a page
    again = Recorder()
    try:
        adapter = adapter_for(amazon_api, again)
        since = max(o["LastUpdateDate"] for o in amazon_api.all_orders(amazon_api.login()))
        pages = list(adapter.fetch_changes(datetime.fromisoformat(since)))
        adapter.close()
        calls = list_calls(again)
    finally:
        again.close()
    ids = [o.marketplace_id for page in pages for o in page.orders]
    assert len(ids) == len(set(ids)) == 17
    chained = [c for c in calls if "NextToken" in c]
    assert len(chained) == 3  # 5 + 5 + 5 + 2: the anchor cannot move, so the token does
    assert all(c["LastUpdatedAfter"] == calls[0]["LastUpdatedAfter"] for c in chained)  # filters resent


def test_tokens_expiring_in_the_middle_of_a_next_token_chain(amazon_api, recorder, monkeypatch):
    small_pages(monkeypatch)
    amazon_api.control("POST", "/orders", {"count": 17})
    expired = []

    def expire_once(request) -> None:  # noqa: ANN001 - httpx.Request
        if "NextToken" in request.url.params and not expired:
            expired.append(amazon_api.control("POST", "/faults", {"kind": "expire_tokens"}))

    recorder.hooks[ORDERS] = expire_once
    orders, _ = fetch_all(amazon_api, recorder)
    assert expired and set(orders) == set(amazon_api.truth())
    refused = [i for i, e in enumerate(recorder.log) if e[1].endswith(ORDERS) and e[3] == 403]
    assert len(refused) == 1
    method, path, params, status = recorder.log[refused[0]]
    assert "NextToken" in params
    # The RDT is renewed (which needs a new LWA token first) and the same page is asked again.
    after = recorder.log[refused[0] + 1:]
    assert [e[1].rsplit("/", 1)[-1] for e in after[:3]] == ["restrictedDataToken", "token", "restrictedDataToken"]
    assert after[0][3] == 403 and after[2][3] == 200
    assert after[3][2]["NextToken"] == params["NextToken"] and after[3][3] == 200
    state = amazon_api.state()
    assert state["tokens_issued"] == 2 and state["restricted_tokens_issued"] == 2


def test_an_hour_later_both_tokens_are_renewed(amazon_api, recorder, monkeypatch):
    small_pages(monkeypatch, page_size=10, batch=10)
    calls = []

    def an_hour_later(request) -> None:  # noqa: ANN001
        calls.append(request)
        if len(calls) == 3:
            amazon_api.control("POST", "/clock/advance", {"seconds": 3601})

    recorder.hooks[ORDERS] = an_hour_later
    orders, _ = fetch_all(amazon_api, recorder)
    assert len(orders) >= 60
    assert amazon_api.state()["restricted_tokens_issued"] == 2
    assert [e[3] for e in recorder.calls(RDT)] == [200, 403, 200]  # the second RDT needed a new LWA token


def test_a_big_order_has_its_items_paged(amazon_api, recorder):
    big = amazon_api.control("POST", "/orders", {"items": 45})["orders"][0]["id"]
    orders, _ = fetch_all(amazon_api, recorder)
    assert len(orders[big].lines) == 45 and len({ln.external_id for ln in orders[big].lines}) == 45
    item_calls = recorder.calls(f"/{big}/orderItems")
    assert len(item_calls) == 3 and sum("NextToken" in c[2] for c in item_calls) == 2


def test_quota_exceeded_without_retry_after_is_retried(amazon_api, recorder):
    amazon_api.control("POST", "/faults", {"kind": "429", "count": 2})
    orders, _ = fetch_all(amazon_api, recorder)
    assert len(orders) == 60
    api_calls = [(e[1].rsplit("/", 1)[-1], e[3]) for e in recorder.log if not e[1].endswith("/o2/token")]
    assert api_calls[:4] == [("restrictedDataToken", 429), ("restrictedDataToken", 429),
                             ("restrictedDataToken", 200), ("orders", 200)]


def test_items_amazon_refuses_quarantine_only_that_order(amazon_api, recorder):
    truth = amazon_api.truth()
    victim = next(iter(truth))
    recorder.refuse[f"/{victim}/orderItems"] = 400
    orders, pages = fetch_all(amazon_api, recorder)
    [broken] = [q for page in pages for q in page.quarantined]
    assert broken.marketplace_id == victim and "items could not be read" in broken.reason
    assert "HTTP 400" in broken.reason and set(orders) == set(truth) - {victim}


def test_quota_shows_the_pending_item_calls(amazon_api, recorder, monkeypatch):
    small_pages(monkeypatch, page_size=20, batch=5)
    adapter = adapter_for(amazon_api, recorder, rate_limit=None, time_scale=1e6)  # paced, if only just
    seen = []
    try:
        for _ in adapter.fetch_changes(None):
            seen.append(adapter.quota())
    finally:
        adapter.close()
    assert [q.name for q in seen[0]] == ["getOrderItems", "getOrders", "createRestrictedDataToken"]
    assert [q[0].pending_calls for q in seen[:4]] == [15, 10, 5, 0]
    assert seen[-1][0].calls == 60 and seen[-1][2].calls == 1


def test_check_connection_names_refused_credentials(amazon_api, recorder):
    adapter = adapter_for(amazon_api, recorder)
    adapter.check_connection()
    adapter.close()
    wrong = {**amazon_api.credentials, "client_secret": "amzn1.oa2-cs.v1.wrong-secret-123"}
    bad = adapter_for(amazon_api, recorder)
    bad.lwa._form["client_secret"] = wrong["client_secret"]
    with pytest.raises(AuthError) as info:
        bad.check_connection()
    bad.close()
    assert "rejected" in str(info.value) and "invalid_client" in str(info.value)
    assert "wrong-secret" not in str(info.value)


def test_lwa_lives_at_amazon_for_amazon_hosts():
    from app.channels.amazon.auth import lwa_url

    assert lwa_url("https://sellingpartnerapi-eu.amazon.com") == "https://api.amazon.com/auth/o2/token"
    assert lwa_url("https://sandbox.sellingpartnerapi-eu.amazon.com/") == "https://api.amazon.com/auth/o2/token"
    assert lwa_url("http://127.0.0.1:4000/amazon/") == "http://127.0.0.1:4000/amazon/auth/o2/token"
    assert lwa_url("https://evil-amazon.com.example.org") == "https://evil-amazon.com.example.org/auth/o2/token"


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def test_interrupted_fetch_resumes_without_loss_or_duplicates(app_ctx, amazon_api, amazon_account, recorded_fetch,
                                                             monkeypatch):
    small_pages(monkeypatch, page_size=10, batch=7)
    cancel = threading.Event()
    [first] = recorded_fetch.fetch(cancel=cancel, progress=lambda account, result: cancel.set())
    assert first.cancelled and first.pages == 1
    partial = count(app_ctx, schema.Order)
    truth = amazon_api.truth()
    assert 0 < partial < len(truth)
    mark = sync_state.watermark(app_ctx.engine, amazon_account.id)
    with app_ctx.engine.connect() as conn:
        newest = conn.scalar(select(func.max(schema.Order.modified_at)))
    assert mark == newest  # exactly what was committed, not more
    [second] = recorded_fetch.fetch()
    assert second.ok, second.error
    local = {o["marketplace_id"]: o for o in iter_orders(app_ctx.engine)}
    assert set(local) == set(truth)
    assert count(app_ctx, schema.OrderLine) == sum(len(o["lines"]) for o in truth.values())
    for oid, want in truth.items():
        assert local[oid]["backlog"] is want["held"]
        assert sorted(ln["line_id"] for ln in local[oid]["lines"]) == sorted(ln["id"] for ln in want["lines"])
