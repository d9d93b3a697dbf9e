"""Query parsing, filtering and keyset cursors for GET /v4/orders and GET /v3/receipts.

The cursor is opaque to clients but simply base64url(JSON) holding the original
filters plus the (sort key, id) of the last row served. Resuming "after that
key" instead of "at offset N" is what keeps a pagination stable while orders
change underneath it.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone

from werkzeug.datastructures import MultiDict

from app.sandbox.otto.model import BUCKET_BLOCKERS, STATUS_CODE, Order, Receipt

MAX_LIMIT = 128
RECEIPT_TYPES = ("PURCHASE", "REFUND", "PARTIAL_REFUND")


class BadQuery(ValueError):
    """Invalid parameter (-> 400); args = (parameter name, detail)."""


def parse_datetime(name: str, raw: str, *, end_of_day: bool = False) -> int:
    """ISO-8601 to epoch ms; naive values are UTC, a bare date is midnight (or day end).

    A '+' in an offset often arrives as a space when clients forget to URL-encode
    it; that is repaired rather than rejected, like lenient production servers do.
    """
    text = raw.strip()
    if " " in text and "T" in text:
        text = text.replace(" ", "+")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            parsed = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            ms = int(parsed.timestamp() * 1000)
            return ms + 86_399_999 if end_of_day else ms
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadQuery(name, f"'{raw}' is not an ISO-8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(round(parsed.timestamp() * 1000))


def parse_limit(args: MultiDict[str, str], default: int = MAX_LIMIT) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise BadQuery("limit", f"'{raw}' is not an integer") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery("limit", f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit


def _encode(payload: dict[str, object]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(name: str, cursor: str) -> dict[str, object]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadQuery(name, "cursor is malformed") from None
    if not isinstance(payload, dict) or payload.get("v") != 1:
        raise BadQuery(name, "cursor is malformed")
    return payload


def encode_cursor(payload: dict[str, object]) -> str:
    """An opaque cursor for another list endpoint (GET /v1/shipments); payload must hold "v": 1."""
    return _encode(payload)


def decode_cursor(name: str, cursor: str) -> dict[str, object]:
    return _decode(name, cursor)


def _opt_int(value: object) -> bool:
    """Cursor fields come back from the client: only trust plain ints (or null)."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _one_of(args: MultiDict[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    value = args.get(name) or default
    if value not in allowed:
        raise BadQuery(name, f"'{value}' is not one of {', '.join(allowed)}")
    return value


@dataclass
class OrderQuery:
    """Filters of GET /v4/orders; `after` is the keyset position inside the sort."""

    from_date: int | None = None
    from_order: int | None = None
    to_order: int | None = None
    statuses: tuple[int, ...] = ()
    mode: str = "BUCKET"
    direction: str = "ASC"
    column: str = "ORDER_LIFECYCLE_DATE"
    after: tuple[int, str] | None = None

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> OrderQuery:
        cursor = args.get("nextcursor")
        if cursor:
            return cls.from_cursor(cursor)
        statuses = []
        for value in args.getlist("fulfillmentStatus"):
            for part in value.split(","):
                if part not in STATUS_CODE:
                    raise BadQuery("fulfillmentStatus", f"'{part}' is not a valid fulfillment status")
                statuses.append(STATUS_CODE[part])
        dates = {}
        for name in ("fromDate", "fromOrderDate", "toOrderDate"):
            raw = args.get(name)
            dates[name] = parse_datetime(name, raw) if raw else None
        return cls(
            from_date=dates["fromDate"],
            from_order=dates["fromOrderDate"],
            to_order=dates["toOrderDate"],
            statuses=tuple(sorted(set(statuses))),
            mode=_one_of(args, "mode", ("BUCKET", "AT_LEAST_ONE"), "BUCKET"),
            direction=_one_of(args, "orderDirection", ("ASC", "DESC"), "ASC"),
            column=_one_of(args, "orderColumnType", ("ORDER_LIFECYCLE_DATE", "ORDER_DATE"), "ORDER_LIFECYCLE_DATE"),
        )

    @classmethod
    def from_cursor(cls, cursor: str) -> OrderQuery:
        payload = _decode("nextcursor", cursor)
        try:
            fields = dict(payload["q"])  # type: ignore[call-overload]
            after = fields.pop("after")
            query = cls(**fields, after=(int(after[0]), str(after[1])))
            query.statuses = tuple(int(s) for s in query.statuses)
            valid = (
                all(_opt_int(v) for v in (query.from_date, query.from_order, query.to_order))
                and query.mode in ("BUCKET", "AT_LEAST_ONE")
                and query.direction in ("ASC", "DESC")
                and query.column in ("ORDER_LIFECYCLE_DATE", "ORDER_DATE")
                and all(s in BUCKET_BLOCKERS for s in query.statuses)
            )
        except (KeyError, TypeError, ValueError, IndexError):
            valid = False
        if not valid:
            raise BadQuery("nextcursor", "cursor is malformed")
        return query

    def cursor_after(self, order: Order) -> str:
        key = order.changed if self.column == "ORDER_LIFECYCLE_DATE" else order.order_ms
        fields = asdict(self)
        fields["after"] = [key, order.sid]
        fields["statuses"] = list(self.statuses)
        return _encode({"v": 1, "q": fields})

    def matches(self, order: Order) -> bool:
        if self.from_date is not None and order.changed < self.from_date:
            return False
        if self.from_order is not None and order.order_ms < self.from_order:
            return False
        if self.to_order is not None and order.order_ms > self.to_order:
            return False
        if not self.statuses:
            return True
        mask = order.mask
        if self.mode == "AT_LEAST_ONE":
            return any(mask & (1 << s) for s in self.statuses)
        return any(mask & (1 << s) and not mask & BUCKET_BLOCKERS[s] for s in self.statuses)

    def select(self, by_changed: list, by_date: list, limit: int) -> tuple[list[Order], str | None]:
        """One page plus the cursor for the next one (None on the last page)."""
        lifecycle = self.column == "ORDER_LIFECYCLE_DATE"
        index = by_changed if lifecycle else by_date
        floor = self.from_date if lifecycle else self.from_order  # index keys below it never match
        found: list[Order] = []
        if self.direction == "ASC":
            position = 0
            if self.after is not None:
                position = bisect_left(index, self.after)
                if position < len(index) and index[position][:2] == self.after:
                    position += 1
            elif floor is not None:
                position = bisect_left(index, (floor,))
            for position in range(position, len(index)):  # no slice: avoids copying 100k refs
                order = index[position][2]
                if self.matches(order):
                    found.append(order)
                    if len(found) > limit:
                        break
        else:
            end = bisect_left(index, self.after) if self.after is not None else len(index)
            for position in range(end - 1, -1, -1):
                entry = index[position]
                if floor is not None and entry[0] < floor:
                    break
                if self.matches(entry[2]):
                    found.append(entry[2])
                    if len(found) > limit:
                        break
        if len(found) > limit:
            return found[:limit], self.cursor_after(found[limit - 1])
        return found, None


