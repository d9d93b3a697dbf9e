"""Orders and backlog as lazy SQL table models (see lazy_model for the paging idea)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import Engine, Select, func, select

from app.store import schema
from app.store.queries import like_pattern, order_search
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.lazy_model import BACKGROUND, DECORATION, DISPLAY, FONT, FOREGROUND, TOOLTIP, Column, LazySqlModel

ORDERS = schema.Order.__table__
ACCOUNTS = schema.Account.__table__


# indexed=True: schema.Order has an index on (column, id), so a large list sorted by it is read
# block by block (lazy_model's window mode); the other columns sort the whole id list.
ORDER_COLUMNS = (
    Column("order_number", QT_TRANSLATE_NOOP("OrdersModel", "Order number"), ORDERS.c.order_number, indexed=True),
    Column("channel", QT_TRANSLATE_NOOP("OrdersModel", "Channel"), ORDERS.c.channel),
    Column("account", QT_TRANSLATE_NOOP("OrdersModel", "Account"), ACCOUNTS.c.name),
    Column("order_date", QT_TRANSLATE_NOOP("OrdersModel", "Order date"), ORDERS.c.order_date, indexed=True),
    Column("customer", QT_TRANSLATE_NOOP("OrdersModel", "Customer"), ORDERS.c.customer_name),
    Column("total", QT_TRANSLATE_NOOP("OrdersModel", "Total"), ORDERS.c.total_minor, align_right=True),
    Column("status", QT_TRANSLATE_NOOP("OrdersModel", "Status"), ORDERS.c.status),
    Column("flags", QT_TRANSLATE_NOOP("OrdersModel", "Flags"), ORDERS.c.flags),
    Column("hold_reason", QT_TRANSLATE_NOOP("OrdersModel", "Backlog"), ORDERS.c.hold_reason),
)

BACKLOG_COLUMNS = ORDER_COLUMNS[:6] + (  # order number ... total, as in the orders table
    Column("hold_reason", QT_TRANSLATE_NOOP("OrdersModel", "Hold reason"), ORDERS.c.hold_reason),
    # How long the customer has been waiting; ascending order date = longest waiting first.
    Column("age", QT_TRANSLATE_NOOP("OrdersModel", "Waiting for"), ORDERS.c.order_date, indexed=True),
    Column("expected_release", QT_TRANSLATE_NOOP("OrdersModel", "Expected release"), ORDERS.c.expected_release),
    Column("flags", QT_TRANSLATE_NOOP("OrdersModel", "Flags"), ORDERS.c.flags),
)

_ROW_COLUMNS = (ORDERS.c.id, ORDERS.c.order_number, ORDERS.c.channel, ORDERS.c.order_date, ORDERS.c.customer_name,
                ORDERS.c.total_minor, ORDERS.c.currency, ORDERS.c.status, ORDERS.c.flags, ORDERS.c.hold_reason,
                ORDERS.c.held_since, ORDERS.c.expected_release, ORDERS.c.marketplace_id,
                ACCOUNTS.c.name.label("account_name"))

HELD_BACKGROUND = QColor("#fff4e0")
CANCELLED_FOREGROUND = QColor("#8a8a8a")
RECYCLING_FOREGROUND = QColor("#1d6b3a")


__all__ = ["OrdersModel", "like_pattern"]


class OrdersModel(LazySqlModel):
    """All orders, or with ``backlog=True`` only those held in the backlog."""

    id_column = ORDERS.c.id

    def __init__(self, engine: Engine, *, backlog: bool = False, worker: DbWorker | None = None,
                 parent: QObject | None = None) -> None:
        self.backlog = backlog
        self.columns = BACKLOG_COLUMNS if backlog else ORDER_COLUMNS
        self._search = ""
        self._channel: str | None = None
        super().__init__(engine, worker, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def default_sort(self) -> tuple[int, Qt.SortOrder]:
        if self.backlog:  # longest waiting first
            return [c.key for c in self.columns].index("age"), Qt.SortOrder.AscendingOrder
        return [c.key for c in self.columns].index("order_date"), Qt.SortOrder.DescendingOrder

    # --- filters -----------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.refresh(reset=True)

    def search(self) -> str:
        return self._search

    def set_channel(self, channel: str | None) -> None:
        if channel != self._channel:
            self._channel = channel
            self.refresh(reset=True)

    def _filtered(self, stmt: Select[Any]) -> Select[Any]:
        # The account name is only needed to sort by it. Without the join SQLite reads the id
        # list from the sort column's index alone (covering), not from a million table rows;
        # the join never drops a row (account_id is NOT NULL, deletes cascade).
        column = self.columns[self._sort_column] if 0 <= self._sort_column < len(self.columns) else None
        if column is not None and column.key == "account":
            stmt = stmt.select_from(ORDERS.join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id))
        else:
            stmt = stmt.select_from(ORDERS)
        if self.backlog:
            stmt = stmt.where(ORDERS.c.hold_reason.is_not(None))
        if self._channel:
            stmt = stmt.where(ORDERS.c.channel == self._channel)
        if self._search:
            stmt = stmt.where(order_search(self.engine, self._search))
        return stmt

    # --- queries -----------------------------------------------------------------------
    def id_query(self) -> Select[Any]:
        return self._filtered(select(ORDERS.c.id))

    def rows_query(self, ids: list[int]) -> Select[Any]:
        return (select(*_ROW_COLUMNS).select_from(ORDERS.join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id))
                .where(ORDERS.c.id.in_(ids)))

    def list_query(self, stmt: Select[Any]) -> Select[Any]:
        if self.backlog and self.engine.dialect.name == "sqlite":
            # SQLite keeps no statistics here, so it read the backlog in date order through
            # ix_orders_order_date and looked at every order to find the held ones: 0.5–0.9 s of
            # CPU on every refresh (each 10 s) over 1 M orders. Told that the condition is rare, it
            # reads the few held ones through the partial index ix_orders_held and sorts them
            # (10 ms for 10,000). Only for the whole list: a window's block reads (a backlog of
            # more than LIST_LIMIT) are better served by the date index.
            return stmt.where(func.unlikely(ORDERS.c.hold_reason.is_not(None)))
        return stmt

    def version_query(self) -> Select[Any]:
        # Two scalar subqueries: max() reads the end of ix_orders_updated_at and SQLite counts
        # a table without visiting it; together in one SELECT they were a 0.5 s scan of 1 M rows.
        return select(select(func.max(ORDERS.c.updated_at)).scalar_subquery(),
                      select(func.count()).select_from(ORDERS).scalar_subquery())

    # --- cells -------------------------------------------------------------------------
    def cell(self, row: Any, key: str, role: int) -> Any:
        if role == DISPLAY:
            return self._text(row, key)
        if role == TOOLTIP:
            if key == "flags" and row.flags:
                return fmt.flags_text(row.flags)
            if key in ("hold_reason", "age", "expected_release") and row.hold_reason:
                return self.tr("Held since %1; expected release %2").replace(
                    "%1", fmt.datetime_text(row.held_since)).replace("%2", fmt.release_text(row.expected_release))
            return self._text(row, key) or None
        if role == DECORATION:
            if key == "flags" and "recycling_disposal" in fmt.flag_list(row.flags):
                return icon("recycling")
            if key == "channel":
                return icon(f"channel:{row.channel}")
            if key == "hold_reason" and row.hold_reason:
                return icon("backlog")
            return None
        if role == FOREGROUND:
            if row.status == "cancelled":
                return QBrush(CANCELLED_FOREGROUND)
            if key == "flags" and row.flags:
                return QBrush(RECYCLING_FOREGROUND)
            return None
        if role == BACKGROUND:
            if row.hold_reason and not self.backlog:
                return QBrush(HELD_BACKGROUND)
            return None
        if role == FONT and key == "order_number":
            return self._bold
        return None

    def _text(self, row: Any, key: str) -> str:
        if key == "order_number":
            return row.order_number
        if key == "channel":
            return fmt.channel_text(row.channel)
        if key == "account":
            return row.account_name
        if key == "order_date":
            return fmt.datetime_text(row.order_date)
        if key == "customer":
            return row.customer_name or self.tr("(no address yet)")
        if key == "total":
            return fmt.money_text(row.total_minor, row.currency)
        if key == "status":
            return fmt.status_text(row.status)
        if key == "flags":
            return fmt.flags_text(row.flags)
        if key == "hold_reason":
            return fmt.hold_text(row.hold_reason)
        if key == "age":
            return fmt.age_text(row.order_date, datetime.now(UTC))
        if key == "expected_release":
            return fmt.release_text(row.expected_release) if row.hold_reason else ""
        return ""

