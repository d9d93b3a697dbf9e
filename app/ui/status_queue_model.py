"""The status queue as a table model: one row per status protocol, newest first.

The service hands out at most a few thousand protocols per filter, so the rows are a Python
list (ListTableModel). A refresh is merged into the shown list row by row (removals, then
insertions, then changed cells), so the selection and the scroll position survive the
periodic refresh while transmissions change states underneath.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.store.status_store import ProtocolRecord
from app.ui import formatting as fmt
from app.ui.icons import icon
from app.ui.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex

QUEUE_COLUMNS = (
    ("order_number", QT_TRANSLATE_NOOP("StatusQueueModel", "Order number")),
    ("channel", QT_TRANSLATE_NOOP("StatusQueueModel", "Channel")),
    ("account", QT_TRANSLATE_NOOP("StatusQueueModel", "Account")),
    ("event", QT_TRANSLATE_NOOP("StatusQueueModel", "Event")),
    ("status_type", QT_TRANSLATE_NOOP("StatusQueueModel", "Type")),
    ("value", QT_TRANSLATE_NOOP("StatusQueueModel", "Value")),
    ("state", QT_TRANSLATE_NOOP("StatusQueueModel", "State")),
    ("attempts", QT_TRANSLATE_NOOP("StatusQueueModel", "Attempts")),
    ("last_error", QT_TRANSLATE_NOOP("StatusQueueModel", "Last error")),
    ("next_try", QT_TRANSLATE_NOOP("StatusQueueModel", "Next try")),
    ("sent_at", QT_TRANSLATE_NOOP("StatusQueueModel", "Sent at")),
    ("read_back", QT_TRANSLATE_NOOP("StatusQueueModel", "Read-back")),
)
KEYS = tuple(key for key, _ in QUEUE_COLUMNS)

_CTX = "StatusLabels"
EVENTS = {
    "shipment_completed": QT_TRANSLATE_NOOP("StatusLabels", "Shipment completed"),
    "cancelled": QT_TRANSLATE_NOOP("StatusLabels", "Cancelled"),
    "invoice_created": QT_TRANSLATE_NOOP("StatusLabels", "Invoice created"),
    "payment_settled": QT_TRANSLATE_NOOP("StatusLabels", "Payment settled"),
    "returned": QT_TRANSLATE_NOOP("StatusLabels", "Returned"),
}
TYPES = {
    "fulfillment": QT_TRANSLATE_NOOP("StatusLabels", "Fulfillment"),
    "delivery": QT_TRANSLATE_NOOP("StatusLabels", "Delivery"),
    "payment": QT_TRANSLATE_NOOP("StatusLabels", "Payment"),
}
STATES = {
    "pending": QT_TRANSLATE_NOOP("StatusLabels", "Pending"),
    "waiting": QT_TRANSLATE_NOOP("StatusLabels", "Waiting for tracking"),
    "sending": QT_TRANSLATE_NOOP("StatusLabels", "Sending"),
    "sent": QT_TRANSLATE_NOOP("StatusLabels", "Sent"),
    "failed": QT_TRANSLATE_NOOP("StatusLabels", "Failed"),
    "discarded": QT_TRANSLATE_NOOP("StatusLabels", "Discarded"),
}
_CONFIRMED = QT_TRANSLATE_NOOP("StatusLabels", "Confirmed")
_MISMATCH = QT_TRANSLATE_NOOP("StatusLabels", "MISMATCH")
_UNCHECKED = QT_TRANSLATE_NOOP("StatusLabels", "not checked")
_DUE = QT_TRANSLATE_NOOP("StatusLabels", "due now")
_WAITS_UNTIL = QT_TRANSLATE_NOOP("StatusLabels", "waits until %1")

FAILED_FOREGROUND = QColor("#8e1b12")
FAILED_BACKGROUND = QColor("#fde2e0")
MISMATCH_BACKGROUND = QColor("#f8c9c4")
WAITING_BACKGROUND = QColor("#fff3cd")
SENT_FOREGROUND = QColor("#1e6b34")
DISCARDED_FOREGROUND = QColor("#8a8a8a")


def label(table: dict[str, str], key: str) -> str:
    return QCoreApplication.translate(_CTX, table[key]) if key in table else key.replace("_", " ")


def event_label(event: str) -> str:
    return label(EVENTS, event)


def type_label(status_type: str) -> str:
    return label(TYPES, status_type)


def state_label(state: str) -> str:
    return label(STATES, state)


def is_mismatch(rec: ProtocolRecord) -> bool:
    """Sent, but reading the order back did not show it: the clerk must look."""
    return rec.state == "sent" and rec.verified is False


def read_back_text(rec: ProtocolRecord) -> str:
    if rec.state != "sent":
        return ""
    if rec.verified is None:
        return QCoreApplication.translate(_CTX, _UNCHECKED)
    return QCoreApplication.translate(_CTX, _CONFIRMED if rec.verified else _MISMATCH)


class StatusQueueModel(ListTableModel):
    COLUMNS = QUEUE_COLUMNS

    def records(self) -> list[ProtocolRecord]:
        return list(self._items)

    def record(self, row: int) -> ProtocolRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, protocol_id: int) -> int:
        return next((i for i, rec in enumerate(self._items) if rec.id == protocol_id), -1)

    def set_records(self, records: Sequence[ProtocolRecord]) -> bool:
        """Shows ``records`` (newest first, as the service lists them); True when anything changed."""
        wanted = {rec.id: rec for rec in records}
        changed = False
        # 1. rows that are gone, in runs from the bottom so the row numbers above stay valid
        row = len(self._items) - 1
        while row >= 0:
            if self._items[row].id in wanted:
                row -= 1
                continue
            end = row
            while row >= 0 and self._items[row].id not in wanted:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row + 1, end)
            del self._items[row + 1:end + 1]
            self.endRemoveRows()
            changed = True
        # 2. new rows at their places; the shown ones keep their relative order (both lists are by id)
        shown = {rec.id for rec in self._items}
        order = [rec.id for rec in records]
        if [pid for pid in order if pid in shown] != [rec.id for rec in self._items]:
            self.beginResetModel()  # an order the merge cannot express (a caller changed the sort)
            self._items = list(records)
            self.endResetModel()
            return True
        for position, rec in enumerate(records):
            if rec.id in shown:
                continue
            self.beginInsertRows(QModelIndex(), position, position)
            self._items.insert(position, rec)
            self.endInsertRows()
            changed = True
        # 3. changed cells
        for position, rec in enumerate(records):
            if self._items[position] != rec:
                self._items[position] = rec
                self.dataChanged.emit(self.index(position, 0), self.index(position, len(KEYS) - 1))
                changed = True
        return changed

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        rec, key = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(rec, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(rec, key)
        if role == Qt.ItemDataRole.UserRole:
            return rec.id
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "channel":
                return icon(f"channel:{rec.channel}")
            if key == "read_back" and is_mismatch(rec):
                return icon("warning")
            if key == "read_back" and rec.state == "sent" and rec.verified:
                return icon("check")
            if key == "state" and rec.state == "failed":
                return icon("cancel")
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if is_mismatch(rec):
                return QBrush(MISMATCH_BACKGROUND)
            if rec.state == "failed":
                return QBrush(FAILED_BACKGROUND)
            if rec.state == "waiting":
                return QBrush(WAITING_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if rec.state == "failed" or is_mismatch(rec):
                return QBrush(FAILED_FOREGROUND)
            if rec.state == "discarded":
                return QBrush(DISCARDED_FOREGROUND)
            if key in ("state", "read_back") and rec.state == "sent":
                return QBrush(SENT_FOREGROUND)
            return None
        if role == Qt.ItemDataRole.FontRole and key == "read_back" and is_mismatch(rec):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "attempts":
            return int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
        return None

    def _text(self, rec: ProtocolRecord, key: str) -> str:
        if key == "order_number":
            return rec.order_number
        if key == "channel":
            return fmt.channel_text(rec.channel)
        if key == "account":
            return rec.account_name
        if key == "event":
            return event_label(rec.event)
        if key == "status_type":
            return type_label(rec.status_type)
        if key == "value":
            return rec.value
        if key == "state":
            return state_label(rec.state)
        if key == "attempts":
            return str(rec.attempts)
        if key == "last_error":
            return " ".join(rec.last_error.split())
        if key == "next_try":
            if rec.state == "waiting" and rec.wait_until is not None:
                return QCoreApplication.translate(_CTX, _WAITS_UNTIL).replace("%1", fmt.datetime_text(rec.wait_until))
            if rec.state == "pending":
                return fmt.datetime_text(rec.next_try_at) if rec.attempts else QCoreApplication.translate(_CTX, _DUE)
            return ""
        if key == "sent_at":
            return fmt.datetime_text(rec.sent_at)
        if key == "read_back":
            return read_back_text(rec)
        return ""

    def _tooltip(self, rec: ProtocolRecord, key: str) -> str | None:
        if key == "last_error":
            return rec.last_error or None
        if key == "read_back":
            return rec.verify_detail or None
        text = self._text(rec, key)
        return text or None
