"""The main window without a marketplace: ribbon, views, live log box, settings, errors."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QToolButton

from app.ui.errors import ErrorReporter
from app.ui.main_window import MainWindow
from tests.ui.sqldata import add_account, insert_log, insert_orders, insert_receipts


def make_window(qtbot, ctx, **kwargs) -> MainWindow:
    window = MainWindow(ctx, refresh_ms=200, log_poll_ms=100, **kwargs)
    qtbot.addWidget(window)
    return window


def test_ribbon_tabs_views_and_channel_picker(qtbot, ui_ctx):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 70)
    window = make_window(qtbot, ui_ctx)
    try:
        ribbon = window.ribbon
        titles = [ribbon.tabText(i) for i in range(ribbon.count())]
        assert titles == ["Orders", "Backlog (10)", "Payments", "Status && Shipping", "Administration"]
        for key, view in (("backlog", window.backlog_view), ("payments", window.payments_view),
                          ("admin", window.accounts_view), ("orders", window.orders_view)):
            ribbon.setCurrentIndex(ribbon.index_of_key(key))
            assert window.stack.currentWidget() is view
        page = ribbon.widget(ribbon.index_of_key("orders"))
        for key, name in (("amazon", "Amazon"), ("ebay", "eBay"), ("kaufland", "Kaufland"), ("shopware", "Shopware 6")):
            button = page.findChild(QToolButton, f"RibbonButton:channel:{key}")  # from the registry, no window code
            assert button.isEnabled() and button.toolTip() == f"Work with {name}"
        otto = page.findChild(QToolButton, "RibbonButton:channel:otto")
        assert otto.isEnabled() and otto.isChecked()
        shipping = ribbon.widget(ribbon.index_of_key("shipping"))
        for name in ("ship", "cancel_order", "transmit", "status_queue", "status_rules", "status_settings"):
            assert shipping.findChild(QToolButton, f"RibbonButton:{name}") is not None, name
        ribbon.setCurrentIndex(ribbon.index_of_key("shipping"))
        assert window.stack.currentWidget() is window.orders_view  # ship and cancel work on the order list
        ribbon.setCurrentIndex(ribbon.index_of_key("orders"))
        assert window.orders_view.model.rowCount() == 70
        assert window.orders_view.count_label.text() == "70 orders"
    finally:
        window.shutdown()


def test_new_orders_appear_without_restart(qtbot, ui_ctx):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 20)
    window = make_window(qtbot, ui_ctx)
    try:
        window.show()
        window.orders_view.table.selectRow(5)
        selected = window.orders_view.model.index(5, 0).data()
        insert_orders(ui_ctx.engine, account.id, 14, start=20)  # e.g. another workstation fetched
        insert_receipts(ui_ctx.engine, [1, 2, 3])
        qtbot.waitUntil(lambda: window.orders_view.model.rowCount() == 34, timeout=5_000)
        qtbot.waitUntil(lambda: window.backlog_view.model.rowCount() == 5, timeout=5_000)
        qtbot.waitUntil(lambda: window.payments_view.model.rowCount() == 3, timeout=5_000)
        assert window.ribbon.tabText(1) == "Backlog (5)"
        rows = window.orders_view.table.selectionModel().selectedRows()
        assert [window.orders_view.model.index(r.row(), 0).data() for r in rows] == [selected]
    finally:
        window.shutdown()


def test_log_box_polls_new_entries_and_filters_levels(qtbot, ui_ctx):
    insert_log(ui_ctx.engine, [("info", "before start")])
    window = make_window(qtbot, ui_ctx)
    try:
        dock = window.log_dock
        assert dock.messages() == ["before start"]
        insert_log(ui_ctx.engine, [("info", "a page"), ("warning", "odd order"), ("error", "it broke")])
        qtbot.waitUntil(lambda: len(dock.messages()) == 4, timeout=5_000)
        assert dock.count_label.text() == "4 entries · 1 errors"
        dock.level_box.setCurrentIndex(dock.level_box.findData("error"))
        assert dock.proxy.rowCount() == 1 and dock.proxy.index(0, 4).data() == "it broke"
        assert dock.proxy.index(0, 4).data(Qt.ItemDataRole.BackgroundRole) is not None
        dock.level_box.setCurrentIndex(dock.level_box.findData("warning"))
        assert dock.proxy.rowCount() == 2
    finally:
        window.shutdown()


def test_geometry_and_channel_are_remembered(qtbot, ui_ctx):
    window = make_window(qtbot, ui_ctx)
    window.show()
    qtbot.waitExposed(window)
    window.resize(window.width(), 533)  # the offscreen screen is only 800 x 600: vary the height
    window.show_page("payments")
    window.close()  # closeEvent saves
    ini = ui_ctx.paths.config / "orderdesk.ini"
    assert ini.exists()
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    assert settings.value("fetch/channel") == "otto" and settings.value("window/ribbon") == "payments"
    again = make_window(qtbot, ui_ctx)
    try:
        again.show()
        qtbot.waitExposed(again)
        assert again.height() == 533
        assert again.stack.currentWidget() is again.payments_view
        assert again.channel() == "otto"
    finally:
        again.shutdown()


def test_unexpected_errors_are_shown_and_logged_not_fatal(qtbot, monkeypatch, tmp_path):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    reporter = ErrorReporter(tmp_path / "orderdesk.log")
    try:
        raise RuntimeError("surprise")
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(shown), timeout=2_000)
    assert "RuntimeError: surprise" in shown[0] and "window stays open" in shown[0]


def test_administration_lists_and_deactivates_accounts(qtbot, ui_ctx):
    add_account(ui_ctx, "OTTO Eins")
    add_account(ui_ctx, "OTTO Zwei")
    window = make_window(qtbot, ui_ctx)
    try:
        window.show_page("admin")
        view = window.accounts_view
        assert view.model.rowCount() == 2
        view.table.selectRow(1)
        assert view.toggle.text() == "Deactivate"
        qtbot.mouseClick(view.toggle, Qt.MouseButton.LeftButton)
        assert not ui_ctx.accounts.get("OTTO Zwei").active
        dialog = window.open_fetch_dialog()
        assert [a.name for a in dialog.model.accounts()] == ["OTTO Eins"]
        assert dialog.account_button("OTTO Eins") is not None
    finally:
        window.shutdown()
