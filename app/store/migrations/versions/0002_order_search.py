"""order search and sort indexes

Sort indexes on order date and order number with the id as tie-breaker (the order list reads
blocks of the sorted list off them), an index for max(updated_at), and substring search: on SQLite an FTS5 trigram table
over order number and customer name kept in sync by triggers, on PostgreSQL pg_trgm GIN
indexes on the same columns. Where the database cannot do either (SQLite without FTS5 or
older than 3.34, PostgreSQL where pg_trgm cannot be created), the search stays a plain scan
(see app/store/queries.py, order_search).

Revision ID: 0002_order_search
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_order_search'
down_revision = '0001'
branch_labels = None
depends_on = None

FTS = "orders_fts"
COLUMNS = ("order_number", "customer_name")
PG_INDEXES = {"order_number": "ix_orders_order_number_trgm", "customer_name": "ix_orders_customer_name_trgm"}


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_order_date')
        batch_op.drop_index('ix_orders_order_number')
        batch_op.create_index('ix_orders_order_date', ['order_date', 'id'], unique=False)
        batch_op.create_index('ix_orders_order_number', ['order_number', 'id'], unique=False)
        batch_op.create_index('ix_orders_updated_at', ['updated_at'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_fts(bind)
    elif bind.dialect.name == "postgresql":
        _pg_trigram(bind)


def _sqlite_fts(bind) -> None:  # type: ignore[no-untyped-def]
    try:
        # Probe first: an SQLite without FTS5 or the trigram tokenizer (< 3.34) keeps the scan.
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.orders_fts_probe USING fts5(x, tokenize='trigram')")
        bind.exec_driver_sql("DROP TABLE temp.orders_fts_probe")
    except sa.exc.OperationalError:
        return
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    # External content: the index only, the text stays in orders.
    bind.exec_driver_sql(f"CREATE VIRTUAL TABLE {FTS} USING fts5({cols}, content='orders', content_rowid='id', "
                         "tokenize='trigram')")
    bind.exec_driver_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    bind.exec_driver_sql(f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON orders BEGIN "
                         f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END")
    bind.exec_driver_sql(f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON orders BEGIN "
                         f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES ('delete', old.id, {old}); END")
    # Only when a searched column really changes (e.g. the name arrives when an order is released);
    # the order writer's updates set every column.
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)
    bind.exec_driver_sql(f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF {cols} ON orders WHEN {changed} BEGIN "
                         f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                         f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END")


def _pg_trigram(bind) -> None:  # type: ignore[no-untyped-def]
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it; on a
    # server where this role may not, the search stays a scan. A savepoint keeps the migration's
    # transaction usable after a refusal.
    have = bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first() is not None
    if not have:
        savepoint = bind.begin_nested()
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            savepoint.rollback()
            return
        savepoint.commit()
    for column, name in PG_INDEXES.items():
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON orders USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")
    elif bind.dialect.name == "postgresql":
        for name in PG_INDEXES.values():
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_updated_at')
        batch_op.drop_index('ix_orders_order_number')
        batch_op.drop_index('ix_orders_order_date')
        batch_op.create_index('ix_orders_order_number', ['order_number'], unique=False)
        batch_op.create_index('ix_orders_order_date', ['order_date'], unique=False)
