"""Kaufland order units to the domain. Strict: anything that does not fit raises MappingError
naming the field, so the order is quarantined instead of being stored half-right.

Kaufland sells one piece per order unit, so every unit becomes one OrderLine (quantity 1,
external id = id_order_unit) and the units of one id_order become one Order. Money is in
integer minor units already; each unit's shipping_rate becomes a shipping Charge tied to
that unit, so Order.gross_minor is the sum of prices and shipping rates, Kaufland's order
total. (The Seller API has no discount field: Kaufland's own vouchers do not reduce what
the seller is paid for a unit, so there is nothing to map.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from app.channels.fields import MappingError, read_text
from app.domain import addresses
from app.domain.countries import to_alpha2
from app.domain.money import MAX_AMOUNT_MINOR, is_currency_code
from app.domain.orders import Address, Channel, Charge, HoldReason, LineStatus, Order, OrderLine

UNIT_STATUS = {
    "open": LineStatus.PENDING,  # not released by Kaufland yet (payment pending)
    "need_to_be_sent": LineStatus.OPEN,
    "sent": LineStatus.SHIPPED,
    "sent_and_autopaid": LineStatus.SHIPPED,
    "received": LineStatus.SHIPPED,
    "returned": LineStatus.RETURNED,
    "returned_paid": LineStatus.RETURNED,
    "cancelled": LineStatus.CANCELLED,
}
# How far a unit has come. Every transition Kaufland makes raises it, which breaks ties
# between two versions of an order stamped in the same second (see change_stamp).
PROGRESS = {"open": 0, "need_to_be_sent": 1, "sent": 2, "sent_and_autopaid": 3, "received": 4, "returned": 5,
            "returned_paid": 6, "cancelled": 7}  # fmt: skip
MAX_UNITS = 999  # keeps the progress tie-break below one second (999 * 7 microseconds)
MAX_TEXT = 2000


def _text(obj: dict[str, Any], key: str, where: str, *, required: bool = True, limit: int = 200) -> str:
    value = obj.get(key)
    if value.__class__ is str and len(value) <= limit and (not required or value.strip()):
        return value  # the common case, checked cheaply: ~25 texts per order
    return _text_problem(value, key, where, required, limit)


def _text_problem(value: object, key: str, where: str, required: bool, limit: int) -> str:
    """The slow path of _text: an optional null, or the error naming the field."""
    return read_text(value, f"{where}{key}", required=required, limit=limit)


def _whole(obj: dict[str, Any], key: str, where: str, *, low: int = 0, high: int = MAX_AMOUNT_MINOR) -> int:
    value = obj.get(key)
    if value is None:
        raise MappingError(f"{where}{key} is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"{where}{key} should be a whole number but is {str(value)[:40]!r}")
    if not low <= value <= high:
        raise MappingError(f"{where}{key} is {value}, outside {low}..{high}")
    return value


def parse_stamp(value: object) -> datetime | None:
    """A Kaufland date-time ("2025-05-02T08:14:00Z") as an aware datetime, None if unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _stamp(obj: dict[str, Any], key: str, where: str) -> datetime:
    value = obj.get(key)
    parsed = parse_stamp(value)
    if parsed is None:
        raise MappingError(f"{where}{key} is missing" if value is None else f"{where}{key} is not a date with a "
                           f"time zone: {str(value)[:40]!r}")  # fmt: skip
    return parsed


def split_street(street: str, house_number: str) -> tuple[str, str]:
    """Buyers sometimes type the house number into the street line and leave its field empty."""
    if house_number.strip():
        return street.strip(), house_number.strip()
    # "Musterweg 7a", "Am Markt 3-5", "Straße des 17. Juni 12 b": the trailing number is the house number.
    return addresses.split_street(street, number=addresses.HOUSE_NUMBER_ONE_RANGE, street_end=r"\S",
                                  separator=r"\s+", needs_letter=False, collapse=False, tidy=str)


def parse_address(raw: object, where: str, email: str = "") -> Address | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise MappingError(f"{where[:-1]} should be an object but is {type(raw).__name__}")
    street, number = split_street(_text(raw, "street", where), _text(raw, "house_number", where, required=False,
                                                                      limit=40))  # fmt: skip
    country = to_alpha2(_text(raw, "country", where, limit=3))
    if len(country) != 2 or not country.isalpha():
        raise MappingError(f"{where}country is not a country code: {country[:10]!r}")
    return Address(
        first_name=_text(raw, "first_name", where), last_name=_text(raw, "last_name", where), street=street,
        house_number=number, zip_code=_text(raw, "postcode", where, limit=20), city=_text(raw, "city", where),
        country_code=country, company=_text(raw, "company_name", where, required=False),
        addition=_text(raw, "additional_field", where, required=False, limit=MAX_TEXT), email=email,
        phone=_text(raw, "phone", where, required=False, limit=50),
    )  # fmt: skip


def _product(raw: dict[str, Any], where: str) -> tuple[str, str]:
    """(title, first EAN) of the unit's product; the product may be null for delisted offers."""
    product = raw.get("product")
    if product is None:
        return "", ""
    if not isinstance(product, dict):
        raise MappingError(f"{where}product should be an object but is {type(product).__name__}")
    eans = product.get("eans") or []
    if not isinstance(eans, list) or not all(isinstance(ean, str) for ean in eans):
        raise MappingError(f"{where}product.eans should be a list of EANs")
    return _text(product, "title", f"{where}product.", limit=MAX_TEXT), (eans[0][:20] if eans else "")


