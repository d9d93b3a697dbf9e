"""The main window: ribbon on top, the chosen list in the middle, the log box below."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from app import __version__
from app.bootstrap import AppContext
from app.channels.registry import CHANNELS, available
from app.domain.orders import Channel
from app.services.fetch import FetchResult
from app.store.accounts import AccountRecord
from app.ui.accounts_view import AccountsView
from app.ui.db_worker import DbWorker
from app.ui.fetch_controller import FetchController
from app.ui.fetch_dialog import FetchDialog
from app.ui.i18n import save_language, saved_language
from app.ui.icons import icon
from app.ui.jobs_dialog import ServerAdministration
from app.ui.log_dock import LogDock
from app.ui.orders_view import OrdersView
from app.ui.payments_view import PaymentsView
from app.ui.ribbon import Ribbon
from app.ui.status_actions import StatusActions

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = Channel.OTTO.value


def open_settings(ctx: AppContext) -> QSettings:
    """Window settings live in an INI file in the app's config folder, next to nothing else."""
    return QSettings(str(ctx.paths.config / "orderdesk.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, settings: QSettings | None = None, profile_note: str = "",
                 use_worker: bool = True, refresh_ms: int = 10_000, log_poll_ms: int = 1000,
                 auto_tick_ms: int = 30_000) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.ctx = ctx
        self.settings = settings or open_settings(ctx)
        self.profile_note = profile_note
        self.worker = DbWorker(self) if use_worker else None
        self.fetcher = FetchController(ctx.fetch, ctx.secrets, parent=self)
        self.fetch_dialogs: dict[str, FetchDialog] = {}
        self._closing = False
        self._stale: set[QWidget] = set()  # lists not re-read while hidden during a fetch
        self._size_docks = False
        self._log_poll_ms = log_poll_ms
        self._auto_tick_ms = auto_tick_ms

        title = self.tr("OrderDesk")
        if profile_note:
            title += " – " + self.tr("Demo profile")
        self.setWindowTitle(title)
        self.setWindowIcon(icon("app"))
        self.resize(1280, 820)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self._build_actions()
        self._build_views()
        self._build_ribbon()
        self._build_status_bar()

        self.fetcher.started.connect(self._fetch_started)
        self.fetcher.finished.connect(self._fetch_finished)
        self.fetcher.idle.connect(self._fetch_idle)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(self.refresh_all)

        self._restore_settings()
        self.orders_view.reload()
        self.backlog_view.reload()
        self.payments_view.reload()
        self.accounts_view.reload()
        self._update_backlog_count(self.backlog_view.model.rowCount())
        self.log_dock.start()
        self.status_actions.start()
        self.refresh_timer.start()
        if not ctx.accounts.list():
            self.statusBar().showMessage(self.tr("No marketplace account is set up yet. Add one under Administration › "
                                                 "Add account, or start the demo with “orderdesk --demo”."))

    # --- construction --------------------------------------------------------------------
    def _action(self, name: str, text: str, icon_name: str | None = None, slot=None,  # type: ignore[no-untyped-def]
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.fetch_action = self._action("fetch", self.tr("Fetch\norders"), "fetch", self.open_fetch_dialog,
                                         self.tr("Fetch new and changed orders of the chosen sales channel (F9)"))
        self.fetch_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        self.refresh_action = self._action("refresh", self.tr("Refresh"), "refresh", self.refresh_all,
                                           self.tr("Reload the lists from the database (F5)"))
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.open_data_action = self._action("open_data", self.tr("Open data\nfolder"), "folder", self.open_data_folder,
                                             self.tr("Open the folder with the database and the log files"))
        self.about_action = self._action("about", self.tr("About\nOrderDesk"), "app", self.show_about)
        self.add_account_action = self._action("add_account", self.tr("Add\naccount"), "accounts",
                                               lambda: self.accounts_view.add_account(),
                                               self.tr("Connect a marketplace account"))

        self.channel_group = QActionGroup(self)
        self.channel_group.setExclusive(True)
        self.channel_actions: dict[str, QAction] = {}
        for info in CHANNELS.values():
            key = info.channel.value
            action = self._action(f"channel:{key}", info.display_name.replace("&", "&&"), f"channel:{key}")
            action.setCheckable(True)
            action.setData(key)
            if available(info):
                action.setToolTip(self.tr("Work with %1").replace("%1", info.display_name))
            else:
                action.setEnabled(False)
                action.setToolTip(self.tr("Coming in a later version"))
            self.channel_group.addAction(action)
            self.channel_actions[key] = action
        self.channel_group.triggered.connect(self._channel_chosen)

    def _build_views(self) -> None:
        engine = self.ctx.engine
        self.stack = QStackedWidget(self)
        self.orders_view = OrdersView(engine, worker=self.worker, parent=self.stack)
        self.backlog_view = OrdersView(engine, backlog=True, worker=self.worker, parent=self.stack)
        self.payments_view = PaymentsView(engine, worker=self.worker, parent=self.stack)
        self.accounts_view = AccountsView(self.ctx.accounts, self.stack, open_secrets=self.ctx.secrets)
        self.accounts_view.changed.connect(self.refresh_all)
        # Status & Shipping works on the order list; its queue is a dock (app/ui/status_actions.py).
        self.pages = {"orders": self.orders_view, "backlog": self.backlog_view, "payments": self.payments_view,
                      "shipping": self.orders_view, "admin": self.accounts_view}
        for page in dict.fromkeys(self.pages.values()):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self.backlog_view.count_changed.connect(self._update_backlog_count)
        for view in (self.orders_view, self.backlog_view, self.payments_view):
            view.model.failed.connect(self._read_failed)
        self.payments_view.order_requested.connect(self.show_order)

        self.log_dock = LogDock(engine, self.worker, interval_ms=self._log_poll_ms, parent=self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        self.log_action = self.log_dock.toggleViewAction()
        self.log_action.setText(self.tr("Log box"))
        self.log_action.setIcon(icon("log"))
        self.log_action.setObjectName("toggle_log")
        self.log_action.setToolTip(self.tr("Show or hide the log box"))
        self.status_actions = StatusActions(self, auto_tick_ms=self._auto_tick_ms)
        self.status_actions.install()

    def _add_fetch_page(self, ribbon: Ribbon, key: str, title: str, group_title: str, note_text: str) -> None:
        """A ribbon page of a view fed by fetching: Fetch orders, a short note, and the View group."""
        page = ribbon.add_page(key, title)
        group = page.add_group(group_title)
        group.add_large(self.fetch_action)
        note = QLabel(note_text, group)
        note.setObjectName("RibbonNote")
        group.add_widget(note)
        view = page.add_group(self.tr("View"))
        view.add_small(self.refresh_action)
        view.add_small(self.log_action)

    def _build_ribbon(self) -> None:
        ribbon = self.ribbon = Ribbon(self)
        orders = ribbon.add_page("orders", self.tr("Orders"))
        group = orders.add_group(self.tr("Sales channel"))
        for action in self.channel_actions.values():
            group.add_medium(action)
        orders.add_group(self.tr("Fetch")).add_large(self.fetch_action)
        view = orders.add_group(self.tr("View"))
        view.add_small(self.refresh_action)
        view.add_small(self.log_action)

        self._add_fetch_page(ribbon, "backlog", self.tr("Backlog"), self.tr("Releases"),
                             self.tr("Orders wait here until the marketplace\nreleases them; each fetch picks up releases."))
        self._add_fetch_page(ribbon, "payments", self.tr("Payments"), self.tr("Receipts"),
                             self.tr("A payment is recorded when the marketplace\nreleases an order, a refund when it cancels."))

        self.status_actions.fill_ribbon(ribbon.add_page("shipping", self.tr("Status && Shipping")))

        admin = ribbon.add_page("admin", self.tr("Administration"))
        admin.add_group(self.tr("Accounts")).add_large(self.add_account_action)
        self.server_admin = ServerAdministration(self, self.ctx.engine, self.worker)  # Jobs…, API tokens…
        self.server_admin.fill(admin)
        admin.add_group(self.tr("Data")).add_large(self.open_data_action)
        admin.add_group(self.tr("Help")).add_large(self.about_action)
        group = admin.add_group(self.tr("Language"))
        self.language_box = QComboBox(group)
        self.language_box.setObjectName("LanguageBox")
        self.language_box.setToolTip(self.tr("Language of the window; applies after a restart"))
        self.language_box.addItem(self.tr("System default"), "")
        self.language_box.addItem("Deutsch", "de")  # language names in their own language
        self.language_box.addItem("English", "en")
        current = saved_language(self.settings) or saved_language()
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(current or "")))
        self.language_box.currentIndexChanged.connect(self._language_chosen)
        group.add_widget(self.language_box)

        if self.profile_note:
            badge = QLabel(self.tr("Demo profile"), ribbon)
            badge.setObjectName("DemoBadge")
            badge.setToolTip(self.profile_note)
            badge.setStyleSheet("QLabel { background: #fff1d6; color: #7a4b00; border: 1px solid #e0a640; "
                                "border-radius: 3px; padding: 1px 8px; margin: 2px 6px; font-weight: 600; }")
            ribbon.setCornerWidget(badge, Qt.Corner.TopRightCorner)

        ribbon.currentChanged.connect(self._ribbon_tab_changed)
        self.setMenuWidget(ribbon)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.fetch_busy = QProgressBar(self)
        self.fetch_busy.setRange(0, 0)
        self.fetch_busy.setMaximumWidth(120)
        self.fetch_busy.setMaximumHeight(12)
        self.fetch_busy.hide()
        self.fetch_label = QLabel(self)
        bar.addPermanentWidget(self.fetch_label)
        bar.addPermanentWidget(self.fetch_busy)
        where = QLabel(self.profile_note or str(self.ctx.engine.url.render_as_string(hide_password=True)), self)
        where.setStyleSheet("color: palette(mid);")
        bar.addPermanentWidget(where)

    # --- settings ------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        self._size_docks = not (isinstance(state, QByteArray) and self.restoreState(state))
        self.orders_view.restore_state(s, "orders")
        self.backlog_view.restore_state(s, "backlog")
        self.payments_view.restore_state(s, "payments")
        self.set_channel(str(s.value("fetch/channel", DEFAULT_CHANNEL)))
        tab = self.ribbon.index_of_key(str(s.value("window/ribbon", "orders")))
        self.ribbon.setCurrentIndex(max(0, tab))
        self._ribbon_tab_changed(self.ribbon.currentIndex())

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/ribbon", self.ribbon.key_at(self.ribbon.currentIndex()))
        s.setValue("fetch/channel", self.channel())
        self.orders_view.save_state(s, "orders")
        self.backlog_view.save_state(s, "backlog")
        self.payments_view.save_state(s, "payments")
        s.sync()

    # --- channel and fetching -----------------------------------------------------------------
    def channel(self) -> str:
        checked = self.channel_group.checkedAction()
        return str(checked.data()) if checked is not None else DEFAULT_CHANNEL

    def set_channel(self, key: str) -> None:
        action = self.channel_actions.get(key)
        if action is None or not action.isEnabled():
            action = self.channel_actions[DEFAULT_CHANNEL]
        action.setChecked(True)
        self._channel_chosen(action)

    def _channel_chosen(self, action: QAction) -> None:
        name = CHANNELS[Channel(action.data())].display_name
        self.fetch_action.setToolTip(self.tr("Fetch new and changed orders from %1 (F9)").replace("%1", name))
        self.settings.setValue("fetch/channel", action.data())

    def open_fetch_dialog(self) -> FetchDialog:
        key = self.channel()
        dialog = self.fetch_dialogs.get(key)
        if dialog is None:
            dialog = FetchDialog(CHANNELS[Channel(key)], self.ctx.accounts, self.fetcher, self)
            self.fetch_dialogs[key] = dialog
        else:
            dialog.reload_accounts()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _fetch_started(self, account: AccountRecord) -> None:
        self._show_fetch_state()

    def _fetch_finished(self, account: AccountRecord, result: FetchResult) -> None:
        self._show_fetch_state()
        if result.ok and not result.cancelled:
            message = self.tr("%1: %2 new, %3 updated, %4 released").replace("%1", account.name).replace(
                "%2", str(result.counts.new)).replace("%3", str(result.counts.updated)).replace(
                "%4", str(result.counts.released))
        elif result.cancelled:
            message = self.tr("%1: fetch cancelled").replace("%1", account.name)
        else:
            message = self.tr("%1: fetch failed – see the log box").replace("%1", account.name)
        self.statusBar().showMessage(message, 15_000)
        self.log_dock.poll()
        self.refresh_all()

    def _fetch_idle(self) -> None:
        self._show_fetch_state()

    def _show_fetch_state(self) -> None:
        n = self.fetcher.running_count()
        self.fetch_busy.setVisible(n > 0)
        self.fetch_label.setText(self.tr("Fetching %n account(s)…", "", n) if n else "")

    # --- views -------------------------------------------------------------------------------
    def _ribbon_tab_changed(self, index: int) -> None:
        key = self.ribbon.key_at(index)
        page = self.pages.get(key)
        if page is not None:
            self.stack.setCurrentWidget(page)
            if page in self._stale:  # skipped by refresh_all while hidden
                self._stale.discard(page)
                page.refresh()  # type: ignore[attr-defined]

    def show_page(self, key: str) -> None:
        self.ribbon.setCurrentIndex(self.ribbon.index_of_key(key))

    def show_order(self, order_id: int) -> None:
        self.show_page("orders")
        view = self.orders_view
        if not view.select_order(order_id) and (view.search.text() or view.channel_filter.currentIndex()):
            view.search.clear()
            view.channel_filter.setCurrentIndex(0)
            view.model.reload()
            view.select_order(order_id)

    def refresh_all(self) -> None:
        """Re-reads every list in the background; selections and scroll positions stay.

        While a fetch is writing, the orders and payments lists are re-read only if they are on
        screen; a hidden one is re-read when it is shown or when the fetch ends. Re-reading
        89,000 receipts nobody looked at every 10 s cost the DB worker 120–190 ms and the GUI
        thread a diff of as many ids (bench/ui_responsiveness.py). The backlog is always
        re-read: its count is on the ribbon's tab.
        """
        if self._closing:
            return
        fetching = self.fetcher.is_running()
        for view in (self.orders_view, self.payments_view):
            if fetching and not view.isVisible():
                self._stale.add(view)
            else:
                self._stale.discard(view)
                view.refresh()
        self.backlog_view.refresh()
        self.accounts_view.refresh()
        for dialog in self.fetch_dialogs.values():
            if dialog.isVisible() and not dialog.is_busy():
                dialog.reload_accounts()

    def _read_failed(self, message: str) -> None:
        """A list could not be read (e.g. the database server is gone); the next refresh retries."""
        self.statusBar().showMessage(self.tr("Could not read from the database: %1").replace("%1", message), 20_000)

    def _update_backlog_count(self, count: int) -> None:
        index = self.ribbon.index_of_key("backlog")
        self.ribbon.setTabText(index, self.tr("Backlog (%1)").replace("%1", str(count)))

    # --- administration ------------------------------------------------------------------------
    def _language_chosen(self, index: int) -> None:
        """Saves the language (read at the next start, see app/ui/i18n.py) and says so."""
        save_language(self.language_box.itemData(index) or None, self.settings)
        QMessageBox.information(self, self.tr("Language changed"),
                                self.tr("The new language applies after OrderDesk is restarted."))

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.paths.data)))

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About OrderDesk"),
                          self.tr("<b>OrderDesk %1</b><br>One desk for the orders of every marketplace.<br><br>"
                                  "Data folder: %2").replace("%1", __version__).replace("%2", str(self.ctx.paths.data)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._size_docks:
            # First start: a modest log box, the lists get the room. Only works once shown.
            self._size_docks = False
            QTimer.singleShot(0, lambda: self.resizeDocks([self.log_dock], [200], Qt.Orientation.Vertical))

    # --- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.fetcher.is_running():
            answer = QMessageBox.question(
                self, self.tr("Fetch running"),
                self.tr("Orders are still being fetched. Stop fetching and close?\n\n"
                        "Everything fetched so far is kept; the next fetch continues from there."))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Saves the layout and stops timers and threads; safe to call twice."""
        if self._closing:
            return
        self._closing = True
        try:
            self.save_settings()
        except Exception:  # noqa: BLE001 - a settings problem must not keep the window open
            log.exception("could not save the window settings")
        self.refresh_timer.stop()
        self.log_dock.stop()
        self.status_actions.shutdown()
        self.server_admin.shutdown()
        for dialog in self.fetch_dialogs.values():
            dialog.close()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.fetcher.shutdown()
        finally:
            QApplication.restoreOverrideCursor()
        if self.worker is not None:
            self.worker.stop()
