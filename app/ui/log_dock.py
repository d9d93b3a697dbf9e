"""The log box: the protocol log from the database, polled by id so fetch threads show live."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.store import protocol_log
from app.store.protocol_log import LogRecord
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex

LOG_COLUMNS = (
    ("at", QT_TRANSLATE_NOOP("LogModel", "Time")),
    ("level", QT_TRANSLATE_NOOP("LogModel", "Level")),
    ("channel", QT_TRANSLATE_NOOP("LogModel", "Channel")),
    ("account", QT_TRANSLATE_NOOP("LogModel", "Account")),
    ("message", QT_TRANSLATE_NOOP("LogModel", "Message")),
)
LEVEL_RANK = {"info": 0, "warning": 1, "error": 2}
ERROR_BACKGROUND = QColor("#fde2e0")
ERROR_FOREGROUND = QColor("#8e1b12")
WARNING_BACKGROUND = QColor("#fff3cd")


class LogModel(ListTableModel):
    """The newest ``limit`` log entries, oldest first; entries are only ever appended."""

    COLUMNS = LOG_COLUMNS

    def __init__(self, limit: int = 5000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.limit = limit

    @property
    def last_id(self) -> int:
        return self._items[-1].id if self._items else 0

    def records(self) -> list[LogRecord]:
        return list(self._items)

    def append(self, records: list[LogRecord]) -> None:
        records = [r for r in records if r.id > self.last_id]
        if not records:
            return
        start = len(self._items)
        self.beginInsertRows(QModelIndex(), start, start + len(records) - 1)
        self._items.extend(records)
        self.endInsertRows()
        overflow = len(self._items) - self.limit
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._items[:overflow]
            self.endRemoveRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        record, key = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "at":
                return fmt.datetime_text(record.at)
            if key == "message":
                extra = self.tr("Order %1").replace("%1", record.order_number) if record.order_number else ""
                return "\n".join(t for t in (record.message, extra) if t)
            return self._text(record, key) or None
        if role == Qt.ItemDataRole.UserRole:
            return record.level
        if role == Qt.ItemDataRole.DecorationRole and key == "level" and record.level != "info":
            return icon("cancel" if record.level == "error" else "warning")
        if role == Qt.ItemDataRole.DecorationRole and key == "channel" and record.channel:
            return icon(f"channel:{record.channel}")
        if role == Qt.ItemDataRole.BackgroundRole:
            if record.level == "error":
                return QBrush(ERROR_BACKGROUND)
            if record.level == "warning":
                return QBrush(WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and record.level == "error":
            return QBrush(ERROR_FOREGROUND)
        return None

    @staticmethod
    def _text(record: LogRecord, key: str) -> str:
        if key == "at":
            return fmt.time_text(record.at)
        if key == "level":
            return fmt.level_text(record.level)
        if key == "channel":
            return fmt.channel_text(record.channel) if record.channel else ""
        if key == "account":
            return record.account_name
        if key == "message":
            return record.message
        return ""


class LevelFilter(QSortFilterProxyModel):
    """Shows entries at or above a minimum level."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._minimum = 0

    def set_minimum(self, level: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self._minimum = LEVEL_RANK.get(level, 0)
            self.endFilterChange()
        else:
            self._minimum = LEVEL_RANK.get(level, 0)
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        return LEVEL_RANK.get(index.data(Qt.ItemDataRole.UserRole), 0) >= self._minimum


class LogDock(QDockWidget):
    """Polls ``log_entries`` every ``interval_ms`` for ids above the newest shown one."""

    entries_arrived = Signal(list)  # list[LogRecord], after they are shown

    def __init__(self, engine: Engine, worker: DbWorker | None = None, interval_ms: int = 1000,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Log box"), parent)
        self.setObjectName("LogDock")
        self.engine = engine
        self.worker = worker
        self.model = LogModel(parent=self)
        self.proxy = LevelFilter(self)
        self.proxy.setSourceModel(self.model)
        self._polling = False

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(QLabel(self.tr("Show:"), body))
        self.level_box = QComboBox(body)
        self.level_box.addItem(self.tr("All entries"), "info")
        self.level_box.addItem(self.tr("Warnings and errors"), "warning")
        self.level_box.addItem(self.tr("Errors only"), "error")
        self.level_box.currentIndexChanged.connect(self._level_changed)
        bar.addWidget(self.level_box)
        self.count_label = QLabel(body)
        self.count_label.setStyleSheet("color: palette(mid);")
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        self.scroll_button = QToolButton(body)
        self.scroll_button.setText(self.tr("Follow new entries"))
        self.scroll_button.setCheckable(True)
        self.scroll_button.setChecked(True)
        self.scroll_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(self.scroll_button)
        layout.addLayout(bar)

        self.table = QTableView(body)
        self.table.setModel(self.proxy)
        self.table.setObjectName("LogTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for col, width in enumerate((80, 90, 120, 150)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table)
        self.setWidget(body)

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._update_count()

    def start(self, initial: int = 500) -> None:
        """Shows the newest ``initial`` entries, then polls."""
        self.model.append(protocol_log.tail(self.engine, initial))
        self._after_append()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        if self._polling:
            return
        after, engine = self.model.last_id, self.engine

        def job() -> list[LogRecord]:
            return protocol_log.read(engine, after_id=after, limit=1000)

        if self.worker is None:
            self._arrived(job())
            return
        self._polling = True
        self.worker.submit(job, self._arrived, self._poll_failed, key="log-poll")

    def _poll_failed(self, message: str) -> None:
        self._polling = False

    def _arrived(self, records: list[LogRecord]) -> None:
        self._polling = False
        if not records:
            return
        self.model.append(records)
        self._after_append()
        self.entries_arrived.emit(records)

    def _after_append(self) -> None:
        self._update_count()
        if self.scroll_button.isChecked():
            self.table.scrollToBottom()

    def _level_changed(self) -> None:
        self.proxy.set_minimum(self.level_box.currentData())
        self._update_count()
        if self.scroll_button.isChecked():
            self.table.scrollToBottom()

    def _update_count(self) -> None:
        errors = sum(1 for r in self.model.records() if r.level == "error")
        text = self.tr("%n entries", "", self.model.rowCount())
        if errors:
            text += " · " + self.tr("%n errors", "", errors)
        self.count_label.setText(text)

    def messages(self) -> list[str]:
        """Every shown message text, for tests and the status bar."""
        return [r.message for r in self.model.records()]
