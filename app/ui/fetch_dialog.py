"""The fetch dialog: the channel's active accounts, fetched one by one or all at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.channels.base import ChannelInfo
from app.services.fetch import FetchResult
from app.store.accounts import AccountRecord, AccountRepository
from app.ui import formatting as fmt
from app.ui.fetch_controller import FetchController, FetchProgress
from app.ui.icons import icon
from app.ui.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex

FETCH_COLUMNS = (
    ("name", QT_TRANSLATE_NOOP("AccountFetchModel", "Account")),
    ("last_success", QT_TRANSLATE_NOOP("AccountFetchModel", "Last successful fetch")),
    ("last_result", QT_TRANSLATE_NOOP("AccountFetchModel", "Last result")),
    ("action", ""),
)
FAILED = QColor("#b03a2e")
RUNNING = QColor("#1f6fb2")


class AccountFetchModel(ListTableModel):
    """One row per active account with its last result, or its live progress while fetching."""

    COLUMNS = FETCH_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: dict[int, str] = {}  # account id -> progress text while fetching

    def set_accounts(self, accounts: list[AccountRecord]) -> None:
        if [a.id for a in accounts] == [a.id for a in self._items]:
            self._items = list(accounts)
            if accounts:
                self.dataChanged.emit(self.index(0, 0), self.index(len(accounts) - 1, len(FETCH_COLUMNS) - 1))
            return
        self.beginResetModel()
        self._items = list(accounts)
        self.endResetModel()

    def accounts(self) -> list[AccountRecord]:
        return list(self._items)

    def account(self, row: int) -> AccountRecord:
        return self._items[row]

    def row_of(self, account_id: int) -> int:
        return next((i for i, a in enumerate(self._items) if a.id == account_id), -1)

    def set_live(self, account_id: int, text: str | None) -> None:
        if text is None:
            self._live.pop(account_id, None)
        else:
            self._live[account_id] = text
        row = self.row_of(account_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(FETCH_COLUMNS) - 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        account, key = cell
        live = self._live.get(account.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if key == "name":
                return account.name if role == Qt.ItemDataRole.DisplayRole else f"{account.name}\n{account.base_url}"
            if key == "last_success":
                return fmt.datetime_text(account.last_success_at) or self.tr("never")
            if key == "last_result":
                if live is not None:
                    return live
                return account.last_summary or self.tr("not fetched yet")
            return None
        if role == Qt.ItemDataRole.DecorationRole and key == "name":
            return icon(f"channel:{account.channel}")
        if role == Qt.ItemDataRole.ForegroundRole and key == "last_result":
            if live is not None:
                return QBrush(RUNNING)
            if account.last_result == "failed":
                return QBrush(FAILED)
        return None


class FetchDialog(QDialog):
    """Non-modal, so the order list and the log box can be watched while orders arrive."""

    def __init__(self, channel: ChannelInfo, accounts: AccountRepository, controller: FetchController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FetchDialog")
        self.channel = channel
        self.repo = accounts
        self.controller = controller
        self.setWindowTitle(self.tr("Fetch orders – %1").replace("%1", channel.display_name))
        self.setWindowIcon(icon("fetch"))
        self.resize(820, 360)

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon(f"channel:{channel.channel.value}").pixmap(40, 40))
        head.addWidget(logo)
        intro = QLabel(self)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setText(f"<b style='font-size: 12pt'>{channel.display_name}</b><br>"
                      + self.tr("New and changed orders are fetched from every active account. "
                                "Orders the marketplace has not released yet go to the backlog."))
        intro.setWordWrap(True)
        head.addWidget(intro, 1)
        layout.addLayout(head)

        self.model = AccountFetchModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("FetchAccountsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setIconSize(QSize(20, 20))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(3, 96)
        header.setHighlightSections(False)
        layout.addWidget(self.table, 1)

        self.empty = QLabel(self.tr("There is no active %1 account. Add one with “orderdesk accounts add”.")
                            .replace("%1", channel.display_name), self)
        self.empty.setStyleSheet("color: palette(mid); padding: 8px;")
        self.empty.hide()
        layout.addWidget(self.empty)

        status = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the number of pages is unknown in advance
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        self.status = QLabel(self)
        status.addWidget(self.progress, 1)
        status.addWidget(self.status, 2)
        layout.addLayout(status)

        buttons = QDialogButtonBox(self)
        self.fetch_all = QPushButton(icon("fetch"), self.tr("Fetch all"), self)
        self.fetch_all.setObjectName("FetchAllButton")
        self.fetch_all.setDefault(True)
        self.cancel_button = QPushButton(icon("cancel"), self.tr("Cancel fetching"), self)
        self.cancel_button.setObjectName("CancelFetchButton")
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons.addButton(self.fetch_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)

        self.fetch_all.clicked.connect(self.start_all)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        controller.started.connect(self._started)
        controller.progress.connect(self._progress)
        controller.finished.connect(self._finished)
        self.reload_accounts()
        self._update_buttons()

    # --- accounts ----------------------------------------------------------------------
    def reload_accounts(self) -> None:
        accounts = self.repo.list(self.channel.channel.value, active_only=True)
        self.model.set_accounts(accounts)
        self.empty.setVisible(not accounts)
        self.table.setVisible(bool(accounts))
        for row, account in enumerate(accounts):
            index = self.model.index(row, 3)
            button = self.table.indexWidget(index)
            if not isinstance(button, QToolButton):
                button = QToolButton(self.table)
                button.setObjectName(f"FetchButton:{account.name}")
                button.setText(self.tr("Fetch"))
                button.setIcon(icon("fetch"))
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                button.setAutoRaise(False)
                button.clicked.connect(lambda _checked=False, name=account.name: self.start_account(name))
                self.table.setIndexWidget(index, button)
            button.setEnabled(not self.controller.is_running(account.id))
        for account in accounts:
            if self.controller.is_running(account.id):
                self.model.set_live(account.id, self.tr("Fetching…"))

    def account_button(self, name: str) -> QToolButton | None:
        return self.findChild(QToolButton, f"FetchButton:{name}")

    # --- actions -----------------------------------------------------------------------
    def start_all(self) -> None:
        self._start(self.model.accounts())

    def start_account(self, name: str) -> None:
        self._start([a for a in self.model.accounts() if a.name == name])

    def _start(self, accounts: list[AccountRecord]) -> None:
        if not accounts:
            return
        problem = self.controller.unlock_secrets()
        if problem:
            QMessageBox.warning(self, self.tr("Credentials not available"),
                                self.tr("The account credentials cannot be read, so nothing was fetched.\n\n%1")
                                .replace("%1", problem))
            return
        self.controller.start(accounts)

    def cancel(self) -> None:
        for account in self.model.accounts():
            if self.controller.is_running(account.id):
                self.controller.cancel(account.id)
                self.model.set_live(account.id, self.tr("Cancelling after the current page…"))
        self.cancel_button.setEnabled(False)

    # --- controller signals --------------------------------------------------------------
    def _mine(self, account_id: int) -> bool:
        return self.model.row_of(account_id) >= 0

    def _started(self, account: AccountRecord) -> None:
        if self._mine(account.id):
            self.model.set_live(account.id, self.tr("Connecting…"))
            self._update_buttons()

    def _progress(self, p: FetchProgress) -> None:
        if self._mine(p.account_id):
            text = self.tr("Page %1: %2 new, %3 updated, %4 released")
            for marker, value in (("%1", p.pages), ("%2", p.new), ("%3", p.updated), ("%4", p.released)):
                text = text.replace(marker, str(value))
            quota = fmt.quota_text(list(p.quota))  # remaining budget and time to finish
            self.model.set_live(p.account_id, f"{text} · {quota}" if quota else text)

    def _finished(self, account: AccountRecord, result: FetchResult) -> None:
        if not self._mine(account.id):
            return
        self.model.set_live(account.id, None)
        self.reload_accounts()
        if result.cancelled:
            text = self.tr("%1: cancelled; everything fetched so far is kept.")
        elif result.ok:
            text = self.tr("%1: finished – %2 new, %3 updated, %4 released.")
        else:
            text = self.tr("%1: failed – see the log box.")
        c = result.counts
        self.status.setText(text.replace("%1", account.name).replace("%2", str(c.new)).replace("%3", str(c.updated))
                            .replace("%4", str(c.released)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = [a for a in self.model.accounts() if self.controller.is_running(a.id)]
        self.progress.setVisible(bool(running))
        self.fetch_all.setEnabled(bool(self.model.accounts()) and len(running) < len(self.model.accounts()))
        self.cancel_button.setEnabled(bool(running))
        for account in self.model.accounts():
            button = self.account_button(account.name)
            if button is not None:
                button.setEnabled(account.id not in {a.id for a in running})
        if running:
            self.status.setText(self.tr("Fetching %n account(s)…", "", len(running)))

    def is_busy(self) -> bool:
        return any(self.controller.is_running(a.id) for a in self.model.accounts())
