"""The Status & Shipping area of the main window: its ribbon actions, the queue dock, the
dialogs and the automatic transmission. Kept apart from main_window.py, which only builds it,
places the dock and fills the ribbon tab through it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialog, QDockWidget, QGridLayout, QLabel, QMessageBox, QWidget

from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.domain.statuses import channel_can_cancel
from app.secrets.store import SecretStoreError
from app.services.status import EventOutcome, ShipOutcome, TransmitResult
from app.ui.cancel_dialog import CancelDialog
from app.ui.icons import icon
from app.ui.ribbon import RibbonPage
from app.ui.rules_dialog import RulesDialog
from app.ui.ship_dialog import ShipDialog
from app.ui.status_jobs import AutoRun, AutoTransmitter, OrderContext, StatusJobs, error_text, load_order_context
from app.ui.status_queue_view import StatusQueueView
from app.ui.status_settings_dialog import StatusSettings, StatusSettingsDialog, load_settings

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Where a clerk cancels when the channel's API takes no cancellation from the seller.
CANCEL_ELSEWHERE = {
    Channel.AMAZON: "Seller Central",
    Channel.EBAY: "Seller Hub",
}


class StatusActions(QObject):
    def __init__(self, window: "MainWindow", *, auto_tick_ms: int = 30_000, queue_refresh_ms: int = 5000) -> None:
        super().__init__(window)
        self.window = window
        self.service = window.ctx.status
        self.open_secrets = window.ctx.secrets
        self.jobs = StatusJobs(self.service, parent=self)
        self.auto = AutoTransmitter(self.jobs, self.open_secrets, tick_ms=auto_tick_ms, parent=self)
        self.queue_view = StatusQueueView(self.service, self.jobs, window.worker, refresh_ms=queue_refresh_ms,
                                          parent=window)
        self.queue_dock = QDockWidget(self.tr("Status queue"), window)
        self.queue_dock.setObjectName("StatusQueueDock")
        self.queue_dock.setWidget(self.queue_view)
        self.ship_dialog: ShipDialog | None = None
        self.cancel_dialog: CancelDialog | None = None
        self.rules_dialog: RulesDialog | None = None
        self.settings_dialog: StatusSettingsDialog | None = None
        self.last_result: TransmitResult | None = None
        self.last_message = ""
        self._build_actions()
        self._build_filter()

        self.jobs.transmission_started.connect(self._transmission_started)
        self.jobs.transmission_finished.connect(self._transmitted)
        self.auto.ran.connect(self._auto_ran)
        self.queue_view.order_requested.connect(self._show_order)
        self.queue_view.changed.connect(self._refresh_order)
        orders = window.orders_view
        orders.table.selectionModel().selectionChanged.connect(self._update_actions)
        orders.model.modelReset.connect(self._update_actions)
        orders.table.addAction(self.ship_action)
        orders.table.addAction(self.cancel_action)
        orders.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        window.accounts_view.changed.connect(self.reload_accounts)
        self._update_actions()

    # --- construction --------------------------------------------------------------------------
    def _action(self, name: str, text: str, icon_name: str, slot, tip: str) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(icon(icon_name), text, self.window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.ship_action = self._action("ship", self.tr("Ship…"), "shipping", self.ship,
                                        self.tr("Record a package of the selected order with tracking number and "
                                                "carrier; its status goes to the marketplace"))
        self.cancel_action = self._action("cancel_order", self.tr("Cancel…"), "cancel", self.cancel,
                                          self.tr("Cancel lines of the selected order and tell the marketplace"))
        self.transmit_action = self._action("transmit", self.tr("Transmit status\nprotocols"), "transmit",
                                            self.transmit,
                                            self.tr("Send the queued statuses to the marketplaces of the chosen "
                                                    "channel and account (none chosen: all)"))
        self.queue_action = self._action("status_queue", self.tr("Status\nqueue"), "queue", self.show_queue,
                                         self.tr("Show every status protocol and its state; retry or discard "
                                                 "failed ones"))
        self.rules_action = self._action("status_rules", self.tr("Status\nrules…"), "rules", self.open_rules,
                                         self.tr("Which event sends which status to each marketplace, with a preview"))
        self.settings_action = self._action("status_settings", self.tr("Settings…"), "settings", self.open_settings,
                                            self.tr("Tracking wait, automatic transmission, OTTO ship-from address"))

    def _build_filter(self) -> None:
        self.filter_widget = QWidget()
        self.filter_widget.setObjectName("TransmitFilter")
        grid = QGridLayout(self.filter_widget)
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setVerticalSpacing(3)
        grid.setHorizontalSpacing(6)
        self.channel_box = QComboBox(self.filter_widget)
        self.channel_box.setObjectName("TransmitChannelBox")
        self.channel_box.setToolTip(self.tr("Transmit only this channel's status protocols"))
        self.channel_box.addItem(self.tr("All channels"), "")
        for info in CHANNELS.values():
            self.channel_box.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        self.account_box = QComboBox(self.filter_widget)
        self.account_box.setObjectName("TransmitAccountBox")
        self.account_box.setToolTip(self.tr("Transmit only this account's status protocols"))
        self.account_box.setMinimumContentsLength(16)
        grid.addWidget(QLabel(self.tr("Channel:"), self.filter_widget), 0, 0)
        grid.addWidget(self.channel_box, 0, 1)
        grid.addWidget(QLabel(self.tr("Account:"), self.filter_widget), 1, 0)
        grid.addWidget(self.account_box, 1, 1)
        grid.setRowStretch(2, 1)
        self.channel_box.currentIndexChanged.connect(lambda _i: self.reload_accounts())
        self.reload_accounts()

    def install(self) -> None:
        """Places the queue dock above the log box (hidden until asked for, or as last saved)."""
        window = self.window
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.queue_dock)
        window.splitDockWidget(self.queue_dock, window.log_dock, Qt.Orientation.Vertical)
        self.queue_dock.hide()

    def fill_ribbon(self, page: RibbonPage) -> None:
        group = page.add_group(self.tr("Order"))
        group.add_large(self.ship_action)
        group.add_large(self.cancel_action)
        group = page.add_group(self.tr("Transmission"))
        group.add_large(self.transmit_action)
        group.add_widget(self.filter_widget)
        group = page.add_group(self.tr("Status protocols"))
        group.add_large(self.queue_action)
        group.add_large(self.rules_action)
        group.add_large(self.settings_action)
        view = page.add_group(self.tr("View"))
        view.add_small(self.window.refresh_action)
        view.add_small(self.window.log_action)

    def start(self) -> None:
        self.queue_view.start()
        self.auto.start()

    def shutdown(self) -> None:
        self.auto.stop()
        self.queue_view.stop()
        for dialog in (self.ship_dialog, self.cancel_dialog, self.rules_dialog, self.settings_dialog):
            if dialog is not None:
                dialog.reject()
        self.jobs.shutdown()

    # --- state ---------------------------------------------------------------------------------
    def reload_accounts(self) -> None:
        channel = str(self.channel_box.currentData() or "") or None
        current = self.account_box.currentData()
        self.account_box.blockSignals(True)
        self.account_box.clear()
        self.account_box.addItem(self.tr("All accounts"), "")
        for account in self.window.ctx.accounts.list(channel, active_only=True):
            self.account_box.addItem(icon(f"channel:{account.channel}"), account.name, account.name)
        self.account_box.setCurrentIndex(max(0, self.account_box.findData(current or "")))
        self.account_box.blockSignals(False)

    def set_transmit_filter(self, channel: str = "", account: str = "") -> None:
        self.channel_box.setCurrentIndex(max(0, self.channel_box.findData(channel)))
        self.account_box.setCurrentIndex(max(0, self.account_box.findData(account)))

    def selected_order_id(self) -> int | None:
        view = self.window.orders_view
        rows = view.table.selectionModel().selectedRows()
        return view.model.row_id(rows[0].row()) if rows else None

    def _update_actions(self, *_args: object) -> None:
        chosen = self.selected_order_id() is not None
        self.ship_action.setEnabled(chosen)
        self.cancel_action.setEnabled(chosen)

    def _say(self, text: str, timeout_ms: int = 15_000) -> None:
        self.last_message = text
        self.window.statusBar().showMessage(text, timeout_ms)

    # --- ship and cancel -----------------------------------------------------------------------
    def ship(self) -> None:
        self._with_order(self._open_ship)

    def cancel(self) -> None:
        self._with_order(self._open_cancel)

    def _with_order(self, then) -> None:  # type: ignore[no-untyped-def]
        order_id = self.selected_order_id()
        if order_id is None:
            self._say(self.tr("Select an order in the list first."))
            return
        service = self.service
        self.jobs.submit(lambda: load_order_context(service, order_id), then,
                         lambda error: QMessageBox.warning(self.window, self.tr("Order"), error_text(error)))

    def _open_ship(self, context: OrderContext) -> None:
        number = context.order.order_number
        if context.held:
            QMessageBox.information(self.window, self.tr("Ship order"),
                                    self.tr("Order %1 is still held by the marketplace (backlog). It can be shipped "
                                            "once the marketplace releases it.").replace("%1", number))
            return
        if context.open_pieces == 0:
            QMessageBox.information(self.window, self.tr("Ship order"),
                                    self.tr("Every piece of order %1 is already shipped or cancelled.")
                                    .replace("%1", number))
            return
        self._replace("ship_dialog")
        dialog = self.ship_dialog = ShipDialog(context, self.service, self.jobs, self.window)
        dialog.shipped.connect(self._shipped)
        dialog.open()

    def _open_cancel(self, context: OrderContext) -> None:
        number, channel = context.order.order_number, context.channel
        name = CHANNELS[channel].display_name
        if not channel_can_cancel(channel):
            where = CANCEL_ELSEWHERE.get(channel, self.tr("the marketplace's seller portal"))
            QMessageBox.information(
                self.window, self.tr("Cancel order"),
                self.tr("%1 takes no cancellation from the seller through its API, so OrderDesk cannot cancel order "
                        "%2 there.\n\nCancel it in %3; the next fetch brings the cancellation into OrderDesk.")
                .replace("%1", name).replace("%2", number).replace("%3", where))
            return
        if context.held:
            QMessageBox.information(self.window, self.tr("Cancel order"),
                                    self.tr("Order %1 is still held by the marketplace (backlog); it cannot be "
                                            "cancelled before the marketplace releases it.").replace("%1", number))
            return
        if context.open_pieces == 0:
            QMessageBox.information(self.window, self.tr("Cancel order"),
                                    self.tr("Every piece of order %1 is already shipped or cancelled.")
                                    .replace("%1", number))
            return
        self._replace("cancel_dialog")
        dialog = self.cancel_dialog = CancelDialog(context, self.service, self.jobs, self.window)
        dialog.cancelled.connect(self._cancelled)
        dialog.open()

    def _replace(self, name: str) -> None:
        old: QDialog | None = getattr(self, name)
        if old is not None:
            old.reject()
            old.deleteLater()
            setattr(self, name, None)

    def _shipped(self, outcome: ShipOutcome) -> None:
        text = self.tr("Package %1 of order %2 recorded; %n status protocol(s) queued.", "",
                       len(outcome.protocols)).replace("%1", str(outcome.package_no)).replace(
            "%2", outcome.order_number)
        if outcome.waiting:
            text += " " + self.tr("They wait for the tracking number.")
        elif not outcome.protocols:
            text += " " + self.tr("No switched-on status rule sends shipments to this channel.")
        self._after_event(text)

    def _cancelled(self, outcome: EventOutcome) -> None:
        pieces = sum(line.quantity for line in outcome.lines)
        text = self.tr("%n piece(s) of order %1 cancelled; %2 status protocol(s) queued.", "", pieces).replace(
            "%1", outcome.order_number).replace("%2", str(len(outcome.protocols)))
        self._after_event(text)

    def _after_event(self, text: str) -> None:
        self._say(text)
        self.show_queue()
        self.queue_view.refresh()
        self._refresh_order()

    def _refresh_order(self) -> None:
        self.window.orders_view.detail.reload()
        self.window.log_dock.poll()

    def _show_order(self, order_id: int) -> None:
        view = self.window.orders_view
        if self.window.stack.currentWidget() is not view:
            self.window.show_order(order_id)
        elif not view.select_order(order_id):
            self.window.show_order(order_id)

    # --- queue, rules, settings ----------------------------------------------------------------
    def show_queue(self) -> None:
        hidden = self.queue_dock.isHidden()
        self.queue_dock.show()
        self.queue_dock.raise_()
        if hidden and self.window.log_dock.isVisible() and not self.queue_dock.isFloating():
            # Opened: a fair share of the height, more than the log box below it; the order list
            # above keeps the most.
            height = self.window.height()
            sizes = [max(170, height // 4), max(110, height // 7)]
            QTimer.singleShot(0, lambda: self.window.resizeDocks([self.queue_dock, self.window.log_dock], sizes,
                                                                 Qt.Orientation.Vertical))
        if not self.queue_view.loaded_once:
            self.queue_view.refresh()

    def open_rules(self) -> None:
        service = self.service
        order_number = self._selected_order_number()
        channel = self._selected_channel()

        def opened(rules) -> None:  # type: ignore[no-untyped-def]
            self._replace("rules_dialog")
            self.rules_dialog = RulesDialog(rules, self.service, self.jobs, order_number=order_number,
                                            channel=channel, parent=self.window)
            self.rules_dialog.show()

        self.jobs.submit(service.rules, opened,
                         lambda error: QMessageBox.warning(self.window, self.tr("Status rules"), error_text(error)))

    def open_settings(self) -> None:
        service = self.service

        def opened(settings: StatusSettings) -> None:
            self._replace("settings_dialog")
            dialog = self.settings_dialog = StatusSettingsDialog(settings, self.service, self.jobs, self.window)
            dialog.saved.connect(lambda _s: self._say(self.tr("Status & Shipping settings saved.")))
            dialog.open()

        self.jobs.submit(lambda: load_settings(service), opened,
                         lambda error: QMessageBox.warning(self.window, self.tr("Settings"), error_text(error)))

    def _selected_order_number(self) -> str:
        detail = self.window.orders_view.detail
        if detail.detail is not None and detail.order_id == self.selected_order_id():
            return str(detail.detail.order.order_number)
        order_id = self.selected_order_id()
        return f"#{order_id}" if order_id is not None else ""

    def _selected_channel(self) -> str | None:
        detail = self.window.orders_view.detail
        if detail.detail is not None and detail.order_id == self.selected_order_id():
            return str(detail.detail.order.channel)
        return None

    # --- transmission --------------------------------------------------------------------------
    def transmit(self) -> None:
        channel = str(self.channel_box.currentData() or "") or None
        account = str(self.account_box.currentData() or "") or None
        try:
            self.open_secrets()  # on the GUI thread: it may ask for the master password
        except SecretStoreError as exc:
            QMessageBox.warning(self.window, self.tr("Credentials not available"),
                                self.tr("The account credentials cannot be read, so nothing was sent.\n\n%1")
                                .replace("%1", str(exc)))
            return
        if not self.jobs.transmit(channel, account):
            self._say(self.tr("This transmission is already running."))

    def _scope_text(self, channel: str | None, account: str | None) -> str:
        if account:
            return account
        if channel:
            return CHANNELS[Channel(channel)].display_name
        return self.tr("all channels")

    def _transmission_started(self, channel: str | None, account: str | None) -> None:
        self._say(self.tr("Transmitting status protocols (%1)…").replace("%1", self._scope_text(channel, account)), 0)
        self.show_queue()

    def result_text(self, result: TransmitResult) -> str:
        text = self.tr("%1 sent (%2 confirmed, %3 not shown by the marketplace), %4 deferred, %5 failed")
        for marker, value in (("%5", result.failed), ("%4", result.deferred), ("%3", result.mismatched),
                              ("%2", result.verified), ("%1", result.sent)):
            text = text.replace(marker, str(value))
        if result.tracking_timeouts:
            text += ", " + self.tr("%n stopped waiting for tracking", "", result.tracking_timeouts)
        if result.failed or result.deferred or result.mismatched:
            text += " – " + self.tr("see the log box")
        return text

    def _transmitted(self, channel: str | None, account: str | None, result: TransmitResult | None,
                     error: BaseException | None) -> None:
        self.last_result = result
        scope = self._scope_text(channel, account)
        if error is not None:
            text = self.tr("Status transmission (%1) failed: %2").replace("%1", scope).replace("%2", error_text(error))
        else:
            text = self.tr("Status transmission (%1): %2").replace("%1", scope).replace("%2", self.result_text(result))
        self._say(text, 30_000)
        self.queue_view.refresh()
        self._refresh_order()

    def _auto_ran(self, runs: list[AutoRun]) -> None:
        busy = [run for run in runs if run.error or (run.result and (run.result.sent or run.result.failed or
                                                                     run.result.deferred or
                                                                     run.result.tracking_timeouts))]
        for run in busy:
            scope = self._scope_text(run.channel, None)
            if run.error:
                self._say(self.tr("Automatic status transmission (%1) failed: %2").replace("%1", scope)
                          .replace("%2", run.error), 30_000)
            elif run.result is not None:
                self._say(self.tr("Automatic status transmission (%1): %2").replace("%1", scope)
                          .replace("%2", self.result_text(run.result)), 30_000)
        self.queue_view.refresh()
        self._refresh_order()
