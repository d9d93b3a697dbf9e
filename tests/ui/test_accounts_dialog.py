"""The account dialog and the Administration buttons, against the real sandbox on a loopback port."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from app.secrets.store import SecretStore
from app.services import accounts as account_service
from app.ui.accounts_dialog import AccountDialog
from app.ui.accounts_view import AccountsView
from tests.ui.conftest import quick_options
from tests.ui.sqldata import insert_orders

SECRET = "typed-secret-98765"


def make_view(qtbot, ctx) -> AccountsView:
    view = AccountsView(ctx.accounts, open_secrets=ctx.secrets, adapter_options=quick_options)
    qtbot.addWidget(view)
    view.reload()
    return view


def fill(dialog: AccountDialog, name: str, url: str, client_id: str, secret: str) -> None:
    dialog.name_edit.setText(name)
    dialog.url_edit.setText(url)
    dialog.credential_edits["client_id"].setText(client_id)
    dialog.credential_edits["client_secret"].setText(secret)


def all_texts() -> list[str]:
    texts = []
    for widget in QApplication.allWidgets():
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QLabel):
            texts.append(widget.text())
    return texts


def add_otto(ctx, name="OTTO Nord", url="http://127.0.0.1:9/otto", creds=None):
    return account_service.save_account(ctx.accounts, ctx.secrets(), "otto", name, url,
                                        creds or {"client_id": "stored-id", "client_secret": "stored-secret"})


def test_add_an_account_through_the_dialog(qtbot, ui_ctx, keyring_memory, sandbox):
    view = make_view(qtbot, ui_ctx)
    dialog = view.add_account()
    assert dialog is not None and dialog.windowTitle() == "Add account"
    assert [dialog.channel_box.itemText(i) for i in range(dialog.channel_box.count())] == [
        "OTTO Market", "Amazon", "eBay", "Kaufland", "Shopware 6"]  # every channel of the registry
    assert dialog.url_edit.text() == "https://api.otto.market"
    assert dialog.credential_edits["client_secret"].echoMode() == QLineEdit.EchoMode.Password
    assert dialog.credential_edits["client_id"].echoMode() == QLineEdit.EchoMode.Normal
    url = sandbox.describe()["otto"]["base_url"]
    fill(dialog, "OTTO Nord", url, "my-client", SECRET)
    dialog._sync_preset()
    assert dialog.preset_box.currentData() == "local"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == AccountDialog.DialogCode.Accepted
    account = ui_ctx.accounts.get("OTTO Nord")
    assert (account.channel, account.base_url, account.active) == ("otto", url, True)
    assert SecretStore(keyring_memory, "fresh").load(account.secret_ref) == {"client_id": "my-client",
                                                                             "client_secret": SECRET}
    assert not any(SECRET in text for text in all_texts())
    assert view.model.rowCount() == 1 and view._current().name == "OTTO Nord"
    assert view.dialog is None


def test_edit_keeps_stored_secrets_when_fields_stay_empty(qtbot, ui_ctx, keyring_memory):
    account = add_otto(ui_ctx)
    view = make_view(qtbot, ui_ctx)
    view.table.selectRow(0)
    assert view.edit_button.isEnabled()
    dialog = view.edit_account()
    assert dialog.windowTitle() == "Edit account" and not dialog.channel_box.isEnabled()
    assert dialog.name_edit.text() == "OTTO Nord" and dialog.url_edit.text() == "http://127.0.0.1:9/otto"
    for edit in dialog.credential_edits.values():
        assert edit.text() == "" and edit.placeholderText() == "unchanged — type to replace"
    assert not any("stored-secret" in text for text in all_texts())
    dialog.name_edit.setText("OTTO Süd")
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("production"))
    dialog._preset_chosen(dialog.preset_box.currentIndex())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    edited = ui_ctx.accounts.get("OTTO Süd")
    assert edited.secret_ref == account.secret_ref and edited.base_url == "https://api.otto.market"
    assert SecretStore(keyring_memory, "fresh").load(account.secret_ref) == {"client_id": "stored-id",
                                                                             "client_secret": "stored-secret"}
    # Typing a new secret replaces only that one.
    view.table.selectRow(0)
    dialog = view.edit_account()
    dialog.credential_edits["client_secret"].setText("new-secret")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert SecretStore(keyring_memory, "fresh").load(account.secret_ref) == {"client_id": "stored-id",
                                                                             "client_secret": "new-secret"}


def test_double_click_edits(qtbot, ui_ctx):
    add_otto(ui_ctx)
    view = make_view(qtbot, ui_ctx)
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(0)
    rect = view.table.visualRect(view.model.index(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.dialog is not None and view.dialog.existing.name == "OTTO Nord"
    view.dialog.reject()


def wait_result(qtbot, dialog: AccountDialog) -> str:
    qtbot.waitUntil(lambda: not dialog.is_testing(), timeout=20_000)
    return dialog.result_label.text()


def test_connection_test_with_right_and_wrong_credentials(qtbot, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    view = make_view(qtbot, ui_ctx)
    dialog = view.add_account()
    fill(dialog, "OTTO Nord", info["base_url"], info["credentials"]["client_id"], info["credentials"]["client_secret"])
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.is_testing() and not dialog.test_button.isEnabled()
    assert dialog.result_label.text().startswith("Testing the connection")
    text = wait_result(qtbot, dialog)
    assert text == "✔ The connection works: OTTO Market accepted the credentials."
    assert "#1e6b34" in dialog.result_label.styleSheet() and dialog.test_button.isEnabled()

    wrong = "wrong-secret-12345"
    dialog.credential_edits["client_secret"].setText(wrong)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, dialog)
    assert text.startswith("✘ The connection does not work:") and "client id or secret" in text
    assert wrong not in text and "#8c1d18" in dialog.result_label.styleSheet()
    assert ui_ctx.accounts.list() == []  # testing saves nothing
    dialog.reject()


def test_connection_test_of_an_edit_uses_the_stored_credentials(qtbot, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    add_otto(ui_ctx, url=info["base_url"], creds=dict(info["credentials"]))
    view = make_view(qtbot, ui_ctx)
    view.table.selectRow(0)
    dialog = view.edit_account()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert wait_result(qtbot, dialog).startswith("✔ The connection works")
    assert all(edit.text() == "" for edit in dialog.credential_edits.values())
    dialog.credential_edits["client_secret"].setText("typed-but-wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, dialog)
    assert text.startswith("✘") and "typed-but-wrong" not in text
    dialog.reject()


def test_connection_test_to_an_unreachable_address_says_so(qtbot, ui_ctx):
    view = make_view(qtbot, ui_ctx)
    dialog = view.add_account()
    fill(dialog, "OTTO Nord", "http://127.0.0.1:9/otto", "id", "secret-xyz")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, dialog)
    assert text.startswith("✘ The connection does not work:") and "secret-xyz" not in text
    dialog.reject()


def test_validation_messages(qtbot, ui_ctx):
    add_otto(ui_ctx)
    view = make_view(qtbot, ui_ctx)
    dialog = view.add_account()
    dialog.url_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    errors = dialog.errors
    assert not errors["name"].isHidden() and errors["name"].text() == "Enter a name for the account."
    assert errors["base_url"].text() == "Enter the address of the marketplace API."
    assert errors["credential:client_id"].text() == "Enter the Client ID."
    assert errors["credential:client_secret"].text() == "Enter the Client secret."
    fill(dialog, "otto nord", "ftp://example.com", "id", "secret")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "exists already" in errors["name"].text()
    assert errors["base_url"].text().startswith("The address must start with http:// or https://")
    assert errors["credential:client_id"].isHidden()
    dialog.url_edit.setText("https://user:pw@example.com")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.is_testing() and not errors["base_url"].isHidden()
    assert [a.name for a in ui_ctx.accounts.list()] == ["OTTO Nord"]
    assert dialog.isVisible() or dialog.result() != AccountDialog.DialogCode.Accepted
    fill(dialog, "OTTO Zwei", "https://example.com/otto", "id", "secret")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [a.name for a in ui_ctx.accounts.list()] == ["OTTO Nord", "OTTO Zwei"]


def test_presets_fill_the_address(qtbot, ui_ctx):
    view = make_view(qtbot, ui_ctx)
    dialog = view.add_account()
    box = dialog.preset_box
    assert [box.itemData(i) for i in range(box.count())] == ["production", "sandbox", "local", "other"]
    for preset, url in (("sandbox", "https://sandbox.api.otto.market"), ("production", "https://api.otto.market"),
                        ("local", "")):
        box.setCurrentIndex(box.findData(preset))
        box.activated.emit(box.currentIndex())
        assert dialog.url_edit.text() == url
    assert "orderdesk sandbox" in dialog.url_edit.placeholderText()
    dialog.url_edit.textEdited.emit("https://sandbox.api.otto.market")
    dialog.url_edit.setText("https://sandbox.api.otto.market")
    dialog._sync_preset()
    assert box.currentData() == "sandbox"
    dialog.url_edit.setText("https://example.com")
    dialog._sync_preset()
    assert box.currentData() == "other"
    dialog.reject()


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
def test_remove_asks_first_and_removes_orders_and_credentials(qtbot, ui_ctx, keyring_memory, monkeypatch, answer):
    keep = add_otto(ui_ctx, "OTTO Eins")
    gone = add_otto(ui_ctx, "OTTO Zwei")
    insert_orders(ui_ctx.engine, gone.id, 5)
    asked = []

    def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    view = make_view(qtbot, ui_ctx)
    view.table.selectRow(1)
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert "“OTTO Zwei”" in asked[0] and "orders" in asked[0]
    refs = {ref for _service, ref in keyring_memory.items}
    if answer == QMessageBox.StandardButton.Yes:
        assert [a.name for a in ui_ctx.accounts.list()] == ["OTTO Eins"]
        assert view.model.rowCount() == 1
        assert refs == {keep.secret_ref}
        from sqlalchemy import text
        with ui_ctx.engine.connect() as conn:
            assert conn.execute(text("select count(*) from orders")).scalar() == 0
    else:
        assert [a.name for a in ui_ctx.accounts.list()] == ["OTTO Eins", "OTTO Zwei"]
        assert refs == {keep.secret_ref, gone.secret_ref}


def test_buttons_follow_the_selection_and_toggle(qtbot, ui_ctx):
    add_otto(ui_ctx)
    view = make_view(qtbot, ui_ctx)
    assert view.add_button.isEnabled()
    assert not (view.edit_button.isEnabled() or view.remove_button.isEnabled() or view.toggle.isEnabled())
    view.table.selectRow(0)
    assert view.edit_button.isEnabled() and view.remove_button.isEnabled() and view.toggle.text() == "Deactivate"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(view.toggle, Qt.MouseButton.LeftButton)
    assert not ui_ctx.accounts.get("OTTO Nord").active and view.toggle.text() == "Activate"
    qtbot.mouseClick(view.toggle, Qt.MouseButton.LeftButton)
    assert ui_ctx.accounts.get("OTTO Nord").active


def test_accounts_model(qtmodeltester, qtbot, ui_ctx):
    view = make_view(qtbot, ui_ctx)
    qtmodeltester.check(view.model)
    add_otto(ui_ctx)
    add_otto(ui_ctx, "OTTO Zwei")
    view.reload()
    qtmodeltester.check(view.model)


def test_ribbon_add_account_opens_the_dialog(qtbot, ui_ctx):
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_ctx, refresh_ms=60_000, log_poll_ms=60_000)
    qtbot.addWidget(window)
    try:
        assert window.add_account_action.isEnabled()
        window.add_account_action.trigger()
        dialog = window.accounts_view.dialog
        assert isinstance(dialog, AccountDialog)
        fill(dialog, "OTTO Nord", "https://api.otto.market", "id", "secret")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert window.accounts_view.model.rowCount() == 1
    finally:
        window.shutdown()
