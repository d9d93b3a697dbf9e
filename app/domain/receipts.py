"""Payment receipts: what an ERP books. Keys are deterministic, so each exists exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.orders import Channel, LineStatus, Order, OrderStatus, charge_cancelled

OTTO_PAYMENT_SYSTEM = "OTTO Market"
PAYMENT_KEY = "payment"

# Marketplaces that collect the buyer's money themselves; the receipt names them as the
# payment system so an ERP books it against the marketplace's clearing account.
MARKETPLACE_PAYMENT_SYSTEMS: dict[Channel, str] = {
    Channel.OTTO: OTTO_PAYMENT_SYSTEM,
    Channel.AMAZON: "Amazon",
    Channel.EBAY: "eBay",
    Channel.KAUFLAND: "Kaufland",
}
SHOP_PAYMENT_SYSTEM = "Shopware 6"


class ReceiptKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Receipt:
    key: str  # unique within its order ("payment", "refund:<line>"); never random
    kind: ReceiptKind
    payment_system: str
    amount_minor: int  # positive; the kind says the direction
    currency: str
    line_id: str = ""


def marketplace_receipts(order: Order, payment_system: str, *, has_payment: bool) -> list[Receipt]:
    """Receipts for an order whose money the marketplace collects.

    One payment over the full order sum, and one refund per cancelled line (plus one per
    charge whose lines are all cancelled). The caller inserts them with "do nothing on
    conflict", so calling this on every fetch records each receipt exactly once.

    No receipt while the order waits in the backlog: the marketplace is still checking the
    payment and has collected nothing. An order that is cancelled before it was ever
    released (``has_payment`` false) never had money collected, so it gets none either.
    """
    if order.in_backlog or (order.status is OrderStatus.CANCELLED and not has_payment):
        return []
    receipts = [Receipt(PAYMENT_KEY, ReceiptKind.PAYMENT, payment_system, order.gross_minor, order.currency)]
    cancelled = {line.external_id for line in order.lines if line.status is LineStatus.CANCELLED}
    for line in order.lines:
        if line.external_id in cancelled and line.total_minor:
            receipts.append(
                Receipt(f"refund:{line.external_id}", ReceiptKind.REFUND, payment_system,
                        line.total_minor, order.currency, line.external_id)
            )
    for charge in order.charges:
        if charge_cancelled(charge, cancelled) and charge.amount_minor:
            receipts.append(
                Receipt(f"refund:charge:{charge.external_id}", ReceiptKind.REFUND, payment_system,
                        charge.amount_minor, order.currency)
            )
    return receipts


def shop_receipts(order: Order, *, has_payment: bool) -> list[Receipt]:
    """A shop collects the money itself: a payment receipt once the shop reports it paid,
    named after the payment method ("Shopware 6: PayPal"), then refunds as for marketplaces.
    Once recorded, a payment stays: a later state (refunded, cancelled) adds refunds."""
    if not (order.paid or has_payment):
        return []
    method = f"{SHOP_PAYMENT_SYSTEM}: {order.payment_method}" if order.payment_method else SHOP_PAYMENT_SYSTEM
    return marketplace_receipts(order, method, has_payment=True)


def receipts_for(order: Order, *, has_payment: bool) -> list[Receipt]:
    """The receipts a channel's orders imply."""
    system = MARKETPLACE_PAYMENT_SYSTEMS.get(order.channel)
    if system is not None:
        return marketplace_receipts(order, system, has_payment=has_payment)
    return shop_receipts(order, has_payment=has_payment)
