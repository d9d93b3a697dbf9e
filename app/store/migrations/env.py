"""Alembic environment. Always driven from app.store.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from app.store.schema import Base, is_search_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("run migrations through app.store.migrate.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds for ALTERs
    compare_type=True,
    # The full-text search table, its triggers and trigram indexes live only in migrations
    # (0002): autogenerate must not propose dropping them.
    include_name=lambda name, type_, parent_names: not is_search_object(name),
)
with context.begin_transaction():
    context.run_migrations()