@dataclass
class ReceiptQuery:
    """Filters of GET /v3/receipts (sorted by creationDate, then receiptNumber)."""

    types: tuple[str, ...] = ()
    from_ms: int | None = None
    to_ms: int | None = None
    sales_order_id: str | None = None
    after: tuple[int, str] | None = None

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> ReceiptQuery:
        cursor = args.get("next")
        if cursor:
            payload = _decode("next", cursor)
            try:
                fields = dict(payload["q"])  # type: ignore[call-overload]
                after = fields.pop("after")
                query = cls(**fields, after=(int(after[0]), str(after[1])))
                query.types = tuple(query.types)
                valid = (
                    _opt_int(query.from_ms)
                    and _opt_int(query.to_ms)
                    and all(t in RECEIPT_TYPES for t in query.types)
                    and (query.sales_order_id is None or isinstance(query.sales_order_id, str))
                )
            except (KeyError, TypeError, ValueError, IndexError):
                valid = False
            if not valid:
                raise BadQuery("next", "cursor is malformed")
            return query
        types = []
        for value in args.getlist("receiptTypes"):
            for part in value.split(","):
                if part not in RECEIPT_TYPES:
                    raise BadQuery("receiptTypes", f"'{part}' is not one of {', '.join(RECEIPT_TYPES)}")
                types.append(part)
        raw_from, raw_to = args.get("from"), args.get("to")
        return cls(
            types=tuple(sorted(set(types))),
            from_ms=parse_datetime("from", raw_from) if raw_from else None,
            to_ms=parse_datetime("to", raw_to, end_of_day=True) if raw_to else None,
            sales_order_id=args.get("salesOrderId") or None,
        )

    def select(
        self, receipts: list, by_order: dict[str, list[Receipt]], limit: int
    ) -> tuple[list[Receipt], str | None]:
        if self.sales_order_id:
            mine = by_order.get(self.sales_order_id, [])
            receipts = sorted((r.created_ms, r.number, r) for r in mine)
        position = 0
        if self.after is not None:
            position = bisect_left(receipts, self.after)
            if position < len(receipts) and receipts[position][:2] == self.after:
                position += 1
        elif self.from_ms is not None:
            position = bisect_left(receipts, (self.from_ms,))
        found: list[Receipt] = []
        for position in range(position, len(receipts)):
            created, _, receipt = receipts[position]
            if self.to_ms is not None and created > self.to_ms:
                break
            if self.types and "PURCHASE" not in self.types:
                break  # the sandbox only issues PURCHASE receipts
            found.append(receipt)
            if len(found) > limit:
                break
        if len(found) <= limit:
            return found, None
        last = found[limit - 1]
        fields = asdict(self)
        fields["after"] = [last.created_ms, last.number]
        fields["types"] = list(self.types)
        return found[:limit], _encode({"v": 1, "q": fields})
