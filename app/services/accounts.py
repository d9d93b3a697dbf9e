"""Account use cases shared by the desktop dialog: test a connection, save, remove.

Credentials pass through here on their way to the keyring; they are never written to the
database, never logged, and scrubbed from any message that could reach the screen.
"""

from __future__ import annotations

import dataclasses

from app.channels.base import AdapterOptions, ChannelInfo
from app.channels.errors import ChannelError
from app.secrets.store import SecretStore
from app.store.accounts import AccountError, AccountRecord, AccountRepository

# A connection test answers the clerk within seconds: few retries, short waits.
TEST_ATTEMPTS = 2
TEST_TIMEOUT = 15.0


def _scrub(message: str, credentials: dict[str, str]) -> str:
    """A last guard: adapters never echo secrets, but a message must not carry one by accident."""
    for value in credentials.values():
        if value and len(value) >= 3:
            message = message.replace(value, "•••")
    return message


def _test_options(options: AdapterOptions) -> AdapterOptions:
    policy = options.policy
    policy = dataclasses.replace(policy, max_attempts=min(policy.max_attempts, TEST_ATTEMPTS),
                                 max_delay=min(policy.max_delay, 2.0),
                                 read_timeout=min(policy.read_timeout, TEST_TIMEOUT),
                                 connect_timeout=min(policy.connect_timeout, TEST_TIMEOUT))
    return dataclasses.replace(options, policy=policy)


def test_connection(info: ChannelInfo, base_url: str, credentials: dict[str, str],
                    options: AdapterOptions | None = None) -> str:
    """Ask the marketplace whether these credentials work; blocking, so call it off the GUI thread.

    Returns a plain success sentence, or raises ChannelError whose message says what is wrong
    (never containing a secret).
    """
    if info.create is None:
        raise ChannelError(f"{info.display_name} accounts cannot be used yet in this version")
    missing = [f for f in info.credential_fields if not credentials.get(f)]
    if missing:
        raise ChannelError(f"the credential(s) {', '.join(missing)} are missing")
    try:
        adapter = info.create(base_url, dict(credentials), _test_options(options or AdapterOptions()))
    except ChannelError as exc:
        raise ChannelError(_scrub(str(exc), credentials)) from None
    try:
        adapter.check_connection()
    except ChannelError as exc:
        raise type(exc)(_scrub(str(exc), credentials)) from None
    finally:
        adapter.close()
    return f"The connection works: {info.display_name} accepted the credentials."


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name


def save_account(accounts: AccountRepository, secrets: SecretStore, channel: str, name: str, base_url: str,
                 credentials: dict[str, str], existing: AccountRecord | None = None) -> AccountRecord:
    """Adds a new account or edits ``existing``; empty credential values leave stored ones as they are.

    A new account never exists without its credentials: if the keyring refuses them, the
    account is removed again and the error is raised.
    """
    values = {k: v for k, v in credentials.items() if v}
    if existing is None:
        account = accounts.add(channel, name, base_url)
        try:
            secrets.save(account.secret_ref, values)
        except Exception:
            accounts.remove(account.name)  # no account without its credentials
            raise
        return account
    if existing.channel != channel:
        raise AccountError("the sales channel of an existing account cannot be changed")
    account = accounts.edit(existing.name,
                            new_name=name if name.strip() != existing.name else None,
                            base_url=base_url if base_url != existing.base_url else None)
    if values:
        secrets.save(account.secret_ref, values)
    return account


def remove_account(accounts: AccountRepository, secrets: SecretStore | None, name: str) -> AccountRecord:
    """Removes the account, with its orders and receipts, and its keyring entry."""
    account = accounts.remove(name)
    if secrets is not None:
        try:
            secrets.delete(account.secret_ref)
        except RuntimeError:
            pass  # the keyring is unavailable: the entry is orphaned, never exposed
    return account
