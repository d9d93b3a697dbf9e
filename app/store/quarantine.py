"""Broken orders kept aside with their reason; cleared when the marketplace sends them fixed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from app.domain.orders import Quarantined
from app.store import schema
from app.store.upsert import insert_for

QUARANTINE = schema.QuarantinedOrder.__table__


def keep(conn: Connection, account_id: int, broken: list[Quarantined], now: datetime) -> None:
    if not broken:
        return
    stmt = insert_for(conn, QUARANTINE)
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id", "marketplace_id"],
        set_={"reason": stmt.excluded.reason, "raw": stmt.excluded.raw, "last_seen": stmt.excluded.last_seen,
              "times_seen": QUARANTINE.c.times_seen + 1},
    )
    conn.execute(stmt, [{"account_id": account_id, "marketplace_id": q.marketplace_id, "reason": q.reason,
                         "raw": q.raw, "first_seen": now, "last_seen": now, "times_seen": 1} for q in broken])


def clear(conn: Connection, account_id: int, marketplace_ids: list[str]) -> None:
    if marketplace_ids:
        conn.execute(delete(QUARANTINE).where(QUARANTINE.c.account_id == account_id,
                                              QUARANTINE.c.marketplace_id.in_(marketplace_ids)))
