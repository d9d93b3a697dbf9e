"""A Shopware 6 shop as a channel: incremental fetching by change stamps, mapped per order.

How a fetch misses nothing although Shopware pages by offset and has no single change stamp:

1. The window is "any change stamp >= since" (createdAt, updatedAt, transactions.updatedAt,
   deliveries.updatedAt; criteria.py). Stamps only grow, so an order that is in the window
   stays in it while we page.
2. Pages are sorted by (createdAt, id), a key that never changes. An order that changes
   during the pagination keeps its place; an order that newly enters the window takes a place
   somewhere, which can only push the others *back* (one may be seen twice, none skipped).
   New orders land at the end.
3. Every order not seen yet was created at or after the last createdAt on the current page,
   so all its change stamps are too: that createdAt is the page's `high_water`.
4. The first page also asks for the newest stamp in the window when the fetch starts (max
   aggregations). Every change up to it is in the window from the start and so is seen by
   the end: the last page's `high_water` is that stamp, and no page claims more, even when
   orders created during the fetch were already included (they come again next time).
A fetch interrupted after page k resumes from page k's createdAt (minus the service's
overlap); later changes of older orders are caught by their own stamps.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.channels.base import AdapterOptions, FetchedPage, QuotaState, quota_of
from app.channels.errors import ChannelError, RateLimited
from app.channels.http import HttpSession, RateLimiter
from app.channels.shopware.client import ShopwareClient, ShopwareToken, api_root, describe_shopware_error
from app.channels.shopware.criteria import NEWEST_CHANGE, page_criteria
from app.channels.shopware.mapping import MappingError, created_stamp, order_identity, parse_order, parse_stamp
from app.domain.orders import Channel, Order, Quarantined

PAGE_LIMIT = 250  # orders per search request
INITIAL_WINDOW = timedelta(days=90)  # how far back the first fetch of a new shop looks
# Shopware SaaS allows POST /api/oauth/token 10 times a minute per IP; the Admin API itself
# has no documented limit (self-hosted shops have none), so searches are not paced.
TOKEN_PER_SECOND = 10 / 60
TOKEN_BURST = 10
# The shop counts arrivals per IP, we count departures, and another client on this IP may have
# asked a moment ago: keep two tokens of the burst as margin. The sustained rate is the quota's.
TOKEN_BURST_MARGIN = 2
RAW_LIMIT = 64_000  # characters of a broken order kept for the clerk and support


class ShopwareAdapter:
    channel = Channel.SHOPWARE

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        sleep = options.sleep or time.sleep
        self.token_limiter = options.limiter("oauth/token", TOKEN_PER_SECOND, burst=TOKEN_BURST - TOKEN_BURST_MARGIN)
        self.search_limiter = (options.limiter("search/order", options.rate_limit) if options.rate_limit
                               else RateLimiter(None, name="search/order"))
        root = api_root(base_url)
        self.shop = urlsplit(root).netloc or root  # named in error messages; never a secret
        self.session = HttpSession(root, policy=options.policy, limiter=self.search_limiter,
                                   transport=options.transport, sleep=sleep, describe_error=describe_shopware_error,
                                   cancelled=options.cancelled)
        self.token = ShopwareToken(credentials["client_id"], credentials["client_secret"], self.token_limiter, sleep)
        self.client = ShopwareClient(self.session, self.token)
        self.pending_pages: int | None = None

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.token.requests_sent

    def close(self) -> None:
        self.session.close()

    def quota(self) -> list[QuotaState]:
        return [quota_of(self.token_limiter), quota_of(self.search_limiter, self.pending_pages)]

    def check_connection(self) -> None:
        with self._named_errors():
            self.client.search_orders({"limit": 1, "includes": {"order": ["id"]}})

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        start = since or datetime.now(UTC) - INITIAL_WINDOW
        ceiling: datetime | None = None  # newest change in the window when the fetch started
        page = 1
        while True:
            with self._named_errors():
                result = self.client.search_orders(page_criteria(start, page, PAGE_LIMIT))
            raws: list[Any] = result["data"]
            if page == 1:
                ceiling = newest_change(result.get("aggregations"))
                total = result.get("total")
                self.pending_pages = math.ceil(total / PAGE_LIMIT) if isinstance(total, int) else None
            if self.pending_pages:
                self.pending_pages -= 1
            last = len(raws) < PAGE_LIMIT
            if last:  # everything that existed at the start has been seen
                high_water = ceiling if ceiling is not None else page_boundary(raws)
            else:
                high_water = _capped(page_boundary(raws), ceiling)
            mapped = map_page(raws, high_water)
            # The page's JSON is no longer needed: drop it before waiting at the yield (the
            # prefetching consumer may keep us waiting for a page or two), so it is freed now
            # instead of being carried into the collector's older generations.
            del result, raws
            yield mapped
            if last:
                self.pending_pages = 0
                return
            page += 1

    @contextmanager
    def _named_errors(self) -> Iterator[None]:
        """Say which shop failed: the shared HTTP layer only knows "the marketplace"."""
        try:
            yield
        except ChannelError as exc:
            if "Shopware 6" in str(exc):  # the token source names the shop itself
                raise
            text = f"Shopware 6 shop {self.shop}: {exc}"
            if isinstance(exc, RateLimited):
                raise RateLimited(text, exc.retry_after) from None
            raise type(exc)(text) from None


def newest_change(aggregations: object) -> datetime | None:
    """The newest of the max aggregations of the first page (None when unreadable or empty)."""
    if not isinstance(aggregations, dict):
        return None
    stamps = []
    for spec in NEWEST_CHANGE:
        entry = aggregations.get(spec["name"])
        if isinstance(entry, dict):
            stamps.append(parse_stamp(entry.get("max")))
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


def page_boundary(raws: list[Any]) -> datetime | None:
    """The newest readable createdAt of a page (pages are sorted by it)."""
    stamps = [s for s in (created_stamp(raw) for raw in raws) if s is not None]
    return max(stamps) if stamps else None


def _capped(stamp: datetime | None, ceiling: datetime | None) -> datetime | None:
    if stamp is None or ceiling is None:
        return stamp
    return min(stamp, ceiling)


def map_page(raws: list[Any], high_water: datetime | None) -> FetchedPage:
    orders: list[Order] = []
    broken: list[Quarantined] = []
    for position, raw in enumerate(raws):
        try:
            orders.append(parse_order(raw))
        except MappingError as exc:
            ident = order_identity(raw) or f"(unnamed order at position {position + 1} of the page)"
            broken.append(Quarantined(ident, str(exc), raw_json(raw)))
    return FetchedPage(orders, broken, high_water)


def raw_json(raw: Any) -> str:
    text = json.dumps(raw, ensure_ascii=False, default=str)
    return text if len(text) <= RAW_LIMIT else f"{text[:RAW_LIMIT]}…(truncated)"
