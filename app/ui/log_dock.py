"""The log box: the protocol log from the database, polled by id so fetch threads show live."""

from __future__ import annotations

from typing import Any, Iterator

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from app.channels.registry import CHANNELS
from app.store import protocol_log
from app.store.protocol_log import LogRecord
from app.ui import formatting as fmt
from app.ui.csv_export import ask_csv_path, write_csv
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
    # Logical column 5 so "message" stays column 4; the dock shows it before the message.
    ("order_number", QT_TRANSLATE_NOOP("LogModel", "Order")),
)
ORDER_COLUMN = 5
MESSAGE_COLUMN = 4
EXPORT_PAGE = 1000
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

    def record(self, row: int) -> LogRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

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
                return "\n".join(t for t in (self._text(record, "message"), extra) if t)
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
            return fmt.log_message_text(record.event, record.details, record.message)
        if key == "order_number":
            return record.order_number
        return ""


def record_fields(record: LogRecord) -> list[str]:
    """One entry as plain texts (full local date and time), for the clipboard and CSV."""
    return [fmt.local_datetime(record.at).toString("yyyy-MM-dd HH:mm:ss"), fmt.level_text(record.level),
            fmt.channel_text(record.channel) if record.channel else "", record.account_name, record.order_number,
            fmt.log_message_text(record.event, record.details, record.message)]


EXPORT_KEYS = ("at", "level", "channel", "account", "order_number", "message")  # as record_fields


def export_header() -> list[str]:
    titles = dict(LOG_COLUMNS)
    return [QCoreApplication.translate("LogModel", titles[key]) for key in EXPORT_KEYS]


def matching_records(engine: Engine, minimum: str = "info", channel: str = "") -> Iterator[LogRecord]:
    """Every stored entry at or above ``minimum`` (and of ``channel`` if given), oldest first, page by page."""
    rank = LEVEL_RANK.get(minimum, 0)
    level = "error" if minimum == "error" else None  # the only minimum that is also an equality
    after = 0
    while True:
        page = protocol_log.read(engine, after_id=after, limit=EXPORT_PAGE, level=level, channel=channel or None)
        if not page:
            return
        for record in page:
            if LEVEL_RANK.get(record.level, 0) >= rank:
                yield record
        after = page[-1].id


class LevelFilter(QSortFilterProxyModel):
    """Shows entries at or above a minimum level and, if set, of one channel only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._minimum = 0
        self._channel = ""

    def _change(self, name: str, value: object) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def set_minimum(self, level: str) -> None:
        self._change("_minimum", LEVEL_RANK.get(level, 0))

    def set_channel(self, channel: str) -> None:
        """An empty ``channel`` shows every channel (and entries without one)."""
        self._change("_channel", channel or "")

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if LEVEL_RANK.get(index.data(Qt.ItemDataRole.UserRole), 0) < self._minimum:
            return False
        if self._channel:
            record = model.record(source_row) if isinstance(model, LogModel) else None
            return record is not None and record.channel == self._channel
        return True


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
        self.channel_box = QComboBox(body)
        self.channel_box.setObjectName("LogChannelBox")
        self.channel_box.addItem(self.tr("All channels"), "")
        for info in CHANNELS.values():
            self.channel_box.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        self.channel_box.currentIndexChanged.connect(self._channel_changed)
        bar.addWidget(self.channel_box)
        self.count_label = QLabel(body)
        self.count_label.setStyleSheet("color: palette(mid);")
        # The count may be cut rather than widen the dock (and with it the window's minimum width).
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.count_label, 1)
        self.copy_button = QToolButton(body)
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the selected entries as tab-separated text (Ctrl+C)"))
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.copy_button.clicked.connect(self.copy_selection)
        bar.addWidget(self.copy_button)
        self.export_button = QToolButton(body)
        self.export_button.setText(self.tr("Export CSV…"))
        self.export_button.setToolTip(self.tr("Save every stored entry that matches the filter as a CSV file"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_button.clicked.connect(lambda: self.export_csv())
        bar.addWidget(self.export_button)
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
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for col, width in enumerate((80, 90, 120, 150)):
            header.resizeSection(col, width)
        header.resizeSection(ORDER_COLUMN, 130)
        header.moveSection(header.visualIndex(ORDER_COLUMN), header.visualIndex(MESSAGE_COLUMN))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table)
        self.copy_action = QAction(self.tr("Copy"), self.table)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.export_action = QAction(self.tr("Export CSV…"), self.table)
        self.export_action.triggered.connect(lambda: self.export_csv())
        self.table.addAction(self.copy_action)
        self.table.addAction(self.export_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        # The view's own Ctrl+C copies one cell; take the key first so whole rows are copied.
        self.table.installEventFilter(self)
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
        self._filter_changed()

    def _channel_changed(self) -> None:
        self.proxy.set_channel(self.channel_box.currentData() or "")
        self._filter_changed()

    def _filter_changed(self) -> None:
        self._update_count()
        if self.scroll_button.isChecked():
            self.table.scrollToBottom()

    def _update_count(self) -> None:
        errors = sum(1 for r in self.model.records() if r.level == "error")
        text = self.tr("%n entries", "", self.model.rowCount())
        if errors:
            text += " · " + self.tr("%n errors", "", errors)
        if self.proxy.rowCount() != self.model.rowCount():
            text += " · " + self.tr("%n shown", "", self.proxy.rowCount())
        self.count_label.setText(text)

    # --- copy and export -----------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            if isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Copy):
                if event.type() == QEvent.Type.KeyPress:
                    self.copy_selection()
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def selected_records(self) -> list[LogRecord]:
        """The selected entries in the order they are shown."""
        rows = sorted(self.proxy.mapToSource(ix).row() for ix in self.table.selectionModel().selectedRows())
        return [r for r in (self.model.record(row) for row in rows) if r is not None]

    def copy_selection(self) -> str:
        """Puts the selected entries on the clipboard, one per line, fields separated by tabs."""
        lines = ["\t".join(" ".join(f.split()) for f in record_fields(r)) for r in self.selected_records()]
        text = "\n".join(lines)
        if text:
            QGuiApplication.clipboard().setText(text + "\n")
        return text

    def export_csv(self, path: str | None = None) -> int | None:
        """Writes every stored entry that matches the level and channel filter (read from the
        database, not only the loaded rows); None if cancelled or failed, else the row count."""
        if path is None:
            path = ask_csv_path(self, self.tr("Export log entries"), "protocol-log.csv")
            if path is None:
                return None
        minimum, channel, engine = self.level_box.currentData(), self.channel_box.currentData() or "", self.engine
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = write_csv(path, export_header(),
                              (record_fields(r) for r in matching_records(engine, minimum, channel)))
        except Exception as exc:  # noqa: BLE001 - disk or database: tell the clerk in words
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, self.tr("Export failed"),
                                self.tr("The log could not be saved to %1:\n%2").replace("%1", path)
                                .replace("%2", str(exc)))
            return None
        QApplication.restoreOverrideCursor()
        return count

    def messages(self) -> list[str]:
        """Every shown message text, for tests and the status bar."""
        return [r.message for r in self.model.records()]
