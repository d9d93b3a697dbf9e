"""Administration: the marketplace accounts, their state and the data folder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.store.accounts import AccountError, AccountRecord, AccountRepository
from app.ui import formatting as fmt
from app.ui.icons import icon
from app.ui.list_model import ListTableModel
from app.ui.widgets import list_table

Index = QModelIndex | QPersistentModelIndex

ACCOUNT_COLUMNS = (
    ("channel", QT_TRANSLATE_NOOP("AccountsModel", "Channel")),
    ("name", QT_TRANSLATE_NOOP("AccountsModel", "Account")),
    ("active", QT_TRANSLATE_NOOP("AccountsModel", "Active")),
    ("last_success", QT_TRANSLATE_NOOP("AccountsModel", "Last successful fetch")),
    ("last_summary", QT_TRANSLATE_NOOP("AccountsModel", "Last result")),
    ("base_url", QT_TRANSLATE_NOOP("AccountsModel", "Address")),
)


class AccountsModel(ListTableModel):
    """A handful of rows; read whole."""

    COLUMNS = ACCOUNT_COLUMNS

    def __init__(self, repo: AccountRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repo = repo

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self.repo.list()
        self.endResetModel()

    def account(self, row: int) -> AccountRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        a, key = cell
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                "channel": fmt.channel_text(a.channel),
                "name": a.name,
                "active": self.tr("yes") if a.active else self.tr("no"),
                "last_success": fmt.datetime_text(a.last_success_at) or self.tr("never"),
                "last_summary": a.last_summary or "",
                "base_url": a.base_url,
            }[key]
        if role == Qt.ItemDataRole.DecorationRole and key == "channel":
            return icon(f"channel:{a.channel}")
        if role == Qt.ItemDataRole.ForegroundRole:
            if not a.active:
                return QBrush(QColor("#8a8a8a"))
            if key == "last_summary" and a.last_result == "failed":
                return QBrush(QColor("#b03a2e"))
        return None


class AccountsView(QWidget):
    def __init__(self, repo: AccountRepository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccountsView")
        self.repo = repo
        self.model = AccountsModel(repo, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        title = QLabel(self.tr("Marketplace accounts"), self)
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        bar.addWidget(title)
        bar.addStretch(1)
        self.toggle = QPushButton(self.tr("Deactivate"), self)
        self.toggle.setEnabled(False)
        self.toggle.clicked.connect(self._toggle_active)
        bar.addWidget(self.toggle)
        layout.addLayout(bar)
        self.table = list_table(self.model, {}, self)
        self.table.setObjectName("AccountsTable")
        for col, width in enumerate((130, 180, 70, 140, 420)):
            self.table.horizontalHeader().resizeSection(col, width)
        layout.addWidget(self.table, 1)
        note = QLabel(self.tr("Adding and editing accounts in the window comes in a later version. Until then use "
                              "“orderdesk accounts add --channel otto --name …” on the command line; "
                              "credentials go to the system keyring."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        layout.addWidget(note)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.modelReset.connect(self._selected)

    def reload(self) -> None:
        self.model.reload()

    def refresh(self) -> None:
        self.model.reload()

    def _current(self) -> AccountRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.account(rows[0].row()) if rows else None

    def _selected(self, *_args: object) -> None:
        account = self._current()
        self.toggle.setEnabled(account is not None)
        self.toggle.setText(self.tr("Deactivate") if account is None or account.active else self.tr("Activate"))

    def _toggle_active(self) -> None:
        account = self._current()
        if account is None:
            return
        try:
            self.repo.set_active(account.name, not account.active)
        except AccountError as exc:
            QMessageBox.warning(self, self.tr("Account"), str(exc))
        row = self.table.selectionModel().selectedRows()[0].row()
        self.model.reload()
        self.table.selectRow(row)
