"""Test data written straight into SQL: thousands of orders without a marketplace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.store import schema
from app.store.db import write_transaction

ORDERS = schema.Order.__table__
RECEIPTS = schema.PaymentReceipt.__table__
LOG = schema.LogEntry.__table__

CUSTOMERS = ("Anna Schmidt", "Bernd Müller", "Clara Weber", "Dieter Wagner", "Eva Becker", "Frank_Hoffmann",
             "Gisela 100% Schulz")
BASE = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def add_account(ctx, name: str = "OTTO Test", channel: str = "otto", base_url: str = "http://127.0.0.1:9/otto"):
    return ctx.accounts.add(channel, name, base_url)


def insert_orders(engine: Engine, account_id: int, count: int, *, start: int = 0, channel: str = "otto") -> None:
    """``count`` orders straight into SQL; every 7th held, every 5th with the recycling flag."""
    rows = []
    for i in range(start, start + count):
        held = i % 7 == 3
        when = BASE + timedelta(minutes=i)
        rows.append({
            "account_id": account_id, "channel": channel, "marketplace_id": f"mp-{account_id}-{i:06d}",
            "order_number": f"ON-{i:06d}", "order_date": when, "modified_at": when,
            "status": "pending" if held else ("cancelled" if i % 11 == 0 else "open"),
            "currency": "EUR", "gross_minor": 1000 + i, "total_minor": 1000 + (i * 37) % 90000,
            "payment_method": "OTTO Market", "customer_name": "" if held else CUSTOMERS[i % len(CUSTOMERS)],
            "flags": "recycling_disposal" if i % 5 == 0 else "", "charges": "[]",
            "hold_reason": "payment_check" if held else None, "held_since": when if held else None,
            "expected_release": when + timedelta(minutes=30) if held else None, "released_at": None,
            "fetched_at": when, "updated_at": when,
        })
    with write_transaction(engine) as conn:
        conn.execute(ORDERS.insert(), rows)


def insert_receipts(engine: Engine, order_ids: list[int]) -> None:
    rows = [{"receipt_key": f"r-{oid}-{kind}", "order_id": oid, "kind": kind, "payment_system": "OTTO Market",
             "amount_minor": 1999 + oid, "currency": "EUR", "line_id": "", "created_at": BASE + timedelta(seconds=oid)}
            for oid in order_ids for kind in (("payment", "refund") if oid % 4 == 0 else ("payment",))]
    with write_transaction(engine) as conn:
        conn.execute(RECEIPTS.insert(), rows)


def insert_log(engine: Engine, messages: list[tuple[str, str]]) -> None:
    from app.store import protocol_log
    from app.store.protocol_log import Level

    with write_transaction(engine) as conn:
        for level, message in messages:
            protocol_log.write(conn, Level(level), "test", message, channel="otto", account_name="OTTO Test")
