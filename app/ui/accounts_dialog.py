"""Add or edit one marketplace account; its credentials go to the keyring and never come back.

Editing shows the credential fields empty: stored secrets are never read into a widget. They are
read (on the GUI thread, which may ask for the master password) only to test the connection.
"""

from __future__ import annotations

import itertools
import logging
from typing import Callable
from urllib.parse import urlsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.channels.base import AdapterOptions, ChannelInfo
from app.channels.errors import ChannelError
from app.channels.registry import CHANNELS, available
from app.domain.orders import Channel
from app.secrets.store import SecretStore, SecretStoreError
from app.services import accounts as account_service
from app.store.accounts import AccountError, AccountRecord, AccountRepository
from app.ui.icons import icon

log = logging.getLogger(__name__)

_BOX = "QLabel {{ color: {}; background: {}; border: 1px solid {}; border-radius: 3px; padding: 6px; }}"
OK_STYLE = _BOX.format("#1e6b34", "#e6f4ea", "#9fd3ae")
FAIL_STYLE = _BOX.format("#8c1d18", "#fce8e6", "#f0a8a0")
BUSY_STYLE = _BOX.format("#33475b", "#eef3f8", "#c5d3e0")
ERROR_STYLE = "color: #b03a2e;"
NOTE_STYLE = "color: #5c6670;"

FIELD_LABELS = {
    "client_id": QT_TRANSLATE_NOOP("AccountDialog", "Client ID"),
    "client_secret": QT_TRANSLATE_NOOP("AccountDialog", "Client secret"),
    "refresh_token": QT_TRANSLATE_NOOP("AccountDialog", "Refresh token"),
    "api_key": QT_TRANSLATE_NOOP("AccountDialog", "API key"),
    "secret_key": QT_TRANSLATE_NOOP("AccountDialog", "Secret key"),
    "client_key": QT_TRANSLATE_NOOP("AccountDialog", "Client key"),
    "marketplace_id": QT_TRANSLATE_NOOP("AccountDialog", "Marketplace ID"),
    "storefront": QT_TRANSLATE_NOOP("AccountDialog", "Storefront"),
}
PRESET_PRODUCTION, PRESET_SANDBOX, PRESET_LOCAL, PRESET_OTHER = "production", "sandbox", "local", "other"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ConnectionTester(QObject):
    """Runs connection tests on a thread pool; results come back through ``finished`` only.

    Owned by the accounts view (not the dialog), so closing a dialog mid-test neither blocks
    nor leaves a worker emitting into a deleted object.
    """

    finished = Signal(int, bool, str)  # token, ok, plain message
    _worker_done = Signal(int, bool, str)  # emitted by pool threads, queued to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._tokens = itertools.count(1)
        self._worker_done.connect(self._relay)

    def start(self, info: ChannelInfo, base_url: str, credentials: dict[str, str], options: AdapterOptions) -> int:
        token, values = next(self._tokens), dict(credentials)  # copied now: the caller clears its dict
        self.pool.start(lambda: self._run(token, info, base_url, values, options))
        return token

    def _run(self, token: int, info: ChannelInfo, base_url: str, credentials: dict[str, str],
             options: AdapterOptions) -> None:
        """Pool thread: no widgets, only the signal."""
        try:
            ok, message = True, account_service.test_connection(info, base_url, credentials, options)
        except ChannelError as exc:
            ok, message = False, str(exc)
        except Exception as exc:  # noqa: BLE001 - a last guard; the log has the traceback
            log.exception("connection test crashed")
            ok, message = False, f"internal error ({type(exc).__name__})"
        credentials.clear()
        try:
            self._worker_done.emit(token, ok, message)
        except RuntimeError:
            pass  # the tester is being destroyed (window closing): nobody waits for this result

    @Slot(int, bool, str)
    def _relay(self, token: int, ok: bool, message: str) -> None:
        self.finished.emit(token, ok, message)

    def wait(self, timeout_ms: int = 20_000) -> bool:
        return self.pool.waitForDone(timeout_ms)


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return QCoreApplication.translate("AccountDialog", FIELD_LABELS[name])
    return name.replace("_", " ").capitalize()


def valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not (parts.username or parts.password)


class AccountDialog(QDialog):
    """One account: channel, name, address and credentials, with a connection test."""

    saved = Signal(object)  # AccountRecord

    def __init__(self, accounts: AccountRepository, open_secrets: Callable[[], SecretStore], *,
                 existing: AccountRecord | None = None, channel: str | None = None,
                 tester: ConnectionTester | None = None,
                 adapter_options: Callable[[], AdapterOptions] = AdapterOptions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccountDialog")
        self.accounts = accounts
        self.open_secrets = open_secrets
        self.existing = existing
        self.adapter_options = adapter_options
        self.tester = tester or ConnectionTester(self)
        self.tester.finished.connect(self._tested)
        self._token = 0
        self.credential_edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}

        self.setWindowTitle(self.tr("Edit account") if existing else self.tr("Add account"))
        self.setWindowIcon(icon("accounts"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)

        heading = QLabel(self.tr("Edit the account “%1”").replace("%1", existing.name) if existing
                         else self.tr("Connect a marketplace account"), self)
        heading.setObjectName("AccountDialogHeading")
        heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        layout.addWidget(heading)
        intro = QLabel(self.tr("Leave a credential field empty to keep what is stored.") if existing else
                       self.tr("OrderDesk signs in with these credentials to fetch the account's orders."), self)
        intro.setWordWrap(True)
        intro.setStyleSheet(NOTE_STYLE)
        layout.addWidget(intro)

        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)

        self.channel_box = QComboBox(self)
        self.channel_box.setObjectName("channel")
        for info in CHANNELS.values():
            if available(info) or (existing is not None and existing.channel == info.channel.value):
                self.channel_box.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        wanted = existing.channel if existing else channel
        if wanted is not None and self.channel_box.findData(wanted) >= 0:
            self.channel_box.setCurrentIndex(self.channel_box.findData(wanted))
        self.channel_box.setEnabled(existing is None)
        self.form.addRow(self.tr("Sales &channel:"), self.channel_box)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name")
        self.name_edit.setMaxLength(100)
        self.name_edit.setPlaceholderText(self.tr("e.g. OTTO Main shop"))
        self.form.addRow(self.tr("Account &name:"), self._with_error("name", self.name_edit))

        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("preset")
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("base_url")
        self.form.addRow(self.tr("&Environment:"), self.preset_box)
        self.form.addRow(self.tr("&Address:"), self._with_error("base_url", self.url_edit))

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.form.addRow(line)
        self._credential_row = self.form.rowCount()  # one form, so all labels line up
        self.keyring_note = QLabel(self.tr("Credentials are kept in the system keyring (or the encrypted credential "
                                           "file) and are never shown again."), self)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.keyring_note)

        test_row = QHBoxLayout()
        self.test_button = QPushButton(icon("refresh"), self.tr("&Test connection"), self)
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout.addLayout(test_row)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("test_result")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        layout.addWidget(self.result_label)

        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.form_error = QLabel(self)
        self.form_error.setObjectName("form_error")
        self.form_error.setWordWrap(True)
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.hide()
        layout.insertWidget(layout.indexOf(self.buttons), self.form_error)

        self.preset_box.activated.connect(self._preset_chosen)
        self.url_edit.textEdited.connect(self._url_edited)
        self.channel_box.currentIndexChanged.connect(self._channel_changed)
        self._channel_changed()
        if existing is not None:
            self.name_edit.setText(existing.name)
            self.url_edit.setText(existing.base_url)
            self._sync_preset()
        self.name_edit.setFocus()

    # --- building --------------------------------------------------------------------------
    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel(box)
        error.setObjectName(f"error:{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.errors[key] = error
        return box

    def info(self) -> ChannelInfo:
        return CHANNELS[Channel(self.channel_box.currentData())]

    def _channel_changed(self, *_args: object) -> None:
        info = self.info()
        self.preset_box.clear()
        if info.production_url:
            self.preset_box.addItem(self.tr("Production"), PRESET_PRODUCTION)
        if info.sandbox_url:
            self.preset_box.addItem(self.tr("Marketplace sandbox"), PRESET_SANDBOX)
        self.preset_box.addItem(self.tr("Local sandbox (orderdesk sandbox)"), PRESET_LOCAL)
        self.preset_box.addItem(self.tr("Other address"), PRESET_OTHER)
        self._preset_chosen(0)
        while self.form.rowCount() > self._credential_row:
            self.form.removeRow(self._credential_row)
        for key in [k for k in self.errors if k.startswith("credential:")]:
            del self.errors[key]
        self.credential_edits.clear()
        for name in info.credential_fields:
            edit = QLineEdit(self)
            edit.setObjectName(f"credential:{name}")
            if name in info.secret_fields:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            if self.existing is not None:
                edit.setPlaceholderText(self.tr("unchanged — type to replace"))
            self.credential_edits[name] = edit
            self.form.addRow(field_label(name) + ":", self._with_error(f"credential:{name}", edit))
        self.result_label.hide()

    # --- address presets -----------------------------------------------------------------
    def _preset_chosen(self, index: int) -> None:
        info = self.info()
        preset = self.preset_box.itemData(index)
        self.url_edit.setReadOnly(False)
        if preset == PRESET_PRODUCTION:
            self.url_edit.setText(info.production_url)
        elif preset == PRESET_SANDBOX:
            self.url_edit.setText(info.sandbox_url)
        elif preset == PRESET_LOCAL:
            if not self._is_local(self.url_edit.text()):
                self.url_edit.clear()
            self.url_edit.setPlaceholderText(self.tr("e.g. http://127.0.0.1:8765/%1 – printed by “orderdesk sandbox”")
                                             .replace("%1", info.channel.value))
            self.url_edit.setFocus()
        else:
            self.url_edit.setPlaceholderText("https://")
            self.url_edit.setFocus()
        self._show_error("base_url", "")

    def _url_edited(self, _text: str) -> None:
        self._sync_preset()

    @staticmethod
    def _is_local(url: str) -> bool:
        return (urlsplit(url.strip()).hostname or "") in LOCAL_HOSTS

    def _sync_preset(self) -> None:
        info, url = self.info(), self.url_edit.text().strip()
        if url and url == info.production_url:
            preset = PRESET_PRODUCTION
        elif url and url == info.sandbox_url:
            preset = PRESET_SANDBOX
        elif self._is_local(url):
            preset = PRESET_LOCAL
        else:
            preset = PRESET_OTHER
        self.preset_box.setCurrentIndex(max(0, self.preset_box.findData(preset)))

    # --- validation --------------------------------------------------------------------------
    def _show_error(self, key: str, message: str) -> None:
        label = self.errors.get(key)
        if label is not None and (label.text() != message or label.isHidden() == bool(message)):
            label.setText(message)
            label.setVisible(bool(message))
            self._fit()

    def _fit(self) -> None:
        """Grow to show new messages instead of squeezing the fields."""
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        height = max(height, layout.totalMinimumSize().height(), self.sizeHint().height())
        if self.height() < height:
            self.resize(self.width(), height)

    def typed_credentials(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.credential_edits.items() if edit.text()}

    def _validate_url(self) -> bool:
        url = self.url_edit.text().strip()
        if not url:
            message = self.tr("Enter the address of the marketplace API.")
        elif not valid_url(url):
            message = self.tr("The address must start with http:// or https:// and name a server, without a user "
                              "name or password.")
        else:
            message = ""
        self._show_error("base_url", message)
        return not message

    def _validate_credentials(self) -> bool:
        ok = True
        for name, edit in self.credential_edits.items():
            missing = not edit.text() and self.existing is None
            self._show_error(f"credential:{name}",
                             self.tr("Enter the %1.").replace("%1", field_label(name)) if missing else "")
            ok = ok and not missing
        return ok

    def validate(self) -> bool:
        """Checks every field and shows what is wrong next to it; True when all is well."""
        name = self.name_edit.text().strip()
        taken = {a.name.casefold() for a in self.accounts.list()}
        if self.existing is not None:
            taken.discard(self.existing.name.casefold())
        if not name:
            message = self.tr("Enter a name for the account.")
        elif name.casefold() in taken:
            message = self.tr("An account named “%1” exists already; choose another name.").replace("%1", name)
        else:
            message = ""
        self._show_error("name", message)
        url_ok = self._validate_url()
        credentials_ok = self._validate_credentials()
        return not message and url_ok and credentials_ok

    # --- connection test ---------------------------------------------------------------------
    def is_testing(self) -> bool:
        return self._token != 0

    def test_connection(self) -> None:
        if self.is_testing():
            return
        if not self._validate_url():
            return
        info = self.info()
        credentials = {name: edit.text() for name, edit in self.credential_edits.items()}
        if self.existing is not None and not all(credentials.values()):
            try:  # on the GUI thread: opening the store may ask for the master password
                stored = self.open_secrets().load(self.existing.secret_ref)
            except SecretStoreError as exc:
                self._show_result(False, self.tr("The stored credentials could not be read: %1")
                                  .replace("%1", str(exc)))
                return
            credentials = {name: value or stored.get(name, "") for name, value in credentials.items()}
        missing = [name for name, value in credentials.items() if not value]
        if missing:
            self._validate_credentials()
            self._show_result(False, self.tr("Enter the %1 first.").replace(
                "%1", ", ".join(field_label(n) for n in missing)))
            return
        self.result_label.setText(self.tr("Testing the connection to %1…").replace("%1", info.display_name))
        self.result_label.setStyleSheet(BUSY_STYLE)
        self.result_label.show()
        self.test_button.setEnabled(False)
        self._token = self.tester.start(info, self.url_edit.text().strip(), credentials, self.adapter_options())
        credentials.clear()

    @Slot(int, bool, str)
    def _tested(self, token: int, ok: bool, message: str) -> None:
        if token != self._token:
            return  # another dialog's test, or one this dialog no longer waits for
        self._token = 0
        self.test_button.setEnabled(True)
        if ok:
            self._show_result(True, self.tr("The connection works: %1 accepted the credentials.")
                              .replace("%1", self.info().display_name))
        else:
            self._show_result(False, self.tr("The connection does not work: %1").replace("%1", message))

    def _show_result(self, ok: bool, text: str) -> None:
        self.result_label.setText(("✔ " if ok else "✘ ") + text)
        self.result_label.setStyleSheet(OK_STYLE if ok else FAIL_STYLE)
        self.result_label.show()
        self._fit()

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        self.form_error.hide()
        if not self.validate():
            return
        try:
            secrets = self.open_secrets()
            account = account_service.save_account(
                self.accounts, secrets, str(self.channel_box.currentData()), self.name_edit.text().strip(),
                self.url_edit.text().strip(), self.typed_credentials(), self.existing)
        except AccountError as exc:
            self.form_error.setText(self.tr("The account could not be saved: %1").replace("%1", str(exc)))
            self.form_error.show()
            return
        except SecretStoreError as exc:
            text = (self.tr("The account was saved, but its new credentials could not be stored: %1")
                    if self.existing is not None else
                    self.tr("The credentials could not be stored, so the account was not added: %1"))
            self.form_error.setText(text.replace("%1", str(exc)))
            self.form_error.show()
            return
        self.saved.emit(account)
        self.accept()

    def done(self, result: int) -> None:
        """Typed secrets leave the widgets as soon as the dialog closes."""
        for edit in self.credential_edits.values():
            edit.clear()
        self._token = 0
        super().done(result)
