"""Reading every order changed since a moment from getOrders, which pages by offset over live data.

getOrders has no cursor: a page is the slice [offset, offset+limit) of a result set that
eBay computes anew on every call. Why nothing is missed here although orders change
while we page:

1. A fixed window. After the first page we ask for `lastmodifieddate:[since..upper]`
   with `upper` just before the first page was cut. Orders cannot enter this set: every
   new order and every new change is stamped after `upper`. They can only leave it: an
   order changed while we page gets a stamp beyond `upper`.
2. Leaving orders are noticed. When orders we have already passed leave, the ones behind
   them move forward and could slide past our offset unseen. Every page reports `total`;
   if it dropped by d since the previous page, we step back d places and read them again
   (re-reading is harmless, storing is idempotent). Nothing in the window is skipped,
   whatever order eBay sorts in.
3. Orders that left the window changed after `upper`. The watermark never passes
   `upper`, and the next fetch starts an overlap before the watermark, so it finds them.

`upper` comes from eBay's clock (the Date header of the first page) minus a safety margin,
never from the desk's: a desk clock running ahead would ask for the future (error 30850),
one running behind would leave changes out. The first page itself is asked with an open
end, as eBay's time is unknown until it answers; the fixed window is a subset of that
first set, and a smaller total triggers the same step back.

Watermarks. A page's high_water must be a stamp below which no unread order remains.
That holds when results are sorted by lastModifiedDate ascending, which the sandbox does
but eBay does not document. So the pager trusts page watermarks only after it has seen
stamps rise and never fall; otherwise (newest first, or sorted by another date) it holds
the watermark back until the whole window is read. A page that revealed a step back holds
it back too: the orders that slid past us are older than that page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.channels.ebay.client import OrderPage, modified_filter
from app.channels.errors import TransientError

# The first page's set must contain the window: `upper` is set this far before the Date
# eBay stamped on that page, which is at most the page's serving time behind the cut.
CUT_MARGIN = timedelta(seconds=2)
MAX_STEPS_PER_PAGE = 4  # gives up on a result set that keeps collapsing under us


@dataclass(frozen=True)
class WindowPage:
    orders: list[Any]
    high_water: datetime | None


class _SortCheck:
    """Watches the change stamps go by: are they ascending, as a safe watermark needs?"""

    def __init__(self) -> None:
        self.rising = False
        self.falling = False
        self._last: datetime | None = None

    def observe(self, stamps: list[datetime], *, after_step_back: bool) -> None:
        if after_step_back:
            self._last = None  # we jumped backwards on purpose: no comparison across the jump
        for stamp in stamps:
            if self._last is not None:
                self.rising |= stamp > self._last
                self.falling |= stamp < self._last
            self._last = stamp

    @property
    def ascending(self) -> bool:
        return self.rising and not self.falling


class ChangeWindow:
    """All orders with lastModifiedDate >= since, page by page; see the module docstring."""

    def __init__(self, fetch: Callable[[str, int, int], OrderPage], since: datetime, *, limit: int,
                 stamp_of: Callable[[Any], datetime | None]) -> None:
        self._fetch = fetch  # (filter, offset, limit) -> OrderPage
        self._since = since
        self._limit = limit
        self._stamp_of = stamp_of
        self.remaining_calls: int | None = None  # getOrders calls still expected; None = unknown yet

    def pages(self) -> Iterator[WindowPage]:
        page = self._fetch(modified_filter(self._since), 0, self._limit)
        stamps = self._stamps(page)
        upper = _window_end(page, stamps)
        window = modified_filter(self._since, upper)
        sort = _SortCheck()
        offset, known_total, shrunk, newest = 0, page.total, 0, None
        budget = MAX_STEPS_PER_PAGE * (math.ceil(page.total / self._limit) + 1)
        while True:
            sort.observe(stamps, after_step_back=shrunk > 0)
            if stamps:
                newest = max(stamps) if newest is None else max(newest, *stamps)
            next_offset = max(0, offset - shrunk) if shrunk > 0 else offset + len(page.orders)
            done = next_offset >= known_total or (shrunk <= 0 and not (page.has_next and page.orders))
            if done:
                high = min(newest, upper) if newest is not None else None  # the whole window is read
            elif shrunk > 0 or not sort.ascending or not stamps:
                high = None
            else:
                high = min(max(stamps), upper)
            self.remaining_calls = 0 if done else math.ceil((known_total - next_offset) / self._limit)
            yield WindowPage(page.orders, high)
            budget -= 1
            if done:
                return
            if budget <= 0:
                raise TransientError("eBay's order list kept changing while it was read; the next fetch "
                                     "continues where this one stopped")
            offset = next_offset
            page = self._fetch(window, offset, self._limit)
            stamps = self._stamps(page)
            shrunk, known_total = known_total - page.total, page.total

    def _stamps(self, page: OrderPage) -> list[datetime]:
        return [stamp for stamp in map(self._stamp_of, page.orders) if stamp is not None]


def _window_end(first: OrderPage, stamps: list[datetime]) -> datetime:
    """Just before eBay cut the first page, on eBay's clock.

    Without a Date header (an in-process test transport, a rewriting proxy) the newest change
    on the first page is the safe stand-in: it cannot lie in eBay's future. The window is then
    shorter and the next fetch goes on from its end.
    """
    if first.server_time is not None:
        return first.server_time.astimezone(UTC) - CUT_MARGIN
    if stamps:
        return max(stamps)
    return datetime.now(UTC) - CUT_MARGIN
