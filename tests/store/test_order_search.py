"""Order search (migration 0002): the same rows on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.store import schema
from app.store.db import write_transaction
from app.store.queries import has_order_search_index, order_search
from tests.ui.sqldata import CUSTOMERS, add_account, insert_orders

ORDERS = schema.Order.__table__
N = 700


def found(ctx, text: str) -> set[str]:
    with ctx.engine.connect() as conn:
        return set(conn.scalars(select(ORDERS.c.order_number).where(order_search(ctx.engine, text))))


def numbers_where(predicate) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"ON-{i:06d}" for i in range(N) if predicate(i)}


def customer(i: int) -> str:
    return "" if i % 7 == 3 else CUSTOMERS[i % len(CUSTOMERS)]  # as tests.ui.sqldata writes them


def test_search_finds_substrings_of_number_and_customer_case_insensitively(app_ctx):
    account = add_account(app_ctx)
    insert_orders(app_ctx.engine, account.id, N)
    assert found(app_ctx, "ON-0004") == numbers_where(lambda i: 400 <= i < 500)
    assert found(app_ctx, "n-00012") == numbers_where(lambda i: 120 <= i < 130)
    assert found(app_ctx, "clara") == numbers_where(lambda i: customer(i) == "Clara Weber")
    assert found(app_ctx, "CLARA WEB") == found(app_ctx, "clara")
    # Unicode case folding: PostgreSQL's ILIKE and the trigram index agree.
    assert found(app_ctx, "MÜLLER") == numbers_where(lambda i: customer(i) == "Bernd Müller") != set()
    # % and _ are literal characters, not wildcards; short text is a scan with the same meaning.
    assert found(app_ctx, "100%") == numbers_where(lambda i: customer(i) == "Gisela 100% Schulz") != set()
    assert found(app_ctx, "k_Hoff") == numbers_where(lambda i: customer(i) == "Frank_Hoffmann") != set()
    assert found(app_ctx, "_") == found(app_ctx, "k_Hoff")
    assert found(app_ctx, "ä") == set()
    assert found(app_ctx, 'a "quoted" name') == set()
    assert found(app_ctx, "nobody here") == set()


def test_marketplace_ids_are_found_whole(app_ctx):
    account = add_account(app_ctx)
    insert_orders(app_ctx.engine, account.id, 30)
    assert found(app_ctx, f"mp-{account.id}-000017") == {"ON-000017"}
    assert found(app_ctx, f"mp-{account.id}-00001") == set()  # a part of one is not enough


def test_search_index_follows_inserts_updates_and_deletes(app_ctx):
    account = add_account(app_ctx)
    insert_orders(app_ctx.engine, account.id, 20)
    held = "ON-000003"  # held: no customer name yet
    assert found(app_ctx, "Zacharias") == set()
    with write_transaction(app_ctx.engine) as conn:  # released: the address arrives
        conn.execute(update(ORDERS).where(ORDERS.c.order_number == held).values(customer_name="Zacharias Zange"))
    assert found(app_ctx, "zacharias") == {held}
    with write_transaction(app_ctx.engine) as conn:
        conn.execute(update(ORDERS).where(ORDERS.c.order_number == held).values(customer_name="Ida Igel",
                                                                                 order_number="XX-1"))
    assert found(app_ctx, "zacharias") == set() and found(app_ctx, "Ida Igel") == {"XX-1"}
    assert found(app_ctx, "ON-000003") == set()
    with write_transaction(app_ctx.engine) as conn:
        conn.execute(delete(ORDERS).where(ORDERS.c.order_number == "XX-1"))
    assert found(app_ctx, "Ida Igel") == set()


def test_the_search_index_exists_where_the_database_can_have_it(app_ctx):
    engine = app_ctx.engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert has_order_search_index(engine)
            plan = " ".join(str(r) for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT rowid FROM orders_fts WHERE orders_fts MATCH '\"abc\"'"))
            assert "VIRTUAL TABLE" in plan
        else:  # the CI server lets the test role create pg_trgm
            indexes = {r[0] for r in conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'orders'")}
            assert set(schema.ORDER_SEARCH_PG_INDEXES) <= indexes
