"""Walking getOrders' change window so that nothing is missed and nothing fetched twice.

getOrders filters by `LastUpdatedAfter` and returns orders by LastUpdateDate, oldest first.
Rather than trusting a long NextToken chain (Amazon does not say whether its NextToken is
a snapshot, an offset that shifts when orders change during the walk, or a key), each page
is followed by a fresh query anchored at the newest LastUpdateDate seen so far: keyset
paging with the API's own change filter. An order that changes while we walk moves to a
newer stamp, i.e. ahead of the anchor, so it is picked up later in the same walk; nothing
behind the anchor can move. The orders on the anchor stamp that were already yielded are
skipped when the fresh query returns them again. Only when a whole page shares one stamp
(the anchor cannot move) is the NextToken followed, with the same filters.

No `LastUpdatedBefore` is sent: Amazon only accepts it at least two minutes in the past,
and an order placed a minute ago should reach the desk now.

Each order's stamp is a safe watermark once it is stored, because everything older came
before it. The walk checks that the stamps really ascend; if Amazon ever returns them in
another order, no watermark is claimed until the whole window has been walked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.channels.amazon.mapping import change_stamp

FetchPage = Callable[[dict[str, str], str | None], dict[str, Any]]


@dataclass(frozen=True)
class WindowPage:
    orders: list[Any]  # raw orders, new to this walk, in Amazon's order
    ascending: bool  # every stamp so far ascended: each stored order's stamp is a safe watermark
    settled: datetime | None = None  # set on a last, empty page: the whole window is walked up to here


def amazon_time(moment: datetime) -> str:
    """ISO 8601 in UTC to the millisecond, the finest Amazon's stamps carry."""
    utc = moment.astimezone(UTC)
    millis = utc.microsecond // 1000
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{millis:03d}Z" if millis else "Z")


def _identity(raw: Any) -> Any:
    return raw.get("AmazonOrderId") if isinstance(raw, dict) else None


def walk(fetch_page: FetchPage, since: datetime) -> Iterator[WindowPage]:
    anchor = since.astimezone(UTC)
    anchor = anchor.replace(microsecond=anchor.microsecond // 1000 * 1000)
    at_anchor: set[Any] = set()  # orders yielded whose stamp equals the anchor
    stampless: set[Any] = set()  # broken orders without a readable stamp, yielded once
    newest = anchor  # the newest stamp seen; with ascending stamps, that of the last order
    ascending = True
    token: str | None = None
    while True:
        payload = fetch_page({"LastUpdatedAfter": amazon_time(anchor)}, token)
        fresh = []
        for raw in payload["Orders"]:
            stamp = change_stamp(raw)
            if stamp is None:
                if _identity(raw) in stampless:
                    continue
                stampless.add(_identity(raw))
            elif stamp < newest:
                ascending = False
            newest = max(newest, stamp or newest)
            if stamp == anchor and _identity(raw) in at_anchor:
                continue  # returned again by the query anchored at its own stamp
            fresh.append(raw)
        yield WindowPage(fresh, ascending)
        token = payload.get("NextToken") or None
        if token is None:
            if not ascending:
                yield WindowPage([], True, newest)
            return
        if ascending and newest > anchor:
            anchor, token = newest, None
            at_anchor = {_identity(raw) for raw in fresh if change_stamp(raw) == newest}
        else:
            at_anchor |= {_identity(raw) for raw in fresh if change_stamp(raw) == anchor}
