"""The desk for the Status & Shipping tests: a window over an OTTO sandbox account with fetched
orders and a ship-from address, and helpers to drive it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from sqlalchemy import select

from app.services.status import SETTING_SHIP_FROM
from app.store import schema
from app.store import status_store as store
from app.ui.main_window import MainWindow

ORDERS = schema.Order.__table__
DHL = "00340434161234567896"  # DHL Paket, check digit correct
DHL_RETURN = "00340434169999999990"
UPS_BAD = "1Z1111111111111111"  # UPS shape, wrong check digit


def open_orders(ctx, count: int = 5) -> list[tuple[int, str]]:
    """Released, open orders whose every line is still open: (id, order number)."""
    found = []
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(ORDERS.c.id, ORDERS.c.order_number).where(
            ORDERS.c.status == "open", ORDERS.c.hold_reason.is_(None)).order_by(ORDERS.c.id)).all()
        for row in rows:
            lines = store.line_states(conn, row.id)
            if lines and all(ln.remaining == ln.quantity > 0 for ln in lines):
                found.append((row.id, row.order_number))
            if len(found) == count:
                break
    assert len(found) == count
    return found


@pytest.fixture
def desk(qtbot, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    account = ui_ctx.accounts.add("otto", "OTTO Nord", info["base_url"])
    for field, value in info["credentials"].items():
        ui_ctx.secrets().set(account.secret_ref, field, value)
    assert ui_ctx.fetch.fetch("otto")[0].ok
    ui_ctx.status.set_setting(SETTING_SHIP_FROM, {"city": "Hamburg", "zipCode": "22089", "countryCode": "DEU"})
    window = MainWindow(ui_ctx, refresh_ms=500, log_poll_ms=100)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.orders_view.model.rowCount() > 100, timeout=10_000)
    yield window
    window.shutdown()


def choose(qtbot, window: MainWindow, order_id: int) -> None:
    window.show_page("shipping")
    assert window.orders_view.select_order(order_id)
    qtbot.waitUntil(lambda: window.status_actions.ship_action.isEnabled(), timeout=2_000)


def open_ship_dialog(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    actions = window.status_actions
    page = window.ribbon.widget(window.ribbon.index_of_key("shipping"))
    qtbot.mouseClick(page.findChild(QToolButton, "RibbonButton:ship"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions.ship_dialog is not None and actions.ship_dialog.isVisible(), timeout=5_000)
    return actions.ship_dialog


def queue_row(window: MainWindow, order_number: str):  # type: ignore[no-untyped-def]
    model = window.status_actions.queue_view.model
    return next((r for r in model.records() if r.order_number == order_number), None)
