"""Administration › API tokens: the tokens with which ERP systems use the web service.

A new token is shown exactly once, in a read-only field with a Copy button; only its SHA-256
hash is stored (app/store/api_tokens.py). Nothing here logs a token or writes one into the
window settings, and the field is emptied when its dialog closes.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.store.api_tokens import ApiTokenRecord, ApiTokenStore, CreatedToken
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.list_model import ListTableModel
from app.ui.ship_dialog import ERROR_STYLE, NOTE_STYLE

Index = QModelIndex | QPersistentModelIndex

TOKEN_COLUMNS = (
    ("name", QT_TRANSLATE_NOOP("ApiTokensModel", "Name")),
    ("prefix", QT_TRANSLATE_NOOP("ApiTokensModel", "Begins with")),
    ("created", QT_TRANSLATE_NOOP("ApiTokensModel", "Created")),
    ("last_used", QT_TRANSLATE_NOOP("ApiTokensModel", "Last used")),
    ("revoked", QT_TRANSLATE_NOOP("ApiTokensModel", "Revoked")),
)
REVOKED_FOREGROUND = QColor("#8a8a8a")
WARNING_STYLE = ("QLabel { color: #7a4b00; background: #fff1d6; border: 1px solid #e0a640; border-radius: 3px; "
                 "padding: 6px 8px; }")


class ApiTokensModel(ListTableModel):
    COLUMNS = TOKEN_COLUMNS

    def set_tokens(self, tokens: list[ApiTokenRecord]) -> None:
        self.beginResetModel()
        self._items = list(tokens)
        self.endResetModel()

    def records(self) -> list[ApiTokenRecord]:
        return list(self._items)

    def record(self, row: int) -> ApiTokenRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        token, key = cell
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(token, key)
            return text if role == Qt.ItemDataRole.DisplayRole else (text or None)
        if role == Qt.ItemDataRole.ForegroundRole and not token.active:
            return QBrush(REVOKED_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and key == "prefix":
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if role == Qt.ItemDataRole.FontRole and key == "name" and not token.active:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return token.name
        return None

    def _text(self, token: ApiTokenRecord, key: str) -> str:
        if key == "name":
            return token.name
        if key == "prefix":
            return token.prefix + "…"
        if key == "created":
            return fmt.datetime_text(token.created_at)
        if key == "last_used":
            return (fmt.datetime_text(token.last_used_at) if token.last_used_at
                    else QCoreApplication.translate("ApiTokensModel", "never"))
        if key == "revoked":
            return fmt.datetime_text(token.revoked_at) if token.revoked_at else ""
        return ""


class NewTokenDialog(QDialog):
    """Shows a new token once. Closing it empties the field: the token is gone for good."""

    def __init__(self, created: CreatedToken, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NewTokenDialog")
        self.setWindowTitle(self.tr("New API token"))
        self.setWindowIcon(icon("accounts"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The token for <b>%1</b>:").replace("%1", _escape(created.record.name)), self))
        row = QHBoxLayout()
        self.field = QLineEdit(created.token, self)
        self.field.setObjectName("NewTokenField")
        self.field.setReadOnly(True)
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.field.setMinimumWidth(480)
        self.field.selectAll()
        row.addWidget(self.field, 1)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setObjectName("CopyTokenButton")
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        warning = QLabel(self.tr("Copy the token now and enter it in the ERP system. It cannot be shown again: "
                                 "OrderDesk keeps only a fingerprint of it. If it is lost, revoke it and "
                                 "create a new one."), self)
        warning.setObjectName("NewTokenWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(WARNING_STYLE)
        layout.addWidget(warning)
        self.copied_label = QLabel("", self)
        self.copied_label.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.copied_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.finished.connect(lambda _r: self.field.clear())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.field.text())
        self.copied_label.setText(self.tr("Copied to the clipboard."))


class ApiTokensDialog(QDialog):
    def __init__(self, store: ApiTokenStore, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ApiTokensDialog")
        self.store = store
        self.worker = worker
        self.new_token_dialog: NewTokenDialog | None = None
        self.last_message = ""
        self.setWindowTitle(self.tr("API tokens"))
        self.setWindowIcon(icon("accounts"))
        self.resize(760, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("ERP systems use the web service of the application server with an API token. "
                               "Give each ERP its own token; revoke a token when it is no longer used or may "
                               "have leaked."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.model = ApiTokensModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("ApiTokensTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 130), (2, 130), (3, 130), (4, 130)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)

        self.message = QLabel(self)
        self.message.setObjectName("ApiTokensMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        row = QHBoxLayout()
        self.create_button = QPushButton(self.tr("Create…"), self)
        self.create_button.setObjectName("CreateTokenButton")
        self.create_button.clicked.connect(lambda: self.create_token())
        row.addWidget(self.create_button)
        self.revoke_button = QPushButton(icon("cancel"), self.tr("Revoke…"), self)
        self.revoke_button.setObjectName("RevokeTokenButton")
        self.revoke_button.clicked.connect(lambda: self.revoke_selected())
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self._update_buttons()
        self.refresh()

    # --- reading -------------------------------------------------------------------------------
    def _run(self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[str], None]) -> None:
        if self.worker is None:
            try:
                result = job()
            except Exception as exc:  # noqa: BLE001 - shown to the administrator
                failed(str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {str(exc)[:300]}")
            else:
                done(result)
            return
        self.worker.submit(job, done, failed)

    def refresh(self) -> None:
        self._run(self.store.list, self._loaded,
                  lambda message: self._say(self.tr("Could not read the tokens: %1").replace("%1", message)))

    def _loaded(self, tokens: list[ApiTokenRecord]) -> None:
        selected = self.selected()
        self.model.set_tokens(tokens)
        if selected is not None:
            row = next((i for i, t in enumerate(tokens) if t.name == selected.name), -1)
            if row >= 0:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> ApiTokenRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        token = self.selected()
        self.revoke_button.setEnabled(token is not None and token.active)

    def _say(self, text: str, error: bool = True) -> None:
        self.last_message = text
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else NOTE_STYLE)
        self.message.setVisible(bool(text))

    # --- creating and revoking -----------------------------------------------------------------
    def create_token(self, name: str | None = None) -> None:
        """Asks for a name (unless given), creates the token and shows it once."""
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Create API token"),
                                            self.tr("Name of the token (e.g. the ERP system that uses it):"))
            if not ok:
                return
        if not name.strip():
            self._say(self.tr("The token needs a name."))
            return
        store = self.store

        def failed(message: str) -> None:
            self._say(self.tr("Could not create the token: %1").replace("%1", message))

        self._run(lambda: store.create(name), self._created, failed)

    def _created(self, created: CreatedToken) -> None:
        self._say("")
        self.refresh()
        if self.new_token_dialog is not None:
            self.new_token_dialog.reject()
        self.new_token_dialog = NewTokenDialog(created, self)
        self.new_token_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.new_token_dialog.destroyed.connect(lambda *_a: setattr(self, "new_token_dialog", None))
        self.new_token_dialog.open()

    def revoke_selected(self, confirm: bool = True) -> None:
        token = self.selected()
        if token is None or not token.active:
            return
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Revoke API token"),
                self.tr("Revoke the token “%1”? The ERP system that uses it is refused from now on. "
                        "This cannot be undone.").replace("%1", token.name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        store, name = self.store, token.name

        def done(_record: ApiTokenRecord) -> None:
            self._say(self.tr("Token “%1” revoked.").replace("%1", name), error=False)
            self.refresh()

        def failed(message: str) -> None:
            self._say(self.tr("Could not revoke the token: %1").replace("%1", message))

        self._run(lambda: store.revoke(name), done, failed)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
