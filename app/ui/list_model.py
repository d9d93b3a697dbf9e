"""Base for small table models whose rows are a Python list (accounts, fetch dialog, log).

Big tables (orders, payments) use LazySqlModel instead; these hold at most a few thousand rows.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    COLUMNS: Sequence[tuple[str, str]] = ()  # (key, source title translated with self.tr)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []

    def cell(self, index: Index) -> tuple[Any, str] | None:
        """The row's item and the column's key, or None for an index outside the table."""
        if not (index.isValid() and 0 <= index.row() < len(self._items) and 0 <= index.column() < len(self.COLUMNS)):
            return None
        return self._items[index.row()], self.COLUMNS[index.column()][0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.COLUMNS):
            title = self.COLUMNS[section][1]
            return self.tr(title) if title else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
