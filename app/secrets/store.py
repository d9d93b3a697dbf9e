"""Account secrets in the OS keyring, or an encrypted file where the OS has no working one.

Why not ``keyring.get_keyring()``: on headless Linux it yields a chain that either fails on
every call or, with keyrings.alt installed (a dependency of keyrings.cryptfile), falls back
to a plaintext file. We pick the backend ourselves and never accept a plaintext one.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from keyring.backend import KeyringBackend, get_all_keyring
from keyring.errors import KeyringError

SERVICE = "OrderDesk"
MASTER_KEY_ENV = "ORDERDESK_MASTER_KEY"

# Only keyring's own OS backends count as a system keyring (Secret Service, KWallet, libsecret,
# Windows Credential Locker, macOS Keychain). An allow-list, because third-party file backends
# (keyrings.alt, and keyrings.cryptfile's own PlaintextKeyring) would store secrets in clear.
_NOT_A_STORE = {"keyring.backends.fail", "keyring.backends.null", "keyring.backends.chainer"}


def is_os_backend(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return module.startswith("keyring.backends.") and module not in _NOT_A_STORE


class SecretStoreError(RuntimeError):
    """The secret store cannot be used; the message says why in plain words."""


@dataclass
class SecretStore:
    """One keyring entry per account (its credential fields as JSON), cached in memory.

    One entry, because every read of the encrypted file costs an Argon2 derivation (~0.5 s);
    the cache, because the desktop app fetches the same accounts all day.
    """

    backend: KeyringBackend
    description: str
    _cache: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def load(self, secret_ref: str) -> dict[str, str]:
        with self._lock:
            if secret_ref not in self._cache:
                try:
                    text = self.backend.get_password(SERVICE, secret_ref)
                except (KeyringError, ValueError, OSError) as exc:
                    raise SecretStoreError(f"could not read credentials from {self.description}: {_why(exc)}") from None
                try:
                    values = json.loads(text) if text else {}
                except ValueError:
                    values = {}
                self._cache[secret_ref] = values if isinstance(values, dict) else {}
            return dict(self._cache[secret_ref])

    def save(self, secret_ref: str, values: dict[str, str]) -> None:
        """Merge ``values`` into the account's stored credentials."""
        merged = {**self.load(secret_ref), **values}
        with self._lock:
            try:
                self.backend.set_password(SERVICE, secret_ref, json.dumps(merged))
            except (KeyringError, ValueError, OSError) as exc:
                raise SecretStoreError(f"could not save credentials in {self.description}: {_why(exc)}") from None
            self._cache[secret_ref] = merged

    def set(self, secret_ref: str, field_name: str, value: str) -> None:
        self.save(secret_ref, {field_name: value})

    def get(self, secret_ref: str, field_name: str) -> str | None:
        return self.load(secret_ref).get(field_name)

    def delete(self, secret_ref: str) -> None:
        with self._lock:
            self._cache.pop(secret_ref, None)
            try:
                self.backend.delete_password(SERVICE, secret_ref)
            except Exception:  # noqa: BLE001 - an absent entry is fine when removing an account
                pass

    def get_all(self, secret_ref: str, fields: tuple[str, ...]) -> dict[str, str]:
        values = self.load(secret_ref)
        missing = [f for f in fields if not values.get(f)]
        if missing:
            raise SecretStoreError(f"credential(s) {', '.join(missing)} missing in {self.description}")
        return {f: values[f] for f in fields}


def _why(exc: Exception) -> str:
    text = str(exc).lower()
    if "incorrect password" in text or "mac check" in text:
        return "the master password is wrong"
    return type(exc).__name__


def os_keyring() -> KeyringBackend | None:
    """The best working OS keyring (Secret Service, Windows Credential Locker, macOS Keychain)."""
    candidates = [b for b in get_all_keyring() if is_os_backend(b) and b.priority > 0]
    for backend in sorted(candidates, key=lambda b: b.priority, reverse=True):
        try:
            backend.get_password(SERVICE, "probe")  # fails fast where the service is absent
        except Exception:  # noqa: BLE001 - any failure means "not usable here"
            continue
        return backend
    return None


def encrypted_file_keyring(path: Path, master_key: str) -> KeyringBackend:
    """keyrings.cryptfile (Argon2 + AES-GCM) at our own path, unlocked with the master key."""
    from keyrings.cryptfile.cryptfile import CryptFileKeyring

    if not master_key:
        raise SecretStoreError("the encrypted credential file needs a master password")
    backend = CryptFileKeyring()
    backend.file_path = str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Setting the key unlocks the file (or creates it) and verifies the password.
        backend.keyring_key = master_key
    except ValueError:
        raise SecretStoreError(f"the master password does not open {path}") from None
    if os.name == "posix":
        os.chmod(path, 0o600)
    return backend


def open_secret_store(
    data_dir: Path, ask_master_key: Callable[[bool], str] | None = None
) -> SecretStore:
    """The OS keyring where one works; otherwise the encrypted file in the data folder.

    ``ask_master_key(new_file)`` is asked for the master password when the environment
    variable ORDERDESK_MASTER_KEY is not set (CLI: a prompt, desktop: a dialog).
    """
    # ORDERDESK_KEYRING=encrypted-file skips the OS keyring (servers, kiosks, tests).
    backend = None if os.environ.get("ORDERDESK_KEYRING") == "encrypted-file" else os_keyring()
    if backend is not None:
        return SecretStore(backend, f"the system keyring ({type(backend).__name__})")
    path = data_dir / "credentials.cfg"
    key = os.environ.get(MASTER_KEY_ENV, "")
    if not key:
        if ask_master_key is None:
            raise SecretStoreError(
                "no system keyring is available on this machine; OrderDesk keeps credentials in an "
                f"encrypted file ({path}) and needs its master password: set {MASTER_KEY_ENV}"
            )
        key = ask_master_key(not path.exists())
    return SecretStore(encrypted_file_keyring(path, key), f"the encrypted credential file {path}")
