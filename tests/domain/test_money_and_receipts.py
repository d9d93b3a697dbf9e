from datetime import UTC, datetime

import pytest

from app.domain.money import MoneyError, format_minor, to_minor
from app.domain.orders import Channel, Charge, HoldReason, LineStatus, Order, OrderLine, OrderStatus, derive_status
from app.domain.receipts import ReceiptKind, receipts_for

NOW = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)


def line(lid: str, price: int, status: LineStatus = LineStatus.OPEN) -> OrderLine:
    return OrderLine(lid, "SKU", "Toaster", 1, price, 1900, status)


def order(*lines: OrderLine, charges=(), hold=None) -> Order:
    return Order(Channel.OTTO, "so-1", "AB12CD34EF", NOW, NOW, "EUR", tuple(lines), tuple(charges), hold_reason=hold)


@pytest.mark.parametrize("value,expected", [(49.99, 4999), (0.1, 10), (899.99, 89999), ("12.30", 1230), (3, 300)])
def test_to_minor_is_exact(value, expected):
    assert to_minor(value, "EUR") == expected


@pytest.mark.parametrize("value", [True, None, "abc", float("nan"), 1.005, 1e12, [1]])
def test_to_minor_rejects_nonsense(value):
    with pytest.raises(MoneyError):
        to_minor(value, "EUR")


def test_format_minor():
    assert format_minor(4999, "EUR") == "49.99"
    assert format_minor(-500, "EUR") == "-5.00"
    assert format_minor(1200, "JPY") == "1200"


def test_status_derivation():
    assert derive_status((line("1", 1), line("2", 1, LineStatus.PENDING))) is OrderStatus.PENDING
    assert derive_status((line("1", 1, LineStatus.CANCELLED),)) is OrderStatus.CANCELLED
    assert derive_status((line("1", 1, LineStatus.SHIPPED), line("2", 1))) is OrderStatus.PARTIALLY_SHIPPED
    assert derive_status((line("1", 1, LineStatus.SHIPPED), line("2", 1, LineStatus.CANCELLED))) is OrderStatus.SHIPPED
    assert derive_status((line("1", 1),)) is OrderStatus.OPEN


def test_payment_over_full_sum_and_refund_per_cancelled_line():
    fee = Charge("fee", "STANDARD", 495, ("a", "b"))
    o = order(line("a", 1000), line("b", 2000, LineStatus.CANCELLED), charges=[fee])
    receipts = receipts_for(o, has_payment=True)
    payment = [r for r in receipts if r.kind is ReceiptKind.PAYMENT]
    refunds = [r for r in receipts if r.kind is ReceiptKind.REFUND]
    assert [(r.amount_minor, r.payment_system) for r in payment] == [(3495, "OTTO Market")]
    assert [(r.amount_minor, r.line_id) for r in refunds] == [(2000, "b")]
    assert o.total_minor == 1495  # the fee stays: line a still ships
    assert [r.key for r in receipts] == ["payment", "refund:b"]  # deterministic: the same every fetch


def test_fee_refunded_when_all_its_lines_cancelled():
    fee = Charge("fee", "STANDARD", 495, ("a",))
    o = order(line("a", 1000, LineStatus.CANCELLED), line("b", 500), charges=[fee])
    refunds = sorted(r.amount_minor for r in receipts_for(o, has_payment=True) if r.kind is ReceiptKind.REFUND)
    assert refunds == [495, 1000]


def test_no_receipt_while_held_or_when_cancelled_before_release():
    assert receipts_for(order(line("a", 1000, LineStatus.PENDING), hold=HoldReason.PAYMENT_CHECK), has_payment=False) == []
    cancelled = order(line("a", 1000, LineStatus.CANCELLED))
    assert receipts_for(cancelled, has_payment=False) == []
    # released earlier (payment exists), now fully cancelled: the refund is due
    assert [r.kind for r in receipts_for(cancelled, has_payment=True)] == [ReceiptKind.PAYMENT, ReceiptKind.REFUND]
