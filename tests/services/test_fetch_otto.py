"""The fetch service against the real OTTO sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.store import schema, sync_state
from app.store.protocol_log import read as read_log
from app.store.queries import iter_orders, iter_payments
from tests.sandbox_access import control, truth


def statuses(order: dict) -> set[str]:
    return {item["fulfillmentStatus"] for item in order["positionItems"]}


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def by_id(ctx) -> dict[str, dict]:
    return {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}


def test_first_fetch_imports_every_order_with_backlog_flags_and_receipts(app_ctx, sandbox, otto_account):
    [result] = app_ctx.fetch.fetch(channel="otto")
    assert result.ok, result.error
    remote = truth(sandbox)
    local = by_id(app_ctx)
    assert set(local) == set(remote) and len(remote) >= 250
    for sid, raw in remote.items():
        mine = local[sid]
        held = "ANNOUNCED" in statuses(raw)
        assert mine["backlog"] is held, sid
        assert (mine["hold_reason"] == "payment_check") is held
        assert (mine["shipping_address"] is None) is ("deliveryAddress" not in raw)
        if held:
            assert mine["shipping_address"] is None  # OTTO sends no address while ANNOUNCED
        else:
            assert mine["shipping_address"] is None or mine["shipping_address"]["zip_code"] == raw["deliveryAddress"]["zipCode"]
        weee = any(item.get("weeePickup") for item in raw["positionItems"])
        assert ("recycling_disposal" in mine["flags"]) is weee
        assert len(mine["lines"]) == len(raw["positionItems"])
    assert any(o["backlog"] for o in local.values()) and any("recycling_disposal" in o["flags"] for o in local.values())

    payments = [p for p in iter_payments(app_ctx.engine) if p["kind"] == "payment"]
    assert all(p["payment_system"] == "OTTO Market" for p in payments)
    paid = {p["order_number"] for p in payments}
    assert len(paid) == len(payments)  # exactly one payment per order
    for sid, raw in remote.items():
        live = statuses(raw) - {"CANCELLED_BY_MARKETPLACE", "CANCELLED_BY_PARTNER"}
        expected = bool(live) and "ANNOUNCED" not in live
        assert (raw["orderNumber"] in paid) is expected, sid
    # The payment is the full order sum: every item plus delivery fees.
    some = next(p for p in payments)
    raw = next(r for r in remote.values() if r["orderNumber"] == some["order_number"])
    gross = sum(i["itemValueGrossPrice"]["amount"] for i in raw["positionItems"]) + sum(
        f["deliveryFeeAmount"]["amount"] for f in raw.get("initialDeliveryFees", []))
    assert some["amount"] == f"{gross:.2f}"


def test_repeat_fetch_changes_nothing_and_costs_few_requests(app_ctx, sandbox, otto_account):
    app_ctx.fetch.fetch()
    before = (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt), count(app_ctx, schema.OrderLine))
    [again] = app_ctx.fetch.fetch()
    assert again.ok and again.counts.new == 0 and again.counts.updated == 0
    assert again.requests <= 3  # token + one or two pages
    assert (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt), count(app_ctx, schema.OrderLine)) == before


def test_backlog_release_fills_addresses_and_records_payment(app_ctx, sandbox, otto_account):
    app_ctx.fetch.fetch()
    held = {sid for sid, o in by_id(app_ctx).items() if o["backlog"]}
    assert held
    control(sandbox, "POST", "/clock/advance", {"seconds": 4 * 3600})
    [result] = app_ctx.fetch.fetch()
    assert result.ok and result.counts.released > 0
    remote = truth(sandbox)
    local = by_id(app_ctx)
    paid = {p["order_number"] for p in iter_payments(app_ctx.engine) if p["kind"] == "payment"}
    for sid in held:
        still_held = "ANNOUNCED" in statuses(remote[sid])
        assert local[sid]["backlog"] is still_held
        if not still_held and local[sid]["status"] != "cancelled":
            assert local[sid]["shipping_address"] is not None
            assert local[sid]["order_number"] in paid
        if local[sid]["status"] == "cancelled":  # cancelled while held: it leaves the backlog, no money
            assert local[sid]["order_number"] not in paid
    events = _events(app_ctx, "released")
    assert len(events) == result.counts.released


def _events(ctx, kind: str) -> list:
    with ctx.engine.connect() as conn:
        return list(conn.execute(select(schema.OrderEvent.__table__).where(schema.OrderEvent.kind == kind)))


def test_partial_cancellation_gets_one_refund(app_ctx, sandbox, otto_account):
    app_ctx.fetch.fetch()
    remote = truth(sandbox)
    sid, raw = next((s, o) for s, o in remote.items()
                    if statuses(o) == {"PROCESSABLE"} and len(o["positionItems"]) >= 2)
    first = raw["positionItems"][0]
    control(sandbox, "POST", f"/orders/{sid}/cancel", {"reason": "CANCELLED_ON_CUSTOMER_WISH",
                                                       "positionItemIds": [first["positionItemId"]]})
    for _ in range(2):  # twice: the refund must still exist exactly once
        [result] = app_ctx.fetch.fetch()
        assert result.ok
    refunds = [p for p in iter_payments(app_ctx.engine) if p["kind"] == "refund" and p["order_number"] == raw["orderNumber"]]
    assert [(r["line_id"], r["amount"]) for r in refunds] == [
        (first["positionItemId"], f"{first['itemValueGrossPrice']['amount']:.2f}")]
    local = by_id(app_ctx)[sid]
    assert local["status"] == "open" and local["lines"][0]["status"] == "cancelled"


def test_marketplace_cancels_held_order(app_ctx, sandbox, otto_account):
    app_ctx.fetch.fetch()
    sid = next(sid for sid, o in by_id(app_ctx).items() if o["backlog"])
    control(sandbox, "POST", f"/orders/{sid}/cancel", {"reason": "PAYMENT_ABORTED"})
    [result] = app_ctx.fetch.fetch()
    assert result.counts.cancelled >= 1
    order = by_id(app_ctx)[sid]
    assert order["status"] == "cancelled" and not order["backlog"]
    assert not [p for p in iter_payments(app_ctx.engine) if p["order_number"] == order["order_number"]]


def test_overlapping_fetches_of_one_account_create_no_duplicates(app_ctx, sandbox, otto_account):
    results = []
    threads = [threading.Thread(target=lambda: results.extend(app_ctx.fetch.fetch())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 3 and all(r.ok for r in results), [r.error for r in results]
    remote = truth(sandbox)
    assert count(app_ctx, schema.Order) == len(remote)
    assert sum(r.counts.new for r in results) == len(remote)
    assert count(app_ctx, schema.OrderLine) == sum(len(o["positionItems"]) for o in remote.values())
    keys = [p["receipt_key"] for p in iter_payments(app_ctx.engine)]
    assert len(keys) == len(set(keys))


def test_interrupted_fetch_resumes_without_loss_or_duplicates(app_ctx, sandbox, otto_account):
    cancel = threading.Event()
    [first] = app_ctx.fetch.fetch(cancel=cancel, progress=lambda account, result: cancel.set())
    assert first.cancelled and first.pages == 1
    partial = count(app_ctx, schema.Order)
    assert 0 < partial < len(truth(sandbox))
    mark = sync_state.watermark(app_ctx.engine, otto_account.id)
    with app_ctx.engine.connect() as conn:
        newest = conn.scalar(select(func.max(schema.Order.modified_at)))
    assert mark == newest  # the watermark is exactly what was committed, not more
    [second] = app_ctx.fetch.fetch()
    assert second.ok
    assert count(app_ctx, schema.Order) == len(truth(sandbox))


@pytest.mark.parametrize("kind", ["429", "500", "503", "garbage", "cutoff", "expire_tokens"])
def test_faults_are_retried_and_the_fetch_completes(app_ctx, sandbox, otto_account, kind):
    control(sandbox, "POST", "/faults", {"kind": kind, "count": 2, "retry_after": 1})
    started = time.monotonic()
    [result] = app_ctx.fetch.fetch()
    assert result.ok, result.error
    assert count(app_ctx, schema.Order) == len(truth(sandbox))
    if kind == "429":
        assert time.monotonic() - started >= 2.0  # Retry-After: 1 s, honoured for both 429s


def test_persistent_outage_fails_plainly_and_touches_nothing(app_ctx, sandbox, otto_account):
    app_ctx.fetch.fetch()
    before = (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt))
    mark = sync_state.watermark(app_ctx.engine, otto_account.id)
    control(sandbox, "POST", "/clock/advance", {"seconds": 4 * 3600})  # there would be changes to fetch
    control(sandbox, "POST", "/faults", {"kind": "500", "count": 100})
    [result] = app_ctx.fetch.fetch()
    assert not result.ok and "HTTP 500" in result.error
    assert (count(app_ctx, schema.Order), count(app_ctx, schema.PaymentReceipt)) == before
    assert sync_state.watermark(app_ctx.engine, otto_account.id) == mark
    errors = [e for e in read_log(app_ctx.engine) if e.level == "error"]
    assert errors and "Fetching failed" in errors[-1].message and "kept" in errors[-1].message
    control(sandbox, "DELETE", "/faults")
    [recovered] = app_ctx.fetch.fetch()
    assert recovered.ok and recovered.counts.released > 0


def test_wrong_credentials_say_so(app_ctx, sandbox, otto_account):
    app_ctx.secrets().set(otto_account.secret_ref, "client_secret", "wrong-secret-123")
    [result] = app_ctx.fetch.fetch()
    assert not result.ok and "client id or secret" in result.error
    assert count(app_ctx, schema.Order) == 0
    assert "wrong-secret-123" not in " ".join(e.message for e in read_log(app_ctx.engine))


def test_malformed_orders_are_quarantined_and_the_rest_is_stored(app_ctx, sandbox, otto_account):
    kinds = ["missing_field", "wrong_type", "unknown_enum", "huge", "bad_encoding"]
    bad = [control(sandbox, "POST", "/orders/malformed", {"kind": k})["salesOrderId"] for k in kinds]
    [result] = app_ctx.fetch.fetch()
    assert result.ok and result.quarantined == len(kinds)
    assert count(app_ctx, schema.Order) == len(truth(sandbox)) - len(kinds)
    assert count(app_ctx, schema.QuarantinedOrder) == len(kinds)
    warnings = [e for e in read_log(app_ctx.engine) if e.event == "quarantined"]
    assert {e.order_number for e in warnings} == set(bad)
    assert all("could not be read" in e.message for e in warnings)
    app_ctx.fetch.fetch()
    assert count(app_ctx, schema.QuarantinedOrder) == len(kinds)  # kept once, not again


def test_secret_never_reaches_database_or_log(app_ctx, sandbox, otto_account, database_url):
    secret = sandbox.describe()["otto"]["credentials"]["client_secret"]
    app_ctx.fetch.fetch()
    control(sandbox, "POST", "/faults", {"kind": "expire_tokens"})
    app_ctx.fetch.fetch()
    with app_ctx.engine.connect() as conn:
        for table in schema.Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                assert secret not in repr(tuple(row)), table.name
    if database_url.startswith("sqlite"):  # also the raw bytes of the file and its write-ahead log
        db_path = database_url.removeprefix("sqlite:///")
        app_ctx.engine.dispose()
        raw = b"".join(Path(p).read_bytes() for p in (db_path, db_path + "-wal") if os.path.exists(p))
        assert raw and secret.encode() not in raw


def test_token_endpoint_outage_is_retried(app_ctx, sandbox, otto_account):
    control(sandbox, "POST", "/faults", {"kind": "503", "count": 2, "include_token": True})
    [result] = app_ctx.fetch.fetch()
    assert result.ok, result.error
    assert count(app_ctx, schema.Order) == len(truth(sandbox))


def test_timeout_is_retried(app_ctx, sandbox, otto_account):
    from app.channels.base import AdapterOptions
    from app.channels.http import RetryPolicy
    from app.services.fetch import FetchService

    impatient = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets,
                             lambda: AdapterOptions(policy=RetryPolicy(read_timeout=0.5, base_delay=0.01), rate_limit=0))
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 1, "delay": 1.5})
    [result] = impatient.fetch()
    assert result.ok, result.error
    assert count(app_ctx, schema.Order) == len(truth(sandbox))


def test_unreachable_marketplace_fails_plainly(app_ctx, keyring_backend):
    account = app_ctx.accounts.add("otto", "Nowhere", "http://127.0.0.1:9")  # nothing listens on port 9
    app_ctx.secrets().save(account.secret_ref, {"client_id": "a", "client_secret": "b"})
    [result] = app_ctx.fetch.fetch()
    assert not result.ok and "could not be reached" in result.error
    last = read_log(app_ctx.engine)[-1]
    assert last.level == "error" and "could not be reached" in last.message
