"""User-facing words and numbers: statuses, hold reasons, money, dates, durations.

Stored values stay machine keys ("payment_check", "recycling_disposal"); only this module
turns them into text, through Qt's translation system.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

from app.channels.registry import CHANNELS
from app.domain.money import exponent
from app.domain.orders import Channel

_CTX = "Labels"


# Source strings marked for lupdate; translated when shown (see tr below).
_STATUS = {
    "pending": QT_TRANSLATE_NOOP("Labels", "Pending"),
    "open": QT_TRANSLATE_NOOP("Labels", "Open"),
    "partially_shipped": QT_TRANSLATE_NOOP("Labels", "Partially shipped"),
    "shipped": QT_TRANSLATE_NOOP("Labels", "Shipped"),
    "returned": QT_TRANSLATE_NOOP("Labels", "Returned"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
}
_HOLD = {
    "payment_check": QT_TRANSLATE_NOOP("Labels", "Marketplace payment check"),
    "awaiting_payment": QT_TRANSLATE_NOOP("Labels", "Awaiting payment"),
    "marketplace_pending": QT_TRANSLATE_NOOP("Labels", "Pending at the marketplace (not paid, no address)"),
    "not_released": QT_TRANSLATE_NOOP("Labels", "Not yet released by the marketplace"),
}
_FLAGS = {
    "recycling_disposal": QT_TRANSLATE_NOOP("Labels", "Recycling & Entsorgung"),
}
_EVENTS = {
    "fetched": QT_TRANSLATE_NOOP("Labels", "Fetched"),
    "held": QT_TRANSLATE_NOOP("Labels", "Held in backlog"),
    "released": QT_TRANSLATE_NOOP("Labels", "Released from backlog"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
    "status_changed": QT_TRANSLATE_NOOP("Labels", "Status changed"),
    "updated": QT_TRANSLATE_NOOP("Labels", "Updated"),
    "receipt_payment": QT_TRANSLATE_NOOP("Labels", "Payment recorded"),
    "receipt_refund": QT_TRANSLATE_NOOP("Labels", "Refund recorded"),
    # Status & Shipping (app/services/status.py)
    "shipped": QT_TRANSLATE_NOOP("Labels", "Package shipped"),
    "cancel_recorded": QT_TRANSLATE_NOOP("Labels", "Cancellation recorded"),
    "tracking_added": QT_TRANSLATE_NOOP("Labels", "Tracking number added"),
    "status_sent": QT_TRANSLATE_NOOP("Labels", "Status sent to the marketplace"),
    "invoice_created": QT_TRANSLATE_NOOP("Labels", "Invoice created"),
    "payment_settled": QT_TRANSLATE_NOOP("Labels", "Payment settled"),
    "returned": QT_TRANSLATE_NOOP("Labels", "Returned"),
}
_RECEIPT_KINDS = {
    "payment": QT_TRANSLATE_NOOP("Labels", "Payment"),
    "refund": QT_TRANSLATE_NOOP("Labels", "Refund"),
}
_LEVELS = {
    "info": QT_TRANSLATE_NOOP("Labels", "Info"),
    "warning": QT_TRANSLATE_NOOP("Labels", "Warning"),
    "error": QT_TRANSLATE_NOOP("Labels", "Error"),
}
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "PLN": "zł", "CZK": "Kč"}


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def _lookup(table: dict[str, str], key: str | None) -> str:
    if not key:
        return ""
    return tr(table[key]) if key in table else key.replace("_", " ")


def status_text(status: str | None) -> str:
    return _lookup(_STATUS, status)


def hold_text(reason: str | None) -> str:
    return _lookup(_HOLD, reason)


def event_text(kind: str | None) -> str:
    return _lookup(_EVENTS, kind)


def receipt_kind_text(kind: str | None) -> str:
    return _lookup(_RECEIPT_KINDS, kind)


def level_text(level: str | None) -> str:
    return _lookup(_LEVELS, level)


_BRANDS = {"PAYPAL": "PayPal", "AMAZON_PAY": "Amazon Pay", "APPLE_PAY": "Apple Pay", "GOOGLE_PAY": "Google Pay",
           "KLARNA": "Klarna", "SEPA_DIRECT_DEBIT": "SEPA direct debit"}


def payment_method_text(method: str | None) -> str:
    """Marketplace keys such as CREDIT_CARD as words ("Credit card"); brand names as spelled."""
    return _BRANDS.get((method or "").upper()) or key_words(method)


def key_words(key: str | None) -> str:
    return (key or "").replace("_", " ").strip().capitalize()


def flag_list(flags: str | None) -> list[str]:
    return [f for f in (flags or "").split(",") if f]


def flags_text(flags: str | None) -> str:
    return ", ".join(_lookup(_FLAGS, f) for f in flag_list(flags))


def channel_text(channel: str | None) -> str:
    try:
        return CHANNELS[Channel(channel)].display_name
    except (ValueError, KeyError):
        return channel or ""


def money_text(minor: int | None, currency: str, locale: QLocale | None = None) -> str:
    """Exact amount from integer minor units with the locale's separators; no float involved."""
    if minor is None:
        return ""
    locale = locale or QLocale()
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 10**exp) if exp else (abs(minor), 0)
    digits = str(units)
    group = locale.groupSeparator()
    grouped = ""
    while len(digits) > 3:
        grouped = group + digits[-3:] + grouped
        digits = digits[:-3]
    number = sign + digits + grouped
    if exp:
        number += locale.decimalPoint() + str(cents).rjust(exp, "0")
    return f"{number} {_SYMBOLS.get(currency, currency)}"


