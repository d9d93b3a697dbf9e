"""The ERP web service (issue 6, item 2) on SQLite and PostgreSQL: every call with good and bad
input, tokens, cursor paging while orders arrive, export marks, updateOrders all-or-nothing and
idempotent, shipments that reach the OTTO sandbox, and the real server (uvicorn, TLS) on loopback.
Every answer is checked against the OpenAPI document (tests/api/conftest.py: Api)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from app.api import create_app
from app.api.server import serve_api
from app.domain.orders import Channel, LineStatus
from app.store import schema
from app.store.api_tokens import ApiTokenStore
from app.store.db import write_transaction
from app.store.erp_export import OrderPosition, encode_cursor, order_cursor, payment_cursor
from app.store.queries import iter_orders, iter_payments
from tests.api.conftest import (
    BASE,
    DHL,
    DHL_RETURN,
    DOCS_OPENAPI,
    SHIP_FROM,
    Api,
    dump_database,
    line,
    make_order,
)

OTTO, AMAZON = Channel.OTTO, Channel.AMAZON
RETURN = {"return_tracking_number": DHL_RETURN, "return_carrier": "DHL"}


def otto_orders(desk, count: int, at: datetime = BASE, start: int = 1, prefix: str = "O") -> list:
    orders = [make_order(OTTO, f"{prefix}{i:04d}", (line(f"{prefix}{i}-1", "A"), line(f"{prefix}{i}-2", "B", 2)))
              for i in range(start, start + count)]
    desk.write(orders, at)
    return orders


def read_all(api: Api, call: str, key: str, cursor: str | None = None, between=None, **params) -> tuple[list, str]:
    """Pages until has_more is false; ``between(page_no)`` runs after each page."""
    items, pages = [], 0
    while True:
        page = getattr(api, call)(**({"cursor": cursor} if cursor else {}), **params)
        items.extend(page[key])
        cursor = page["next_cursor"]
        pages += 1
        if between:
            between(pages)
        if not page["has_more"]:
            return items, cursor


# -- the document ------------------------------------------------------------------------------------

def test_the_served_document_is_the_one_in_docs_and_needs_no_token(api):
    response = api.get("/api/v1/openapi.json", token=False)
    assert response.status_code == 200
    assert response.json() == json.loads(DOCS_OPENAPI.read_text(encoding="utf-8")), \
        "docs/openapi.json is stale: .venv/bin/python -m app.api.openapi > docs/openapi.json"
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    from jsonschema import Draft202012Validator
    for schema_ in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema_)
    assert {p.split("/")[-1] for p in doc["paths"]} == {"fetchOrders", "fetchPayments", "updateOrders", "openapi.json"}


# -- tokens ------------------------------------------------------------------------------------------------

CALLS = [("GET", "/api/v1/fetchOrders", None), ("GET", "/api/v1/fetchPayments", None),
         ("POST", "/api/v1/updateOrders", {"updates": [{"ref": "r1", "order": "X", "events": ["returned"]}]})]


@pytest.mark.parametrize("method, path, body", CALLS)
def test_every_data_call_needs_a_valid_unrevoked_bearer_token(api, app_ctx, token, method, path, body):
    kw = {"json": body} if body else {}
    cases = [(False, 'Bearer realm="OrderDesk"'),
             ("Basic dXNlcjpwYXNz", 'Bearer realm="OrderDesk", error="invalid_request"'),
             ("Bearer", 'Bearer realm="OrderDesk", error="invalid_request"'),
             ("Bearer odk_" + "x" * 43, 'Bearer realm="OrderDesk", error="invalid_token"'),
             (f"Bearer {token}x", 'Bearer realm="OrderDesk", error="invalid_token"'),
             (f"Bearer {token[:-1]}", 'Bearer realm="OrderDesk", error="invalid_token"')]
    for header, challenge in cases:
        response = api.request(method, path, token=header, **kw)
        assert response.status_code == 401, (header, response.text)
        assert response.headers["www-authenticate"] == challenge
        assert response.json()["error"]["code"] == "unauthorized"
        assert token not in response.text
    # bad input without a token is still 401: a caller without a token learns nothing
    assert api.request(method, path + "?limit=0", token=False, **kw).status_code == 401
    assert api.request(method, path, token=f"bearer {token}", **kw).status_code in (200, 422)  # scheme: any case
    ApiTokenStore(app_ctx.engine).revoke("ERP")
    refused = api.request(method, path, **kw)
    assert refused.status_code == 401 and refused.json()["error"]["message"] == "the API token is unknown or revoked"


def test_a_second_token_works_and_revoking_one_leaves_the_other(api, app_ctx):
    tokens = ApiTokenStore(app_ctx.engine)
    other = tokens.create("Second ERP").token
    assert api.get("/api/v1/fetchOrders", token=f"Bearer {other}").status_code == 200
    tokens.revoke("ERP")
    assert api.get("/api/v1/fetchOrders").status_code == 401
    assert api.get("/api/v1/fetchOrders", token=f"Bearer {other}").status_code == 200
    assert tokens.get("Second ERP").last_used_at is not None


def test_the_token_is_never_stored_or_logged_in_clear(api, app_ctx, desk, token, caplog):
    caplog.set_level("DEBUG")
    otto_orders(desk, 2)
    api.orders()
    api.payments()
    api.update({"ref": "t1", "order": "O0001", "shipments": [{"tracking_number": DHL[0], **RETURN}]})
    api.update({"ref": "t2", "order": "NOPE", "events": ["returned"]}, status=422)
    api.get("/api/v1/fetchOrders", token=f"Bearer {token[:-2]}zz")  # a near miss is not logged either
    for handler in __import__("logging").getLogger("app").handlers:
        handler.flush()
    logged = "".join(p.read_text(encoding="utf-8") for p in app_ctx.paths.logs.glob("*.log*"))
    assert "updateOrders (token 'ERP')" in logged + caplog.text  # the name is logged, never the token
    for secret in (token, token[4:], token[12:], token[:-2] + "zz"):
        assert secret not in logged and secret not in caplog.text
        assert secret not in dump_database(app_ctx)
    assert ApiTokenStore(app_ctx.engine).get("ERP").prefix == token[:12]


# -- fetchOrders -------------------------------------------------------------------------------------------

def test_orders_come_in_the_cli_shape_with_change_and_export_state(api, app_ctx, desk):
    otto_orders(desk, 3)
    desk.write([make_order(OTTO, "HELD", (line("h1", "A", status=LineStatus.PENDING),), held=True)], BASE)
    page = api.orders()
    assert (page["count"], page["has_more"]) == (4, False)
    cli = {o["id"]: o for o in iter_orders(app_ctx.engine)}
    for order in page["orders"]:
        extra = {k: order.pop(k) for k in ("updated_at", "last_export")}
        assert order == cli[order["id"]]
        assert extra == {"updated_at": BASE.isoformat(), "last_export": None}
    held = next(o for o in page["orders"] if o["order_number"] == "HELD")
    assert (held["backlog"], held["hold_reason"], held["lines"][0]["status"]) == (True, "payment_check", "pending")
    first = page["orders"][0]
    assert first["shipping_address"]["city"] == "Hamburg" and first["total"] == "59.97"
    assert [ln["sku"] for ln in first["lines"]] == ["A", "B"]


def test_cursor_paging_misses_and_repeats_nothing_while_orders_arrive_and_change(api, desk):
    otto_orders(desk, 20)  # one fetch page: all share one updated_at, the id breaks the tie
    seen: list[tuple[int, str]] = []

    def between(page_no: int) -> None:
        if page_no == 1:  # new orders, one already handed out changes, one not yet handed out changes
            otto_orders(desk, 5, at=BASE + timedelta(minutes=1), start=21)
            desk.write([make_order(OTTO, "O0002", (line("O2-1", "A", status=LineStatus.SHIPPED), line("O2-2", "B", 2)),
                                   modified=BASE + timedelta(minutes=1)),
                        make_order(OTTO, "O0015", (line("O15-1", "A", status=LineStatus.CANCELLED),
                                                   line("O15-2", "B", 2)), modified=BASE + timedelta(minutes=1))],
                       BASE + timedelta(minutes=2))

    items, cursor = read_all(api, "orders", "orders", between=between, limit=6)
    seen = [(o["id"], o["updated_at"]) for o in items]
    assert len(seen) == len(set(seen)), "an order version was handed out twice"
    numbers = [o["order_number"] for o in items]
    assert sorted(set(numbers)) == [f"O{i:04d}" for i in range(1, 26)], "an order was missed"
    assert numbers.count("O0002") == 2 and numbers.count("O0015") == 1  # changed after / before it was read
    assert [(o["order_number"], o["status"]) for o in items[-2:]] == [("O0002", "partially_shipped"),
                                                                      ("O0015", "open")]
    assert items[-1]["lines"][0]["status"] == "cancelled"
    keys = [(o["updated_at"], o["id"]) for o in items]
    assert keys == sorted(keys)
    # the ERP keeps the last cursor: next time it gets exactly what is new since
    assert api.orders(cursor=cursor)["orders"] == []
    otto_orders(desk, 1, at=BASE + timedelta(minutes=3), start=26)
    later = api.orders(cursor=cursor)
    assert [o["order_number"] for o in later["orders"]] == ["O0026"] and later["next_cursor"] != cursor


def test_since_an_export_date_and_channel_filter(api, desk):
    otto_orders(desk, 2)
    otto_orders(desk, 2, at=BASE + timedelta(hours=1), start=3)
    desk.write([make_order(AMAZON, "AZ-1", (line("a1", "A"),))], BASE + timedelta(hours=1))
    since = (BASE + timedelta(hours=1)).isoformat()
    assert [o["order_number"] for o in api.orders(since=since)["orders"]] == ["O0003", "O0004", "AZ-1"]
    assert [o["order_number"] for o in api.orders(since=since, channel="amazon")["orders"]] == ["AZ-1"]
    assert len(api.orders(since=BASE.date().isoformat())["orders"]) == 5
    in_berlin = (BASE + timedelta(hours=1)).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert len(api.orders(since=in_berlin.isoformat())["orders"]) == 3
    page = api.orders(since=since, limit=2)
    assert page["has_more"] and [o["order_number"] for o in api.orders(cursor=page["next_cursor"])["orders"]] == ["AZ-1"]


def test_fresh_orders_are_held_back_until_they_settle(app_ctx, desk, token):
    now = [BASE + timedelta(hours=1, seconds=10)]
    api = Api(create_app(app_ctx, settle_seconds=30, clock=lambda: now[0]), token)
    try:
        otto_orders(desk, 2)
        otto_orders(desk, 2, at=BASE + timedelta(hours=1), start=3)  # written 10 s "ago"
        page = api.orders()
        assert [o["order_number"] for o in page["orders"]] == ["O0001", "O0002"] and not page["has_more"]
        now[0] += timedelta(seconds=25)
        assert [o["order_number"] for o in api.orders(cursor=page["next_cursor"])["orders"]] == ["O0003", "O0004"]
    finally:
        api.close()


def test_mark_exported_and_only_unexported(api, desk):
    otto_orders(desk, 5)
    first = api.orders(limit=3, mark_exported="true")
    assert [o["last_export"] for o in first["orders"]] == [None] * 3  # the state before this call
    assert desk.count(schema.ErpExport) == 3
    rest = api.orders(only_unexported="true")
    assert [o["order_number"] for o in rest["orders"]] == ["O0004", "O0005"]
    again = api.orders()["orders"]
    marks = [o["last_export"] for o in again]
    assert all(m is not None and m["version"] == BASE.isoformat() and not m["changed_since"] for m in marks[:3])
    assert marks[3:] == [None, None]
    # a changed exported order is "not exported" again, and says so
    desk.write([make_order(OTTO, "O0002", (line("O2-1", "A", status=LineStatus.SHIPPED), line("O2-2", "B", 2)),
                           modified=BASE + timedelta(minutes=5))], BASE + timedelta(minutes=5))
    pending = api.orders(only_unexported="1", mark_exported="1")["orders"]
    assert [o["order_number"] for o in pending] == ["O0004", "O0005", "O0002"]
    assert pending[-1]["last_export"]["changed_since"] is True
    assert api.orders(only_unexported="true")["orders"] == []
    assert desk.count(schema.ErpExport) == 5


@pytest.mark.parametrize("query, code, parameter", [
    ("limit=0", "bad_request", "limit"), ("limit=1001", "bad_request", "limit"), ("limit=ten", "bad_request", "limit"),
    ("channel=zalando", "bad_request", "channel"), ("only_unexported=maybe", "bad_request", "only_unexported"),
    ("mark_exported=", "bad_request", "mark_exported"), ("since=yesterday", "bad_request", "since"),
    ("since=2026-05-02T08:00:00", "bad_request", "since"), ("limt=5", "bad_request", "limt"),
    ("limit=5&limit=6", "bad_request", "limit"), ("cursor=not-a-cursor!", "bad_cursor", "cursor"),
    (f"cursor={payment_cursor(3)}", "bad_cursor", "cursor"),  # a fetchPayments cursor
    (f"cursor={encode_cursor('orders', {'t': 3, 'i': 1})}", "bad_cursor", "cursor"),  # damaged
    (f"cursor={encode_cursor('orders', {'t': '2026-01-01T00:00:00', 'i': 1})}", "bad_cursor", "cursor"),  # naive
    (f"cursor={order_cursor(OrderPosition(BASE, 1))}&since=2026-01-01", "bad_request", "since"),
])
def test_bad_fetch_orders_parameters_are_400_naming_the_parameter(api, query, code, parameter):
    response = api.get(f"/api/v1/fetchOrders?{query}")
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]["parameter"]) == (code, parameter)


# -- fetchPayments -----------------------------------------------------------------------------------------

def test_payments_page_by_cursor_with_stable_ids_while_receipts_arrive(api, app_ctx, desk):
    otto_orders(desk, 8)

    def between(page_no: int) -> None:
        if page_no == 1:  # a line cancelled at OTTO (refund), and new orders (payments)
            desk.write([make_order(OTTO, "O0001", (line("O1-1", "A", status=LineStatus.CANCELLED),
                                                   line("O1-2", "B", 2)), modified=BASE + timedelta(minutes=1))],
                       BASE + timedelta(minutes=1))
            otto_orders(desk, 3, at=BASE + timedelta(minutes=1), start=9)

    items, cursor = read_all(api, "payments", "payments", between=between, limit=3)
    stored = list(iter_payments(app_ctx.engine))
    assert [p["id"] for p in items] == [p["id"] for p in stored], "missed, repeated or out of order"
    assert len({p["payment_id"] for p in items}) == len(items) == 12
    for p in items:
        assert p["payment_id"] == p["receipt_key"] and p["payment_system"] == "OTTO Market"
        assert p["marketplace_id"] == "mp-" + p["order_number"]
    refund = [p for p in items if p["kind"] == "refund"]
    assert [(r["order_number"], r["amount"], r["line_id"]) for r in refund] == [("O0001", "19.99", "O1-1")]
    assert api.payments(cursor=cursor)["payments"] == []
    assert api.payments(channel="amazon")["payments"] == []


def test_a_young_receipt_stops_the_page_so_an_older_uncommitted_one_cannot_be_passed(app_ctx, desk, token):
    now = [BASE + timedelta(hours=1, seconds=5)]
    api = Api(create_app(app_ctx, settle_seconds=30, clock=lambda: now[0]), token)
    try:
        otto_orders(desk, 2)
        otto_orders(desk, 1, at=BASE + timedelta(hours=1), start=3)  # young
        otto_orders(desk, 1, at=BASE, start=4)  # old stamp, higher id: as if it committed late
        page = api.payments()
        assert [p["order_number"] for p in page["payments"]] == ["O0001", "O0002"] and not page["has_more"]
        now[0] += timedelta(seconds=30)
        assert [p["order_number"] for p in api.payments(cursor=page["next_cursor"])["payments"]] == ["O0003", "O0004"]
    finally:
        api.close()


@pytest.mark.parametrize("query, code", [("limit=-1", "bad_request"), ("cursor=%%%", "bad_cursor"),
                                         ("since=2026-01-01", "bad_request"), ("channel=OTTO", "bad_request"),
                                         (f"cursor={encode_cursor('payments', {'i': -3})}", "bad_cursor"),
                                         (f"cursor={order_cursor(OrderPosition(BASE, 1))}", "bad_cursor")])
def test_bad_fetch_payments_parameters_are_400(api, query, code):
    response = api.get(f"/api/v1/fetchPayments?{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == code, response.text


# -- updateOrders ------------------------------------------------------------------------------------------

def test_shipments_cancellations_and_events_become_status_protocols(api, app_ctx, desk):
    otto_orders(desk, 3)
    result = api.update(
        {"ref": "erp-1", "order": "O0001", "shipments": [
            {"tracking_number": DHL[0], "lines": [{"sku": "B", "quantity": 1}], **RETURN},
            {"tracking_number": DHL[1], "carrier": "DHL Paket", "ship_date": "2026-11-02",
             "lines": [{"line_id": "O1-1", "quantity": 1}, {"sku": "B", "quantity": 1}], **RETURN}]},
        {"ref": "erp-2", "order": "mp-O0002", "cancellations": [{"reason": "CANCELLED_ON_CUSTOMER_WISH",
                                                                 "lines": [{"sku": "B", "quantity": 2}]}]},
        {"ref": "erp-3", "order": "#3", "events": ["invoice_created", "payment_settled"]})["results"]
    one, two, three = result
    assert [(r["index"], r["ref"], r["replayed"]) for r in result] == [(0, "erp-1", False), (1, "erp-2", False),
                                                                       (2, "erp-3", False)]
    assert one["order"] == {"id": 1, "order_number": "O0001", "channel": "otto"}
    p1, p2 = one["shipments"]
    assert (p1["package_no"], p1["carrier"], p1["carrier_proposed"], p1["carrier_code"]) == (1, "dhl_paket", True, "DHL")
    assert (p2["package_no"], p2["carrier_proposed"], p2["tracking_number"]) == (2, False, DHL[1])
    assert [(ln["line_id"], ln["quantity"]) for ln in p2["lines"]] == [("O1-1", 1), ("O1-2", 1)]
    assert p1["protocols"] and p2["protocols"] and not p1["waiting_for_tracking"]
    assert two["cancellations"][0]["reason"] == "CANCELLED_ON_CUSTOMER_WISH" and two["cancellations"][0]["protocols"]
    assert [e["event"] for e in three["events"]] == ["invoice_created", "payment_settled"]
    queue = {p.id: p for p in app_ctx.status.queue()}
    for pid in p1["protocols"] + p2["protocols"]:
        assert queue[pid].status.tracking_number in DHL and queue[pid].state == "pending"
    with app_ctx.engine.connect() as conn:
        sources = set(conn.scalars(select(schema.Shipment.__table__.c.source)))
        ship_date = conn.scalar(select(schema.Shipment.__table__.c.ship_date).where(schema.Shipment.__table__.c.id ==
                                                                                     p2["shipment_id"]))
    assert sources == {"erp"} and ship_date == datetime(2026, 11, 2, tzinfo=UTC)
    assert desk.count(schema.ErpRequest) == 3


def test_a_repeated_ref_returns_the_first_result_and_writes_nothing(api, desk):
    otto_orders(desk, 2)
    body = {"ref": "erp-7", "order": "O0001", "shipments": [{"tracking_number": DHL[0], **RETURN,
                                                              "lines": [{"sku": "A", "quantity": 1}]}]}
    first = api.update(body)["results"][0]
    before = desk.written()
    again = api.update({"ref": "erp-8", "order": "O0002", "events": ["returned"]}, body)["results"]
    assert again[1] == {**first, "index": 1, "replayed": True}
    after = desk.written()
    assert after["shipments"] == before["shipments"] and after["erp_requests"] == before["erp_requests"] + 1
    # the same ref for something else is refused, naming it
    refused = api.update({**body, "shipments": [{"tracking_number": DHL[1], **RETURN}]}, status=422)
    [problem] = refused["error"]["details"]["problems"]
    assert problem["index"] == 0 and "used before for a different update" in problem["reason"]


def test_one_bad_update_and_nothing_is_written(api, desk):
    otto_orders(desk, 3)
    desk.write([make_order(OTTO, "HELD", (line("h1", "A", status=LineStatus.PENDING),), held=True)], BASE)
    before = desk.written()
    good = {"ref": "g1", "order": "O0001", "shipments": [{"tracking_number": DHL[0], **RETURN}]}
    bad = [
        ({"ref": "b1", "order": "O0404", "events": ["returned"]}, "order O0404: no such order"),
        ({"ref": "b2", "order": "O0002", "shipments": [{"tracking_number": DHL[1], "carrier": "Brieftaube", **RETURN}]},
         "carrier 'Brieftaube': not a carrier OrderDesk knows"),
        ({"ref": "b3", "order": "O0002", "shipments": [{"tracking_number": DHL[1], **RETURN,
                                                        "lines": [{"sku": "B", "quantity": 3}]}]},
         "line 'B': 3 asked to ship, but only 2 pieces are still open"),
        ({"ref": "b4", "order": "HELD", "shipments": [{"tracking_number": DHL[1], **RETURN}]}, "still held"),
        ({"ref": "b5", "order": "O0003", "shipments": [{"tracking_number": "00340434161234567897", **RETURN}]},
         "check digit is wrong"),
        ({"ref": "b6", "order": "O0003", "shipments": [{"tracking_number": DHL[1]}]}, "return"),
        ({"ref": "b7", "order": "O0003", "cancellations": [{"reason": "BECAUSE"}]}, "not a cancellation reason"),
        ({"ref": "b8", "order": "O0003"}, "nothing to do"),
        ({"ref": "b9", "order": "O0003", "shipments": [{"tracking_number": DHL[1], **RETURN,
                                                        "ship_date": "2026-11-02T10:00:00"}]}, "UTC offset"),
        ({"ref": "b10", "order": "O0003", "shipments": [{"tracking_number": DHL[1], **RETURN,
                                                         "lines": [{"sku": "A", "line_id": "O3-1", "quantity": 1}]}]},
         "exactly one of sku or line_id"),
        ({"ref": "b11", "order": "O0003", "shipments": [{"carrier": "DHL"}]}, "'tracking_number' is a required"),
        ({"ref": "b12", "order": "O0003", "events": ["paid"]}, "'paid' is not one of"),
        ({"ref": "b13", "order": "O0003", "shipments": [{"tracking_number": DHL[1], **RETURN,
                                                         "lines": [{"sku": "A", "quantity": 0}]}]}, "minimum of 1"),
        ({"ref": "b14", "order": "O0003", "trackingNumber": "x", "events": ["returned"]}, "'trackingNumber' was unexpected"),
        ({"ref": "g1", "order": "O0003", "events": ["returned"]}, "appears twice in this request"),
        ({"ref": "b16", "order": "O\x000003", "events": ["returned"]}, "NUL characters"),  # PostgreSQL: a 500 once
    ]
    response = api.post("/api/v1/updateOrders", json={"updates": [good] + [b for b, _ in bad]})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed" and error["message"].startswith(f"{len(bad)} of {len(bad) + 1} ")
    problems = {p["index"]: p for p in error["details"]["problems"]}
    assert sorted(problems) == list(range(1, len(bad) + 1)), problems
    for index, (body, reason) in enumerate(bad, start=1):
        assert problems[index]["ref"] == body["ref"] and reason in problems[index]["reason"], problems[index]
    assert desk.written() == before, "a refused request wrote something"
    # the good update alone goes through
    assert api.update(good)["results"][0]["shipments"][0]["package_no"] == 1


def test_updates_in_one_request_build_on_each_other_and_fail_together(api, desk):
    otto_orders(desk, 1)
    before = desk.written()
    ship_b = lambda ref, qty, tracking: {"ref": ref, "order": "O0001", "shipments": [  # noqa: E731
        {"tracking_number": tracking, **RETURN, "lines": [{"sku": "B", "quantity": qty}]}]}
    refused = api.update(ship_b("u1", 1, DHL[0]), ship_b("u2", 2, DHL[1]), status=422)
    [problem] = refused["error"]["details"]["problems"]
    assert (problem["index"], problem["ref"]) == (1, "u2") and "only 1 piece is still open" in problem["reason"]
    assert desk.written() == before
    done = api.update(ship_b("u1", 1, DHL[0]), ship_b("u2", 1, DHL[1]))["results"]
    assert [r["shipments"][0]["package_no"] for r in done] == [1, 2]


@pytest.mark.parametrize("kw, status, code", [
    ({"content": b"{\"updates\": [", "headers": {"Content-Type": "application/json"}}, 400, "invalid_json"),
    ({"content": b"\xff\xfe", "headers": {"Content-Type": "application/json"}}, 400, "invalid_json"),
    ({"data": {"updates": "x"}}, 415, "unsupported_media_type"),
    ({"json": {"updates": []}}, 422, "validation_failed"),
    ({"json": [1, 2]}, 422, "validation_failed"),
    ({"json": {"updates": [{"ref": "x", "order": "y", "events": ["returned"]}], "extra": 1}}, 422,
     "validation_failed"),
    ({"json": {"updates": [{"ref": str(i), "order": "y", "events": ["returned"]} for i in range(501)]}}, 422,
     "validation_failed"),
    ({"content": b"{\"updates\": [" + b" " * (3 * 1024 * 1024) + b"]}", "headers": {"Content-Type": "application/json"}},
     413, "payload_too_large"),
])
def test_malformed_update_bodies_are_clear_4xx(api, desk, kw, status, code):
    before = desk.written()
    response = api.post("/api/v1/updateOrders", **kw)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert desk.written() == before


def test_unknown_calls_methods_and_parameters(api):
    assert api.get("/api/v1/fetchInvoices").json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/updateOrders").json()["error"]["code"] == "method_not_allowed"
    response = api.post("/api/v1/updateOrders?dry_run=1", json={"updates": []})
    assert response.status_code == 400 and response.json()["error"]["details"]["parameter"] == "dry_run"


# -- end to end: ERP → status protocol → OTTO sandbox -------------------------------------------------------

def test_shipments_reported_by_the_erp_reach_the_otto_sandbox(api, app_ctx, sandbox, otto_account):
    [fetched] = app_ctx.fetch.fetch(account=otto_account.name)
    assert fetched.ok, fetched.error
    app_ctx.status.set_setting("status.ship_from", SHIP_FROM)
    export = api.orders(limit=1000, mark_exported="true")
    order = next(o for o in export["orders"] if o["status"] == "open" and not o["backlog"]
                 and sum(ln["quantity"] for ln in o["lines"]) >= 2)
    first = order["lines"][0]
    body = {"ref": f"erp-{order['order_number']}", "order": order["order_number"], "shipments": [
        {"tracking_number": DHL[0], **RETURN, "lines": [{"line_id": first["line_id"], "quantity": 1}]},
        {"tracking_number": DHL[1], **RETURN}]}
    results = api.update(body)["results"]
    assert [s["package_no"] for s in results[0]["shipments"]] == [1, 2]
    assert api.update(body)["results"][0]["replayed"] is True
    result = app_ctx.status.transmit()
    assert (result.sent, result.failed, result.deferred, result.verified) == (2, 0, 0, 2), result.errors
    assert app_ctx.status.transmit().sent == 0
    records = httpx.get(f"{sandbox.describe()['otto']['base_url']}/_sandbox/status-requests", timeout=30).json()
    shipped = [r for r in records["requests"] if r["kind"] == "shipment" and not r["swallowed"]
               and r["order_id"] == order["marketplace_id"]]
    assert sorted(r["tracking_number"] for r in shipped) == sorted(DHL)
    # the payments of the fetched orders, with OTTO's synthetic receipts
    payments, _ = read_all(api, "payments", "payments", limit=50)
    assert payments and {p["payment_system"] for p in payments} == {"OTTO Market"}
    assert len({p["payment_id"] for p in payments}) == len(payments)
    # the next fetch learns the new state; the ERP sees the order as changed since its export
    [again] = app_ctx.fetch.fetch(account=otto_account.name)
    assert again.ok, again.error
    changed = api.orders(cursor=export["next_cursor"], only_unexported="true")["orders"]
    mine = next(o for o in changed if o["id"] == order["id"])
    assert mine["status"] == "shipped" and mine["last_export"]["changed_since"] is True


# -- the real server ------------------------------------------------------------------------------------------

def test_the_real_server_on_loopback_serves_while_a_call_waits_for_the_database(app_ctx, desk, token):
    otto_orders(desk, 2)
    headers = {"Authorization": f"Bearer {token}"}
    server = serve_api(app_ctx, port=0, settle_seconds=0).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            assert client.get("/api/v1/fetchOrders").json()["count"] == 2  # also sets last_used_at
            held, release = threading.Event(), threading.Event()

            def hold_lock() -> None:  # another workstation's long write on the order
                with write_transaction(app_ctx.engine) as conn:
                    conn.execute(update(schema.Order.__table__).where(schema.Order.__table__.c.id == 1)
                                 .values(payment_method="PAYPAL"))
                    held.set()
                    release.wait(30)

            holder = threading.Thread(target=hold_lock)
            holder.start()
            assert held.wait(10)
            answer: list = []
            body = {"updates": [{"ref": "wait-1", "order": "O0001", "shipments": [{"tracking_number": DHL[0],
                                                                                   **RETURN}]}]}
            poster = threading.Thread(target=lambda: answer.append(client.post("/api/v1/updateOrders", json=body)))
            poster.start()
            time.sleep(0.5)
            assert not answer, "updateOrders did not wait for the lock"
            started = time.perf_counter()
            for _ in range(3):  # the event loop is free: other calls are answered meanwhile
                assert client.get("/api/v1/fetchOrders").status_code == 200
                assert client.get("/api/v1/fetchPayments").status_code == 200
            assert time.perf_counter() - started < 5
            assert not answer
            release.set()
            holder.join(30)
            poster.join(60)
            assert answer and answer[0].status_code == 200, answer and answer[0].text
    finally:
        release.set()
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/api/v1/openapi.json", timeout=5)


def test_the_same_update_sent_twice_at_once_is_applied_once(app_ctx, desk, token):
    otto_orders(desk, 3)
    body = {"updates": [{"ref": f"race-{i}", "order": f"O000{i}", "shipments": [{"tracking_number": DHL[0], **RETURN}]}
                        for i in (1, 2, 3)]}
    server = serve_api(app_ctx, port=0, settle_seconds=0).start()
    try:
        go = threading.Barrier(4)
        answers: list = []

        def send() -> None:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
                go.wait()
                answers.append(c.post("/api/v1/updateOrders", json=body))

        senders = [threading.Thread(target=send) for _ in range(4)]
        for t in senders:
            t.start()
        for t in senders:
            t.join(120)
    finally:
        server.stop()
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    replayed = [[r["replayed"] for r in a.json()["results"]] for a in answers]
    assert sorted(replayed) == [[False] * 3] + [[True] * 3] * 3
    assert desk.count(schema.Shipment) == 3 and desk.count(schema.ErpRequest) == 3
    first = next(a for a in answers if not a.json()["results"][0]["replayed"]).json()["results"]
    assert all([{**r, "replayed": False} for r in a.json()["results"]] == first for a in answers)


def _self_signed(tmp_path):  # type: ignore[no-untyped-def]
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_tls_by_configuration(app_ctx, desk, token, tmp_path):
    otto_orders(desk, 1)
    cert, key = _self_signed(tmp_path)
    with pytest.raises(ValueError, match="both a certificate and its private key"):
        serve_api(app_ctx, port=0, tls_cert=cert)
    with pytest.raises(ValueError, match="no such file"):
        serve_api(app_ctx, port=0, tls_cert=cert, tls_key=tmp_path / "missing.pem")
    server = serve_api(app_ctx, port=0, tls_cert=cert, tls_key=key, settle_seconds=0).start()
    try:
        assert server.url.startswith("https://127.0.0.1:")
        response = httpx.get(f"{server.url}/api/v1/fetchOrders", headers={"Authorization": f"Bearer {token}"},
                             verify=__import__("ssl").create_default_context(cafile=str(cert)), timeout=30)
        assert response.status_code == 200 and response.json()["count"] == 1
        with pytest.raises(httpx.ConnectError):  # an untrusted certificate is refused by the client
            httpx.get(f"{server.url}/api/v1/openapi.json", timeout=10)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError)):  # no plain HTTP
            httpx.get(f"{server.url.replace('https', 'http')}/api/v1/openapi.json", timeout=10)
    finally:
        server.stop()


def test_a_port_in_use_is_an_error_at_start(app_ctx):
    first = serve_api(app_ctx, port=0).start()
    try:
        # asyncio sets TCP_NODELAY only on sockets made with proto IPPROTO_TCP; without it small
        # answers waited ~40 ms each for the client's delayed ACK (docs/PERFORMANCE.md)
        assert first._socket is not None and first._socket.proto == __import__("socket").IPPROTO_TCP
        with pytest.raises(OSError, match="cannot listen on 127.0.0.1"):
            serve_api(app_ctx, port=first.port).start()
    finally:
        first.stop()


def test_a_database_that_cannot_be_reached_is_503_not_a_traceback(caplog):
    from types import SimpleNamespace

    from app.store.db import create_store_engine

    engine = create_store_engine("postgresql+psycopg://nobody@127.0.0.1:9/nothing")  # nothing listens on port 9
    api = Api(create_app(SimpleNamespace(engine=engine, status=None), settle_seconds=0), "odk_" + "A" * 43)
    api.client = type(api.client)(api.client.app, raise_server_exceptions=False)
    try:
        response = api.get("/api/v1/fetchOrders")
        assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"
        assert "odk_" not in caplog.text and "database unavailable" in caplog.text
    finally:
        api.close()
        engine.dispose()
