"""Payment receipts (payments and refunds) as a lazy SQL table model."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Iterator

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.domain.money import format_minor
from app.store import schema
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.lazy_model import DECORATION, DISPLAY, FOREGROUND, TOOLTIP, Column, LazySqlModel
from app.store.queries import like_pattern

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
EXPORT_BATCH = 500
EXPORT_COLUMNS = (
    QT_TRANSLATE_NOOP("PaymentsModel", "Recorded"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Order number"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Channel"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Account"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Payment system"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Kind"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Amount"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Currency"),
    QT_TRANSLATE_NOOP("PaymentsModel", "Line"),
)


def local_day_start(day: date) -> datetime:
    """Midnight of ``day`` on the desk's clock, as an aware UTC datetime (the store keeps UTC)."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


class PaymentsModel(LazySqlModel):
    id_column = RECEIPTS.c.id
    columns = PAYMENT_COLUMNS

    def __init__(self, engine: Engine, *, worker: DbWorker | None = None, parent: QObject | None = None) -> None:
        self._search = ""
        self._channel = ""
        self._date_from: date | None = None
        self._date_to: date | None = None
        super().__init__(engine, worker, parent)

    def default_sort(self) -> tuple[int, Qt.SortOrder]:
        return 0, Qt.SortOrder.DescendingOrder

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.refresh(reset=True)

    def set_channel(self, channel: str) -> None:
        """An empty ``channel`` shows every channel."""
        channel = channel or ""
        if channel != self._channel:
            self._channel = channel
            self.refresh(reset=True)

    def set_date_range(self, first: date | None, last: date | None) -> None:
        """Receipts recorded from ``first`` through ``last`` (both local days, inclusive); None: open end."""
        if (first, last) != (self._date_from, self._date_to):
            self._date_from, self._date_to = first, last
            self.refresh(reset=True)

    def filters(self) -> dict[str, Any]:
        return {"search": self._search, "channel": self._channel, "date_from": self._date_from,
                "date_to": self._date_to}

    def _conditions(self) -> list[ColumnElement[bool]]:
        """The view's filter as SQL; shared by the id list and the CSV export."""
        conditions: list[ColumnElement[bool]] = []
        if self._search:
            pattern = like_pattern(self._search)
            conditions.append(or_(ORDERS.c.order_number.ilike(pattern, escape="\\"),
                                  RECEIPTS.c.payment_system.ilike(pattern, escape="\\")))
        if self._channel:
            conditions.append(ORDERS.c.channel == self._channel)
        if self._date_from is not None:
            conditions.append(RECEIPTS.c.created_at >= local_day_start(self._date_from))
        if self._date_to is not None:  # inclusive: everything before the next local midnight
            conditions.append(RECEIPTS.c.created_at < local_day_start(self._date_to + timedelta(days=1)))
        return conditions

    def id_query(self) -> Select[Any]:
        return select(RECEIPTS.c.id).select_from(_JOINED).where(*self._conditions())

    def rows_query(self, ids: list[int]) -> Select[Any]:
        return (select(RECEIPTS.c.id, RECEIPTS.c.created_at, RECEIPTS.c.kind, RECEIPTS.c.payment_system,
                       RECEIPTS.c.amount_minor, RECEIPTS.c.currency, RECEIPTS.c.order_id, ORDERS.c.order_number,
                       ORDERS.c.channel, ACCOUNTS.c.name.label("account_name"))
                .select_from(_JOINED).where(RECEIPTS.c.id.in_(ids)))

    def version_query(self) -> Select[Any]:
        return select(select(func.max(RECEIPTS.c.id)).scalar_subquery(),
                      select(func.count()).select_from(RECEIPTS).scalar_subquery())

    def cell(self, row: Any, key: str, role: int) -> Any:
        if role == DISPLAY or role == TOOLTIP:
            return self._text(row, key)
        if role == DECORATION and key == "channel":
            return icon(f"channel:{row.channel}")
        if role == FOREGROUND and row.kind == "refund" and key in ("kind", "amount"):
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

    # --- CSV export ------------------------------------------------------------------------
    def export_header(self) -> list[str]:
        return [QCoreApplication.translate("PaymentsModel", title) for title in EXPORT_COLUMNS]

    def export_job(self):  # type: ignore[no-untyped-def]
        """A generator function yielding CSV rows of exactly the filtered receipts, in the view's
        order, streamed from SQL in batches (not from the row cache). Built on the GUI thread."""
        # The id list's own statement (same joins, filter and ORDER BY), with the full columns.
        stmt = self._ordered().with_only_columns(
            RECEIPTS.c.id, RECEIPTS.c.created_at, RECEIPTS.c.kind, RECEIPTS.c.payment_system, RECEIPTS.c.amount_minor,
            RECEIPTS.c.currency, RECEIPTS.c.line_id, ORDERS.c.order_number, ORDERS.c.channel,
            ACCOUNTS.c.name.label("account_name"))
        engine = self.engine

        def rows() -> Iterator[list[str]]:
            with engine.connect() as conn:
                for r in conn.execution_options(yield_per=EXPORT_BATCH).execute(stmt):
                    sign = -1 if r.kind == "refund" else 1  # refunds negative, as in the table: sums add up
                    yield [fmt.local_datetime(r.created_at).toString("yyyy-MM-dd HH:mm:ss"), r.order_number,
                           fmt.channel_text(r.channel), r.account_name, r.payment_system,
                           fmt.receipt_kind_text(r.kind), format_minor(sign * r.amount_minor, r.currency),
                           r.currency, r.line_id or ""]

        return rows

    def order_id(self, row: int) -> int | None:
        """The order a receipt belongs to, for "show order"."""
        if not (0 <= row < self.rowCount()):
            return None
        data = self._row(row)
        return data.order_id if data is not None else None
