"""The lazy order model over a few thousand orders written straight into SQL."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from sqlalchemy import select

from app.store import schema
from app.ui.db_worker import DbWorker
from app.ui.orders_model import OrdersModel, like_pattern
from tests.ui.sqldata import CUSTOMERS, add_account, insert_orders

N = 5000
ORDERS = schema.Order.__table__


@pytest.fixture
def big(ui_ctx):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, N)
    return ui_ctx


def numbers(model: OrdersModel, rows) -> list[str]:
    return [model.index(r, 0).data() for r in rows]


def test_id_list_is_loaded_whole_but_rows_lazily_in_blocks(big):
    model = OrdersModel(big.engine)
    model.reload()
    assert model.rowCount() == N
    assert model.cached_rows() == 0 and model.block_loads == 0
    assert model.index(0, 0).data() == f"ON-{N - 1:06d}"  # newest first by default
    assert model.block_loads == 1 and model.cached_rows() == OrdersModel.BLOCK
    for row in range(1, OrdersModel.BLOCK):  # the rest of the block costs no query
        model.index(row, 4).data()
    assert model.block_loads == 1
    assert model.index(N - 1, 0).data() == "ON-000000"
    assert model.block_loads == 2 and model.cached_rows() == 2 * OrdersModel.BLOCK


def test_columns_show_money_flags_and_backlog(big):
    model = OrdersModel(big.engine)
    model.reload()
    keys = [c.key for c in model.columns]
    with big.engine.connect() as conn:
        recycled = conn.scalar(select(ORDERS.c.id).where(ORDERS.c.order_number == "ON-000010"))
        waiting = conn.scalar(select(ORDERS.c.id).where(ORDERS.c.order_number == "ON-000003"))
    row = model.row_of(recycled)
    assert model.index(row, keys.index("flags")).data() == "Recycling & Entsorgung"
    assert model.index(row, keys.index("flags")).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, keys.index("total")).data().endswith("€")
    held = model.row_of(waiting)
    assert model.index(held, keys.index("hold_reason")).data() == "Marketplace payment check"
    assert model.index(held, keys.index("customer")).data() == "(no address yet)"


def test_sorting_happens_in_sql(big):
    model = OrdersModel(big.engine)
    model.reload()
    keys = [c.key for c in model.columns]
    model.sort(keys.index("order_number"), Qt.SortOrder.AscendingOrder)
    assert numbers(model, range(3)) == ["ON-000000", "ON-000001", "ON-000002"]
    model.sort(keys.index("total"), Qt.SortOrder.DescendingOrder)
    with big.engine.connect() as conn:
        expected = list(conn.scalars(select(ORDERS.c.order_number).order_by(ORDERS.c.total_minor.desc(),
                                                                             ORDERS.c.id.desc()).limit(50)))
    assert numbers(model, range(50)) == expected
    model.sort(keys.index("customer"), Qt.SortOrder.AscendingOrder)
    customers = [model.index(r, keys.index("customer")).data() for r in range(model.rowCount())]
    # Held orders have no customer yet ("" in SQL, sorted first); the named ones follow in order.
    named = [c for c in customers if c != "(no address yet)"]
    assert named == sorted(named)
    assert model.block_loads <= N // OrdersModel.BLOCK * 3 + 10


def test_search_matches_order_number_or_customer_with_like(big):
    model = OrdersModel(big.engine)
    model.reload()
    model.set_search("ON-0042")
    assert sorted(numbers(model, range(model.rowCount()))) == [f"ON-0042{i:02d}" for i in range(100)]
    model.set_search("clara")
    assert model.rowCount() > 0
    assert {model.index(r, 4).data() for r in range(model.rowCount())} == {"Clara Weber"}
    # % and _ are literal characters, not wildcards.
    model.set_search("100%")
    assert {model.index(r, 4).data() for r in range(model.rowCount())} == {"Gisela 100% Schulz"}
    model.set_search("k_Hoff")
    assert {model.index(r, 4).data() for r in range(model.rowCount())} == {"Frank_Hoffmann"}
    model.set_search("_")
    assert {model.index(r, 4).data() for r in range(model.rowCount())} == {"Frank_Hoffmann"}
    model.set_search("")
    assert model.rowCount() == N
    assert like_pattern("a%b_c\\") == "%a\\%b\\_c\\\\%"
    assert "Frank_Hoffmann" in CUSTOMERS


def test_backlog_model_lists_only_held_orders_longest_waiting_first(big):
    model = OrdersModel(big.engine, backlog=True)
    model.reload()
    assert model.rowCount() == sum(1 for i in range(N) if i % 7 == 3)
    assert model.index(0, 0).data() == "ON-000003"
    keys = [c.key for c in model.columns]
    assert model.index(0, keys.index("age")).data()  # e.g. "700 d 3 h"
    assert "(due)" in model.index(0, keys.index("expected_release")).data()


def test_refresh_keeps_the_selection_when_new_orders_arrive(big, qtbot):
    model = OrdersModel(big.engine)
    model.reload()
    selection = QItemSelectionModel(model)
    target = model.index(10, 0)
    selected_number = target.data()
    selection.select(target, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    keep = QPersistentModelIndex(target)
    insert_orders(big.engine, big.accounts.get("OTTO Test").id, 25, start=N)
    model.refresh()
    assert model.rowCount() == N + 25
    assert model.index(0, 0).data() == f"ON-{N + 24:06d}"  # new orders at the top
    assert keep.isValid() and keep.row() == 35 and model.index(keep.row(), 0).data() == selected_number
    assert [i.row() for i in selection.selectedRows()] == [35]


def test_refresh_in_the_background_through_the_db_worker(big, qtbot):
    worker = DbWorker()
    try:
        model = OrdersModel(big.engine, worker=worker)
        model.reload()
        insert_orders(big.engine, big.accounts.get("OTTO Test").id, 5, start=N)
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.refresh()
        assert model.rowCount() == N + 5
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.set_search("ON-005003")
        assert model.rowCount() == 1
    finally:
        worker.stop()


def test_a_failing_row_read_shows_empty_cells_and_reports_once(big, qtbot):
    from sqlalchemy import text

    model = OrdersModel(big.engine)
    model.reload()
    broken = model.rows_query
    model.rows_query = lambda ids: text("SELECT * FROM no_such_table")  # type: ignore[method-assign]
    with qtbot.waitSignal(model.failed, timeout=1_000) as failure:
        assert model.index(0, 0).data() is None  # no exception out of data(): painting goes on
    assert "no_such_table" in failure.args[0]
    model.rows_query = broken  # type: ignore[method-assign]
    model.refresh(reset=True)
    assert model.index(0, 0).data() == f"ON-{N - 1:06d}"
