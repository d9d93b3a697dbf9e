"""Shopware's calculated prices for the sandbox: gross amounts split over VAT rates.

All amounts are integer cents until they are written as floats (`money`), the way Shopware's
JSON carries them. A promotion is spread over the lines proportionally, shipping is taxed at
the highest rate of the cart (Shopware's "highest rate" shipping tax mode).
"""

from __future__ import annotations

from app.sandbox.shopware.catalog import Product
from app.sandbox.shopware.model import Order


def money(cents: int) -> float:
    return cents / 100


def _tax(gross: int, rate: float) -> int:
    return round(gross * rate / (100 + rate))


def calculated_price(unit: int, quantity: int, rates: dict[float, int]) -> dict[str, object]:
    """CalculatedPrice for a total split over VAT rates ({rate: gross cents})."""
    total = sum(rates.values())
    taxes = [{"tax": money(_tax(gross, rate)), "taxRate": rate, "price": money(gross),
              "apiAlias": "cart_tax_calculated"} for rate, gross in sorted(rates.items())]
    rules = [{"taxRate": rate, "percentage": round(100 * gross / total, 2) if total else round(100 / len(rates), 2),
              "apiAlias": "cart_tax_rule"} for rate, gross in sorted(rates.items())]
    return {"unitPrice": money(unit), "quantity": quantity, "totalPrice": money(total), "calculatedTaxes": taxes,
            "taxRules": rules, "referencePrice": None, "listPrice": None, "regulationPrice": None,
            "apiAlias": "calculated_price"}


def _split(amount: int, weights: list[int]) -> list[int]:
    """Split cents proportionally to weights; the last share takes the rounding rest."""
    total = sum(weights) or 1
    shares = [amount * w // total for w in weights[:-1]]
    return shares + [amount - sum(shares)]


class Money:
    """The VAT split of one order, computed once per render."""

    __slots__ = ("by_rate", "totals", "shares", "shipping_rate")

    def __init__(self, order: Order, products: tuple[Product, ...]) -> None:
        self.totals = [ln.unit * ln.quantity for ln in order.lines]
        self.shares = _split(order.discount, self.totals) if order.discount else [0] * len(self.totals)
        by_rate: dict[float, int] = {}
        for ln, total, share in zip(order.lines, self.totals, self.shares):
            rate = products[ln.product].vat
            by_rate[rate] = by_rate.get(rate, 0) + total - share
        self.shipping_rate = max(by_rate) if by_rate else 19.0  # Shopware's "highest rate" shipping tax
        by_rate[self.shipping_rate] = by_rate.get(self.shipping_rate, 0) + order.shipping
        self.by_rate = by_rate

    def net(self, order: Order) -> int:
        return order.total - sum(_tax(gross, rate) for rate, gross in self.by_rate.items())

    def cart_price(self, order: Order) -> dict[str, object]:
        price = calculated_price(order.total, 1, self.by_rate)
        return {"netPrice": money(self.net(order)), "totalPrice": money(order.total),
                "calculatedTaxes": price["calculatedTaxes"], "taxRules": price["taxRules"],
                "positionPrice": money(order.goods - order.discount), "rawTotal": money(order.total),
                "taxStatus": "gross", "apiAlias": "cart_price"}
