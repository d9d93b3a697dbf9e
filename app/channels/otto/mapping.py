"""OTTO Orders v4 JSON to the domain. Strict: anything that does not fit raises MappingError
naming the field, so the order is quarantined instead of being stored half-right."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.channels.fields import MappingError, read_date, read_object, read_text
from app.domain.countries import to_alpha2
from app.domain.money import MoneyError, is_currency_code, to_minor
from app.domain.orders import Address, Channel, Charge, Flag, HoldReason, LineStatus, Order, OrderLine

FULFILLMENT = {
    "ANNOUNCED": LineStatus.PENDING,
    "PROCESSABLE": LineStatus.OPEN,
    "SENT": LineStatus.SHIPPED,
    "RETURNED": LineStatus.RETURNED,
    "CANCELLED_BY_PARTNER": LineStatus.CANCELLED,
    "CANCELLED_BY_MARKETPLACE": LineStatus.CANCELLED,
}
CANCELLATION_REASONS = frozenset({
    "CANCELLED_ON_CUSTOMER_WISH", "CANCELLED_ON_PARTNER_WISH", "PAYMENT_ABORTED", "PAYMENT_FRAUD",
    "PARTNER_TERMINATED", "ILLEGAL_PRODUCT", "MARKETPLACE_FRAUD", "CANCELLED_ON_MARKETPLACE_WISH",
})
MAX_ITEMS = 999  # one item per piece; more is not an order a seller ships
MAX_TEXT = 2000
# OTTO releases ANNOUNCED items after its payment check: ~30-35 minutes, prepayment up to ~10 working days.
RELEASE_AFTER = timedelta(minutes=35)
RELEASE_AFTER_PREPAYMENT = timedelta(days=14)


def _str(obj: dict[str, Any], key: str, where: str, *, required: bool = True, limit: int = 200) -> str:
    return read_text(obj.get(key), f"{where}{key}", required=required, limit=limit)


def _obj(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> dict[str, Any] | None:
    return read_object(obj.get(key), f"{where}{key}", required=required)


def _date(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> datetime | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise MappingError(f"{where}{key} is missing" if value is None else f"{where}{key} should be a date")
    return read_date(value, f"{where}{key}")


def _amount(obj: dict[str, Any], key: str, where: str) -> tuple[int, str]:
    money = _obj(obj, key, where)
    assert money is not None
    currency = money.get("currency")
    if not is_currency_code(currency):
        raise MappingError(f"{where}{key}.currency is not a currency code: {str(currency)[:10]!r}")
    try:
        minor = to_minor(money.get("amount"), currency)  # type: ignore[arg-type]
    except MoneyError as exc:
        raise MappingError(f"{where}{key}.amount: {exc}") from None
    if minor < 0:
        raise MappingError(f"{where}{key}.amount is negative")
    return minor, currency  # type: ignore[return-value]


def _address(raw: dict[str, Any] | None, where: str) -> Address | None:
    if raw is None:
        return None
    s = lambda k, req=True, lim=200: _str(raw, k, where, required=req, limit=lim)  # noqa: E731
    return Address(
        first_name=s("firstName"), last_name=s("lastName"), street=s("street"), house_number=s("houseNumber", lim=40),
        zip_code=s("zipCode", lim=20), city=s("city"), country_code=to_alpha2(s("countryCode", lim=3)),
        salutation=s("salutation", lim=20), company=s("addition", False) if raw.get("salutation") == "COMPANY" else "",
        addition=s("addition", False), email=s("email", False), phone=s("phoneNumber", False, 50),
    )


def _line(item: Any, index: int) -> tuple[OrderLine, str]:
    where = f"positionItems[{index}]."
    if not isinstance(item, dict):
        raise MappingError(f"{where[:-1]} is not an object")
    status_text = item.get("fulfillmentStatus")
    status = FULFILLMENT.get(status_text) if isinstance(status_text, str) else None
    if status is None:
        raise MappingError(f"{where}fulfillmentStatus has the unknown value {str(status_text)[:40]!r}")
    product = _obj(item, "product", where)
    assert product is not None
    pw = where + "product."
    vat = product.get("vatRate")
    if isinstance(vat, bool) or not isinstance(vat, (int, float)) or not 0 <= vat <= 100:
        raise MappingError(f"{pw}vatRate should be a percentage but is {str(vat)[:20]!r}")
    price, currency = _amount(item, "itemValueGrossPrice", where)
    reason = _str(item, "cancellationReason", where, required=False, limit=60)
    if reason and reason not in CANCELLATION_REASONS:
        raise MappingError(f"{where}cancellationReason has the unknown value {reason[:40]!r}")
    weee = item.get("weeePickup", False)
    if not isinstance(weee, bool):
        raise MappingError(f"{where}weeePickup should be true or false")
    line = OrderLine(
        external_id=_str(item, "positionItemId", where, limit=100),
        sku=_str(product, "sku", pw, limit=100),
        title=_str(product, "productTitle", pw, limit=MAX_TEXT),
        quantity=1,  # OTTO: one position item per piece
        unit_price_minor=price,
        vat_rate_bp=round(vat * 100),
        status=status,
        ean=_str(product, "ean", pw, required=False, limit=20),
        recycling=weee,
        cancellation_reason=reason,
    )
    _str(product, "articleNumber", pw, limit=100)  # required by the spec; not stored
    return line, currency


def _charges(raw: dict[str, Any], currency: str) -> tuple[Charge, ...]:
    charges: list[Charge] = []
    for key, amount_key, sign in (("initialDeliveryFees", "deliveryFeeAmount", 1), ("initialDiscounts", "discountAmount", -1)):
        entries = raw.get(key) or []
        if not isinstance(entries, list):
            raise MappingError(f"{key} should be a list")
        for i, entry in enumerate(entries):
            where = f"{key}[{i}]."
            if not isinstance(entry, dict):
                raise MappingError(f"{where[:-1]} is not an object")
            minor, cur = _amount(entry, amount_key, where)
            if cur != currency:
                raise MappingError(f"{where}{amount_key} is in {cur}, the items in {currency}")
            ids = entry.get("positionItemIds") or []
            if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
                raise MappingError(f"{where}positionItemIds should be a list of ids")
            name = _str(entry, "name", where, required=False, limit=100) or key
            charges.append(Charge(f"{key}:{i}", name, sign * minor, tuple(ids)))
    return tuple(charges)


def parse_order(raw: Any) -> Order:
    if not isinstance(raw, dict):
        raise MappingError("the order is not a JSON object")
    sales_order_id = _str(raw, "salesOrderId", "", limit=100)
    order_date = _date(raw, "orderDate", "")
    lifecycle = _obj(raw, "orderLifecycleInformation", "")
    assert lifecycle is not None and order_date is not None
    changed = _date(lifecycle, "lifecycleChangeDate", "orderLifecycleInformation.")
    modified = _date(raw, "lastModifiedDate", "", required=False)
    items = raw.get("positionItems")
    if not isinstance(items, list) or not items:
        raise MappingError("positionItems is missing or empty")
    if len(items) > MAX_ITEMS:
        raise MappingError(f"positionItems has {len(items)} entries (at most {MAX_ITEMS} expected)")
    parsed = [_line(item, i) for i, item in enumerate(items)]
    currencies = {cur for _, cur in parsed}
    if len(currencies) != 1:
        raise MappingError(f"the items use several currencies: {', '.join(sorted(currencies))}")
    currency = currencies.pop()
    lines = tuple(line for line, _ in parsed)
    if len({line.external_id for line in lines}) != len(lines):
        raise MappingError("positionItems repeats a positionItemId")
    payment = _obj(raw, "payment", "", required=False) or {}
    method = _str(payment, "paymentMethod", "payment.", required=False, limit=40)
    pending = any(line.status is LineStatus.PENDING for line in lines)
    live = any(line.status in (LineStatus.OPEN, LineStatus.SHIPPED) for line in lines)
    shipping = _address(_obj(raw, "deliveryAddress", "", required=False), "deliveryAddress.")
    billing = _address(_obj(raw, "invoiceAddress", "", required=False), "invoiceAddress.")
    if live and not pending and shipping is None:
        raise MappingError("deliveryAddress is missing although the items can be shipped")
    stamps = [changed] + ([modified] if modified else [])
    return Order(
        channel=Channel.OTTO,
        marketplace_id=sales_order_id,
        order_number=_str(raw, "orderNumber", "", limit=64),
        order_date=order_date,
        modified_at=max(stamps),  # type: ignore[type-var]
        currency=currency,
        lines=lines,
        charges=_charges(raw, currency),
        payment_method=method,
        shipping_address=shipping,
        billing_address=billing or shipping,
        hold_reason=HoldReason.PAYMENT_CHECK if pending else None,
        expected_release=(order_date + (RELEASE_AFTER_PREPAYMENT if method == "PREPAYMENT" else RELEASE_AFTER))
        if pending else None,
        flags=frozenset({Flag.RECYCLING}) if any(line.recycling for line in lines) else frozenset(),
    )


def order_identity(raw: Any) -> str:
    """Best name for an order we could not read: its salesOrderId, else its number."""
    if isinstance(raw, dict):
        for key in ("salesOrderId", "orderNumber"):
            value = raw.get(key)
            if isinstance(value, str) and value and len(value) <= 100 and value.isprintable():
                return value.encode("utf-8", "replace").decode("utf-8")
    return ""


def change_stamp(raw: Any) -> datetime | None:
    """The change date of a raw order, if readable: lets the watermark pass broken orders."""
    if isinstance(raw, dict):
        info = raw.get("orderLifecycleInformation")
        for value in (info.get("lifecycleChangeDate") if isinstance(info, dict) else None, raw.get("lastModifiedDate")):
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    continue
                if parsed.tzinfo is not None:
                    return parsed
    return None


def find_bad_text(raw: Any, path: str = "") -> str | None:
    """Path of the first string holding bytes that were not UTF-8 (kept as surrogates)."""
    if isinstance(raw, str):
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            return path or "(order)"
        return None
    if isinstance(raw, dict):
        items = raw.items()
    elif isinstance(raw, list):
        items = ((f"[{i}]", v) for i, v in enumerate(raw))  # type: ignore[assignment]
    else:
        return None
    for key, value in items:
        key_text = str(key)
        sub = f"{path}{key_text}" if key_text.startswith("[") else (f"{path}.{key_text}" if path else key_text)
        found = find_bad_text(value, sub)
        if found:
            return found
    return None
