"""Account use cases without Qt: the connection test against the real sandbox, save and remove."""

from __future__ import annotations

import dataclasses

import pytest

from app.channels.errors import AuthError, ChannelError
from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.secrets.store import SecretStore, SecretStoreError
from app.services import accounts as account_service
from app.store.accounts import AccountError
from tests.conftest import fast_options

OTTO = CHANNELS[Channel.OTTO]


def test_connection_with_the_right_credentials_says_so(sandbox):
    info = sandbox.describe()["otto"]
    message = account_service.test_connection(OTTO, info["base_url"], info["credentials"], fast_options())
    assert message == "The connection works: OTTO Market accepted the credentials."


def test_connection_with_a_wrong_secret_names_the_problem_without_the_secret(sandbox):
    info = sandbox.describe()["otto"]
    wrong = {**info["credentials"], "client_secret": "not-the-secret-4711"}
    with pytest.raises(AuthError) as caught:
        account_service.test_connection(OTTO, info["base_url"], wrong, fast_options())
    assert "client id or secret" in str(caught.value)
    assert "not-the-secret-4711" not in str(caught.value)


def test_connection_to_nowhere_and_with_missing_credentials():
    with pytest.raises(ChannelError) as caught:
        account_service.test_connection(OTTO, "http://127.0.0.1:9/otto", {"client_id": "a", "client_secret": "b"},
                                        fast_options())
    assert "connection" in str(caught.value) or "reached" in str(caught.value)
    with pytest.raises(ChannelError, match="client_secret"):
        account_service.test_connection(OTTO, "http://127.0.0.1:9/otto", {"client_id": "a"})
    unbuilt = dataclasses.replace(CHANNELS[Channel.AMAZON], create=None)  # a channel of a later version
    with pytest.raises(ChannelError, match="cannot be used yet"):
        account_service.test_connection(unbuilt, "https://example.com", {})


def test_save_adds_then_edits_and_keeps_stored_secrets(app_ctx, keyring_backend):
    secrets = app_ctx.secrets()
    account = account_service.save_account(app_ctx.accounts, secrets, "otto", "OTTO Nord", "https://api.otto.market",
                                           {"client_id": "id-1", "client_secret": "s3cret-1"})
    assert app_ctx.accounts.get("OTTO Nord").base_url == "https://api.otto.market"
    assert SecretStore(keyring_backend, "fresh").load(account.secret_ref) == {"client_id": "id-1",
                                                                              "client_secret": "s3cret-1"}
    edited = account_service.save_account(app_ctx.accounts, secrets, "otto", "OTTO Süd", "http://127.0.0.1:8765/otto",
                                          {"client_id": "id-2", "client_secret": ""}, existing=account)
    assert edited.secret_ref == account.secret_ref and edited.name == "OTTO Süd"
    assert [a.name for a in app_ctx.accounts.list()] == ["OTTO Süd"]
    assert SecretStore(keyring_backend, "fresh").load(account.secret_ref) == {"client_id": "id-2",
                                                                              "client_secret": "s3cret-1"}
    with pytest.raises(AccountError, match="cannot be changed"):
        account_service.save_account(app_ctx.accounts, secrets, "amazon", "OTTO Süd", edited.base_url, {},
                                     existing=edited)


def test_a_new_account_is_not_kept_when_the_keyring_refuses_its_credentials(app_ctx):
    class Broken(SecretStore):
        def save(self, secret_ref, values):  # type: ignore[no-untyped-def]
            raise SecretStoreError("could not save credentials in the test keyring: KeyringError")

    broken = Broken(app_ctx.secrets().backend, "broken")
    with pytest.raises(SecretStoreError):
        account_service.save_account(app_ctx.accounts, broken, "otto", "OTTO Nord", "https://api.otto.market",
                                     {"client_id": "id", "client_secret": "secret"})
    assert app_ctx.accounts.list() == []


def test_duplicate_names_are_refused(app_ctx):
    secrets = app_ctx.secrets()
    creds = {"client_id": "id", "client_secret": "secret"}
    account_service.save_account(app_ctx.accounts, secrets, "otto", "OTTO Nord", "https://api.otto.market", creds)
    with pytest.raises(AccountError, match="exists already"):
        account_service.save_account(app_ctx.accounts, secrets, "otto", "OTTO Nord", "https://api.otto.market", creds)


def test_remove_deletes_the_account_and_its_keyring_entry(app_ctx, keyring_backend):
    secrets = app_ctx.secrets()
    account = account_service.save_account(app_ctx.accounts, secrets, "otto", "OTTO Nord", "https://api.otto.market",
                                           {"client_id": "id", "client_secret": "secret"})
    assert keyring_backend.items
    account_service.remove_account(app_ctx.accounts, secrets, "OTTO Nord")
    assert app_ctx.accounts.list() == []
    assert not any(ref == account.secret_ref for _service, ref in keyring_backend.items)
    with pytest.raises(AccountError):
        account_service.remove_account(app_ctx.accounts, secrets, "OTTO Nord")
