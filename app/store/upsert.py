"""Dialect-specific INSERT ... ON CONFLICT, so the same code runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(conn: Connection, table: Table) -> Any:
    """An insert() that offers on_conflict_do_nothing / on_conflict_do_update."""
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    return module.insert(table)