def local_datetime(value: datetime | None) -> QDateTime:
    if value is None:
        return QDateTime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))


def datetime_text(value: datetime | None, locale: QLocale | None = None) -> str:
    if value is None:
        return ""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:  # "C"/POSIX has no sensible short format
        return local_datetime(value).toString("yyyy-MM-dd HH:mm")
    return locale.toString(local_datetime(value), QLocale.FormatType.ShortFormat)


def time_text(value: datetime | None, locale: QLocale | None = None) -> str:
    if value is None:
        return ""
    return (locale or QLocale()).toString(local_datetime(value).time(), "HH:mm:ss")


def duration_text(seconds: float) -> str:
    """'45 s', '12 min', '3 h 05 min', '2 d 4 h' - short, for age and countdown columns."""
    seconds = int(max(0, seconds))
    if seconds < 60:
        return QCoreApplication.translate("Labels", "%1 s").replace("%1", str(seconds))
    minutes = seconds // 60
    if minutes < 60:
        return QCoreApplication.translate("Labels", "%1 min").replace("%1", str(minutes))
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        text = QCoreApplication.translate("Labels", "%1 h %2 min")
        return text.replace("%1", str(hours)).replace("%2", f"{minutes:02d}")
    days, hours = divmod(hours, 24)
    return QCoreApplication.translate("Labels", "%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))


def age_text(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return ""
    now = now or datetime.now(UTC)
    return duration_text((now - since).total_seconds())


def release_text(expected: datetime | None, now: datetime | None = None, locale: QLocale | None = None) -> str:
    """When the marketplace expects to release a held order, with a countdown."""
    if expected is None:
        return QCoreApplication.translate("Labels", "unknown")
    now = now or datetime.now(UTC)
    left = (expected - now).total_seconds()
    when = datetime_text(expected, locale)
    if left <= 0:
        return QCoreApplication.translate("Labels", "%1 (due)").replace("%1", when)
    return QCoreApplication.translate("Labels", "%1 (in %2)").replace("%1", when).replace("%2", duration_text(left))


_LOG_STARTED = QT_TRANSLATE_NOOP("Labels", "Fetching orders started")
_LOG_PAGE = QT_TRANSLATE_NOOP("Labels", "Page %1: %2 orders, %3 new, %4 updated, %5 released, %6 cancelled")
_LOG_FINISHED = QT_TRANSLATE_NOOP(
    "Labels", "Fetch finished: %1 new, %2 updated, %3 released, %4 cancelled, %5 quarantined, %6 receipts, "
    "%7 pages in %8 s")
_LOG_FAILED = QT_TRANSLATE_NOOP(
    "Labels", "Fetching failed: %1. Orders fetched before the error are kept; the next fetch continues from there.")
_LOG_QUOTA = QT_TRANSLATE_NOOP("Labels", "quota %1: %2 of %3 left at %4/s")
_LOG_QUOTA_ETA = QT_TRANSLATE_NOOP("Labels", "about %1 s to finish")
_LOG_CANCELLED = QT_TRANSLATE_NOOP("Labels", "Fetch cancelled by the user. Everything fetched so far is kept.")
_LOG_QUARANTINED = QT_TRANSLATE_NOOP("Labels", "This order could not be read and was set aside: %1")
_LOG_STATUS_RUN = QT_TRANSLATE_NOOP(
    "Labels", "Status transmission: %1 sent (%2 confirmed, %3 not shown by the marketplace), %4 deferred, %5 failed")


def quota_text(quota: list[dict]) -> str:
    """The pacing bucket of a fetch in words ("quota getOrderItems: 12 of 30 left at 0.5/s, about
    40 s to finish"), from QuotaState.as_json() entries; "" when nothing paces the fetch."""
    paced = [q for q in quota if q.get("per_second")]
    if not paced:
        return ""
    q = paced[0]
    text = tr(_LOG_QUOTA)
    for i, value in reversed(list(enumerate(
            (q["name"], f"{float(q['remaining']):.0f}", q["capacity"], f"{float(q['per_second']):g}"), start=1))):
        text = text.replace(f"%{i}", str(value))
    if q.get("eta_seconds"):
        text += ", " + tr(_LOG_QUOTA_ETA).replace("%1", f"{float(q['eta_seconds']):.0f}")
    return text


def log_message_text(event: str, details: dict, stored: str) -> str:
    """The protocol log line in the UI's language.

    The services store an English sentence plus the event and its numbers; the window
    renders known events from the numbers so a German clerk reads German. Reasons that come
    from a marketplace or a broken order stay as written. Unknown or older entries show
    the stored sentence.
    """
    d = details or {}

    def filled(template: str, *values: object) -> str:
        text = tr(template)
        for i, value in reversed(list(enumerate(values, start=1))):  # %10 before %1
            text = text.replace(f"%{i}", str(value))
        return text

    try:
        if event == "fetch_started":
            return tr(_LOG_STARTED)
        if event == "page" and "page" in d:
            text = filled(_LOG_PAGE, d["page"], d["orders"], d["new"], d["updated"], d["released"], d["cancelled"])
            quota = quota_text(d.get("quota") or [])
            return f"{text} · {quota}" if quota else text
        if event == "fetch_finished" and "new" in d:
            return filled(_LOG_FINISHED, d["new"], d["updated"], d["released"], d["cancelled_orders"],
                          d["quarantined"], d["receipts"], d["pages"], f"{float(d['seconds']):.1f}")
        if event == "fetch_failed" and d.get("error"):
            return filled(_LOG_FAILED, d["error"])
        if event == "fetch_cancelled":
            return tr(_LOG_CANCELLED)
        if event == "quarantined" and "reason" in d:
            return filled(_LOG_QUARANTINED, d["reason"])
        if event == "status_run" and "sent" in d:
            return filled(_LOG_STATUS_RUN, d["sent"], d["verified"], d["mismatched"], d["deferred"], d["failed"])
    except (KeyError, TypeError, ValueError):
        pass
    return stored
