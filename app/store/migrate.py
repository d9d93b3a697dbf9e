"""Bring a database to the current schema. Safe when several workstations start at once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from app.store.db import is_postgres, write_transaction

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number; every OrderDesk process takes this lock before migrating PostgreSQL.
_PG_MIGRATION_LOCK = 7_120_341


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    cfg = alembic_config()
    with write_transaction(engine) as conn:
        if is_postgres(engine):
            # Serialises concurrent upgrades; released at commit.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
