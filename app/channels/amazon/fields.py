"""A strict reader over one object of Amazon's JSON: every complaint names the field's path.

Amazon sends money as `{"CurrencyCode": "EUR", "Amount": "59.98"}` with the amount as a
string, dates as ISO 8601 with a zone, counts as integers and yes/no as the strings
"true"/"false"; anything else is a MappingError, so the order is quarantined instead of
being stored half right.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.channels.fields import MappingError, field_path, read_date, read_text, read_whole
from app.domain.money import MoneyError, is_currency_code, to_minor

__all__ = ["Fields", "MappingError"]


class Fields:
    def __init__(self, obj: Any, where: str) -> None:
        if not isinstance(obj, dict):
            raise MappingError(f"{where or 'the order'} is not a JSON object")
        self.obj = obj
        self.where = where  # "" for the order itself, else "OrderItems[1]" and the like

    def path(self, key: str) -> str:
        return field_path(self.where, key)

    def text(self, key: str, *, required: bool = True, limit: int = 200) -> str:
        return read_text(self.obj.get(key), self.path(key), required=required, limit=limit)

    def child(self, key: str) -> Fields | None:
        value = self.obj.get(key)
        return None if value is None else Fields(value, self.path(key))

    def date(self, key: str) -> datetime:
        return read_date(self.text(key, limit=40), self.path(key))

    def count(self, key: str, *, required: bool = True, limit: int = 100_000) -> int:
        value = self.obj.get(key)
        if value is None and not required:
            return 0
        return read_whole(value, self.path(key), 0, limit)

    def money(self, key: str, currency: str | None) -> tuple[int, str] | None:
        """(minor units, currency) of a Money field, None when absent; `currency` set means
        the amount must be in that currency."""
        money = self.child(key)
        if money is None:
            return None
        code = money.text("CurrencyCode", limit=3)
        if not is_currency_code(code):
            raise MappingError(f"{money.path('CurrencyCode')} is not a currency code: {code!r}")
        if currency is not None and code != currency:
            raise MappingError(f"{self.path(key)} is in {code}, the order in {currency}")
        amount = money.text("Amount", limit=30)
        try:
            return to_minor(amount.strip(), code), code
        except MoneyError as exc:
            raise MappingError(f"{money.path('Amount')}: {exc}") from None
