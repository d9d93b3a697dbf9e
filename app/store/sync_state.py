"""Per-account watermark and fetch results. The watermark only ever moves forward."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, case, select, update

from app.store import schema
from app.store.upsert import insert_for

SYNC = schema.SyncState.__table__


def watermark(engine: Engine, account_id: int) -> datetime | None:
    with engine.connect() as conn:
        return conn.scalar(select(SYNC.c.watermark).where(SYNC.c.account_id == account_id))


def _ensure_row(conn: Connection, account_id: int) -> None:
    conn.execute(insert_for(conn, SYNC).on_conflict_do_nothing(index_elements=["account_id"]), {"account_id": account_id})


def advance_watermark(conn: Connection, account_id: int, stamp: datetime) -> None:
    """Move forward to ``stamp`` in the same transaction as the page it covers; never back."""
    _ensure_row(conn, account_id)
    conn.execute(
        update(SYNC).where(SYNC.c.account_id == account_id).values(
            watermark=case((SYNC.c.watermark.is_(None), stamp), (SYNC.c.watermark < stamp, stamp), else_=SYNC.c.watermark)
        )
    )


def record_start(conn: Connection, account_id: int, at: datetime) -> None:
    _ensure_row(conn, account_id)
    conn.execute(update(SYNC).where(SYNC.c.account_id == account_id).values(last_started_at=at))


def record_result(conn: Connection, account_id: int, at: datetime, ok: bool, summary: str) -> None:
    _ensure_row(conn, account_id)
    values: dict[str, object] = {"last_finished_at": at, "last_result": "ok" if ok else "failed", "last_summary": summary}
    if ok:
        values["last_success_at"] = at
    conn.execute(update(SYNC).where(SYNC.c.account_id == account_id).values(**values))
