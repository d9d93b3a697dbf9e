"""The order list with its search bar and detail pane; the backlog is the same view, filtered."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget
from sqlalchemy import Engine

from app.channels.registry import CHANNELS
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.order_detail import OrderDetailPane
from app.ui.orders_model import OrdersModel
from app.ui.widgets import SearchField, list_table

WIDTHS = {"order_number": 130, "channel": 115, "account": 135, "order_date": 125, "customer": 170, "total": 95,
          "status": 110, "flags": 200, "hold_reason": 240}
BACKLOG_WIDTHS = {"order_number": 120, "channel": 110, "account": 130, "order_date": 125, "customer": 140, "total": 90,
                  "hold_reason": 225, "age": 85, "expected_release": 185}


class OrdersView(QWidget):
    """Orders (``backlog=False``) or the backlog (``backlog=True``)."""

    count_changed = Signal(int)

    def __init__(self, engine: Engine, *, backlog: bool = False, worker: DbWorker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backlog = backlog
        self.setObjectName("BacklogView" if backlog else "OrdersView")
        self.model = OrdersModel(engine, backlog=backlog, worker=worker, parent=self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        title = QLabel(self.tr("Backlog: orders the marketplace has not released yet") if backlog
                       else self.tr("Orders"), self)
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        bar.addWidget(title)
        bar.addSpacing(12)
        self.search = SearchField(self.tr("Search order number or customer…"), self.model.set_search, self)
        bar.addWidget(self.search)
        self.channel_filter = QComboBox(self)
        self.channel_filter.addItem(self.tr("All channels"), None)
        for info in CHANNELS.values():
            self.channel_filter.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        self.channel_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_channel(self.channel_filter.currentData()))
        bar.addWidget(self.channel_filter)
        bar.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: palette(mid);")
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.table = list_table(self.model, BACKLOG_WIDTHS if backlog else WIDTHS, self.splitter)
        self.table.setObjectName("BacklogTable" if backlog else "OrdersTable")
        self.detail = OrderDetailPane(engine, worker, self.splitter)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.refreshed.connect(self._refreshed)
        self.model.modelReset.connect(self._selection_changed)
        if backlog:
            # Age and countdown grow with the clock; repaint them without asking the database.
            self.tick = QTimer(self)
            self.tick.setInterval(15_000)
            self.tick.timeout.connect(self._tick)
            self.tick.start()

    def _tick(self) -> None:
        self.model.invalidate_column("age")
        self.model.invalidate_column("expected_release")

    def reload(self) -> None:
        self.model.reload()

    def refresh(self) -> None:
        self.model.refresh()

    def _refreshed(self, changed: bool = True) -> None:
        n = self.model.rowCount()
        if self.backlog:
            text = self.tr("%n held orders", "", n)
        else:
            text = self.tr("%n orders", "", n)
        if self.model.search():
            text = self.tr("%1 found").replace("%1", text)
        self.count_label.setText(text)
        self.count_changed.emit(n)
        # contains(), not row_of(): over a windowed million rows a position is a COUNT query.
        if changed and self.detail.order_id is not None and self.model.contains(self.detail.order_id):
            self.detail.reload()

    def _selection_changed(self, *_args: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.show_order(self.model.row_id(rows[0].row()) if rows else None)

    def select_order(self, order_id: int) -> bool:
        row = self.model.row_of(order_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def save_state(self, settings: QSettings, prefix: str) -> None:
        settings.setValue(f"{prefix}/splitter", self.splitter.saveState())
        settings.setValue(f"{prefix}/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings, prefix: str) -> None:
        splitter = settings.value(f"{prefix}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = settings.value(f"{prefix}/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
            head = self.table.horizontalHeader()
            self.model.sort(head.sortIndicatorSection(), head.sortIndicatorOrder())
