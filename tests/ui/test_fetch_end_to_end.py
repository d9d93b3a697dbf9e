"""The whole desk against a real OTTO sandbox on a loopback port, driven through the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from sqlalchemy import func, select

from app.store import schema
from app.ui.main_window import MainWindow
from tests.sandbox_access import control

ORDERS = schema.Order.__table__


def db_count(ctx, backlog: bool = False) -> int:
    stmt = select(func.count()).select_from(ORDERS)
    if backlog:
        stmt = stmt.where(ORDERS.c.hold_reason.is_not(None))
    with ctx.engine.connect() as conn:
        return int(conn.scalar(stmt))


def finished_fetches(window: MainWindow) -> int:
    return sum(1 for m in window.log_dock.messages() if m.startswith("Fetch finished"))


@pytest.fixture
def window(qtbot, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    account = ui_ctx.accounts.add("otto", "OTTO Nord", info["base_url"])
    for field, value in info["credentials"].items():
        ui_ctx.secrets().set(account.secret_ref, field, value)
    win = MainWindow(ui_ctx, refresh_ms=300, log_poll_ms=200)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def test_fetch_backlog_and_release_through_the_window(qtbot, window, ui_ctx, sandbox):
    orders_page = window.ribbon.widget(window.ribbon.index_of_key("orders"))
    otto = orders_page.findChild(QToolButton, "RibbonButton:channel:otto")
    for channel in ("amazon", "ebay", "kaufland", "shopware"):  # every channel comes from the registry
        assert orders_page.findChild(QToolButton, f"RibbonButton:channel:{channel}").isEnabled()
    qtbot.mouseClick(otto, Qt.MouseButton.LeftButton)
    assert window.channel() == "otto"

    qtbot.mouseClick(orders_page.findChild(QToolButton, "RibbonButton:fetch"), Qt.MouseButton.LeftButton)
    dialog = window.fetch_dialogs["otto"]
    assert dialog.isVisible() and dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "never"
    qtbot.mouseClick(dialog.fetch_all, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isEnabled()  # running in the background, the window is free

    qtbot.waitUntil(lambda: finished_fetches(window) == 1, timeout=30_000)
    total = db_count(ui_ctx)
    held = db_count(ui_ctx, backlog=True)
    assert total >= 100 and 0 < held < total
    qtbot.waitUntil(lambda: window.orders_view.model.rowCount() == total, timeout=10_000)
    qtbot.waitUntil(lambda: window.backlog_view.model.rowCount() == held, timeout=10_000)
    assert window.ribbon.tabText(window.ribbon.index_of_key("backlog")) == f"Backlog ({held})"
    qtbot.waitUntil(lambda: not dialog.cancel_button.isEnabled(), timeout=5_000)
    assert dialog.model.index(0, 1).data() != "never"
    assert "new" in dialog.model.index(0, 2).data()

    # The backlog view shows the held orders with their reason; the detail pane explains the hold.
    window.show_page("backlog")
    backlog = window.backlog_view
    keys = [c.key for c in backlog.model.columns]
    assert backlog.model.index(0, keys.index("hold_reason")).data() == "Marketplace payment check"
    held_numbers = {backlog.model.index(r, 0).data() for r in range(backlog.model.rowCount())}
    backlog.table.selectRow(0)
    qtbot.waitUntil(lambda: backlog.detail.detail is not None, timeout=5_000)
    assert backlog.detail.hold_banner.isVisible()
    assert "Marketplace payment check" in backlog.detail.hold_banner.text()

    # Later the marketplace releases them; the next fetch takes them out of the backlog.
    sandbox.clock.advance(4 * 1800)
    window.show_page("orders")
    window.fetch_action.trigger()
    qtbot.mouseClick(dialog.fetch_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished_fetches(window) == 2, timeout=30_000)
    qtbot.waitUntil(lambda: window.backlog_view.model.rowCount() == db_count(ui_ctx, backlog=True), timeout=10_000)
    still_held = {backlog.model.index(r, 0).data() for r in range(backlog.model.rowCount())}
    assert not (held_numbers & still_held)
    assert window.ribbon.tabText(window.ribbon.index_of_key("backlog")) == f"Backlog ({len(still_held)})"

    # Released orders now carry payments, and the order detail shows its timeline.
    qtbot.waitUntil(lambda: window.payments_view.model.rowCount() > 0, timeout=10_000)
    number = sorted(held_numbers)[0]
    window.orders_view.search.setText(number)
    qtbot.waitUntil(lambda: window.orders_view.model.rowCount() == 1, timeout=5_000)
    window.orders_view.table.selectRow(0)
    detail = window.orders_view.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.order.order_number == number, timeout=5_000)
    kinds = [e.kind for e in detail.detail.events]
    assert kinds[:2] == ["fetched", "held"] and "released" in kinds and "receipt_payment" in kinds
    assert detail.timeline.topLevelItemCount() == len(kinds)
    assert detail.lines.topLevelItemCount() >= 1


def test_cancel_stops_a_running_fetch_and_the_window_survives(qtbot, window, ui_ctx, sandbox):
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 2, "delay": 1.0})  # a slow marketplace
    dialog = window.open_fetch_dialog()
    qtbot.mouseClick(dialog.fetch_all, Qt.MouseButton.LeftButton)
    assert window.fetcher.is_running()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.fetcher.is_running(), timeout=30_000)
    qtbot.waitUntil(lambda: any(m.startswith("Fetch cancelled") for m in window.log_dock.messages()), timeout=5_000)
    assert "cancelled" in dialog.status.text()
    assert window.isVisible() and dialog.fetch_all.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_failing_account_is_reported_in_the_log_box(qtbot, ui_ctx, keyring_memory):
    account = ui_ctx.accounts.add("otto", "OTTO Kaputt", "http://127.0.0.1:9/otto")  # nothing listens there
    for field in ("client_id", "client_secret"):
        ui_ctx.secrets().set(account.secret_ref, field, "x")
    win = MainWindow(ui_ctx, refresh_ms=300, log_poll_ms=200)
    qtbot.addWidget(win)
    try:
        dialog = win.open_fetch_dialog()
        qtbot.mouseClick(dialog.account_button("OTTO Kaputt"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(m.startswith("Fetching failed") for m in win.log_dock.messages()), timeout=30_000)
        model = win.log_dock.model
        errors = [r for r in range(model.rowCount()) if model.records()[r].level == "error"]
        assert errors and model.index(errors[0], 0).data(Qt.ItemDataRole.BackgroundRole) is not None
        qtbot.waitUntil(lambda: "failed" in dialog.status.text(), timeout=5_000)
        assert dialog.model.index(0, 2).data().startswith("FAILED")
    finally:
        win.shutdown()
