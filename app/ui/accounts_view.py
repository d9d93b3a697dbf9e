"""Administration: the marketplace accounts, their state and the data folder."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.channels.base import AdapterOptions
from app.secrets.store import SecretStore, SecretStoreError
from app.services import accounts as account_service
from app.store.accounts import AccountError, AccountRecord, AccountRepository
from app.ui.accounts_dialog import AccountDialog, ConnectionTester
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
    """The accounts list with Add, Edit, Activate/Deactivate and Remove."""

    changed = Signal()  # an account was added, edited, (de)activated or removed

    def __init__(self, repo: AccountRepository, parent: QWidget | None = None, *,
                 open_secrets: Callable[[], SecretStore] | None = None,
                 adapter_options: Callable[[], AdapterOptions] = AdapterOptions) -> None:
        super().__init__(parent)
        self.setObjectName("AccountsView")
        self.repo = repo
        self.open_secrets = open_secrets
        self.adapter_options = adapter_options
        self.tester = ConnectionTester(self)
        self.dialog: AccountDialog | None = None
        self.model = AccountsModel(repo, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        title = QLabel(self.tr("Marketplace accounts"), self)
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        bar.addWidget(title)
        bar.addStretch(1)
        self.add_button = self._button("add", self.tr("&Add…"), self.add_account,
                                       self.tr("Connect another marketplace account"))
        self.edit_button = self._button("edit", self.tr("&Edit…"), self.edit_account,
                                        self.tr("Change the name, address or credentials of the chosen account"))
        self.toggle = self._button("toggle", self.tr("Deactivate"), self._toggle_active,
                                   self.tr("Inactive accounts are not fetched"))
        self.remove_button = self._button("remove", self.tr("&Remove…"), self.remove_account,
                                          self.tr("Remove the chosen account and its orders"))
        for button in (self.add_button, self.edit_button, self.toggle, self.remove_button):
            bar.addWidget(button)
        self.add_button.setEnabled(open_secrets is not None)
        layout.addLayout(bar)
        self.table = list_table(self.model, {}, self)
        self.table.setObjectName("AccountsTable")
        for col, width in enumerate((130, 180, 70, 140, 420)):
            self.table.horizontalHeader().resizeSection(col, width)
        self.table.doubleClicked.connect(lambda _index: self.edit_account())
        layout.addWidget(self.table, 1)
        note = QLabel(self.tr("Credentials are kept in the system keyring (or the encrypted credential file) and are "
                              "never shown again. Double-click an account to edit it."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        layout.addWidget(note)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.modelReset.connect(self._selected)

    def _button(self, name: str, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(f"account_{name}")
        button.setToolTip(tip)
        button.setMinimumWidth(90)
        button.setEnabled(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def reload(self) -> None:
        self.model.reload()

    def refresh(self) -> None:
        name = self._current().name if self._current() else None
        self.model.reload()
        if name is not None:
            self.select(name)

    def select(self, name: str) -> None:
        for row in range(self.model.rowCount()):
            account = self.model.account(row)
            if account is not None and account.name == name:
                self.table.selectRow(row)
                return

    def _current(self) -> AccountRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.account(rows[0].row()) if rows else None

    def _selected(self, *_args: object) -> None:
        account = self._current()
        editable = account is not None and self.open_secrets is not None
        self.edit_button.setEnabled(editable)
        self.remove_button.setEnabled(account is not None)
        self.toggle.setEnabled(account is not None)
        self.toggle.setText(self.tr("Deactivate") if account is None or account.active else self.tr("Activate"))

    def _changed(self, name: str | None) -> None:
        self.model.reload()
        if name is not None:
            self.select(name)
        self.changed.emit()

    # --- actions -----------------------------------------------------------------------------
    def open_dialog(self, existing: AccountRecord | None = None) -> AccountDialog | None:
        """Opens the (non-modal) add or edit dialog; one at a time."""
        if self.open_secrets is None:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = AccountDialog(self.repo, self.open_secrets, existing=existing, tester=self.tester,
                               adapter_options=self.adapter_options, parent=self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.saved.connect(lambda account: self._changed(account.name))
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_closed(d))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dialog_closed(self, dialog: AccountDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def add_account(self) -> AccountDialog | None:
        return self.open_dialog(None)

    def edit_account(self) -> AccountDialog | None:
        account = self._current()
        return self.open_dialog(account) if account is not None else None

    def _toggle_active(self) -> None:
        account = self._current()
        if account is None:
            return
        try:
            self.repo.set_active(account.name, not account.active)
        except AccountError as exc:
            QMessageBox.warning(self, self.tr("Account"), str(exc))
        self._changed(account.name)

    def remove_account(self) -> bool:
        account = self._current()
        if account is None:
            return False
        answer = QMessageBox.question(
            self, self.tr("Remove account"),
            self.tr("Remove the account “%1”?\n\nIts orders and payment receipts are removed from OrderDesk too, "
                    "and its credentials are deleted from the keyring. This cannot be undone.")
            .replace("%1", account.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        secrets: SecretStore | None = None
        if self.open_secrets is not None:
            try:
                secrets = self.open_secrets()
            except SecretStoreError:
                secrets = None  # the entry stays orphaned in the keyring, never exposed
        try:
            account_service.remove_account(self.repo, secrets, account.name)
        except AccountError as exc:
            QMessageBox.warning(self, self.tr("Remove account"), str(exc))
        self._changed(None)
        return True
