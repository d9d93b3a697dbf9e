"""The encrypted credential file is the real keyrings.cryptfile backend in a temp folder."""

from __future__ import annotations

import pytest
from keyring.backend import get_all_keyring

from app.secrets.store import SecretStoreError, encrypted_file_keyring, is_os_backend, open_secret_store, os_keyring


def test_encrypted_file_round_trip_without_plaintext(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERDESK_KEYRING", "encrypted-file")
    monkeypatch.setenv("ORDERDESK_MASTER_KEY", "master-key-1")
    store = open_secret_store(tmp_path)
    store.set("ref1", "client_secret", "s3cr3t-value-xyz")
    again = open_secret_store(tmp_path)  # a new process would do exactly this
    assert again.get("ref1", "client_secret") == "s3cr3t-value-xyz"
    assert b"s3cr3t-value-xyz" not in (tmp_path / "credentials.cfg").read_bytes()
    store.delete("ref1")
    assert open_secret_store(tmp_path).get("ref1", "client_secret") is None


def test_wrong_master_key_is_named(tmp_path):
    encrypted_file_keyring(tmp_path / "credentials.cfg", "right-key").set_password("OrderDesk", "x", "y")
    with pytest.raises(SecretStoreError, match="master password does not open"):
        encrypted_file_keyring(tmp_path / "credentials.cfg", "wrong-key")


def test_without_keyring_and_master_key_the_message_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERDESK_KEYRING", "encrypted-file")
    monkeypatch.delenv("ORDERDESK_MASTER_KEY", raising=False)
    with pytest.raises(SecretStoreError, match="ORDERDESK_MASTER_KEY"):
        open_secret_store(tmp_path)


def test_missing_credential_is_named_not_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERDESK_KEYRING", "encrypted-file")
    monkeypatch.setenv("ORDERDESK_MASTER_KEY", "k")
    store = open_secret_store(tmp_path)
    store.set("ref", "client_id", "id-1")
    with pytest.raises(SecretStoreError, match="client_secret missing"):
        store.get_all("ref", ("client_id", "client_secret"))


def test_plaintext_backends_are_never_chosen():
    backends = get_all_keyring()
    plaintext = [b for b in backends if "Plaintext" in type(b).__name__]
    assert plaintext  # installed as a dependency: exactly what must be refused
    assert not any(is_os_backend(b) for b in plaintext)
    assert not any(is_os_backend(b) for b in backends if type(b).__module__.startswith("keyrings."))
    chosen = os_keyring()
    assert chosen is None or is_os_backend(chosen)
