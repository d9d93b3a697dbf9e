"""The persistent protocol log: what happened per account, in words a clerk understands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, select

from app.store import schema
from app.store.schema import utcnow

LOG = schema.LogEntry.__table__


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class LogRecord:
    id: int
    at: datetime
    level: str
    channel: str
    account_name: str
    order_number: str
    event: str
    message: str
    details: dict


def write(conn: Connection, level: Level, event: str, message: str, *, channel: str = "", account_id: int | None = None,
          account_name: str = "", order_number: str = "", details: dict | None = None, at: datetime | None = None) -> None:
    conn.execute(LOG.insert().values(
        at=at or utcnow(), level=level.value, channel=channel, account_id=account_id, account_name=account_name,
        order_number=order_number[:100], event=event, message=message, details=json.dumps(details or {}, default=str),
    ))


def read(engine: Engine, *, after_id: int = 0, limit: int = 1000, level: str | None = None,
         channel: str | None = None) -> list[LogRecord]:
    stmt = select(LOG).where(LOG.c.id > after_id).order_by(LOG.c.id).limit(limit)
    if level:
        stmt = stmt.where(LOG.c.level == level)
    if channel:
        stmt = stmt.where(LOG.c.channel == channel)
    with engine.connect() as conn:
        return [LogRecord(r.id, r.at, r.level, r.channel, r.account_name, r.order_number, r.event, r.message,
                          json.loads(r.details or "{}")) for r in conn.execute(stmt)]


def tail(engine: Engine, limit: int = 200, *, level: str | None = None) -> list[LogRecord]:
    """The newest ``limit`` entries, oldest first."""
    stmt = select(LOG.c.id).order_by(LOG.c.id.desc()).limit(1).offset(max(0, limit - 1))
    if level:
        stmt = stmt.where(LOG.c.level == level)
    with engine.connect() as conn:
        start = conn.scalar(stmt)
    return read(engine, after_id=(start - 1) if start else 0, limit=limit, level=level)
