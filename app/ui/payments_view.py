"""Payment receipts: every payment and refund the desk recorded, newest first."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy import Engine

from app.ui.db_worker import DbWorker
from app.ui.payments_model import PaymentsModel
from app.ui.widgets import SearchField, list_table

WIDTHS = {"created_at": 140, "order_number": 150, "channel": 120, "account": 150, "payment_system": 150,
          "kind": 100, "amount": 110}


class PaymentsView(QWidget):
    order_requested = Signal(int)  # double-click: show the receipt's order

    def __init__(self, engine: Engine, *, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PaymentsView")
        self.model = PaymentsModel(engine, worker=worker, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        title = QLabel(self.tr("Payment receipts"), self)
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        bar.addWidget(title)
        bar.addSpacing(12)
        self.search = SearchField(self.tr("Search order number or payment system…"), self.model.set_search, self)
        bar.addWidget(self.search)
        bar.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: palette(mid);")
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.table = list_table(self.model, WIDTHS, self, stretch_last=False)
        self.table.setObjectName("PaymentsTable")
        self.table.setToolTip(self.tr("Double-click a receipt to open its order."))
        layout.addWidget(self.table, 1)
        self.model.refreshed.connect(self._refreshed)
        self.table.doubleClicked.connect(self._open_order)

    def _refreshed(self, _changed: bool = True) -> None:
        self.count_label.setText(self.tr("%n receipts", "", self.model.rowCount()))

    def _open_order(self, index) -> None:  # type: ignore[no-untyped-def]
        order_id = self.model.order_id(index.row())
        if order_id is not None:
            self.order_requested.emit(order_id)

    def reload(self) -> None:
        self.model.reload()

    def refresh(self) -> None:
        self.model.refresh()

    def save_state(self, settings: QSettings, prefix: str) -> None:
        settings.setValue(f"{prefix}/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings, prefix: str) -> None:
        header = settings.value(f"{prefix}/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
            self.model.sort(self.table.horizontalHeader().sortIndicatorSection(),
                            self.table.horizontalHeader().sortIndicatorOrder())
