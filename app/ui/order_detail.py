"""The detail pane beside the order list: lines, addresses, receipts, flags and timeline."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine, select

from app.domain.money import MoneyError, to_minor
from app.store import schema
from app.store.queries import order_timeline
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon

ORDERS = schema.Order.__table__
ACCOUNTS = schema.Account.__table__
LINES = schema.OrderLine.__table__
ADDRESSES = schema.Address.__table__
RECEIPTS = schema.PaymentReceipt.__table__


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    kind: str
    detail: str


@dataclass(frozen=True)
class OrderDetail:
    order: Any
    lines: list[Any]
    addresses: dict[str, Any]
    receipts: list[Any]
    events: list[TimelineEntry]


def load_order_detail(engine: Engine, order_id: int) -> OrderDetail | None:
    """Everything the pane shows about one order, in one read transaction."""
    with engine.connect() as conn:
        order = conn.execute(
            select(ORDERS, ACCOUNTS.c.name.label("account_name"))
            .join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id).where(ORDERS.c.id == order_id)
        ).first()
        if order is None:
            return None
        lines = list(conn.execute(select(LINES).where(LINES.c.order_id == order_id).order_by(LINES.c.position)))
        addresses = {a.kind: a for a in conn.execute(select(ADDRESSES).where(ADDRESSES.c.order_id == order_id))}
        receipts = list(conn.execute(select(RECEIPTS).where(RECEIPTS.c.order_id == order_id).order_by(RECEIPTS.c.id)))
    # The store assembles the timeline: fetch and hold from the order row, later events, receipts.
    events = [TimelineEntry(at, kind, detail) for at, kind, detail in order_timeline(engine, order_id)]
    return OrderDetail(order, lines, addresses, receipts, events)


def _tree(headers: list[str], parent: QWidget) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
    tree.setFrameShape(QFrame.Shape.NoFrame)
    tree.header().setStretchLastSection(False)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return tree


def banner_style(color: str, border: str) -> str:
    return f"QLabel {{ background: {color}; border: 1px solid {border}; border-radius: 4px; padding: 6px 8px; }}"


def _banner(color: str, border: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(banner_style(color, border))
    label.hide()
    return label


class OrderDetailPane(QWidget):
    """Shows one order; loads it on the database worker so clicking through rows stays fluid."""

    def __init__(self, engine: Engine, worker: DbWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OrderDetailPane")
        self.engine = engine
        self.worker = worker
        self.order_id: int | None = None
        self.detail: OrderDetail | None = None

        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.empty = QLabel(self.tr("Select an order to see its lines, addresses, payments and history."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(mid); padding: 24px;")
        self.stack.addWidget(self.empty)

        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.channel_icon = QLabel(page)
        head.addWidget(self.channel_icon, 0, Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(page)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.title, 1)
        self.total = QLabel(page)
        self.total.setTextFormat(Qt.TextFormat.RichText)
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.total)
        layout.addLayout(head)

        self.recycling_banner = _banner("#e3f4e8", "#6dbb84", page)
        self.recycling_banner.setObjectName("RecyclingBanner")
        layout.addWidget(self.recycling_banner)
        self.hold_banner = _banner("#fff1d6", "#e0a640", page)
        self.hold_banner.setObjectName("HoldBanner")
        layout.addWidget(self.hold_banner)

        self.tabs = QTabWidget(page)
        self.tabs.setDocumentMode(True)
        self.lines = _tree([self.tr("Pos."), self.tr("SKU"), self.tr("Article"), self.tr("Qty"), self.tr("Unit price"),
                            self.tr("VAT"), self.tr("Status"), self.tr("Recycling")], page)
        self.lines.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.lines, self.tr("Lines"))

        addresses = QWidget(page)
        row = QHBoxLayout(addresses)
        row.setContentsMargins(8, 8, 8, 8)
        self.shipping = QLabel(addresses)
        self.billing = QLabel(addresses)
        for label in (self.shipping, self.billing):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            row.addWidget(label, 1)
        self.tabs.addTab(addresses, self.tr("Addresses"))

        self.receipts = _tree([self.tr("Recorded"), self.tr("Kind"), self.tr("Payment system"), self.tr("Amount")],
                              page)
        self.tabs.addTab(self.receipts, self.tr("Payments"))
        self.timeline = _tree([self.tr("When"), self.tr("Event"), self.tr("Detail")], page)
        self.timeline.header().setStretchLastSection(True)
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)
        self.page = page

    # --- loading -----------------------------------------------------------------------
    def show_order(self, order_id: int | None) -> None:
        self.order_id = order_id
        if order_id is None:
            self.detail = None
            self.stack.setCurrentWidget(self.empty)
            return
        engine = self.engine
        if self.worker is None:
            self._loaded(order_id, load_order_detail(engine, order_id))
            return
        self.worker.submit(lambda: load_order_detail(engine, order_id),
                           lambda detail: self._loaded(order_id, detail), key="order-detail")

    def reload(self) -> None:
        if self.order_id is not None:
            self.show_order(self.order_id)

    def _loaded(self, order_id: int, detail: OrderDetail | None) -> None:
        if order_id != self.order_id:
            return
        self.detail = detail
        if detail is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self._fill(detail)
        self.stack.setCurrentWidget(self.page)

    # --- filling -----------------------------------------------------------------------
    def _fill(self, d: OrderDetail) -> None:
        o = d.order
        esc = html.escape
        self.channel_icon.setPixmap(icon(f"channel:{o.channel}").pixmap(36, 36))
        self.title.setText(
            f"<div style='font-size: 15pt; font-weight: 600'>{esc(o.order_number)}</div>"
            f"<div>{esc(fmt.channel_text(o.channel))} · {esc(o.account_name)} · "
            f"{esc(self.tr('ordered %1').replace('%1', fmt.datetime_text(o.order_date)))}</div>"
            f"<div style='color: palette(mid)'>"
            f"{esc(self.tr('Marketplace id %1').replace('%1', o.marketplace_id))}</div>")
        paid = fmt.payment_method_text(o.payment_method) or self.tr("unknown")
        self.total.setText(
            f"<div style='font-size: 15pt; font-weight: 600'>{esc(fmt.money_text(o.total_minor, o.currency))}</div>"
            f"<div>{esc(fmt.status_text(o.status))}</div>"
            f"<div style='color: palette(mid)'>{esc(self.tr('Payment: %1').replace('%1', paid))}</div>")

        recycling = "recycling_disposal" in fmt.flag_list(o.flags)
        if recycling:
            titles = [ln.title for ln in d.lines if ln.recycling]
            which = (self.tr("Take-back of the old appliance ordered for: %1").replace("%1", ", ".join(titles))
                     if titles else self.tr("The customer ordered take-back of an old appliance."))
            self.recycling_banner.setText(f"<b>♻ {esc(fmt.flags_text('recycling_disposal'))}</b><br>{esc(which)}")
        self.recycling_banner.setVisible(recycling)
        if o.hold_reason:
            text = self.tr("Held since %1 (%2). Expected release: %3.").replace(
                "%1", fmt.datetime_text(o.held_since)).replace("%2", fmt.age_text(o.held_since)).replace(
                "%3", fmt.release_text(o.expected_release))
            self.hold_banner.setText(f"<b>{esc(self.tr('In backlog'))}: {esc(fmt.hold_text(o.hold_reason))}</b>"
                                     f"<br>{esc(text)}")
        elif o.released_at:
            self.hold_banner.setText(esc(self.tr("Released from the backlog on %1.").replace(
                "%1", fmt.datetime_text(o.released_at))))
        self.hold_banner.setVisible(bool(o.hold_reason or o.released_at))
        released = bool(o.released_at and not o.hold_reason)
        self.hold_banner.setStyleSheet(banner_style("#eef3f8", "#b7c7d8") if released
                                       else banner_style("#fff1d6", "#e0a640"))

        self._fill_lines(d)
        self.shipping.setText(self._address_html(self.tr("Shipping address"), d.addresses.get("shipping"), o))
        self.billing.setText(self._address_html(self.tr("Billing address"), d.addresses.get("billing"), o))
        self._fill_receipts(d)
        self._fill_timeline(d)
        self.tabs.setTabText(0, self.tr("Lines (%1)").replace("%1", str(len(d.lines))))
        self.tabs.setTabText(2, self.tr("Payments (%1)").replace("%1", str(len(d.receipts))))
        self.tabs.setTabText(3, self.tr("Timeline (%1)").replace("%1", str(len(d.events))))

    def _fill_lines(self, d: OrderDetail) -> None:
        self.lines.clear()
        currency = d.order.currency
        for ln in d.lines:
            item = QTreeWidgetItem([
                str(ln.position), ln.sku, ln.title, str(ln.quantity), fmt.money_text(ln.unit_price_minor, currency),
                f"{ln.vat_rate_bp / 100:g} %", fmt.status_text(ln.status) + (f" ({ln.cancellation_reason})"
                                                                             if ln.cancellation_reason else ""),
                fmt.flags_text("recycling_disposal") if ln.recycling else "",
            ])
            item.setToolTip(2, "\n".join(t for t in (ln.title, f"EAN {ln.ean}" if ln.ean else "") if t))
            for col in (3, 4, 5):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if ln.recycling:
                item.setIcon(7, icon("recycling"))
            self.lines.addTopLevelItem(item)
        try:
            charges = json.loads(d.order.charges or "[]")
        except ValueError:
            charges = []
        for _external_id, name, amount, _lines in charges:
            label = self.tr("Delivery: %1") if amount >= 0 else self.tr("Discount: %1")
            item = QTreeWidgetItem(["", "", label.replace("%1", fmt.key_words(name)), "",
                                    fmt.money_text(amount, currency), "", "", ""])
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            font = item.font(2)
            font.setItalic(True)
            item.setFont(2, font)
            self.lines.addTopLevelItem(item)

    def _address_html(self, title: str, a: Any, order: Any) -> str:
        esc = html.escape
        head = f"<b>{esc(title)}</b><br>"
        if a is None:
            if order.hold_reason:
                why = self.tr("Not known yet: the marketplace sends it once the payment check is done.")
                return head + f"<i>{esc(why)}</i>"
            return head + f"<i>{esc(self.tr('None'))}</i>"
        lines = [a.company, " ".join(p for p in (a.salutation, a.first_name, a.last_name) if p),
                 f"{a.street} {a.house_number}".strip(), a.addition, f"{a.zip_code} {a.city}".strip(), a.country_code,
                 a.email, a.phone]
        return head + "<br>".join(esc(line) for line in lines if line)

    def _fill_receipts(self, d: OrderDetail) -> None:
        self.receipts.clear()
        for r in d.receipts:
            sign = -1 if r.kind == "refund" else 1
            item = QTreeWidgetItem([fmt.datetime_text(r.created_at), fmt.receipt_kind_text(r.kind), r.payment_system,
                                    fmt.money_text(sign * r.amount_minor, r.currency)])
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.receipts.addTopLevelItem(item)

    def _fill_timeline(self, d: OrderDetail) -> None:
        self.timeline.clear()
        for e in d.events:
            item = QTreeWidgetItem([fmt.datetime_text(e.at), fmt.event_text(e.kind),
                                    self._event_detail(e.kind, e.detail)])
            item.setIcon(1, icon(EVENT_ICONS.get(e.kind.split("_")[0], EVENT_ICONS.get(e.kind, "orders"))))
            self.timeline.addTopLevelItem(item)

    def _event_detail(self, kind: str, detail: str) -> str:
        """The writer stores short machine text ("status open", "open → shipped"); say it in words."""
        if kind == "held":
            return fmt.hold_text(detail)
        if kind.startswith("receipt_"):  # "73.94 EUR"
            amount, _, currency = detail.partition(" ")
            try:
                return fmt.money_text(to_minor(amount, currency), currency)
            except MoneyError:
                return detail
        if detail.startswith("status "):
            return self.tr("Status: %1").replace("%1", fmt.status_text(detail.removeprefix("status ")))
        if detail.startswith("left the backlog as "):
            return self.tr("Left the backlog as %1").replace(
                "%1", fmt.status_text(detail.removeprefix("left the backlog as ")))
        if " → " in detail:
            before, _, after = detail.partition(" → ")
            return f"{fmt.status_text(before)} → {fmt.status_text(after)}"
        if detail == "changed at the marketplace":
            return self.tr("Changed at the marketplace")
        return detail


EVENT_ICONS = {"fetched": "fetch", "held": "backlog", "released": "check", "cancelled": "cancel",
               "receipt": "payments", "status": "shipping", "updated": "refresh"}
