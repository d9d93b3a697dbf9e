"""Payment receipts: every payment and refund the desk recorded, newest first."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QByteArray, QDate, QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.channels.registry import CHANNELS
from app.ui.csv_export import ask_csv_path, write_csv
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.payments_model import PaymentsModel
from app.ui.widgets import SearchField, list_table

WIDTHS = {"created_at": 140, "order_number": 150, "channel": 120, "account": 150, "payment_system": 150,
          "kind": 100, "amount": 110}
NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "any": no limit on that side


class PaymentsView(QWidget):
    order_requested = Signal(int)  # double-click: show the receipt's order

    def __init__(self, engine: Engine, *, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PaymentsView")
        self.model = PaymentsModel(engine, worker=worker, parent=self)
        self._calendars: dict[QObject, QDateEdit] = {}
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
        self.export_button = QToolButton(self)
        self.export_button.setText(self.tr("Export CSV…"))
        self.export_button.setToolTip(self.tr("Save the receipts matching the filter as a CSV file"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_button.clicked.connect(lambda: self.export_csv())
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        filters = QHBoxLayout()  # a second row, so the page stays usable in a narrow window
        self.channel_box = QComboBox(self)
        self.channel_box.setObjectName("PaymentsChannelBox")
        self.channel_box.addItem(self.tr("All channels"), "")
        for info in CHANNELS.values():
            self.channel_box.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        self.channel_box.currentIndexChanged.connect(lambda _i: self.model.set_channel(self.channel_box.currentData()))
        filters.addWidget(self.channel_box)
        filters.addWidget(QLabel(self.tr("From:"), self))
        self.date_from = self._date_edit(self.tr("Receipts recorded on or after this day"))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("To:"), self))
        self.date_to = self._date_edit(self.tr("Receipts recorded on or before this day"))
        filters.addWidget(self.date_to)
        self.all_dates_button = QToolButton(self)
        self.all_dates_button.setText(self.tr("All dates"))
        self.all_dates_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.all_dates_button.clicked.connect(self.clear_dates)
        filters.addWidget(self.all_dates_button)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = list_table(self.model, WIDTHS, self, stretch_last=False)
        self.table.setObjectName("PaymentsTable")
        self.table.setToolTip(self.tr("Double-click a receipt to open its order."))
        layout.addWidget(self.table, 1)
        self.model.refreshed.connect(self._refreshed)
        self.table.doubleClicked.connect(self._open_order)

    def _date_edit(self, tooltip: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("any"))  # shown at the minimum date: no limit
        edit.setDate(NO_DATE)
        edit.setToolTip(tooltip)
        edit.dateChanged.connect(self._dates_changed)
        # At "any" the popup would open in January 2000: open it at the current month instead.
        edit.calendarWidget().installEventFilter(self)
        self._calendars[edit.calendarWidget()] = edit
        return edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        edit = self._calendars.get(watched)  # type: ignore[call-overload]
        if edit is not None and event.type() == QEvent.Type.Show and edit.date() == NO_DATE:
            today = QDate.currentDate()
            edit.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)

    @staticmethod
    def _day(edit: QDateEdit) -> date | None:
        value = edit.date()
        return None if value == NO_DATE or not value.isValid() else value.toPython()

    def set_dates(self, first: date | None, last: date | None) -> None:
        """Sets both date edits (None: any), filtering once."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day) if day is not None else NO_DATE)
            edit.blockSignals(False)
        self._dates_changed()

    def clear_dates(self) -> None:
        self.set_dates(None, None)

    def _dates_changed(self, _date: QDate | None = None) -> None:
        self.model.set_date_range(self._day(self.date_from), self._day(self.date_to))

    def export_csv(self, path: str | None = None) -> int | None:
        """Writes exactly the filtered receipts, read afresh from the database; None if cancelled or failed."""
        if path is None:
            path = ask_csv_path(self, self.tr("Export payment receipts"), "payment-receipts.csv")
            if path is None:
                return None
        rows = self.model.export_job()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = write_csv(path, self.model.export_header(), rows())
        except Exception as exc:  # noqa: BLE001 - disk or database: tell the clerk in words
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, self.tr("Export failed"),
                                self.tr("The receipts could not be saved to %1:\n%2").replace("%1", path)
                                .replace("%2", str(exc)))
            return None
        QApplication.restoreOverrideCursor()
        return count

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
