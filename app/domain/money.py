"""Money as integer minor units: floats never touch an amount that is stored or summed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 2 decimals; everything else uses 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "HUF": 2, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3, "TND": 3}

# Amounts above this are absurd for an order line or order and point at broken data.
MAX_AMOUNT_MINOR = 10_000_000_00


class MoneyError(ValueError):
    """An amount or currency that cannot be a real price."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def to_minor(value: object, currency: str) -> int:
    """Convert a decimal amount (JSON number or string) to integer minor units, exactly.

    JSON numbers arrive as floats; ``repr`` of a float is the shortest decimal that
    round-trips, which is the literal the marketplace sent, so no cent is lost.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise MoneyError(f"amount {value!r} is not a number")
    try:
        dec = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise MoneyError(f"amount {value!r} is not a number") from None
    if not dec.is_finite():
        raise MoneyError(f"amount {value!r} is not finite")
    scaled = dec.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"amount {value!r} has more decimals than {currency} allows")
    minor = int(scaled)
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise MoneyError(f"amount {value!r} {currency} is implausibly large")
    return minor


def format_minor(minor: int, currency: str) -> str:
    """Plain decimal text ("49.99") as used in JSON output and CSV."""
    exp = exponent(currency)
    return str(Decimal(minor).scaleb(-exp)) if exp else str(minor)


def is_currency_code(code: object) -> bool:
    return isinstance(code, str) and len(code) == 3 and code.isascii() and code.isupper()