def _line(raw: Any, where: str) -> tuple[OrderLine, Charge | None, str, datetime, int]:
    """One unit: its line, its shipping charge, currency, change stamp and progress."""
    if not isinstance(raw, dict):
        raise MappingError(f"{where[:-1]} is not an object")
    uid = str(_whole(raw, "id_order_unit", where, low=1, high=2**63 - 1))
    status_text = raw.get("status")
    status = UNIT_STATUS.get(status_text) if isinstance(status_text, str) else None
    if status is None:
        raise MappingError(f"{where}status has the unknown value {str(status_text)[:40]!r}")
    currency = raw.get("currency")
    if not is_currency_code(currency):
        raise MappingError(f"{where}currency is not a currency code: {str(currency)[:10]!r}")
    vat = raw.get("vat")
    if vat is not None and (isinstance(vat, bool) or not isinstance(vat, (int, float)) or not 0 <= vat <= 100):
        raise MappingError(f"{where}vat should be a percentage but is {str(vat)[:20]!r}")
    title, ean = _product(raw, where)
    sku = _text(raw, "id_offer", where, required=False, limit=100)
    reason = _text(raw, "cancel_reason", where, required=False, limit=100)
    line = OrderLine(
        external_id=uid, sku=sku, title=title or sku, quantity=1, unit_price_minor=_whole(raw, "price", where),
        vat_rate_bp=round((vat or 0) * 100), status=status, ean=ean,
        cancellation_reason=reason if status is LineStatus.CANCELLED else "",
    )  # fmt: skip
    shipping = _whole(raw, "shipping_rate", where)
    charge = Charge(f"shipping:{uid}", "shipping", shipping, (uid,)) if shipping else None
    return line, charge, currency, _stamp(raw, "ts_updated_iso", where), PROGRESS[status_text]  # type: ignore[index]


def parse_order(id_order: str, units: list[Any], header: dict[str, Any] | None = None) -> Order:
    """One Order from all units of `id_order`: from GET /orders/{id} (`header` is the
    OrderDetails, addresses at order level) or from listed OrderUnits (addresses on each unit)."""
    if not units:
        raise MappingError("order_units is empty")
    if len(units) > MAX_UNITS:
        raise MappingError(f"order_units has {len(units)} entries (at most {MAX_UNITS} expected)")
    parsed = [_line(unit, f"order_units[{i}].") for i, unit in enumerate(units)]
    lines = tuple(line for line, _, _, _, _ in parsed)
    if len({line.external_id for line in lines}) != len(lines):
        raise MappingError("order_units repeats an id_order_unit")
    for i, unit in enumerate(units):
        if unit.get("id_order") != id_order:
            raise MappingError(f"order_units[{i}].id_order is {str(unit.get('id_order'))[:20]!r}, not {id_order!r}")
    currencies = {currency for _, _, currency, _, _ in parsed}
    if len(currencies) != 1:
        raise MappingError(f"the units use several currencies: {', '.join(sorted(currencies))}")
    source, where = (header, "") if header is not None else (units[0], "order_units[0].")
    created = _stamp(source, "ts_created_iso", where)
    buyer = source.get("buyer")
    email = _text(buyer, "email", f"{where}buyer.", required=False) if isinstance(buyer, dict) else ""
    shipping_raw, billing_raw = source.get("shipping_address"), source.get("billing_address")
    shipping = parse_address(shipping_raw, f"{where}shipping_address.")
    if shipping is not None and billing_raw == shipping_raw:  # mostly the same address: read it once
        billing: Address | None = replace(shipping, email=email)
    else:
        billing = parse_address(billing_raw, f"{where}billing_address.", email)
    held = any(line.status is LineStatus.PENDING for line in lines)
    if shipping is None and any(line.status in (LineStatus.OPEN, LineStatus.SHIPPED) for line in lines):
        raise MappingError(f"{where}shipping_address is missing although units can be shipped")
    return Order(
        channel=Channel.KAUFLAND,
        marketplace_id=id_order,
        order_number=id_order,  # Kaufland shows buyers and sellers the id_order
        order_date=created,
        modified_at=change_stamp([stamp for _, _, _, stamp, _ in parsed], [rank for *_, rank in parsed]),
        currency=currencies.pop(),
        lines=lines,
        charges=tuple(charge for _, charge, _, _, _ in parsed if charge is not None),
        shipping_address=shipping,
        billing_address=billing or shipping,
        hold_reason=HoldReason.NOT_RELEASED if held else None,
    )


def change_stamp(stamps: list[datetime], progress: list[int]) -> datetime:
    """The order's change stamp: its newest unit change, plus the units' progress in microseconds.

    Kaufland stamps whole seconds, and the store keeps a version only if its stamp is newer;
    an order released and then cancelled within one second would otherwise keep its first
    version. Unit states only move forward, so more progress always means a later version.
    """
    return max(stamps) + timedelta(microseconds=sum(progress))


def unit_identity(raw: Any) -> tuple[str, int, datetime | None] | None:
    """(id_order, id_order_unit, ts_updated) of a listed unit, read leniently; None if unusable."""
    if not isinstance(raw, dict):
        return None
    oid, uid = raw.get("id_order"), raw.get("id_order_unit")
    if not isinstance(oid, str) or not oid or len(oid) > 100 or not oid.isprintable():
        return None
    if isinstance(uid, bool) or not isinstance(uid, int):
        return None
    return oid, uid, parse_stamp(raw.get("ts_updated_iso"))
