"""getOrders parameters: the `filter` mini-language, limit/offset, orderIds, and the selection.

`filter` is a comma-separated list of criteria (URL-decoded by the time it gets here):
  creationdate:[2025-05-01T00:00:00.000Z..2025-05-31T00:00:00.000Z]   (end optional)
  lastmodifieddate:[2025-05-01T00:00:00.000Z..]                      (ignored when creationdate is given)
  orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}  or  {FULFILLED|IN_PROGRESS}
Each mistake gets the Fulfillment API's own error id (30700..31100, 32800).

Results are sorted by the date the filter uses (creationDate when no date filter is
given), ascending, ties by orderId. eBay does not document its order; the sandbox
switch `sort_descending` serves newest first instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timezone

from werkzeug.datastructures import MultiDict

from app.sandbox.ebay.errors import ApiError
from app.sandbox.ebay.model import FULFILLED, IN_PROGRESS, NOT_STARTED, Order

DAY_MS = 86_400_000
LOOKBACK_MS = 90 * DAY_MS  # the filter "returns data from only the last 90 days"
DEFAULT_LIMIT = 50
MAX_ORDER_IDS = 50
FILTER_NAMES = ("creationdate", "lastmodifieddate", "orderfulfillmentstatus")
STATUS_SETS = {frozenset({NOT_STARTED, IN_PROGRESS}), frozenset({FULFILLED, IN_PROGRESS})}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$")
_RANGE = re.compile(r"^\[(?P<start>[^\[\]]*)\.\.(?P<end>[^\[\]]*)\]$")
_STATUSES = re.compile(r"^\{(?P<values>[A-Z_|]+)\}$")
_INTEGER = re.compile(r"^-?\d{1,12}$")

Key = tuple[int, str, Order]


def _bad_value(name: str, value: str) -> ApiError:
    return ApiError(400, 30800, f"Invalid filter value {value} for filter {name}", parameters={"filter": name})


def parse_ms(text: str, name: str) -> int:
    """'2025-05-02T08:14:00.000Z' (milliseconds optional, Z required) to epoch ms."""
    match = _DATE.match(text.strip())
    if not match:
        raise ApiError(400, 30810, "Invalid date format", parameters={"filter": name},
                       long_message=f"Invalid date format {text!r}: use ISO 8601 UTC, e.g. 2025-05-02T08:14:00.000Z")
    year, month, day, hour, minute, second, millis = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          tzinfo=timezone.utc)
    except ValueError:
        raise ApiError(400, 30810, "Invalid date format", parameters={"filter": name}) from None
    return int(moment.timestamp()) * 1000 + int((millis or "0").ljust(3, "0"))


@dataclass(frozen=True)
class DateRange:
    field: str  # "creationdate" or "lastmodifieddate"
    start_ms: int
    end_ms: int | None


def _date_range(name: str, value: str, now_ms: int) -> DateRange:
    match = _RANGE.match(value.strip())
    if not match:
        raise _bad_value(name, value)
    if not match["start"].strip():
        raise ApiError(400, 30820, "Start date is missing", parameters={"filter": name})
    start = parse_ms(match["start"], name)
    end = parse_ms(match["end"], name) if match["end"].strip() else None
    if start > now_ms or (end is not None and end > now_ms):
        raise ApiError(400, 30850, "Start and end dates can't be in the future", parameters={"filter": name})
    if end is not None and start > end:
        raise ApiError(400, 30840, "Start date should be before end date", parameters={"filter": name})
    if start < now_ms - LOOKBACK_MS or (end is not None and start < end - LOOKBACK_MS):
        raise ApiError(400, 30830, "Start date must be within 90 days of end date and current date.",
                       parameters={"filter": name})
    return DateRange(name, start, end)


def _statuses(name: str, value: str) -> frozenset[str]:
    match = _STATUSES.match(value.strip())
    values = frozenset(match["values"].split("|")) if match else frozenset()
    if values not in STATUS_SETS:  # only the two documented combinations work
        raise _bad_value(name, value)
    return values


@dataclass(frozen=True)
class OrderQuery:
    dates: DateRange | None
    statuses: frozenset[str] | None
    limit: int
    offset: int

    @classmethod
    def from_args(cls, args: MultiDict[str, str], now_ms: int, max_limit: int) -> OrderQuery:
        criteria: dict[str, str] = {}
        for part in (args.get("filter") or "").split(","):
            if not part.strip():
                continue
            name, sep, value = part.strip().partition(":")
            if not sep or name not in FILTER_NAMES:
                raise ApiError(400, 30700, f"Invalid filter name: {name}", parameters={"filter": name})
            if name in criteria:
                raise _bad_value(name, value)
            criteria[name] = value
        # "If creationdate and lastmodifieddate are both included, only creationdate is used."
        date_name = "creationdate" if "creationdate" in criteria else "lastmodifieddate"
        dates = _date_range(date_name, criteria[date_name], now_ms) if date_name in criteria else None
        statuses = _statuses("orderfulfillmentstatus", criteria["orderfulfillmentstatus"]) \
            if "orderfulfillmentstatus" in criteria else None
        return cls(dates, statuses, _int_arg(args, "limit", DEFAULT_LIMIT, 1, max_limit, 31100),
                   _int_arg(args, "offset", 0, 0, None, 31000))

    def cache_key(self, descending: bool) -> tuple[object, ...]:
        return (self.dates, self.statuses, descending)

    def select(self, by_created: list[Key], by_changed: list[Key], now_ms: int, descending: bool) -> list[Order]:
        """Every matching order in result order (the caller slices offset/limit)."""
        index = by_changed if self.dates and self.dates.field == "lastmodifieddate" else by_created
        start, end = (self.dates.start_ms, self.dates.end_ms) if self.dates else (now_ms - LOOKBACK_MS, None)
        low = bisect_left(index, (start,))
        high = len(index) if end is None else bisect_left(index, (end + 1,))
        cutoff = now_ms - LOOKBACK_MS
        statuses = self.statuses
        orders = [key[2] for key in index[low:high]]
        if statuses is not None or (orders and min(o.created_ms for o in orders) < cutoff):
            orders = [o for o in orders if o.created_ms >= cutoff
                      and (statuses is None or o.fulfillment_status in statuses)]
        if descending:
            orders.reverse()
        return orders


def _int_arg(args: MultiDict[str, str], name: str, default: int, low: int, high: int | None, error_id: int) -> int:
    """limit and offset: decimal integers in range, else 31100 / 31000 naming the value sent."""
    raw = args.get(name, "")
    value = default if raw == "" else int(raw) if _INTEGER.match(raw) else None
    if value is None or value < low or (high is not None and value > high):
        raise ApiError(400, error_id, f"Invalid {name}: {raw}", parameters={name: raw})
    return value


def parse_order_ids(raw: str) -> list[str]:
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if len(ids) > MAX_ORDER_IDS:
        raise ApiError(400, 30900, f"Exceeded maximum number of order IDs (the current limit is {MAX_ORDER_IDS})",
                       parameters={"orderIds": str(len(ids))})
    return list(dict.fromkeys(ids))


def check_field_groups(args: MultiDict[str, str]) -> None:
    value = args.get("fieldGroups")
    if value is not None and value != "TAX_BREAKDOWN":
        raise ApiError(400, 32800, f"Invalid field group: {value}", parameters={"fieldGroups": value})
