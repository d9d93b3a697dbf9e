"""eBay as a channel: orders changed since the watermark, read through a fixed window (see paging.py),
mapped strictly and quarantined one by one, paced by eBay's daily call quotas."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Iterator

from app.channels.base import AdapterOptions, FetchedPage, QuotaState, quota_of
from app.channels.ebay import client as api
from app.channels.ebay.auth import EbayUserToken
from app.channels.ebay.client import EbayClient, describe_ebay_error, ebay_errors
from app.channels.ebay.mapping import MappingError, change_stamp, order_identity, parse_order
from app.channels.ebay.paging import ChangeWindow, WindowPage
from app.channels.http import HttpSession, RateLimiter
from app.domain.orders import Channel, Order, Quarantined

DAY_SECONDS = 86_400
# Daily quotas per application. eBay meters days, not seconds: a bucket holding a day's calls,
# refilled continuously, lets a fetch run at full speed and still never spend more than a day's
# budget in any day. The Fulfillment API figure is the commonly quoted default (UNCONFIRMED).
FULFILLMENT_CALLS_PER_DAY = 100_000
TOKEN_CALLS_PER_DAY = 50_000  # refresh_token grants (marketplaces.md 3.1)
# Our bucket counts a call when we send it, eBay's when it arrives; arrival delays vary (the first
# call also waits for the token). Keeping one call in reserve absorbs up to a call's interval of that.
LATENCY_RESERVE = 1
# getOrders "returns data from only the last 90 days" and refuses older start dates (30830).
# The start is computed on the desk's clock before eBay has answered, so keep a day's slack.
LOOKBACK = timedelta(days=90)
LOOKBACK_SLACK = timedelta(days=1)
RAW_KEEP = 64_000  # characters of a broken order kept for the clerk / support


class EbayAdapter:
    channel = Channel.EBAY

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        self.orders_quota = daily_bucket(options, "sell.fulfillment", FULFILLMENT_CALLS_PER_DAY)
        self.token_quota = daily_bucket(options, "identity token", TOKEN_CALLS_PER_DAY)
        sleep = options.sleep or time.sleep
        self.session = HttpSession(base_url, policy=options.policy, limiter=self.orders_quota,
                                   transport=options.transport, sleep=sleep, describe_error=describe_ebay_error,
                                   cancelled=options.cancelled)
        self.token = EbayUserToken(credentials["client_id"], credentials["client_secret"],
                                   credentials["refresh_token"], limiter=self.token_quota, sleep=sleep)
        self.client = EbayClient(self.session, self.token)
        self._window: ChangeWindow | None = None

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.token.requests_sent

    def close(self) -> None:
        self.session.close()

    def quota(self) -> list[QuotaState]:
        pending = self._window.remaining_calls if self._window is not None else None
        return [quota_of(self.orders_quota, pending), quota_of(self.token_quota)]

    def check_connection(self) -> None:
        with ebay_errors():
            self.client.probe()

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        """Oldest change first when eBay sorts that way; None = the last 90 days (less a day's slack)."""
        earliest = datetime.now(UTC) - LOOKBACK + LOOKBACK_SLACK
        start = earliest if since is None or since < earliest else since  # an old watermark is clamped too
        self._window = ChangeWindow(self.client.order_page, start, limit=api.PAGE_LIMIT, stamp_of=change_stamp)
        with ebay_errors():
            for page in self._window.pages():
                yield map_page(page)


def daily_bucket(options: AdapterOptions, name: str, calls_per_day: int) -> RateLimiter:
    """A day's calls, refilled over the day. An explicit flat rate (options.rate_limit) means
    just that: no day's worth of burst on top of it."""
    burst = calls_per_day - LATENCY_RESERVE if options.rate_limit is None else 1
    return options.limiter(name, calls_per_day / DAY_SECONDS, burst=burst)


def map_page(page: WindowPage) -> FetchedPage:
    """Each order on its own: a broken one is set aside with its reason, the rest of the page is kept."""
    read = [_read(raw, position) for position, raw in enumerate(page.orders, start=1)]
    return FetchedPage([r for r in read if isinstance(r, Order)], [r for r in read if isinstance(r, Quarantined)],
                       page.high_water)


def _read(raw: Any, position: int) -> Order | Quarantined:
    try:
        return parse_order(raw)
    except MappingError as exc:
        name = order_identity(raw) or f"(unnamed order at position {position} of the page)"
        text = json.dumps(raw, ensure_ascii=False, default=str)
        return Quarantined(name, str(exc), text if len(text) <= RAW_KEEP else text[:RAW_KEEP] + "…(truncated)")
