"""API tokens for the ERP web service: shown once, stored only as a SHA-256 hash.

A token is 32 random bytes (256 bits), so a plain SHA-256 is the right hash: there is nothing to
brute-force that a slow password hash would protect. Looking a token up by its hash through the
unique index is the comparison; no stored secret is compared character by character against
what the caller sent, so response times tell an attacker nothing. The first characters
(``prefix``) are kept in clear so the administrator can tell tokens apart. Nothing here logs a
token or puts one into an exception message.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.store import schema
from app.store.db import write_transaction
from app.store.schema import utcnow

TOKENS = schema.ApiToken.__table__
TOKEN_PREFIX = "odk_"
PREFIX_LENGTH = 12  # "odk_" and 8 random characters (48 bits shown, 208 of 256 stay secret)
TOKEN_PATTERN = re.compile(r"odk_[A-Za-z0-9_-]{43}")
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token
MAX_NAME = 100


class ApiTokenError(ValueError):
    """A token name that is empty, too long, taken or unknown; the message says which."""


@dataclass(frozen=True)
class ApiTokenRecord:
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {"name": self.name, "prefix": self.prefix, "active": self.active,
                "created_at": iso(self.created_at), "revoked_at": iso(self.revoked_at),
                "last_used_at": iso(self.last_used_at)}


@dataclass(frozen=True)
class CreatedToken:
    record: ApiTokenRecord
    token: str  # the only time the token exists in clear outside the ERP

    def __repr__(self) -> str:  # never print the token by accident (logs, tracebacks)
        return f"CreatedToken(record={self.record!r}, token='{self.record.prefix}…')"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _record(row) -> ApiTokenRecord:  # type: ignore[no-untyped-def]
    return ApiTokenRecord(row.id, row.name, row.prefix, row.created_at, row.revoked_at, row.last_used_at)


class ApiTokenStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def create(self, name: str) -> CreatedToken:
        """A new token for ``name``; the returned token is not stored and cannot be shown again."""
        name = name.strip()
        if not name:
            raise ApiTokenError("the token needs a name (e.g. the ERP's name)")
        if len(name) > MAX_NAME:
            raise ApiTokenError(f"the token name is longer than {MAX_NAME} characters")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        try:
            with write_transaction(self.engine) as conn:
                if conn.scalar(select(TOKENS.c.id).where(TOKENS.c.name == name)) is not None:
                    raise ApiTokenError(f"token {name!r}: a token with this name exists already (revoked ones "
                                        f"are kept for the record); choose another name")
                new_id = conn.execute(TOKENS.insert().values(
                    name=name, token_hash=token_hash(token), prefix=token[:PREFIX_LENGTH], created_at=now)
                    .returning(TOKENS.c.id)).scalar_one()
        except IntegrityError:  # created by another workstation at the same moment
            raise ApiTokenError(f"token {name!r}: a token with this name exists already") from None
        return CreatedToken(ApiTokenRecord(new_id, name, token[:PREFIX_LENGTH], now, None, None), token)

    def list(self) -> list[ApiTokenRecord]:
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(select(TOKENS).order_by(TOKENS.c.name))]

    def get(self, name: str) -> ApiTokenRecord:
        with self.engine.connect() as conn:
            row = conn.execute(select(TOKENS).where(TOKENS.c.name == name)).first()
        if row is None:
            raise ApiTokenError(f"token {name!r}: no such token")
        return _record(row)

    def revoke(self, name: str) -> ApiTokenRecord:
        """From now on the token is refused. Revoking a revoked token changes nothing."""
        now = self.clock()
        with write_transaction(self.engine) as conn:
            conn.execute(update(TOKENS).where(TOKENS.c.name == name, TOKENS.c.revoked_at.is_(None))
                         .values(revoked_at=now))
            row = conn.execute(select(TOKENS).where(TOKENS.c.name == name)).first()
        if row is None:
            raise ApiTokenError(f"token {name!r}: no such token")
        return _record(row)

    def verify(self, token: str) -> ApiTokenRecord | None:
        """The token's record when it is known and not revoked, else None."""
        if not TOKEN_PATTERN.fullmatch(token):
            return None
        digest = token_hash(token)
        with self.engine.connect() as conn:
            row = conn.execute(select(TOKENS).where(TOKENS.c.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
            return None
        record = _record(row)
        now = self.clock()
        if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
            self._touch(record.id, now)
        return record

    def _touch(self, token_id: int, now: datetime) -> None:
        # Guarded, so many requests in the same minute (or several servers) write once.
        with write_transaction(self.engine) as conn:
            conn.execute(update(TOKENS).where(TOKENS.c.id == token_id,
                                              or_(TOKENS.c.last_used_at.is_(None),
                                                  TOKENS.c.last_used_at <= now - TOUCH_EVERY))
                         .values(last_used_at=now))
