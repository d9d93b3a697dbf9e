"""Accounts: everything but secrets, which live in the keyring under ``secret_ref``."""

from __future__ import annotations

import secrets as _random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from app.store import schema
from app.store.db import write_transaction
from app.store.jobs import FETCH, JOBS, account_scope
from app.store.schema import utcnow

ACCOUNTS = schema.Account.__table__
SYNC = schema.SyncState.__table__


class AccountError(ValueError):
    """Bad account input or an account that does not exist; the message says which."""


@dataclass(frozen=True)
class AccountRecord:
    id: int
    channel: str
    name: str
    active: bool
    base_url: str
    secret_ref: str
    last_success_at: datetime | None = None
    last_result: str | None = None
    last_summary: str | None = None


def _record(row) -> AccountRecord:  # type: ignore[no-untyped-def]
    return AccountRecord(row.id, row.channel, row.name, row.active, row.base_url, row.secret_ref,
                         row.last_success_at, row.last_result, row.last_summary)


class AccountRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _select(self):  # type: ignore[no-untyped-def]
        return (
            select(ACCOUNTS, SYNC.c.last_success_at, SYNC.c.last_result, SYNC.c.last_summary)
            .outerjoin(SYNC, SYNC.c.account_id == ACCOUNTS.c.id)
            .order_by(ACCOUNTS.c.channel, ACCOUNTS.c.name)
        )

    def list(self, channel: str | None = None, *, active_only: bool = False) -> list[AccountRecord]:
        stmt = self._select()
        if channel:
            stmt = stmt.where(ACCOUNTS.c.channel == channel)
        if active_only:
            stmt = stmt.where(ACCOUNTS.c.active.is_(True))
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(stmt)]

    def get(self, name: str) -> AccountRecord:
        with self.engine.connect() as conn:
            row = conn.execute(self._select().where(ACCOUNTS.c.name == name)).first()
        if row is None:
            raise AccountError(f"there is no account named {name!r}")
        return _record(row)

    def add(self, channel: str, name: str, base_url: str) -> AccountRecord:
        name = name.strip()
        if not name or len(name) > 100:
            raise AccountError("an account name must have 1 to 100 characters")
        _check_url(base_url)
        now = utcnow()
        try:
            with write_transaction(self.engine) as conn:
                conn.execute(ACCOUNTS.insert().values(channel=channel, name=name, active=True, base_url=base_url,
                                                      secret_ref=_random.token_hex(16), created_at=now, updated_at=now))
        except IntegrityError:
            raise AccountError(f"an account named {name!r} exists already") from None
        return self.get(name)

    def edit(self, name: str, *, new_name: str | None = None, base_url: str | None = None) -> AccountRecord:
        values: dict[str, object] = {"updated_at": utcnow()}
        if new_name is not None:
            if not new_name.strip() or len(new_name.strip()) > 100:
                raise AccountError("an account name must have 1 to 100 characters")
            values["name"] = new_name.strip()
        if base_url is not None:
            _check_url(base_url)
            values["base_url"] = base_url
        try:
            with write_transaction(self.engine) as conn:
                if not conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(**values)).rowcount:
                    raise AccountError(f"there is no account named {name!r}")
        except IntegrityError:
            raise AccountError(f"an account named {new_name!r} exists already") from None
        return self.get(str(values.get("name", name)))

    def set_active(self, name: str, active: bool) -> AccountRecord:
        with write_transaction(self.engine) as conn:
            stmt = update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(active=active, updated_at=utcnow())
            if not conn.execute(stmt).rowcount:
                raise AccountError(f"there is no account named {name!r}")
        return self.get(name)

    def remove(self, name: str) -> AccountRecord:
        """Removes the account and, through the foreign keys, its orders and receipts, and its fetch
        job (named by scope, so no foreign key; SQLite may give a later account the same id)."""
        record = self.get(name)
        with write_transaction(self.engine) as conn:
            conn.execute(delete(ACCOUNTS).where(ACCOUNTS.c.id == record.id))
            conn.execute(delete(JOBS).where(JOBS.c.kind == FETCH, JOBS.c.scope == account_scope(record.id)))
        return record


def _check_url(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AccountError(f"the base URL {url!r} is not an http(s) address")
    if parts.username or parts.password:
        raise AccountError("the base URL must not contain a user name or password; use credentials")
