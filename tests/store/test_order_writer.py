"""The page writer and the watermark directly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.domain.orders import Address, Channel, HoldReason, LineStatus, Order, OrderLine
from app.store import schema, sync_state
from app.store.db import write_transaction
from app.store.migrate import is_current, upgrade
from app.store.order_writer import write_page

T0 = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
ADDR = Address("Erika", "Beispiel", "Musterweg", "7a", "22089", "Hamburg", "DE")


def make(i: int, *, modified: datetime = T0, status: LineStatus = LineStatus.OPEN, held: bool = False) -> Order:
    return Order(Channel.OTTO, f"so-{i}", f"N{i:09d}", T0, modified, "EUR",
                 (OrderLine(f"p{i}-1", "SKU", "Toaster", 1, 4999, 1900, status),),
                 shipping_address=None if held else ADDR, billing_address=None if held else ADDR,
                 hold_reason=HoldReason.PAYMENT_CHECK if held else None)


def rows(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def account(ctx):
    return ctx.accounts.add("otto", "A", "http://127.0.0.1:9")


def write(ctx, acc, orders):
    with write_transaction(ctx.engine) as conn:
        return write_page(conn, acc.id, orders, datetime.now(UTC))


def test_migrations_are_current_and_rerunnable(app_ctx):
    assert is_current(app_ctx.engine)
    upgrade(app_ctx.engine)  # a second workstation starting later migrates nothing
    assert is_current(app_ctx.engine)


def test_same_page_twice_is_a_no_op(app_ctx):
    acc = account(app_ctx)
    page = [make(i) for i in range(50)]
    first = write(app_ctx, acc, page)
    second = write(app_ctx, acc, page)
    assert (first.new, first.receipts) == (50, 50)
    assert (second.new, second.updated, second.unchanged, second.receipts) == (0, 0, 50, 0)
    assert rows(app_ctx, schema.Order) == 50 and rows(app_ctx, schema.OrderLine) == 50
    assert rows(app_ctx, schema.PaymentReceipt) == 50


def test_older_version_never_overwrites_newer(app_ctx):
    acc = account(app_ctx)
    newer = make(1, modified=T0 + timedelta(hours=1), status=LineStatus.CANCELLED)
    write(app_ctx, acc, [make(1)])
    write(app_ctx, acc, [newer])
    stale = write(app_ctx, acc, [make(1)])  # an overlapping fetch that read before the change
    assert stale.updated == 0
    with app_ctx.engine.connect() as conn:
        assert conn.scalar(select(schema.Order.status)) == "cancelled"


def test_release_fills_address_and_books_payment_once(app_ctx):
    acc = account(app_ctx)
    held = write(app_ctx, acc, [make(1, held=True, status=LineStatus.PENDING)])
    assert (held.held, held.receipts) == (1, 0)
    assert rows(app_ctx, schema.Address) == 0
    released = write(app_ctx, acc, [make(1, modified=T0 + timedelta(minutes=35))])
    assert (released.released, released.receipts) == (1, 1)
    assert rows(app_ctx, schema.Address) == 2
    with app_ctx.engine.connect() as conn:
        order = conn.execute(select(schema.Order.__table__)).one()
    assert order.hold_reason is None and order.released_at is not None


def test_same_marketplace_id_in_two_accounts_is_two_orders(app_ctx):
    a, b = account(app_ctx), app_ctx.accounts.add("otto", "B", "http://127.0.0.1:9")
    write(app_ctx, a, [make(1)])
    write(app_ctx, b, [make(1)])
    assert rows(app_ctx, schema.Order) == 2 and rows(app_ctx, schema.PaymentReceipt) == 2


def test_watermark_only_moves_forward(app_ctx):
    acc = account(app_ctx)
    with write_transaction(app_ctx.engine) as conn:
        sync_state.advance_watermark(conn, acc.id, T0 + timedelta(hours=2))
        sync_state.advance_watermark(conn, acc.id, T0)
    assert sync_state.watermark(app_ctx.engine, acc.id) == T0 + timedelta(hours=2)


def test_failed_transaction_leaves_nothing(app_ctx):
    acc = account(app_ctx)
    try:
        with write_transaction(app_ctx.engine) as conn:
            write_page(conn, acc.id, [make(i) for i in range(10)], datetime.now(UTC))
            sync_state.advance_watermark(conn, acc.id, T0)
            raise RuntimeError("killed mid-page")
    except RuntimeError:
        pass
    assert rows(app_ctx, schema.Order) == 0 and sync_state.watermark(app_ctx.engine, acc.id) is None


def test_an_order_twice_in_one_page_keeps_its_newest_version(app_ctx):
    acc = account(app_ctx)
    newer = make(1, modified=T0 + timedelta(hours=1), status=LineStatus.CANCELLED)
    out = write(app_ctx, acc, [newer, make(1)])  # the older copy comes last
    assert out.new == 1 and rows(app_ctx, schema.Order) == 1
    with app_ctx.engine.connect() as conn:
        assert conn.scalar(select(schema.Order.status)) == "cancelled"


def test_migrations_match_the_models(app_ctx):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
        return not schema.is_search_object(name)  # dialect-specific, created by migration 0002 only

    with app_ctx.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False,
                                                                       "include_name": include_name}),
                                schema.Base.metadata)
    assert diff == []
