"""Payment receipts (payments and refunds) as a lazy SQL table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Engine, Select, func, or_, select

from app.store import schema
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.lazy_model import Column, LazySqlModel
from app.ui.orders_model import like_pattern

RECEIPTS = schema.PaymentReceipt.__table__
ORDERS = schema.Order.__table__
ACCOUNTS = schema.Account.__table__

REFUND_FOREGROUND = QColor("#b03a2e")

PAYMENT_COLUMNS = (
    Column("created_at", QT_TRANSLATE_NOOP("PaymentsModel", "Recorded"), RECEIPTS.c.created_at),
    Column("order_number", QT_TRANSLATE_NOOP("PaymentsModel", "Order number"), ORDERS.c.order_number),
    Column("channel", QT_TRANSLATE_NOOP("PaymentsModel", "Channel"), ORDERS.c.channel),
    Column("account", QT_TRANSLATE_NOOP("PaymentsModel", "Account"), ACCOUNTS.c.name),
    Column("payment_system", QT_TRANSLATE_NOOP("PaymentsModel", "Payment system"), RECEIPTS.c.payment_system),
    Column("kind", QT_TRANSLATE_NOOP("PaymentsModel", "Kind"), RECEIPTS.c.kind),
    Column("amount", QT_TRANSLATE_NOOP("PaymentsModel", "Amount"), RECEIPTS.c.amount_minor, align_right=True),
)

_JOINED = RECEIPTS.join(ORDERS, ORDERS.c.id == RECEIPTS.c.order_id).join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)


class PaymentsModel(LazySqlModel):
    id_column = RECEIPTS.c.id
    columns = PAYMENT_COLUMNS

    def __init__(self, engine: Engine, *, worker: DbWorker | None = None, parent: QObject | None = None) -> None:
        self._search = ""
        super().__init__(engine, worker, parent)

    def default_sort(self) -> tuple[int, Qt.SortOrder]:
        return 0, Qt.SortOrder.DescendingOrder

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.refresh(reset=True)

    def id_query(self) -> Select[Any]:
        stmt = select(RECEIPTS.c.id).select_from(_JOINED)
        if self._search:
            pattern = like_pattern(self._search)
            stmt = stmt.where(or_(ORDERS.c.order_number.ilike(pattern, escape="\\"),
                                  RECEIPTS.c.payment_system.ilike(pattern, escape="\\")))
        return stmt

    def rows_query(self, ids: list[int]) -> Select[Any]:
        return (select(RECEIPTS.c.id, RECEIPTS.c.created_at, RECEIPTS.c.kind, RECEIPTS.c.payment_system,
                       RECEIPTS.c.amount_minor, RECEIPTS.c.currency, RECEIPTS.c.order_id, ORDERS.c.order_number,
                       ORDERS.c.channel, ACCOUNTS.c.name.label("account_name"))
                .select_from(_JOINED).where(RECEIPTS.c.id.in_(ids)))

    def version_query(self) -> Select[Any]:
        return select(func.max(RECEIPTS.c.id), func.count(RECEIPTS.c.id))

    def cell(self, row: Any, key: str, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, key)
        if role == Qt.ItemDataRole.DecorationRole and key == "channel":
            return icon(f"channel:{row.channel}")
        if role == Qt.ItemDataRole.ForegroundRole and row.kind == "refund" and key in ("kind", "amount"):
            return QBrush(REFUND_FOREGROUND)
        return None

    def _text(self, row: Any, key: str) -> str:
        if key == "created_at":
            return fmt.datetime_text(row.created_at)
        if key == "order_number":
            return row.order_number
        if key == "channel":
            return fmt.channel_text(row.channel)
        if key == "account":
            return row.account_name
        if key == "payment_system":
            return row.payment_system
        if key == "kind":
            return fmt.receipt_kind_text(row.kind)
        if key == "amount":
            sign = -1 if row.kind == "refund" else 1
            return fmt.money_text(sign * row.amount_minor, row.currency)
        return ""

    def order_id(self, row: int) -> int | None:
        """The order a receipt belongs to, for "show order"."""
        if not (0 <= row < self.rowCount()):
            return None
        data = self._row(row)
        return data.order_id if data is not None else None
