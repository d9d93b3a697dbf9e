"""What keeps the window responsive while a fetch writes (bench/ui_responsiveness.py): hidden
lists wait and catch up, a background refresh brings the rows on screen with it, and the
backlog's id list is read through its partial index."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from sqlalchemy import event, func, select, text

from app.services.fetch import FetchResult
from app.store import schema
from app.ui.db_worker import DbWorker
from app.ui.main_window import MainWindow
from app.ui.orders_model import OrdersModel
from tests.ui.sqldata import add_account, insert_orders, insert_receipts

ORDERS = schema.Order.__table__


def held_count(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(ORDERS).where(ORDERS.c.hold_reason.is_not(None))))


def test_hidden_lists_wait_while_a_fetch_writes_and_catch_up(qtbot, ui_ctx, monkeypatch):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 20)
    window = MainWindow(ui_ctx, refresh_ms=100, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert window.payments_view.model.rowCount() == 0
        monkeypatch.setattr(window.fetcher, "is_running", lambda account_id=None: True)  # a fetch is writing
        qtbot.waitUntil(lambda: not window.worker.busy(), timeout=5_000)  # no read from before is still under way
        insert_orders(ui_ctx.engine, account.id, 10, start=20)
        insert_receipts(ui_ctx.engine, [1, 2, 3])
        # The list on screen keeps up, and so does the backlog's count on its tab ...
        qtbot.waitUntil(lambda: window.orders_view.model.rowCount() == 30, timeout=5_000)
        held = held_count(ui_ctx.engine)
        qtbot.waitUntil(lambda: window.ribbon.tabText(1) == f"Backlog ({held})", timeout=5_000)
        # ... the hidden payments list waits,
        qtbot.wait(500)  # five refresh periods
        assert window.payments_view.model.rowCount() == 0
        # ... and is read as soon as it is shown.
        window.show_page("payments")
        qtbot.waitUntil(lambda: window.payments_view.model.rowCount() == 3, timeout=5_000)
        window.show_page("orders")
        qtbot.waitUntil(lambda: not window.worker.busy(), timeout=5_000)  # a read from while it was shown
        insert_receipts(ui_ctx.engine, [4, 5])  # order 4: payment and refund
        qtbot.wait(500)
        assert window.payments_view.model.rowCount() == 3
        # When the fetch ends every list is read, shown or not: no restart needed.
        monkeypatch.undo()
        assert not window.fetcher.is_running()
        window.fetcher.finished.emit(account, FetchResult(account.name, "otto"))
        qtbot.waitUntil(lambda: window.payments_view.model.rowCount() == 6, timeout=5_000)
    finally:
        monkeypatch.undo()  # before pytest-qt closes the window: it would ask whether to stop the fetch
        window.shutdown()


@pytest.fixture
def windowed(app_ctx, qapp, monkeypatch):
    monkeypatch.setattr(OrdersModel, "LIST_LIMIT", 150)
    monkeypatch.setattr(OrdersModel, "BLOCK", 40)
    account = add_account(app_ctx)
    insert_orders(app_ctx.engine, account.id, 1000)
    return app_ctx


@pytest.mark.parametrize("search", ["", "ON-0001"], ids=["window mode", "list mode"])
def test_a_background_refresh_brings_the_rows_on_screen(windowed, qtbot, search):
    worker = DbWorker()
    try:
        model = OrdersModel(windowed.engine, worker=worker)
        model.reload()
        if search:
            with qtbot.waitSignal(model.refreshed, timeout=10_000):
                model.set_search(search)
        assert model.windowed() == (not search)
        middle = model.rowCount() // 2
        shown = [model.index(row, 0).data() for row in (0, middle)]  # painted: two blocks read here
        selection = QItemSelectionModel(model)
        selection.select(model.index(middle, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        loads = model.block_loads
        # Another workstation changes every order; a few new ones arrive (at the top: newest first).
        with windowed.engine.begin() as conn:
            conn.execute(ORDERS.update().values(customer_name="Neu", updated_at=func.current_timestamp()))
        insert_orders(windowed.engine, windowed.accounts.get("OTTO Test").id, 3, start=1000)
        with qtbot.waitSignal(model.refreshed, timeout=10_000):
            model.refresh()
        customer = [c.key for c in model.columns].index("customer")
        moved = middle + (0 if search else 3)
        assert [i.row() for i in selection.selectedIndexes()] == [moved]
        # The rows at the places painted last came with the refresh: no block read on the GUI thread.
        assert model.is_loaded(0) and model.is_loaded(middle)
        if search:
            assert model.index(0, 0).data() == shown[0] and model.index(0, customer).data() == "Neu"
        else:
            assert model.index(0, 0).data() == "ON-001002"  # the newest new order
        assert model.index(moved, 0).data() == shown[1] and model.index(moved, customer).data() == "Neu"
        assert model.block_loads == loads
    finally:
        worker.stop()


def test_the_backlog_list_is_read_through_its_partial_index(ui_ctx):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 700)
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(ui_ctx.engine, "before_cursor_execute", seen)
    try:
        model = OrdersModel(ui_ctx.engine, backlog=True)
        model.reload()
    finally:
        event.remove(ui_ctx.engine, "before_cursor_execute", seen)
    assert model.rowCount() == held_count(ui_ctx.engine) == 100
    statement, parameters = next((s, p) for s, p in statements if "ORDER BY" in s and "hold_reason" in s)
    with ui_ctx.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    # Not a walk through every order in date order (0.9 s per refresh over a million orders).
    assert "ix_orders_held" in plan, plan


def test_sqlite_is_asked_for_the_plan_not_told(ui_ctx):
    """The hint is a likelihood, not an index name: renaming the index cannot break the backlog."""
    model = OrdersModel(ui_ctx.engine, backlog=True)
    stmt = str(model.list_query(select(ORDERS.c.id)).compile(ui_ctx.engine))
    assert "unlikely(" in stmt and "INDEXED BY" not in stmt
    with ui_ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT unlikely(1)")).scalar() == 1
