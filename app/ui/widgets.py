"""Small shared widgets: the list table and the search field above every list."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QWidget

from app.ui.lazy_model import LazySqlModel


def list_table(model: QAbstractItemModel, widths: dict[str, int], parent: QWidget, *,
               stretch_last: bool = True) -> QTableView:
    """A read-only, row-selecting, SQL-sorted table in the house style."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    if isinstance(model, LazySqlModel):
        for col, column in enumerate(model.columns):
            if column.key in widths:
                header.resizeSection(col, widths[column.key])
        column, order = model.sort_state()
        header.setSortIndicator(column, order)
        table.setSortingEnabled(True)  # header clicks call model.sort, which sorts in SQL
    return table


class SearchField(QLineEdit):
    """A search box that reports its text after the user paused typing."""

    def __init__(self, placeholder: str, on_search: Callable[[str], None], parent: QWidget,
                 delay_ms: int = 250) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(260)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(lambda: on_search(self.text()))
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(lambda: (self._timer.stop(), on_search(self.text())))
