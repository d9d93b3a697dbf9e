"""Window mode of the lazy model (large results sorted by an indexed column), on SQLite and
PostgreSQL: the rows, their order, refreshes and selections must be those of list mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt

from app.ui.db_worker import DbWorker
from app.ui.orders_model import OrdersModel
from tests.ui.sqldata import add_account, insert_orders

N = 1000
LIMIT = 150  # results above this many rows are windowed in these tests


@pytest.fixture
def ctx(app_ctx, qapp, monkeypatch):
    monkeypatch.setattr(OrdersModel, "LIST_LIMIT", LIMIT)
    monkeypatch.setattr(OrdersModel, "BLOCK", 40)
    account = add_account(app_ctx)
    insert_orders(app_ctx.engine, account.id, N)
    return app_ctx


def listed(model: OrdersModel) -> list[int]:
    return [model.row_id(r) for r in range(model.rowCount())]  # type: ignore[misc]


def keys(model: OrdersModel) -> list[str]:
    return [c.key for c in model.columns]


@pytest.mark.parametrize("key", ["order_date", "order_number"])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_windowed_rows_are_the_sorted_list(ctx, key, order):
    model = OrdersModel(ctx.engine)
    model.reload()
    model.sort(keys(model).index(key), order)
    assert model.windowed() and model.rowCount() == N
    windowed = listed(model)
    model.LIST_LIMIT = N  # the same sort as one id list
    model.refresh(reset=True)
    assert not model.windowed()
    assert windowed == model.ids() and len(set(windowed)) == N


def test_blocks_are_read_on_demand_from_the_nearer_end(ctx):
    model = OrdersModel(ctx.engine)
    model.reload()
    assert model.windowed() and model.rowCount() == N and model.block_loads == 0
    assert model.index(0, 0).data() == f"ON-{N - 1:06d}"  # newest first; the first block came with the count
    assert model.block_loads == 1 and model.cached_rows() == OrdersModel.BLOCK
    assert model.index(N - 1, 0).data() == "ON-000000"
    assert model.block_loads == 2
    assert model.index(N // 2, 0).data() == f"ON-{N - 1 - N // 2:06d}"
    assert model.row_of(model.row_id(777)) == 777  # type: ignore[arg-type]
    assert model.contains(model.row_id(3)) and not model.contains(10**9)  # type: ignore[arg-type]


def test_refresh_keeps_the_selection_when_new_orders_arrive(ctx, qtbot):
    model = OrdersModel(ctx.engine)
    model.reload()
    selection = QItemSelectionModel(model)
    target = model.index(500, 0)
    selected_number = target.data()
    selection.select(target, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    keep = QPersistentModelIndex(target)
    insert_orders(ctx.engine, ctx.accounts.get("OTTO Test").id, 25, start=N)
    model.refresh()
    assert model.rowCount() == N + 25
    assert model.index(0, 0).data() == f"ON-{N + 24:06d}"  # new orders at the top
    assert keep.isValid() and keep.row() == 525 and model.index(keep.row(), 0).data() == selected_number
    assert [i.row() for i in selection.selectedRows()] == [525]
    # Sorting moves the selection along with its row.
    model.sort(keys(model).index("order_number"), Qt.SortOrder.AscendingOrder)
    assert keep.isValid() and model.index(keep.row(), 0).data() == selected_number
    assert keep.row() == int(selected_number[3:])
    # Nothing changed: a refresh is a no-op.
    loads = model.block_loads
    model.refresh()
    assert model.block_loads == loads and keep.row() == int(selected_number[3:])


def test_between_list_and_window_mode_through_the_worker(ctx, qtbot):
    worker = DbWorker()
    try:
        model = OrdersModel(ctx.engine, worker=worker)
        model.reload()
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.set_search("ON-0001")  # 100 rows: an id list
        assert not model.windowed() and model.rowCount() == 100
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.set_search("ON-000")  # 1000 rows: windowed
        assert model.windowed() and model.rowCount() == N
        selection = QItemSelectionModel(model)
        selection.select(model.index(5, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        number = model.index(5, 0).data()
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.sort(keys(model).index("customer"), Qt.SortOrder.AscendingOrder)  # no index: an id list
        assert not model.windowed()
        assert [model.index(i.row(), 0).data() for i in selection.selectedIndexes()] == [number]
    finally:
        worker.stop()


def test_qt_model_tester_in_window_mode(qtmodeltester, ctx):
    model = OrdersModel(ctx.engine)
    model.reload()
    assert model.windowed()
    qtmodeltester.check(model)
    insert_orders(ctx.engine, ctx.accounts.get("OTTO Test").id, 30, start=N)
    model.refresh()
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    model.set_search("ON-0001")
    qtmodeltester.check(model)
