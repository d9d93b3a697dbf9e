"""getOrders parameters, their validation and the NextToken.

`NextToken` is opaque to clients but is base64url(JSON) of the filters, the fixed upper
bound of the window (`LastUpdatedBefore`/`CreatedBefore`, "now" at the first page unless
the client gave one) and the (sort key, AmazonOrderId) of the last order served. Because
the bound is fixed and the position is a key, not an offset, an order that changes during
a pagination moves past the bound (the next fetch sees it) and never shifts the orders
behind it. Filters keep applying with the token, as the spec says; a request that repeats
them must repeat them unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from werkzeug.datastructures import MultiDict

from app.sandbox.amazon.model import MARKETPLACE_ID, ORDER_STATUSES, STATUS_CODE, Order

MAX_PAGE = 100
MAX_IDS = 50
BEFORE_MARGIN = 120_000  # ms; LastUpdatedBefore / CreatedBefore must be at least 2 minutes before now
FULFILLMENT_CHANNELS = ("MFN", "AFN")
PAYMENT_METHODS = ("COD", "CVS", "Other")


class InvalidInput(ValueError):
    """400 InvalidInput; args[0] is the message."""


def parse_date(name: str, raw: str) -> int:
    """ISO-8601 to epoch milliseconds (naive = UTC)."""
    text = raw.strip()
    if " " in text and "T" in text:  # an unencoded '+' of the offset arrived as a space
        text = text.replace(" ", "+")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} is not a valid ISO 8601 date: {raw[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(round(parsed.timestamp() * 1000))


def _list(args: MultiDict[str, str], name: str) -> list[str]:
    """Array parameters arrive comma-separated (the SDKs' csv format) or repeated."""
    return [part.strip() for value in args.getlist(name) for part in value.split(",") if part.strip()]


def _choices(args: MultiDict[str, str], name: str, allowed: tuple[str, ...] | dict) -> tuple[str, ...]:
    values = _list(args, name)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise InvalidInput(f"{name} contains an invalid value: {bad[0][:40]!r}")
    return tuple(sorted(set(values)))


def page_size(args: MultiDict[str, str], default: int = MAX_PAGE) -> int:
    raw = args.get("MaxResultsPerPage")
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        raise InvalidInput("MaxResultsPerPage must be an integer between 1 and 100") from None
    if not 1 <= size <= MAX_PAGE:
        raise InvalidInput("MaxResultsPerPage must be an integer between 1 and 100")
    return size


def encode_token(payload: dict[str, object]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, object]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("Invalid NextToken") from None
    if not isinstance(payload, dict) or payload.get("v") != 1 or not isinstance(payload.get("q"), dict):
        raise InvalidInput("Invalid NextToken")
    return payload


@dataclass
class OrdersQuery:
    """The filters of one getOrders pagination; `after` is the keyset position."""

    by_update: bool  # LastUpdated* family (sort by LastUpdateDate) or Created* (sort by PurchaseDate)
    since: int | None
    until: int  # the fixed upper bound of the window
    statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    payments: tuple[str, ...] = ()
    order_ids: tuple[str, ...] = ()
    after: tuple[int, str] | None = None

    @classmethod
    def from_args(cls, args: MultiDict[str, str], now: int) -> OrdersQuery:
        markets = _list(args, "MarketplaceIds")
        if not markets:
            raise InvalidInput("MarketplaceIds is required")
        if len(markets) > MAX_IDS:
            raise InvalidInput(f"MarketplaceIds accepts at most {MAX_IDS} values")
        unknown = [m for m in markets if m != MARKETPLACE_ID]
        if unknown:
            raise InvalidInput(f"The seller is not registered in marketplace {unknown[0][:20]}")
        fresh = cls._fresh(args, now)
        token = args.get("NextToken")
        if not token:
            return fresh
        query = cls._from_token(decode_token(token))
        if fresh is not None and not query.same_filters(fresh):
            raise InvalidInput("NextToken was issued for different filters")
        return query

    @classmethod
    def _fresh(cls, args: MultiDict[str, str], now: int) -> OrdersQuery | None:
        dates = {name: parse_date(name, args[name]) for name in
                 ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore") if args.get(name)}
        statuses = _choices(args, "OrderStatuses", STATUS_CODE)
        channels = _choices(args, "FulfillmentChannels", FULFILLMENT_CHANNELS)
        payments = _choices(args, "PaymentMethods", PAYMENT_METHODS)
        order_ids = tuple(_list(args, "AmazonOrderIds"))
        if len(order_ids) > MAX_IDS:
            raise InvalidInput(f"AmazonOrderIds accepts at most {MAX_IDS} values")
        created = {k for k in dates if k.startswith("Created")}
        updated = {k for k in dates if k.startswith("LastUpdated")}
        if created and updated:
            raise InvalidInput("CreatedAfter/CreatedBefore cannot be combined with LastUpdatedAfter/LastUpdatedBefore")
        if not dates and not order_ids:
            if args.get("NextToken"):
                return None
            raise InvalidInput("Either CreatedAfter or LastUpdatedAfter must be specified")
        prefix = "LastUpdated" if updated or not created else "Created"
        since, before = dates.get(f"{prefix}After"), dates.get(f"{prefix}Before")
        if since is None and not order_ids:
            raise InvalidInput(f"{prefix}After is required when {prefix}Before is specified")
        if since is not None and since > now:
            raise InvalidInput(f"{prefix}After must not be in the future")
        if before is not None:
            if before > now - BEFORE_MARGIN:
                raise InvalidInput(f"{prefix}Before must be at least two minutes before the current time")
            if since is not None and before < since:
                raise InvalidInput(f"{prefix}Before must be equal to or after {prefix}After")
        return cls(by_update=prefix == "LastUpdated", since=since, until=now if before is None else before,
                   statuses=statuses, channels=channels, payments=payments, order_ids=order_ids)

    @classmethod
    def _from_token(cls, payload: dict[str, object]) -> OrdersQuery:
        try:
            fields = dict(payload["q"])  # type: ignore[call-overload]
            after = fields.pop("after")
            query = cls(**fields, after=(int(after[0]), str(after[1])))
            for name in ("statuses", "channels", "payments", "order_ids"):
                setattr(query, name, tuple(str(v) for v in getattr(query, name)))
            valid = (isinstance(query.by_update, bool) and isinstance(query.until, int)
                     and (query.since is None or isinstance(query.since, int))
                     and all(s in STATUS_CODE for s in query.statuses))
        except (KeyError, TypeError, ValueError, IndexError):
            valid = False
        if not valid:
            raise InvalidInput("Invalid NextToken")
        return query

    def same_filters(self, other: OrdersQuery) -> bool:
        """A repeated filter set matches the token's; the bound may be restated or left out."""
        mine, theirs = asdict(self), asdict(other)
        for key in ("after", "until"):
            mine.pop(key), theirs.pop(key)
        return mine == theirs

    def token_after(self, order: Order) -> str:
        fields = asdict(self)
        fields["after"] = [order.changed if self.by_update else order.purchase, order.oid]
        return encode_token({"v": 1, "q": fields})

    def matches(self, order: Order) -> bool:
        if self.statuses and ORDER_STATUSES[order.status] not in self.statuses:
            return False
        if self.channels and "MFN" not in self.channels:  # every sandbox order is merchant-fulfilled
            return False
        if self.payments and "Other" not in self.payments:
            return False
        return not self.order_ids or order.oid in self.order_ids

    def select(self, by_changed: list, by_purchase: list, limit: int) -> tuple[list[Order], str | None]:
        """One page in (sort key, AmazonOrderId) order plus the NextToken (None on the last page)."""
        index = by_changed if self.by_update else by_purchase
        if self.after is not None:
            position = bisect_left(index, self.after)
            if position < len(index) and index[position][:2] == self.after:
                position += 1
        else:
            position = bisect_left(index, (self.since,)) if self.since is not None else 0
        found: list[Order] = []
        for position in range(position, len(index)):  # no slice: avoids copying 100k refs
            key, _, order = index[position]
            if key > self.until:
                break
            if self.matches(order):
                found.append(order)
                if len(found) > limit:
                    break
        if len(found) > limit:
            return found[:limit], self.token_after(found[limit - 1])
        return found, None
